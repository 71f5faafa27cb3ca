import { join } from 'node:path';
import type { UserScripts } from '../model/module';
import type { ModulePaths, NodePaths } from './node-paths';

/** Where a module's scripts run: the node's places, the module's, and this node's name. */
export interface ScriptPlace {
  readonly dirs: NodePaths;
  readonly paths: ModulePaths;
  readonly node: string;
}

/**
 * The environment of every module script (reference §6.3), also given to custom checkers and errd
 * handlers: SafeKit's variable names, keel's own
 * (KEEL_NODE: this node's cluster.xml name, as admin found it), the module's `<var>`s, and a PATH
 * that finds the `keel` command (also as `safekit`).
 */
export function scriptEnv(
  { dirs, paths, node }: ScriptPlace,
  user: UserScripts | undefined,
  base: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const bin = join(dirs.home, 'apps', 'cli', 'bin');
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TZ', 'KEEL_NATS_URL']) {
    const v = base[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, {
    SAFE: dirs.home,
    SAFEMODULE: paths.module,
    SAFEBIN: bin,
    SAFEUSERBIN: paths.bin,
    SAFEUSERCONF: paths.conf,
    SAFEVAR: dirs.var,
    SAFEUSERVAR: paths.varDir,
    KEEL_MODULE: paths.module,
    KEEL_NODE: node,
    KEEL_ETC: dirs.etc,
    KEEL_VAR: dirs.var,
    KEEL_HOME: dirs.home,
    PATH: `${bin}:${env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
  });
  for (const v of user?.vars ?? []) env[v.name] = v.value;
  return env;
}

/** `userlog_<year>_<month>_<day>T<time>_<script>.ulog` in the module's variable directory (reference §6.4). */
export function userlogFile(paths: ModulePaths, script: string, at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stampText = `${at.getUTCFullYear()}_${p(at.getUTCMonth() + 1)}_${p(at.getUTCDate())}T${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}${p(at.getUTCMilliseconds(), 3)}`;
  return join(paths.varDir, `userlog_${stampText}_${script}.ulog`);
}
