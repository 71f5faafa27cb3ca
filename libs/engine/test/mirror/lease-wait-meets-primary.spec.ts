import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: a short cut of every heartbeat LAN: the secondary contends, then hears the
// primary again (still holding the lease) before the takeover bound. It stops contending and
// resynchronises, since the link may have broken meanwhile.
test('the primary heard again while the secondary contends: it resynchronises and stays SECOND', () => {
  const { p, arbiter } = leasedPair();
  p.cut().advance(2_000);
  expect(p.state('node2')).toBe('SECOND Transient');
  p.clearTrace().heal().advance(2_000);

  expect(p.logs('node2')).toContain(
    "I The other node is primary: this node no longer contends for the arbiter's lease",
  );
  expect(p.trace.node2).toEqual(expect.arrayContaining(['lease release', 'replication secondary']));
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
  expect(arbiter.holder).toBe('node1');
  expect(p.scripts('node2')).toEqual([]);
});
