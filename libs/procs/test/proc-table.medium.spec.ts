import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procSelector, readProcessTable, selects, ProcTableError } from '../src';

// The /proc scan against real processes this file starts (and kills after, whatever happened):
// names, arguments read only when asked, a long name cut by the kernel, a zombie left out; and
// against a made-up /proc whose processes end during the scan.
const token = `${process.pid}${Date.now() % 100_000}`;
const dir = mkdtempSync(join(tmpdir(), 'keel-procs-'));
const started: ChildProcess[] = [];

function start(file: string, args: string[]): ChildProcess {
  const child = spawn(file, args, { stdio: 'ignore' });
  started.push(child);
  return child;
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not happen`);
}

const stateOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
};

let sleepers: ChildProcess[];
let long: ChildProcess;
let zombieParent: ChildProcess;
let zombie: number;

beforeAll(async () => {
  sleepers = [1, 2, 3].map((i) => start('/bin/sleep', [`3600.${token}${i}`]));
  const longName = join(dir, 'keel-procs-test-sleeper');
  copyFileSync('/bin/sleep', longName);
  long = start(longName, [`3601.${token}`]);
  // The shell's child `sleep 0` ends under a parent (the exec'd sleep) that never reaps it.
  zombieParent = start('/bin/sh', ['-c', `sleep 0 & exec /bin/sleep 3602.${token}`]);
  await until(() => {
    const kids = readFileSync(`/proc/${zombieParent.pid}/task/${zombieParent.pid}/children`, 'utf8');
    const first = Number(kids.trim().split(' ')[0]);
    if (first > 0 && stateOf(first) === 'Z') zombie = first;
    return zombie !== undefined;
  }, 'the zombie');
});

afterAll(() => {
  for (const c of started) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('finds the sleepers by name with their arguments when asked', () => {
  const table = readProcessTable({ argvFor: (comm) => comm === 'sleep' });
  const mine = table.filter((p) => p.argv?.[1]?.includes(`.${token}`));
  expect(mine.map((p) => p.pid).sort()).toEqual([...sleepers.map((s) => s.pid), zombieParent.pid].sort());
  const first = mine.find((p) => p.pid === sleepers[0]!.pid)!;
  expect(first).toMatchObject({ comm: 'sleep', ppid: process.pid, argv: ['/bin/sleep', `3600.${token}1`] });
  expect(first.start).toBeGreaterThan(0);

  const selector = procSelector({ name: 'sleep', argregex: `^/bin/sleep 3600[.]${token}[0-9]$` });
  expect(table.filter((p) => selects(selector, p))).toHaveLength(3);
});

test('reads no arguments it was not asked for', () => {
  const table = readProcessTable();
  const p = table.find((x) => x.pid === sleepers[0]!.pid);
  expect(p).toMatchObject({ comm: 'sleep', argv: undefined });
});

test('knows a long name by the 15 characters the kernel keeps', () => {
  const table = readProcessTable({ argvFor: () => true });
  const p = table.find((x) => x.pid === long.pid)!;
  expect(p.comm).toBe('keel-procs-test');
  expect(table.filter((x) => selects(procSelector({ name: 'keel-procs-test-sleeper' }), x))).toEqual([p]);
});

test('leaves a zombie out', () => {
  expect(stateOf(zombie)).toBe('Z');
  expect(readProcessTable().some((p) => p.pid === zombie)).toBe(false);
});

test('skips the processes that end during the scan', () => {
  const fake = join(dir, 'proc');
  const stat = (pid: number, comm: string) =>
    `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${pid * 10} 0 0\n`;
  const make = (pid: number, files: Record<string, string>) => {
    mkdirSync(join(fake, String(pid)), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(fake, String(pid), f), text);
  };
  make(100, { stat: stat(100, 'app'), cmdline: 'app\0-x\0' });
  make(101, {}); // gone before its stat was read
  make(102, { stat: stat(102, 'app') }); // gone before its cmdline was read
  make(103, { stat: 'truncated' });
  make(104, { stat: stat(104, 'other') });
  mkdirSync(join(fake, 'self'));
  const table = readProcessTable({ procDir: fake, argvFor: (comm) => comm === 'app' });
  expect(table).toEqual([
    { pid: 100, ppid: 1, comm: 'app', start: 1000, argv: ['app', '-x'] },
    { pid: 104, ppid: 1, comm: 'other', start: 1040, argv: undefined },
  ]);
});

test('a /proc it cannot list is an error that says so', () => {
  expect(() => readProcessTable({ procDir: join(dir, 'nowhere') })).toThrow(ProcTableError);
  expect(() => readProcessTable({ procDir: join(dir, 'nowhere') })).toThrow(/cannot list .*nowhere/);
});
