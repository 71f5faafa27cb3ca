import type { VipAddressPlan, VipModulePlan, VipPlan } from '../../src/core/plan';

export function vipAddress(addr: string, over: Partial<VipAddressPlan> = {}): VipAddressPlan {
  return {
    addr,
    family: addr.includes(':') ? 6 : 4,
    prefix: undefined,
    ifname: undefined,
    check: true,
    checkInterface: true,
    connections: false,
    reroute: undefined,
    ...over,
  };
}

export function vipModule(
  name = 'web',
  addresses = [vipAddress('198.18.0.10')],
  tcpreset = true,
): VipModulePlan {
  return { name, addresses, tcpreset };
}

export function vipPlan(modules: VipModulePlan[] = [vipModule()], unreadable: string[] = []): VipPlan {
  return {
    node: 'node1',
    modules,
    refused: [{ module: 'farm1', reason: 'farm virtual IPs are not supported yet' }],
    unreadable,
  };
}
