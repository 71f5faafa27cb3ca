// The module commands the REST API sends to admin, as `keel <command> -m <module>` sends them
// (apps/cli): which arguments each takes and the role it needs. Admin decides everything else
// (docs/decisions/0008); this table only keeps the API from sending what the CLI would not, and
// says which commands only read (Monitor) and which act (Control). Pure.
import { z } from 'zod';
import type { CommandName } from '@keel/bus';
import type { WebRole } from '@keel/config';

export const COMMAND_BODY = z
  .object({
    /** The command's arguments, as on the command line after `-m <module>`. */
    args: z.array(z.string().max(1024)).max(8).default([]),
    /** `-i <identity>`: a label for the module log (e.g. a script's name). */
    identity: z
      .string()
      .regex(/^[A-Za-z0-9_.@:-]{1,64}$/, 'letters, digits and _ . @ : - only, at most 64')
      .optional(),
  })
  .strict();
export type CommandBody = z.output<typeof COMMAND_BODY>;

export type CommandCheck =
  | { readonly ok: true; readonly role: WebRole }
  | { readonly ok: false; readonly field: string; readonly message: string };

type Rule = (args: readonly string[], identity: string | undefined) => CommandCheck;

const ok = (role: WebRole): CommandCheck => ({ ok: true, role });
const bad = (field: string, message: string): CommandCheck => ({ ok: false, field, message });

/** Exactly one of `values` (or none, when `optional`); `reads` lists the read-only ones. */
function oneOf(values: readonly string[], reads: readonly string[] = [], optional = false): Rule {
  return (args) => {
    if (args.length === 0 && optional) return ok('Control');
    if (args.length !== 1 || !values.includes(args[0]!))
      return bad('args', `expected ${optional ? 'nothing or ' : ''}one of ${values.join(', ')}`);
    return ok(reads.includes(args[0]!) ? 'Monitor' : 'Control');
  };
}

const none: Rule = (args) => (args.length === 0 ? ok('Control') : bad('args', 'takes no arguments'));
const RESOURCE = /^[A-Za-z0-9_.-]{1,128}$/;
/** admin's own bound (apps/admin rfssync.ts): SafeKit's 24 characters. */
const RFSSYNC_UID = /^[A-Za-z0-9_.:@-]{1,24}$/;
const PRINTABLE = /^[^\p{Cc}]{1,1024}$/u;

const RULES: Readonly<Record<string, Rule>> = {
  start: none,
  stop: none,
  restart: none,
  stopstart: none,
  forcestop: none,
  primforce: none,
  prim: oneOf(['fullsync'], [], true),
  second: oneOf(['fullsync'], [], true),
  swap: oneOf(['nosync'], [], true),
  failover: oneOf(['on', 'off']),
  checker: oneOf(['on', 'off']),
  boot: oneOf(['on', 'off', 'status'], ['status']),
  farm: oneOf(['bitmap', 'open', 'close'], ['bitmap']),
  errd: (args) => {
    const [what, cls] = args;
    if (what === 'enable' || what === 'disable')
      return args.length === 2 && RESOURCE.test(cls ?? '')
        ? ok('Control')
        : bad('args[1]', `errd ${what} takes one class name`);
    return oneOf(['on', 'off', 'list', 'enable', 'disable'], ['list'])(args, undefined);
  },
  set: (args) => {
    if (args.length !== 2) return bad('args', 'expected [<resource>, <value>]');
    if (!RESOURCE.test(args[0]!)) return bad('args[0]', `a resource name matches ${RESOURCE.source}`);
    if (!/^[\x20-\x7e]{1,256}$/.test(args[1]!)) return bad('args[1]', 'printable ASCII, 1 to 256 characters');
    return ok('Control');
  },
  printi: (args) =>
    args.length === 1 && PRINTABLE.test(args[0]!) ? ok('Control') : bad('args', 'expected one line of text'),
  printe: (args) =>
    args.length === 1 && PRINTABLE.test(args[0]!) ? ok('Control') : bad('args', 'expected one line of text'),
  incloop: (args, identity) =>
    args.length > 0
      ? bad('args', 'takes no arguments')
      : identity === undefined
        ? bad('identity', 'incloop needs the identity of the handler whose recovery it counts')
        : ok('Control'),
  resetloop: none,
  // The date as `keel secondforce -d <date>` sends it; admin checks it against the guide's formats
  // (§5.7.5) and refuses it naming them.
  secondforce: (args) =>
    args.length === 1 && /^[0-9TZ:. -]{10,25}$/.test(args[0]!)
      ? ok('Control')
      : bad('args', 'expected [<date>]: YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]'),
  // No argument shows the policy; `full`, `default`, `external|-d prim|second <uid>` set it
  // (admin checks the uid).
  rfssync: (args) => {
    if (args.length === 0) return ok('Monitor');
    if (args[0] === 'external' || args[0] === '-d')
      return args.length === 3 &&
        (args[1] === 'prim' || args[1] === 'second') &&
        RFSSYNC_UID.test(args[2] ?? '')
        ? ok('Control')
        : bad('args', `expected [${args[0]}, prim|second, <uid>]`);
    return oneOf(['full', 'default'])(args, undefined);
  },
  // They only read (as rfssync without argument): admin runs them only in the state they need.
  rfsdiff: (args) => (args.length === 0 ? ok('Monitor') : bad('args', 'takes no arguments')),
  rfsverify: (args) => (args.length === 0 ? ok('Monitor') : bad('args', 'takes no arguments')),
  checkloop: (args) => (args.length === 0 ? ok('Monitor') : bad('args', 'takes no arguments')),
};

/** Every command the API sends through this route (state, get and log have routes of their own). */
export const API_COMMANDS = Object.keys(RULES) as CommandName[];

export function isApiCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(RULES, name);
}

/** Whether the command may be sent with these arguments, and the role it needs. */
export function checkCommand(name: CommandName, body: CommandBody): CommandCheck {
  return RULES[name]!(body.args, body.identity);
}
