// `keel -H "<hosts>" <command>` (safekit-ops §9.8): the command run on every server through its web
// service, in parallel; each server's output after its banner, in the order given. A server that
// does not answer gets its banner and the error while the others still run; the exit code is 0
// only when every server succeeded (else the highest code, 3 for a server that did not answer).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  ClusterKeyError,
  loadClusterConfig,
  loadClusterKeyFile,
  loadWebConf,
  nodeCommandAddress,
  nodeCredentialKey,
  nodeNameIfKnown,
  nodePaths,
  defaultTlsFiles,
  WebConfError,
  confinfoText,
  moduleInfoText,
  type ClusterInfo,
  type ModuleInfo,
} from '@keel/config';
import { CommandFailed } from '../admin-client';
import { CliIo, EXIT, UsageError } from '../io';
import { EXIT_UNREACHABLE, MODULE_COMMANDS, runModuleCommand } from '../commands/module-commands';
import { cmdlogCount, levelLines, type Level } from '../commands/node-info';
import { overallExit, parseHosts, serverBanner, type HostsContext } from './hosts';
import { RemoteAdmin } from './remote-admin';
import { WebClient } from './web-client';
import { runPush } from './push';

/** What `keel -H` runs: module commands but logview (local only in SafeKit too), level, cmdlog and the read-only configuration commands. */
export const DISTRIBUTED_COMMANDS = [
  'level',
  'cmdlog',
  'cluster',
  'module',
  ...MODULE_COMMANDS.filter((c) => c !== 'logview'),
];

/** The configuration commands -H runs: what each server's api tells of its cluster.xml and modules. */
const READ_ONLY_CONFIG: Record<string, string> = {
  'cluster confinfo': 'Node Signature Date Lock',
  'cluster state': 'Node Module Mode Id Date Signature',
  'module list': '',
  'module listid': '',
};

/** Where this node's web service is and how the servers are trusted (web.conf, cluster.xml). */
export function hostsContext(io: CliIo): { ctx: HostsContext; ca?: string } {
  const paths = nodePaths(io.env);
  const conf = loadWebConf(paths.etc);
  let nodes: HostsContext['nodes'] = [];
  try {
    const cluster = loadClusterConfig(paths.clusterFile);
    nodes = cluster.nodes.map((name) => ({ name, addr: nodeCommandAddress(cluster, name) ?? name }));
  } catch {
    /* no cluster.xml: only hosts and URLs can be given */
  }
  let ca: string | undefined;
  try {
    ca = readFileSync(conf.https?.ca ?? defaultTlsFiles(paths.etc).ca, 'utf8');
  } catch {
    ca = undefined;
  }
  return {
    ctx: { nodes, https: conf.https !== undefined, port: conf.https?.port ?? conf.httpPort },
    ...(ca ? { ca } : {}),
  };
}

export async function runDistributed(spec: string, argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  // -G and -E: a configuration applied to every server in two phases (push.ts).
  if (name === '-G' || name === '-E') return runPush(spec, argv, io);
  if (name === undefined || !DISTRIBUTED_COMMANDS.includes(name))
    throw new UsageError(
      `keel -H runs one of ${DISTRIBUTED_COMMANDS.join(', ')}${name ? `, not ${name}` : ''}`,
    );
  if ((name === 'cluster' || name === 'module') && !(`${name} ${args.join(' ')}` in READ_ONLY_CONFIG))
    throw new UsageError(
      `keel -H runs ${Object.keys(READ_ONLY_CONFIG).join(', ')}, -G and -E of the configuration commands`,
    );
  let context;
  let key: Uint8Array;
  try {
    context = hostsContext(io);
    key = nodeCredentialKey(loadClusterKeyFile(nodePaths(io.env).keyFile));
  } catch (e) {
    if (!(e instanceof ClusterKeyError || e instanceof WebConfError)) throw e;
    io.err(`keel -H: ${e.message}`);
    return EXIT.invalid;
  }
  const targets = parseHosts(spec, context.ctx);
  const from = nodeNameIfKnown(io.env) ?? hostname();
  const runs = targets.map(async (t) => {
    const out: Array<[boolean, string]> = [];
    const sub: CliIo = { env: io.env, out: (l) => out.push([false, l]), err: (l) => out.push([true, l]) };
    const web = new WebClient({
      origin: t.origin,
      key,
      claim: { from, user: 'root', role: 'Admin', address: from },
      ...(context.ca ? { ca: context.ca } : {}),
    });
    const admin = new RemoteAdmin(web);
    let code: number;
    try {
      if (name === 'cluster' || name === 'module') {
        for (const l of await configLines(web, `${name} ${args.join(' ')}`)) sub.out(l);
        code = EXIT.ok;
      } else if (name === 'level') {
        for (const l of levelLines((await web.call('GET', '/api/v1.0/level')) as Level)) sub.out(l);
        code = EXIT.ok;
      } else if (name === 'cmdlog') {
        const log = (await web.call('GET', `/api/v1.0/cmdlog?count=${cmdlogCount(args)}`)) as {
          entries: { line: string }[];
        };
        for (const e of log.entries) sub.out(e.line);
        code = EXIT.ok;
      } else {
        const installed = await admin.modules();
        code = await runModuleCommand(name, args, {
          io: sub,
          admin,
          installed: () => installed,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        });
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (!(e instanceof CommandFailed)) throw e;
      sub.err(`keel ${name}: ${e.message}`);
      code = e.kind === 'unreachable' ? EXIT_UNREACHABLE : EXIT.invalid;
    }
    return { origin: t.origin, out, code };
  });
  const results = await Promise.all(runs);
  for (const r of results) {
    io.out(serverBanner(r.origin));
    for (const [isErr, line] of r.out) (isErr ? io.err : io.out)(line);
  }
  return overallExit(results.map((r) => r.code));
}

async function configLines(web: WebClient, command: string): Promise<string[]> {
  const head = READ_ONLY_CONFIG[command] ? [READ_ONLY_CONFIG[command]] : [];
  if (command === 'cluster confinfo')
    return [...head, confinfoText((await web.call('GET', '/api/v1.0/cluster/confinfo')) as ClusterInfo)];
  const modules = (await web.call('GET', '/api/v1.0/cluster/state')) as ModuleInfo[];
  if (command === 'cluster state') return [...head, ...modules.map(moduleInfoText)];
  if (command === 'module list') return modules.map((m) => m.module);
  return modules.map((m) => `${m.module.padEnd(20)} ${m.id ?? '?'}`);
}
