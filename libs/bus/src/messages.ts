// Payload schemas of every keel v1 message. Fields may be added (optional) within v1;
// removing or retyping a field needs keel.v2 subjects and envelope v: 2.
import { z } from 'zod';
import { MIRROR_COMMAND_NAMES } from '@keel/engine';

const ModuleName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const ComponentName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
const Timestamp = z.iso.datetime({ offset: true });

/** SafeKit-compatible module commands (`safekit <name> -m <module> [args] [-i identity]`). */
export const COMMAND_NAMES = [
  ...MIRROR_COMMAND_NAMES,
  'boot',
  'errd',
  'checker',
  'resync',
  'state',
  'get',
  'set',
  'printi',
  'printe',
  'log',
  'farm',
  // maxloop's counter, for handlers and scripts (reference §6.6).
  'incloop',
  'resetloop',
  'checkloop',
  // The replication's synchronisation policy (guide §5.7.5).
  'rfssync',
  // The replication's change estimate (on the ALONE node) and verification (on the SECOND).
  'rfsdiff',
  'rfsverify',
] as const;
export const CommandNameSchema = z.enum(COMMAND_NAMES);
export type CommandName = z.output<typeof CommandNameSchema>;

export const ModuleCommandSchema = z.object({
  module: ModuleName,
  name: CommandNameSchema,
  /** Extra arguments, e.g. ["on"] for `failover on`. */
  args: z.array(z.string().max(1024)).max(32).default([]),
  /** `-i <identity>`: who asked, recorded in the module log. */
  identity: z.string().min(1).max(256).optional(),
  /** The administrator behind a command without identity: the local user, or admin@<address> via the API. */
  caller: z.string().min(1).max(256).optional(),
});
export type ModuleCommand = z.output<typeof ModuleCommandSchema>;

/** Result of a successful command; errors travel as error replies (code + message). */
export const CommandResultSchema = z.object({
  /** Human-readable output, e.g. the answer of `boot status`. */
  detail: z.string().max(65536).optional(),
});
export type CommandResult = z.output<typeof CommandResultSchema>;

export const MODULE_STATES = ['STOP', 'WAIT', 'ALONE', 'PRIM', 'SECOND', 'UP'] as const;
export const ModuleStateSchema = z.enum(MODULE_STATES);
export type ModuleState = z.output<typeof ModuleStateSchema>;

export const READINESS = ['NotReady', 'Transient', 'Ready'] as const;
export const ReadinessSchema = z.enum(READINESS);
export type Readiness = z.output<typeof ReadinessSchema>;

export const RESOURCE_STATES = ['init', 'up', 'down', 'unknown'] as const;
/**
 * A resource value: one of RESOURCE_STATES, or free printable text for numeric-ish
 * resources (e.g. a usersetting or a size). TypeScript widens this to string.
 */
export const ResourceValueSchema = z.union([
  z.enum(RESOURCE_STATES),
  z.string().regex(/^[\x20-\x7e]{1,256}$/),
]);
export type ResourceValue = z.output<typeof ResourceValueSchema>;

export const ResourceNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/);

/** At most this many entries in a resource map carried by one message. */
export const MAX_RESOURCE_MAP_ENTRIES = 64;

/** A bounded map of resource name -> value (e.g. what a mirror node advertises to its peer). */
export const ResourceMapSchema = z
  .record(ResourceNameSchema, ResourceValueSchema)
  .refine((map) => Object.keys(map).length <= MAX_RESOURCE_MAP_ENTRIES, {
    message: `at most ${MAX_RESOURCE_MAP_ENTRIES} resources`,
  });
export type ResourceMap = z.output<typeof ResourceMapSchema>;

export const StateChangeSchema = z.object({
  module: ModuleName,
  state: ModuleStateSchema,
  readiness: ReadinessSchema,
  /** When the module entered this state (the envelope ts is when it was published). */
  since: Timestamp,
  /**
   * Mirror only: facts this node advertises to its peer together with this state (e.g. the
   * engine's peer facts as resources). The heartbeat service sends them in the same packet as
   * the state, so the peer never sees a new state with old facts. Each message replaces the
   * previous set; absent = keep advertising the previous set.
   */
  advertised: ResourceMapSchema.optional(),
});
export type StateChange = z.output<typeof StateChangeSchema>;

export const ResourceSetSchema = z.object({
  module: ModuleName,
  name: ResourceNameSchema,
  value: ResourceValueSchema,
  /** Component asking for the change, e.g. "checkers" or "heartbeat". */
  component: ComponentName,
  /**
   * The splitbrain verdict's answer names the isolation it was asked for (admin's resource
   * splitbrain.isolation): admin takes no answer to another question (docs/decisions/0020).
   */
  isolation: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .optional(),
});
export type ResourceSet = z.output<typeof ResourceSetSchema>;

export const ResourceChangedSchema = ResourceSetSchema.extend({
  /** Value before the change; absent the first time a resource is set. */
  previous: ResourceValueSchema.optional(),
});
export type ResourceChanged = z.output<typeof ResourceChangedSchema>;

/** SafeKit log levels: I(nfo), E(rror), V(erbose). */
export const MODULE_LOG_LEVELS = ['I', 'E', 'V'] as const;
export const LogLineSchema = z.object({
  module: ModuleName,
  level: z.enum(MODULE_LOG_LEVELS),
  message: z.string().max(8192),
  component: ComponentName.optional(),
});
export type LogLine = z.output<typeof LogLineSchema>;

export const LanStatusSchema = z.object({
  /** Heartbeat LAN name as configured (or its address). */
  name: z.string().min(1).max(128),
  status: z.enum(['up', 'down']),
  /** The heartbeat's ident: this LAN's status is the resource `heartbeat.<ident>`. */
  ident: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,118}$/)
    .optional(),
});
export type LanStatus = z.output<typeof LanStatusSchema>;

export const PeerViewSchema = z.object({
  node: z.string().min(1).max(253),
  lans: z.array(LanStatusSchema).max(16),
  /** What the peer last announced; UNKNOWN when no heartbeat arrived on any LAN. */
  state: z.union([ModuleStateSchema, z.literal('UNKNOWN')]),
  readiness: z.union([ReadinessSchema, z.literal('UNKNOWN')]),
  /**
   * Resources the peer advertised in its last heartbeat (its `advertised` facts and the
   * resources the failover rules may read as `remote.<name>`). Absent or missing entries are
   * `unknown`; empty while the state is UNKNOWN.
   */
  resources: ResourceMapSchema.optional(),
  /** The peer's heartbeat incarnation: grows every time its heartbeat service restarts. */
  incarnation: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type PeerView = z.output<typeof PeerViewSchema>;

export const HeartbeatViewSchema = z.object({
  module: ModuleName,
  peers: z.array(PeerViewSchema).max(64),
});
export type HeartbeatView = z.output<typeof HeartbeatViewSchema>;

export const ServicePresenceSchema = z.object({
  service: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  status: z.enum(['starting', 'ready', 'stopping']),
  pid: z.number().int().positive(),
  /** The inode of the service's PID namespace: `pid` means that process only in that namespace. */
  pidNs: z.number().int().positive().optional(),
  version: z.string().min(1).max(64).optional(),
});
export type ServicePresence = z.output<typeof ServicePresenceSchema>;

/** Replication roles of a module on this node (the engine's `replication` effect). */
export const REPLICATION_ROLES = ['primary', 'secondary', 'stopped'] as const;
export const ReplicationRoleSchema = z.enum(REPLICATION_ROLES);
export type ReplicationRole = z.output<typeof ReplicationRoleSchema>;

/**
 * admin -> rfs: run the module's replication in this role. Answered once the replicated
 * directories are mounted (primary read-write, secondary read-only), or once the daemon is gone
 * for `stopped`; a secondary's resynchronisation goes on after the answer and ends with the
 * `synced` event.
 */
export const RfsCommandSchema = z.object({
  module: ModuleName,
  role: ReplicationRoleSchema,
  /** Secondary: copy everything (full reintegration) instead of the changed zones. */
  full: z.boolean().default(false),
  /**
   * Secondary: `secondforce -d`, copy the files modified since this date (seconds since the epoch)
   * or of another size, instead of the engine's choice (keel-rfsd `--since`).
   */
  since: z.number().int().optional(),
});
export type RfsCommand = z.output<typeof RfsCommandSchema>;

/** The outcome of an rfs command; a daemon that could not mount is `ok: false`, not a bus error. */
export const RfsCommandResultSchema = z.object({
  ok: z.boolean(),
  message: z.string().max(4096).optional(),
});
export type RfsCommandResult = z.output<typeof RfsCommandResultSchema>;

/**
 * admin -> rfs, under the lease arbiter (docs/decisions/0019): the module's primary may accept
 * writes until `deadlineMs`, a CLOCK_MONOTONIC time of this node in milliseconds; a time not after
 * now closes them. rfs writes it to the primary keel-rfsd's control pipe, and to every primary it
 * starts for the module later; answered once it is there or kept for the next primary.
 */
export const RfsWindowSchema = z.object({
  module: ModuleName,
  deadlineMs: z.number().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type RfsWindow = z.output<typeof RfsWindowSchema>;

/**
 * admin -> rfs: `rfsdiff` (the primary's daemon estimates what a reintegration would send) or
 * `rfsverify` (the secondary's daemon has its primary compare every entry); answered when the
 * daemon has (docs/decisions/0009, "rfsverify and rfsdiff").
 */
export const RFS_QUERIES = ['diff', 'verify'] as const;
export const RfsQuerySchema = z.object({
  module: ModuleName,
  query: z.enum(RFS_QUERIES),
});
export type RfsQuery = z.output<typeof RfsQuerySchema>;

const QueryCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One entry of the secondary's copy that differs from the primary's (`rfsverify`). */
export const RfsDifferenceSchema = z.object({
  /** The replicated directory's index in the module's `<rfs>` list. */
  dir: z.number().int().nonnegative().max(255),
  path: z.string().max(4096),
  kind: z.string().max(16),
  /** What differs: missing, kind, size, mode, owner, xattrs, content, unreadable. */
  differs: z.array(z.string().max(16)).max(8),
});
export type RfsDifference = z.output<typeof RfsDifferenceSchema>;

/**
 * How long rfs waits for the daemon's answer to a query (a verification reads every file of both
 * copies); admin and the CLI wait a little longer, so that the innermost bound speaks.
 */
export const RFS_QUERY_TIMEOUT_MS = 3_600_000;

/** The most differences one answer lists (the count says how many there were). */
export const MAX_RFS_DIFFERENCES = 200;

/** The answer; `ok: false` says why the daemon could not (no daemon, another role, ...). */
export const RfsQueryResultSchema = z.object({
  ok: z.boolean(),
  message: z.string().max(4096).optional(),
  /** diff: the reintegration's mode (zones, compare, full), files and bytes it would send. */
  mode: z.string().max(16).optional(),
  files: QueryCount.optional(),
  bytes: QueryCount.optional(),
  /** diff: the rate estimated with (bytes/s) and the duration; absent when unknown. */
  rateBps: QueryCount.optional(),
  seconds: QueryCount.optional(),
  /** diff: a directory could not be read; verify: the pass did not cover the whole tree. */
  partial: z.boolean().optional(),
  /** verify: entries compared (files) and how many differ, the first of them. */
  differ: QueryCount.optional(),
  differences: z.array(RfsDifferenceSchema).max(MAX_RFS_DIFFERENCES).optional(),
});
export type RfsQueryResult = z.output<typeof RfsQueryResultSchema>;

/** What admin asks of the vip service: the module's virtual IPs placed on this node, or withdrawn. */
/** `drain`: a farm node hands its buckets to the others and answers once they serve them. */
export const VIP_OPS = ['set', 'remove', 'drain'] as const;
export const VipOpSchema = z.enum(VIP_OPS);
export type VipOp = z.output<typeof VipOpSchema>;

/**
 * admin -> vip: place (`set`) or withdraw (`remove`) every virtual IP of the module on this node.
 * Answered once the addresses are on their interfaces and announced, or gone; the engine's effects
 * after it (start_prim above all) wait for the answer (docs/decisions/0016).
 */
export const VipCommandSchema = z.object({
  module: ModuleName,
  op: VipOpSchema,
  /**
   * The VIPs admin read in the module's configuration (its fence withdraws those): the vip
   * service refuses to place others.
   */
  addresses: z.array(z.string().min(1).max(64)).max(256).optional(),
});
export type VipCommand = z.output<typeof VipCommandSchema>;

/** One virtual IP as placed on this node. */
export const PlacedVipSchema = z.object({
  addr: z.string().min(1).max(64),
  prefix: z.number().int().min(0).max(128),
  ifname: z.string().min(1).max(15),
});
export type PlacedVip = z.output<typeof PlacedVipSchema>;

/**
 * The outcome of a vip command. `ok: false` says why (an address that could not be placed; every
 * address this request placed was withdrawn again), not a bus error.
 */
export const VipCommandResultSchema = z.object({
  ok: z.boolean(),
  message: z.string().max(4096).optional(),
  /** The addresses placed (set) or withdrawn (remove). */
  addresses: z.array(PlacedVipSchema).max(256).default([]),
});
export type VipCommandResult = z.output<typeof VipCommandResultSchema>;

/** A farm load-balancing group's share as a view gives it (docs/decisions/0017). */
export const FarmGroupOwnersSchema = z.object({
  /** `<group name>` of the module's `<loadbalancing_list>`. */
  name: z.string().min(1).max(128),
  /** The member serving each of the 256 buckets; null: no member of the group may serve it. */
  owners: z.array(z.string().min(1).max(253).nullable()).length(256),
});
export type FarmGroupOwners = z.output<typeof FarmGroupOwnersSchema>;

/**
 * heartbeat -> admin, vip: the farm view this node follows now, published on every change (and
 * again when admin or vip say they are ready). `members` are the UP (Ready) nodes; the leader
 * answers ARP for the VIP.
 */
export const FarmViewMessageSchema = z.object({
  module: ModuleName,
  /** Absent while no node is UP (Ready): nobody serves. */
  leader: z.string().min(1).max(253).optional(),
  epoch: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  members: z.array(z.string().min(1).max(253)).max(64),
  groups: z.array(FarmGroupOwnersSchema).max(4),
  /**
   * How long the view holds without a newer publication (heartbeat publishes it again well within
   * it): a vip service that hears nothing for that long stops serving, as the other nodes, no
   * longer hearing this node, take its buckets (slost_count x pulse).
   */
  leaseMs: z.number().int().positive().max(3_600_000).optional(),
});
export type FarmViewMessage = z.output<typeof FarmViewMessageSchema>;

/** What a replication daemon reports, in its own words (keel-rfsd's stdout events, plus `exited`). */
export const RFS_EVENTS = [
  'mounted',
  'connected',
  'reintegration',
  'synced',
  'link-lost',
  'behind',
  'primary-stopped',
  'error',
  'exited',
  // rfs's digest of the daemon's `stats` while a reintegration runs, and once at its end.
  'progress',
  // A primary's 3-s averages (rfs.rep_bandwidth, rfs.rei_bandwidth), when they change.
  'bandwidth',
] as const;
export const RfsEventNameSchema = z.enum(RFS_EVENTS);
export type RfsEventName = z.output<typeof RfsEventNameSchema>;

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const RfsEventSchema = z.object({
  module: ModuleName,
  event: RfsEventNameSchema,
  /** The role the daemon runs in. */
  role: z.enum(['primary', 'secondary']),
  /** The daemon's process id: tells two runs apart. */
  pid: z.number().int().positive().optional(),
  /** connected: the peer's address:port. */
  peer: z.string().min(1).max(300).optional(),
  /** reintegration: everything is copied. */
  full: z.boolean().optional(),
  /** synced: what the resynchronisation copied and how long it took. */
  files: Count.optional(),
  bytes: Count.optional(),
  ms: Count.optional(),
  /**
   * link-lost: why (primary-stopped instead: the primary said goodbye, the copy is complete);
   * behind: the change this secondary acknowledged and then could not apply.
   */
  reason: z.string().max(4096).optional(),
  /** error: the daemon's message (fatal: it exits next). */
  message: z.string().max(4096).optional(),
  /** exited: exit code, or the signal that ended it. */
  code: z.number().int().nullable().optional(),
  signal: z.string().max(32).nullable().optional(),
  /** exited: the rfs service asked for it (a command or its own shutdown). */
  requested: z.boolean().optional(),
  /** bandwidth: KB/s of the replication and of the reintegration over the last 3 s (guide §5.7.5). */
  repKBps: Count.optional(),
  reiKBps: Count.optional(),
  /** bandwidth: KB/s of the link's frames sent (a primary) and received (a secondary). */
  netoutKBps: Count.optional(),
  netinKBps: Count.optional(),
  /** progress: the reintegration's walk and copy (docs/decisions/0009, "Metrics"). */
  progress: z
    .object({
      /** Still under way (false: the last report, at its end). */
      running: z.boolean(),
      /** The walk's pass (a disturbed pass is walked again). */
      pass: Count,
      filesDone: Count,
      /** 0 until the tree is counted. */
      filesTotal: Count,
      bytesDone: Count,
      bytesTotal: Count,
      /** File data sent so far. */
      copiedBytes: Count,
      elapsedMs: Count,
      /** Bytes examined per second since the reintegration began. */
      bytesPerSecond: Count,
      /** Seconds left at that rate; absent until the tree is counted and the rate known. */
      etaSeconds: Count.optional(),
    })
    .optional(),
});
export type RfsEvent = z.output<typeof RfsEventSchema>;

/**
 * A metrics request to one keel service of the node (keel.v1.node.metrics.<service>): nothing to
 * say, the subject names the service (docs/decisions/0010, "Metrics").
 */
export const MetricsRequestSchema = z.object({});
export type MetricsRequest = z.output<typeof MetricsRequestSchema>;

/** Room for the text within the bus's 1 MB message limit, with the envelope around it. */
export const MAX_METRICS_TEXT = 900_000;

/** The answer: the service's registry in the Prometheus text exposition format (version 0.0.4). */
export const MetricsReplySchema = z.object({
  service: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  contentType: z.string().max(200),
  text: z.string().max(MAX_METRICS_TEXT),
});
export type MetricsReply = z.output<typeof MetricsReplySchema>;

/** The detail of an `incloop`, `resetloop` or `checkloop` reply (JSON): maxloop's counter after it. */
export interface LoopReport {
  readonly module: string;
  /** Automatic actions counted in the current loop_interval. */
  readonly count: number;
  readonly maxloop: number;
  /** 0: the counter is off. */
  readonly loopIntervalHours: number;
  /** When the current loop_interval began (ISO 8601). */
  readonly since: string;
  /** The count has reached maxloop within loop_interval: the next automatic action stops the module. */
  readonly reached: boolean;
}

/** The detail of a `state` command reply (JSON): what `keel state` prints. */
export interface StateReport {
  readonly module: string;
  readonly state: string;
  readonly readiness: string;
  /** The `state -lq` exit code of the state. */
  readonly exitCode: number;
  readonly remote: string;
  readonly resources: Record<string, { readonly value: string; readonly since: string; readonly by: string }>;
}
