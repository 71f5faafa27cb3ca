// What the api service receives on the node's bus: the modules' states, for their health probes,
// and admin's presence.
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  codecs,
  parseModuleSubject,
  presenceServiceOf,
  subjects,
  type Envelope,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { BusContext, OnBusEvent } from '@keel/runtime';
import { ModuleStates } from '../core/module-states';

@Controller()
export class ApiController {
  constructor(private readonly states: ModuleStates) {}

  /** Only admin publishes states (0010); the module is the subject's. */
  @OnBusEvent(subjects.anyModule('state'), codecs.stateChange)
  state(@Payload() msg: Envelope<StateChange>, @Ctx() ctx: BusContext): void {
    if (parseModuleSubject(ctx.getSubject())?.module !== msg.payload.module) return;
    this.states.set(msg.payload.module, msg.payload.state, msg.payload.readiness);
  }

  /** Admin ready: it republishes every state for this service. The service is the subject's (0010). */
  @OnBusEvent(subjects.anyPresence(), codecs.servicePresence)
  presence(@Payload() msg: Envelope<ServicePresence>, @Ctx() ctx: BusContext): void {
    presenceServiceOf(ctx.getSubject(), msg.payload.service);
    if (msg.payload.service === 'admin' && msg.payload.status === 'ready') this.states.adminHeard();
  }
}
