import { DEP_FLAG, LIGHT_WITH_FLAGCHECK } from './checker-modules';
import { mirrorScenario } from './lab-scenario';

// Issue 10, Done when 4 and issue 12: a light module runs its checkers. A custom checker on an
// external dependency (the sample's flagcheck, `when="pre"`, action wait) says down: the module
// goes WAIT (NotReady) by its generated rule c_dep; it says up again: Implicit_wakeup, UP (Ready).

mirrorScenario(
  'light checkers',
  (c) => {
    test('started: the checker runs and says up, the module is UP (Ready)', async () => {
      expect((await c().keel('node1', 'start')).code).toBe(0);
      await c().waitState('node1', 'UP');
      await c().waitLog('node1', / I Resource custom\.dep set to up by flagcheck/);
      expect((await c().lab.exec('node1', ['pgrep', '-af', 'flagcheck'])).stdout).toMatch(
        /flagcheck mirror-demo custom\.dep 1/,
      );
    });

    test('the dependency down: WAIT (NotReady) by c_dep; back: Implicit_wakeup and UP (Ready)', async () => {
      await c().lab.exec('node1', ['sh', '-c', `echo down > ${DEP_FLAG}`]);
      await c().waitLog('node1', / I Action wait from failover rule c_dep/);
      await c().waitState('node1', 'WAIT');
      expect(await c().state('node1')).toBe('WAIT (NotReady)');
      await c().lab.exec('node1', ['sh', '-c', `echo up > ${DEP_FLAG}`]);
      await c().waitLog('node1', / I Action wakeup from failover rule Implicit_wakeup/);
      await c().waitState('node1', 'UP');
    });

    test('stop: the checker is stopped with the module', async () => {
      await c().keel('node1', 'stop');
      await c().waitState('node1', 'STOP');
      expect((await c().lab.exec('node1', ['pgrep', '-af', 'flagcheck'])).stdout).toBe('');
    });
  },
  { userconfig: LIGHT_WITH_FLAGCHECK, running: false },
);
