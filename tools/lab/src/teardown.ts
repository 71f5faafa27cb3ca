// Removing a lab, from its live object or from the leftovers of a crashed run: kill every process
// inside its namespaces, unmount everything under its state directory, delete its network
// namespaces and the directory. Works from names alone (no state file needed); idempotent.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { stopForwards } from './lab-forward';
import { join } from 'node:path';
import { NETNS_PREFIX, labPrefix, runRootFromEnv, validateLabName } from './plan';
import {
  fileNsInode,
  listProcs,
  isAlive,
  mountPoints,
  procNsInode,
  procStartTime,
  run,
  signalPid,
  sleep,
  type NsType,
} from './system';

export const NETNS_DIR = '/run/netns';

export class LabTeardownError extends Error {
  override readonly name = 'LabTeardownError';
}

/** Names of the network namespaces in /run/netns (what `ip netns list` shows). */
export function listNetns(): string[] {
  try {
    return readdirSync(NETNS_DIR).sort();
  } catch {
    return [];
  }
}

/** The process that owns a lab built by the library (absent for labs built by the CLI). */
export interface LabOwner {
  readonly pid: number;
  /** procStartTime(pid) when the lab was built: guards against pid reuse. */
  readonly start: string;
}

export function currentOwner(): LabOwner {
  return { pid: process.pid, start: procStartTime(process.pid) ?? '' };
}

export function ownerAlive(owner: LabOwner): boolean {
  return isAlive(owner.pid) && procStartTime(owner.pid) === owner.start;
}

/**
 * The owner recorded in a lab's state file: a LabOwner, null for a lab without owner (built by
 * the CLI, meant to outlive its creator), undefined when there is no readable state file.
 */
export function readOwner(name: string, runRoot: string): LabOwner | null | undefined {
  try {
    const state = JSON.parse(readFileSync(join(runRoot, name, 'lab.json'), 'utf8')) as { owner?: LabOwner };
    return state.owner ?? null;
  } catch {
    return undefined;
  }
}

export type NsInodes = Partial<Record<NsType, ReadonlySet<number>>>;

/** Live processes (not zombies, not this one) that are in any of the given namespaces. */
export function processesIn(inodes: NsInodes): number[] {
  const types = (Object.keys(inodes) as NsType[]).filter((t) => (inodes[t]?.size ?? 0) > 0);
  if (types.length === 0) return [];
  const found: number[] = [];
  for (const p of listProcs()) {
    if (p.pid === process.pid || p.state === 'Z' || p.state === 'X') continue;
    if (types.some((t) => inodes[t]?.has(procNsInode(p.pid, t) ?? -1))) found.push(p.pid);
  }
  return found;
}

/**
 * SIGKILLs every process in the namespaces until none is left or the bound expires; returns the
 * pids still there at the end (normally none).
 */
export async function killAllIn(inodes: NsInodes, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const victims = processesIn(inodes);
    if (victims.length === 0 || Date.now() >= deadline) return victims;
    for (const pid of victims) signalPid(pid, 'SIGKILL');
    await sleep(25);
  }
}

/** Namespace inodes of one lab: its network namespaces and its persistent mnt/uts files. */
export function labNamespaces(name: string, runRoot: string): { netns: string[]; inodes: NsInodes } {
  const netns = listNetns().filter((n) => n.startsWith(labPrefix(name)));
  const net = new Set<number>();
  const mnt = new Set<number>();
  const uts = new Set<number>();
  for (const n of netns) {
    const ino = fileNsInode(join(NETNS_DIR, n));
    if (ino !== undefined) net.add(ino);
  }
  const nsDir = join(runRoot, name, 'ns');
  let files: string[] = [];
  try {
    files = readdirSync(nsDir);
  } catch {
    // no state directory
  }
  for (const f of files) {
    const ino = fileNsInode(join(nsDir, f));
    if (ino === undefined) continue;
    if (f.endsWith('.mnt')) mnt.add(ino);
    else if (f.endsWith('.uts')) uts.add(ino);
  }
  return { netns, inodes: { net, mnt, uts } };
}

async function unmount(path: string): Promise<string | undefined> {
  const r = await run('umount', [path], { timeoutMs: 10_000 });
  if (r.code === 0) return undefined;
  const lazy = await run('umount', ['-l', path], { timeoutMs: 10_000 });
  if (lazy.code === 0 || !mountPoints().includes(path)) return undefined; // or someone else unmounted it
  return `umount ${path}: ${lazy.stderr.trim() || r.stderr.trim()}`;
}

/** Removes one lab by name; safe to call for a lab that does not (or only partly) exist. */
export async function teardownLab(name: string, runRoot: string = runRootFromEnv()): Promise<void> {
  validateLabName(name);
  const runDir = join(runRoot, name);
  const problems: string[] = [];
  const { netns, inodes } = labNamespaces(name, runRoot);
  // The port forwards live in this machine's namespaces: their pids are in the state directory.
  stopForwards(runDir);

  const left = await killAllIn(inodes);
  if (left.length > 0) problems.push(`processes still running in lab '${name}': ${left.join(', ')}`);

  // Deepest first: the nsfs files and private binds, then the state directory's own bind mount.
  const mounts = [...new Set(mountPoints())]
    .filter((m) => m === runDir || m.startsWith(`${runDir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    const problem = await unmount(m);
    if (problem) problems.push(problem);
  }

  for (const n of netns) {
    const r = await run('ip', ['netns', 'delete', n], { timeoutMs: 10_000 });
    if (r.code !== 0 && listNetns().includes(n)) problems.push(`ip netns delete ${n}: ${r.stderr.trim()}`);
  }

  try {
    rmSync(runDir, { recursive: true, force: true });
  } catch (err) {
    problems.push(`rm -rf ${runDir}: ${String(err)}`);
  }
  if (problems.length > 0) {
    throw new LabTeardownError(`teardown of lab '${name}' incomplete:\n${problems.join('\n')}`);
  }
}

export interface CleanupOptions {
  readonly runRoot?: string;
  /**
   * Only labs left by a crashed run: a lab whose owner process is alive, or that has no owner
   * (built by the CLI), is kept. Default false: every matching lab is removed.
   */
  readonly orphansOnly?: boolean;
}

/**
 * Removes the leftovers of crashed runs: every lab whose namespaces start with `prefix`
 * (default `kl-`, i.e. every lab; `kl-<name>-` for one lab) and every state directory under
 * runRoot whose prefix `kl-<dir>-` starts with `prefix`. Returns the lab names removed.
 */
export async function cleanupLeftovers(
  prefix: string = NETNS_PREFIX,
  options: CleanupOptions = {},
): Promise<string[]> {
  const runRoot = options.runRoot ?? runRootFromEnv();
  if (!prefix.startsWith(NETNS_PREFIX)) {
    throw new LabTeardownError(`prefix '${prefix}' must start with '${NETNS_PREFIX}'`);
  }
  const names = new Set<string>();
  for (const n of listNetns()) {
    if (!n.startsWith(prefix)) continue;
    const lab = n.slice(NETNS_PREFIX.length).split('-')[0];
    if (lab) names.add(lab);
  }
  let dirs: string[] = [];
  try {
    dirs = readdirSync(runRoot);
  } catch {
    // nothing there
  }
  for (const d of dirs) if (labPrefix(d).startsWith(prefix)) names.add(d);
  const removed: string[] = [];
  const problems: string[] = [];
  for (const name of [...names].sort()) {
    try {
      validateLabName(name);
    } catch {
      continue; // not one of ours
    }
    if (options.orphansOnly) {
      const owner = readOwner(name, runRoot);
      if (owner === null || (owner && ownerAlive(owner))) continue;
    }
    try {
      await teardownLab(name, runRoot);
      removed.push(name);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new LabTeardownError(problems.join('\n'));
  return removed;
}
