import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nodePaths, type NodeEnv } from '@keel/config';

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
 * Where a module's programs are (SAFEUSERBIN): bin/ of a packaged module, the directory of a flat
 * one, bin/ beside the conf/ directory a userconfig.xml is in.
 */
export function binDirOf(target: string): string {
  if (existsSync(target) && statSync(target).isDirectory())
    return existsSync(join(target, 'conf', 'userconfig.xml')) ? join(target, 'bin') : target;
  const dir = dirname(target);
  return basename(dir) === 'conf' ? join(dirname(dir), 'bin') : dir;
}

/** A file keel ships (e.g. deploy/nats/nats-server.conf), in keel's home (KEEL_HOME, node-paths.ts). */
export function shippedFile(env: NodeEnv, relative: string): string {
  const file = join(nodePaths(env).home, relative);
  if (!existsSync(file)) throw new Error(`${file} not found; set KEEL_HOME to where keel is installed`);
  return file;
}
