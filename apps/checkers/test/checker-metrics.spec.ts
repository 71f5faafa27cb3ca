import { build } from './support/harness';

// The checkers service's metrics follow what its checkers publish: the last value of each
// resource (1 up, 0 down) and how many values were published, by value.
const TCP = `<check><tcp ident="web" when="prim" action="restart"><to addr="127.0.0.1" port="8080" interval="2s" timeout="1s"/></tcp></check>`;

test('keel_checkers_resource_up and keel_checkers_resource_sets_total follow a tcp checker', async () => {
  const { resource, probes, clock, metrics } = await build(TCP);
  const sample = async (name: string) =>
    (await metrics.getSingleMetricAsString(name)).split('\n').filter((l) => l.startsWith(name));
  await resource('window.prim', 'up');
  expect(await sample('keel_checkers_resource_up')).toEqual([
    'keel_checkers_resource_up{module="app",resource="tcp.web",service="checkers",node="node1"} 1',
  ]);
  probes.fail('tcp 127.0.0.1:8080');
  await clock.advance(2_000);
  expect(await sample('keel_checkers_resource_up')).toEqual([
    'keel_checkers_resource_up{module="app",resource="tcp.web",service="checkers",node="node1"} 0',
  ]);
  expect(await sample('keel_checkers_resource_sets_total')).toEqual([
    'keel_checkers_resource_sets_total{module="app",resource="tcp.web",value="up",service="checkers",node="node1"} 1',
    'keel_checkers_resource_sets_total{module="app",resource="tcp.web",value="down",service="checkers",node="node1"} 1',
  ]);
});
