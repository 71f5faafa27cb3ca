import { runningPair } from './pair';

// Reference §5.7.5: secondforce -d starts as secondary copying the files modified since the date,
// whatever the engine would have chosen (here a full copy: the node was never synchronised).
test('secondforce starts the stopped node as secondary with the date instead of a full copy', () => {
  const p = runningPair();
  p.command('node1', 'stop').clearTrace();
  p.command('node1', 'secondforce', ['1700000000']);
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
  expect(p.trace.node1).toContain('replication secondary since 1700000000');
  expect(p.trace.node1).not.toContain('replication secondary full');
  // The date is for this start only: a later start asks for the engine's choice again.
  p.command('node1', 'stop').clearTrace().command('node1', 'start');
  expect(p.trace.node1).toContain('replication secondary');
  expect(p.trace.node1.join('\n')).not.toContain('since');
});

test('secondforce without a date in seconds is refused and changes nothing', () => {
  const p = runningPair();
  p.command('node1', 'stop').clearTrace();
  p.command('node1', 'secondforce', ['2026-01-01']);
  expect(p.replies.node1.at(-1)).toEqual({
    ok: false,
    message: 'secondforce takes a date in seconds since the epoch, not 2026-01-01',
  });
  expect(p.state('node1')).toBe('STOP NotReady');
});

test('secondforce on a running node is refused', () => {
  const p = runningPair();
  p.command('node1', 'secondforce', ['1700000000']);
  expect(p.replies.node1.at(-1)?.ok).toBe(false);
  expect(p.replies.node1.at(-1)?.message).toContain('needs the module stopped or waiting');
});
