// What of a farm module's <vip> the filter cannot do (pure; decision 0018): the vip service
// refuses such a module with these reasons rather than place a VIP whose traffic nobody shares
// out. Each problem is a ConfigIssue, so it names the file, line, element and attribute.
import { canonicalAddress, ConfigIssue, virtualIpProblem, type Vip } from '@keel/config';

export function farmFilterProblems(vip: Pick<Vip, 'loc' | 'interfaces' | 'groups'>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const vips = new Set<string>();
  for (const i of vip.interfaces) {
    const vi = i.virtualInterface;
    if (vi === undefined) {
      out.push(new ConfigIssue(i.loc, 'a farm VIP needs <virtual_interface type="vmac_invisible">'));
    } else if (vi.type === 'vmac_directed') {
      out.push(
        new ConfigIssue(
          vi.loc,
          'type="vmac_directed" is not supported: each node would forward to the others the packets ' +
            'of the buckets it does not serve; use type="vmac_invisible"',
          'type',
        ),
      );
    }
    for (const a of i.addresses) {
      const problem = virtualIpProblem(a.addr);
      if (problem !== undefined) out.push(new ConfigIssue(a.loc, `virtual IP ${a.addr} ${problem}`, 'addr'));
      vips.add(canonicalAddress(a.addr) ?? a.addr);
    }
  }
  if (vip.groups.length === 0) {
    out.push(
      new ConfigIssue(vip.loc, 'a farm VIP needs a <group> in <loadbalancing_list> to share its traffic'),
    );
  }
  for (const g of vip.groups) {
    for (const r of g.rules) {
      if (r.proto === 'arp') {
        out.push(
          new ConfigIssue(
            r.loc,
            'proto="arp" is not supported: it balances ARP/ND replies for type="vmac_directed", which ' +
              'keel declines; with vmac_invisible one node answers for the virtual MAC',
            'proto',
          ),
        );
      }
      if (r.filter === 'on_ipid') {
        out.push(
          new ConfigIssue(
            r.loc,
            'filter="on_ipid" is not supported: the IP identification means nothing for TCP, IPv6 has ' +
              'none, and hashing it spreads the datagrams of one UDP flow over every node; use ' +
              'filter="on_port" (keel keeps fragments with the node that got the first one) or "on_addr"',
            'filter',
          ),
        );
      }
      const addr = r.virtualAddr === '*' ? '*' : canonicalAddress(r.virtualAddr);
      if (addr !== '*' && (addr === undefined || !vips.has(addr))) {
        out.push(
          new ConfigIssue(
            r.loc,
            `virtual_addr ${r.virtualAddr} is not a virtual address of this module`,
            'virtual_addr',
          ),
        );
      }
    }
  }
  return out;
}
