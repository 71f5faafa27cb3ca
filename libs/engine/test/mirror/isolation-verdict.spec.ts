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

test('a primary refused by the verdict marks its data behind; at the reunion the other side stays primary', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.cut();
  p.input('node2', { kind: 'isolation', verdict: 'up' });
  p.input('node1', { kind: 'isolation', verdict: 'down' });
  p.input('node1', { kind: 'rule', action: 'wait', rule: 'splitbrain_failure' });
  expect(p.engines.node1.facts.uptodate).toBe(false);
  expect(p.logs('node1')).toContain(
    'I Local data not up to date: the other node may serve since the isolation',
  );
  expect([p.state('node1'), p.state('node2')]).toEqual(['WAIT NotReady', 'ALONE Ready']);
  p.clearTrace().heal();
  p.input('node1', { kind: 'rule', action: 'wakeup', rule: 'Implicit_wakeup' });
  p.advance(10_000);
  expect(p.logs('node2')).not.toContain('I Split brain recovery: exiting alone');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('met while the refused primary is still stopping, the side that took over stays', () => {
  const p = arbitrated();
  p.input('node2', { kind: 'isolation', verdict: 'init' });
  p.cut();
  p.input('node2', { kind: 'isolation', verdict: 'up' });
  p.clearTrace();
  p.input('node2', {
    kind: 'peer',
    remote: { state: 'ALONE', readiness: 'Transient' },
    facts: { uptodate: false, aloneFromSecond: false },
  });
  expect(p.logs('node2')).toContain('I Split brain recovery: staying alone');
  expect(p.state('node2')).toBe('ALONE Ready');
});
