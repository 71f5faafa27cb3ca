// errd's plan for one module (pure): each `<proc>` (reference §5.10) with its selector compiled
// once, its resource, its class, its criteria and what a detection does.
import { moduleExecutable, type Errd, type ProcMonitor } from '@keel/config';
import { procSelector, type ProcSelector } from '@keel/procs';

export type ErrdAction =
  | { readonly kind: 'restart' | 'stopstart' | 'stop' | 'noaction' }
  /** A program of the module's: exit 0 = handled, anything else = stopstart by errd. */
  | { readonly kind: 'handler'; readonly file: string };

export interface ProcWatch {
  /** `proc.<name>`. */
  readonly resource: string;
  readonly name: string;
  /** A systemd unit (`systemctl is-active`) rather than processes. */
  readonly service: boolean;
  readonly selector: ProcSelector;
  readonly cls: string;
  /** Fewer matching processes is a detection; -1: no minimum. */
  readonly atleast: number;
  /** Reaching it is a detection; 0: each process that starts is; -1: no maximum. */
  readonly atmax: number;
  /** Judged from (start_after - 1) polls after its class became active. */
  readonly startAfter: number;
  readonly action: ErrdAction;
  /** restart_services: the services a restart's scripts are asked to restart (`-Services`). */
  readonly restartServices: string | undefined;
}

export interface ErrdPlan {
  readonly pollMs: number;
  readonly procs: readonly ProcWatch[];
}

/** A polltimer of 0 would poll without pause: one second at least. */
export const MIN_POLL_MS = 1_000;

const BUILTIN = new Set(['restart', 'stopstart', 'stop', 'noaction']);

/** Throws EreError on a regex confcheck would have refused. */
export function planErrd(errd: Errd, bin: string): ErrdPlan {
  return {
    pollMs: Math.max(MIN_POLL_MS, errd.polltimer * 1000),
    procs: errd.procs.map((p) => procWatch(p, bin)),
  };
}

function procWatch(p: ProcMonitor, bin: string): ProcWatch {
  return {
    resource: `proc.${p.name}`,
    name: p.name,
    service: p.service,
    selector: procSelector(p),
    cls: p.class,
    atleast: p.atleast,
    atmax: p.atmax,
    startAfter: p.startAfter,
    action: BUILTIN.has(p.action)
      ? { kind: p.action as 'restart' | 'stopstart' | 'stop' | 'noaction' }
      : { kind: 'handler', file: moduleExecutable(p.action, bin) },
    restartServices: p.restartServices,
  };
}
