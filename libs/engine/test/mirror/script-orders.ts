// Script calls of reference §6.5 as Pair.scripts() lists them (`<script> [force] <from> <to>
// <action>`), for the sequences many scenarios expect. A scenario spells out the rest.

/** STOP -> WAIT -> ALONE: a start that found no peer. */
export const START_ALONE = [
  'transition STOP WAIT start',
  'prestart STOP WAIT start',
  'transition WAIT ALONE start',
  'start_both WAIT ALONE start',
  'start_prim WAIT ALONE start',
  'start_sec WAIT ALONE start',
];

/** STOP -> WAIT -> SECOND: a start that joins a primary. */
export const START_AS_SECOND = [
  'transition STOP WAIT start',
  'prestart STOP WAIT start',
  'transition WAIT SECOND start',
  'start_both WAIT SECOND start',
  'start_second WAIT SECOND start',
  'start_sec WAIT SECOND start',
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

/** PRIM -> SECOND in a swap (§3.2 M12): the application stops, then the node resynchronises. */
export const SWAP_TO_SECOND = [
  'stop_prim PRIM SECOND swap',
  'stop_prim force PRIM SECOND swap',
  'transition PRIM SECOND swap',
  'start_second PRIM SECOND swap',
  'start_sec PRIM SECOND swap',
];
