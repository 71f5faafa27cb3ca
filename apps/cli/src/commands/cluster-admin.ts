// `keel cluster config|confinfo|state|genkey|delkey` (safekit-ops §9.2, §12.3) on this node. A new
// cluster.xml is checked, against every installed module too, and put in place by the same staged
// change the api applies for `keel -G` (libs/config/src/apply/), so a refused one changes nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  ConfigError,
  clusterInfo,
  confinfoText,
  moduleInfoText,
  modulesInfo,
  nodeNameIfKnown,
  nodePaths,
  StagedChanges,
  type NodeEnv,
} from '@keel/config';
import { CliIo, EXIT, UsageError } from '../io';
import { reportConfigError } from './report-config-error';

export const CLUSTER_ADMIN = ['config', 'confinfo', 'state', 'genkey', 'delkey'];

/** Where `cluster genkey` leaves a new key for `-G` to give every node. */
export const pendingKeyFile = (keyFile: string) => `${keyFile}.new`;

/** A new random cluster key, as cluster-key.ts describes it: 32 bytes in hex. */
export const newClusterKey = () => randomBytes(32).toString('hex');

/** Applies a cluster.xml text (and key) on this node, or throws with nothing changed. */
export function applyClusterLocally(env: NodeEnv, cluster: string, key?: string): string {
  const staged = new StagedChanges(nodePaths(env), env, () => Date.now());
  const change = staged.prepareCluster(key === undefined ? { cluster } : { cluster, key });
  staged.commit(change.id);
  staged.forget(change.id);
  return change.what;
}

const nodeName = (env: NodeEnv) => nodeNameIfKnown(env) ?? hostname();

export function clusterAdmin(sub: string, args: readonly string[], io: CliIo): number {
  const paths = nodePaths(io.env);
  try {
    switch (sub) {
      case 'config': {
        if (args.length > 1 || args.some((a) => a.startsWith('-')))
          throw new UsageError('usage: keel cluster config [<cluster.xml>]');
        const file = args[0] ?? paths.clusterFile;
        const text = readFileSync(file, 'utf8');
        // A node without a key gets one (SafeKit makes keys at each config; keel keeps a key
        // that exists, since the other nodes share it: `cluster genkey` makes a new one).
        const key = existsSync(paths.keyFile) ? undefined : newClusterKey();
        const what = applyClusterLocally(io.env, text, key);
        io.out(`${what} applied on this node from ${file}; apply it on every node: keel -H "*" -G`);
        return EXIT.ok;
      }
      case 'confinfo':
        if (args.length > 0) throw new UsageError('usage: keel cluster confinfo');
        io.out('Node Signature Date Lock');
        io.out(confinfoText(clusterInfo(paths, nodeName(io.env))));
        return EXIT.ok;
      case 'state': {
        if (args.length > 0) throw new UsageError('usage: keel cluster state');
        io.out('Node Module Mode Id Date Signature');
        for (const m of modulesInfo(paths, io.env, nodeName(io.env))) io.out(moduleInfoText(m));
        return EXIT.ok;
      }
      case 'genkey': {
        // The new key waits beside the current one: `-G` must still sign with the key every node
        // has, and gives the new one to every node, this one included (docs/decisions/0022).
        if (args.length > 0) throw new UsageError('usage: keel cluster genkey');
        const file = pendingKeyFile(paths.keyFile);
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, `${newClusterKey()}\n`, { mode: 0o600, flag: 'wx' });
        renameSync(tmp, file);
        io.out(`new cluster key in ${file}; it takes effect with keel -H "*" -G (over HTTPS)`);
        return EXIT.ok;
      }
      case 'delkey':
        io.err(
          'keel cluster delkey: keel cannot run without a cluster key: every node-to-node message is authenticated with it (keel cluster genkey makes a new one)',
        );
        return EXIT.invalid;
      default:
        throw new UsageError(`unknown cluster command '${sub}'`);
    }
  } catch (e) {
    if (e instanceof ConfigError) return reportConfigError(e, io);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      io.err(`keel cluster ${sub}: ${(e as Error).message}`);
      return EXIT.invalid;
    }
    throw e;
  }
}
