// What goes in the commands log (safekit-ops §10.12: "every state-modifying command";
// docs/decisions/0021 "Commands log"): a module command that changes something, with who asked
// and how it ended. Commands that only read (state, get, log, checkloop, boot status, errd list,
// farm bitmap) are not written: `keel waitstart` alone asks the state five times a second. printi
// and printe are not either: they write their message in the module log already.
import { HandlerError, type CommandResult, type ModuleCommand } from '@keel/bus';
import type { CommandLogPort } from '../ports/command-log.port';

const NOT_RECORDED = new Set(['state', 'get', 'log', 'checkloop', 'printi', 'printe']);

export function isRecorded(c: ModuleCommand): boolean {
  if (NOT_RECORDED.has(c.name)) return false;
  const first = c.args[0];
  if (c.name === 'boot' && first === 'status') return false;
  if (c.name === 'errd' && first === 'list') return false;
  if (c.name === 'farm' && first === 'bitmap') return false;
  return true;
}

/** The command as keel's CLI writes it: `set -m demo -r r1 -v up -i errd`. */
export function commandLine(c: ModuleCommand): string {
  const args = c.name === 'set' ? ['-r', c.args[0] ?? '', '-v', c.args[1] ?? ''] : c.args;
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)));
  return [c.name, '-m', c.module, ...quoted, ...(c.identity ? ['-i', c.identity] : [])].join(' ');
}

/** Runs the command, writing its START and END around it when it is one that changes something. */
export async function recorded(
  log: CommandLogPort | undefined,
  id: () => string,
  now: () => Date,
  c: ModuleCommand,
  caller: string,
  run: () => Promise<CommandResult>,
): Promise<CommandResult> {
  if (!log || !isRecorded(c)) return run();
  const entry = id();
  log.record({
    at: now().toISOString(),
    id: entry,
    phase: 'START',
    module: c.module,
    command: commandLine(c),
    caller,
  });
  try {
    const result = await run();
    log.record({ at: now().toISOString(), id: entry, phase: 'END', code: 0 });
    return result;
  } catch (err) {
    const why = err instanceof HandlerError ? `${err.code}: ${err.message}` : (err as Error).message;
    log.record({ at: now().toISOString(), id: entry, phase: 'END', code: 1, error: why.slice(0, 500) });
    throw err;
  }
}
