import { runningPair } from './pair';

// Acceptance 8.4.45-47 (§5.3): automatic actions are counted within loop_interval.
const HOUR = 3600_000;

test('the 4th automatic restart within 24 h stops the module: "Action stop called by maxloop"', () => {
  const p = runningPair();
  for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd').advance(HOUR);
  expect(p.state('node1')).toBe('PRIM Ready');
  p.command('node1', 'restart', [], 'errd');
  expect(p.logs('node1')).toContain('I Action stop called by maxloop');
  expect(p.state('node1')).toBe('STOP NotReady');
  expect(p.state('node2')).toBe('ALONE Ready');
});

test('an administrator restart resets the counter', () => {
  const p = runningPair();
  for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd');
  p.command('node1', 'restart');
  for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd');
  expect(p.state('node1')).toBe('PRIM Ready');
});

test('the window restarts after loop_interval', () => {
  const p = runningPair();
  for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd');
  p.advance(25 * HOUR);
  for (let i = 0; i < 3; i++) p.command('node1', 'restart', [], 'errd');
  expect(p.state('node1')).toBe('PRIM Ready');
});

test('loop_interval="0" never stops the module', () => {
  const p = runningPair({ loopIntervalMs: 0 });
  for (let i = 0; i < 10; i++) p.command('node1', 'restart', [], 'errd');
  expect(p.state('node1')).toBe('PRIM Ready');
});
