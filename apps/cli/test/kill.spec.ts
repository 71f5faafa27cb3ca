import type { ProcessEntry } from '@keel/procs';
import { kill, type KillDeps } from '../src/commands/kill';
import { runCli } from '../src/cli';
import { recorder } from './recorder';

// keel kill (reference §5.10) on a process table the test writes: what it lists, what it signals,
// what it never touches.
const entry = (pid: number, comm: string, argv: string[], ppid = 1): ProcessEntry => ({
  pid,
  ppid,
  comm,
  start: pid * 10,
  argv,
});
const TABLE = [
  entry(1, 'systemd', ['/sbin/init']),
  entry(100, 'myapp', ['/opt/app/myapp', '--port', '8080']),
  entry(101, 'myapp', ['/opt/app/myapp', '--port', '9090']),
  entry(200, 'node', ['node', '/opt/keel/apps/admin/bin/keel-admin']),
  entry(201, 'keel-rfsd', ['/opt/keel/bin/keel-rfsd']),
  entry(202, 'nats-server', ['nats-server', '-c', '/etc/keel/bus/nats-server.conf']),
  entry(300, 'node', ['node', '-e', 'require("http").createServer()']),
  entry(999, 'node', ['node', '/opt/keel/apps/cli/bin/keel', 'kill']),
];

function twin(table: ProcessEntry[] = TABLE, dying: number[] = []) {
  const signals: string[] = [];
  let alive = [...table];
  const deps: KillDeps = {
    table: (argvFor) => alive.map((p) => ({ ...p, argv: argvFor(p.comm) ? p.argv : undefined })),
    signal: (pid, signal) => {
      signals.push(`${signal} ${pid}`);
      if (signal === 'SIGKILL' || dying.includes(pid)) alive = alive.filter((p) => p.pid !== pid);
    },
    sleep: async () => undefined,
    self: 999,
  };
  return { deps, signals };
}

async function run(args: string[], t = twin()) {
  const io = recorder();
  const code = await kill(args, io, t.deps);
  return { code, out: io.stdout, err: io.stderr, signals: t.signals };
}

describe('keel kill', () => {
  it('-level=test lists the matching processes as errdpoll_running does, and signals none', async () => {
    expect(await run(['-name=myapp', '-level=test'])).toEqual({
      code: 0,
      out: [
        '100 myapp /opt/app/myapp --port 8080 (parent=1)',
        '101 myapp /opt/app/myapp --port 9090 (parent=1)',
      ],
      err: [],
      signals: [],
    });
  });

  it('-level=test exits 1 when nothing matches', async () => {
    expect(await run(['-name=nothing', '-level=test'])).toMatchObject({
      code: 1,
      out: ['no process named nothing'],
    });
  });

  it.each([
    ['15', ['SIGTERM 101']],
    ['9', ['SIGKILL 101']],
  ])('-level=%s sends its signal to what -argregex selects', async (level, signals) => {
    const r = await run(['-name=myapp', '-argregex=--port 9090$', `-level=${level}`]);
    expect(r).toMatchObject({ code: 0, signals });
  });

  it('-level=terminate sends SIGTERM, then SIGKILL to what is still there after the grace', async () => {
    const r = await run(['-name=myapp', '-level=terminate'], twin(TABLE, [100]));
    expect(r.signals).toEqual(['SIGTERM 100', 'SIGTERM 101', 'SIGKILL 101']);
    expect(r.code).toBe(0);
  });

  it("never signals keel's own processes, nor itself, nor pid 1, and says so", async () => {
    const r = await run(['-name=node', '-level=9']);
    expect(r.signals).toEqual(['SIGKILL 300']);
    expect(r.err).toEqual([
      "keel kill: not 200 node: it is one of keel's own processes",
      'keel kill: not 999 node: it is this command',
    ]);
    expect(r.code).toBe(1);
    const more = await run(['-name=keel-rfsd', '-level=9']);
    const bus = await run(['-name=nats-server', '-level=9']);
    const init = await run(['-name=systemd', '-level=9']);
    expect([...more.signals, ...bus.signals, ...init.signals]).toEqual([]);
    expect([more.err, bus.err, init.err]).toEqual([
      ["keel kill: not 201 keel-rfsd: it is one of keel's own processes"],
      ["keel kill: not 202 nats-server: it is keel's node bus"],
      ['keel kill: not 1 systemd: pid 1 is never signalled'],
    ]);
  });

  it('a process gone before its signal is no failure', async () => {
    const t = twin();
    const gone = Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    const r = await run(['-name=myapp', '-level=15'], {
      ...t,
      deps: {
        ...t.deps,
        signal: () => {
          throw gone;
        },
      },
    });
    expect(r.code).toBe(0);
  });

  it.each([
    [['-level=test'], /kill needs -name=<command name>/],
    [['-name=x'], /kill needs -level=test\|terminate\|9\|15/],
    [['-name=x', '-level=3'], /kill needs -level=test\|terminate\|9\|15, not 3/],
    [
      ['-name=x', '-level=9', '-argregex=[[:nope:]]'],
      /-argregex '\[\[:nope:\]\]' is not a regular expression keel can match: unknown character class/,
    ],
    [['-name=x', '-level=9', 'extra'], /unexpected argument extra/],
    [['-name', 'x', '-level=9'], /unexpected argument -name/],
  ])('%j is a usage error (exit 2) that signals nothing', async (args, message) => {
    const io = recorder();
    expect(await runCli(['kill', ...args], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stderr.join('\n')).toMatch(
      /usage: keel kill -name=<command name> \[-argregex=<ERE>\] -level=test\|terminate\|9\|15/,
    );
  });
});
