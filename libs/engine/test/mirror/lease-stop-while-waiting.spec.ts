import { LEASED, LeaseArbiter } from './lease-arbiter';
import { Pair } from './pair';

// docs/decisions/0019: nothing queues behind a lease that may never come. A stop ends the wait
// (and the contention); a command that would have to wait behind it is refused with why.
test('stop ends the wait for the lease; restart or swap meanwhile are refused', () => {
  const p = new Pair(LEASED);
  const arbiter = new LeaseArbiter(p);
  arbiter.holder = 'other';
  p.command('node1', 'prim').advance(5_000);
  expect(p.state('node1')).toBe('WAIT NotReady');

  p.command('node1', 'swap');
  expect(p.replies.node1.at(-1)).toEqual({
    ok: false,
    message: "swap is refused while the module waits for the arbiter's lease",
  });
  p.clearTrace().command('node1', 'stop');

  expect(p.trace.node1[0]).toBe('lease release');
  expect(p.state('node1')).toBe('STOP NotReady');
  arbiter.free();
  expect(arbiter.holder).toBeUndefined();
});
