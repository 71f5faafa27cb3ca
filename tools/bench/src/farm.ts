// P7 and P8 of docs (TARGETS) for keel: one repetition on a fresh lab with the farm sample on three
// nodes (all UP) and a client.
//  - P7: wrk through the farm VIP, and how many connections each node accepted.
//  - P8: kill -9 of every keel process of a follower (node2), its return, then of the leader
//    (node1), each while the client opens connections through the VIP. The share of the killed
//    node is served again when the survivors' leader makes the view without it: the time of its
//    `farm membership:` line minus the kill's (as test/lab/farm-node-loss). The membership
//    detection behind it is slost_count pulses for a follower, mlost_count for the leader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../../test/lab/farm-client';
import { KeelCluster, ROOT, KEEL_PROCESSES } from '../../../test/lab/keel-cluster';
import { logTime } from '../../../test/lab/node-application';
import { FARM_NODES, FARM_PORT, FARM_VIP, wrk, type Load } from './farm-load';

/** The farm sample's `<farm pulse>` and keel's defaults of slost_count and mlost_count. */
export const FARM_PULSE_MS = 100;
export const SLOST_COUNT = 10;
export const MLOST_COUNT = 20;
/** P8's bar: the detection time plus this. */
export const P8_MARGIN_MS = 100;

const GROUP = 'FarmProto_0';

export interface NodeLoss {
  /** The survivors' leader's `farm membership:` line without the killed node, minus the kill. */
  readonly reservedMs: number;
  /** The client's connections that failed meanwhile (of `connections`). */
  readonly failed: number;
  readonly connections: number;
}

export interface KeelFarmRun {
  readonly load: Load;
  /** CPU time of the three nodes' keel services during the wrk run, percent of one core. */
  readonly keelCpuPct: number;
  readonly follower: NodeLoss;
  readonly leader: NodeLoss;
}

/** CPU time (user + system, clock ticks of 10 ms) of the lab's keel services so far. */
function keelTicks(c: KeelCluster): number {
  let ticks = 0;
  for (const pid of FARM_NODES.flatMap((n) => c.lab.pids(n, KEEL_PROCESSES))) {
    try {
      const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first line `farm membership: <members> (group ...)` in the node's log at or after `since`. */
async function membershipLine(c: KeelCluster, node: string, members: string, since: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const at = (await c.log(node))
      .split('\n')
      .filter((l) => l.endsWith(`farm membership: ${members} (group ${GROUP})`))
      .map(logTime)
      .find((t) => t >= since);
    if (at !== undefined) return at;
    if (Date.now() > deadline) throw new Error(`${node}: no 'farm membership: ${members}' since the event`);
    await sleep(200);
  }
}

/**
 * kill -9 of the node's keel processes one second into `connections` connections (10 at a time,
 * each worker pausing 5 ms); the time until `leader` logs the view of `survivors`.
 */
async function killNode(
  c: KeelCluster,
  victim: string,
  leader: string,
  survivors: string,
  connections: number,
): Promise<NodeLoss> {
  const running = connect(c, { count: connections, concurrency: 10, pauseMs: 5 });
  await sleep(1_000);
  const killedAt = Date.now();
  if (c.lab.kill(victim, KEEL_PROCESSES, 'SIGKILL').length === 0)
    throw new Error(`${victim}: nothing killed`);
  const answers = await running;
  const at = await membershipLine(c, leader, survivors, killedAt);
  return { reservedMs: at - killedAt, failed: answers.failed, connections };
}

/** The node's keel back, then its module UP, then the leader's view with every node again. */
async function rejoin(c: KeelCluster, node: string): Promise<void> {
  const since = Date.now();
  await c.startServices(node);
  await c.waitAdmin(node);
  await c.keel(node, 'start');
  await c.waitState(node, 'UP', 60);
  await membershipLine(c, 'node1', FARM_NODES.join(' '), since);
}

/** One repetition of P7 and P8 for keel on a fresh farm lab, destroyed whatever happens. */
export async function keelFarm(wrkPath: string, seconds: number, warmupS: number): Promise<KeelFarmRun> {
  const c = await KeelCluster.create('benchfarm', {
    sample: 'farm-demo',
    nodes: FARM_NODES,
    clusterXml: readFileSync(join(ROOT, 'deploy/samples/farm-demo/cluster.xml'), 'utf8'),
    clients: ['client1'],
  });
  try {
    const started = Date.now();
    for (const node of FARM_NODES) await c.keel(node, 'start');
    for (const node of FARM_NODES) await c.waitState(node, 'UP', 60);
    await membershipLine(c, 'node1', FARM_NODES.join(' '), started);

    const url = `http://${FARM_VIP}:${FARM_PORT}/`;
    await wrk(c.lab, wrkPath, 'client1', url, warmupS, FARM_NODES);
    // keel's services share the machine's cores with the servers and wrk: say what they took.
    const ticks = keelTicks(c);
    const load = await wrk(c.lab, wrkPath, 'client1', url, seconds, FARM_NODES);
    const keelCpuPct = Math.round((keelTicks(c) - ticks) / seconds);

    // Enough connections to outlast the detection (a failed one waits for its 2 s timeout).
    const follower = await killNode(c, 'node2', 'node1', 'node1 node3', 2_000);
    await rejoin(c, 'node2');
    const leader = await killNode(c, 'node1', 'node2', 'node2 node3', 4_000);
    return { load, keelCpuPct, follower, leader };
  } finally {
    await c.destroy();
  }
}
