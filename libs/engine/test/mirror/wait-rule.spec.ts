import { runningPair } from './pair';

// Acceptance 8.4.48-49 and 8.5.63: a wait rule moves a PRIM to WAIT (NotReady); wakeup resumes the start.
test('a wait rule on the PRIM: stopwait scripts, WAIT (NotReady), the peer takes over; wakeup makes it SECOND', () => {
  const p = runningPair();
  p.input('node1', { kind: 'rule', action: 'wait', rule: 'interface_failure' });
  expect(p.logs('node1')).toContain('I Action wait from failover rule interface_failure');
  expect(p.scripts('node1')).toEqual([
    'stop_prim PRIM WAIT stopwait',
    'stop_both PRIM WAIT stopwait',
    'transition PRIM WAIT stopwait',
  ]);
  expect(p.state('node1')).toBe('WAIT NotReady');
  expect(p.state('node2')).toBe('ALONE Ready');
  p.input('node1', { kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  expect(p.logs('node1')).toContain('I Action wakeup from failover rule Implicit_wakeup');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('a wait rule true at start holds the module in WAIT (NotReady) until wakeup', () => {
  const p = runningPair();
  p.command('node2', 'stop').clearTrace();
  p.input('node2', { kind: 'rule', action: 'wait', rule: 'p_router' });
  p.command('node2', 'start');
  expect(p.state('node2')).toBe('WAIT NotReady');
  p.input('node2', { kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  expect(p.state('node2')).toBe('SECOND Ready');
});
