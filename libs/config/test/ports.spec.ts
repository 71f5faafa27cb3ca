import { defaultPorts } from '../src';

// ARCHITECTURE.md: default ports follow SafeKit's numbering.
test.each([
  [1, { heartbeat: 8888, replication: 5600, farm: 4803 }],
  [3, { heartbeat: 8890, replication: 5608, farm: 4809 }],
])('module id %d', (id, ports) => {
  expect(defaultPorts(id)).toEqual(ports);
});

test('module ids start at 1', () => {
  expect(() => defaultPorts(0)).toThrow(RangeError);
});
