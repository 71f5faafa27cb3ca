// `keel healthcheck` (SafeKit's `safekit -r healthcheck.sh`, safekit-ops §7.3): the node's
// prerequisites, one line each (OK / WARN / FAIL and what to do), a summary, the same text in
// <KEEL_VAR>/healthcheck.txt (a dump carries it); exit 1 when a check fails.
import {
  defaultPorts,
  HTTP_PORT,
  installedModules,
  loadClusterConfig,
  loadWebConf,
  nodeBasics,
  nodePaths,
  NodeStartupError,
  type NodeEnv,
} from '@keel/config';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliIo, EXIT, UsageError } from '../../io';
import { writeFileAtomic } from '../output-file';
import {
  healthLine,
  healthSummary,
  peerChecks,
  runHealthChecks,
  type HealthInputs,
  type NeededPort,
  type PeerAnswer,
} from './health-checks';
import type { HealthProbe } from './health-probe.port';
import { askPeers } from './peer-probe';
import { SystemProbe } from './system-probe';

export const HEALTHCHECK_USAGE = 'usage: keel healthcheck';

/** Asks every other node of cluster.xml (peer-probe.ts is the real one). */
export type PeerProbe = (env: NodeEnv) => Promise<readonly PeerAnswer[]>;

/** The checks' text and whether one failed. */
export async function healthReport(
  env: NodeEnv,
  probe: HealthProbe,
  peers: PeerProbe = askPeers,
): Promise<{ lines: string[]; failed: boolean }> {
  const results = [...runHealthChecks(probe, healthInputs(env)), ...peerChecks(await peers(env))];
  return {
    lines: [...results.map(healthLine), healthSummary(results)],
    failed: results.some((r) => r.status === 'FAIL'),
  };
}

export async function healthcheck(
  args: readonly string[],
  io: CliIo,
  probe: HealthProbe = new SystemProbe(io.env.PATH),
  peers: PeerProbe = askPeers,
): Promise<number> {
  if (args.length > 0) throw new UsageError(`unexpected argument ${args[0]}\n${HEALTHCHECK_USAGE}`);
  const { lines, failed } = await healthReport(io.env, probe, peers);
  lines.forEach((l) => io.out(l));
  const file = join(nodePaths(io.env).var, 'healthcheck.txt');
  try {
    writeFileAtomic(file, lines.join('\n') + '\n');
  } catch (e) {
    io.err(
      `keel healthcheck: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return failed ? EXIT.invalid : EXIT.ok;
}

/** The node's files as the checks need them: cluster files, its name, the ports its modules use. */
export function healthInputs(env: NodeEnv): HealthInputs {
  const paths = nodePaths(env);
  let nodeName: HealthInputs['nodeName'];
  if (!existsSync(paths.clusterFile)) nodeName = undefined;
  else
    try {
      nodeName = { ok: true, node: nodeBasics(env).node };
    } catch (e) {
      if (!(e instanceof NodeStartupError)) throw e;
      nodeName = { ok: false, message: e.message };
    }
  return { clusterFile: paths.clusterFile, keyFile: paths.keyFile, nodeName, ports: neededPorts(env) };
}

function neededPorts(env: NodeEnv): NeededPort[] {
  const paths = nodePaths(env);
  let httpPort = HTTP_PORT;
  try {
    httpPort = loadWebConf(paths.etc).httpPort;
  } catch {
    /* a bad web.conf is the web service's to report; the default port is checked */
  }
  const ports: NeededPort[] = [{ proto: 'tcp', port: httpPort, what: 'the web service' }];
  let modules;
  try {
    modules = installedModules(paths.modulesDir, loadClusterConfig(paths.clusterFile), env).modules;
  } catch {
    return ports; // no cluster.xml: the cluster.xml check says so
  }
  for (const m of modules) {
    const d = defaultPorts(m.id);
    if (m.config.heart)
      ports.push({
        proto: 'udp',
        port: m.config.heart.port ?? d.heartbeat,
        what: `module ${m.name} heartbeat`,
      });
    if (m.config.rfs) ports.push({ proto: 'tcp', port: d.replication, what: `module ${m.name} replication` });
    if (m.config.farm)
      ports.push({ proto: 'udp', port: m.config.farm.port ?? d.farm, what: `module ${m.name} farm` });
  }
  return ports;
}
