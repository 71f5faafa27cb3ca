import { ModuleState, ScriptAction } from './states';

/** One call of a module script: `<name> [force] <from> <to> <action>`. */
export interface ScriptCall {
  readonly name: string;
  readonly force: boolean;
}

const call = (name: string): ScriptCall => ({ name, force: false });
const forced = (name: string): ScriptCall => ({ name, force: true });
/** Drawn in italics in the reference's diagram: a graceful call, then a forced one. */
const twice = (name: string): ScriptCall[] => [call(name), forced(name)];

/**
 * Which scripts run, in which order, for a transition (reference §6.5). Returns undefined for a
 * transition the automaton never makes, so a wrong call cannot silently run nothing.
 * `stopScripts` and `startScripts` of a restart are split so the caller can act between them.
 */
export function scriptPlan(from: ModuleState, to: ModuleState): ScriptCall[] | undefined {
  return TRANSITIONS[`${from}>${to}`]?.map((c) => ({ ...c }));
}

const TRANSITIONS: Record<string, ScriptCall[]> = {
  'STOP>WAIT': [call('transition'), call('prestart')],
  'WAIT>ALONE': [call('transition'), call('start_both'), call('start_prim'), call('start_sec')],
  'WAIT>UP': [call('transition'), call('start_both')],
  'WAIT>PRIM': [call('transition'), call('start_both'), call('start_prim')],
  'WAIT>SECOND': [call('transition'), call('start_both'), call('start_second'), call('start_sec')],
  'ALONE>PRIM': [call('stop_sec'), call('transition')],
  'PRIM>ALONE': [call('transition'), call('start_sec')],
  'SECOND>ALONE': [call('stop_second'), call('transition'), call('start_prim')],
  'ALONE>SECOND': [...twice('stop_prim'), call('transition'), call('start_second')],
  'PRIM>SECOND': [...twice('stop_prim'), call('transition'), call('start_second'), call('start_sec')],
  'SECOND>PRIM': [call('stop_sec'), call('stop_second'), call('transition'), call('start_prim')],
  'PRIM>WAIT': [call('stop_prim'), call('stop_both'), call('transition')],
  'ALONE>WAIT': [call('stop_sec'), call('stop_prim'), call('stop_both'), call('transition')],
  'UP>WAIT': [call('stop_both'), call('transition')],
  'SECOND>WAIT': [call('stop_sec'), call('stop_second'), call('stop_both'), call('transition')],
  'WAIT>STOP': [
    forced('stop_sec'),
    forced('stop_prim'),
    forced('stop_second'),
    forced('stop_both'),
    call('poststop'),
    call('transition'),
  ],
};

/** `restart` in a Ready state: stop scripts (graceful then forced), then start scripts; the role stays. */
export function restartPlan(state: ModuleState): { stop: ScriptCall[]; start: ScriptCall[] } | undefined {
  switch (state) {
    case 'PRIM':
      return {
        stop: [...twice('stop_prim'), ...twice('stop_both')],
        start: [call('start_both'), call('start_prim')],
      };
    case 'ALONE':
      return {
        stop: [...twice('stop_sec'), ...twice('stop_prim'), ...twice('stop_both')],
        start: [call('start_both'), call('start_prim'), call('start_sec')],
      };
    case 'SECOND':
      return {
        stop: [...twice('stop_sec'), ...twice('stop_second'), ...twice('stop_both')],
        start: [call('start_both'), call('start_second'), call('start_sec')],
      };
    // A farm or light module has only the *_both scripts (reference §4.2 F5).
    case 'UP':
      return { stop: twice('stop_both'), start: [call('start_both')] };
    default:
      return undefined;
  }
}

/** The arguments a script gets: `[force] <from> <to> <action>`. */
export function scriptArgs(
  c: ScriptCall,
  from: ModuleState,
  to: ModuleState,
  action: ScriptAction,
): string[] {
  return [...(c.force ? ['force'] : []), from, to, action];
}
