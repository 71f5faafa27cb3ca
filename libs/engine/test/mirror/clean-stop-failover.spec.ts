import { runningPair } from './pair';
import { waitToStop } from './script-orders';

// Acceptance 8.2.15 and §8.5.62: stop on the PRIM; the SECOND takes over through SECOND -> ALONE.
test('stop on the PRIM: it runs its stop scripts to STOP, the SECOND becomes ALONE', () => {
  const p = runningPair();
  p.command('node1', 'stop');
  expect(p.scripts('node1')).toEqual([
    'stop_prim PRIM WAIT stop',
    'stop_both PRIM WAIT stop',
    'transition PRIM WAIT stop',
    ...waitToStop('stop'),
  ]);
  expect(p.state('node1')).toBe('STOP NotReady');
  expect(p.logs('node2')).toContain('I Action alone called by heart: remote stop');
  expect(p.scripts('node2')).toEqual([
    'stop_second SECOND ALONE start',
    'transition SECOND ALONE start',
    'start_prim SECOND ALONE start',
  ]);
  expect(p.state('node2')).toBe('ALONE Ready');
  // The VIP leaves node1 after its application stopped, before node2 sets it.
  expect(p.trace.node1.indexOf('vip remove')).toBeGreaterThan(
    p.trace.node1.indexOf('script stop_prim PRIM WAIT stop'),
  );
  expect(p.trace.node2).toContain('vip set');
});
