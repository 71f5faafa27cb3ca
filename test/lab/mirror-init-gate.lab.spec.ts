import { mirrorScenario } from './lab-scenario';

// Acceptance 8.4.51 on real nodes: a wait rule whose resource is still `init` holds the start in
// WAIT (Transient); once a checker sets it up, the start goes on. The checker (the sample's
// never_sets) never speaks: the test sets the resource as a custom checker would
// (`keel set -r custom.dep -v up`).
const userconfig = `<safe><service mode="mirror">
  <heart pulse="100ms" timeout="1s"><heartbeat name="default"/><heartbeat name="private"/></heart>
  <user/>
  <check><custom ident="dep" when="pre" exec="never_sets" action="wait"/></check>
  <failover period="200ms" handle_time="400ms"/>
</service></safe>`;

mirrorScenario(
  'mirror init gate',
  (c) => {
    test('prim waits in WAIT (Transient) while custom.dep is init, and becomes ALONE once it is up', async () => {
      await c().keel('node1', 'prim');
      await new Promise((r) => setTimeout(r, 2000));
      expect(await c().state('node1')).toBe('WAIT (Transient)');
      await c().keel('node1', 'set', '-r', 'custom.dep', '-v', 'up', '-i', 'depcheck');
      await c().waitState('node1', 'ALONE', 20);
    });

    test('the resource going down moves the primary to WAIT (NotReady); up again wakes it', async () => {
      await c().keel('node1', 'set', '-r', 'custom.dep', '-v', 'down', '-i', 'depcheck');
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await c().state('node1')) !== 'WAIT (NotReady)')
        await new Promise((r) => setTimeout(r, 200));
      expect(await c().state('node1')).toBe('WAIT (NotReady)');
      expect(await c().log('node1')).toMatch(/ I Action wait from failover rule c_dep/);
      await c().keel('node1', 'set', '-r', 'custom.dep', '-v', 'up', '-i', 'depcheck');
      await c().waitState('node1', 'ALONE', 20);
      expect(await c().log('node1')).toMatch(/ I Action wakeup from failover rule Implicit_wakeup/);
    });
  },
  { userconfig, running: false },
);
