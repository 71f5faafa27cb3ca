// What heartbeat receives on the node's bus: the local states and resources it advertises to the
// peer, and the presence of admin (which must be told again what it lost when it restarts).
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  codecs,
  presenceServiceOf,
  subjects,
  type Envelope,
  type ResourceChanged,
  type ServicePresence,
  type StateChange,
} from '@keel/bus';
import { BusContext, OnBusEvent } from '@keel/runtime';
import { HeartbeatService } from './heartbeat.service';

@Controller()
export class HeartbeatController {
  constructor(private readonly heartbeat: HeartbeatService) {}

  @OnBusEvent(subjects.anyModule('state'), codecs.stateChange)
  state(@Payload() msg: Envelope<StateChange>): void {
    this.heartbeat.localState(msg.payload);
  }

  @OnBusEvent(subjects.anyModule('resourceChanged'), codecs.resourceChanged)
  resourceChanged(@Payload() msg: Envelope<ResourceChanged>): void {
    this.heartbeat.resourceChanged(msg.payload);
  }

  /** The service is the subject's, which only its role may publish to (0010). */
  @OnBusEvent(subjects.anyPresence(), codecs.servicePresence)
  servicePresence(@Payload() msg: Envelope<ServicePresence>, @Ctx() ctx: BusContext): void {
    presenceServiceOf(ctx.getSubject(), msg.payload.service);
    this.heartbeat.servicePresence(msg.payload);
  }
}
