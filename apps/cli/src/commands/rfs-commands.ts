// The replication's own module commands (SafeKit guide §5.7.5, §9.10): `secondforce -d <date>`
// and `rfssync [full | default | external prim|second <uid> | -d prim|second <uid>]`. Admin judges the date (the node's local time unless it ends with
// Z) and the policy, and refuses a bad one naming what it accepts; the CLI only checks the command
// line's shape.
import type { CommandName, ModuleCommand } from '@keel/bus';
import { parseArgs } from '../args';
import { EXIT, UsageError, type CliIo } from '../io';
import type { ModuleCommandContext } from './module-commands';

export const RFS_COMMANDS = ['secondforce', 'rfssync'];

const USAGE: Record<string, string> = {
  secondforce:
    'usage: keel secondforce -d <date> -m <module> [-i <identity>]\n' +
    '  <date>: YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z] (Z: UTC, else local time)',
  rfssync:
    'usage: keel rfssync [full | default | external prim|second <uid> | -d prim|second <uid>] -m <module> [-i <identity>]',
};

/** Runs one replication command through the node's admin; returns the exit code. */
export async function rfsCommand(
  name: string,
  args: readonly string[],
  ctx: ModuleCommandContext,
  moduleOf: (options: Readonly<Record<string, string | true>>, io: CliIo, usage: string) => string,
): Promise<number> {
  const usage = USAGE[name]!;
  const p = parseArgs(args, ['-m', '-i', '-d'], [], usage);
  let cargs: string[];
  if (name === 'secondforce') {
    if (p.positional.length > 0) throw new UsageError(`unexpected argument ${p.positional[0]}\n${usage}`);
    const date = p.options['-d'];
    if (typeof date !== 'string') throw new UsageError(`secondforce needs -d <date>\n${usage}`);
    cargs = [date];
  } else {
    // rfssync -d prim|second <uid>: the external policy without change detection.
    const d = p.options['-d'];
    cargs = typeof d === 'string' ? ['-d', d, ...p.positional] : [...p.positional];
  }
  const identity = p.options['-i'];
  const c: ModuleCommand = {
    module: moduleOf(p.options, ctx.io, usage),
    name: name as CommandName,
    args: cargs,
    ...(typeof identity === 'string' ? { identity } : {}),
  };
  ctx.io.out(await ctx.admin.send(c));
  return EXIT.ok;
}
