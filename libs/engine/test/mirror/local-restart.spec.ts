import { runningPair } from './pair';

// Acceptance 8.2.17 and the restart rows of §6.5: scripts only, role unchanged.
test('restart on the PRIM: PRIM (Transient) then PRIM (Ready), stop scripts graceful then forced, peer untouched', () => {
  const p = runningPair();
  p.command('node1', 'restart');
  expect(p.scripts('node1')).toEqual([
    'stop_prim PRIM PRIM restart',
    'stop_prim force PRIM PRIM restart',
    'stop_both PRIM PRIM restart',
    'stop_both force PRIM PRIM restart',
    'start_both PRIM PRIM restart',
    'start_prim PRIM PRIM restart',
  ]);
  expect(p.trace.node1.filter((t) => t.startsWith('state '))).toEqual([
    'state PRIM Transient',
    'state PRIM Ready',
  ]);
  expect(p.trace.node2.filter((t) => t.startsWith('state ') || t.startsWith('script '))).toEqual([]);
  expect(p.trace.node1).not.toContain('vip remove');
});

test('restart in SECOND runs the secondary stop and start scripts', () => {
  const p = runningPair();
  p.command('node2', 'restart');
  expect(p.scripts('node2')).toEqual([
    'stop_sec SECOND SECOND restart',
    'stop_sec force SECOND SECOND restart',
    'stop_second SECOND SECOND restart',
    'stop_second force SECOND SECOND restart',
    'stop_both SECOND SECOND restart',
    'stop_both force SECOND SECOND restart',
    'start_both SECOND SECOND restart',
    'start_second SECOND SECOND restart',
    'start_sec SECOND SECOND restart',
  ]);
});
