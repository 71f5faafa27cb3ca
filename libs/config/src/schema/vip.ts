import { address, duration, int, mac, netmask, nonEmpty, oneOf, onOff, port, starOr } from '../values/attr';
import { LbGroup, LbHost, LbRule, ModuleMode, Vip, VipInterface, VirtualAddr } from '../model/module';
import { element, listOf, many, one, optional } from './element';

/** `<virtual_addr>`; `where` must match the architecture (checked by the module relations). */
const virtualAddr = element('virtual_addr', {
  attrs: {
    addr: address().required(),
    where: oneOf(['alias', 'one_side_alias']).required(),
    check: onOff().default('on'),
    connections: onOff().default('off'),
    netmask: netmask().optional(),
  },
  build: (a, _c, ctx): VirtualAddr => ({ ...a, loc: ctx.location }),
});

const realInterface = listOf('real_interface', virtualAddr);

const virtualInterface = element('virtual_interface', {
  attrs: {
    // The reference finds no default; every example sets it, so keel requires it.
    type: oneOf(['vmac_directed', 'vmac_invisible']).required(),
    addr: mac().optional(),
  },
  children: { virtual_addr: many(virtualAddr, 1) },
  build: (a, c, ctx) => ({
    iface: { type: a.type, mac: a.addr, loc: ctx.location },
    addresses: c.virtual_addr,
  }),
});

const interfaceAttrs = {
  check: onOff().default('on'),
  arpreroute: onOff().default('off'),
  arpinterval: duration('s').default('60s'),
  arpelapse: duration('s').default('1200s'),
  name: nonEmpty().optional(),
};

const mirrorInterface = element('interface', {
  attrs: interfaceAttrs,
  scope: 'in a mirror module',
  children: { real_interface: one(realInterface) },
  build: (a, c, ctx): VipInterface => ({
    ...a,
    virtualInterface: undefined,
    addresses: c.real_interface,
    loc: ctx.location,
  }),
});

const farmInterface = element('interface', {
  attrs: interfaceAttrs,
  scope: 'in a farm module',
  children: { virtual_interface: one(virtualInterface) },
  build: (a, c, ctx): VipInterface => ({
    ...a,
    virtualInterface: c.virtual_interface.iface,
    addresses: c.virtual_interface.addresses,
    loc: ctx.location,
  }),
});

const host = element('host', {
  attrs: { name: nonEmpty().required(), power: int(0).default('1') },
  build: (a, _c, ctx): LbHost => ({ ...a, loc: ctx.location }),
});

const lbCluster = listOf('cluster', host);

const rule = element('rule', {
  attrs: {
    virtual_addr: starOr(address()).default('*'),
    port: starOr(port()).default('*'),
    proto: oneOf(['tcp', 'udp', 'arp']).required(),
    filter: oneOf(['on_addr', 'on_port', 'on_ipid']).required(),
  },
  build: (a, _c, ctx): LbRule => ({
    virtualAddr: a.virtual_addr,
    port: a.port,
    proto: a.proto,
    filter: a.filter,
    loc: ctx.location,
  }),
});

const group = element('group', {
  attrs: { name: nonEmpty().required() },
  children: { cluster: optional(lbCluster), rule: many(rule, 1) },
  build: (a, c, ctx): LbGroup => ({ name: a.name, hosts: c.cluster, rules: c.rule, loc: ctx.location }),
});

const loadbalancingList = listOf('loadbalancing_list', group);

/** `<vip>` differs by architecture: a mirror aliases on one side, a farm shares the VIP behind a virtual MAC. */
export function vip(mode: Exclude<ModuleMode, 'light'>) {
  const iface = mode === 'mirror' ? mirrorInterface : farmInterface;
  const interfaceList = listOf('interface_list', iface);
  const common = { tcpreset: onOff().default('on') };
  if (mode === 'mirror') {
    return element('vip', {
      attrs: common,
      scope: 'in a mirror module',
      children: { interface_list: one(interfaceList) },
      build: (a, c, ctx): Vip => ({
        tcpreset: a.tcpreset,
        scriptcontrol: false,
        interfaces: c.interface_list,
        groups: [],
        loc: ctx.location,
      }),
    });
  }
  return element('vip', {
    attrs: { ...common, scriptcontrol: onOff().default('off') },
    scope: 'in a farm module',
    children: { interface_list: one(interfaceList), loadbalancing_list: one(loadbalancingList) },
    build: (a, c, ctx): Vip => ({
      ...a,
      interfaces: c.interface_list,
      groups: c.loadbalancing_list,
      loc: ctx.location,
    }),
  });
}
