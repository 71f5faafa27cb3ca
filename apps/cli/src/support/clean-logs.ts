// `keel clean log [-m AM]` (safekit-ops §9.5 `safekit clean log`): wipes a module's log (module.log
// and its rotated files, docs/decisions/0011) when it is damaged. Only files of those exact names
// in the module's variable directory, never through a link (unlink removes a link, not its target).
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { modulePaths, nodePaths, type NodeEnv } from '@keel/config';

const LOG_FILE = /^module\.log(\.[1-9]\d*)?$/;

/** Removes the module's log files and returns their names. */
export function cleanModuleLog(env: NodeEnv, module: string): string[] {
  const dir = modulePaths(nodePaths(env), module).varDir;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => LOG_FILE.test(n)).sort()) {
    const file = join(dir, name);
    if (lstatSync(file).isDirectory()) continue;
    unlinkSync(file);
    removed.push(name);
  }
  return removed;
}
