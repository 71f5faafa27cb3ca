// The modules' states as the api hears admin announce them on the bus (every change, and all of
// them again when the api starts), as Prometheus metrics (docs/metrics.md): the state (1 for the
// current one, 0 for the others), readiness, and the transitions, a failover being SECOND -> ALONE.
// The api exports them since it is the service that hears every state and serves /metrics.
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { MODULE_STATES } from '@keel/bus';
import { METRICS_REGISTRY } from '@keel/runtime';

@Injectable()
export class ModuleStateMetrics {
  private readonly state: Gauge<'module' | 'state'>;
  private readonly ready: Gauge<'module'>;
  private readonly transitions: Counter<'module' | 'from' | 'to'>;
  private readonly last = new Map<string, string>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.state = new Gauge({
      name: 'keel_api_module_state',
      help: "1 for the module's state on this node as admin last announced it, 0 for the other states",
      labelNames: ['module', 'state'],
      registers,
    });
    this.ready = new Gauge({
      name: 'keel_api_module_ready',
      help: '1 while the module is Ready, 0 while NotReady or Transient',
      labelNames: ['module'],
      registers,
    });
    this.transitions = new Counter({
      name: 'keel_api_module_transitions_total',
      help: 'State changes of the module on this node heard since the api started (a failover: SECOND to ALONE)',
      labelNames: ['module', 'from', 'to'],
      registers,
    });
  }

  /** A state admin announced; the first one heard of a module is no transition. */
  observe(module: string, state: string, readiness: string): void {
    for (const s of MODULE_STATES) this.state.set({ module, state: s }, s === state ? 1 : 0);
    this.ready.set({ module }, readiness === 'Ready' ? 1 : 0);
    const before = this.last.get(module);
    if (before !== undefined && before !== state) this.transitions.inc({ module, from: before, to: state });
    this.last.set(module, state);
  }
}
