import { readyProbe } from '../src/core/ready-probe';

const states: Record<string, { state: string; readiness: string }> = {
  mirror: { state: 'PRIM', readiness: 'Ready' },
  alone: { state: 'ALONE', readiness: 'Ready' },
  farm: { state: 'UP', readiness: 'Ready' },
  second: { state: 'SECOND', readiness: 'Ready' },
  starting: { state: 'PRIM', readiness: 'Transient' },
  waiting: { state: 'WAIT', readiness: 'NotReady' },
};
const probe = (path: string, method = 'GET') => readyProbe(method, path, (m) => states[m]).status;

it.each(['mirror', 'alone', 'farm'])('answers 200 for a module that serves (%s)', (m) => {
  expect(probe(`/var/modules/${m}/ready.txt`)).toBe(200);
});

it.each(['second', 'starting', 'waiting', 'unknown', 'constructor'])('answers 404 for %s', (m) => {
  expect(probe(`/var/modules/${m}/ready.txt`)).toBe(404);
});

it.each(['/var/modules/mirror/', '/var/modules/../mirror/ready.txt', '/', '/var/modules/mirror/ready.txtx'])(
  'answers 404 for another path (%s)',
  (path) => {
    expect(probe(path)).toBe(404);
  },
);

it('ignores a query string, and answers HEAD like GET, other methods 405', () => {
  expect(probe('/var/modules/mirror/ready.txt?x=1')).toBe(200);
  expect(probe('/var/modules/mirror/ready.txt', 'HEAD')).toBe(200);
  expect(probe('/var/modules/mirror/ready.txt', 'POST')).toBe(405);
});

it('answers 503 before admin was heard, whatever the path', () => {
  expect(readyProbe('GET', '/var/modules/mirror/ready.txt', (m) => states[m], false).status).toBe(503);
});
