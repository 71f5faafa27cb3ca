// The replication's own module commands (SafeKit guide §5.7.5, §9.10): `secondforce -d <date>`,
// `rfssync [full | default | external prim|second <uid> | -d prim|second <uid>]`, `rfsdiff` (on the
// ALONE node) and `rfsverify` (on the SECOND). Admin judges the date (the node's local time unless
// it ends with Z), the policy and the module's state, and refuses naming what it accepts; the CLI
// only checks the command line's shape.
import { RFS_QUERY_TIMEOUT_MS, type CommandName, type ModuleCommand } from '@keel/bus';
import { parseArgs } from '../args';
import { EXIT, UsageError, type CliIo } from '../io';
import type { ModuleCommandContext } from './module-commands';

export const RFS_COMMANDS = ['secondforce', 'rfssync', 'rfsdiff', 'rfsverify'];

/** rfsdiff walks the tree, rfsverify reads every file of both copies: admin's bound, and more. */
const QUERY_WAIT_MS = RFS_QUERY_TIMEOUT_MS + 10_000;

const USAGE: Record<string, string> = {
  secondforce:
    'usage: keel secondforce -d <date> -m <module> [-i <identity>]\n' +
    '  <date>: YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z] (Z: UTC, else local time)',
  rfssync:
    'usage: keel rfssync [full | default | external prim|second <uid> | -d prim|second <uid>] -m <module> [-i <identity>]',
  rfsdiff: 'usage: keel rfsdiff -m <module> [-i <identity>]   (on the node where the module is ALONE)',
  rfsverify:
    'usage: keel rfsverify -m <module> [-i <identity>]   (on the node where the module is SECOND)\n' +
    '  exit code: 0 the copies are identical, 3 some entries differ, 1 not verified',
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
  } else if (name === 'rfsdiff' || name === 'rfsverify') {
    if (p.options['-d'] !== undefined) throw new UsageError(`${name} takes no -d\n${usage}`);
    if (p.positional.length > 0) throw new UsageError(`unexpected argument ${p.positional[0]}\n${usage}`);
    cargs = [];
  } else {
    // rfssync -d prim|second <uid>: SafeKit's policy without change detection (keel detects all the same).
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
  if (name === 'rfsdiff') {
    ctx.io.out(await ctx.admin.send(c, QUERY_WAIT_MS));
    return EXIT.ok;
  }
  if (name === 'rfsverify') return verifyOutput(await ctx.admin.send(c, QUERY_WAIT_MS), ctx.io);
  ctx.io.out(await ctx.admin.send(c));
  return EXIT.ok;
}

/** rfsverify's answer: its text on stdout (like a reintegration log, for `> log`), its exit code. */
function verifyOutput(detail: string, io: CliIo): number {
  let answer: { text?: unknown; exitCode?: unknown };
  try {
    answer = JSON.parse(detail) as typeof answer;
  } catch {
    io.err(`keel rfsverify: unexpected answer from admin: ${detail.slice(0, 200)}`);
    return EXIT.invalid;
  }
  if (typeof answer.text === 'string') io.out(answer.text);
  return typeof answer.exitCode === 'number' ? answer.exitCode : EXIT.invalid;
}
