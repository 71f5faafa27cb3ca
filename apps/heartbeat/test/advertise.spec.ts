// What goes in the packets when not everything fits: advertised facts first, then rfs,
// splitbrain, usersetting, heartbeat, then other classes; state.* never.
import { selectAdvertised } from '../src/core/advertise';
import { resourceEntrySize } from '../src/wire/codec';

const map = (o: Record<string, string>) => new Map(Object.entries(o));

it('takes everything that fits, advertised facts overriding a resource of the same name', () => {
  const s = selectAdvertised(
    map({ 'mirror.uptodate': 'up', 'rfs.uptodate': 'down' }),
    map({ 'rfs.uptodate': 'up', 'tcp.web': 'up' }),
    1_000,
  );
  expect([...s.resources]).toEqual([
    ['mirror.uptodate', 'up'],
    ['rfs.uptodate', 'down'],
    ['tcp.web', 'up'],
  ]);
  expect(s.dropped).toEqual([]);
});

it('never copies state.* (the packet carries the state)', () => {
  expect([
    ...selectAdvertised(new Map(), map({ 'state.local': 'PRIM', 'state.remote': 'SECOND' }), 1_000).resources,
  ]).toEqual([]);
});

it('never copies the local progress of a reintegration nor the bandwidth (they change every second)', () => {
  const s = selectAdvertised(
    new Map(),
    map({
      'rfs.reintegration': 'pass 1: 3 of 10 files',
      'rfs.rep_bandwidth': '1200',
      'rfs.rei_bandwidth': '35',
      'rfs.uptodate': 'up',
    }),
    1_000,
  );
  expect([...s.resources]).toEqual([['rfs.uptodate', 'up']]);
});

it('orders by priority and drops the rest when the budget is spent', () => {
  const resources = map({
    'heart.lastprim': 'up',
    'tcp.web': 'up',
    'heartbeat.lan1': 'up',
    'usersetting.failover': 'on',
    'splitbrain.uptodate': 'up',
    'rfs.uptodate': 'up',
    'custom.x': 'down',
  });
  const advertised = map({ 'mirror.lastprim': 'up' });
  const budget =
    resourceEntrySize('mirror.lastprim', 'up') +
    resourceEntrySize('heart.lastprim', 'up') +
    resourceEntrySize('rfs.uptodate', 'up') +
    resourceEntrySize('splitbrain.uptodate', 'up');
  const s = selectAdvertised(advertised, resources, budget);
  expect([...s.resources.keys()]).toEqual([
    'mirror.lastprim',
    'heart.lastprim',
    'rfs.uptodate',
    'splitbrain.uptodate',
  ]);
  expect(s.dropped).toEqual(['usersetting.failover', 'heartbeat.lan1', 'custom.x', 'tcp.web']);
});

it('respects the entry limit', () => {
  const many = new Map(
    Array.from({ length: 70 }, (_, i) => [`custom.c${String(i).padStart(2, '0')}`, 'up'] as [string, string]),
  );
  const s = selectAdvertised(new Map(), many, 100_000, 64);
  expect(s.resources.size).toBe(64);
  expect(s.dropped).toHaveLength(6);
});

it('ranks a class named like an Object property as any other class', () => {
  const s = selectAdvertised(new Map(), map({ 'constructor.x': 'up', 'rfs.y': 'up' }), 1_000);
  expect([...s.resources.keys()]).toEqual(['rfs.y', 'constructor.x']);
});
