import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** keel's variable data directory (SafeKit's SAFEVAR); cluster.xml lives in its cluster/ folder. */
export const keelVar = (env: Readonly<Record<string, string | undefined>>) => env.KEEL_VAR ?? '/var/lib/keel';

export const defaultClusterFile = (env: Readonly<Record<string, string | undefined>>) =>
  join(keelVar(env), 'cluster', 'cluster.xml');

/**
 * A module is given as its userconfig.xml or as its directory, laid out like a SafeKit .safe
 * package (conf/userconfig.xml + bin/) or flat (userconfig.xml beside the scripts).
 */
export function userconfigOf(target: string): string {
  if (existsSync(target) && statSync(target).isDirectory()) {
    const packaged = join(target, 'conf', 'userconfig.xml');
    return existsSync(packaged) ? packaged : join(target, 'userconfig.xml');
  }
  return target;
}

/**
 * A file keel ships (e.g. deploy/nats/nats-server.conf), under $KEEL_HOME or, by default, the
 * installation this CLI runs from (the first parent directory that holds it).
 */
export function shippedFile(env: Readonly<Record<string, string | undefined>>, relative: string): string {
  if (env.KEEL_HOME) return join(env.KEEL_HOME, relative);
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) throw new Error(`${relative} not found above ${__dirname}; set KEEL_HOME`);
  }
}
