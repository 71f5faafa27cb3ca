import { runningPair } from './pair';

// Acceptance 8.2.16 and 8.5.64: the ALONE node becomes PRIM without re-running start_prim.
test('start on the stopped node: it becomes SECOND, the ALONE node becomes PRIM with stop_sec and transition only', () => {
  const p = runningPair();
  p.command('node1', 'stop').clearTrace();
  p.command('node1', 'start');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
  expect(p.scripts('node2')).toEqual(['stop_sec ALONE PRIM start', 'transition ALONE PRIM start']);
  expect(p.trace.node1).toContain('replication secondary');
  expect(p.trace.node1).not.toContain('replication secondary full');
});
