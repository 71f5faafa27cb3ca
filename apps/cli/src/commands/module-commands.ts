import { CommandName, LoopReport, ModuleCommand, StateReport } from '@keel/bus';
import { installedModuleNames, nodePaths, type NodeEnv } from '@keel/config';
import { STATE_EXIT_CODE } from '@keel/engine';
import { parseArgs } from '../args';
import { AdminClient, CommandFailed } from '../admin-client';
import { CliIo, EXIT, UsageError } from '../io';
import { parseLogPage, tailLog } from './log-tail';
import { RFS_COMMANDS, rfsCommand } from './rfs-commands';

/** Entries `keel log` prints without -s, as `safekit log` (SafeKit User's Guide, chapter 9). */
export const DEFAULT_LOG_ENTRIES = 300;

/** Exit code when the node's keel services cannot be reached (distinct from a refusal). */
export const EXIT_UNREACHABLE = 3;

export interface ModuleCommandContext {
  readonly io: CliIo;
  /** This node's admin on the bus, or a node's web service (keel -H). */
  readonly admin: Pick<AdminClient, 'send'>;
  readonly installed: () => string[];
  readonly sleep: (ms: number) => Promise<void>;
}

const LIFECYCLE: Record<string, string> = {
  start: 'start the module',
  stop: 'stop the module',
  restart: 'restart the application scripts, no failover',
  stopstart: 'stop then start again',
  forcestop: 'stop at once',
  prim: 'start as primary [fullsync]',
  second: 'start as secondary [fullsync]',
  swap: 'exchange primary and secondary [nosync]',
  primforce: 'start as primary after an interrupted reintegration',
};

export const MODULE_COMMANDS = [
  ...Object.keys(LIFECYCLE),
  'waitstart',
  'waitstop',
  'waitstate',
  'state',
  'log',
  'logview',
  'get',
  'set',
  'printi',
  'printe',
  'failover',
  'boot',
  'errd',
  'checker',
  'farm',
  'incloop',
  'resetloop',
  'checkloop',
  ...RFS_COMMANDS,
];

/** The modules installed on this node, as every node service finds them. */
export function installedModules(env: NodeEnv): string[] {
  return installedModuleNames(nodePaths(env).modulesDir).names;
}

/** `-m AM`, else KEEL_MODULE / SAFEMODULE (set inside module scripts). */
function moduleOf(options: Readonly<Record<string, string | true>>, io: CliIo, usage: string): string {
  const m = options['-m'] ?? io.env.KEEL_MODULE ?? io.env.SAFEMODULE;
  if (typeof m !== 'string')
    throw new UsageError(`no module: give -m <module> (or set KEEL_MODULE)\n${usage}`);
  return m;
}

/** Runs one module command; returns the exit code. */
export async function runModuleCommand(
  name: string,
  args: readonly string[],
  ctx: ModuleCommandContext,
): Promise<number> {
  try {
    return await dispatch(name, args, ctx);
  } catch (e) {
    if (!(e instanceof CommandFailed)) throw e;
    ctx.io.err(`keel ${name}: ${e.message}`);
    return e.kind === 'unreachable' ? EXIT_UNREACHABLE : EXIT.invalid;
  }
}

async function dispatch(name: string, args: readonly string[], ctx: ModuleCommandContext): Promise<number> {
  const { io, admin } = ctx;
  const send = (module: string, command: CommandName, cargs: string[], identity?: string) => {
    // Without -i, admin names the caller after the CLI's bus credential (root's), as SafeKit's
    // `called by SYSTEM/root` does (reference §2.3); the message does not say who asks.
    const c: ModuleCommand = { module, name: command, args: cargs, ...(identity ? { identity } : {}) };
    return admin.send(c);
  };

  if (RFS_COMMANDS.includes(name)) return rfsCommand(name, args, ctx, moduleOf);
  if (name in LIFECYCLE) {
    const usage = `usage: keel ${name} -m <module> [-i <identity>]${['prim', 'second'].includes(name) ? ' [fullsync]' : name === 'swap' ? ' [nosync]' : ''}`;
    const p = parseArgs(args, ['-m', '-i'], [], usage);
    const extra = name === 'swap' ? ['nosync'] : ['prim', 'second'].includes(name) ? ['fullsync'] : [];
    const bad = p.positional.find((a) => !extra.includes(a));
    if (bad) throw new UsageError(`unexpected argument ${bad}\n${usage}`);
    const detail = await send(
      moduleOf(p.options, io, usage),
      name as CommandName,
      [...p.positional],
      str(p.options['-i']),
    );
    io.out(detail);
    return EXIT.ok;
  }

  switch (name) {
    case 'state': {
      const usage = 'usage: keel state [-m <module>] [-v | -lq]';
      const p = parseArgs(args, ['-m'], ['-v', '-lq'], usage);
      if (p.positional.length > 0) throw new UsageError(usage);
      const explicit = p.options['-m'] ?? io.env.KEEL_MODULE ?? io.env.SAFEMODULE;
      const modules = typeof explicit === 'string' ? [explicit] : ctx.installed();
      if (p.options['-lq'] && modules.length !== 1)
        throw new UsageError(`-lq needs one module (-m)\n${usage}`);
      for (const m of modules) {
        const r = JSON.parse(await send(m, 'state', [])) as StateReport;
        if (p.options['-lq']) {
          io.out(r.state);
          return r.exitCode;
        }
        io.out(`${r.module}: ${r.state} (${r.readiness})  remote: ${r.remote}`);
        if (p.options['-v']) {
          for (const [k, v] of Object.entries(r.resources))
            io.out(`  ${k.padEnd(28)} ${v.value.padEnd(14)} ${v.since}  by ${v.by}`);
        }
      }
      return EXIT.ok;
    }
    case 'waitstart':
    case 'waitstop':
    case 'waitstate': {
      const usage = `usage: keel ${name} -m <module>${name === 'waitstate' ? ' <STOP|WAIT|ALONE|UP|PRIM|SECOND>' : ''} [-t <seconds>]`;
      const p = parseArgs(args, ['-m', '-t'], [], usage);
      const target = name === 'waitstate' ? p.positional[0] : undefined;
      if (name === 'waitstate' && (!target || !(target in STATE_EXIT_CODE) || p.positional.length !== 1))
        throw new UsageError(usage);
      if (name !== 'waitstate' && p.positional.length > 0) throw new UsageError(usage);
      const seconds = p.options['-t'] === undefined ? 600 : Number(p.options['-t']);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new UsageError(`-t takes a number of seconds\n${usage}`);
      return waitFor(ctx, moduleOf(p.options, io, usage), name, target, seconds * 1000);
    }
    case 'log':
    case 'logview': {
      // SafeKit's `-s nb` (default 300 entries) and `-A` (the verbose log) beside keel's -v.
      const usage = `usage: keel ${name} -m <module> [-s <entries>] [-v | -A]`;
      const p = parseArgs(args, ['-m', '-s'], ['-v', '-A'], usage);
      if (p.positional.length > 0) throw new UsageError(usage);
      const count = p.options['-s'] === undefined ? DEFAULT_LOG_ENTRIES : Number(p.options['-s']);
      if (!Number.isSafeInteger(count) || count < 1)
        throw new UsageError(`-s takes a number of entries, at least 1\n${usage}`);
      const module = moduleOf(p.options, io, usage);
      const verbose = name === 'logview' || p.options['-v'] === true || p.options['-A'] === true;
      const lines = await tailLog(async (older, n) => {
        const cargs = [...(verbose ? ['-v'] : []), '-s', String(n), ...(older ? ['-b', older] : [])];
        return parseLogPage(await send(module, 'log', cargs));
      }, count);
      if (lines.length > 0) io.out(lines.join('\n'));
      return EXIT.ok;
    }
    case 'get': {
      const usage = 'usage: keel get -r <resource> -m <module>';
      const p = parseArgs(args, ['-m', '-r'], [], usage);
      if (typeof p.options['-r'] !== 'string' || p.positional.length > 0) throw new UsageError(usage);
      io.out(await send(moduleOf(p.options, io, usage), 'get', [p.options['-r']]));
      return EXIT.ok;
    }
    case 'set': {
      const usage = 'usage: keel set -r <resource> -v <value> [-i <identity>] [-n] [-l] -m <module>';
      const p = parseArgs(args, ['-m', '-r', '-v', '-i'], ['-n', '-l'], usage);
      if (
        typeof p.options['-r'] !== 'string' ||
        typeof p.options['-v'] !== 'string' ||
        p.positional.length > 0
      )
        throw new UsageError(usage);
      await send(
        moduleOf(p.options, io, usage),
        'set',
        [p.options['-r'], p.options['-v']],
        str(p.options['-i']),
      );
      return EXIT.ok;
    }
    case 'printi':
    case 'printe': {
      const usage = `usage: keel ${name} [-m <module>] "<message>"`;
      const p = parseArgs(args, ['-m'], [], usage);
      if (p.positional.length === 0) throw new UsageError(usage);
      await send(moduleOf(p.options, io, usage), name, [p.positional.join(' ')]);
      return EXIT.ok;
    }
    case 'failover':
    case 'boot':
    case 'checker': {
      const values = name === 'boot' ? ['on', 'off', 'status'] : ['on', 'off'];
      const usage = `usage: keel ${name} ${values.join('|')} -m <module>${name === 'boot' ? ' (status: every module without -m)' : ''}`;
      const p = parseArgs(args, ['-m'], [], usage);
      if (p.positional.length !== 1 || !values.includes(p.positional[0])) throw new UsageError(usage);
      // `boot status` without -m lists every module (safekit-ops §9.7): `<module>: boot on|off`.
      const explicit = p.options['-m'] ?? io.env.KEEL_MODULE ?? io.env.SAFEMODULE;
      if (name === 'boot' && p.positional[0] === 'status' && typeof explicit !== 'string') {
        for (const m of ctx.installed()) io.out(`${m}: ${await send(m, 'boot', ['status'])}`);
        return EXIT.ok;
      }
      io.out(await send(moduleOf(p.options, io, usage), name, [p.positional[0]]));
      return EXIT.ok;
    }
    case 'errd': {
      // enable|disable <class> come from the module's scripts, for its custom classes (reference §5.10).
      const usage = 'usage: keel errd on|off|list|enable <class>|disable <class> -m <module>';
      const p = parseArgs(args, ['-m', '-i'], [], usage);
      const [what, cls, ...rest] = p.positional;
      const withClass = what === 'enable' || what === 'disable';
      const ok = ['on', 'off', 'list'].includes(what ?? '')
        ? cls === undefined
        : withClass && !!cls && rest.length === 0;
      if (!ok) throw new UsageError(usage);
      io.out(await send(moduleOf(p.options, io, usage), 'errd', [...p.positional], str(p.options['-i'])));
      return EXIT.ok;
    }
    case 'incloop':
    case 'resetloop':
    case 'checkloop': {
      const usage = LOOP_USAGE[name];
      const p = parseArgs(args, name === 'checkloop' ? ['-m'] : ['-m', '-i'], [], usage);
      if (p.positional.length > 0) throw new UsageError(usage);
      if (name === 'incloop' && typeof p.options['-i'] !== 'string')
        throw new UsageError(`incloop needs -i <identity>: the handler whose recovery it counts\n${usage}`);
      const module = moduleOf(p.options, io, usage);
      const r = JSON.parse(await send(module, name, [], str(p.options['-i']))) as LoopReport;
      io.out(loopLine(r));
      // incloop and checkloop exit 1 once maxloop is reached (reference §6.6): a handler stops then.
      return name !== 'resetloop' && r.reached ? EXIT.invalid : EXIT.ok;
    }
    case 'farm': {
      // SafeKit's `vip_if_ctrl -l` and `saferpc_send vipd SETGROUPS all|none` (reference §5.6).
      const usage = 'usage: keel farm bitmap|open|close -m <module>';
      const p = parseArgs(args, ['-m'], [], usage);
      if (p.positional.length !== 1 || !['bitmap', 'open', 'close'].includes(p.positional[0]))
        throw new UsageError(usage);
      io.out(await send(moduleOf(p.options, io, usage), 'farm', [p.positional[0]]));
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command '${name}'`);
  }
}

const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);

const LOOP_USAGE: Record<string, string> = {
  incloop: 'usage: keel incloop -i <identity> [-m <module>]',
  resetloop: 'usage: keel resetloop [-i <identity>] [-m <module>]',
  checkloop: 'usage: keel checkloop [-m <module>]',
};

/** `demo: maxloop 2 of 3 since <time> (loop_interval 24h): not reached`. */
export function loopLine(r: LoopReport): string {
  if (r.loopIntervalHours === 0) return `${r.module}: maxloop off (loop_interval 0)`;
  const verdict = r.reached ? 'reached: the next automatic action stops the module' : 'not reached';
  return `${r.module}: maxloop ${r.count} of ${r.maxloop} since ${r.since} (loop_interval ${r.loopIntervalHours}h): ${verdict}`;
}

/** Polls the module's state until the wait is over or the deadline passes (exit 1 then). */
async function waitFor(
  ctx: ModuleCommandContext,
  module: string,
  kind: string,
  target: string | undefined,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = JSON.parse(await ctx.admin.send({ module, name: 'state', args: [] })) as StateReport;
    // A state is reached once it is no longer Transient: Ready, or NotReady for STOP and WAIT.
    const settled = r.readiness !== 'Transient';
    const done =
      kind === 'waitstop'
        ? r.state === 'STOP'
        : kind === 'waitstart'
          ? settled && r.state !== 'STOP'
          : settled && r.state === target;
    if (done) {
      ctx.io.out(`${r.module}: ${r.state} (${r.readiness})`);
      return EXIT.ok;
    }
    if (Date.now() >= deadline) {
      ctx.io.err(`keel ${kind}: ${module} is still ${r.state} (${r.readiness}) after ${timeoutMs / 1000}s`);
      return EXIT.invalid;
    }
    await ctx.sleep(200);
  }
}
