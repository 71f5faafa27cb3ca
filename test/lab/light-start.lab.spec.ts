import { mirrorScenario } from './lab-scenario';

// Issue 10, Done when 4 / reference §1.7, §4.2, §6.5: a light module (one node, no heartbeat, no
// replication, no VIP) starts with its scripts in SafeKit's order and answers `state` as UP
// (Ready); stop runs its stop scripts and leaves it STOP. Its checkers: light-checkers.lab.spec.ts.
const LIGHT = `<safe><service mode="light"><user/></service></safe>`;

mirrorScenario(
  'light start',
  (c) => {
    test('start: UP (Ready) on node1, with transition, prestart, transition, start_both', async () => {
      const from = await c().mark('node1');
      expect((await c().keel('node1', 'start')).code).toBe(0);
      await c().waitState('node1', 'UP');
      expect(await c().state('node1')).toBe('UP (Ready)');
      expect(await c().scripts('node1', from)).toEqual([
        'transition STOP WAIT start',
        'prestart STOP WAIT start',
        'transition WAIT UP start',
        'start_both WAIT UP start',
      ]);
      // node2 was not asked: a light module runs where it is started.
      expect(await c().state('node2')).toBe('STOP (NotReady)');
    });

    test('stop: stop_both, then STOP', async () => {
      const from = await c().mark('node1');
      await c().keel('node1', 'stop');
      await c().waitState('node1', 'STOP');
      const scripts = await c().scripts('node1', from);
      expect(scripts[0]).toBe('stop_both UP WAIT stop');
      expect(scripts.at(-1)).toBe('transition WAIT STOP stop');
    });
  },
  { userconfig: LIGHT, running: false },
);
