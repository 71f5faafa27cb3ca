import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: both heartbeat LANs cut while both nodes reach the arbiter. The primary
// keeps renewing its lease and goes on ALONE; the secondary contends in vain and, past the
// takeover bound, takes its copy for behind (the primary may be writing alone) and waits in WAIT.
// At the heal it resynchronises as SECOND. Nobody runs the split-brain recovery.
test('an isolation is settled by the lease: one primary, the other WAIT, then SECOND', () => {
  const { p, arbiter } = leasedPair();
  p.cut();
  expect(p.state('node1')).toBe('ALONE Ready');
  expect(p.state('node2')).toBe('SECOND Transient');
  expect(p.trace.node2).toContain('lease acquire');
  expect(p.scripts('node2')).toEqual([]);

  p.advance(6_000);
  expect(p.state('node2')).toBe('SECOND Transient');
  p.advance(200);

  expect(p.logs('node2')).toContain(
    'E No lease from the arbiter within 6.2 s while the other node is unheard of: it may be writing alone, this copy is no longer up to date',
  );
  expect(p.trace.node2).toContain('lease release');
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.engines.node2.facts.uptodate).toBe(false);
  expect(arbiter.holder).toBe('node1');

  p.clearTrace().heal();
  p.advance(10_000);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
  expect([...p.logs('node1'), ...p.logs('node2')].filter((l) => /Split brain/.test(l))).toEqual([]);
});
