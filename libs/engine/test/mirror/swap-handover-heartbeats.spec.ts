import { runningPair } from './pair';
import { SWAP_TO_SECOND } from './script-orders';

// In a swap the old primary resynchronises as secondary while its peer goes SECOND Transient,
// then PRIM Transient. Each state may travel on its own heartbeat: the old primary must not take
// the taker's SECOND Transient for a vanished primary and abandon the handover (the lab's swap
// scenario caught it doing so, leaving no primary until the next start).
const TAKER_ON_ITS_WAY = { kind: 'peer', remote: { state: 'SECOND', readiness: 'Transient' } } as const;

test('the old primary waits through the taker SECOND Transient heartbeat and ends SECOND Ready', () => {
  const p = runningPair({ replication: true });
  p.holdReplication = true;
  p.clearTrace().command('node1', 'swap');
  expect(p.state('node1')).toBe('SECOND Transient');
  p.input('node1', TAKER_ON_ITS_WAY);
  expect(p.logs('node1')).not.toContain('E Reintegration interrupted: the primary is gone');
  expect(p.state('node1')).toBe('SECOND Transient');
  p.input('node1', { kind: 'peer', remote: { state: 'PRIM', readiness: 'Ready' } });
  p.holdReplication = false;
  p.advance(0);
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
  expect(p.scripts('node1')).toEqual(SWAP_TO_SECOND);
});

test('(control) a taker that vanishes during the handover still leaves the old primary waiting in WAIT', () => {
  const p = runningPair({ replication: true });
  p.holdReplication = true;
  p.command('node1', 'swap');
  p.input('node1', TAKER_ON_ITS_WAY);
  p.cut();
  expect(p.logs('node1')).toContain('E Reintegration interrupted: the primary is gone');
  expect(p.state('node1')).toBe('WAIT NotReady');
});
