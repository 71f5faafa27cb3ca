// P1 and P2 of docs (TARGETS): the outage a client probing a mirror's virtual IP every 10 ms sees
// when the primary's links go down (P1), when its cluster processes are killed -9 and when it is
// stopped cleanly (P2), for keel and for keepalived (VRRP) in the same run. Each repetition builds
// its own lab (2 nodes on 2 LANs, a client), so nothing carries over from one to the next.
//  - keel: the sample mirror module, heartbeat pulse 100 ms and, for the comparison, a timeout of
//    VRRP's master-down interval at that advertisement period.
//  - keepalived: VRRPv3 with advert_int 0.1 on the first LAN, the same VIP, a TCP server always
//    running on both nodes (VRRP moves only the address).
import { join } from 'node:path';
import { Lab, VipWatch, type ProbeKind } from '../../lab/src';
import { KeelCluster, sampleUserconfig, KEEL_PROCESSES } from '../../../test/lab/keel-cluster';
import { labName } from '../../../test/lab/lab-names';

export const FAILOVER_CASES = ['links-down', 'kill-9', 'clean-stop'] as const;
export type FailoverCase = (typeof FAILOVER_CASES)[number];

export const VIP = '198.18.0.10';
/** keel's heartbeat pulse and keepalived's advertisement interval. */
export const PULSE_MS = 100;
const BACKUP_PRIORITY = 100;
/**
 * VRRPv3's master-down interval (RFC 5798 §6.1): three advertisement intervals plus the skew
 * time, (256 - priority) / 256 of one, for the backup's priority.
 */
export const MASTER_DOWN_MS = 3 * PULSE_MS + Math.round(((256 - BACKUP_PRIORITY) * PULSE_MS) / 256);

/**
 * P1 is the address's outage: any answer of the holder's kernel counts. P2's clean stop is the
 * application's, whose bar includes its start: a connection to it counts.
 */
function probeFor(which: FailoverCase): ProbeKind {
  return which === 'links-down' ? { kind: 'address' } : { kind: 'application', port: 8080 };
}

export interface Measure {
  /** The client's outage, ms: from its first failed attempt to its next answered one. */
  readonly outageMs: number;
  /** Both nodes held the VIP at some sampled instant (every 10 ms). */
  readonly twoHolders: boolean;
}

/** How long after the event the client's view is read (it must be answered again by then). */
const SETTLE_S = 30;

function outageOf(watch: VipWatch, from: number): number {
  // An attempt that began just before the event may be the first to fail.
  return watch.outagesSince(from - 10)[0] ?? 0;
}

async function waitAnswered(watch: VipWatch): Promise<void> {
  const since = Date.now();
  await watch.answeredSince(SETTLE_S);
  // Steady: answered for a second in a row.
  while (Date.now() - since < 1_000) await new Promise((r) => setTimeout(r, 100));
  if (watch.outagesSince(since).length > 0) await watch.answeredSince(SETTLE_S);
}

export async function keelFailover(which: FailoverCase): Promise<Measure> {
  const userconfig = sampleUserconfig().replace(
    /<heart pulse="[^"]*" timeout="[^"]*">/,
    `<heart pulse="${PULSE_MS}ms" timeout="${MASTER_DOWN_MS}ms">`,
  );
  const c = await KeelCluster.create('bench', { userconfig, clients: ['client1'] });
  try {
    await c.primSecond();
    const watch = await VipWatch.start(c.lab, ['node1', 'node2'], VIP, 'client1', probeFor(which));
    await waitAnswered(watch);
    const from = Date.now();
    if (which === 'links-down') {
      await Promise.all([c.lab.linkDown('node1', 'default'), c.lab.linkDown('node1', 'private')]);
    } else if (which === 'kill-9') {
      c.lab.kill('node1', KEEL_PROCESSES, 'SIGKILL');
    } else {
      await c.keel('node1', 'stop');
    }
    await c.waitState('node2', 'ALONE', SETTLE_S);
    await watch.answeredSince(SETTLE_S);
    return { outageMs: outageOf(watch, from), twoHolders: watch.overlaps().length > 0 };
  } finally {
    await c.destroy();
  }
}

const keepalivedConf = (state: 'MASTER' | 'BACKUP', priority: number) => `global_defs {
  vrrp_version 3
  vrrp_garp_master_delay 0
}
vrrp_instance keel_bench {
  state ${state}
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int ${PULSE_MS / 1000}
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;

const TCP_SERVER = `require('net').createServer((s) => s.end()).listen(8080)`;

export async function keepalivedFailover(which: FailoverCase, keepalived: string): Promise<Measure> {
  const lab = await Lab.create({
    name: labName('benchka'),
    nodes: ['node1', 'node2'],
    lans: ['default', 'private'],
    clients: ['client1'],
  });
  try {
    const dir = lab.plan.runDir;
    for (const [node, state, priority] of [
      ['node1', 'MASTER', 150],
      ['node2', 'BACKUP', BACKUP_PRIORITY],
    ] as const) {
      const conf = join(dir, `${node}-keepalived.conf`);
      await lab.exec(node, ['sh', '-c', `cat > ${conf}`], { input: keepalivedConf(state, priority) });
      await lab.spawn(node, ['node', '-e', TCP_SERVER], { logFile: join(dir, `${node}-app.log`) });
      await lab.spawn(
        node,
        [
          keepalived,
          '--dont-fork',
          '--log-console',
          '--vrrp',
          '--use-file',
          conf,
          '--pid',
          join(dir, `${node}-ka.pid`),
          '--vrrp_pid',
          join(dir, `${node}-vrrp.pid`),
        ],
        { logFile: join(dir, `${node}-keepalived.log`) },
      );
    }
    const watch = await VipWatch.start(lab, ['node1', 'node2'], VIP, 'client1', probeFor(which));
    await waitAnswered(watch);
    if (!watch.held('node1')) throw new Error('keepalived: node1 (MASTER) does not hold the VIP');
    const from = Date.now();
    if (which === 'links-down') {
      await Promise.all([lab.linkDown('node1', 'default'), lab.linkDown('node1', 'private')]);
    } else {
      lab.kill('node1', 'keepalived', which === 'kill-9' ? 'SIGKILL' : 'SIGTERM');
    }
    const until = Date.now() + SETTLE_S * 1000;
    while (!watch.held('node2') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await watch.answeredSince(SETTLE_S);
    // The old master may answer on, with the address it kept: read once both had their chance.
    await new Promise((r) => setTimeout(r, 1_000));
    return { outageMs: outageOf(watch, from), twoHolders: watch.overlaps().length > 0 };
  } finally {
    await lab.destroy();
  }
}

/** How long the sample's kind of application (node, a server listening) takes to start, in ms. */
export async function applicationStartMs(): Promise<number> {
  const lab = await Lab.create({ name: labName('benchapp'), nodes: ['node1'] });
  try {
    const script = `s=$(date +%s%N); node -e "require('net').createServer().listen(8080, () => process.exit(0))"; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))`;
    const runs: number[] = [];
    for (let i = 0; i < 5; i++)
      runs.push(Number((await lab.exec('node1', ['sh', '-c', script])).stdout.trim()));
    return runs.sort((a, b) => a - b)[2] as number;
  } finally {
    await lab.destroy();
  }
}
