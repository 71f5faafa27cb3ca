import { applicationBack, errdUserconfig, killApplication } from './errd-module';
import { mirrorScenario } from './lab-scenario';

// Reference §8.4 case 45: the 4th errd restart within loop_interval (24 h by default) is one too
// many: the module stops on node1 and node2 takes over.
mirrorScenario(
  'errd maxloop',
  (c) => {
    test('three restarts by errd, then the 4th detection stops node1 and node2 goes ALONE', async () => {
      // errd has judged the application up once before the first kill (a fast first
      // synchronisation can bring the pair up before errd's first poll).
      await c().waitLog('node1', / I Resource proc\.node set to up by errd$/, 30, 1);
      for (let round = 1; round <= 3; round++) {
        await killApplication('node1');
        await c().waitLog('node1', / I Action restart called by errd$/, 30, round);
        await c().waitState('node1', 'PRIM');
        await applicationBack('node1');
        // errd has judged the new application (up) before the next kill.
        await c().waitLog('node1', / I Resource proc\.node set to up by errd$/, 30, round + 1);
      }
      await killApplication('node1');
      const log = await c().waitLog('node1', / I Action stop called by maxloop$/);
      expect(log.split('\n').filter((l) => / I Action restart called by errd$/.test(l))).toHaveLength(4);
      await c().waitState('node1', 'STOP', 30);
      await c().waitState('node2', 'ALONE', 30);
      expect(await c().hit('node2')).toMatch(/^hello from node2 \(hit \d+\)$/);
    }, 180_000);
  },
  { userconfig: errdUserconfig('restart') },
);
