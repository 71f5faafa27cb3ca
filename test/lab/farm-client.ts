// The lab client's side of a farm: many short HTTP connections to the farm VIP, each from a new
// source port (and, when asked, from one of several source addresses the client holds), and which
// node answered each — the farm sample says `hello from <node>`. The connections run on the client
// host itself (a node program), so the test's own event loop does not pace them.
import { sampleUserconfig, type KeelCluster } from './keel-cluster';

export const FARM_VIP = '198.18.0.20';
export const FARM_PORT = 8080;

export interface Answers {
  /** Connections answered, per node. */
  readonly byNode: Readonly<Record<string, number>>;
  /** Per source address: the nodes that answered it. */
  readonly bySource: Readonly<Record<string, readonly string[]>>;
  readonly failed: number;
  /** Failures: when the connection was opened and when it failed (epoch ms), and why. */
  readonly failures: readonly { readonly start: number; readonly end: number; readonly error: string }[];
}

// Runs on the client: argv = count, concurrency, pauseMs, sources (comma list or '-').
const PROGRAM = `
const http = require('http');
const [count, concurrency, pause] = process.argv.slice(1, 4).map(Number);
const sources = process.argv[4] === '-' ? [undefined] : process.argv[4].split(',');
const byNode = {}, bySource = {}, failures = [];
let next = 0;
function one(i) {
  return new Promise((done) => {
    const start = Date.now();
    const localAddress = sources[i % sources.length];
    const req = http.get({ host: '${FARM_VIP}', port: ${FARM_PORT}, localAddress, agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const node = (/hello from (\\S+)/.exec(body) || [])[1] || 'unknown';
        byNode[node] = (byNode[node] || 0) + 1;
        const key = localAddress || '-';
        bySource[key] = [...new Set([...(bySource[key] || []), node])];
        done();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => { failures.push({ start, end: Date.now(), error: e.message }); done(); });
  });
}
async function worker() {
  while (next < count) {
    await one(next++);
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
}
Promise.all(Array.from({ length: concurrency }, worker)).then(() =>
  process.stdout.write(JSON.stringify({ byNode, bySource, failed: failures.length, failures })));
`;

/** `count` connections, `concurrency` at a time, each worker pausing `pauseMs` between its own. */
export async function connect(
  c: KeelCluster,
  options: { count: number; concurrency?: number; pauseMs?: number; sources?: readonly string[] },
): Promise<Answers> {
  const argv = [
    'node',
    '-e',
    PROGRAM,
    String(options.count),
    String(options.concurrency ?? 20),
    String(options.pauseMs ?? 0),
    options.sources?.join(',') || '-',
  ];
  const r = await c.lab.exec('client1', argv, { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`the client's connections failed to run: ${r.stderr}`);
  return JSON.parse(r.stdout) as Answers;
}

/** Extra addresses on the client's first-LAN interface, e.g. to show `on_addr` per source. */
export async function addClientAddresses(c: KeelCluster, addresses: readonly string[]): Promise<void> {
  const ifname = c.lab.ifname('client1', 'default');
  for (const a of addresses) {
    const r = await c.lab.exec('client1', ['ip', 'addr', 'add', `${a}/24`, 'dev', ifname]);
    if (r.code !== 0) throw new Error(`client1: cannot add ${a}: ${r.stderr}`);
  }
}

/** The farm sample's userconfig.xml with another filter and, if given, `<cluster>` host powers. */
export function farmUserconfig(options: {
  filter?: 'on_addr' | 'on_port';
  powers?: Record<string, number>;
}): string {
  let xml = sampleUserconfig({ FILTER: options.filter ?? 'on_port' }, 'farm-demo');
  if (options.powers) {
    const hosts = Object.entries(options.powers)
      .map(([name, power]) => `<host name="${name}" power="${power}"/>`)
      .join('');
    xml = xml.replace('<group name="FarmProto">', `<group name="FarmProto"><cluster>${hosts}</cluster>`);
  }
  return xml;
}
