import { runningPair } from './pair';

// §3.8 and acceptance 8.2.22 (scripts §6.5, swap rows): the default primary swaps back only once its
// reintegration as SECOND is over, and each node runs its swap scripts in the documented order.
test('defaultprim="node1": no swap while node1 reintegrates; once SECOND (Ready) the swap runs in order', () => {
  const p = runningPair({ defaultprim: 'node1' });
  p.command('node1', 'stop').clearTrace();
  p.holdReplication = true;
  p.command('node1', 'start');
  // Reintegrating: node2 took the secondary (ALONE -> PRIM) but nothing swaps yet.
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Transient', 'PRIM Ready']);
  expect(p.logs('node1')).not.toContain('V Transition SWAP from defaultprim');
  expect(p.logs('node2')).not.toContain('I Begin of Swap');
  // The WAIT -> SECOND scripts wait for the end of the reintegration.
  expect(p.scripts('node1')).toEqual(['transition STOP WAIT start', 'prestart STOP WAIT start']);
  expect(p.scripts('node2')).toEqual(['stop_sec ALONE PRIM start', 'transition ALONE PRIM start']);
  p.clearTrace();
  p.holdReplication = false;
  p.advance(0);
  expect(p.trace.node1.filter((t) => t.startsWith('state '))).toEqual([
    'state SECOND Ready',
    'state SECOND Transient',
    'state PRIM Transient',
    'state PRIM Ready',
  ]);
  expect(p.logs('node1')).toContain('V Transition SWAP from defaultprim');
  expect(p.logs('node2')).toContain('I Begin of Swap');
  expect(p.scripts('node1')).toEqual([
    'transition WAIT SECOND start',
    'start_both WAIT SECOND start',
    'start_second WAIT SECOND start',
    'start_sec WAIT SECOND start',
    'stop_sec SECOND PRIM swap',
    'stop_second SECOND PRIM swap',
    'transition SECOND PRIM swap',
    'start_prim SECOND PRIM swap',
  ]);
  expect(p.scripts('node2')).toEqual([
    'stop_prim PRIM SECOND swap',
    'stop_prim force PRIM SECOND swap',
    'transition PRIM SECOND swap',
    'start_second PRIM SECOND swap',
    'start_sec PRIM SECOND swap',
  ]);
  // Across the pair: the application and the VIP leave node2 before they arrive on node1.
  expect(
    p.timeline.filter((t) => /script (stop|start)_prim |vip /.test(t) && !t.includes(' force ')),
  ).toEqual([
    'node2 script stop_prim PRIM SECOND swap',
    'node2 vip remove',
    'node1 vip set',
    'node1 script start_prim SECOND PRIM swap',
  ]);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});
