// keel logsave and keel clean log on a node's real files: logsave writes the module log across its
// rotated files, oldest first (verbose lines with -A only), 0600, to an absolute path only; clean
// log refuses while admin says the module runs, and otherwise removes the log files (a link among
// them is removed, never what it points to).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../apps/cli/src/cli';
import { support, type SupportAdmin } from '../../apps/cli/src/commands/support';
import { NodeFixture } from './node-fixture';

let node: NodeFixture;
let outside: string;
let varDir: string;
const line = (t: string, level: string, text: string) => `2026-12-08 01:00:0${t}.000 ${level} ${text}\n`;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env: node.env('nats://127.0.0.1:1'),
    },
  };
}
const admin = (state: string | undefined): SupportAdmin => ({
  state: () => Promise.resolve(state),
  stateText: () => Promise.resolve(''),
});

beforeAll(() => {
  node = new NodeFixture('demo', '<safe><service mode="mirror"><user/></service></safe>');
  outside = mkdtempSync(join(tmpdir(), 'keel-outside-'));
  varDir = join(node.var, 'modules', 'demo');
  mkdirSync(varDir, { recursive: true });
  writeFileSync(join(varDir, 'module.log.1'), line('1', 'I', 'first') + line('2', 'V', 'verbose one'));
  writeFileSync(join(varDir, 'module.log.2'), line('3', 'I', 'second'));
  writeFileSync(join(varDir, 'module.log'), line('4', 'E', 'third') + line('5', 'V', 'verbose two'));
});

afterAll(() => {
  node?.remove();
  rmSync(outside, { recursive: true, force: true });
});

test('logsave, then clean log refused while the module runs and done once it is stopped', async () => {
  const a = io();
  expect(await runCli(['logsave', '-m', 'demo', 'demo.log'], a.io)).toBe(2);
  expect(a.err.join('\n')).toContain('"demo.log" is a relative path');

  const plain = join(outside, 'demo.log');
  expect(await runCli(['logsave', '-m', 'demo', plain], io().io)).toBe(0);
  expect(readFileSync(plain, 'utf8')).toBe(
    line('1', 'I', 'first') + line('3', 'I', 'second') + line('4', 'E', 'third'),
  );
  expect(statSync(plain).mode & 0o777).toBe(0o600);
  const all = join(outside, 'demo-verbose.log');
  expect(await runCli(['logsave', '-m', 'demo', '-A', all], io().io)).toBe(0);
  expect(readFileSync(all, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);

  writeFileSync(join(outside, 'precious'), 'keep me');
  symlinkSync(join(outside, 'precious'), join(varDir, 'module.log.3'));
  const running = io();
  expect(await support('clean', ['log', '-m', 'demo'], running.io, admin('PRIM'))).toBe(1);
  expect(running.err).toEqual(['keel clean: demo is PRIM; stop it first (keel stop -m demo)']);
  expect(readdirSync(varDir).sort()).toEqual(['module.log', 'module.log.1', 'module.log.2', 'module.log.3']);

  const stopped = io();
  expect(await support('clean', ['log', '-m', 'demo'], stopped.io, admin('STOP'))).toBe(0);
  expect(stopped.out).toEqual(['demo: removed module.log, module.log.1, module.log.2, module.log.3']);
  expect(readdirSync(varDir)).toEqual([]);
  expect(readFileSync(join(outside, 'precious'), 'utf8')).toBe('keep me');

  const other = io();
  expect(await runCli(['clean', 'process', '-m', 'demo'], other.io)).toBe(2);
  expect(other.err.join('\n')).toMatch(/only 'keel clean log' is offered/);
  expect(existsSync(varDir)).toBe(true);
});
