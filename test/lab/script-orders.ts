// Script calls of reference §6.5 as the sample scripts record them (`<script> [force] <from> <to>
// <action>`), for the sequences several lab scenarios expect. A scenario spells out the rest.

/** STOP -> WAIT -> ALONE: a `start` or `prim` that found no peer. */
export const START_ALONE = [
  'transition STOP WAIT start',
  'prestart STOP WAIT start',
  'transition WAIT ALONE start',
  'start_both WAIT ALONE start',
  'start_prim WAIT ALONE start',
  'start_sec WAIT ALONE start',
];

/** WAIT -> STOP, the end of every stop: each stop script forced, then poststop. */
export const waitToStop = (action: string): string[] => [
  `stop_sec force WAIT STOP ${action}`,
  `stop_prim force WAIT STOP ${action}`,
  `stop_second force WAIT STOP ${action}`,
  `stop_both force WAIT STOP ${action}`,
  `poststop WAIT STOP ${action}`,
  `transition WAIT STOP ${action}`,
];

/** STOP -> WAIT -> SECOND: a `start` or `second` that joins a primary. */
export const START_AS_SECOND = [
  'transition STOP WAIT start',
  'prestart STOP WAIT start',
  'transition WAIT SECOND start',
  'start_both WAIT SECOND start',
  'start_second WAIT SECOND start',
  'start_sec WAIT SECOND start',
];

/** ALONE -> PRIM: the peer has joined as SECOND; the application runs on. */
export const ALONE_TO_PRIM = ['stop_sec ALONE PRIM start', 'transition ALONE PRIM start'];

/** SECOND -> ALONE: the failover. */
export const SECOND_TO_ALONE = [
  'stop_second SECOND ALONE start',
  'transition SECOND ALONE start',
  'start_prim SECOND ALONE start',
];

/** PRIM -> SECOND and SECOND -> PRIM of a swap. */
export const SWAP_TO_SECOND = [
  'stop_prim PRIM SECOND swap',
  'stop_prim force PRIM SECOND swap',
  'transition PRIM SECOND swap',
  'start_second PRIM SECOND swap',
  'start_sec PRIM SECOND swap',
];
export const SWAP_TO_PRIM = [
  'stop_sec SECOND PRIM swap',
  'stop_second SECOND PRIM swap',
  'transition SECOND PRIM swap',
  'start_prim SECOND PRIM swap',
];
