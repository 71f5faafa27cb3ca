import { createMetrics } from '@keel/runtime';
import { ModuleStateMetrics } from '../src/metrics/module-state-metrics';

// The modules' states as metrics: one series per state (1 the current one), readiness, and the
// transitions heard, the first state heard of a module not being one.
function sut() {
  const registry = createMetrics({ service: 'api', node: 'node1' });
  const metrics = new ModuleStateMetrics(registry);
  const samples = async (name: string) =>
    (await registry.getSingleMetricAsString(name))
      .split('\n')
      .filter((l) => l.startsWith(name))
      .map((l) => l.replace(/,service="api",node="node1"/, ''));
  return { metrics, samples };
}

test('the current state is 1, the others 0; a failover is counted as SECOND -> ALONE', async () => {
  const { metrics, samples } = sut();
  metrics.observe('demo', 'SECOND', 'Ready');
  expect(await samples('keel_api_module_transitions_total')).toEqual([]);
  metrics.observe('demo', 'ALONE', 'Transient');
  metrics.observe('demo', 'ALONE', 'Ready');
  expect(await samples('keel_api_module_state')).toEqual([
    'keel_api_module_state{module="demo",state="STOP"} 0',
    'keel_api_module_state{module="demo",state="WAIT"} 0',
    'keel_api_module_state{module="demo",state="ALONE"} 1',
    'keel_api_module_state{module="demo",state="PRIM"} 0',
    'keel_api_module_state{module="demo",state="SECOND"} 0',
    'keel_api_module_state{module="demo",state="UP"} 0',
  ]);
  expect(await samples('keel_api_module_ready')).toEqual(['keel_api_module_ready{module="demo"} 1']);
  expect(await samples('keel_api_module_transitions_total')).toEqual([
    'keel_api_module_transitions_total{module="demo",from="SECOND",to="ALONE"} 1',
  ]);
});
