// A module package (.safe, safekit-ops §10.1 "Module package tree"): conf/userconfig.xml, other
// conf/ files (modulekey.*, the obsolete userconfig.xml.template), bin/ scripts, and the obsolete
// web/ (kept, unused). Pure: entries of a zip to the files of a module, and back.
import { readZip, writeZip, ZipError, type ZipEntry, type ZipInput, type ZipLimits } from './zip';

export const PACKAGE_USERCONFIG = 'conf/userconfig.xml';
const TOP = ['conf', 'bin', 'web'];

/** One file of a module, relative to its directory (`conf/userconfig.xml`, `bin/start_prim`). */
export interface ModuleFile {
  readonly path: string;
  /** 0644 or 0755: what keel writes, whatever the archive said. */
  readonly mode: number;
  readonly data: Buffer;
}

/** A module name: what a directory under modules/ and a bus subject can safely be named. */
export const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function moduleNameProblem(name: string): string | undefined {
  if (!MODULE_NAME.test(name) || name === 'node')
    return `${JSON.stringify(name)} is not a module name: [A-Za-z0-9_-]{1,64}, not "node"`;
  return undefined;
}

/**
 * The files of a package, from its zip: every entry checked (zip.ts), one top directory around
 * everything dropped (a module directory zipped from outside), only conf/, bin/ and web/, and
 * conf/userconfig.xml present. Scripts of bin/ are executable (0755) when the archive does not
 * say otherwise (zips made on Windows carry no modes); nothing is ever setuid, setgid or writable
 * by group or others. Throws ZipError naming the entry.
 */
export function unpackModule(zip: Buffer, limits?: ZipLimits): ModuleFile[] {
  const entries = readZip(zip, limits);
  const files = stripWrapper(entries);
  for (const e of files) {
    const top = e.name.split('/')[0];
    if (!TOP.includes(top))
      throw new ZipError(`not part of a module package (only ${TOP.map((t) => `${t}/`).join(', ')})`, e.name);
  }
  const out = files.filter((e) => !e.directory).map((e) => ({ path: e.name, mode: modeOf(e), data: e.data }));
  // `bin/x` as a file beside `bin/x/y`: one of them could not be written.
  const paths = new Set(out.map((f) => f.path));
  for (const f of out) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const dir = parts.slice(0, i).join('/');
      if (paths.has(dir)) throw new ZipError(`a file, and the directory of ${f.path}`, dir);
    }
  }
  if (!out.some((f) => f.path === PACKAGE_USERCONFIG))
    throw new ZipError(`no ${PACKAGE_USERCONFIG}: not a module package`);
  return out;
}

function modeOf(e: ZipEntry & { name: string }): number {
  const exec = e.mode === undefined ? e.name.startsWith('bin/') : (e.mode & 0o100) !== 0;
  return exec ? 0o755 : 0o644;
}

function stripWrapper(entries: ZipEntry[]): ZipEntry[] {
  if (entries.some((e) => e.name === PACKAGE_USERCONFIG)) return entries;
  const tops = new Set(entries.map((e) => e.name.split('/')[0]));
  if (tops.size !== 1 || entries.some((e) => !e.name.includes('/'))) return entries;
  const [top] = [...tops];
  const inner = entries
    .map((e) => ({ ...e, name: e.name.slice(top.length + 1) }))
    .filter((e) => e.name !== '');
  return inner.some((e) => e.name === PACKAGE_USERCONFIG) ? inner : entries;
}

/** The zip of a module's files, in path order (the same files make the same bytes). */
export function packModule(files: readonly ModuleFile[]): Buffer {
  if (!files.some((f) => f.path === PACKAGE_USERCONFIG))
    throw new ZipError(`no ${PACKAGE_USERCONFIG}: not a module`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const inputs: ZipInput[] = sorted.map((f) => ({ name: f.path, mode: f.mode, data: f.data }));
  return writeZip(inputs);
}
