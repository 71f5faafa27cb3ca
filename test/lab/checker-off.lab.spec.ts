import { DEP_FLAG, LIGHT_WITH_FLAGCHECK } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 12, Done when 4 / reference §8.4 case 58: `checker off` persists across a restart of
// keel's admin and the module's start, and detections act no more: with the dependency down the
// module stays UP (Ready); `checker on` makes the same detection act at once.

mirrorScenario(
  'checker off',
  (c) => {
    test('checker off, a restart of admin, then a start: no checker runs and nothing acts', async () => {
      expect((await c().keel('node1', 'checker', 'off')).code).toBe(0);
      await c().lab.exec('node1', ['sh', '-c', `echo down > ${DEP_FLAG}`]);
      c().lab.kill('node1', 'keel-admin', 'SIGTERM');
      await c().startService('node1', 'admin');
      await c().waitAdmin('node1');
      expect((await c().keel('node1', 'start')).code).toBe(0);
      await c().waitState('node1', 'UP');
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await c().state('node1')).toBe('UP (Ready)');
      expect((await c().lab.exec('node1', ['pgrep', '-af', 'flagcheck'])).stdout).toBe('');
      expect((await c().keel('node1', 'get', '-r', 'usersetting.checker')).out).toMatch(/off/);
      expect((await c().keel('node1', 'get', '-r', 'custom.dep')).out).toMatch(/unknown/);
    });

    test('checker on: the checker starts, says down, and the module goes WAIT (NotReady)', async () => {
      expect((await c().keel('node1', 'checker', 'on')).code).toBe(0);
      await c().waitLog('node1', / I Action wait from failover rule c_dep/);
      await c().waitState('node1', 'WAIT');
      expect(await c().log('node1')).toMatch(/ I Action checker on called by root/);
    });
  },
  { userconfig: LIGHT_WITH_FLAGCHECK, running: false },
);
