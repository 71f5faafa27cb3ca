import { runningPair } from './pair';

// docs/decisions/0020: with a splitbrain checker, a secondary that loses every heartbeat takes
// over only on the checker's `up` for this isolation (admin resets the verdict to `init` first).
const arbitrated = () => runningPair({ isolationArbiter: true });

test('an isolated secondary holds in SECOND until the verdict, and says why once', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.clearTrace().cut();
  p.advance(10_000);
  expect(p.state('node2')).toBe('SECOND Ready');
  expect(p.logs('node2')).toEqual([
    'I Remote state UNKNOWN',
    'I Every heartbeat lost: waiting for the splitbrain checker before taking over',
  ]);
  expect(p.scripts('node2')).toEqual([]);
});

test('the verdict up lets it take over as ALONE', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.cut();
  p.input('node2', { kind: 'isolation', verdict: 'up' });
  expect(p.logs('node2')).toContain('I Action alone called by heart: no heartbeat');
  expect(p.state('node2')).toBe('ALONE Ready');
});

test('the verdict down keeps it from taking over (the wait rule then holds it in WAIT)', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.cut();
  p.input('node2', { kind: 'isolation', verdict: 'down' });
  p.advance(10_000);
  expect(p.state('node2')).toBe('SECOND Ready');
  p.input('node2', { kind: 'rule', action: 'wait', rule: 'splitbrain_failure' });
  expect(p.state('node2')).toBe('WAIT NotReady');
});

test('a peer that stops cleanly is no isolation: the secondary takes over at once', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.command('node1', 'stop');
  expect(p.state('node2')).toBe('ALONE Ready');
});

test('without a splitbrain checker nothing changes: the secondary goes ALONE on the loss', () => {
  const p = runningPair();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.cut();
  expect(p.state('node2')).toBe('ALONE Ready');
});

const YIELD =
  'E Split brain: no witness answers this node; its peer may serve, this node will resynchronise from it';

/** Every heartbeat lost; node2 (the SECOND) reaches a witness, node1 (the PRIM) does not. */
function refused() {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.cut();
  p.input('node2', { kind: 'isolation', verdict: 'up' });
  p.input('node1', { kind: 'isolation', verdict: 'down' });
  return p;
}

test('a primary refused at the start of an isolation yields, and says so', () => {
  const p = refused();
  expect(p.logs('node1')).toContain(YIELD);
  expect(p.engines.node1.exitingAlone).toBe(true);
  expect([p.state('node1'), p.state('node2')]).toEqual(['ALONE Ready', 'ALONE Ready']);
});

test('met again before its wait rule fired, the refused primary exits and the other side stays', () => {
  const p = refused();
  p.clearTrace().heal();
  expect(p.logs('node1')).toContain('I Split brain recovery: exiting alone');
  expect(p.logs('node2')).not.toContain('I Split brain recovery: exiting alone');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('held in WAIT by its rule, woken at the reunion, the refused primary becomes SECOND', () => {
  const p = refused();
  p.input('node1', { kind: 'rule', action: 'wait', rule: 'splitbrain_failure' });
  expect(p.state('node1')).toBe('WAIT NotReady');
  p.clearTrace().heal();
  p.input('node1', { kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  p.advance(10_000);
  expect(p.logs('node2')).not.toContain('I Split brain recovery: exiting alone');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('a later down in the same isolation (the witness lost afterwards) yields nothing', () => {
  const p = arbitrated();
  p.cut();
  p.input('node1', { kind: 'isolation', verdict: 'init' });
  p.input('node1', { kind: 'isolation', verdict: 'up' });
  p.input('node1', { kind: 'isolation', verdict: 'down' });
  expect(p.logs('node1')).not.toContain(YIELD);
  expect(p.engines.node1.exitingAlone).toBe(false);
});

test('a peer that was stopped when it was lost could not serve: the refused primary keeps its data', () => {
  const p = arbitrated();
  p.command('node2', 'stop').advance(0);
  expect(p.state('node1')).toBe('ALONE Ready');
  p.cut();
  p.input('node1', { kind: 'isolation', verdict: 'down' });
  expect(p.logs('node1')).not.toContain(YIELD);
  expect(p.engines.node1.exitingAlone).toBe(false);
});

test('checker off: the isolated secondary takes over as without a splitbrain checker', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'off' });
  p.cut();
  expect(p.state('node2')).toBe('ALONE Ready');
});
