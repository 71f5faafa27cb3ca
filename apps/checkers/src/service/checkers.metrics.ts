// The checkers service's Prometheus metrics (docs/metrics.md): what its checkers (and errd) last
// said of each resource they set, and how often they set one, by value.
import { Counter, Gauge, type Registry } from 'prom-client';

/** A resource value as a label: up and down as they are, anything else (a number, text) as other. */
const valueLabel = (value: string) => (value === 'up' || value === 'down' ? value : 'other');

export class CheckersMetrics {
  private readonly up: Gauge<'module' | 'resource'>;
  private readonly sets: Counter<'module' | 'resource' | 'value'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.up = new Gauge({
      name: 'keel_checkers_resource_up',
      help: 'What a checker last set its resource to: 1 up, 0 down (resources set to other values are left out)',
      labelNames: ['module', 'resource'],
      registers,
    });
    this.sets = new Counter({
      name: 'keel_checkers_resource_sets_total',
      help: 'Resource values the checkers published, by value (up, down, other)',
      labelNames: ['module', 'resource', 'value'],
      registers,
    });
  }

  /** A resource the checkers published. */
  set(module: string, resource: string, value: string): void {
    this.sets.inc({ module, resource, value: valueLabel(value) });
    if (value === 'up' || value === 'down') this.up.set({ module, resource }, value === 'up' ? 1 : 0);
  }
}
