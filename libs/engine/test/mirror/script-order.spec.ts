import { Pair, runningPair } from './pair';
import { START_ALONE, waitToStop } from './script-orders';

// The script orders of §6.5 as a pair actually runs them (arguments `[force] <from> <to> <action>`, §6.3).
const states = (p: Pair, n: 'node1' | 'node2') => p.trace[n].filter((t) => t.startsWith('state '));

// Acceptance 8.5.64 (§3.2 M2 then M7): a node started alone goes WAIT -> ALONE once the heartbeat
// timeout has passed; when the peer arrives it becomes PRIM without re-running start_prim.
test('start alone with a silent peer: WAIT -> ALONE after the heartbeat timeout, then ALONE -> PRIM', () => {
  const p = new Pair({ peerSilenceMs: 3000 }, { node1: { uptodate: true, synced: true } });
  p.connected = false;
  p.command('node1', 'start').advance(2999);
  expect(p.state('node1')).toBe('WAIT Transient');
  expect(p.scripts('node1')).toEqual(['transition STOP WAIT start', 'prestart STOP WAIT start']);
  p.advance(1);
  expect(p.scripts('node1')).toEqual(START_ALONE);
  expect(states(p, 'node1')).toEqual(['state WAIT Transient', 'state ALONE Transient', 'state ALONE Ready']);
  p.clearTrace().heal().command('node2', 'start');
  expect(p.scripts('node1')).toEqual(['stop_sec ALONE PRIM start', 'transition ALONE PRIM start']);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

// §3.2 M8 and M10, §3.10 (remote stop): stop of the SECOND; the PRIM goes ALONE.
test('stop on the SECOND: SECOND -> WAIT -> STOP on it, PRIM -> ALONE with "remote stop" on the PRIM', () => {
  const p = runningPair();
  p.command('node2', 'stop');
  expect(p.scripts('node2')).toEqual([
    'stop_sec SECOND WAIT stop',
    'stop_second SECOND WAIT stop',
    'stop_both SECOND WAIT stop',
    'transition SECOND WAIT stop',
    ...waitToStop('stop'),
  ]);
  expect(states(p, 'node2')).toEqual([
    'state SECOND Transient',
    'state WAIT Transient',
    'state STOP NotReady',
  ]);
  expect(p.logs('node1')).toContain('I Action alone called by heart: remote stop');
  expect(p.scripts('node1')).toEqual(['transition PRIM ALONE start', 'start_sec PRIM ALONE start']);
  expect(states(p, 'node1')).toEqual(['state PRIM Transient', 'state ALONE Transient', 'state ALONE Ready']);
  // The application keeps running on the primary: no VIP move, no start_prim.
  expect(p.trace.node1).not.toContain('vip remove');
  expect(p.trace.node1).not.toContain('vip set');
});

// §3.2 M11 and the "restart in ALONE" row of §6.5.
test('restart in ALONE: the ALONE stop scripts graceful then forced, then its start scripts; the role stays', () => {
  const p = runningPair();
  p.command('node2', 'stop').clearTrace();
  expect(p.state('node1')).toBe('ALONE Ready');
  p.command('node1', 'restart');
  expect(p.scripts('node1')).toEqual([
    'stop_sec ALONE ALONE restart',
    'stop_sec force ALONE ALONE restart',
    'stop_prim ALONE ALONE restart',
    'stop_prim force ALONE ALONE restart',
    'stop_both ALONE ALONE restart',
    'stop_both force ALONE ALONE restart',
    'start_both ALONE ALONE restart',
    'start_prim ALONE ALONE restart',
    'start_sec ALONE ALONE restart',
  ]);
  expect(states(p, 'node1')).toEqual(['state ALONE Transient', 'state ALONE Ready']);
  expect(p.trace.node1).not.toContain('vip remove');
});

// §3.2 M10 and the ALONE -> WAIT and WAIT -> STOP rows of §6.5: stop of an ALONE node.
test('stop on the ALONE node: ALONE -> WAIT -> STOP with every stop script in order', () => {
  const p = runningPair();
  p.command('node2', 'stop').clearTrace();
  p.command('node1', 'stop');
  expect(p.scripts('node1')).toEqual([
    'stop_sec ALONE WAIT stop',
    'stop_prim ALONE WAIT stop',
    'stop_both ALONE WAIT stop',
    'transition ALONE WAIT stop',
    ...waitToStop('stop'),
  ]);
  expect(states(p, 'node1')).toEqual([
    'state ALONE Transient',
    'state WAIT Transient',
    'state STOP NotReady',
  ]);
  // The VIP leaves after the application stopped.
  expect(p.trace.node1.indexOf('vip remove')).toBeGreaterThan(
    p.trace.node1.indexOf('script stop_prim ALONE WAIT stop'),
  );
});
