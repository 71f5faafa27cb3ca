import { errdUserconfig, killApplication } from './errd-module';
import { mirrorScenario } from './lab-scenario';

// Reference §8.4 case 44: with action="stopstart", the PRIM whose application dies stops and
// starts again; its peer takes over and it comes back as SECOND.
mirrorScenario(
  'errd stopstart',
  (c) => {
    test('the application killed on the PRIM: node2 becomes primary, node1 comes back SECOND', async () => {
      await killApplication('node1');
      await c().waitLog('node1', / I Action stopstart called by errd$/);
      await c().waitState('node2', 'PRIM', 40);
      await c().waitState('node1', 'SECOND', 40);
      const log = await c().log('node1');
      expect(log).toMatch(/ E Process node not running\n/);
      expect(log).toMatch(/ I Action start called automatically\n/);
      expect(await c().hit('node2')).toMatch(/^hello from node2 \(hit \d+\)$/);
    });
  },
  { userconfig: errdUserconfig('stopstart') },
);
