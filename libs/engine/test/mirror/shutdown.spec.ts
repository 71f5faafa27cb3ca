import { runningPair } from './pair';
import { waitToStop } from './script-orders';

// Issue 9 / reference §4 `safekit shutdown`: the node's keel going down stops the PRIM like a stop
// (its stop scripts, STOP NotReady), so the SECOND takes over from a clean stop.
test('shutdown on the PRIM: the stop scripts, STOP, and the SECOND takes over', () => {
  const p = runningPair();
  p.command('node1', 'shutdown');
  expect(p.logs('node1')).toContain('I Action shutdown called by admin');
  expect(p.scripts('node1')).toEqual([
    'stop_prim PRIM WAIT stop',
    'stop_both PRIM WAIT stop',
    'transition PRIM WAIT stop',
    ...waitToStop('stop'),
  ]);
  expect(p.state('node1')).toBe('STOP NotReady');
  expect(p.state('node2')).toBe('ALONE Ready');
});

test('shutdown of a stopped module is refused as already stopped', () => {
  const p = runningPair();
  p.command('node1', 'stop');
  p.command('node1', 'shutdown');
  expect(p.replies.node1.at(-1)).toMatchObject({ ok: false, message: 'the module is already stopped' });
});
