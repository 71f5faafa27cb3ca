import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: a short cut of every heartbeat LAN: the secondary contends, then hears the
// primary again (still holding the lease) before the takeover bound. It stops contending. Nothing
// found its copy behind: it is SECOND (Ready) again at once (a link that broke is judged as without
// an arbiter). Heard going on alone first, the primary may have written without it: a new
// secondary daemon reintegrates.
test('the primary heard again while the secondary contends: SECOND (Ready) again, no script, no resync', () => {
  const { p, arbiter } = leasedPair();
  p.cut().advance(2_000);
  expect(p.state('node2')).toBe('SECOND Transient');
  p.clearTrace();
  // node1 heard as PRIM again, never as ALONE.
  p.input('node2', { kind: 'peer', remote: { state: 'PRIM', readiness: 'Ready' }, facts: {} });

  expect(p.logs('node2')).toContain(
    "I The other node is primary: this node no longer contends for the arbiter's lease",
  );
  expect(p.trace.node2).toContain('lease release');
  expect(p.trace.node2.filter((t) => t.startsWith('replication'))).toEqual([]);
  expect(p.state('node2')).toBe('SECOND Ready');
  expect(p.engines.node2.facts.uptodate).toBe(true);
  expect(arbiter.holder).toBe('node1');
  expect(p.scripts('node2')).toEqual([]);
});

test('heard going on alone, the primary may have written without it: a new secondary daemon reintegrates', () => {
  const { p } = leasedPair();
  p.cut().advance(2_000);
  p.clearTrace().heal().advance(2_000);

  expect(p.logs('node2')).toContain('E The primary went on alone: this copy is no longer up to date');
  const replication = p.trace.node2.filter((t) => t.startsWith('replication'));
  expect(replication).toEqual(['replication stopped', 'replication secondary']);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
  expect(p.scripts('node2')).toEqual([]);
});
