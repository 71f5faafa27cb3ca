import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** keel's directories; SafeKit's SAFE, SAFEVAR … map onto them for scripts (see scriptEnv). */
export interface KeelDirs {
  /** Installed modules: <etc>/modules/<AM>/{conf/userconfig.xml,bin/}. */
  readonly etc: string;
  /** Variable data: <var>/cluster/cluster.xml, <var>/modules/<AM>/ (state, logs). */
  readonly var: string;
  /** Where keel itself is installed (SAFE); holds apps/cli/bin/keel. */
  readonly home: string;
}

export const keelDirs = (env: Env): KeelDirs => ({
  etc: env.KEEL_ETC ?? '/etc/keel',
  var: env.KEEL_VAR ?? '/var/lib/keel',
  home: env.KEEL_HOME ?? join(__dirname, '../../../..'),
});

/** The files of one module on this node. */
export interface ModulePaths {
  readonly module: string;
  readonly userconfig: string;
  readonly bin: string;
  readonly conf: string;
  readonly varDir: string;
  readonly stateFile: string;
  readonly logFile: string;
}

export function modulePaths(dirs: KeelDirs, module: string): ModulePaths {
  const etc = join(dirs.etc, 'modules', module);
  const varDir = join(dirs.var, 'modules', module);
  return {
    module,
    userconfig: join(etc, 'conf', 'userconfig.xml'),
    conf: join(etc, 'conf'),
    bin: join(etc, 'bin'),
    varDir,
    stateFile: join(varDir, 'state.json'),
    logFile: join(varDir, 'module.log'),
  };
}

export const clusterFile = (dirs: KeelDirs) => join(dirs.var, 'cluster', 'cluster.xml');
