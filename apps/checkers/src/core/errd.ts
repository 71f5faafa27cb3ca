// errd's judgement of one watched process or service (pure; time and what the poll saw come in).
// Reference §5.10: `proc.<name>` is up while the count condition holds, down otherwise; fewer
// than `atleast` matching processes is a detection, so is reaching `atmax` (with 0: every process
// that starts); judging begins (start_after - 1) polls after the class became active. Once a
// detection has been acted on, nothing more is judged until that action has run its course
// (docs/decisions/0020, errd).
import { selects, type ProcessEntry } from '@keel/procs';
import type { ErrdAction, ProcWatch } from './errd-plan';

/** What one poll found of a watch: the matching processes as `<pid>@<start>`, or a unit's state. */
export interface Sighting {
  readonly count: number;
  readonly keys: readonly string[];
}

export function sightProcesses(w: ProcWatch, table: readonly ProcessEntry[]): Sighting {
  const keys = table.filter((p) => selects(w.selector, p)).map((p) => `${p.pid}@${p.start}`);
  return { count: keys.length, keys };
}

export function sightUnit(active: boolean): Sighting {
  return { count: active ? 1 : 0, keys: [] };
}

/** The module as the engine last published it: Ready or not, and how often it has become Ready. */
export interface ModulePace {
  readonly ready: boolean;
  readonly arrivals: number;
}

export interface ProcMemory {
  /** When its class became active; undefined while inactive. */
  readonly activeSince: number | undefined;
  /** What the last judged poll found (atmax 0 notices the processes that are new). */
  readonly known: readonly string[] | undefined;
  /** The last judged poll found the condition broken. */
  readonly failing: boolean;
  /** An action is under way: asked of admin and not answered yet, or a handler running. */
  readonly acting: boolean;
  /**
   * Admin took the action: judged again once the module has become Ready again since the
   * detection (how often it had been is kept), or once the class has closed and reopened.
   */
  readonly recovering: { readonly arrivals: number } | undefined;
}

export const IDLE: ProcMemory = {
  activeSince: undefined,
  known: undefined,
  failing: false,
  acting: false,
  recovering: undefined,
};

/**
 * Its class is active at `now`, or not. A class that closes forgets what errd saw (admin resets
 * the resource to init), except that an action under way stays under way.
 */
export function classActivity(m: ProcMemory, active: boolean, now: number): ProcMemory {
  if (!active) return m.activeSince === undefined ? m : { ...IDLE, acting: m.acting };
  return m.activeSince === undefined ? { ...IDLE, acting: m.acting, activeSince: now } : m;
}

export type Failure =
  | { readonly kind: 'below'; readonly count: number }
  | { readonly kind: 'max'; readonly count: number }
  | { readonly kind: 'started'; readonly keys: readonly string[] };

export interface Detection {
  /** The module log line (E). */
  readonly message: string;
  readonly action: ErrdAction;
  /** The module's arrivals at Ready when it was made (recovery is counted from there). */
  readonly arrivals: number;
}

export interface Verdict {
  readonly memory: ProcMemory;
  /** The resource's value after this poll; undefined: not judged (inactive, early or held). */
  readonly resource: 'up' | 'down' | undefined;
  readonly detection: Detection | undefined;
}

export interface PollInput {
  readonly now: number;
  readonly pollMs: number;
  readonly sighting: Sighting;
  readonly module: ModulePace;
}

/** One poll of one watch. */
export function judge(w: ProcWatch, before: ProcMemory, input: PollInput): Verdict {
  const idle = (memory: ProcMemory): Verdict => ({ memory, resource: undefined, detection: undefined });
  if (before.activeSince === undefined) return idle(before);
  if (input.now < before.activeSince + Math.max(0, w.startAfter - 1) * input.pollMs) return idle(before);
  let m = before;
  const r = m.recovering;
  if (r && input.module.ready && input.module.arrivals > r.arrivals) m = { ...m, recovering: undefined };
  if (m.acting || m.recovering) return idle(m);

  const known = m.known ?? [];
  const fresh = w.atmax === 0 ? input.sighting.keys.filter((k) => !known.includes(k)) : [];
  const failure = failureOf(w, input.sighting, fresh);
  const judged: ProcMemory = { ...m, known: input.sighting.keys, failing: failure !== undefined };
  if (!failure) return { memory: judged, resource: 'up', detection: undefined };
  // noaction says so once per outage (and once per process that starts, with atmax 0); the
  // actions are taken at every poll that finds the condition broken, once the last one is over.
  const news = !m.failing || failure.kind === 'started';
  if (w.action.kind === 'noaction' && !news)
    return { memory: judged, resource: 'down', detection: undefined };
  return {
    memory: { ...judged, acting: w.action.kind !== 'noaction' },
    resource: 'down',
    detection: { message: detectionText(w, failure), action: w.action, arrivals: input.module.arrivals },
  };
}

/** How the action of a detection ended: taken by admin, refused, or a handler's exit 0. */
export type ActionEnd = 'taken' | 'refused' | 'handled';

export function actionEnded(m: ProcMemory, end: ActionEnd, d: Pick<Detection, 'arrivals'>): ProcMemory {
  return {
    ...m,
    acting: false,
    recovering: end === 'taken' && m.activeSince !== undefined ? { arrivals: d.arrivals } : undefined,
  };
}

function failureOf(w: ProcWatch, s: Sighting, fresh: readonly string[]): Failure | undefined {
  if (w.atleast !== -1 && s.count < w.atleast) return { kind: 'below', count: s.count };
  if (w.atmax > 0 && s.count >= w.atmax) return { kind: 'max', count: s.count };
  if (w.atmax === 0 && fresh.length > 0) return { kind: 'started', keys: fresh };
  return undefined;
}

/** SafeKit's line for a missing process, `Process <name> not running`; what was exceeded otherwise. */
export function detectionText(w: ProcWatch, f: Failure): string {
  const what = `${w.service ? 'Service' : 'Process'} ${w.name}`;
  switch (f.kind) {
    case 'below':
      return f.count === 0
        ? `${what} not running`
        : `${what} not running (${f.count} running, atleast ${w.atleast})`;
    case 'max':
      return `${what}: ${f.count} running, atmax ${w.atmax} reached`;
    case 'started':
      return `${what} started (pid ${f.keys.map((k) => k.split('@')[0]).join(', ')}), atmax 0`;
  }
}

/** What errd reads of the module's switches (core/module-view.ts). */
export interface ErrdSwitches {
  readonly errdOn: boolean;
  errdClassActive(cls: string): boolean;
}

/** The watches whose class is active now (judged while errd is on). */
export function activeWatches(view: ErrdSwitches, procs: readonly ProcWatch[]): ProcWatch[] {
  return procs.filter((w) => view.errdClassActive(w.cls));
}

/** `errd off`, or no class active: nothing of the module is polled at all. */
export function pollWanted(view: ErrdSwitches, procs: readonly ProcWatch[]): boolean {
  return view.errdOn && activeWatches(view, procs).length > 0;
}
