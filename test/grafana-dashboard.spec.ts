// deploy/grafana/keel-dashboard.json against the metrics keel's services really register: the
// file is a Grafana dashboard (uid, title, schemaVersion, panels with PromQL targets), and every
// metric name its queries and variables use is exported by a service, found in the exposition of
// each service's registry, built by the classes the services build it with. A panel naming a
// metric nobody registers fails here. The naming scheme of docs/metrics.md is checked too: a
// service's own metrics are keel_<service>_..., besides prom-client's process and Node.js ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger, createMetrics } from '@keel/runtime';
import { createCapturingSink, InMemoryBusNetwork } from '@keel/testing';
import { HeartbeatMetrics } from '../apps/heartbeat/src/service/heartbeat.metrics';
import { RfsMetrics } from '../apps/rfs/src/service/rfs.metrics';
import { CheckersMetrics } from '../apps/checkers/src/service/checkers.metrics';
import { VipMetrics } from '../apps/vip/src/service/vip.metrics';
import { ModuleStateMetrics } from '../apps/api/src/metrics/module-state-metrics';
import { NodeMetrics } from '../apps/api/src/metrics/node-metrics';

const root = join(__dirname, '..');
const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/keel-dashboard.json'), 'utf8'));

/** Each service's registry, as the service fills it (a module declared so labelled series exist). */
function registries(): Record<string, Registry> {
  const r = (service: string) => createMetrics({ service, node: 'node1', processMetrics: true });
  const heartbeat = r('heartbeat');
  new HeartbeatMetrics(heartbeat).declareModule('demo', ['default']);
  const rfs = r('rfs');
  new RfsMetrics(rfs).declareModule('demo');
  const checkers = r('checkers');
  new CheckersMetrics(checkers).set('demo', 'intf.eth0', 'up');
  const vip = r('vip');
  new VipMetrics(vip, () => [{ module: 'farm', group: 'web', buckets: 128 }]);
  const api = r('api');
  const states = new ModuleStateMetrics(api);
  states.observe('demo', 'SECOND', 'Ready');
  states.observe('demo', 'ALONE', 'Ready');
  const logger = createLogger({ service: 'api', node: 'node1', sink: createCapturingSink() });
  new NodeMetrics(
    new InMemoryBusNetwork().connect({ source: { service: 'api', node: 'node1' } }),
    api,
    logger,
  );
  return { admin: r('admin'), heartbeat, rfs, vip, checkers, api };
}

/** Family names from the `# TYPE` lines, with the series names a histogram or summary adds. */
async function exported(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of (await registry.metrics()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression (or a label_values variable query) selects. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/label_values\(\s*([^,)]+?)\s*,\s*\w+\s*\)/g, ' $1 ') // the label is not a metric
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\$\{?\w+\}?/g, ' ') // dashboard variables
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  return [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)]
    .filter((m) => m[2] === undefined && !KEYWORDS.has(m[1]!.toLowerCase()))
    .map((m) => m[1]!);
}

function queries(): { where: string; expr: string }[] {
  const panels = dashboard.panels as { title: string; type: string; targets?: { expr: string }[] }[];
  const fromPanels = panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
  );
  const fromVariables = (
    dashboard.templating.list as { name: string; type: string; query: { query: string } }[]
  )
    .filter((v) => v.type === 'query')
    .map((v) => ({ where: `variable $${v.name}`, expr: v.query.query }));
  return [...fromPanels, ...fromVariables];
}

test('the dashboard is a Grafana dashboard: uid, title, schemaVersion, panels with PromQL targets', () => {
  expect(dashboard).toMatchObject({
    uid: expect.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    title: expect.any(String),
    schemaVersion: expect.any(Number),
    panels: expect.any(Array),
  });
  const panels = dashboard.panels as {
    id: number;
    type: string;
    gridPos: object;
    targets?: { refId: string; expr: string }[];
  }[];
  expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  const graphs = panels.filter((p) => p.type !== 'row');
  expect(graphs.length).toBeGreaterThan(0);
  for (const p of graphs) {
    expect(p.gridPos).toMatchObject({
      h: expect.any(Number),
      w: expect.any(Number),
      x: expect.any(Number),
      y: expect.any(Number),
    });
    expect(p.targets?.length).toBeGreaterThan(0);
    for (const t of p.targets!)
      expect(t).toMatchObject({ refId: expect.any(String), expr: expect.stringMatching(/\S/) });
  }
});

test('every metric the dashboard uses is exported by a service', async () => {
  const all = new Set<string>();
  for (const reg of Object.values(registries())) for (const n of await exported(reg)) all.add(n);
  const used = queries().flatMap(({ where, expr }) => metricNames(expr).map((name) => ({ where, name })));
  expect(used.length).toBeGreaterThan(10);
  expect(used.filter((u) => !all.has(u.name))).toEqual([]);
  // What the issue asks the dashboard to show is there.
  const names = new Set(used.map((u) => u.name));
  for (const n of [
    'keel_api_module_state',
    'keel_api_module_transitions_total',
    'keel_heartbeat_lan_up',
    'keel_rfs_pending_bytes',
    'keel_rfs_replicated_bytes_total',
    'keel_vip_farm_buckets',
    'keel_checkers_resource_up',
  ])
    expect(names).toContain(n);
});

test('the name extraction finds metrics and nothing else', () => {
  expect(
    metricNames(
      'histogram_quantile(0.99, sum by (le, node) (rate(keel_rfs_ack_latency_seconds_bucket{node=~"$node", x="a{b}"}[$__rate_interval]))) / ignoring(of) other_metric > 0',
    ),
  ).toEqual(['keel_rfs_ack_latency_seconds_bucket', 'other_metric']);
  expect(metricNames('label_values(keel_api_module_state, node)')).toEqual(['keel_api_module_state']);
});

test("naming scheme: a service's own metrics are keel_<service>_*, the rest prom-client's process and Node.js ones", async () => {
  for (const [service, reg] of Object.entries(registries())) {
    const own = [...(await exported(reg))].filter((n) => !/^(process|nodejs)_/.test(n));
    expect(own.filter((n) => !n.startsWith(`keel_${service}_`))).toEqual([]);
  }
});
