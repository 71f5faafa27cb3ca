// keel's places on a node, from the environment: the one set of defaults that admin, heartbeat,
// rfs, the CLI and every later service use. A variable set but empty counts as unset.
//   KEEL_ETC  (default /etc/keel)       modules/<name>/{conf/userconfig.xml,bin/,id}, bus/
//   KEEL_VAR  (default /var/lib/keel)   cluster/cluster.xml, cluster/cluster.key, modules/<name>/
//   KEEL_HOME (default: the keel tree this code runs from, else /usr/lib/keel) SafeKit's SAFE:
//             apps/cli/bin/keel, deploy/, native/target/release/
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type NodeEnv = Readonly<Record<string, string | undefined>>;

export interface NodePaths {
  /** $KEEL_ETC. */
  readonly etc: string;
  /** $KEEL_VAR. */
  readonly var: string;
  /** $KEEL_HOME: where keel itself is installed. */
  readonly home: string;
  readonly clusterFile: string;
  readonly keyFile: string;
  /** $KEEL_ETC/modules: one directory per installed module. */
  readonly modulesDir: string;
}

/** What marks a keel tree: the CLI every module script calls. */
const HOME_MARK = join('apps', 'cli', 'bin', 'keel');
/** Where a packaged keel lives when no tree is found above the running code. */
const PACKAGED_HOME = '/usr/lib/keel';

const set = (env: NodeEnv, name: string): string | undefined => env[name] || undefined;

export function nodePaths(env: NodeEnv, from: string = __dirname): NodePaths {
  const etc = set(env, 'KEEL_ETC') ?? '/etc/keel';
  const varDir = set(env, 'KEEL_VAR') ?? '/var/lib/keel';
  return {
    etc,
    var: varDir,
    home: keelHome(env, from),
    clusterFile: join(varDir, 'cluster', 'cluster.xml'),
    keyFile: join(varDir, 'cluster', 'cluster.key'),
    modulesDir: join(etc, 'modules'),
  };
}

/**
 * $KEEL_HOME, else the first directory above `from` that holds apps/cli/bin/keel. Root runs the
 * native daemons found there: the walk stops at the first directory someone else could have put
 * a tree in (not owned by this user or root, or writable by group or others, as /tmp is), so a
 * copy of the code left without its tree never takes a planted one (docs/decisions/0015).
 */
export function keelHome(env: NodeEnv, from: string = __dirname): string {
  const explicit = set(env, 'KEEL_HOME');
  if (explicit) return explicit;
  for (let dir = from; closedDirectory(dir, false); dir = dirname(dir)) {
    if (existsSync(join(dir, HOME_MARK))) return onlyRootCanChange(dir) ? dir : PACKAGED_HOME;
    if (dirname(dir) === dir) break;
  }
  return PACKAGED_HOME;
}

/**
 * Whether only this user and root can change what `dir` holds: the directory itself writable by
 * them alone, and every directory above it too, unless sticky (as /tmp: others may write there,
 * but not rename or remove what root made). Root runs programs from such a directory only.
 */
export function onlyRootCanChange(dir: string): boolean {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return false;
  }
  if (!closedDirectory(real, false)) return false;
  for (let up = dirname(real); ; up = dirname(up)) {
    if (!closedDirectory(up, true)) return false;
    if (dirname(up) === up) return true;
  }
}

function closedDirectory(dir: string, stickyIsEnough: boolean): boolean {
  try {
    const st = lstatSync(dir);
    const uid = process.geteuid?.() ?? 0;
    const closed = (st.mode & 0o022) === 0 || (stickyIsEnough && (st.mode & 0o1000) !== 0);
    return st.isDirectory() && (st.uid === uid || st.uid === 0) && closed;
  } catch {
    return false;
  }
}

/** The files of one installed module on this node. */
export interface ModulePaths {
  readonly module: string;
  /** $KEEL_ETC/modules/<module>/conf. */
  readonly conf: string;
  readonly userconfig: string;
  /** Its scripts. */
  readonly bin: string;
  /** $KEEL_VAR/modules/<module>: its state, logs, replication bookkeeping. */
  readonly varDir: string;
  readonly stateFile: string;
  readonly logFile: string;
}

export function modulePaths(paths: NodePaths, module: string): ModulePaths {
  const etc = join(paths.modulesDir, module);
  const varDir = join(paths.var, 'modules', module);
  return {
    module,
    conf: join(etc, 'conf'),
    userconfig: join(etc, 'conf', 'userconfig.xml'),
    bin: join(etc, 'bin'),
    varDir,
    stateFile: join(varDir, 'state.json'),
    logFile: join(varDir, 'module.log'),
  };
}
