import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: a swap hands the lease over: the old primary releases it once its
// application, VIP and replication are gone; the new one starts as primary once it holds it.
test('a swap releases the lease on the old primary and acquires it on the new one, in that order', () => {
  const { p, arbiter } = leasedPair();
  p.command('node1', 'swap').advance(10_000);

  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
  expect(arbiter.holder).toBe('node2');
  const at = (entry: string) => p.timeline.indexOf(entry);
  expect(at('node1 lease release')).toBeGreaterThan(at('node1 replication stopped'));
  expect(at('node2 lease acquire')).toBeGreaterThan(-1);
  expect(at('node2 replication primary')).toBeGreaterThan(at('node1 lease release'));
});
