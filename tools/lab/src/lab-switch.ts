// The lab's network: one switch namespace with a bridge per LAN and a veth per host interface,
// and the faults made on it — cables cut, LANs partitioned, delay and loss on an interface.
import { join } from 'node:path';
import { DISABLE_IPV6, ENABLE_IPV6, NFT_TABLE } from './lab-scripts';
import type { LabHosts } from './lab-hosts';
import type { LabTopology } from './lab-topology';
import { LabError, LabUnsupportedError, type NetemBackend, type NetemOptions } from './lab-types';
import type { HostPlan } from './plan';
import { run, runChecked, waitFor, which } from './system';
import { NETNS_DIR } from './teardown';

export class LabSwitch {
  constructor(
    private readonly topology: LabTopology,
    private readonly hosts: LabHosts,
  ) {}

  private get plan() {
    return this.topology.plan;
  }

  /** Creates the namespaces, the switch's bridges and every host's cabled, addressed interfaces. */
  async build(): Promise<void> {
    const { plan } = this;
    const all = [plan.switchNetns, ...plan.hosts.map((h) => h.netns)];
    await runChecked('ip', ['-batch', '-'], { input: all.map((n) => `netns add ${n}\n`).join('') });
    // IPv6 stays off in the switch (its bridges forward frames, whatever their kind).
    const v6 = new Set(plan.ipv6 ? plan.hosts.map((h) => h.netns) : []);
    await Promise.all(
      all.map((n) =>
        runChecked('nsenter', [
          `--net=${join(NETNS_DIR, n)}`,
          'sh',
          '-c',
          v6.has(n) ? ENABLE_IPV6 : DISABLE_IPV6,
        ]),
      ),
    );

    // Switch: one bridge per LAN; every veth is created here with its peer placed directly in
    // the host's namespace, so no end ever exists in the machine's own namespace.
    const sw: string[] = ['link set lo up'];
    for (const l of plan.lans) {
      sw.push(`link add ${l.bridge} type bridge stp_state 0`, `link set ${l.bridge} up`);
    }
    for (const h of plan.hosts) {
      for (const i of h.interfaces) {
        const bridge = this.topology.lan(i.lan).bridge;
        sw.push(
          `link add ${i.switchPort} type veth peer name ${i.ifname} netns ${h.netns}`,
          `link set dev ${i.switchPort} master ${bridge}`,
          `link set dev ${i.switchPort} up`,
        );
      }
    }
    await this.switchBatch(sw);
    await Promise.all(
      plan.hosts.map((h) =>
        runChecked('ip', ['-n', h.netns, '-batch', '-'], {
          input:
            [
              'link set lo up',
              ...h.interfaces.flatMap((i) => [
                `addr add ${i.address}/${i.prefixLength} dev ${i.ifname}`,
                ...(i.address6 ? [`addr add ${i.address6}/64 dev ${i.ifname} nodad`] : []),
                `link set dev ${i.ifname} up`,
              ]),
            ].join('\n') + '\n',
        }),
      ),
    );
  }

  /** Cuts a host's cable on a LAN (its switch port goes down; the host sees NO-CARRIER). */
  async linkDown(host: string, lan: string): Promise<void> {
    await this.setPort(this.topology.iface(host, lan).switchPort, 'down');
  }

  /** Plugs a host's cable back in. */
  async linkUp(host: string, lan: string): Promise<void> {
    await this.setPort(this.topology.iface(host, lan).switchPort, 'up');
  }

  /**
   * Partitions a LAN. Without groups, every host is cut off (all its ports down). With groups,
   * the hosts of each group still reach each other but not the other groups (each group gets its
   * own bridge); hosts in no group are cut off.
   */
  async partition(lan: string, groups?: readonly (readonly string[])[]): Promise<void> {
    const l = this.topology.lan(lan);
    const hosts = this.plan.hosts.filter((h) => h.interfaces.some((i) => i.lan === lan));
    const grouped = new Map<string, number>();
    (groups ?? []).forEach((g, k) =>
      g.forEach((name) => {
        this.topology.iface(name, lan);
        if (grouped.has(name)) throw new LabError(`partition: host '${name}' is in two groups`);
        grouped.set(name, k);
      }),
    );
    await this.healBatch(l);
    const cmds: string[] = [];
    (groups ?? []).forEach((_, k) => {
      if (k === 0) return; // group 0 keeps the LAN's own bridge
      const br = groupBridge(l.index, k);
      cmds.push(`link add ${br} type bridge`, `link set ${br} up`);
    });
    for (const h of hosts) {
      const port = this.topology.iface(h.name, lan).switchPort;
      const k = grouped.get(h.name);
      if (k === undefined) cmds.push(`link set dev ${port} down`);
      else if (k > 0) cmds.push(`link set dev ${port} master ${groupBridge(l.index, k)}`);
    }
    await this.switchBatch(cmds);
    await this.settleLinks();
  }

  /** Ends a partition of a LAN: every port back on the LAN's bridge and up. */
  async heal(lan: string): Promise<void> {
    await this.healBatch(this.topology.lan(lan));
    await this.settleLinks();
  }

  /**
   * Adds delay and/or loss on a host's interface on a LAN (egress), with tc netem inside the
   * host's network namespace; `null` or all-zero options clear it. When the kernel lacks netem,
   * loss alone falls back to an nftables rule in the host's namespace; delay throws
   * LabUnsupportedError.
   */
  async netem(host: string, lan: string, options: NetemOptions | null): Promise<NetemBackend> {
    const h = this.topology.host(host);
    const dev = this.topology.iface(host, lan).ifname;
    const delay = options?.delayMs ?? 0;
    const jitter = options?.jitterMs ?? 0;
    const loss = options?.lossPct ?? 0;
    if (delay < 0 || jitter < 0 || loss < 0 || loss > 100) throw new LabError('netem: invalid options');
    await this.clearNetem(h, dev);
    if (delay === 0 && jitter === 0 && loss === 0) return 'cleared';
    const args = ['-n', h.netns, 'qdisc', 'replace', 'dev', dev, 'root', 'netem'];
    if (delay > 0 || jitter > 0) args.push('delay', `${delay}ms`, ...(jitter > 0 ? [`${jitter}ms`] : []));
    if (loss > 0) args.push('loss', `${loss}%`);
    const r = await run('tc', args, { timeoutMs: 10_000 });
    if (r.code === 0) return 'tc-netem';
    if (!/unknown|not supported|No such file/i.test(r.stderr)) {
      throw new LabError(`tc ${args.join(' ')}: ${r.stderr.trim()}`);
    }
    if (delay > 0 || jitter > 0) {
      throw new LabUnsupportedError(
        `tc netem is not available in this kernel (CONFIG_NET_SCH_NETEM): cannot add delay`,
      );
    }
    const nft = which('nft', ['/usr/sbin/nft']);
    if (!nft)
      throw new LabUnsupportedError('tc netem is not available and nft is not installed: cannot add loss');
    const rule = loss >= 100 ? 'drop' : `numgen random mod 10000 < ${Math.round(loss * 100)} drop`;
    await this.hosts.nsRun(h, [nft, '-f', '-'], {
      input: `table inet ${NFT_TABLE}_${dev} {\n  chain egress {\n    type filter hook output priority 0; policy accept;\n    oifname "${dev}" ${rule}\n  }\n}\n`,
    });
    return 'nft-loss';
  }

  private async switchBatch(cmds: readonly string[]): Promise<void> {
    if (cmds.length === 0) return;
    await runChecked('ip', ['-n', this.plan.switchNetns, '-batch', '-'], { input: cmds.join('\n') + '\n' });
  }

  private async setPort(port: string, state: 'up' | 'down'): Promise<void> {
    await this.switchBatch([`link set dev ${port} ${state}`]);
    await this.settleLinks();
  }

  /**
   * Waits (bounded) until every host interface's operational state matches its switch port:
   * carrier changes reach the other end of a veth asynchronously (the kernel's link watch may
   * defer them by up to a second), and until then traffic is dropped.
   */
  async settleLinks(timeoutMs = 5_000): Promise<void> {
    const settled = await waitFor(async () => {
      const ports = await this.portStates();
      const checks = await Promise.all(
        this.plan.hosts.map(async (h) => {
          const r = await run('ip', ['-n', h.netns, '-j', 'link', 'show'], { timeoutMs: 10_000 });
          if (r.code !== 0) return false;
          const links = JSON.parse(r.stdout) as { ifname: string; operstate: string; flags: string[] }[];
          return h.interfaces.every((i) => {
            const link = links.find((l) => l.ifname === i.ifname);
            if (!link || !link.flags.includes('UP')) return true; // downed inside the host: not ours to wait for
            return (ports.get(i.switchPort) ?? false) === (link.operstate === 'UP');
          });
        }),
      );
      return checks.every(Boolean);
    }, timeoutMs);
    if (!settled)
      throw new LabError(`lab '${this.topology.name}': links did not settle within ${timeoutMs} ms`);
  }

  private async healBatch(l: { index: number; bridge: string; name: string }): Promise<void> {
    const cmds: string[] = [];
    for (const h of this.plan.hosts) {
      const i = h.interfaces.find((x) => x.lan === l.name);
      if (i) cmds.push(`link set dev ${i.switchPort} master ${l.bridge}`, `link set dev ${i.switchPort} up`);
    }
    const existing = await this.portStates();
    for (const name of existing.keys()) {
      if (name.startsWith(groupBridgePrefix(l.index))) cmds.push(`link delete ${name}`);
    }
    await this.switchBatch(cmds);
  }

  /** Administrative state (UP flag) of every link in the switch namespace. */
  async portStates(): Promise<Map<string, boolean>> {
    const r = await run('ip', ['-n', this.plan.switchNetns, '-j', 'link', 'show']);
    const states = new Map<string, boolean>();
    if (r.code !== 0) return states;
    for (const link of JSON.parse(r.stdout) as { ifname: string; flags: string[] }[]) {
      states.set(link.ifname, link.flags.includes('UP'));
    }
    return states;
  }

  private async clearNetem(h: HostPlan, dev: string): Promise<void> {
    await run('tc', ['-n', h.netns, 'qdisc', 'del', 'dev', dev, 'root'], { timeoutMs: 10_000 });
    const nft = which('nft', ['/usr/sbin/nft']);
    if (nft) {
      await run(
        'nsenter',
        [`--net=${join(NETNS_DIR, h.netns)}`, '--', nft, 'delete', 'table', 'inet', `${NFT_TABLE}_${dev}`],
        {
          timeoutMs: 10_000,
        },
      );
    }
  }
}

function groupBridgePrefix(lanIndex: number): string {
  return `pg${lanIndex}-`;
}

function groupBridge(lanIndex: number, group: number): string {
  return `${groupBridgePrefix(lanIndex)}${group}`;
}
