// What a checker asks of the node, behind a port so the service's tests run without a network.
import type { ProbeTarget } from '../core/plan';

/** A probe's answer: `ok`, or why not (said in the module log when the resource goes down). */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface ProbePort {
  /** Runs one probe, answering within about `timeoutMs`; never throws. */
  probe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult>;
}

export const PROBES = Symbol.for('keel.checkers.probes');
