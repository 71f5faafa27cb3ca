import { CliIo, EXIT, UsageError } from './io';
import { confcheck } from './commands/confcheck';
import { clusterConfcheck } from './commands/cluster-confcheck';

type Command = (args: readonly string[], io: CliIo) => number;

const COMMANDS: Record<string, Command> = {
  confcheck,
};

const CLUSTER_COMMANDS: Record<string, Command> = {
  confcheck: clusterConfcheck,
};

const allowed = (table: Record<string, Command>) => Object.keys(table).sort().join(', ');

/** Runs one `keel` command line and returns the exit code; never exits the process itself. */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    const [name, ...args] = argv;
    if (name === undefined || name === '--help' || name === 'help') {
      io.out(`usage: keel <command> [args]\ncommands: ${allowed(COMMANDS)}, cluster <${allowed(CLUSTER_COMMANDS)}>`);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === 'cluster') {
      const [sub, ...rest] = args;
      const cmd = sub === undefined ? undefined : CLUSTER_COMMANDS[sub];
      if (!cmd) throw new UsageError(`unknown cluster command '${sub ?? ''}' (allowed: ${allowed(CLUSTER_COMMANDS)})`);
      return cmd(rest, io);
    }
    const cmd = COMMANDS[name];
    if (!cmd) throw new UsageError(`unknown command '${name}' (allowed: ${allowed(COMMANDS)}, cluster)`);
    return cmd(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`keel: ${e.message}`);
    return EXIT.usage;
  }
}
