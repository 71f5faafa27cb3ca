import { runningPair } from './pair';
import { SWAP_TO_SECOND } from './script-orders';

// §3.2 M12 and the swap rows of §6.5.
test.each(['node1', 'node2'] as const)(
  'swap issued on %s exchanges the roles with the scripts of §6.5',
  (where) => {
    const p = runningPair();
    p.command(where, 'swap');
    expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
    expect(p.scripts('node1')).toEqual(SWAP_TO_SECOND);
    expect(p.scripts('node2')).toEqual([
      'stop_sec SECOND PRIM swap',
      'stop_second SECOND PRIM swap',
      'transition SECOND PRIM swap',
      'start_prim SECOND PRIM swap',
    ]);
    // node1 releases the VIP before node2 sets it.
    expect(p.trace.node1).toContain('vip remove');
    expect(p.trace.node2).toContain('vip set');
  },
);

test('swap is refused unless the pair is PRIM (Ready) / SECOND (Ready)', () => {
  const p = runningPair();
  p.command('node2', 'stop');
  p.command('node1', 'swap');
  expect(p.replies.node1.at(-1)).toEqual({
    ok: false,
    message: expect.stringMatching(/^swap needs PRIM \(Ready\) and SECOND \(Ready\)/),
  });
  expect(p.state('node1')).toBe('ALONE Ready');
});
