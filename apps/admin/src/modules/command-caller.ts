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
  // The API (reserved): the administrator it authenticated, which it names in the message.
  api: (command) => command.caller ?? 'api',
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
