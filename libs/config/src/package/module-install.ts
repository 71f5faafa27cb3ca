// A module installed from its package (`keel module install`, the api's install route, `-E`):
// nothing half-installed. The files are unpacked in a private directory under
// <modules>/.staging/ (same file system, so the final step is a rename), checked there by the same
// check as `keel confcheck`, and only then renamed to <modules>/<name>; a module already there is
// moved aside first and put back if the rename fails. `.staging` holds no conf/userconfig.xml, so no
// service ever takes it, or a half-written module in it, for a module.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { installedModuleNames } from '../node/module-discovery';
import { assignModuleIds, parseModuleId } from '../node/module-ids';
import type { NodeEnv } from '../node/node-paths';
import { checkModuleDir } from './module-check';
import { moduleNameProblem, type ModuleFile } from './module-package';

/** Why a module was not installed or uninstalled; nothing was changed. */
export class ModuleInstallError extends Error {
  override readonly name = 'ModuleInstallError';
}

export const STAGING_DIR = '.staging';

/** The lowest module id no other module holds (ids number the module's ports). Pure. */
export function nextModuleId(taken: ReadonlySet<number>): number {
  let id = 1;
  while (taken.has(id)) id += 1;
  return id;
}

/** The ids of the installed modules that have an id file, by name. */
export function installedModuleIds(modulesDir: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const name of installedModuleNames(modulesDir).names) {
    try {
      const id = parseModuleId(readFileSync(join(modulesDir, name, 'id'), 'utf8'));
      if (id !== undefined) ids.set(name, id);
    } catch {
      /* no id file: its id is derived (module-ids.ts) */
    }
  }
  return ids;
}

/** Every installed module's id: its id file's, else the one derived today (module-ids.ts). */
export function moduleIdsOf(modulesDir: string): Map<string, number> {
  const files = installedModuleIds(modulesDir);
  const names = installedModuleNames(modulesDir).names;
  return new Map(assignModuleIds(names.map((name) => ({ name, id: files.get(name) }))).ids);
}

/**
 * The id a module installed as `name` gets, and the ids the other modules hold: theirs from their
 * id files or, without one, the id they are given today (module-ids.ts), so installing a module
 * never moves another module's ports. Throws when `wanted` is another module's.
 */
export function moduleIdFor(modulesDir: string, name: string, wanted?: number): number {
  const files = installedModuleIds(modulesDir);
  const others = installedModuleNames(modulesDir).names.filter((n) => n !== name);
  const held = assignModuleIds(others.map((n) => ({ name: n, id: files.get(n) }))).ids;
  const id = wanted ?? files.get(name) ?? nextModuleId(new Set(held.values()));
  if (parseModuleId(String(id)) === undefined)
    throw new ModuleInstallError(`module id ${id} is not a whole number from 1 to 1000`);
  const holder = [...held].find(([, v]) => v === id);
  if (holder) throw new ModuleInstallError(`module id ${id} is already the id of module ${holder[0]}`);
  return id;
}

/** A module's files as a package holds them: conf/, bin/, web/; a symbolic link is refused. */
export function readModuleFiles(dir: string): ModuleFile[] {
  const out: ModuleFile[] = [];
  const walk = (rel: string) => {
    const full = join(dir, rel);
    const st = lstatSync(full);
    if (st.isSymbolicLink())
      throw new ModuleInstallError(`${full} is a symbolic link: a package holds only files`);
    if (st.isDirectory()) {
      for (const e of readdirSync(full).sort()) walk(`${rel}/${e}`);
      return;
    }
    if (!st.isFile()) throw new ModuleInstallError(`${full} is not a file`);
    out.push({ path: rel, mode: st.mode & 0o100 ? 0o755 : 0o644, data: readFileSync(full) });
  };
  if (!existsSync(join(dir, 'conf', 'userconfig.xml')))
    throw new ModuleInstallError(`${dir} is not a module: no conf/userconfig.xml`);
  for (const top of ['conf', 'bin', 'web']) if (existsSync(join(dir, top))) walk(top);
  return out;
}

export interface InstallRequest {
  readonly modulesDir: string;
  readonly clusterFile: string;
  readonly env: NodeEnv;
  readonly name: string;
  readonly files: readonly ModuleFile[];
  /** The module id (-M, or the sending node's with -E); else the module's own, else the next free one. */
  readonly id?: number;
  /** Replace a module of that name (-r). */
  readonly replace: boolean;
  /** Names the package in messages (`mirror.safe`). */
  readonly source: string;
}

export interface Installed {
  readonly name: string;
  readonly id: number;
  readonly replaced: boolean;
  readonly warnings: readonly string[];
}

/** Installs the module, or throws (ModuleInstallError, ConfigError) with nothing changed. */
export function installModule(r: InstallRequest): Installed {
  const problem = moduleNameProblem(r.name);
  if (problem) throw new ModuleInstallError(problem);
  const target = join(r.modulesDir, r.name);
  const exists = existsSync(target);
  if (exists && !r.replace)
    throw new ModuleInstallError(`module ${r.name} is already installed (reinstall with -r)`);
  const id = moduleIdFor(r.modulesDir, r.name, r.id);

  const staging = stagingDir(r.modulesDir);
  const staged = mkdtempSync(join(staging, `${r.name}-`));
  let aside: string | undefined;
  try {
    for (const f of r.files) {
      const file = join(staged, f.path);
      mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
      writeFileSync(file, f.data, { mode: f.mode, flag: 'wx' });
      chmodSync(file, f.mode);
    }
    writeFileSync(join(staged, 'id'), `${id}\n`, { mode: 0o644 });
    chmodSync(staged, 0o755);
    const installed = [...new Set([...installedModuleNames(r.modulesDir).names, r.name])];
    const { warnings } = checkModuleDir(
      staged,
      { clusterFile: r.clusterFile, installed, env: r.env },
      `${r.source}:conf/userconfig.xml`,
    );
    if (exists) {
      aside = `${staged}.previous`;
      renameSync(target, aside);
    }
    try {
      renameSync(staged, target);
    } catch (e) {
      if (aside) renameSync(aside, target);
      aside = undefined;
      throw e;
    }
    return { name: r.name, id, replaced: exists, warnings: warnings.map((w) => w.toString()) };
  } finally {
    rmSync(staged, { recursive: true, force: true });
    if (aside) rmSync(aside, { recursive: true, force: true });
  }
}

/** Removes an installed module's directory: moved into .staging first, so it goes at once. */
export function uninstallModule(modulesDir: string, name: string): void {
  const problem = moduleNameProblem(name);
  if (problem) throw new ModuleInstallError(problem);
  const installed = installedModuleNames(modulesDir).names;
  if (!installed.includes(name))
    throw new ModuleInstallError(`unknown module ${name} (installed: ${installed.join(', ') || 'none'})`);
  const gone = mkdtempSync(join(stagingDir(modulesDir), `${name}-removed-`));
  renameSync(join(modulesDir, name), join(gone, name));
  rmSync(gone, { recursive: true, force: true });
}

/** The private staging directory under `parent` (0700, never a link), made if missing. */
export function stagingDir(modulesDir: string): string {
  mkdirSync(modulesDir, { recursive: true, mode: 0o755 });
  const dir = join(modulesDir, STAGING_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink())
    throw new ModuleInstallError(`${dir} is not a directory: remove it`);
  chmodSync(dir, 0o700);
  return dir;
}
