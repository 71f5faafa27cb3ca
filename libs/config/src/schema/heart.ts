import { duration, int, identifier, nonEmpty, oneOf, onOff, port, address } from '../values/attr';
import { FarmLan, FarmMembership, Heart, Heartbeat } from '../model/module';
import { element, many } from './element';
import { camel } from './camel';

/** `<server addr>`: the pre-7.2 way to name a heartbeat or flow peer. */
export const legacyServer = element('server', {
  attrs: { addr: address().required() },
  build: (a) => a.addr,
});

type HeartbeatDraft = Omit<Heartbeat, 'pulse' | 'timeout'> & { pulse?: number; timeout?: number };

const heartbeat = element('heartbeat', {
  attrs: {
    name: identifier().optional(),
    ident: identifier().optional(),
    pulse: duration('ms').optional(),
    timeout: duration('ms').optional(),
  },
  children: { server: many(legacyServer) },
  build: (a, c, ctx): HeartbeatDraft => ({
    name: a.name,
    ident: a.ident ?? a.name ?? `heartbeat${ctx.element.location.path.match(/\[(\d+)\]$/)?.[1] ?? '1'}`,
    pulse: a.pulse,
    timeout: a.timeout,
    legacyServers: c.server,
    loc: ctx.location,
  }),
});

/**
 * Heartbeat timings (ms) by profile. `safekit` keeps SafeKit's defaults so an imported module
 * behaves as before; `lan` and `wan` are keel's (docs/decisions/0007-heartbeat.md): `lan` detects
 * a dead peer in 1 s (keepalived needs about 3.6 s at its defaults), `wan` tolerates slow links.
 */
export const HEART_PROFILES = {
  safekit: { pulse: 700, timeout: 30_000 },
  lan: { pulse: 100, timeout: 1_000 },
  wan: { pulse: 500, timeout: 5_000 },
} as const;

export const heart = element('heart', {
  attrs: {
    port: port().optional(),
    profile: oneOf(['safekit', 'lan', 'wan']).default('safekit'),
    pulse: duration('ms').optional(),
    timeout: duration('ms').optional(),
    permanent_arp: onOff().default('on'),
  },
  children: { heartbeat: many(heartbeat, 1) },
  build: (a, c, ctx): Heart => {
    // Times written in the file win over the profile's.
    const pulse = a.pulse ?? HEART_PROFILES[a.profile].pulse;
    const timeout = a.timeout ?? HEART_PROFILES[a.profile].timeout;
    return {
      ...camel(a),
      pulse,
      timeout,
      // Each heartbeat inherits the <heart> timings it does not set itself.
      heartbeats: c.heartbeat.map((h) => ({ ...h, pulse: h.pulse ?? pulse, timeout: h.timeout ?? timeout })),
      loc: ctx.location,
    };
  },
});

const legacyNode = element('node', {
  attrs: { name: identifier().required(), addr: address().required() },
  build: (a) => ({ name: a.name, addr: a.addr }),
});

const farmLan = element('lan', {
  attrs: { name: identifier().optional() },
  children: { node: many(legacyNode) },
  build: (a, c, ctx): FarmLan => ({ name: a.name, legacyNodes: c.node, loc: ctx.location }),
});

export const farm = element('farm', {
  attrs: {
    port: port().optional(),
    pulse: duration('ms').default('100ms'),
    mlost_count: int(1).default('20'),
    slost_count: int(1).default('10'),
  },
  children: { lan: many(farmLan, 1) },
  build: (a, c, ctx): FarmMembership => ({ ...camel(a), lans: c.lan, loc: ctx.location }),
});

export const flow = element('flow', {
  attrs: { name: nonEmpty().optional() },
  children: { server: many(legacyServer) },
  build: (a, c) => ({ name: a.name, legacyServers: c.server }),
});
