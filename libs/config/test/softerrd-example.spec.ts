import { loadValid } from './valid';

// reference ops §15.4 softerrd.safe: process monitoring with a custom handler class.
test('softerrd.safe reads every proc with its defaults', () => {
  const { config: m } = loadValid('softerrd', 'cluster-2lans.xml');
  expect(m.errd!.polltimer).toBe(30);
  expect(
    m.errd!.procs.map((p) => [p.name, p.action, p.class, p.atleast, p.atmax, p.service, p.startAfter]),
  ).toEqual([
    ['mybin.exe', 'restart', 'prim', 1, -1, false, 0],
    ['myotherbin.exe', 'stop', 'second', 1, -1, false, 0],
    ['myappli.exe', 'restart_myappli', 'myappli', 1, -1, false, 0],
  ]);
});
