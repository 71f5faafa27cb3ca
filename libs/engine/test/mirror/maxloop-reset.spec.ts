import { Pair, runningPair } from './pair';

// §5.3 maxloop (acceptance 8.4.45-46, 8.4.53): the counter is reset by an administrator's start,
// restart, swap, stopstart and stop (no -i), not only by restart; counting then starts again from 0.
// Everything happens at the same instant, well within loop_interval.
const auto = (p: Pair, times: number) => {
  for (let i = 0; i < times; i++) p.command('node1', 'restart', [], 'errd');
};

// Each row: the administrator's command, the moves that make it possible and bring node1 back to a
// Ready state (those with -i are neither counted nor resetting), and the state node1 is then in.
test.each([
  ['start', (p: Pair) => p.command('node1', 'stop', [], 'chk').command('node1', 'start'), 'SECOND Ready'],
  ['restart', (p: Pair) => p.command('node1', 'restart'), 'PRIM Ready'],
  ['swap', (p: Pair) => p.command('node1', 'swap'), 'SECOND Ready'],
  ['stopstart', (p: Pair) => p.command('node1', 'stopstart'), 'SECOND Ready'],
  ['stop', (p: Pair) => p.command('node1', 'stop').command('node1', 'start', [], 'chk'), 'SECOND Ready'],
] as const)(
  'an administrator %s resets the counter: the 4th automatic action after it stops the module',
  (_, admin, state) => {
    const p = runningPair();
    auto(p, 3);
    admin(p);
    expect(p.state('node1')).toBe(state);
    auto(p, 3);
    expect(p.logs('node1')).not.toContain('I Action stop called by maxloop');
    expect(p.state('node1')).toBe(state);
    p.clearTrace();
    auto(p, 1);
    expect(p.logs('node1')).toContain('I Action stop called by maxloop');
    expect(p.state('node1')).toBe('STOP NotReady');
  },
);

// The control row: the same moves with -i reset nothing, so the next automatic action is the 4th.
test('an automatic stop and start (-i) do not reset the counter', () => {
  const p = runningPair();
  auto(p, 3);
  p.command('node1', 'stop', [], 'chk').command('node1', 'start', [], 'chk');
  expect(p.state('node1')).toBe('SECOND Ready');
  p.clearTrace();
  auto(p, 1);
  expect(p.logs('node1')).toContain('I Action stop called by maxloop');
  expect(p.state('node1')).toBe('STOP NotReady');
});
