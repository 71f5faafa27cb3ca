import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessScriptRunner } from '../src/adapters/process-script-runner';

// Module scripts as real processes: output to the userlog, a timeout kills the whole process
// group, missing scripts are skipped, a file that cannot run is reported.
let bin: string;
const runner = new ProcessScriptRunner();
const run = (name: string, timeoutMs = 10_000, userlog?: string) =>
  runner.run(
    {
      module: 'm',
      name,
      args: ['STOP', 'WAIT', 'start'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hi' },
      timeoutMs,
      userlog,
    },
    bin,
  );

function script(name: string, body: string, mode = 0o755): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), mode);
}

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'keel-scripts-'));
});
afterEach(() => rmSync(bin, { recursive: true, force: true }));

test('arguments and environment reach the script; stdout and stderr go to the userlog', async () => {
  script('start_prim', 'echo "args: $*, greeting: $GREETING"; echo oops >&2; exit 3');
  const userlog = join(bin, 'start_prim.ulog');
  expect(await run('start_prim', 10_000, userlog)).toEqual({ code: 3, missing: false, timedOut: false });
  expect(readFileSync(userlog, 'utf8')).toBe('args: STOP WAIT start, greeting: hi\noops\n');
});

test('logging="none": no userlog file', async () => {
  script('transition', 'echo quiet');
  expect((await run('transition')).code).toBe(0);
  expect(existsSync(join(bin, 'transition.ulog'))).toBe(false);
});

test('a script past its timeout is killed with everything it started', async () => {
  script('stop_prim', `sleep 60 & echo $! > "${bin}/child.pid"; wait`);
  const r = await run('stop_prim', 300);
  expect(r).toEqual({ code: 124, missing: false, timedOut: true });
  const child = Number(readFileSync(join(bin, 'child.pid'), 'utf8'));
  // Dead means gone or a zombie waiting for init to reap it; SIGKILL is delivered at once.
  const state = existsSync(`/proc/${child}/stat`)
    ? readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.[0]
    : 'gone';
  expect(['gone', 'Z', 'X']).toContain(state);
});

test('a missing script is skipped and a non-executable one reported', async () => {
  expect(await run('poststop')).toEqual({ code: 0, missing: true, timedOut: false });
  script('prestart', 'exit 0', 0o644);
  expect(await run('prestart')).toEqual({ code: 126, missing: false, timedOut: false });
});
