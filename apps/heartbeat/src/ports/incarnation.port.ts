// Where the incarnation of this start comes from (adapters/incarnation-file.ts in production).

export interface IncarnationSource {
  /** A number greater than the one of any previous start of this node's heartbeat service. */
  next(): Promise<number>;
}

export const INCARNATION_SOURCE = Symbol.for('keel.heartbeat.incarnation-source');
