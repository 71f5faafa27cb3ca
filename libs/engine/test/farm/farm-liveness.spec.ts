// Farm liveness (pure, time as input): who is alive and who leads, with SafeKit's slost/mlost.
import { heard, initialLiveness, liveMembers, nextDeadline, selfReady, tick } from '../../src';

// pulse 100 ms: a follower is given up after 1 s of silence, the leader after 2 s.
const settings = { self: 'node2', pulseMs: 100, mlostCount: 20, slostCount: 10 };

test('the UP (Ready) nodes heard, itself included, and the lowest name leads', () => {
  let l = selfReady(initialLiveness(settings), true, 0);
  l = heard(l, 'node3', true, 0);
  l = heard(l, 'node1', true, 0);
  l = heard(l, 'node4', false, 0);
  expect(liveMembers(l, 0)).toEqual(['node1', 'node2', 'node3']);
  expect(l.leader).toBe('node1');
});

test('a silent follower goes after slost pulses; the silent leader only after mlost', () => {
  let l = selfReady(initialLiveness(settings), true, 0);
  l = heard(l, 'node1', true, 0);
  l = heard(l, 'node3', true, 0);
  expect(nextDeadline(l, 0)).toBe(1_001);
  l = tick(l, 1_001);
  // node3 (a follower) is gone; node1 (the leader) is given longer.
  expect(liveMembers(l, 1_001)).toEqual(['node1', 'node2']);
  expect(l.leader).toBe('node1');
  expect(nextDeadline(l, 1_001)).toBe(2_001);
  l = tick(l, 2_001);
  expect(liveMembers(l, 2_001)).toEqual(['node2']);
  expect(l.leader).toBe('node2');
});

test('a node heard again is a member again; one not ready is not; its own packets change nothing', () => {
  let l = selfReady(initialLiveness(settings), true, 0);
  l = heard(l, 'node3', true, 0);
  l = tick(l, 1_500);
  expect(liveMembers(l, 1_500)).toEqual(['node2']);
  l = heard(l, 'node3', true, 1_600);
  expect(liveMembers(l, 1_600)).toEqual(['node2', 'node3']);
  l = heard(l, 'node3', false, 1_700);
  expect(liveMembers(l, 1_700)).toEqual(['node2']);
  expect(heard(l, 'node2', false, 1_800)).toBe(l);
  l = selfReady(l, false, 1_900);
  expect(liveMembers(l, 1_900)).toEqual([]);
  expect(l.leader).toBeUndefined();
});
