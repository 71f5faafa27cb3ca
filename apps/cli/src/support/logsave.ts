// `keel logsave -m AM [-A] <absolute path>` (safekit-ops §9.4): the module log, oldest line first,
// across its rotated files (module.log.<n>, docs/decisions/0011) and the current one, into one
// file (mode 0600, atomically); without -A only its I and E lines, as `keel log` prints them.
import { join } from 'node:path';
import { modulePaths, nodePaths, type NodeEnv } from '@keel/config';
import { KeelFiles } from './keel-files';
import { writeFileAtomic } from './output-file';

/** One module log file at most this much (the log rotates at 10 MiB by default). */
const FILE_MAX_BYTES = 256 << 20;

/** Writes the log to `target` and returns how many lines it holds. */
export function saveModuleLog(env: NodeEnv, module: string, target: string, verbose: boolean): number {
  const paths = nodePaths(env);
  const mod = modulePaths(paths, module);
  const files = new KeelFiles([paths.etc, paths.var]);
  const base = 'module.log';
  const rotated = files
    .list(mod.varDir)
    .filter((n) => n.startsWith(`${base}.`) && /^[1-9]\d*$/.test(n.slice(base.length + 1)))
    .sort((a, b) => Number(a.slice(base.length + 1)) - Number(b.slice(base.length + 1)));
  const lines: string[] = [];
  for (const name of [...rotated, base]) {
    const t = files.tail(join(mod.varDir, name), FILE_MAX_BYTES);
    if (!t) continue;
    const text = t.data.toString('utf8').split('\n');
    for (const l of t.truncated ? text.slice(1) : text)
      if (l !== '' && (verbose || !/^\S+ \S+ V /.test(l))) lines.push(l);
  }
  writeFileAtomic(target, lines.length > 0 ? lines.join('\n') + '\n' : '');
  return lines.length;
}
