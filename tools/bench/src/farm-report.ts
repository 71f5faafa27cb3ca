// The report of the farm bench (pure): P7's requests/s through keel's farm VIP beside the hand-built
// filter and HAProxy, their ratios and the split per node; P8's re-served times against detection
// + 100 ms. Where keel misses a bar of docs (TARGETS), the report says so plainly.
import type { Load } from './farm-load';
import { unfairnessPct } from './farm-load';
import type { NodeLoss } from './farm';
import { ratio, summarize, type Summary } from './stats';

export interface FarmInput {
  readonly date: string;
  readonly command: string;
  readonly machine: string;
  readonly runs: number;
  readonly wrkSeconds: number;
  readonly wrkVersion: string;
  readonly haproxyVersion: string;
  readonly haproxyMaxconn: number;
  readonly pulseMs: number;
  readonly slostCount: number;
  readonly mlostCount: number;
  readonly marginMs: number;
  readonly keel: readonly Load[];
  /** Per run: CPU of the three nodes' keel services during keel's wrk run, percent of one core. */
  readonly keelCpuPct: readonly number[];
  readonly handBuilt: readonly Load[];
  readonly haproxy: readonly Load[];
  readonly follower: readonly NodeLoss[];
  readonly leader: readonly NodeLoss[];
}

interface LoadReport {
  readonly reqPerSec: Summary;
  /** Per run: connections per node. */
  readonly splits: readonly Readonly<Record<string, number>>[];
  /** The worst run's largest distance from the fair share, percent. */
  readonly worstUnfairnessPct: number;
  readonly errors: number;
}

interface LossReport {
  readonly reservedMs: Summary;
  readonly detectionMs: number;
  readonly barMs: number;
  readonly met: boolean;
  readonly failed: Summary;
  readonly connections: number;
}

function loadReport(loads: readonly Load[]): LoadReport {
  return {
    reqPerSec: summarize(loads.map((l) => l.reqPerSec)),
    splits: loads.map((l) => l.byNode),
    worstUnfairnessPct: Math.max(...loads.map((l) => unfairnessPct(l.byNode))),
    errors: loads.reduce((s, l) => s + l.errors, 0),
  };
}

function lossReport(losses: readonly NodeLoss[], detectionMs: number, marginMs: number): LossReport {
  const reservedMs = summarize(losses.map((l) => l.reservedMs));
  const barMs = detectionMs + marginMs;
  return {
    reservedMs,
    detectionMs,
    barMs,
    met: reservedMs.median <= barMs,
    failed: summarize(losses.map((l) => l.failed)),
    connections: losses[0]?.connections ?? 0,
  };
}

const range = (s: Summary) => `${s.median} (${s.min}–${s.max})`;
const verdict = (met: boolean) => (met ? 'met' : '**missed**');
const split = (r: LoadReport) =>
  r.splits.map((s) => Object.values(s).join(' / ')).join('; ') + ` (worst ±${r.worstUnfairnessPct} %)`;

export function farmReport(input: FarmInput): { json: unknown; markdown: string } {
  const keel = loadReport(input.keel);
  const handBuilt = loadReport(input.handBuilt);
  const haproxy = loadReport(input.haproxy);
  const vsHand = ratio(keel.reqPerSec, handBuilt.reqPerSec);
  const vsHaproxy = ratio(keel.reqPerSec, haproxy.reqPerSec);
  // Each repetition's own ratio too: keel and its anchors ran minutes apart at most, so a load
  // that drifts on the shared machine shows as a spread here rather than in one side's median.
  const paired = (anchor: readonly Load[]) =>
    summarize(input.keel.map((k, i) => Math.round((k.reqPerSec / (anchor[i]?.reqPerSec || 1)) * 100) / 100));
  const pairedHand = paired(input.handBuilt);
  const pairedHaproxy = paired(input.haproxy);
  const follower = lossReport(input.follower, input.slostCount * input.pulseMs, input.marginMs);
  const leader = lossReport(input.leader, input.mlostCount * input.pulseMs, input.marginMs);
  const bars = [
    {
      what: 'P7: keel >= 0.95 x the hand-built filter',
      value: `${vsHand ?? '—'}`,
      met: (vsHand ?? 0) >= 0.95,
    },
    { what: 'P7: keel >= 1.5 x HAProxy', value: `${vsHaproxy ?? '—'}`, met: (vsHaproxy ?? 0) >= 1.5 },
    {
      what: 'P7: connections per node within ±10 % of fair (keel, worst run)',
      value: `±${keel.worstUnfairnessPct} %`,
      met: keel.worstUnfairnessPct <= 10,
    },
    {
      what: `P8: follower killed, re-served <= ${follower.barMs} ms (median)`,
      value: `${follower.reservedMs.median} ms`,
      met: follower.met,
    },
    {
      what: `P8: leader killed, re-served <= ${leader.barMs} ms (median)`,
      value: `${leader.reservedMs.median} ms`,
      met: leader.met,
    },
  ];
  const missed = bars.filter((b) => !b.met);
  const lossRow = (title: string, l: LossReport, lost: string) =>
    `| ${title} | ${range(l.reservedMs)} | ${l.detectionMs} (${lost}) | ${l.barMs} | ${verdict(l.met)} | ${range(l.failed)} of ${l.connections} |`;
  const markdown = [
    '# Farm: requests/s through the virtual IP, and a node lost (P7, P8)',
    '',
    `Run ${input.date} on ${input.machine}: \`${input.command}\`, ${input.runs} repetition(s), keel and its`,
    'anchors alternately in the same run, each repetition on fresh namespace labs. The servers are the farm',
    "sample's (deploy/samples/farm-demo: a tiny Node HTTP server per node that closes each connection after its",
    'answer, so every request is a new connection and is hashed on its own source port, `on_port`).',
    '',
    '## P7: HTTP requests/s, three servers',
    '',
    `\`wrk -t2 -c64 -d${input.wrkSeconds}s\` (wrk ${input.wrkVersion}) on a lab client, after a short warm-up run.`,
    '- keel: the farm sample on three nodes, all UP; wrk against the farm VIP.',
    "- hand-built: the same servers outside keel, keel's own nftables filter (apps/vip/src/core/farm-filter.ts)",
    '  loaded with `nft -f -`, buckets split in contiguous thirds, the VIP on each node with `arp_announce=2`, and a',
    '  static neighbour entry VIP -> virtual MAC on the client (no node answers ARP); no keel process runs.',
    `- HAProxy ${input.haproxyVersion} on a host of its own (a lab client), \`mode http\`, \`balance roundrobin\`,`,
    `  \`maxconn ${input.haproxyMaxconn}\`, default threads; it keeps wrk's connections alive and opens one to a`,
    '  server per request (the servers close theirs).',
    '',
    'Requests/s, median (min–max); connections each node accepted (its TcpPassiveOpens) per run, node1 / node2 /',
    "node3, and the worst run's largest distance from the fair third.",
    '',
    '| case | requests/s | connections per node | wrk errors |',
    '| --- | --- | --- | --- |',
    `| keel (farm VIP) | ${range(keel.reqPerSec)} | ${split(keel)} | ${keel.errors} |`,
    `| hand-built nftables farm | ${range(handBuilt.reqPerSec)} | ${split(handBuilt)} | ${handBuilt.errors} |`,
    `| HAProxy | ${range(haproxy.reqPerSec)} | ${split(haproxy)} | ${haproxy.errors} |`,
    '',
    `Ratios of medians: keel / hand-built = ${vsHand ?? '—'}, keel / HAProxy = ${vsHaproxy ?? '—'}. Each`,
    `repetition's own ratio, median (min–max): keel / hand-built ${range(pairedHand)}, keel / HAProxy`,
    `${range(pairedHaproxy)}.`,
    '',
    `The lab's ${input.machine.split(' x ')[0]} cores carry everything: the three servers, wrk, the kernel's`,
    "packet work and, in keel's case only, its services on three nodes (heartbeat, membership, vip, admin, bus),",
    `which took ${range(summarize(input.keelCpuPct))} % of one core during keel's wrk runs. The load is`,
    'CPU-bound, so that time is missing from the servers; on real machines each node has its own cores.',
    '',
    '## P8: a node killed -9, time until its buckets are served again',
    '',
    'Every keel process of the node killed -9 while the client opens connections through the VIP (10 at a time);',
    "re-served = the time of the survivors' leader's `farm membership:` line without the node, minus the kill's.",
    `Farm pulse ${input.pulseMs} ms; detection = slost_count (${input.slostCount}) x pulse for a follower,`,
    `mlost_count (${input.mlostCount}) x pulse for the leader; bar = detection + ${input.marginMs} ms. Times in ms,`,
    'median (min–max). Detection counts from the last packet heard of the node, up to one pulse before the kill,',
    'so a re-served time may be a little under it.',
    '',
    '| case | re-served | detection | bar | | client connections failed |',
    '| --- | --- | --- | --- | --- | --- |',
    lossRow('follower (node2) killed; leader node1', follower, `slost_count ${input.slostCount}`),
    lossRow('leader (node1) killed; new leader node2', leader, `mlost_count ${input.mlostCount}`),
    '',
    '## Bars',
    '',
    '| bar | here | |',
    '| --- | --- | --- |',
    ...bars.map((b) => `| ${b.what} | ${b.value} | ${verdict(b.met)} |`),
    '',
    missed.length === 0
      ? 'keel meets every bar in this run.'
      : `keel is behind where the table says **missed**: ${missed.map((b) => b.what).join('; ')}.`,
    '',
    'Produced by `tools/bench/bin/bench farm` (docs/bench/README.md); the raw numbers are in farm.json.',
    '',
  ].join('\n');
  return {
    json: {
      ...input,
      p7: { keel, handBuilt, haproxy, vsHand, vsHaproxy, pairedHand, pairedHaproxy },
      p8: { follower, leader },
      bars,
    },
    markdown,
  };
}
