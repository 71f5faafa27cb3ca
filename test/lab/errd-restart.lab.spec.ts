import { applicationBack, errdUserconfig, killApplication } from './errd-module';
import { mirrorScenario } from './lab-scenario';

// Reference §8.4 case 43: errd watches the PRIM's application; killed, it is restarted in place
// (PRIM Transient -> PRIM Ready), the peer untouched.
mirrorScenario(
  'errd restart',
  (c) => {
    test('the application killed on the PRIM: errd restarts it, node1 stays PRIM and serves again', async () => {
      const before = await c().mark('node1');
      // errd has judged the application up once before the kill (see errd-maxloop).
      await c().waitLog('node1', / I Resource proc\.node set to up by errd$/, 30, 1);
      await killApplication('node1');
      // Three messages from errd, written by admin as each arrives: their order in the log is not
      // the point, each one is.
      await c().waitLog('node1', / I Action restart called by errd$/);
      await c().waitLog('node1', / E Process node not running$/);
      await c().waitLog('node1', / I Resource proc\.node set to down by errd$/);
      await c().waitState('node1', 'PRIM');
      await applicationBack('node1');
      expect(await c().scripts('node1', before)).toEqual([
        'stop_prim PRIM PRIM restart',
        'stop_prim force PRIM PRIM restart',
        'stop_both PRIM PRIM restart',
        'stop_both force PRIM PRIM restart',
        'start_both PRIM PRIM restart',
        'start_prim PRIM PRIM restart',
      ]);
      expect(await c().hit('node1')).toMatch(/^hello from node1 \(hit \d+\)$/);
      expect(await c().state('node2')).toBe('SECOND (Ready)');
      // Judged again after the restart: the new application is seen running.
      await c().waitLog('node1', / I Resource proc\.node set to up by errd$/, 30, 2);
    });
  },
  { userconfig: errdUserconfig('restart') },
);
