import { syncedStoppedPair } from './synced';
import { START_AS_SECOND } from './script-orders';

// Acceptance 8.2.14 with the script orders of §6.5 (WAIT -> PRIM and WAIT -> SECOND).
test('start on both nodes of a synchronised pair: one PRIM, one SECOND, start_prim only on the PRIM', () => {
  const p = syncedStoppedPair();
  p.commandBoth('start');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
  expect(p.scripts('node1')).toEqual([
    'transition STOP WAIT start',
    'prestart STOP WAIT start',
    'transition WAIT PRIM start',
    'start_both WAIT PRIM start',
    'start_prim WAIT PRIM start',
  ]);
  expect(p.scripts('node2')).toEqual(START_AS_SECOND);
  expect(p.logs('node1')).toEqual(
    expect.arrayContaining(['I Local state PRIM Ready', 'I Remote state SECOND Ready']),
  );
  expect(p.trace.node1).toContain('vip set');
  expect(p.trace.node2).not.toContain('vip set');
});
