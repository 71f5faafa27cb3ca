// `keel kill -name=<n> [-argregex=<re>] -level=test|terminate|9|15` (reference §5.10, §6.6): the
// processes errd's <proc name argregex> would count, listed (test) or signalled. The same /proc
// scan and selector as errd (libs/procs). Never pid 1, this command itself, nor keel's own
// processes (its services, its native daemons, the node's bus): those are said and skipped.
import { basename } from 'node:path';
import { EreError } from '@keel/config';
import {
  commSelected,
  procSelector,
  readProcessTable,
  selects,
  type ProcessEntry,
  type ProcSelector,
} from '@keel/procs';
import { CliIo, EXIT, UsageError } from '../io';

export const KILL_USAGE =
  'usage: keel kill -name=<command name> [-argregex=<ERE>] -level=test|terminate|9|15';

/** How long `terminate` lets SIGTERM work before SIGKILL. */
export const TERMINATE_GRACE_MS = 3_000;
const LEVELS = ['test', 'terminate', '9', '15'] as const;
type Level = (typeof LEVELS)[number];

export interface KillDeps {
  readonly table: (argvFor: (comm: string) => boolean) => readonly ProcessEntry[];
  readonly signal: (pid: number, signal: NodeJS.Signals) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /** This command's own pid. */
  readonly self: number;
}

export const nodeKillDeps: KillDeps = {
  table: (argvFor) => readProcessTable({ argvFor }),
  signal: (pid, signal) => process.kill(pid, signal),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  self: process.pid,
};

export async function kill(
  args: readonly string[],
  io: CliIo,
  deps: KillDeps = nodeKillDeps,
): Promise<number> {
  const { selector, level, what } = parseKill(args);
  const matched = deps.table((comm) => commSelected(selector, comm)).filter((p) => selects(selector, p));
  const refused = matched.filter((p) => whyNot(p, deps.self) !== undefined);
  const targets = matched.filter((p) => !refused.includes(p));
  for (const p of refused) io.err(`keel kill: not ${p.pid} ${p.comm}: ${whyNot(p, deps.self)}`);
  if (level === 'test') {
    for (const p of targets) io.out(describe(p));
    if (matched.length === 0) io.out(`no process ${what}`);
    return targets.length > 0 ? EXIT.ok : EXIT.invalid;
  }
  if (targets.length === 0 && refused.length === 0) io.out(`no process ${what}`);
  const signal: NodeJS.Signals = level === '9' ? 'SIGKILL' : 'SIGTERM';
  let failed = send(targets, signal, io, deps);
  if (level === 'terminate') failed += await finish(targets, io, deps);
  return failed > 0 || refused.length > 0 ? EXIT.invalid : EXIT.ok;
}

/** Throws UsageError, which says what is allowed. */
function parseKill(args: readonly string[]): { selector: ProcSelector; level: Level; what: string } {
  const given: Record<string, string> = {};
  for (const a of args) {
    const [, key, value] = /^-(name|argregex|level)=(.*)$/s.exec(a) ?? [];
    if (key === undefined || value === undefined)
      throw new UsageError(`unexpected argument ${a}\n${KILL_USAGE}`);
    given[key] = value;
  }
  const { name, argregex, level } = given;
  if (!name) throw new UsageError(`kill needs -name=<command name>\n${KILL_USAGE}`);
  if (!LEVELS.includes(level as Level))
    throw new UsageError(
      `kill needs -level=${LEVELS.join('|')}${level === undefined ? '' : `, not ${level}`}\n${KILL_USAGE}`,
    );
  try {
    const what = `named ${name}${argregex === undefined ? '' : ` with arguments matching ${argregex}`}`;
    return { selector: procSelector({ name, argregex }), level: level as Level, what };
  } catch (e) {
    if (!(e instanceof EreError)) throw e;
    throw new UsageError(
      `-argregex '${argregex}' is not a regular expression keel can match: ${e.message}\n${KILL_USAGE}`,
    );
  }
}

/** Why keel kill does not signal this process; undefined when it may. */
function whyNot(p: ProcessEntry, self: number): string | undefined {
  if (p.pid === 1) return 'pid 1 is never signalled';
  if (p.pid === self) return 'it is this command';
  const argv = p.argv ?? [];
  const keelProgram = argv.slice(0, 2).some((a) => /^keel(-[a-z]+)?$/.test(basename(a)));
  if (p.comm.startsWith('keel-') || keelProgram) return "it is one of keel's own processes";
  if (argv.some((a) => a.endsWith('/bus/nats-server.conf'))) return "it is keel's node bus";
  return undefined;
}

function send(targets: readonly ProcessEntry[], signal: NodeJS.Signals, io: CliIo, deps: KillDeps): number {
  let failed = 0;
  for (const p of targets) {
    try {
      deps.signal(p.pid, signal);
      io.out(`${signal} ${describe(p)}`);
    } catch (e) {
      // Gone since the scan: what was asked is done.
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') continue;
      io.err(`keel kill: ${signal} to ${p.pid} failed: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed;
}

/** `terminate`: those still there (same pid, same start) after the grace get SIGKILL. */
async function finish(targets: readonly ProcessEntry[], io: CliIo, deps: KillDeps): Promise<number> {
  const key = (p: ProcessEntry) => `${p.pid}@${p.start}`;
  const wanted = new Set(targets.map(key));
  let left: ProcessEntry[] = [...targets];
  for (let waited = 0; left.length > 0 && waited < TERMINATE_GRACE_MS; waited += 100) {
    await deps.sleep(100);
    const alive = new Set(deps.table(() => false).map(key));
    left = left.filter((p) => wanted.has(key(p)) && alive.has(key(p)));
  }
  return send(left, 'SIGKILL', io, deps);
}

/** As SafeKit's errdpoll_running lists a process: `<pid> <name> <command line> (parent=<ppid>)`. */
function describe(p: ProcessEntry): string {
  return `${p.pid} ${p.comm} ${(p.argv ?? []).join(' ')} (parent=${p.ppid})`;
}
