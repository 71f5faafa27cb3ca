import { mirrorScenario } from './lab-scenario';
import { sampleApplication } from './node-application';
import { SECOND_TO_ALONE } from './script-orders';

// kill -9 of admin alone on the PRIM: its application dies with it (its fence,
// docs/decisions/0013), and node1's heartbeat, still running, stops speaking for the module once
// admin is gone (apps/heartbeat/src/service/engine-watch.ts): node2 loses node1 and becomes ALONE
// with "no heartbeat". Before, heartbeat went on announcing PRIM Ready and nothing served.
mirrorScenario('mirror kill admin', (c) => {
  test('node1 loses admin only: its application is gone and node2 becomes ALONE and serves', async () => {
    const from2 = await c().mark('node2');
    const app = sampleApplication('node1');
    expect(app.pids.length).toBeGreaterThan(0);
    expect(c().lab.kill('node1', 'keel-admin', 'SIGKILL').length).toBeGreaterThanOrEqual(1);
    await app.gone;
    // heartbeat itself lives on: it is the one that stops speaking.
    expect(c().lab.pids('node1', 'keel-heartbeat').length).toBeGreaterThanOrEqual(1);
    await c().waitState('node2', 'ALONE');
    const log = await c().log('node2');
    expect(log).toMatch(/ I Remote state UNKNOWN/);
    expect(log).toMatch(/ I Action alone called by heart: no heartbeat/);
    expect(await c().scripts('node2', from2)).toEqual(SECOND_TO_ALONE);
    expect(await c().hit('node2')).toBe('hello from node2 (hit 1)');
  });
});
