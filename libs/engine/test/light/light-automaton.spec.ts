import { Single } from './light';

// The farm and light automaton (reference §4.2 F1-F7) with its scripts (§6.5).
test('start: STOP -> WAIT -> UP (Ready) with transition, prestart, transition, start_both', () => {
  const m = new Single().command('start');
  expect(m.state).toBe('UP Ready');
  expect(m.scripts()).toEqual([
    'transition STOP WAIT start',
    'prestart STOP WAIT start',
    'transition WAIT UP start',
    'start_both WAIT UP start',
  ]);
});

test('restart: UP (Transient) -> UP (Ready) with stop_both (graceful, forced) then start_both', () => {
  const m = new Single().command('start');
  m.trace.length = 0;
  m.command('restart');
  expect(m.scripts()).toEqual([
    'stop_both UP UP restart',
    'stop_both force UP UP restart',
    'start_both UP UP restart',
  ]);
  expect(m.state).toBe('UP Ready');
});

test('stop: stop_both, transition, then the forced stops, poststop, transition', () => {
  const m = new Single().command('start');
  m.trace.length = 0;
  m.command('stop');
  expect(m.scripts()).toEqual([
    'stop_both UP WAIT stop',
    'transition UP WAIT stop',
    'stop_sec force WAIT STOP stop',
    'stop_prim force WAIT STOP stop',
    'stop_second force WAIT STOP stop',
    'stop_both force WAIT STOP stop',
    'poststop WAIT STOP stop',
    'transition WAIT STOP stop',
  ]);
  expect(m.state).toBe('STOP NotReady');
});

test('a wait rule holds WAIT (NotReady); the implicit wakeup returns to UP', () => {
  const m = new Single().command('start');
  m.input({ kind: 'rule', action: 'wait', rule: 'module_failure' });
  expect(m.state).toBe('WAIT NotReady');
  m.input({ kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  expect(m.state).toBe('UP Ready');
});

test('stopstart stops then starts automatically', () => {
  const m = new Single().command('start').command('stopstart', 'c_app');
  expect(m.trace).toContain('log Action start called automatically');
  expect(m.state).toBe('UP Ready');
});

test('mirror-only commands are refused', () => {
  const m = new Single().command('prim');
  expect(m.trace).toContain('reply false prim applies to mirror modules only; this is a light module');
  expect(m.state).toBe('STOP NotReady');
});

test('a farm opens its VIP before start_both, gives its share away before stop_both and withdraws the VIP after it', () => {
  const m = new Single('farm').command('start').command('stop');
  const order = m.trace.filter(
    (t) => t.startsWith('vip') || t.startsWith('script start_both') || t.startsWith('script stop_both'),
  );
  expect(order).toEqual([
    'vip set',
    'script start_both WAIT UP start',
    'vip drain',
    'script stop_both UP WAIT stop',
    'vip remove',
    'script stop_both force WAIT STOP stop',
  ]);
});
