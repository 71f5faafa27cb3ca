// What the checkers service receives on the node's bus: the modules' resources (windows, the
// checker and errd switches, the heartbeats' LANs), the modules' states (for module checkers) and
// the services' presence (a restarted admin must hear the resources again).
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  codecs,
  parseModuleSubject,
  presenceServiceOf,
  subjects,
  type Envelope,
  type ResourceChanged,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { BusContext, OnBusEvent } from '@keel/runtime';
import { CheckersService } from './checkers.service';

@Controller()
export class CheckersController {
  constructor(private readonly checkers: CheckersService) {}

  /** Only admin publishes resource.changed (0010); the module is the subject's. */
  @OnBusEvent(subjects.anyModule('resourceChanged'), codecs.resourceChanged)
  resourceChanged(@Payload() msg: Envelope<ResourceChanged>, @Ctx() ctx: BusContext): void {
    if (parseModuleSubject(ctx.getSubject())?.module !== msg.payload.module) return;
    this.checkers.resourceChanged(msg.payload);
  }

  @OnBusEvent(subjects.anyModule('state'), codecs.stateChange)
  state(@Payload() msg: Envelope<StateChange>, @Ctx() ctx: BusContext): void {
    if (parseModuleSubject(ctx.getSubject())?.module !== msg.payload.module) return;
    this.checkers.moduleState(msg.payload);
  }

  /** The service is the subject's, which only its role may publish to (0010). */
  @OnBusEvent(subjects.anyPresence(), codecs.servicePresence)
  servicePresence(@Payload() msg: Envelope<ServicePresence>, @Ctx() ctx: BusContext): void {
    presenceServiceOf(ctx.getSubject(), msg.payload.service);
    this.checkers.servicePresence(msg.payload);
  }
}
