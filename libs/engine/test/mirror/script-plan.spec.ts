import { restartPlan, scriptPlan, STATE_EXIT_CODE, ModuleState } from '../../src';

// Every row of the scripts automaton (reference §6.5); `force` marks the forced call.
const show = (calls: { name: string; force: boolean }[] | undefined) =>
  calls?.map((c) => (c.force ? `${c.name} force` : c.name));

test.each([
  ['STOP', 'WAIT', ['transition', 'prestart']],
  ['WAIT', 'ALONE', ['transition', 'start_both', 'start_prim', 'start_sec']],
  ['WAIT', 'UP', ['transition', 'start_both']],
  ['WAIT', 'PRIM', ['transition', 'start_both', 'start_prim']],
  ['WAIT', 'SECOND', ['transition', 'start_both', 'start_second', 'start_sec']],
  ['ALONE', 'PRIM', ['stop_sec', 'transition']],
  ['PRIM', 'ALONE', ['transition', 'start_sec']],
  ['SECOND', 'ALONE', ['stop_second', 'transition', 'start_prim']],
  ['ALONE', 'SECOND', ['stop_prim', 'stop_prim force', 'transition', 'start_second']],
  ['PRIM', 'SECOND', ['stop_prim', 'stop_prim force', 'transition', 'start_second', 'start_sec']],
  ['SECOND', 'PRIM', ['stop_sec', 'stop_second', 'transition', 'start_prim']],
  ['PRIM', 'WAIT', ['stop_prim', 'stop_both', 'transition']],
  ['ALONE', 'WAIT', ['stop_sec', 'stop_prim', 'stop_both', 'transition']],
  ['UP', 'WAIT', ['stop_both', 'transition']],
  ['SECOND', 'WAIT', ['stop_sec', 'stop_second', 'stop_both', 'transition']],
  [
    'WAIT',
    'STOP',
    ['stop_sec force', 'stop_prim force', 'stop_second force', 'stop_both force', 'poststop', 'transition'],
  ],
] as const)('%s -> %s runs %j', (from, to, scripts) => {
  expect(show(scriptPlan(from as ModuleState, to as ModuleState))).toEqual(scripts);
});

test.each([
  ['PRIM', ['stop_prim', 'stop_prim force', 'stop_both', 'stop_both force'], ['start_both', 'start_prim']],
  [
    'ALONE',
    ['stop_sec', 'stop_sec force', 'stop_prim', 'stop_prim force', 'stop_both', 'stop_both force'],
    ['start_both', 'start_prim', 'start_sec'],
  ],
  [
    'SECOND',
    ['stop_sec', 'stop_sec force', 'stop_second', 'stop_second force', 'stop_both', 'stop_both force'],
    ['start_both', 'start_second', 'start_sec'],
  ],
  ['UP', ['stop_both', 'stop_both force'], ['start_both']],
] as const)('restart in %s', (state, stop, start) => {
  const p = restartPlan(state as ModuleState)!;
  expect([show(p.stop), show(p.start)]).toEqual([stop, start]);
});

test('a transition the automaton never makes has no plan', () => {
  expect(scriptPlan('STOP', 'PRIM')).toBeUndefined();
  expect(restartPlan('WAIT')).toBeUndefined();
});

test('state -lq exit codes (reference §2.1)', () => {
  expect(STATE_EXIT_CODE).toEqual({ STOP: 0, WAIT: 1, ALONE: 2, UP: 2, PRIM: 3, SECOND: 4 });
});
