import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnedHandler } from '../src/adapters/spawned-handler';
import type { HandlerLaunch } from '../src/ports/errd-handler.port';

// errd handlers as real processes: their exit, their output, and a handler past its bound killed
// with everything it started. Every process a test starts is gone by the end of it.
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-handler-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function handler(body: string, timeoutMs = 10_000): HandlerLaunch {
  const file = join(dir, 'handler');
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return {
    file,
    args: ['app', 'proc.app'],
    env: { PATH: '/usr/bin:/bin', GREETING: 'hi' },
    cwd: dir,
    logFile: join(dir, 'out.log'),
    timeoutMs,
  };
}

const alive = (pid: number) => {
  try {
    return !/^[ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1] ?? 'X');
  } catch {
    return false;
  }
};

test('exits with its code, its arguments and environment given, its output in its log', async () => {
  const end = await spawnedHandler.run(handler('echo "$1 $2 $GREETING $(pwd)"; exit 3')).done;
  expect(end).toEqual({ code: 3 });
  expect(readFileSync(join(dir, 'out.log'), 'utf8')).toBe(`app proc.app hi ${dir}\n`);
});

test('a handler past its bound is killed with what it started', async () => {
  const run = spawnedHandler.run(handler(`sleep 3600 & echo $! > ${dir}/child; wait`, 500));
  expect(await run.done).toEqual({ timedOut: true });
  const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
  for (let i = 0; i < 100 && alive(child); i++) await new Promise((r) => setTimeout(r, 20));
  expect(alive(child)).toBe(false);
});

test('a program that cannot run ends with why', async () => {
  const end = await spawnedHandler.run({ ...handler('exit 0'), file: join(dir, 'missing') }).done;
  // setpriv starts, and cannot execute the handler: its own exit status says so.
  expect(end).not.toEqual({ code: 0 });
});
