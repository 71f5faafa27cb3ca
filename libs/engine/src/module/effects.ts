import { ModuleState, Readiness } from './states';

/** Checker and errd activation windows, opened after start_<x> and closed before stop_<x> (reference §5.10-5.11). */
export type Window = 'pre' | 'prim' | 'second' | 'sec' | 'both';

/**
 * What the engine asks the outside world to do. The reducer never does it itself; the module
 * service (apps/admin) carries effects out in order and reports back (`scriptDone`,
 * `replicationReady`).
 */
export type Effect =
  | { readonly kind: 'state'; readonly state: ModuleState; readonly readiness: Readiness }
  /** `token` comes back in `scriptDone`, so a late completion of an abandoned script is ignored. */
  | {
      readonly kind: 'script';
      readonly name: string;
      readonly args: readonly string[];
      readonly token: number;
    }
  /**
   * A farm's `drain` (keel, beyond SafeKit): this node gives its buckets to the others and waits
   * until they serve them, before its stop scripts, so that no new client meets a stopping
   * application (docs/decisions/0017).
   */
  | { readonly kind: 'vip'; readonly op: 'set' | 'remove' | 'drain' }
  | {
      readonly kind: 'replication';
      readonly role: 'primary' | 'secondary' | 'stopped';
      readonly full: boolean;
      /** A secondary's `secondforce -d`: copy the files modified since (seconds since the epoch). */
      readonly since?: number;
      /**
       * `full` only because this copy never synchronised with the pair (a restored backup is such
       * a copy): an `rfssync external` policy may replace it. Absent when anything else asks for a
       * full copy (`second fullsync`, the peer's `prim fullsync`, an interrupted synchronisation).
       */
      readonly newCopy?: true;
    }
  | { readonly kind: 'window'; readonly window: Window; readonly open: boolean }
  | { readonly kind: 'log'; readonly level: 'I' | 'E' | 'V'; readonly text: string }
  | { readonly kind: 'reply'; readonly id: string; readonly ok: boolean; readonly message: string }
  /**
   * The lease arbiter (docs/decisions/0019): `acquire` contends for the module's lease, answered by
   * the `lease` input `held` with the same token; `release` gives it up (or stops contending) once
   * the application, the VIP and the replication are gone.
   */
  | { readonly kind: 'lease'; readonly op: 'acquire'; readonly token: number }
  | { readonly kind: 'lease'; readonly op: 'release' }
  /** Reboot the node instead of a stopstart (automatic_reboot); `identity` is the stopstart's. */
  | { readonly kind: 'reboot'; readonly identity: string };

export const log = (text: string, level: 'I' | 'E' | 'V' = 'I'): Effect => ({ kind: 'log', level, text });
