import { spawn, type ChildProcess } from 'node:child_process';
import { runCli } from '../src/cli';
import { recorder } from './recorder';

// keel kill on real processes this file starts (and kills after, whatever happened): the /proc
// scan and the signals of the command itself.
const token = `${process.pid}${Date.now() % 100_000}`;
const started: ChildProcess[] = [];
const exits = new Map<number, Promise<NodeJS.Signals | null>>();

function sleeper(seconds: string): ChildProcess {
  const child = spawn('/bin/sleep', [seconds], { stdio: 'ignore' });
  started.push(child);
  exits.set(child.pid!, new Promise((r) => child.once('exit', (_code, signal) => r(signal))));
  return child;
}

afterAll(() => {
  for (const c of started) c.kill('SIGKILL');
});

async function keel(...args: string[]) {
  const io = recorder();
  const code = await runCli(['kill', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

test('lists, then terminates, only the processes its argregex selects', async () => {
  const a = sleeper(`3600.${token}1`);
  const b = sleeper(`3600.${token}2`);
  await Promise.all([a, b].map((c) => new Promise((r) => c.once('spawn', r))));

  const listed = await keel('-name=sleep', `-argregex=^/bin/sleep 3600[.]${token}[12]$`, '-level=test');
  expect(listed.code).toBe(0);
  expect(listed.out).toEqual([
    `${a.pid} sleep /bin/sleep 3600.${token}1 (parent=${process.pid})`,
    `${b.pid} sleep /bin/sleep 3600.${token}2 (parent=${process.pid})`,
  ]);

  const killed = await keel('-name=sleep', `-argregex=3600[.]${token}1$`, '-level=terminate');
  expect(killed).toMatchObject({ code: 0, err: [] });
  expect(await exits.get(a.pid!)).toBe('SIGTERM');
  expect(b.exitCode).toBeNull();
  expect(b.signalCode).toBeNull();

  expect((await keel('-name=sleep', `-argregex=3600[.]${token}2$`, '-level=9')).code).toBe(0);
  expect(await exits.get(b.pid!)).toBe('SIGKILL');
  expect((await keel('-name=sleep', `-argregex=3600[.]${token}[12]$`, '-level=test')).code).toBe(1);
});
