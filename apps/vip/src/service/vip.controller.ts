// What vip receives on the node's bus: admin's requests to place or withdraw a module's virtual
// IPs, the modules' states and the services' presence (a restarted admin must hear the resources
// again).
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  codecs,
  HandlerError,
  parseModuleSubject,
  presenceServiceOf,
  rpcs,
  subjects,
  type Envelope,
  type FarmViewMessage,
  type ServicePresence,
  type StateChange,
  type VipCommand,
  type VipCommandResult,
} from '@keel/bus';
import { BusContext, OnBusEvent, OnBusRequest } from '@keel/runtime';
import { VipService } from './vip.service';

@Controller()
export class VipController {
  constructor(private readonly vip: VipService) {}

  /** keel.v1.<module>.vip.cmd: the module is the subject's, which only admin may send on (0010). */
  @OnBusRequest(subjects.anyModule('vipCmd'), rpcs.vipCommand)
  command(@Payload() req: Envelope<VipCommand>, @Ctx() ctx: BusContext): Promise<VipCommandResult> {
    const target = parseModuleSubject(ctx.getSubject());
    if (!target) throw new HandlerError('BAD_SUBJECT', `${ctx.getSubject()} names no module`);
    if (req.payload.module !== target.module) {
      throw new HandlerError(
        'BAD_REQUEST',
        `a request for ${req.payload.module} sent on the subject of ${target.module}`,
      );
    }
    return this.vip.command(
      target.module,
      req.payload.op,
      req.payload.addresses,
      `${req.source.service}@${req.source.node}`,
    );
  }

  @OnBusEvent(subjects.anyModule('farmView'), codecs.farmView)
  farmView(@Payload() msg: Envelope<FarmViewMessage>): void {
    this.vip.farmView(msg.payload);
  }

  @OnBusEvent(subjects.anyModule('state'), codecs.stateChange)
  state(@Payload() msg: Envelope<StateChange>): void {
    this.vip.moduleState(msg.payload);
  }

  /** The service is the subject's, which only its role may publish to (0010). */
  @OnBusEvent(subjects.anyPresence(), codecs.servicePresence)
  servicePresence(@Payload() msg: Envelope<ServicePresence>, @Ctx() ctx: BusContext): void {
    presenceServiceOf(ctx.getSubject(), msg.payload.service);
    this.vip.servicePresence(msg.payload);
  }
}
