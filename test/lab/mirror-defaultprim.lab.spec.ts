import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mirrorScenario } from './lab-scenario';
import { ROOT } from './keel-cluster';

// Issue 3 / acceptance 8.2.22: defaultprim="node1" swaps back once node1 has rejoined.
const userconfig = readFileSync(join(ROOT, 'deploy/samples/mirror-demo/conf/userconfig.xml'), 'utf8').replace(
  'defaultprim="alone"',
  'defaultprim="node1"',
);

mirrorScenario(
  'mirror defaultprim',
  (c) => {
    test('node1 stops, node2 goes ALONE; node1 restarts, rejoins as SECOND, then swaps back to PRIM', async () => {
      await c().keel('node1', 'stop');
      await c().waitState('node2', 'ALONE');
      const [from1, from2] = [await c().mark('node1'), await c().mark('node2')];
      await c().keel('node1', 'start');
      await c().waitState('node1', 'PRIM', 30);
      await c().waitState('node2', 'SECOND');
      const log1 = await c().log('node1');
      expect(log1).toMatch(/ V Transition SWAP from defaultprim/);
      // The swap waits for node1's copy: it comes after its reintegration.
      expect(log1.indexOf('Reintegration ended (synchronize)')).toBeGreaterThan(-1);
      expect(log1.indexOf('Transition SWAP from defaultprim')).toBeGreaterThan(
        log1.lastIndexOf('Reintegration ended (synchronize)'),
      );
      expect(await c().log('node2')).toMatch(/ I Begin of Swap/);
      // node2: ALONE -> PRIM as node1 joins, then the swap; node1: start as SECOND, then the swap.
      expect(await c().scripts('node2', from2)).toEqual([
        'stop_sec ALONE PRIM start',
        'transition ALONE PRIM start',
        'stop_prim PRIM SECOND swap',
        'stop_prim force PRIM SECOND swap',
        'transition PRIM SECOND swap',
        'start_second PRIM SECOND swap',
        'start_sec PRIM SECOND swap',
      ]);
      expect(await c().scripts('node1', from1)).toEqual([
        'transition STOP WAIT start',
        'prestart STOP WAIT start',
        'transition WAIT SECOND start',
        'start_both WAIT SECOND start',
        'start_second WAIT SECOND start',
        'start_sec WAIT SECOND start',
        'stop_sec SECOND PRIM swap',
        'stop_second SECOND PRIM swap',
        'transition SECOND PRIM swap',
        'start_prim SECOND PRIM swap',
      ]);
    });
  },
  { userconfig },
);
