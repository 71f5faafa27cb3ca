import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: a primary that loses its lease (its arbiter's link cut, heartbeats fine)
// leaves the role for WAIT through its stop scripts; the lease goes last, once the VIP and the
// replication are gone; the secondary takes the lease and the role; the old primary rejoins as
// SECOND.
test('a primary that loses the lease stops, releases it last, and the secondary takes over', () => {
  const { p, arbiter } = leasedPair();
  arbiter.cut.add('node1');
  arbiter.lose('node1');

  expect(p.logs('node1')).toContain('I Action wait called by arbiter');
  const t = p.trace.node1;
  const stop = t.indexOf('script stop_prim PRIM WAIT stopwait');
  expect(stop).toBeGreaterThan(-1);
  expect(t.indexOf('vip remove')).toBeGreaterThan(stop);
  expect(t.indexOf('replication stopped')).toBeGreaterThan(t.indexOf('vip remove'));
  expect(t.indexOf('lease release')).toBeGreaterThan(t.indexOf('replication stopped'));
  // Its data may still lead: the secondary's copy had every change (the link was up), so the
  // pair goes on from there.
  expect(p.state('node2')).toBe('PRIM Ready');
  expect(arbiter.holder).toBe('node2');
  expect(p.state('node1')).toBe('SECOND Ready');
  // Not a fault of the node: maxloop does not count it.
  expect(p.engines.node1.facts.loop.count).toBe(0);
});
