import type { MirrorFacts } from '@keel/engine';
import type { ExternalPolicy, RfssyncMode } from '../modules/rfssync';

/** What admin keeps on disk for a module: its data facts and the persistent user settings. */
export interface StoredModule {
  readonly facts: Partial<MirrorFacts>;
  /** The module was started (not STOP) when last written. */
  readonly running: boolean;
  /** When it was written (ms since the epoch), to tell a restart of keel from a reboot. */
  readonly savedAt?: number;
  /**
   * `boot`, `errd`, `checker`, and the errd classes enabled or disabled by `errd enable|disable`
   * (failover on|off lives in the facts, where the automaton reads it).
   */
  readonly settings: {
    readonly boot?: 'on' | 'off';
    readonly errd?: boolean;
    readonly checker?: boolean;
    readonly errdClasses?: Readonly<Record<string, 'enabled' | 'disabled'>>;
    /**
     * `rfssync full`: the next synchronisation as secondary copies every file; `external`: a backup
     * seeds it (rfssyncExternal). Then `default` again.
     */
    readonly rfssyncmode?: RfssyncMode;
    readonly rfssyncExternal?: ExternalPolicy;
  };
}

/**
 * Where a module's state survives keel and the machine (adapters/state-store.ts: state.json,
 * written atomically). `save` returns once the state is durable: the data facts decide whether
 * this copy may become primary.
 */
export interface ModuleStateStore {
  /** Throws when the stored state cannot be read, rather than forget the facts. */
  load(): StoredModule;
  save(state: StoredModule): void;
}
