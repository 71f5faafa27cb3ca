import {
  BusConnectError,
  BusCredentialError,
  BusPort,
  loadBusCredentialFile,
  NatsBus,
  nodeBusUrl,
} from '@keel/bus';
import { busFiles, nodeNameIfKnown, nodePaths } from '@keel/config';
import { CliIo, EXIT, UsageError } from './io';
import { confcheck } from './commands/confcheck';
import { cmdlog, level, printPaths } from './commands/node-info';
import { busInit } from './commands/bus-init';
import { clusterConfcheck } from './commands/cluster-confcheck';
import { kill } from './commands/kill';
import { metrics, metricsTargets } from './commands/metrics';
import { webCredentials } from './commands/web-credentials';
import { webTls, WEB_TLS_COMMANDS } from './commands/web-tls';
import {
  EXIT_UNREACHABLE,
  installedModules,
  MODULE_COMMANDS,
  runModuleCommand,
} from './commands/module-commands';
import { AdminClient } from './admin-client';
import { runDistributed } from './remote/distributed';
import { CLUSTER_ADMIN, clusterAdmin } from './commands/cluster-admin';
import { moduleAdmin } from './commands/module-admin';
import { support, SUPPORT_COMMANDS } from './commands/support';
import { moduleStateText } from './commands/module-state-text';
import { healthcheck } from './support/healthcheck/healthcheck';

type LocalCommand = (args: readonly string[], io: CliIo) => number | Promise<number>;

/** Commands that need no running service. */
const LOCAL: Record<string, LocalCommand> = { confcheck };
/** About the node itself, from its files (commands/node-info.ts). */
const NODE: Record<string, LocalCommand> = { level, cmdlog, '-p': printPaths, healthcheck };
const CLUSTER: Record<string, LocalCommand> = { confcheck: clusterConfcheck };
const BUS: Record<string, LocalCommand> = { init: busInit };

/** How the CLI reaches the node's bus; tests pass an in-memory one. */
export type BusFactory = (io: CliIo) => Promise<BusPort>;

/** The node's bus, as the `cli` role: its credential is <KEEL_ETC>/bus/cli.nk, root's only. */
export const natsBusFactory: BusFactory = async (io) =>
  NatsBus.connect({
    source: { service: 'cli', node: nodeNameIfKnown(io.env) ?? 'local' },
    url: nodeBusUrl(io.env),
    credential: loadBusCredentialFile(busFiles(nodePaths(io.env).etc).credential('cli'), 'cli'),
    connectTimeoutMs: 2000,
    maxReconnectAttempts: 0,
  });

const allowed = () =>
  [
    ...Object.keys(LOCAL),
    'cluster',
    'module',
    ...MODULE_COMMANDS,
    'bus',
    'kill',
    'metrics',
    'web',
    ...SUPPORT_COMMANDS,
    ...Object.keys(NODE),
  ].join(', ');

/** Runs one `keel` command line and returns the exit code; never exits the process itself. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  busFactory: BusFactory = natsBusFactory,
): Promise<number> {
  try {
    // `keel -H "<hosts>" <command>`: through every server's web service (safekit-ops §9.8).
    if (argv[0] === '-H') {
      if (argv[1] === undefined)
        throw new UsageError('-H needs the servers: "*", node names, [https:9453],hosts or URLs');
      return await runDistributed(argv[1], argv.slice(2), io);
    }
    const [name, ...args] = argv;
    if (name === undefined || name === '--help' || name === 'help') {
      io.out(`usage: keel <command> [args]\ncommands: ${allowed()}`);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === 'cluster') {
      const [sub, ...rest] = args;
      if (sub !== undefined && CLUSTER_ADMIN.includes(sub)) return clusterAdmin(sub, rest, io);
      const cmd = sub === undefined ? undefined : CLUSTER[sub];
      if (!cmd)
        throw new UsageError(
          `unknown cluster command '${sub ?? ''}' (allowed: ${[...Object.keys(CLUSTER), ...CLUSTER_ADMIN].join(', ')})`,
        );
      return cmd(rest, io);
    }
    if (name === 'bus') {
      const [sub, ...rest] = args;
      const cmd = sub === undefined ? undefined : BUS[sub];
      if (!cmd)
        throw new UsageError(`unknown bus command '${sub ?? ''}' (allowed: ${Object.keys(BUS).join(', ')})`);
      return cmd(rest, io);
    }
    // Module packages on this node; uninstall asks admin the module's state first when it runs.
    if (name === 'module') return await moduleAdmin(args, io, (m) => stateIfRunning(m, io, busFactory));
    const local = LOCAL[name] ?? NODE[name];
    if (local) return await local(args, io);
    // dump, snapshot, logsave, clean: files of the node; admin asked for the module's state when it runs.
    if (SUPPORT_COMMANDS.includes(name))
      return await support(name, args, io, {
        stateText: (m) => moduleStateText(m, io, () => busFactory(io)),
        state: (m) => stateIfRunning(m, io, busFactory),
      });
    // The node's processes, read here: no keel service needs to answer.
    if (name === 'kill') return await kill(args, io);
    // The services' Prometheus metrics, asked of each on the node's bus.
    if (name === 'metrics') {
      const services = metricsTargets(args);
      return await withBus(io, busFactory, (bus) => metrics(services, io, bus));
    }
    // The web service's users and API keys, in files: no keel service needs to answer.
    // keel's PKI for HTTPS (initssl, checkcert, rmcerts): files and the openssl program.
    if (name === 'web' && WEB_TLS_COMMANDS.includes(args[0] ?? '')) return await webTls(args, io);
    if (name === 'web') return await webCredentials(args, io);
    if (!MODULE_COMMANDS.includes(name))
      throw new UsageError(`unknown command '${name}' (allowed: ${allowed()})`);
    return await withBus(io, busFactory, (bus) =>
      runModuleCommand(name, args, {
        io,
        admin: new AdminClient(bus, () => installedModules(io.env)),
        installed: () => installedModules(io.env),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      }),
    );
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`keel: ${e.message}`);
    return EXIT.usage;
  }
}

/** The module's state as this node's admin says it; undefined when admin cannot be asked. */
async function stateIfRunning(module: string, io: CliIo, factory: BusFactory): Promise<string | undefined> {
  let bus: BusPort;
  try {
    bus = await factory(io);
  } catch {
    return undefined;
  }
  try {
    const detail = await new AdminClient(bus, () => installedModules(io.env)).send({
      module,
      name: 'state',
      args: [],
    });
    return (JSON.parse(detail) as { state: string }).state;
  } catch {
    return undefined;
  } finally {
    await bus.close();
  }
}

async function withBus(
  io: CliIo,
  factory: BusFactory,
  run: (bus: BusPort) => Promise<number>,
): Promise<number> {
  let bus: BusPort;
  try {
    bus = await factory(io);
  } catch (e) {
    if (e instanceof BusCredentialError) {
      io.err(`keel: ${e.message}`);
      return EXIT_UNREACHABLE;
    }
    if (!(e instanceof BusConnectError)) throw e;
    io.err(`keel: cannot reach this node's keel bus (${e.message}); is nats-server running?`);
    return EXIT_UNREACHABLE;
  }
  try {
    return await run(bus);
  } finally {
    await bus.close();
  }
}
