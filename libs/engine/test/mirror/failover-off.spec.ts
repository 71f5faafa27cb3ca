import { runningPair } from './pair';

// Acceptance 8.2.21 (§3.7): with failover="off" the SECOND does not take over.
test('when the PRIM stops, the SECOND stopstarts into WAIT (NotReady); restarting the PRIM restores the pair', () => {
  const p = runningPair({ failover: false });
  p.command('node1', 'stop');
  expect(p.logs('node2')).toEqual(
    expect.arrayContaining([
      'I Failover-off configured',
      'I Action stopstart called by failover-off',
      'V Transition STOPSTART from failover-off',
      'I Local state WAIT NotReady',
    ]),
  );
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.trace.node2).not.toContain('vip set');
  p.command('node1', 'start');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('`failover on` at run time makes the same SECOND take over', () => {
  const p = runningPair({ failover: false });
  p.command('node2', 'failover', ['on']);
  p.command('node1', 'stop');
  expect(p.state('node2')).toBe('ALONE Ready');
});
