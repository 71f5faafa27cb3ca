// Who may say what on a node's bus: one credential per keel service (its "role"), and the subjects
// each role may publish and subscribe to. This table is the one place the permissions are written;
// the nats-server configuration is generated from it (nats-authorization.ts) and the medium tests
// check every role against a real server (docs/decisions/0010-bus-security.md).
import { inboxPrefix, subjects } from '../subjects';

/** Every keel bus role; notifier is reserved for a service to come. */
export const BUS_ROLES = ['admin', 'heartbeat', 'rfs', 'cli', 'vip', 'checkers', 'notifier', 'api'] as const;
export type BusRole = (typeof BUS_ROLES)[number];

export interface RolePermissions {
  /** Subjects (NATS patterns) the role may publish or send requests to. */
  readonly publish: readonly string[];
  /** Subjects (NATS patterns) the role may subscribe to, its reply inbox included. */
  readonly subscribe: readonly string[];
  /** Serves requests: may answer (once) on the reply subject of a request it received. */
  readonly respond: boolean;
  /** No service uses it yet: the credential exists, the lists are what its service is meant to need. */
  readonly reserved: boolean;
}

const any = subjects.anyModule;
/** The reply subjects of a role that sends requests (NatsBus sets the matching inbox prefix). */
const inbox = (role: BusRole) => `${inboxPrefix(role)}.>`;

// Every running service subscribes to its own metrics subject and answers (respond) the CLI's
// request there (subjects.metrics, docs/decisions/0010 "Metrics"); only the CLI and the api ask.
export const ROLE_PERMISSIONS: Readonly<Record<BusRole, RolePermissions>> = {
  // The module engine: serves commands, drives rfs, publishes states and resources.
  admin: {
    // Its presence, which has the other services publish again all they know.
    publish: [
      any('state'),
      any('resourceChanged'),
      any('log'),
      any('rfsCmd'),
      any('rfsWindow'),
      any('rfsQuery'),
      any('vipCmd'),
      subjects.presence('admin'),
    ],
    subscribe: [
      subjects.metrics('admin'),
      subjects.anyModuleCmd('*'),
      any('heartbeatView'),
      any('farmView'),
      any('rfsEvent'),
      any('resourceSet'),
      any('log'),
      subjects.anyPresence(),
      inbox('admin'),
    ],
    respond: true,
    reserved: false,
  },
  // Heartbeats: tells admin what the peers say; hears the local states and resources.
  heartbeat: {
    publish: [
      any('heartbeatView'),
      any('farmView'),
      any('resourceSet'),
      any('log'),
      subjects.presence('heartbeat'),
    ],
    subscribe: [subjects.metrics('heartbeat'), any('state'), any('resourceChanged'), subjects.anyPresence()],
    respond: true,
    reserved: false,
  },
  // Replication: serves admin's role requests and write deadlines, reports what the daemons say.
  rfs: {
    publish: [any('rfsEvent'), any('resourceSet'), subjects.presence('rfs')],
    subscribe: [subjects.metrics('rfs'), any('rfsCmd'), any('rfsWindow'), any('rfsQuery')],
    respond: true,
    reserved: false,
  },
  // The `keel` command: sends module commands on its own subject, asks the services' metrics, hears
  // only its replies.
  cli: {
    publish: [subjects.anyModuleCmd('cli'), subjects.anyMetrics()],
    subscribe: [inbox('cli')],
    respond: false,
    reserved: false,
  },
  // Virtual IPs: serves admin's place/withdraw requests, sets the ip.* and intf.* resources, says
  // in the module log what it did on its own (an address withdrawn from a dead link).
  vip: {
    publish: [any('resourceSet'), any('log'), subjects.presence('vip')],
    subscribe: [
      subjects.metrics('vip'),
      any('vipCmd'),
      any('state'),
      any('farmView'),
      subjects.anyPresence(),
    ],
    respond: true,
    reserved: false,
  },
  // Checkers and errd: set the checker and process resources, say why in the module log, and ask
  // admin for errd's and the module checker's actions on their own command subject.
  checkers: {
    publish: [
      any('resourceSet'),
      any('log'),
      subjects.anyModuleCmd('checkers'),
      subjects.presence('checkers'),
    ],
    subscribe: [
      subjects.metrics('checkers'),
      any('state'),
      any('resourceChanged'),
      subjects.anyPresence(),
      inbox('checkers'),
    ],
    respond: true,
    reserved: false,
  },
  notifier: {
    publish: [subjects.presence('notifier')],
    subscribe: [any('state'), any('log'), any('resourceChanged')],
    respond: false,
    reserved: true,
  },
  // The node's web service: the modules' health probes (safekit-ops §16) from the states it
  // hears, and the REST and GraphQL API, which sends module commands on its own subject for the
  // administrators it authenticated (docs/decisions/0021) and hears only its own replies; the
  // module log lines, for GraphQL subscriptions; the other services' metrics, asked for the
  // API's /metrics. It answers its own metrics request, as every service does.
  api: {
    publish: [subjects.anyModuleCmd('api'), subjects.anyMetrics(), subjects.presence('api')],
    subscribe: [subjects.metrics('api'), any('state'), any('log'), subjects.anyPresence(), inbox('api')],
    respond: true,
    reserved: false,
  },
};

export function isBusRole(name: string): name is BusRole {
  return (BUS_ROLES as readonly string[]).includes(name);
}
