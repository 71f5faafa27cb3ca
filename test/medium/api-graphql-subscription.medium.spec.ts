// A GraphQL subscription over WebSocket against a real node: a Monitor key subscribes to the
// state changes and the module log lines of the module; when a Control user starts it, the
// subscriber receives the new state and admin's log lines; deleting the key ends the
// subscription at its next event, with an error.
import { call, startApiNode, type ApiNode } from './api-node';
import { collect, gql, until, wsClient } from './api-graphql';

jest.setTimeout(60_000);
let n: ApiNode;
beforeAll(async () => {
  n = await startApiNode();
});
afterAll(async () => {
  await n?.stop();
});

test('a subscriber hears the module start, and loses the subscription when its key is deleted', async () => {
  const client = wsClient(n.base, { key: n.keys.Monitor });
  try {
    const states = collect(
      client,
      'subscription { stateChanged(module: "demo") { module state readiness since } }',
    );
    const lines = collect(
      client,
      'subscription($m: String) { moduleLogLines(module: $m) { module level message component at } }',
      {
        m: 'demo',
      },
    );
    // The subscriptions are running once an operation on the same connection has answered.
    expect((await gql(n.base, '{ whoami { user } }', {}, { key: n.keys.Monitor })).status).toBe(200);
    await new Promise((res) => setTimeout(res, 200));

    const started = await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start', {
      key: n.keys.Control,
    });
    expect(started.status).toBe(200);
    const isAloneReady = (e: any) =>
      e.data?.stateChanged.state === 'ALONE' && e.data?.stateChanged.readiness === 'Ready';
    await until('the ALONE state', () => states.events.some(isAloneReady));
    const alone = states.events.find(isAloneReady);
    expect(alone.data.stateChanged).toMatchObject({ module: 'demo', readiness: expect.any(String) });
    expect(new Date(alone.data.stateChanged.since).toISOString()).toBe(alone.data.stateChanged.since);
    await until('the log line', () =>
      lines.events.some(
        (e) => e.data?.moduleLogLines.message === 'Action start called by apikey:control-key@127.0.0.1',
      ),
    );
    expect(lines.events[0].data.moduleLogLines).toMatchObject({
      module: 'demo',
      level: 'I',
      component: null,
    });

    // The key is deleted: the next event ends the subscription with an error, not the connection.
    expect((await call(n.base, 'DELETE', '/api/v1.0/apikey/monitor-key', { key: n.keys.Admin })).status).toBe(
      204,
    );
    const before = states.events.length;
    expect(
      (await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/stop', { key: n.keys.Control })).status,
    ).toBe(200);
    await until('the subscription ended', () => states.ended === true);
    expect(states.failed).toBeUndefined();
    // One last result: the refusal, no state; then the end.
    expect(states.events.slice(before)).toEqual([
      {
        data: null,
        errors: [
          expect.objectContaining({
            message: 'log in (POST /login) or give an API key (Authorization: Bearer <key>)',
            extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', status: 401 }),
          }),
        ],
      },
    ]);
    expect(lines.ended).toBe(true);
  } finally {
    await client.dispose();
  }
});
