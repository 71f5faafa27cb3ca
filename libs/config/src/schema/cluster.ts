import { duration, host, identifier, int, ip, onOff, port, text } from '../values/attr';
import { ClusterArbiter, ClusterLan, ClusterNode } from '../model/cluster';
import { endpointList } from '../values/endpoints';
import { element, many, one, optional } from './element';

const node = element('node', {
  attrs: { name: identifier().required(), addr: host().required(), laddr: ip().optional() },
  build: (a, _c, ctx): ClusterNode => ({
    name: a.name,
    addr: a.addr.replace(/^\[(.*)\]$/, '$1'),
    laddr: a.laddr,
    loc: ctx.location,
  }),
});

const lan = element('lan', {
  attrs: {
    name: identifier().required(),
    command: onOff().default('off'),
    // Pre-8.2 attributes, ignored (reference ops §12.2).
    console: text().optional(),
    framework: text().optional(),
  },
  children: { node: many(node, 2) },
  build: (a, c, ctx): ClusterLan => ({ name: a.name, command: a.command, nodes: c.node, loc: ctx.location }),
});

const lans = element('lans', {
  attrs: {
    port: port().default('4800'),
    // Unitless values are milliseconds, as before 8.2.5; units are accepted like in userconfig.xml.
    pulse: duration('ms').default('100'),
    mlost_count: int(1).default('20'),
    slost_count: int(1).default('10'),
  },
  children: { lan: many(lan, 1) },
  build: (a, c) => ({ ...a, lans: c.lan }),
});

/** keel beyond SafeKit (docs/decisions/0019): the etcd members holding the modules' leases. */
const arbiter = element('arbiter', {
  attrs: { endpoints: endpointList().required() },
  build: (a, _c, ctx): ClusterArbiter => ({ endpoints: a.endpoints, loc: ctx.location }),
});

export const cluster = element('cluster', {
  attrs: {},
  children: { lans: one(lans), arbiter: optional(arbiter) },
  build: (_a, c) => ({ ...c.lans, arbiter: c.arbiter }),
});
