import { runningPair } from './pair';

// A broken replication link (not a clean stop of the primary) leaves the secondary's copy behind
// the primary: it resynchronises before it may take over (docs/decisions/0009-replication.md).
test('a secondary that loses the replication link resynchronises, then is Ready again', () => {
  const p = runningPair({ replication: true });
  p.input('node2', { kind: 'replicationLost' });
  expect(p.logs('node2')).toContain('E Replication interrupted: resynchronizing from the primary');
  expect(p.trace.node2).toEqual(
    expect.arrayContaining(['state SECOND Transient', 'replication secondary', 'state SECOND Ready']),
  );
  expect(p.scripts('node2')).toEqual([]);
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('a primary lost while the secondary resynchronises leaves it in WAIT, not ALONE with stale data', () => {
  const p = runningPair({ replication: true });
  p.holdReplication = true;
  p.input('node2', { kind: 'replicationLost' });
  expect(p.state('node2')).toBe('SECOND Transient');
  p.command('node1', 'stop').advance(60_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.logs('node2')).toContain('E Reintegration interrupted: the primary is gone');
});

test('a replication lost while the secondary is busy still leaves its copy not up to date', () => {
  const p = runningPair({ replication: true });
  p.holdReplication = true;
  p.input('node2', { kind: 'replicationLost' });
  // A second loss during the resynchronisation: the job goes on, the copy is not up to date.
  p.input('node2', { kind: 'replicationLost' });
  p.command('node1', 'stop').advance(60_000);
  expect(p.state('node2')).toBe('WAIT NotReady');
});

test('a replication link lost outside SECOND changes nothing', () => {
  const p = runningPair({ replication: true });
  p.input('node1', { kind: 'replicationLost' });
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
  expect(p.logs('node1')).toEqual([]);
});
