import { Pair } from './pair';

// reference §3.3 and acceptance 8.2.12-13: a freshly configured replicated pair waits for `prim`.
test('start on both nodes of a fresh pair leaves both in WAIT (NotReady) with the not-uptodate messages', () => {
  const p = new Pair();
  p.command('node1', 'start').command('node2', 'start').advance(0);
  expect([p.state('node1'), p.state('node2')]).toEqual(['WAIT NotReady', 'WAIT NotReady']);
  expect(p.logs('node1')).toEqual(
    expect.arrayContaining([
      'I Action wait from failover rule rfs_notuptodate_server',
      'I Data may be not uptodate for replicated directories (wait for the start of the remote server)',
    ]),
  );
});

test('stop then prim on one waiting node: it becomes primary and the waiting peer resynchronises fully', () => {
  const p = new Pair();
  p.command('node1', 'start').command('node2', 'start').advance(0);
  p.command('node1', 'stop').command('node1', 'prim');
  expect(p.logs('node1')).toContain('I Action prim called by admin');
  expect(p.trace.node2).toContain('replication secondary full');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('prim on node1 alone gives ALONE (Ready); second on node2 then gives PRIM / SECOND', () => {
  const p = new Pair();
  p.command('node1', 'prim').advance(0);
  expect(p.state('node1')).toBe('ALONE Ready');
  p.command('node2', 'second');
  expect(p.trace.node2).toContain('replication secondary full');
  expect(p.logs('node2')).toContain('I Action second called by admin');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});
