import { runningPair } from './pair';

// Acceptance 8.2.19 (§3.5): only an up-to-date node may start as primary.
test('the stale node waits with notuptodate_server until the up-to-date node starts', () => {
  const p = runningPair();
  p.command('node2', 'stop'); // node1 ALONE with newer data
  p.command('node1', 'stop').clearTrace();
  p.command('node2', 'start').advance(5000);
  expect(p.state('node2')).toBe('WAIT NotReady');
  expect(p.engines.node2.facts.uptodate).toBe(false);
  expect(p.logs('node2')).toContain('I Action wait from failover rule notuptodate_server');
  p.command('node1', 'start');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('stop then prim on the stale node sacrifices the newer data and makes it primary', () => {
  const p = runningPair();
  p.command('node2', 'stop').command('node1', 'stop');
  p.command('node2', 'start').advance(5000).command('node2', 'stop').command('node2', 'prim');
  expect(p.state('node2')).toBe('ALONE Ready');
});
