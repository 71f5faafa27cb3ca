// The programs a module names besides its scripts: custom checkers' `exec` and errd handlers
// (reference §5.10, §5.16). A relative name is the module's bin directory's (SAFEUSERBIN). Both
// are run by keel as root with execve, so one that is missing or not executable is a
// configuration error naming its element, found when the module is checked, not when the checker
// or the handler is first needed; and so is one that a user other than root could change (the
// file, through a link or not, or a directory above it): root would run that user's program.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { onlyRootCanChange } from '../node/node-paths';
import type { IssueSink } from '../errors';
import type { ModuleConfig } from '../model/module';

/** errd's built-in actions; any other value names a handler executable. */
export const ERRD_ACTIONS = ['restart', 'stopstart', 'stop', 'noaction'] as const;

/** The file a module's `exec` or handler names: absolute as is, else in the module's bin directory. */
export function moduleExecutable(name: string, binDir: string): string {
  return isAbsolute(name) ? normalize(name) : join(binDir, name);
}

/** Adds an issue for each custom checker and errd handler that is not an executable file. */
export function checkModuleExecutables(m: ModuleConfig, binDir: string, sink: IssueSink): void {
  for (const c of m.check.custom) {
    const problem = executableProblem(c.exec, binDir);
    if (problem) sink.add(c.loc, `custom checker ${c.ident}: ${problem}`, 'exec');
  }
  for (const p of m.errd?.procs ?? []) {
    if ((ERRD_ACTIONS as readonly string[]).includes(p.action)) continue;
    const problem = executableProblem(p.action, binDir);
    if (problem) sink.add(p.loc, `errd handler of ${p.name}: ${problem}`, 'action');
  }
}

function executableProblem(name: string, binDir: string): string | undefined {
  if (!isAbsolute(name) && normalize(name).split('/').includes('..'))
    return `${name} must stay in the module's bin directory (no "..")`;
  const file = moduleExecutable(name, binDir);
  try {
    const st = statSync(file);
    if (!st.isFile()) return `${file} is not a file`;
    accessSync(file, constants.X_OK);
    const real = realpathSync(file);
    const uid = process.geteuid?.() ?? 0;
    if ((st.uid !== 0 && st.uid !== uid) || (st.mode & 0o022) !== 0 || !onlyRootCanChange(dirname(real)))
      return `${file} is refused: it, or a directory above it, can be changed by users other than root`;
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${file} does not exist` : `${file} is not executable (${code})`;
  }
}
