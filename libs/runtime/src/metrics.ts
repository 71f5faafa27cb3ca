// One prom-client Registry per service, never the global one: two services (or two tests) in
// one process must not see each other's metrics. Every metric carries service and node.
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsOptions {
  readonly service: string;
  readonly node: string;
  /** Also collect Node.js process metrics (CPU, memory, event loop). Off by default. */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service, node: options.node });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}
