import { runningPair } from './pair';

// Acceptance 8.2.18 and 8.2.29: all heartbeats lost, then the link heals (no witness).
test('when the PRIM vanishes the SECOND goes ALONE with "no heartbeat"', () => {
  const p = runningPair();
  p.cut();
  expect(p.logs('node2')).toEqual(
    expect.arrayContaining(['I Remote state UNKNOWN', 'I Action alone called by heart: no heartbeat']),
  );
  expect(p.state('node2')).toBe('ALONE Ready');
});

test('isolation without witness: both ALONE; on reconnection the former SECOND exits alone and resynchronises', () => {
  const p = runningPair();
  p.cut();
  expect([p.state('node1'), p.state('node2')]).toEqual(['ALONE Ready', 'ALONE Ready']);
  p.clearTrace().heal();
  expect(p.logs('node1')).toContain('I Split brain recovery: staying alone');
  expect(p.logs('node2')).toContain('I Split brain recovery: exiting alone');
  expect(p.scripts('node2')[0]).toBe('stop_sec ALONE WAIT stopstart');
  expect(p.scripts('node2')).toContain('stop_prim ALONE WAIT stopstart');
  expect(p.trace.node2).toContain('replication secondary');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('a late heartbeat from before the isolation does not hide the split brain: the stayer still logs it', () => {
  const p = runningPair();
  p.cut();
  // The first packet after the heal was sent before node2 went ALONE: it still says SECOND.
  p.input('node1', { kind: 'peer', remote: { state: 'SECOND', readiness: 'Ready' } });
  p.clearTrace().heal();
  expect(p.logs('node1')).toContain('I Split brain recovery: staying alone');
  expect(p.logs('node2')).toContain('I Split brain recovery: exiting alone');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});
