import { runningPair } from './pair';

// A secondary that hears its primary ALONE (the primary lost this node's heartbeats, e.g. while
// this node was frozen) is behind at once: if the primary dies right after, it waits instead of
// taking over with a copy that may lack what the primary acknowledged alone (docs/decisions/0014).
const ALONE = { kind: 'peer', remote: { state: 'ALONE', readiness: 'Ready' } } as const;

test('hearing the primary ALONE marks the copy behind and resynchronises it', () => {
  const p = runningPair({ replication: true });
  p.holdReplication = true;
  p.input('node2', ALONE);
  expect(p.logs('node2')).toEqual(
    expect.arrayContaining([
      'E The primary went on alone: this copy is no longer up to date',
      'E Replication interrupted: resynchronizing from the primary',
    ]),
  );
  expect(p.state('node2')).toBe('SECOND Transient');
  p.command('node1', 'stop').advance(60_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
});

test('(control) a primary that stays PRIM leaves the copy up to date', () => {
  const p = runningPair({ replication: true });
  p.input('node2', { kind: 'peer', remote: { state: 'PRIM', readiness: 'Ready' } });
  expect(p.logs('node2')).toEqual([]);
  expect(p.state('node2')).toBe('SECOND Ready');
});
