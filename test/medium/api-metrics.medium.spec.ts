// /metrics against a real node (nats-server, admin, api): with a Monitor key, the metrics admin
// answers on the bus and the api's own, in one exposition (a family both export has one TYPE);
// the services that do not run are counted as scrape errors; no credential, no metrics.
import { call, startApiNode, type ApiNode } from './api-node';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

test("/metrics gives admin's metrics and the api's, and counts the services that do not answer", async () => {
  expect((await call(n.base, 'GET', '/metrics')).status).toBe(401);

  const r = await call(n.base, 'GET', '/metrics', { key: n.keys.Monitor });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  const text = r.body as string;
  expect(text).toMatch(/^process_cpu_user_seconds_total\{service="admin",node="node1"\} [\d.e+-]+$/m);
  expect(text).toMatch(/^process_cpu_user_seconds_total\{service="api",node="node1"\} [\d.e+-]+$/m);
  expect(text.match(/^# TYPE process_cpu_user_seconds_total counter$/gm)).toHaveLength(1);
  for (const target of ['heartbeat', 'rfs', 'vip', 'checkers'])
    expect(text).toContain(
      `keel_api_metrics_scrape_errors_total{target="${target}",reason="not_running",service="api",node="node1"} 1`,
    );
  expect(text).not.toMatch(/target="admin"/);
  // The module's state as admin announced it to the api.
  expect(text).toContain('keel_api_module_state{module="demo",state="STOP",service="api",node="node1"} 1');
  // Every name has at most one TYPE line.
  const types = text.match(/^# TYPE \S+/gm) ?? [];
  expect(new Set(types).size).toBe(types.length);
});
