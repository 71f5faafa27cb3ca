// P7's anchors (docs TARGETS), on one lab without keel: the farm sample's three servers (the same
// program keel starts) behind
//  - the hand-built farm: keel's own nftables filter (apps/vip's generator) loaded by hand with
//    `nft -f -`, the VIP on each node with arp_announce=2, and the client told the virtual MAC by a
//    static neighbour entry instead of a leader's ARP answers (notes: lab-findings);
//  - HAProxy on a host of its own (client2), roundrobin in mode http, in front of the same servers.
// The hand-built filter is removed before HAProxy runs, so HAProxy's frames see no farm chain.
import { join } from 'node:path';
import { Lab } from '../../lab/src';
import { labName } from '../../../test/lab/lab-names';
import { farmFilterScript, removeScript, FARM_BUCKETS } from '../../../apps/vip/src/core/farm-filter';
import { defaultVirtualMac } from '../../../apps/vip/src/core/plan';
import {
  FARM_MODULE,
  FARM_NODES,
  FARM_PORT,
  FARM_VIP,
  startSampleServers,
  wrk,
  type Load,
} from './farm-load';

/** HAProxy's connection bound: under the lab host's fd limit (notes: lab-findings). */
export const HAPROXY_MAXCONN = 8000;
const HAPROXY_HOST = 'client2';

/** Node i of n gets the i-th contiguous third of the buckets (keel's split is as even). */
function bucketsOf(i: number, n: number): number[] {
  const from = Math.floor((i * FARM_BUCKETS) / n);
  const to = Math.floor(((i + 1) * FARM_BUCKETS) / n);
  return Array.from({ length: to - from }, (_, k) => from + k);
}

async function sh(lab: Lab, host: string, script: string, input?: string): Promise<void> {
  const r = await lab.exec(host, ['sh', '-c', script], { input, timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`${host}: ${script} failed (${r.code}): ${r.stderr}`);
}

async function handBuiltFarm(lab: Lab): Promise<void> {
  const vmac = defaultVirtualMac(FARM_VIP);
  for (const [i, node] of FARM_NODES.entries()) {
    const ifname = lab.ifname(node, 'default');
    const script = farmFilterScript({
      module: FARM_MODULE,
      interfaces: [{ ifname, vmac, vips: [{ addr: FARM_VIP, family: 4 }] }],
      groups: [
        {
          rules: [{ virtualAddr: '*', port: FARM_PORT, proto: 'tcp', filter: 'on_port' }],
          buckets: bucketsOf(i, FARM_NODES.length),
        },
      ],
    });
    // As keel's vip service: the filter first, then the address with arp_announce=2.
    await sh(lab, node, 'nft -f -', script);
    await sh(
      lab,
      node,
      `sysctl -qw net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.${ifname}.arp_announce=2 && ` +
        `ip addr add ${FARM_VIP}/24 dev ${ifname}`,
    );
  }
  const ifname = lab.ifname('client1', 'default');
  await sh(lab, 'client1', `ip neigh replace ${FARM_VIP} lladdr ${vmac} dev ${ifname} nud permanent`);
}

async function removeHandBuiltFarm(lab: Lab): Promise<void> {
  for (const node of FARM_NODES) {
    await sh(lab, node, `ip addr del ${FARM_VIP}/24 dev ${lab.ifname(node, 'default')}`);
    await sh(lab, node, 'nft -f -', removeScript(FARM_MODULE));
  }
}

const haproxyConf = (lab: Lab) => `global
  maxconn ${HAPROXY_MAXCONN}
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend farm
  bind ${lab.address(HAPROXY_HOST, 'default')}:${FARM_PORT}
  default_backend servers
backend servers
  balance roundrobin
${FARM_NODES.map((n) => `  server ${n} ${lab.address(n, 'default')}:${FARM_PORT}`).join('\n')}
`;

async function startHaproxy(lab: Lab, haproxy: string): Promise<void> {
  const conf = join(lab.plan.runDir, 'haproxy.cfg');
  await sh(lab, HAPROXY_HOST, `cat > ${conf}`, haproxyConf(lab));
  await lab.spawn(HAPROXY_HOST, [haproxy, '-db', '-f', conf], {
    logFile: join(lab.plan.runDir, 'haproxy.log'),
  });
  const r = await lab.probeTcp('client1', lab.address(HAPROXY_HOST, 'default'), FARM_PORT, {
    timeoutMs: 10_000,
    retry: true,
  });
  if (!r.connected) throw new Error(`HAProxy does not listen: ${r.error}`);
}

export interface AnchorLoads {
  readonly handBuilt: Load;
  readonly haproxy: Load;
}

/** One repetition of both anchors on a fresh lab, destroyed whatever happens. */
export async function farmAnchors(
  tools: { wrk: string; haproxy: string },
  seconds: number,
  warmupS: number,
): Promise<AnchorLoads> {
  const lab = await Lab.create({
    name: labName('benchfarma'),
    nodes: [...FARM_NODES],
    lans: ['default', 'private'],
    clients: ['client1', HAPROXY_HOST],
  });
  try {
    await startSampleServers(lab, FARM_NODES);
    await handBuiltFarm(lab);
    const vipUrl = `http://${FARM_VIP}:${FARM_PORT}/`;
    await wrk(lab, tools.wrk, 'client1', vipUrl, warmupS, FARM_NODES);
    const handBuilt = await wrk(lab, tools.wrk, 'client1', vipUrl, seconds, FARM_NODES);
    await removeHandBuiltFarm(lab);

    await startHaproxy(lab, tools.haproxy);
    const haUrl = `http://${lab.address(HAPROXY_HOST, 'default')}:${FARM_PORT}/`;
    await wrk(lab, tools.wrk, 'client1', haUrl, warmupS, FARM_NODES);
    const haproxy = await wrk(lab, tools.wrk, 'client1', haUrl, seconds, FARM_NODES);
    return { handBuilt, haproxy };
  } finally {
    await lab.destroy();
  }
}
