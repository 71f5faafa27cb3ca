import { Pair, runningPair } from './pair';
import { syncedStoppedPair } from './synced';

// Sequences found in review that once left the automaton stuck or unsafe; each is a table row.

test('a secondary reintegrating from a primary that leaves goes to WAIT, interrupted, instead of waiting forever', () => {
  const p = new Pair({}, { node1: { uptodate: true, synced: true } });
  p.command('node1', 'prim');
  p.holdReplication = true;
  p.command('node2', 'second');
  p.holdReplication = false;
  p.command('node1', 'stop').advance(60_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.engines.node2.facts.interrupted).toBe(true);
  // The good copy is still good: a plain start on node1 brings the pair back.
  expect(p.engines.node1.facts.uptodate).toBe(true);
  p.command('node1', 'start').advance(5000);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('a node that crashed while reintegrating cannot become primary, even after its keel restarted', () => {
  const p = syncedStoppedPair();
  p.command('node1', 'start').advance(5000);
  p.holdReplication = true;
  p.command('node2', 'start');
  expect(p.state('node2')).toBe('SECOND Transient');
  expect(p.engines.node2.facts).toMatchObject({ uptodate: false, interrupted: true });
});

test('forcestop on a SECOND closes its windows and marks its data stale', () => {
  const p = runningPair();
  p.command('node2', 'forcestop');
  expect(p.state('node2')).toBe('STOP NotReady');
  expect(p.trace.node2).toEqual(
    expect.arrayContaining(['window second closed', 'window sec closed', 'window both closed']),
  );
  expect(p.engines.node2.facts.uptodate).toBe(false);
});

test('a late end of an abandoned script does not move the next one on', () => {
  const p = runningPair();
  const e0 = p.engines.node1;
  p.input('node1', { kind: 'scriptDone', name: 'stop_prim', code: 0, token: e0.scriptSeq + 100 });
  expect(p.state('node1')).toBe('PRIM Ready');
});

test('prim on one node and start on the other at once: the prim node is the primary', () => {
  const p = syncedStoppedPair();
  p.together(['node1', 'start'], ['node2', 'prim']).advance(5000);
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('second fullsync asks for a full reintegration', () => {
  const p = runningPair();
  p.command('node2', 'stop').clearTrace().command('node2', 'second', ['fullsync']);
  expect(p.trace.node2).toContain('replication secondary full');
});

test('failover="off": the held secondary stays held across stop and start; only prim moves it', () => {
  const p = runningPair({ failover: false });
  p.command('node1', 'stop');
  p.command('node2', 'stop').command('node2', 'start').advance(60_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
  p.command('node2', 'stop').command('node2', 'prim').advance(5000);
  expect(p.state('node2')).toBe('ALONE Ready');
});

test('a peer held in WAIT (Transient) by its gate does not block the other node for ever', () => {
  const p = syncedStoppedPair();
  p.input('node1', { kind: 'gate', open: false });
  p.commandBoth('start');
  p.advance(5000);
  expect(p.state('node2')).toBe('ALONE Ready');
  p.input('node1', { kind: 'gate', open: true });
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('maxloop on a wait rule logs its stop once', () => {
  const p = runningPair({ maxloop: 0 });
  p.input('node1', { kind: 'rule', action: 'wait', rule: 'interface_failure' });
  expect(p.logs('node1').filter((l) => l === 'I Action stop called by maxloop')).toHaveLength(1);
  expect(p.state('node1')).toBe('STOP NotReady');
});
