import { applicationBack, errdUserconfig, killApplication } from './errd-module';
import { mirrorScenario } from './lab-scenario';

// Issue 12, Done when 4 / reference §5.10: `errd off` persists across a restart of keel's admin
// and makes errd's detections act no more; `errd on` acts at once. `errd disable prim` suspends
// the class the same way until `errd enable prim`.
const idle = () => new Promise((r) => setTimeout(r, 3_000));

mirrorScenario(
  'errd off',
  (c) => {
    test('errd off on node2, its admin restarted, node2 made primary: the application killed stays dead', async () => {
      expect((await c().keel('node2', 'errd', 'off')).code).toBe(0);
      c().lab.kill('node2', 'keel-admin', 'SIGTERM');
      await c().startService('node2', 'admin');
      await c().waitAdmin('node2');
      // keel's restart starts the module again: SECOND beside node1, then the roles are swapped.
      await c().waitState('node2', 'SECOND', 30);
      await c().waitState('node1', 'PRIM', 30);
      expect((await c().keel('node1', 'swap')).code).toBe(0);
      await c().waitState('node2', 'PRIM', 30);
      await applicationBack('node2');
      expect((await c().keel('node2', 'get', '-r', 'usersetting.errd')).out).toMatch(/off/);
      await killApplication('node2');
      await idle();
      expect(await c().log('node2')).not.toMatch(/Action restart called by errd/);
      expect(await c().state('node2')).toBe('PRIM (Ready)');
    });

    test('errd on: the dead application is detected and restarted', async () => {
      expect((await c().keel('node2', 'errd', 'on')).code).toBe(0);
      await c().waitLog('node2', / I Action restart called by errd$/);
      await applicationBack('node2');
      await c().waitState('node2', 'PRIM');
    });

    test('errd disable prim suspends the class until errd enable prim', async () => {
      // errd has seen the restarted application before the class is suspended.
      for (const until = Date.now() + 20_000; Date.now() < until;) {
        if ((await c().keel('node2', 'get', '-r', 'proc.node')).out.includes('up')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect((await c().keel('node2', 'errd', 'disable', 'prim')).code).toBe(0);
      await killApplication('node2');
      await idle();
      expect((await c().log('node2')).match(/Action restart called by errd/g)).toHaveLength(1);
      expect((await c().keel('node2', 'errd', 'enable', 'prim')).code).toBe(0);
      await c().waitLog('node2', / I Action restart called by errd$/, 30, 2);
      await applicationBack('node2');
    });
  },
  { userconfig: errdUserconfig('restart') },
);
