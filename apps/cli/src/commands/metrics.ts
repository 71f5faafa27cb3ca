// `keel metrics [service]`: the Prometheus metrics of this node's keel services, asked of each on
// the node's bus (keel.v1.node.metrics.<service>, docs/decisions/0010 "Metrics"), printed in the
// text exposition format one after the other. Every service's series carry service and node.
import {
  BusNoRespondersError,
  BusPermissionError,
  BusRemoteError,
  BusTimeoutError,
  rpcs,
  subjects,
  type BusPort,
} from '@keel/bus';
import { CliIo, EXIT, UsageError } from '../io';

/** The keel services of a node that answer a metrics request, in the order they are printed. */
export const METRIC_SERVICES = ['admin', 'heartbeat', 'rfs', 'vip', 'checkers', 'api'] as const;

const USAGE = `usage: keel metrics [${METRIC_SERVICES.join('|')}]`;
const TIMEOUT_MS = 5_000;

/** Exit code when the service asked for does not answer (as for module commands). */
export const EXIT_NO_ANSWER = 3;

type Answer = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly why: string };

async function ask(bus: BusPort, service: string): Promise<Answer> {
  try {
    const r = await bus.request(subjects.metrics(service), rpcs.metrics, {}, { timeoutMs: TIMEOUT_MS });
    return { ok: true, text: r.text };
  } catch (e) {
    if (e instanceof BusNoRespondersError) return { ok: false, why: 'not running on this node' };
    if (e instanceof BusTimeoutError) return { ok: false, why: `no answer within ${TIMEOUT_MS / 1000}s` };
    if (e instanceof BusRemoteError) return { ok: false, why: e.remoteMessage };
    if (e instanceof BusPermissionError) return { ok: false, why: e.message };
    throw e;
  }
}

/** The services `keel metrics <args>` asks; UsageError for anything else. */
export function metricsTargets(args: readonly string[]): string[] {
  if (args.length > 1 || (args[0] !== undefined && !(METRIC_SERVICES as readonly string[]).includes(args[0])))
    throw new UsageError(USAGE);
  return args[0] === undefined ? [...METRIC_SERVICES] : [args[0]];
}

/**
 * One service: its metrics, or exit 3 saying why not. All: every service that answers (a service
 * not running is said on stderr), exit 3 only when none answers.
 */
export async function metrics(services: readonly string[], io: CliIo, bus: BusPort): Promise<number> {
  const answers = await Promise.all(services.map((s) => ask(bus, s)));
  let answered = 0;
  answers.forEach((a, i) => {
    if (a.ok) {
      answered++;
      io.out(a.text.replace(/\n$/, ''));
    } else {
      io.err(`keel metrics: ${services[i]}: ${a.why}`);
    }
  });
  return answered > 0 ? EXIT.ok : EXIT_NO_ANSWER;
}
