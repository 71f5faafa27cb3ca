// What rfs receives on the node's bus: admin's replication role requests, for every module.
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  HandlerError,
  parseModuleSubject,
  rpcs,
  subjects,
  type Envelope,
  type RfsCommand,
  type RfsCommandResult,
  type RfsQuery,
  type RfsQueryResult,
  type RfsWindow,
} from '@keel/bus';
import { BusContext, OnBusRequest } from '@keel/runtime';
import { RfsService } from './rfs.service';

@Controller()
export class RfsController {
  constructor(private readonly rfs: RfsService) {}

  /** keel.v1.<module>.rfs.cmd: the module is the subject's, which only admin may send on (0010). */
  @OnBusRequest(subjects.anyModule('rfsCmd'), rpcs.rfsCommand)
  command(@Payload() req: Envelope<RfsCommand>, @Ctx() ctx: BusContext): Promise<RfsCommandResult> {
    const target = parseModuleSubject(ctx.getSubject());
    if (!target) throw new HandlerError('BAD_SUBJECT', `${ctx.getSubject()} names no module`);
    if (req.payload.module !== target.module) {
      throw new HandlerError(
        'BAD_REQUEST',
        `a role for ${req.payload.module} sent on the subject of ${target.module}`,
      );
    }
    const { role, full, since } = req.payload;
    return this.rfs.command(target.module, role, full, `${req.source.service}@${req.source.node}`, since);
  }

  /** keel.v1.<module>.rfs.query: rfsdiff or rfsverify, from admin only (0010). */
  @OnBusRequest(subjects.anyModule('rfsQuery'), rpcs.rfsQuery)
  query(@Payload() req: Envelope<RfsQuery>, @Ctx() ctx: BusContext): Promise<RfsQueryResult> {
    const target = parseModuleSubject(ctx.getSubject());
    if (!target) throw new HandlerError('BAD_SUBJECT', `${ctx.getSubject()} names no module`);
    if (req.payload.module !== target.module) {
      throw new HandlerError(
        'BAD_REQUEST',
        `a query for ${req.payload.module} sent on the subject of ${target.module}`,
      );
    }
    return this.rfs.query(target.module, req.payload.query);
  }

  /** keel.v1.<module>.rfs.window: a write deadline under the lease arbiter, from admin only (0010). */
  @OnBusRequest(subjects.anyModule('rfsWindow'), rpcs.rfsWindow)
  window(@Payload() req: Envelope<RfsWindow>, @Ctx() ctx: BusContext): RfsCommandResult {
    const target = parseModuleSubject(ctx.getSubject());
    if (!target) throw new HandlerError('BAD_SUBJECT', `${ctx.getSubject()} names no module`);
    if (req.payload.module !== target.module) {
      throw new HandlerError(
        'BAD_REQUEST',
        `a write deadline for ${req.payload.module} sent on the subject of ${target.module}`,
      );
    }
    return this.rfs.window(target.module, req.payload.deadlineMs);
  }
}
