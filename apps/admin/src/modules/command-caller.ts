import { commandCallerOf, HandlerError, type CommandCaller, type ModuleCommand } from '@keel/bus';

/**
 * Who asked for a command, for the module log's `Action <command> called by <who>`, taken from the
 * subject the command arrived on (keel.v1.<module>.cmd.<caller>): only the caller's bus credential
 * may publish there (libs/bus/src/access/roles.ts), so no message can claim another caller.
 */
const CALLER_NAMES: Readonly<Record<CommandCaller, (command: ModuleCommand) => string>> = {
  // The keel command: its credential (<etc>/bus/cli.nk, mode 0600) is root's, so root asked, as
  // SafeKit names the administrator of a local command.
  cli: () => 'root',
  // The REST API: the administrator it authenticated, `<user>@<address>` as SafeKit's `-u`, which it
  // names in the message (docs/decisions/0021).
  api: (command) => command.caller ?? 'api',
  // errd and the module checker act on their own: the identity they give (errd, modulecheck) names
  // them in the log, as SafeKit's `Action restart called by errd`.
  checkers: (command) => command.identity ?? 'checkers',
};

/** The name of the caller; throws HandlerError(FORBIDDEN) off the per-caller command subjects. */
export function commandCallerName(subject: string, command: ModuleCommand): string {
  const caller = commandCallerOf(subject);
  if (!caller) {
    throw new HandlerError(
      'FORBIDDEN',
      `module commands are taken only on keel.v1.<module>.cmd.<caller>, not on ${subject}`,
    );
  }
  return CALLER_NAMES[caller](command);
}

/** What errd and the module checker may ask: errd restart, stopstart or stop, modulecheck a stopstart. */
const CHECKERS_MAY: Readonly<Record<string, ReadonlySet<string>>> = {
  errd: new Set(['restart', 'stopstart', 'stop']),
  modulecheck: new Set(['stopstart']),
};

/** Whether `errd on` and `checker on` hold, for the actions of errd and of the module checker. */
export interface DetectionsOn {
  readonly errd: boolean;
  readonly checker: boolean;
}

/**
 * The checkers service acts on a module only as SafeKit's errd and module checker do; anything
 * else on its subject (a prim, a setting, a resource) is refused, so its credential cannot drive a
 * module the way an administrator can. `errd off` and `checker off` hold here too: an action
 * decided just before the switch is not taken.
 */
export function assertCallerMayAsk(subject: string, command: ModuleCommand, on: DetectionsOn): void {
  if (commandCallerOf(subject) !== 'checkers') return;
  const identity = command.identity ?? '';
  if (!CHECKERS_MAY[identity]?.has(command.name)) {
    throw new HandlerError(
      'FORBIDDEN',
      `the checkers service may only ask restart, stopstart or stop as errd, or stopstart as modulecheck, not ${command.name}${command.identity ? ` as ${command.identity}` : ''}`,
    );
  }
  const off = identity === 'errd' ? !on.errd : !on.checker;
  if (off)
    throw new HandlerError(
      'REFUSED',
      `${identity === 'errd' ? 'errd' : 'checker'} is off in module ${command.module}: the action ${command.name} by ${identity} is not taken`,
    );
}
