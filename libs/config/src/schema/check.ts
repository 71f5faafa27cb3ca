import { address, AttrSpec, duration, identifier, ip, nonEmpty, oneOf, onOff, port } from '../values/attr';
import {
  ArbiterUse,
  CheckerAction,
  Checkers,
  ModuleMode,
  CheckerWhen,
  CustomChecker,
  IntfChecker,
  IpChecker,
  ModuleChecker,
  SplitbrainChecker,
} from '../model/module';
import { element, ElementSpec, many, one, optional } from './element';

const WHEN = ['pre', 'prim', 'second', 'both'] as const;
const ACTIONS = ['stop', 'stopstart', 'restart', 'wait', 'noaction'] as const;
const probeTimes = { interval: duration('s').default('10s'), timeout: duration('s').default('5s') };

/** tcp and ping default to `wait` before the application starts and to `restart` after (reference §5.12-5.13). */
const defaultAction = (when: CheckerWhen): CheckerAction => (when === 'pre' ? 'wait' : 'restart');

const tcpTo = element('to', {
  attrs: { addr: address().required(), port: port().required(), ...probeTimes },
  build: (a) => a,
});

const pingTo = element('to', {
  attrs: { addr: address().required(), ...probeTimes },
  build: (a) => a,
});

/** tcp and ping checkers differ only in their target and whether `when` has a default. */
function probeChecker<K extends 'tcp' | 'ping', T>(
  kind: K,
  to: ElementSpec<T>,
  when: AttrSpec<CheckerWhen, 'required' | 'defaulted'>,
) {
  return element(kind, {
    attrs: { ident: identifier().required(), when, action: oneOf(ACTIONS).optional() },
    children: { to: one(to) },
    build: (a, c, ctx) => {
      const w = a.when as CheckerWhen;
      return {
        kind,
        ident: a.ident,
        when: w,
        action: a.action ?? defaultAction(w),
        to: c.to,
        loc: ctx.location,
      };
    },
  });
}

const tcp = probeChecker('tcp', tcpTo, oneOf(WHEN).required());
const ping = probeChecker('ping', pingTo, oneOf(WHEN).default('pre'));

const intfTo = element('to', { attrs: { local_addr: ip().required() }, build: (a) => a.local_addr });

const intf = element('intf', {
  attrs: { ident: identifier().required(), when: oneOf(['pre']).default('pre') },
  children: { to: one(intfTo) },
  build: (a, c, ctx): IntfChecker => ({
    kind: 'intf',
    ident: a.ident,
    when: a.when,
    localAddr: c.to,
    generated: false,
    loc: ctx.location,
  }),
});

const ipTo = element('to', {
  attrs: { addr: address().required(), interval: duration('s').default('10s') },
  build: (a) => a,
});

/** Without `when`, an ip checker watches the primary in a mirror and every node in a farm. */
const ipChecker = (mode: ModuleMode) =>
  element('ip', {
    attrs: {
      ident: identifier().required(),
      when: oneOf(['prim', 'both']).default(mode === 'farm' ? 'both' : 'prim'),
    },
    children: { to: one(ipTo) },
    build: (a, c, ctx): IpChecker => ({
      kind: 'ip',
      ident: a.ident,
      when: a.when,
      addr: c.to.addr,
      interval: c.to.interval,
      generated: false,
      loc: ctx.location,
    }),
  });

const custom = element('custom', {
  attrs: {
    ident: identifier().required(),
    when: oneOf(WHEN).required(),
    exec: nonEmpty().required(),
    arg: nonEmpty().optional(),
    // noaction keeps pre-8.2 modules, whose rules were written by hand, working unchanged.
    action: oneOf(ACTIONS).default('noaction'),
  },
  build: (a, _c, ctx): CustomChecker => ({ kind: 'custom', ...a, loc: ctx.location }),
});

const moduleTo = element('to', {
  attrs: {
    addr: address().required(),
    port: port().required(),
    ...probeTimes,
    secure: onOff().default('off'),
  },
  build: (a) => a,
});

const moduleChecker = element('module', {
  attrs: { ident: identifier().optional(), name: identifier().required() },
  children: { to: optional(moduleTo) },
  build: (a, c, ctx): ModuleChecker => {
    // The short form watches the module on this node's own web service.
    const to = c.to ?? { addr: '127.0.0.1', port: 9010, interval: 10, timeout: 5, secure: false };
    return { kind: 'module', ident: a.ident ?? `${a.name}_${to.addr}`, name: a.name, to, loc: ctx.location };
  },
});

const splitbrain = element('splitbrain', {
  attrs: {
    ident: identifier().required(),
    exec: oneOf(['ping']).default('ping'),
    arg: nonEmpty().required(),
    when: oneOf(['pre']).default('pre'),
  },
  build: (a, _c, ctx): SplitbrainChecker => ({
    kind: 'splitbrain',
    ident: a.ident,
    witnesses: a.arg.trim().split(/\s+/),
    loc: ctx.location,
  }),
});

/**
 * keel beyond SafeKit (docs/decisions/0019): the module's lease in the cluster's arbiter. Times are
 * milliseconds without a unit.
 */
const arbiter = element('arbiter', {
  attrs: {
    ident: identifier().required(),
    ttl: duration('ms').default('10s'),
    fence: duration('ms').default('1s'),
  },
  build: (a, _c, ctx): ArbiterUse => ({
    kind: 'arbiter',
    ident: a.ident,
    ttl: a.ttl,
    fence: a.fence,
    loc: ctx.location,
  }),
});

export const check = (mode: ModuleMode) =>
  element('check', {
    attrs: {},
    children: {
      tcp: many(tcp),
      ping: many(ping),
      intf: many(intf),
      ip: many(ipChecker(mode)),
      custom: many(custom),
      module: many(moduleChecker),
      splitbrain: optional(splitbrain),
      arbiter: optional(arbiter),
    },
    build: (_a, c): Checkers => c,
  });
