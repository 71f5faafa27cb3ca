// A farm module's kernel filter as a port: the service hands it the scripts made by
// core/farm-filter.ts and never runs nft itself, so its tests run against a twin; the real
// adapter (adapters/nft-farm-filter.ts) is the nft command.

/** A table keel made for a farm module: `keel_<module>` in one family. */
export interface FarmFilterTable {
  readonly family: string;
  readonly name: string;
  readonly module: string;
}

/** Why nft did not do it: a stable code, and nft's own words in the message. */
export class FarmFilterError extends Error {
  override readonly name = 'FarmFilterError';
  constructor(
    readonly code: 'MISSING' | 'FAILED' | 'TIMEOUT' | 'BAD_OUTPUT',
    message: string,
    /** nft's standard error, when it ran. */
    readonly stderr = '',
  ) {
    super(message);
  }
}

export interface FarmFilterPort {
  /** Runs one script as one transaction: all of it or none of it. FarmFilterError when refused. */
  apply(script: string): Promise<void>;
  /** keel's farm tables, whatever module they belong to (to remove those of modules gone). */
  tables(): Promise<readonly FarmFilterTable[]>;
  /** Removes the module's tables; nothing to do is not an error. */
  remove(module: string): Promise<void>;
}

export const FARM_FILTER = Symbol.for('keel.vip.farm-filter');
