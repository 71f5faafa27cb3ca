// `keel -H "<hosts>" -G` and `keel -H "<hosts>" -E AM` (safekit-ops §9.8, §12.3): this node's
// cluster.xml (and cluster key), or its module AM packaged with its module id, applied on every
// server through its api in two phases (two-phase.ts): nothing is applied unless every server
// accepted it, and a server whose commit fails makes the others roll back.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  ClusterKeyError,
  installedModuleNames,
  loadClusterKeyFile,
  nodeCredentialKey,
  nodeNameIfKnown,
  nodePaths,
  packModule,
  parseClusterKey,
  readModuleFiles,
  WebConfError,
} from '@keel/config';
import { CliIo, EXIT, UsageError } from '../io';
import { moduleIds } from '../commands/module-admin';
import { pendingKeyFile } from '../commands/cluster-admin';
import { hostsContext } from './distributed';
import { parseHosts, serverBanner } from './hosts';
import { runTwoPhase, type Participant } from './two-phase';
import { WebClient } from './web-client';

export async function runPush(spec: string, argv: readonly string[], io: CliIo): Promise<number> {
  const [flag, ...rest] = argv;
  const paths = nodePaths(io.env);
  let context;
  let key: Uint8Array;
  try {
    context = hostsContext(io);
    key = nodeCredentialKey(loadClusterKeyFile(paths.keyFile));
  } catch (e) {
    if (!(e instanceof ClusterKeyError || e instanceof WebConfError)) throw e;
    io.err(`keel -H ${flag}: ${e.message}`);
    return EXIT.invalid;
  }
  let body: Record<string, unknown>;
  let newKey: Uint8Array | undefined;
  let pending: string | undefined;
  if (flag === '-G') {
    if (rest.length > 0) throw new UsageError('usage: keel -H "<hosts>" -G');
    body = { cluster: readFileSync(paths.clusterFile, 'utf8') };
    // Only a key `cluster genkey` made travels, and only over HTTPS: every node-to-node message
    // is authenticated with it.
    if (existsSync(pendingKeyFile(paths.keyFile))) {
      if (!context.ctx.https) {
        io.err(
          `keel -H -G: a new cluster key waits in ${pendingKeyFile(paths.keyFile)}, and it is sent only over HTTPS (keel web initssl); nothing was sent`,
        );
        return EXIT.invalid;
      }
      pending = readFileSync(pendingKeyFile(paths.keyFile), 'utf8').trim();
      body.key = pending;
      newKey = nodeCredentialKey(parseClusterKey(pending, pendingKeyFile(paths.keyFile)));
    }
  } else {
    const [opt, module, ...more] = rest;
    const name = opt === '-m' ? module : opt;
    if (!name || (opt === '-m' ? more.length > 0 : rest.length !== 1))
      throw new UsageError('usage: keel -H "<hosts>" -E <module>');
    if (!installedModuleNames(paths.modulesDir).names.includes(name)) {
      io.err(`keel -H -E: module ${name} is not installed on this node`);
      return EXIT.invalid;
    }
    const safe = packModule(readModuleFiles(`${paths.modulesDir}/${name}`));
    body = { module: name, safe: safe.toString('base64'), id: moduleIds(paths.modulesDir).get(name) };
  }
  const from = nodeNameIfKnown(io.env) ?? hostname();
  const targets = parseHosts(spec, context.ctx);
  const participants: Participant[] = targets.map((t) =>
    apiParticipant({
      origin: t.origin,
      key,
      ...(newKey ? { newKey } : {}),
      from,
      ...(context.ca ? { ca: context.ca } : {}),
      body,
    }),
  );
  const { applied, reports } = await runTwoPhase(participants);
  for (const r of reports) {
    io.out(serverBanner(r.label));
    for (const l of r.lines) (r.ok ? io.out : io.err)(l);
  }
  if (!applied) io.err(`keel -H ${flag}: not applied: every server keeps its configuration`);
  if (applied && pending !== undefined) {
    // This node took the new key if it was one of the servers; else it still has the old one.
    if (readFileSync(paths.keyFile, 'utf8').trim() === pending) rmSync(pendingKeyFile(paths.keyFile));
    else
      io.out(
        `note: this node was not among the servers: its key is still the old one (${pendingKeyFile(paths.keyFile)} kept)`,
      );
  }
  return applied ? EXIT.ok : EXIT.invalid;
}

export interface ApiParticipantOptions {
  readonly origin: string;
  /** The node credential every node has now. */
  readonly key: Uint8Array;
  /** The one a committed change gives the node (a new cluster key). */
  readonly newKey?: Uint8Array;
  readonly from: string;
  readonly ca?: string;
  /** What POST /api/v1.0/changes stages. */
  readonly body: unknown;
}

/** One server's side of a change through its api, signed for root with the node credential. */
export function apiParticipant(o: ApiParticipantOptions): Participant {
  const client = (k: Uint8Array) =>
    new WebClient({
      origin: o.origin,
      key: k,
      claim: { from: o.from, user: 'root', role: 'Admin', address: o.from },
      ...(o.ca ? { ca: o.ca } : {}),
    });
  // After a commit that brought the new key, the node checks requests with that one.
  let current = o.key;
  return {
    label: o.origin,
    prepare: async () =>
      ((await client(current).call('POST', '/api/v1.0/changes', o.body)) as { id: string }).id,
    commit: async (id) => {
      await client(current).call('POST', `/api/v1.0/changes/${id}/commit`);
      if (o.newKey) current = o.newKey;
    },
    rollback: async (id) => {
      await client(current).call('POST', `/api/v1.0/changes/${id}/rollback`);
      current = o.key;
    },
    forget: async (id) => {
      await client(current).call('DELETE', `/api/v1.0/changes/${id}`);
    },
  };
}
