// `systemctl is-active <unit>`, by its absolute path and without a shell (the unit name is the
// configuration's, run as root): a unit name keel would not accept is not passed at all.
import { execFile } from 'node:child_process';
import { systemdUnitProblem } from '@keel/config';
import type { SystemdUnitsPort, UnitState } from '../ports/systemd-units.port';

const SYSTEMCTL = '/usr/bin/systemctl';
const TIMEOUT_MS = 5_000;
/** is-active's answers for a unit that runs (a reload keeps it running). */
const RUNNING = new Set(['active', 'reloading']);

export const systemctlUnits: SystemdUnitsPort = {
  state(unit: string): Promise<UnitState> {
    const problem = systemdUnitProblem(unit);
    if (problem) return Promise.resolve({ error: problem });
    return new Promise((resolve) => {
      execFile(SYSTEMCTL, ['is-active', '--', unit], { timeout: TIMEOUT_MS }, (err, stdout) => {
        const answer = String(stdout).trim();
        // Exit 3 with an answer (inactive, failed, activating...) is a unit that does not run.
        if (answer !== '' && !(err && (err.killed || typeof err.code !== 'number')))
          return resolve({ active: RUNNING.has(answer) });
        resolve({ error: err ? err.message : 'no answer' });
      });
    });
  },
};
