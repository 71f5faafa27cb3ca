import { leasedPair } from './lease-arbiter';

// docs/decisions/0019: a lease granted past the takeover bound, the peer still unheard of, is no
// proof that the peer stopped writing in time: the node gives it back and waits, not up to date.
test('a lease granted too late is released and the node waits', () => {
  const { p, arbiter } = leasedPair();
  arbiter.cut.add('node2');
  p.cut();
  // The bound runs from the loss of the peer, judged at the ticks.
  p.advance(7_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.engines.node2.facts.uptodate).toBe(false);
  arbiter.cut.delete('node2');
  arbiter.expire();
  p.advance(1_000);
  expect(arbiter.holder).toBeUndefined();
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.trace.node2.filter((t) => t.startsWith('lease'))).toEqual(['lease acquire', 'lease release']);
});
