// What admin receives on the node's bus: module commands from their callers, what heartbeat and
// rfs report, the resources components set, and the presence of the node's services.
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  codecs,
  presenceServiceOf,
  commandModuleOf,
  HandlerError,
  parseModuleSubject,
  rpcs,
  subjects,
  type CommandResult,
  type Envelope,
  type FarmViewMessage,
  type HeartbeatView,
  type LogLine,
  type ModuleCommand,
  type ResourceSet,
  type RfsEvent,
  type ServicePresence,
} from '@keel/bus';
import { BusContext, OnBusEvent, OnBusRequest } from '@keel/runtime';
import { AdminService } from './admin.service';

@Controller()
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  /** keel.v1.<module>.cmd.<caller>, from every caller: the subject names the module and the caller. */
  @OnBusRequest(subjects.anyModuleCmd('*'), rpcs.moduleCommand)
  command(@Payload() req: Envelope<ModuleCommand>, @Ctx() ctx: BusContext): Promise<CommandResult> {
    const module = commandModuleOf(ctx.getSubject());
    if (!module) {
      throw new HandlerError(
        'FORBIDDEN',
        `module commands are taken only on keel.v1.<module>.cmd.<caller> (a module name, not "node"), not on ${ctx.getSubject()}`,
      );
    }
    if (req.payload.module !== module) {
      throw new HandlerError(
        'BAD_REQUEST',
        `a command for ${req.payload.module} sent on the subject of ${module}`,
      );
    }
    return this.admin.command(module, ctx.getSubject(), req.payload);
  }

  @OnBusEvent(subjects.anyModule('heartbeatView'), codecs.heartbeatView)
  heartbeatView(@Payload() msg: Envelope<HeartbeatView>): void {
    this.admin.heartbeatView(msg.payload);
  }

  /** The service is the subject's, which only its role may publish to (0010). */
  @OnBusEvent(subjects.anyPresence(), codecs.servicePresence)
  servicePresence(@Payload() msg: Envelope<ServicePresence>, @Ctx() ctx: BusContext): void {
    presenceServiceOf(ctx.getSubject(), msg.payload.service);
    this.admin.servicePresence(msg.payload);
  }

  @OnBusEvent(subjects.anyModule('farmView'), codecs.farmView)
  farmView(@Payload() msg: Envelope<FarmViewMessage>): void {
    this.admin.farmView(msg.payload);
  }

  @OnBusEvent(subjects.anyModule('rfsEvent'), codecs.rfsEvent)
  rfsEvent(@Payload() msg: Envelope<RfsEvent>): void {
    this.admin.rfsEvent(msg.payload);
  }

  /**
   * A line another keel service says in a module's log (heartbeat, vip: they name their
   * component; admin's own lines, published for the API, name none). The module is the subject's.
   */
  @OnBusEvent(subjects.anyModule('log'), codecs.logLine)
  log(@Payload() msg: Envelope<LogLine>, @Ctx() ctx: BusContext): void {
    if (msg.payload.component === undefined) return;
    this.admin.componentLog(moduleOf(ctx), msg.payload);
  }

  /** The module is the subject's, never the message's. */
  @OnBusEvent(subjects.anyModule('resourceSet'), codecs.resourceSet)
  resourceSet(@Payload() msg: Envelope<ResourceSet>, @Ctx() ctx: BusContext): void {
    this.admin.resourceSet(moduleOf(ctx), msg.payload);
  }
}

function moduleOf(ctx: BusContext): string {
  const target = parseModuleSubject(ctx.getSubject());
  if (!target) throw new HandlerError('BAD_SUBJECT', `${ctx.getSubject()} names no module`);
  return target.module;
}
