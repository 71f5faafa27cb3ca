// One codec (or request/reply pair) per message type; the type strings are part of the wire
// format and must not change within v1.
import { defineCodec, defineRpc, replySchema } from './envelope';
import {
  CommandResultSchema,
  FarmViewMessageSchema,
  HeartbeatViewSchema,
  LogLineSchema,
  MetricsReplySchema,
  MetricsRequestSchema,
  ModuleCommandSchema,
  ResourceChangedSchema,
  ResourceSetSchema,
  RfsCommandResultSchema,
  RfsCommandSchema,
  RfsEventSchema,
  RfsQueryResultSchema,
  RfsQuerySchema,
  RfsWindowSchema,
  ServicePresenceSchema,
  StateChangeSchema,
  VipCommandResultSchema,
  VipCommandSchema,
} from './messages';

/** Command replies: ok with an optional detail, or an error with code + message. */
export const CommandReplySchema = replySchema(CommandResultSchema);

export const rpcs = {
  moduleCommand: defineRpc('module.command', ModuleCommandSchema, CommandResultSchema),
  rfsCommand: defineRpc('rfs.command', RfsCommandSchema, RfsCommandResultSchema),
  rfsWindow: defineRpc('rfs.window', RfsWindowSchema, RfsCommandResultSchema),
  rfsQuery: defineRpc('rfs.query', RfsQuerySchema, RfsQueryResultSchema),
  vipCommand: defineRpc('vip.command', VipCommandSchema, VipCommandResultSchema),
  metrics: defineRpc('node.metrics', MetricsRequestSchema, MetricsReplySchema),
} as const;

export const codecs = {
  moduleCommand: rpcs.moduleCommand.request,
  commandReply: rpcs.moduleCommand.reply,
  stateChange: defineCodec('module.state', StateChangeSchema),
  resourceSet: defineCodec('resource.set', ResourceSetSchema),
  resourceChanged: defineCodec('resource.changed', ResourceChangedSchema),
  logLine: defineCodec('module.log', LogLineSchema),
  heartbeatView: defineCodec('heartbeat.view', HeartbeatViewSchema),
  farmView: defineCodec('farm.view', FarmViewMessageSchema),
  servicePresence: defineCodec('node.service', ServicePresenceSchema),
  rfsCommand: rpcs.rfsCommand.request,
  rfsReply: rpcs.rfsCommand.reply,
  rfsEvent: defineCodec('rfs.event', RfsEventSchema),
  rfsWindow: rpcs.rfsWindow.request,
  rfsQuery: rpcs.rfsQuery.request,
  rfsQueryReply: rpcs.rfsQuery.reply,
  vipCommand: rpcs.vipCommand.request,
  vipReply: rpcs.vipCommand.reply,
} as const;
