// Every subject keel uses is built here, so a typo cannot create a subject nobody listens to.
// Layout: keel.v1.<module>.<kind...> for per-module traffic, keel.v1.node.<kind> for the node.
// The version token lets a future incompatible envelope live beside v1 during an upgrade.
import { BusSubjectError } from './errors';

export const SUBJECT_PREFIX = 'keel.v1';

const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// "node" is the node-level namespace; a module with that name would shadow it.
const RESERVED_MODULE_NAMES = new Set(['node']);

/** Suffix of each per-module subject, after keel.v1.<module>. */
export const MODULE_SUBJECT_KINDS = {
  cmd: 'cmd',
  state: 'state',
  resourceSet: 'resource.set',
  resourceChanged: 'resource.changed',
  log: 'log',
  heartbeatView: 'heartbeat.view',
  farmView: 'farm.view',
  rfsCmd: 'rfs.cmd',
  rfsEvent: 'rfs.event',
  rfsWindow: 'rfs.window',
  rfsQuery: 'rfs.query',
  vipCmd: 'vip.cmd',
} as const;
export type ModuleSubjectKind = keyof typeof MODULE_SUBJECT_KINDS;

/**
 * The bus roles that may send module commands. Each sends on its own subject
 * keel.v1.<module>.cmd.<caller>, which only its credential may publish to, so admin learns who
 * asked from the subject a command arrived on, never from the message (docs/decisions/0010).
 */
export const COMMAND_CALLERS = ['cli', 'api', 'checkers'] as const;
export type CommandCaller = (typeof COMMAND_CALLERS)[number];

/** Prefix of the reply subjects (inboxes) of one bus role: _INBOX.<role>. */
export const inboxPrefix = (role: string) => `_INBOX.${role}`;

/** Throws BusSubjectError unless `module` is a valid, non-reserved module name. */
export function assertModuleName(module: string): void {
  if (!MODULE_NAME.test(module)) {
    throw new BusSubjectError(module, 'module name must match [A-Za-z0-9_-]{1,64}');
  }
  if (RESERVED_MODULE_NAMES.has(module)) {
    throw new BusSubjectError(module, `module name "${module}" is reserved`);
  }
}

function moduleSubject(module: string, kind: ModuleSubjectKind): string {
  assertModuleName(module);
  return `${SUBJECT_PREFIX}.${module}.${MODULE_SUBJECT_KINDS[kind]}`;
}

export const subjects = {
  /** Request/reply: module commands (start, stop, swap, ...) from one caller, served by admin. */
  cmd: (module: string, caller: CommandCaller) => `${moduleSubject(module, 'cmd')}.${caller}`,
  /** Serve pattern: the commands of one module from every caller, keel.v1.<module>.cmd.*. */
  cmdFromAnyCaller: (module: string) => `${moduleSubject(module, 'cmd')}.*`,
  /** Pattern: the commands of every module from one caller (or from any with `*`). */
  anyModuleCmd: (caller: CommandCaller | '*') => `${SUBJECT_PREFIX}.*.${MODULE_SUBJECT_KINDS.cmd}.${caller}`,
  /** Events: module state/readiness changes. */
  state: (module: string) => moduleSubject(module, 'state'),
  /** Events: a component asks to set a module resource. */
  resourceSet: (module: string) => moduleSubject(module, 'resourceSet'),
  /** Events: a module resource changed value. */
  resourceChanged: (module: string) => moduleSubject(module, 'resourceChanged'),
  /** Events: module log lines, written to the module log by admin. */
  log: (module: string) => moduleSubject(module, 'log'),
  /** Events: heartbeat's view of the peers of a module. */
  heartbeatView: (module: string) => moduleSubject(module, 'heartbeatView'),
  /** Events: the farm view (members, leader, bucket owners) heartbeat follows for a farm module. */
  farmView: (module: string) => moduleSubject(module, 'farmView'),
  /** Request/reply: the replication role of a module on this node, served by rfs. */
  rfsCmd: (module: string) => moduleSubject(module, 'rfsCmd'),
  /** Events: what the module's replication daemon reports (synced, link lost, ...). */
  rfsEvent: (module: string) => moduleSubject(module, 'rfsEvent'),
  /** Request/reply: the write deadline of the module's primary under the lease arbiter, served by rfs. */
  rfsWindow: (module: string) => moduleSubject(module, 'rfsWindow'),
  /** Request/reply: `rfsdiff` / `rfsverify` of the module's replication on this node, served by rfs. */
  rfsQuery: (module: string) => moduleSubject(module, 'rfsQuery'),
  /** Request/reply: place or withdraw the module's virtual IPs on this node, served by vip. */
  vipCmd: (module: string) => moduleSubject(module, 'vipCmd'),
  /**
   * Events: the presence of one keel service of this node (starting, ready, stopping), on a
   * subject of its own that only its bus role may publish to, so nobody can speak for another
   * service (docs/decisions/0010).
   */
  presence: (service: string) => `${PRESENCE_PREFIX}.${assertServiceName(service)}`,
  /** Subscription pattern: the presence of every service of this node. */
  anyPresence: () => `${PRESENCE_PREFIX}.*`,
  /**
   * Request/reply: the Prometheus metrics of one keel service of this node, served by that
   * service alone (only its role may subscribe to it), asked by the CLI (docs/decisions/0010).
   */
  metrics: (service: string) => `${METRICS_PREFIX}.${assertServiceName(service)}`,
  /** Pattern: the metrics subjects of every service (what may ask them). */
  anyMetrics: () => `${METRICS_PREFIX}.*`,
  /** Subscription pattern: one kind of subject for every module, e.g. keel.v1.*.state. */
  anyModule: (kind: ModuleSubjectKind) => `${SUBJECT_PREFIX}.*.${MODULE_SUBJECT_KINDS[kind]}`,
  /** Subscription pattern: everything keel v1 publishes. */
  everything: () => `${SUBJECT_PREFIX}.>`,
} as const;

const PRESENCE_PREFIX = `${SUBJECT_PREFIX}.node.services`;
const METRICS_PREFIX = `${SUBJECT_PREFIX}.node.metrics`;

function assertServiceName(service: string): string {
  if (!MODULE_NAME.test(service))
    throw new BusSubjectError(service, 'service name must match [A-Za-z0-9_-]{1,64}');
  return service;
}

/**
 * The service a presence speaks for: its subject's (keel.v1.node.services.<service>), which only
 * that service's role may publish to. A message naming another service is refused.
 */
export function presenceServiceOf(subject: string, claimed: string): string {
  const prefix = `${PRESENCE_PREFIX}.`;
  const service = subject.startsWith(prefix) ? subject.slice(prefix.length) : '';
  if (!MODULE_NAME.test(service)) throw new BusSubjectError(subject, 'not a presence subject');
  if (claimed !== service)
    throw new BusSubjectError(subject, `a presence of ${service} cannot speak for ${claimed}`);
  return service;
}

/** Splits a concrete per-module subject back into module and kind (for wildcard subscribers). */
export function parseModuleSubject(subject: string): { module: string; kind: ModuleSubjectKind } | undefined {
  const prefix = `${SUBJECT_PREFIX}.`;
  if (!subject.startsWith(prefix)) return undefined;
  const rest = subject.slice(prefix.length);
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  const module = rest.slice(0, dot);
  const suffix = rest.slice(dot + 1);
  if (!MODULE_NAME.test(module) || RESERVED_MODULE_NAMES.has(module)) return undefined;
  const kind = (Object.keys(MODULE_SUBJECT_KINDS) as ModuleSubjectKind[]).find(
    (k) => MODULE_SUBJECT_KINDS[k] === suffix,
  );
  return kind ? { module, kind } : undefined;
}

/** The module a command is for, from the subject it arrived on (keel.v1.<module>.cmd.<caller>). */
export function commandModuleOf(subject: string): string | undefined {
  const tokens = subject.split('.');
  if (tokens.length !== 5 || !commandCallerOf(subject)) return undefined;
  const module = tokens[2] ?? '';
  return MODULE_NAME.test(module) && !RESERVED_MODULE_NAMES.has(module) ? module : undefined;
}

/** The caller of a command from the subject it arrived on (keel.v1.<module>.cmd.<caller>). */
export function commandCallerOf(subject: string): CommandCaller | undefined {
  const tokens = subject.split('.');
  if (tokens.length !== 5 || `${tokens[0]}.${tokens[1]}` !== SUBJECT_PREFIX) return undefined;
  if (tokens[3] !== MODULE_SUBJECT_KINDS.cmd) return undefined;
  return COMMAND_CALLERS.find((c) => c === tokens[4]);
}

// NATS tokens: non-empty, no whitespace, no dots inside. Wildcards are tokens of their own.
const TOKEN = /^[^\s.*>]+$/;

/** Subjects we publish or request on: concrete, no wildcards. Throws BusSubjectError. */
export function assertPublishSubject(subject: string): void {
  for (const token of splitTokens(subject)) {
    if (!TOKEN.test(token)) {
      throw new BusSubjectError(subject, `token "${token}" is not a concrete subject token`);
    }
  }
}

/** Subjects we subscribe to: `*` matches one token, `>` (last token only) one or more. */
export function assertSubscribeSubject(subject: string): void {
  const tokens = splitTokens(subject);
  tokens.forEach((token, i) => {
    if (token === '*') return;
    if (token === '>') {
      if (i !== tokens.length - 1) throw new BusSubjectError(subject, '">" must be the last token');
      return;
    }
    if (!TOKEN.test(token)) throw new BusSubjectError(subject, `token "${token}" is invalid`);
  });
}

/** NATS subject matching of a concrete subject against a subscription pattern. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

function splitTokens(subject: string): string[] {
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new BusSubjectError(String(subject), 'subject is empty');
  }
  return subject.split('.');
}
