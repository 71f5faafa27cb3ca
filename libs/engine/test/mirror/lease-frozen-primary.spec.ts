import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: a primary frozen past its lease (nothing of it heard, nothing renewed).
// The secondary gets the lease once it expired, within the takeover bound, and goes ALONE. The
// thawed primary learns the loss before anything else, leaves for WAIT with its data not up to
// date, and rejoins as SECOND.
test('a frozen primary loses the lease to the secondary, then rejoins as SECOND', () => {
  const { p, arbiter } = leasedPair();
  // The freeze as the secondary sees it: no heartbeat; the primary's own automaton does nothing.
  p.cut();
  p.advance(3_000);
  expect(p.state('node2')).toBe('SECOND Transient');
  arbiter.expire();
  p.advance(0);
  expect(p.state('node2')).toBe('ALONE Ready');
  expect(p.engines.node2.facts.uptodate).toBe(true);

  arbiter.lose('node1', 'the deadline passed');
  expect(p.state('node1')).toBe('WAIT NotReady');
  expect(p.engines.node1.facts.uptodate).toBe(false);
  expect(p.logs('node1')).toContain(
    'I Local data not up to date: the other node may serve once the lease is free',
  );
  p.heal().advance(10_000);
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
  expect(arbiter.holder).toBe('node2');
});
