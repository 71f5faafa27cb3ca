import { LEASED, LeaseArbiter } from './lease-arbiter';
import { Pair } from './pair';

// docs/decisions/0019: a node becomes primary only once it holds the arbiter's lease. Until then it
// stays where it was (WAIT), runs no start script, mounts nothing as primary and places no VIP.
test('prim waits in WAIT for a lease held elsewhere, then starts as primary once it is free', () => {
  const p = new Pair(LEASED);
  const arbiter = new LeaseArbiter(p);
  arbiter.holder = 'other';
  p.command('node1', 'prim').advance(10_000);

  expect(p.state('node1')).toBe('WAIT NotReady');
  expect(p.trace.node1).toContain('lease acquire');
  expect(p.trace.node1).not.toContain('replication primary');
  expect(p.trace.node1).not.toContain('vip set');
  expect(p.scripts('node1')).toEqual(['transition STOP WAIT start', 'prestart STOP WAIT start']);
  // Nothing of a primary is advertised before the lease: no new generation, no lastprim.
  expect(p.engines.node1.facts).toMatchObject({ generation: 0, lastPrim: false });

  p.clearTrace();
  arbiter.free();

  expect(p.state('node1')).toBe('ALONE Ready');
  expect(arbiter.holder).toBe('node1');
  const t = p.trace.node1;
  expect(t.indexOf('state ALONE Transient')).toBeLessThan(t.indexOf('replication primary'));
  expect(t.indexOf('replication primary')).toBeLessThan(t.indexOf('vip set'));
  expect(p.scripts('node1')[0]).toBe('transition WAIT ALONE start');
  expect(p.engines.node1.facts).toMatchObject({ generation: 1, lastPrim: true, uptodate: true });
});
