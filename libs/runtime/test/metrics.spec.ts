import { Counter, Gauge, register as globalRegistry } from 'prom-client';
import { createMetrics } from '../src';

it('labels every metric with service and node', async () => {
  const registry = createMetrics({ service: 'heartbeat', node: 'node1' });
  const sent = new Counter({
    name: 'keel_heartbeat_sent_total',
    help: 'Heartbeats sent.',
    labelNames: ['lan'],
    registers: [registry],
  });

  sent.inc({ lan: 'lan1' }, 3);

  const text = await registry.metrics();
  expect(text).toContain('# TYPE keel_heartbeat_sent_total counter');
  expect(text).toMatch(/keel_heartbeat_sent_total\{lan="lan1",service="heartbeat",node="node1"\} 3/);
});

it('gives each service its own registry, separate from the global one', async () => {
  const a = createMetrics({ service: 'a', node: 'n' });
  const b = createMetrics({ service: 'b', node: 'n' });
  new Gauge({ name: 'keel_same_name', help: 'Same name in two registries.', registers: [a] }).set(1);
  new Gauge({ name: 'keel_same_name', help: 'Same name in two registries.', registers: [b] }).set(2);

  expect(await a.metrics()).toContain('keel_same_name{service="a",node="n"} 1');
  expect(await b.metrics()).toContain('keel_same_name{service="b",node="n"} 2');
  expect(await globalRegistry.metrics()).not.toContain('keel_same_name');
});

it('collects process metrics only when asked', async () => {
  const plain = createMetrics({ service: 's', node: 'n' });
  const withProcess = createMetrics({ service: 's', node: 'n', processMetrics: true });

  expect(await plain.metrics()).not.toContain('process_cpu_user_seconds_total');
  expect(await withProcess.metrics()).toMatch(/process_cpu_user_seconds_total\{service="s",node="n"\}/);
});
