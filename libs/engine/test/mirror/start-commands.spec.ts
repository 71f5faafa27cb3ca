import { runningPair, Pair } from './pair';

// §2.3: prim fails when the other node is primary, second when it is not.
test('prim is aborted while the other node is primary', () => {
  const p = runningPair();
  p.command('node2', 'stop').clearTrace().command('node2', 'prim');
  expect(p.logs('node2')).toContain('E The remote node is already primary: prim start aborted');
  expect(p.state('node2')).toBe('STOP NotReady');
});

test('second is aborted when the other node is stopped', () => {
  const p = new Pair({ peerSilenceMs: 1000 }, { node1: { uptodate: true, synced: true } });
  p.command('node2', 'second');
  expect(p.state('node2')).toBe('STOP NotReady');
  expect(p.logs('node2')).toContain('E The remote node is not primary: second start aborted');
});

test('start on a started module is refused with the state it is in', () => {
  const p = runningPair();
  p.command('node1', 'start');
  expect(p.replies.node1.at(-1)).toEqual({
    ok: false,
    message: 'the module is already started: PRIM (Ready)',
  });
});

test('a node alone on the network waits for the heartbeat timeout before it judges its peer absent', () => {
  const p = new Pair({ peerSilenceMs: 3000 }, { node1: { uptodate: true, synced: true } });
  p.connected = false;
  p.command('node1', 'start').advance(2000);
  expect(p.state('node1')).toBe('WAIT Transient');
  p.advance(1000);
  expect(p.state('node1')).toBe('ALONE Ready');
});

test('defaultprim="lastprim": of two synchronised nodes the last primary becomes PRIM', () => {
  const p = new Pair(
    { defaultprim: 'lastprim' },
    {
      node1: { uptodate: true, synced: true, lastPrim: false, generation: 4 },
      node2: { uptodate: true, synced: true, lastPrim: true, generation: 4 },
    },
  );
  p.commandBoth('start');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});
