/** A module's state on one node (reference §2.1). */
export type ModuleState = 'STOP' | 'WAIT' | 'ALONE' | 'PRIM' | 'SECOND' | 'UP';
export type Readiness = 'NotReady' | 'Transient' | 'Ready';

/** What a node knows of its peer: a state, or UNKNOWN when no heartbeat arrives. */
export type RemoteState = { readonly state: ModuleState; readonly readiness: Readiness } | 'UNKNOWN';

/** Argument 3 of every script: why the transition happens (reference §6.3; restart and swap are keel's choice). */
export type ScriptAction = 'start' | 'stop' | 'stopstart' | 'stopwait' | 'restart' | 'swap';

/** `state -lq` exit codes (reference §2.1). */
export const STATE_EXIT_CODE: Readonly<Record<ModuleState, number>> = {
  STOP: 0,
  WAIT: 1,
  ALONE: 2,
  UP: 2,
  PRIM: 3,
  SECOND: 4,
};

export const isPrimary = (s: ModuleState) => s === 'PRIM' || s === 'ALONE';
