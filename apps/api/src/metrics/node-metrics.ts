// /metrics: the Prometheus metrics of this node's keel services, asked of each on the node's bus
// (keel.v1.node.metrics.<service>, docs/decisions/0010 "Metrics") at once, with the api's own,
// merged into one exposition (exposition-merge.ts). A service that does not answer within
// SCRAPE_TIMEOUT_MS (not running, busy, refused) is left out and counted in
// keel_api_metrics_scrape_errors_total{target, reason}, so a scrape never waits longer than that.
import {
  BUS_ROLES,
  BusNoRespondersError,
  BusTimeoutError,
  ROLE_PERMISSIONS,
  rpcs,
  subjects,
  type BusPort,
} from '@keel/bus';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@keel/runtime';
import { mergeExpositions } from './exposition-merge';

export const SCRAPE_TIMEOUT_MS = 2_000;

/** The other services that answer a metrics request: those whose role may hear its own metrics subject. */
export const SCRAPE_TARGETS: readonly string[] = BUS_ROLES.filter(
  (r) =>
    r !== 'api' &&
    !ROLE_PERMISSIONS[r].reserved &&
    ROLE_PERMISSIONS[r].subscribe.includes(subjects.metrics(r)),
);

export type ScrapeFailure = 'not_running' | 'timeout' | 'error';

export class NodeMetrics {
  private readonly errors: Counter<'target' | 'reason'>;

  constructor(
    private readonly bus: BusPort,
    private readonly own: Registry,
    private readonly logger: Logger,
    private readonly targets: readonly string[] = SCRAPE_TARGETS,
    private readonly timeoutMs = SCRAPE_TIMEOUT_MS,
  ) {
    const name = 'keel_api_metrics_scrape_errors_total';
    this.errors =
      (own.getSingleMetric(name) as Counter<'target' | 'reason'> | undefined) ??
      new Counter({
        name,
        help: "Services of this node left out of the api's /metrics: not running, no answer in time, or an error",
        labelNames: ['target', 'reason'],
        registers: [own],
      });
  }

  /** The exposition of every service that answered, the api's own last (its error counts included). */
  async exposition(): Promise<string> {
    const texts = await Promise.all(this.targets.map((t) => this.ask(t)));
    const { text, conflicts } = mergeExpositions([
      ...texts.filter((t) => t !== undefined),
      await this.own.metrics(),
    ]);
    if (conflicts.length) this.logger.warn('metric families with conflicting types left out', { conflicts });
    return text;
  }

  private async ask(target: string): Promise<string | undefined> {
    try {
      const r = await this.bus.request(
        subjects.metrics(target),
        rpcs.metrics,
        {},
        { timeoutMs: this.timeoutMs },
      );
      return r.text;
    } catch (e) {
      const reason: ScrapeFailure =
        e instanceof BusNoRespondersError
          ? 'not_running'
          : e instanceof BusTimeoutError
            ? 'timeout'
            : 'error';
      this.errors.inc({ target, reason });
      if (reason === 'error') this.logger.warn('metrics of a service refused', { target, err: e });
      return undefined;
    }
  }
}
