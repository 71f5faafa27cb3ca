import { Pair, runningPair } from './pair';
import { START_ALONE, START_AS_SECOND } from './script-orders';

// §3.2 M5 and M6 (acceptance 8.4.48): a wait rule that fires while a start is still in WAIT
// (Transient) moves it to WAIT (NotReady), where it holds; the wakeup brings it back to WAIT
// (Transient) and the start goes on, here to ALONE once the heartbeat timeout is over.
test('a wait rule during the start holds WAIT (NotReady); wakeup goes on through WAIT (Transient) to ALONE', () => {
  const p = new Pair({ peerSilenceMs: 3000 }, { node1: { uptodate: true, synced: true } });
  p.connected = false;
  p.command('node1', 'start').advance(1000);
  expect(p.state('node1')).toBe('WAIT Transient');
  p.input('node1', { kind: 'rule', action: 'wait', rule: 'p_router' });
  expect(p.logs('node1')).toContain('I Action wait from failover rule p_router');
  expect(p.state('node1')).toBe('WAIT NotReady');
  // Held: the heartbeat timeout passes but the module does not take a role.
  p.advance(60_000);
  expect(p.state('node1')).toBe('WAIT NotReady');
  p.input('node1', { kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  expect(p.logs('node1')).toContain('I Action wakeup from failover rule Implicit_wakeup');
  expect(p.trace.node1.filter((t) => t.startsWith('state '))).toEqual([
    'state WAIT Transient',
    'state WAIT NotReady',
    'state WAIT Transient',
    'state ALONE Transient',
    'state ALONE Ready',
  ]);
  // The held start ran no stop script: only STOP -> WAIT, then WAIT -> ALONE.
  expect(p.scripts('node1')).toEqual(START_ALONE);
});

// The same with the peer present: node2 starts while node1 is ALONE but waits in WAIT (Transient)
// for its start-up gate (§5.11); the rule fires there, and after the wakeup node2 becomes SECOND.
test('a wait rule while the start waits for its gate holds WAIT (NotReady) even once the gate opens; wakeup makes it SECOND', () => {
  const p = runningPair();
  p.command('node2', 'stop').clearTrace();
  p.input('node2', { kind: 'gate', open: false }).command('node2', 'start');
  expect(p.state('node2')).toBe('WAIT Transient');
  p.input('node2', { kind: 'rule', action: 'wait', rule: 'p_router' });
  expect(p.state('node2')).toBe('WAIT NotReady');
  p.input('node2', { kind: 'gate', open: true }).advance(60_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.state('node1')).toBe('ALONE Ready');
  p.input('node2', { kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  expect(p.trace.node2.filter((t) => t.startsWith('state '))).toEqual([
    'state WAIT Transient',
    'state WAIT NotReady',
    'state WAIT Transient',
    'state SECOND Transient',
    'state SECOND Ready',
  ]);
  expect(p.scripts('node2')).toEqual(START_AS_SECOND);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});
