// The node's side of a configuration applied to every node in two phases (`keel -G`, `keel -E`,
// docs/decisions/0022): prepare checks the change and writes it in a private directory beside its
// place (same file system: the commit is a rename); commit moves what is in place aside and
// renames the staged files in; rollback puts back what was aside; forget ends the change (drops
// what was staged or put aside). A prepared change that is neither committed nor forgotten within
// STAGE_TTL_MS is dropped at the next call, so a coordinator that died leaves nothing applied.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, ConfigIssue, IssueSink } from '../errors';
import { parseClusterConfig, parseModuleConfig } from '../load';
import { parseClusterKey } from '../node/cluster-key';
import { installedModuleNames } from '../node/module-discovery';
import type { NodeEnv, NodePaths } from '../node/node-paths';
import { checkModuleAgainstCluster } from '../relations/module-cluster';
import { checkModuleDir } from '../package/module-check';
import { moduleIdFor, ModuleInstallError, stagingDir } from '../package/module-install';
import { moduleNameProblem, type ModuleFile } from '../package/module-package';

export const STAGE_TTL_MS = 5 * 60_000;

export type ChangePhase = 'prepared' | 'committed' | 'rolledback';

/** One path replaced by the change: `staged` renamed to `target`, what was there kept in `aside`. */
interface Replacement {
  readonly target: string;
  readonly staged: string;
  readonly aside: string;
  /** Whether something was at `target` before the commit. */
  existed?: boolean;
}

interface Change {
  readonly id: string;
  readonly what: string;
  readonly dirs: readonly string[];
  readonly items: readonly Replacement[];
  phase: ChangePhase;
  readonly at: number;
}

export class ChangeError extends Error {
  override readonly name = 'ChangeError';
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

export interface ClusterChange {
  readonly cluster: string;
  /** A new cluster key (hex), or undefined to keep this node's. */
  readonly key?: string;
}

export interface ModuleChange {
  readonly name: string;
  readonly files: readonly ModuleFile[];
  readonly id?: number;
}

export class StagedChanges {
  private readonly changes = new Map<string, Change>();

  constructor(
    private readonly paths: NodePaths,
    private readonly env: NodeEnv,
    private readonly now: () => number,
    /** The wall clock, to compare with the files' dates. */
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Checks a cluster.xml (and key) against this node's installed modules and stages it. */
  prepareCluster(c: ClusterChange): { id: string; what: string } {
    this.expire();
    const cluster = parseClusterConfig(c.cluster, 'cluster.xml');
    const sink = new IssueSink();
    for (const name of installedModuleNames(this.paths.modulesDir).names) {
      const file = join(this.paths.modulesDir, name, 'conf', 'userconfig.xml');
      try {
        const { config } = parseModuleConfig(readFileSync(file, 'utf8'), file, { env: this.env });
        checkModuleAgainstCluster(config, cluster, sink);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        // A module that does not load today is not this change's business.
      }
    }
    if (c.key !== undefined) {
      try {
        parseClusterKey(c.key, 'cluster.key');
      } catch (e) {
        throw new ConfigError([
          new ConfigIssue({ file: 'cluster.key', path: '/', line: 0, column: 0 }, (e as Error).message),
        ]);
      }
    }
    sink.throwIfAny();
    const dir = this.stageDir(dirname(this.paths.clusterFile));
    writeFileSync(join(dir, 'cluster.xml'), c.cluster, { mode: 0o644 });
    const items: Replacement[] = [replacement(this.paths.clusterFile, join(dir, 'cluster.xml'), dir)];
    if (c.key !== undefined) {
      writeFileSync(join(dir, 'cluster.key'), `${c.key.trim()}\n`, { mode: 0o600 });
      items.push(replacement(this.paths.keyFile, join(dir, 'cluster.key'), dir));
    }
    return this.add('cluster.xml' + (c.key ? ' and cluster.key' : ''), [dir], items);
  }

  /** Checks a module as `keel confcheck` does, in a private directory, and stages it. */
  prepareModule(m: ModuleChange, source: string): { id: string; what: string; moduleId: number } {
    this.expire();
    const problem = moduleNameProblem(m.name);
    if (problem) throw new ModuleInstallError(problem);
    const moduleId = moduleIdFor(this.paths.modulesDir, m.name, m.id);
    const dir = this.stageDir(this.paths.modulesDir);
    const staged = join(dir, m.name);
    for (const f of m.files) {
      const file = join(staged, f.path);
      mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
      writeFileSync(file, f.data, { mode: f.mode, flag: 'wx' });
      chmodSync(file, f.mode);
    }
    writeFileSync(join(staged, 'id'), `${moduleId}\n`, { mode: 0o644 });
    try {
      const installed = [...new Set([...installedModuleNames(this.paths.modulesDir).names, m.name])];
      checkModuleDir(
        staged,
        { clusterFile: this.paths.clusterFile, installed, env: this.env },
        `${source}:conf/userconfig.xml`,
      );
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const change = this.add(
      `module ${m.name}`,
      [dir],
      [replacement(join(this.paths.modulesDir, m.name), staged, dir)],
    );
    return { ...change, moduleId };
  }

  commit(id: string): void {
    const c = this.get(id, 'prepared');
    const done: Replacement[] = [];
    try {
      for (const r of c.items) {
        r.existed = existsSync(r.target);
        if (r.existed) renameSync(r.target, r.aside);
        renameSync(r.staged, r.target);
        done.push(r);
      }
    } catch (e) {
      undo(done);
      throw e;
    }
    c.phase = 'committed';
  }

  rollback(id: string): void {
    const c = this.get(id, 'committed');
    undo([...c.items]);
    c.phase = 'rolledback';
  }

  /** Ends the change: whatever was staged or put aside is removed. */
  forget(id: string): ChangePhase {
    const c = this.changes.get(id);
    if (!c) throw new ChangeError(`no change ${id} on this node (expired or never prepared)`, 404);
    this.drop(c);
    return c.phase;
  }

  private add(what: string, dirs: string[], items: Replacement[]): { id: string; what: string } {
    // One change of a file at a time: a rollback of the first would undo the second.
    const busy = [...this.changes.values()].find((c) =>
      c.items.some((i) => items.some((j) => j.target === i.target)),
    );
    if (busy) {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      throw new ChangeError(
        `another change of ${busy.what} (${busy.id}) is under way on this node; try again when it ends`,
        409,
      );
    }
    const id = randomBytes(12).toString('hex');
    this.changes.set(id, { id, what, dirs, items, phase: 'prepared', at: this.now() });
    return { id, what };
  }

  private get(id: string, phase: ChangePhase): Change {
    this.expire();
    const c = this.changes.get(id);
    if (!c) throw new ChangeError(`no change ${id} on this node (expired or never prepared)`, 404);
    if (c.phase !== phase) throw new ChangeError(`change ${id} is ${c.phase}, not ${phase}`, 409);
    return c;
  }

  /** A prepared change left alone too long is dropped; a committed one stays applied. */
  private expire(): void {
    for (const c of this.changes.values()) if (this.now() - c.at > STAGE_TTL_MS) this.drop(c);
  }

  private drop(c: Change): void {
    for (const d of c.dirs) rmSync(d, { recursive: true, force: true });
    this.changes.delete(c.id);
  }

  /**
   * Removes what a change left in `staging` when the api stopped before it ended (its record was
   * in memory): a directory no change holds and older than STAGE_TTL_MS.
   */
  private sweep(staging: string): void {
    const held = new Set([...this.changes.values()].flatMap((c) => c.dirs));
    for (const name of readdirSync(staging)) {
      const dir = join(staging, name);
      if (!name.startsWith('change-') || held.has(dir)) continue;
      if (this.wallNow() - lstatSync(dir).mtimeMs > STAGE_TTL_MS)
        rmSync(dir, { recursive: true, force: true });
    }
  }

  private stageDir(parent: string): string {
    const staging = stagingDir(parent);
    this.sweep(staging);
    return mkdtempSync(join(staging, 'change-'));
  }
}

function replacement(target: string, staged: string, dir: string): Replacement {
  return { target, staged, aside: join(dir, `previous-${target.split('/').pop() ?? 'x'}`) };
}

/** Puts back what a commit replaced, last first. */
function undo(done: Replacement[]): void {
  for (const r of done.reverse()) {
    rmSync(r.target, { recursive: true, force: true });
    if (r.existed) renameSync(r.aside, r.target);
  }
}
