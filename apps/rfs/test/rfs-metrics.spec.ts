// The daemons' `stats` as Prometheus metrics (RfsMetrics): declared at 0, counters that grow by
// what a daemon counted since its last report and never go back when a daemon is replaced, the
// acknowledgment-latency histogram from the daemon's cumulative buckets, gauges as reported.
import { Registry } from 'prom-client';
import { ACK_BOUNDS_US, RfsMetrics } from '../src/service/rfs.metrics';
import { buckets, stats } from './support/stats';

function build() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'rfs', node: 'node1' });
  const sut = new RfsMetrics(registry);
  const text = () => registry.metrics();
  const value = async (series: string) => {
    const line = (await text()).split('\n').find((l) => l.startsWith(`${series} `));
    if (!line) throw new Error(`no ${series} in\n${await text()}`);
    return Number(line.slice(series.length + 1));
  };
  return { sut, text, value };
}

const L = 'module="web",service="rfs",node="node1"';

test('every series of a module exists at 0 once it is declared', async () => {
  const { sut, text, value } = build();
  sut.declareModule('web');
  expect(
    await value(
      `keel_rfs_replicated_bytes_total{${L.replace('module="web"', 'module="web",origin="live"')}}`,
    ),
  ).toBe(0);
  expect(await value(`keel_rfs_reintegration_copied_bytes_total{${L}}`)).toBe(0);
  expect(await value(`keel_rfs_dirty_bytes{${L}}`)).toBe(0);
  expect(await value(`keel_rfs_daemon_up{module="web",role="secondary",service="rfs",node="node1"}`)).toBe(0);
  const t = await text();
  expect(t).toContain('# TYPE keel_rfs_ack_latency_seconds histogram');
  expect(t).toContain(
    `keel_rfs_ack_latency_seconds_bucket{module="web",le="0.0001",service="rfs",node="node1"} 0`,
  );
  expect(t).toContain(
    `keel_rfs_ack_latency_seconds_bucket{module="web",le="+Inf",service="rfs",node="node1"} 0`,
  );
  expect(t).toContain(`keel_rfs_ack_latency_seconds_count{module="web",service="rfs",node="node1"} 0`);
  expect(t.match(/keel_rfs_ack_latency_seconds_bucket\{/g)).toHaveLength(ACK_BOUNDS_US.length + 1);
});

test('counters add what a daemon counted since its last report, and go on from there with the next daemon', async () => {
  const { sut, value } = build();
  sut.declareModule('web');
  const bytes = `keel_rfs_replicated_bytes_total{module="web",origin="reintegration",service="rfs",node="node1"}`;
  sut.record('web', 100, stats({ rei_ops: 3, rei_bytes: 1000, rei_run: 1, rei_copied_bytes: 800 }));
  sut.record('web', 100, stats({ rei_ops: 5, rei_bytes: 1500, rei_run: 1, rei_copied_bytes: 1200 }));
  expect(await value(bytes)).toBe(1500);
  expect(await value(`keel_rfs_reintegration_copied_bytes_total{${L}}`)).toBe(1200);
  // A new daemon (another pid) counts from zero: all it says is new.
  sut.record('web', 200, stats({ rei_ops: 1, rei_bytes: 300, rei_run: 1, rei_copied_bytes: 100 }));
  expect(await value(bytes)).toBe(1800);
  expect(await value(`keel_rfs_reintegration_copied_bytes_total{${L}}`)).toBe(1300);
  // A second reintegration of the same daemon counts its copies from zero again.
  sut.record('web', 200, stats({ rei_ops: 2, rei_bytes: 400, rei_run: 2, rei_copied_bytes: 50 }));
  expect(await value(`keel_rfs_reintegration_copied_bytes_total{${L}}`)).toBe(1350);
});

test("the latency histogram adds the daemon's new observations bucket by bucket, in seconds", async () => {
  const { sut, text } = build();
  sut.declareModule('web');
  sut.record('web', 7, stats({ ack_buckets: buckets({ 0: 2, 3: 1 }), ack_sum_us: 1_200 }));
  sut.record('web', 7, stats({ ack_buckets: buckets({ 0: 2, 3: 1, 14: 1 }), ack_sum_us: 7_001_200 }));
  const t = await text();
  const series = (le: string) =>
    `keel_rfs_ack_latency_seconds_bucket{module="web",le="${le}",service="rfs",node="node1"}`;
  expect(t).toContain(`${series('0.0001')} 2\n`);
  expect(t).toContain(`${series('0.0005')} 2\n`);
  expect(t).toContain(`${series('0.001')} 3\n`);
  expect(t).toContain(`${series('5')} 3\n`);
  expect(t).toContain(`${series('+Inf')} 4\n`);
  expect(t).toContain(`keel_rfs_ack_latency_seconds_sum{module="web",service="rfs",node="node1"} 7.0012\n`);
  expect(t).toContain(`keel_rfs_ack_latency_seconds_count{module="web",service="rfs",node="node1"} 4`);
});

test('gauges are what the last report says; a daemon that exits leaves nothing pending', async () => {
  const { sut, value } = build();
  sut.declareModule('web');
  sut.daemon('web', 'primary', true);
  sut.record(
    'web',
    9,
    stats({
      pending_ops: 2,
      pending_bytes: 8192,
      dirty_files: 3,
      dirty_bytes: 12288,
      rei_running: true,
      rei_run: 1,
      rei_files_done: 4,
      rei_files_total: 10,
      rei_bytes_done: 4000,
      rei_bytes_total: 10000,
      rei_ms: 2000,
    }),
  );
  expect(await value(`keel_rfs_pending_bytes{${L}}`)).toBe(8192);
  expect(await value(`keel_rfs_dirty_bytes{${L}}`)).toBe(12288);
  expect(await value(`keel_rfs_reintegration_running{${L}}`)).toBe(1);
  expect(
    await value(`keel_rfs_reintegration_files{module="web",of="total",service="rfs",node="node1"}`),
  ).toBe(10);
  expect(await value(`keel_rfs_reintegration_bytes{module="web",of="done",service="rfs",node="node1"}`)).toBe(
    4000,
  );
  expect(await value(`keel_rfs_reintegration_bytes_per_second{${L}}`)).toBe(2000);
  expect(await value(`keel_rfs_daemon_up{module="web",role="primary",service="rfs",node="node1"}`)).toBe(1);
  sut.daemon('web', 'primary', false);
  expect(await value(`keel_rfs_pending_ops{${L}}`)).toBe(0);
  expect(await value(`keel_rfs_reintegration_running{${L}}`)).toBe(0);
  expect(await value(`keel_rfs_daemon_up{module="web",role="primary",service="rfs",node="node1"}`)).toBe(0);
});
