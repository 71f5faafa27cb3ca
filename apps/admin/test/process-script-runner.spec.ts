import {
  chmodSync,
  mkdirSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveNativeBinary } from '@keel/runtime';
import { ProcessFence } from '../src/adapters/process-fence';
import { ProcessScriptRunner } from '../src/adapters/process-script-runner';
import { Fence } from '../src/ports/fence.port';

// Module scripts as real processes inside a real fence (keel-fence, docs/decisions/0013): output
// to the userlog, a timeout kills the whole process group, missing scripts are skipped, a file
// that cannot run is reported, and what a script leaves running ends with the fence.
let bin: string;
let fence: Fence;
const lost: string[] = [];
const runner = new ProcessScriptRunner();
beforeAll(async () => {
  fence = await new ProcessFence(resolveNativeBinary('keel-fence', process.env)).open({
    module: 'm',
    dirs: [],
    vips: [],
    onLost: (reason) => lost.push(reason),
  });
});
afterAll(() => fence.close());
const run = (name: string, timeoutMs = 10_000, userlog?: string) =>
  runner.run(
    {
      module: 'm',
      name,
      args: ['STOP', 'WAIT', 'start'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hi' },
      timeoutMs,
      userlog,
      fence: fence.pid,
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
  // A duration no other process has: the child is found by it from this side of the fence.
  const marker = `60.${process.pid}${Date.now() % 100000}`;
  script('stop_prim', `sleep ${marker} & wait`);
  const r = await run('stop_prim', 300);
  expect(r).toEqual({ code: 124, missing: false, timedOut: true });
  // Dead means gone or a zombie waiting to be reaped; SIGKILL is delivered at once.
  const living = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const alive = !/^[ZX]/.test(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1] ?? '');
        return alive && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
  expect(living).toEqual([]);
});

test('a missing script is skipped and a non-executable one reported', async () => {
  expect(await run('poststop')).toEqual({ code: 0, missing: true, timedOut: false });
  script('prestart', 'exit 0', 0o644);
  expect(await run('prestart')).toEqual({ code: 126, missing: false, timedOut: false });
});

test("a script runs in the fence's namespaces: its first process is pid 1 there", async () => {
  script('start_prim', `cat /proc/1/comm > "${bin}/first"; pwd > "${bin}/wd"`);
  expect((await run('start_prim')).code).toBe(0);
  expect(readFileSync(join(bin, 'first'), 'utf8')).toBe('keel-fence\n');
  expect(readFileSync(join(bin, 'wd'), 'utf8')).toBe(`${bin}\n`);
});

test('what a script leaves running ends with its fence, and an asked end is no loss', async () => {
  const own = await new ProcessFence(resolveNativeBinary('keel-fence', process.env)).open({
    module: 'm',
    dirs: [],
    vips: [],
    onLost: (reason) => lost.push(reason),
  });
  script('start_prim', `setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $! > "${bin}/app.pid"`);
  expect(
    (
      await runner.run(
        {
          module: 'm',
          name: 'start_prim',
          args: [],
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          timeoutMs: 10_000,
          userlog: undefined,
          fence: own.pid,
        },
        bin,
      )
    ).code,
  ).toBe(0);
  // The app as this node numbers it: the child of the fence's first process, once setsid has
  // become sleep.
  let app: number | undefined;
  for (const until = Date.now() + 5_000; app === undefined && Date.now() < until;) {
    app = childrenOf(own.pid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n');
    if (app === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  expect(app).toBeDefined();
  await own.close();
  expect(existsSync(`/proc/${app}/stat`)).toBe(false);
  expect(lost).toEqual([]);
});

function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

test("nsenter is admin's own, whatever PATH the module gives its scripts", async () => {
  // A PATH whose first directory holds an `nsenter` of someone else's: it must not run.
  const trap = join(bin, 'trap');
  mkdirSync(trap);
  writeFileSync(join(trap, 'nsenter'), `#!/bin/sh\ntouch "${bin}/trapped"\n`);
  chmodSync(join(trap, 'nsenter'), 0o755);
  script('start_prim', `cat /proc/1/comm > "${bin}/first"`);
  const env = { PATH: `${trap}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const r = await runner.run(
    {
      module: 'm',
      name: 'start_prim',
      args: [],
      env,
      timeoutMs: 10_000,
      userlog: undefined,
      fence: fence.pid,
    },
    bin,
  );
  expect(r.code).toBe(0);
  expect(existsSync(join(bin, 'trapped'))).toBe(false);
  expect(readFileSync(join(bin, 'first'), 'utf8')).toBe('keel-fence\n');
});
