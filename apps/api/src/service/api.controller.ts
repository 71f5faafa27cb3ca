// What the api service receives on the node's bus: the modules' states, for their health probes
// and the GraphQL subscriptions, the module log lines, for the subscriptions, and admin's presence.
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  codecs,
  parseModuleSubject,
  presenceServiceOf,
  subjects,
  type Envelope,
  type LogLine,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { BusContext, OnBusEvent } from '@keel/runtime';
import { ModuleEvents } from '../core/module-events';
import { ModuleStates } from '../core/module-states';
import { ModuleStateMetrics } from '../metrics/module-state-metrics';

@Controller()
export class ApiController {
  constructor(
    private readonly states: ModuleStates,
    private readonly events: ModuleEvents,
    private readonly metrics: ModuleStateMetrics,
  ) {}

  /** Only admin publishes states (0010); the module is the subject's. */
  @OnBusEvent(subjects.anyModule('state'), codecs.stateChange)
  state(@Payload() msg: Envelope<StateChange>, @Ctx() ctx: BusContext): void {
    const { module, state, readiness, since } = msg.payload;
    if (parseModuleSubject(ctx.getSubject())?.module !== module) return;
    this.states.set(module, state, readiness);
    this.metrics.observe(module, state, readiness);
    this.events.publish({ kind: 'state', module, state, readiness, since: new Date(since).toISOString() });
  }

  /** A module log line (admin's own, or another service's that admin writes too); the module is the subject's. */
  @OnBusEvent(subjects.anyModule('log'), codecs.logLine)
  log(@Payload() msg: Envelope<LogLine>, @Ctx() ctx: BusContext): void {
    const { module, level, message, component } = msg.payload;
    if (parseModuleSubject(ctx.getSubject())?.module !== module) return;
    this.events.publish({
      kind: 'log',
      module,
      level,
      message,
      ...(component === undefined ? {} : { component }),
      at: new Date(msg.ts).toISOString(),
    });
  }

  /** Admin ready: it republishes every state for this service. The service is the subject's (0010). */
  @OnBusEvent(subjects.anyPresence(), codecs.servicePresence)
  presence(@Payload() msg: Envelope<ServicePresence>, @Ctx() ctx: BusContext): void {
    presenceServiceOf(ctx.getSubject(), msg.payload.service);
    if (msg.payload.service === 'admin' && msg.payload.status === 'ready') this.states.adminHeard();
  }
}
