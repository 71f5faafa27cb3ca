import { ScriptRun, ScriptRunner } from '../../src/ports/script-runner.port';

/** The script runner's in-memory twin: records each run, every script exits 0. */
export class RecordingRunner implements ScriptRunner {
  readonly runs: ScriptRun[] = [];
  run(r: ScriptRun) {
    this.runs.push(r);
    return Promise.resolve({ code: 0, missing: false, timedOut: false });
  }
}
