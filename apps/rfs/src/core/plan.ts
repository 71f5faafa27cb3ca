// What this node's rfs service does (pure): for every mirror module of this node with replicated
// directories, the directories, the replication LAN and the two endpoints on it, the TCP port and
// the daemon's files. The daemon of the primary listens on this node's address, the daemon of a
// secondary connects to the peer's, so both ends are planned whatever the role turns out to be.
import {
  defaultPorts,
  lanEndpoints,
  moduleNodes,
  type ClusterConfig,
  type Endpoint,
  type PlannedModule,
  type ModuleConfig,
  type NodeNote,
} from '@keel/config';
import { leaseTakeoverBoundMs, leaseTimingFor } from '@keel/arbiter';
import { join } from 'node:path';

/** `<notreplicated>` and `<tocheck>` of one `<replicated>` (docs/decisions/0009, "Entries that stay local"). */
export interface DirLocal {
  readonly paths: readonly string[];
  /** `ERE` (not replicated) or `!ERE` (only these are). */
  readonly regexes: readonly string[];
  readonly tocheck: readonly string[];
}

export interface RfsModulePlan {
  readonly name: string;
  readonly id: number;
  /** This node and its peer: with the module and the directories, what the link is bound to. */
  readonly node: string;
  readonly peer: string;
  /** cluster.xml LAN the replication runs on. */
  readonly lan: string;
  /** The <replicated dir> in document order: both nodes give them to the daemon in this order. */
  readonly dirs: readonly string[];
  /** Per directory, in the order of `dirs`: what stays local on each node and what must exist. */
  readonly local: readonly DirLocal[];
  /** Where a primary listens: this node's laddr (behind NAT) or addr on the LAN. */
  readonly listen: Endpoint;
  /** Where a secondary connects: the peer's addr on the LAN. */
  readonly connect: Endpoint;
  readonly async: 'second' | 'none';
  /**
   * How long the link may stay silent, or an operation unacknowledged, before a daemon gives its
   * peer up: the module's largest heartbeat timeout (the silence after which the heartbeats give
   * the peer up too), at least LINK_TIMEOUT_FLOOR_MS (docs/decisions/0012).
   */
  readonly linkTimeoutMs: number;
  /**
   * How long a primary's changes wait after a link that was up broke, unless the secondary joins
   * again or leaves: the time its node takes to notice (the link timeout) and judge (the
   * heartbeat timeout, then admin's margin) that its copy is behind, plus HOLD_MARGIN_MS.
   */
  readonly holdMs: number;
  /**
   * The module has a lease arbiter (`<check><arbiter>`, docs/decisions/0019): a primary's daemon
   * accepts changes only until the write deadline rfs writes on its control pipe.
   */
  readonly writeDeadline: boolean;
  /** `<rfs reiallowedbw>`: the most a reintegration sends, in KB/s; undefined: no limit. */
  readonly reiKbps: number | undefined;
  /** `<rfs nbrei>`: the files a primary's reintegration has in flight at once (1-64, default 6). */
  readonly nbrei: number;
  /** `<rfs ruzone_blocksize>`: one zone of the primary's record of what its secondary lacks. */
  readonly zoneBytes: number;
  /**
   * `<rfs acl="on">` (reference §5.7): POSIX ACLs are replicated and enforced on the mounts
   * (extended attributes are replicated either way; docs/decisions/0009).
   */
  readonly acl: boolean;
  /** $KEEL_VAR/modules/<module>/rfs: the daemon's bitmaps and bookkeeping. */
  readonly stateDir: string;
  readonly keyFile: string;
  /**
   * The module's encryption is on (`keel module genkey`, conf/encryption): the link runs in TLS
   * 1.3 with this node's certificate files (docs/decisions/0009 "TLS on the link").
   */
  readonly tls?: LinkTlsFiles;
}

/** This node's certificate, its key and the cluster CA (PEM files; web.conf's or keel's PKI). */
export interface LinkTlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** A module with <rfs> that cannot replicate here: its rfs commands are answered with why. */
export interface RfsRefusal {
  readonly module: string;
  readonly reason: string;
}

export interface RfsPlan {
  readonly node: string;
  readonly modules: readonly RfsModulePlan[];
  readonly refused: readonly RfsRefusal[];
}

export interface RfsPlanInput {
  readonly node: string;
  readonly cluster: ClusterConfig;
  readonly modules: readonly PlannedModule[];
  /** $KEEL_VAR. */
  readonly varDir: string;
  readonly keyFile: string;
  /** The modules whose encryption is on (their conf/encryption exists). */
  readonly encrypted?: ReadonlySet<string>;
  /** This node's certificate files, when they all exist; undefined: the node has none. */
  readonly tls?: LinkTlsFiles;
}

export function buildRfsPlan(input: RfsPlanInput): { plan: RfsPlan; notes: NodeNote[] } {
  const notes: NodeNote[] = [];
  const modules: RfsModulePlan[] = [];
  const refused: RfsRefusal[] = [];
  for (const m of [...input.modules].sort((a, b) => a.id - b.id)) {
    if (!m.config.rfs) continue;
    const planned = planModule(input, m);
    if (typeof planned === 'string') {
      refused.push({ module: m.name, reason: planned });
      notes.push({ level: 'error', module: m.name, message: planned });
      continue;
    }
    if (!planned) continue;
    // Module ids are unique on a node, so are the replication ports numbered from them.
    modules.push(planned);
    notes.push({
      level: 'info',
      module: m.name,
      message: `replication on LAN ${planned.lan}: listen ${formatEndpoint(planned.listen)}, peer ${planned.peer} at ${formatEndpoint(planned.connect)}`,
    });
  }
  return { plan: { node: input.node, modules, refused }, notes };
}

/**
 * The shortest link timeout: an acknowledgment may wait for the secondary's disk (an fsync, a
 * 1 MiB reintegration step), which on a loaded disk takes seconds; a shorter timeout would cut
 * healthy links. Heartbeats still detect a lost peer at their own pace.
 */
export const LINK_TIMEOUT_FLOOR_MS = 5_000;

/** Beyond admin's own margin after a lost link (1 s) and its tick: time to spare. */
export const HOLD_MARGIN_MS = 3_000;

/**
 * With a lease arbiter, a secondary cut from its primary (both LANs) does not learn that its copy
 * fell behind from the heartbeats: it learns it from the lease, which the primary keeps renewing,
 * once it has contended for longer than the takeover bound (docs/decisions/0019). The primary's
 * changes wait that much longer after a break, plus one heartbeat timeout more for a LAN cut
 * after the other, so that the secondary knows before anything is acknowledged without it.
 */
function arbiterHoldMs(heartbeatTimeoutMs: number, ttlMs: number, fenceMs: number): number {
  return heartbeatTimeoutMs + leaseTakeoverBoundMs(leaseTimingFor(ttlMs, fenceMs));
}

/** The plan, a reason to refuse the module, or undefined when it is not a module of this node. */
function planModule(
  input: RfsPlanInput,
  m: RfsPlanInput['modules'][number],
): RfsModulePlan | string | undefined {
  const { node, cluster } = input;
  const rfs = m.config.rfs;
  if (!rfs) return undefined;
  if (m.config.mode !== 'mirror') return `replicated directories need a mirror module, not ${m.config.mode}`;
  const nodes = moduleNodes(m.config, cluster);
  if (!nodes.includes(node)) return undefined;
  const peers = nodes.filter((n) => n !== node);
  if (peers.length !== 1) return `a mirror module needs exactly one peer; found ${peers.length}`;
  const peer = peers[0];
  const lanName = replicationLan(m.config);
  if (lanName === undefined)
    return 'no replication LAN: name a cluster LAN with <flow name> or a <heartbeat name> (legacy <server addr> syntax is not supported)';
  const port = defaultPorts(m.id).replication;
  const ends = lanEndpoints(cluster, lanName, node, peer, port);
  if (!ends) return `replication LAN ${lanName} does not reach both ${node} and ${peer} in ${cluster.file}`;
  // Never in plaintext behind the administrator's back: without certificates, no replication.
  const encrypted = input.encrypted?.has(m.name) ?? false;
  if (encrypted && !input.tls)
    return "the module's encryption is on (conf/encryption) and this node has no certificate for it: keel web initssl sca (or rca) makes them";
  const heartbeatTimeouts = (m.config.heart?.heartbeats ?? []).map((h) => h.timeout);
  const linkTimeoutMs = Math.max(LINK_TIMEOUT_FLOOR_MS, ...heartbeatTimeouts);
  const heartbeatTimeoutMs = Math.max(0, ...heartbeatTimeouts);
  const arbiter = m.config.check.arbiter;
  return {
    name: m.name,
    id: m.id,
    node,
    peer,
    lan: lanName,
    dirs: rfs.replicated.map((r) => r.dir),
    local: rfs.replicated.map((r) => ({
      paths: r.notreplicated.flatMap((n) => (n.path === undefined ? [] : [n.path])),
      regexes: r.notreplicated.flatMap((n) => (n.regexpath === undefined ? [] : [n.regexpath])),
      tocheck: r.tocheck,
    })),
    listen: ends.local,
    connect: ends.remote,
    async: rfs.async,
    linkTimeoutMs,
    holdMs:
      linkTimeoutMs +
      heartbeatTimeoutMs +
      HOLD_MARGIN_MS +
      (arbiter ? arbiterHoldMs(heartbeatTimeoutMs, arbiter.ttl, arbiter.fence) : 0),
    writeDeadline: arbiter !== undefined,
    reiKbps: rfs.reiallowedbw,
    nbrei: rfs.nbrei,
    zoneBytes: rfs.ruzoneBlocksize,
    acl: rfs.acl,
    stateDir: join(input.varDir, 'modules', m.name, 'rfs'),
    keyFile: input.keyFile,
    ...(encrypted && input.tls ? { tls: input.tls } : {}),
  };
}

/**
 * The LAN replication runs on (reference §5.7.3 `<flow name>`): the legacy `<flow name>` when
 * given, else the heartbeat whose ident is `flow`, else the module's first heartbeat.
 */
export function replicationLan(config: ModuleConfig): string | undefined {
  const flow = config.rfs?.flow;
  if (flow?.name !== undefined) return flow.name;
  if (flow && flow.legacyServers.length > 0) return undefined;
  const heartbeats = config.heart?.heartbeats ?? [];
  return (heartbeats.find((h) => h.ident === 'flow') ?? heartbeats[0])?.name;
}

/** address:port, with IPv6 addresses in brackets. */
export function formatEndpoint(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
