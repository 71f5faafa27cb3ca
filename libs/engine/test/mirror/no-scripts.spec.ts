import { runningPair } from './pair';

// Acceptance 8.5.60: without <user> no script runs, but windows still open for the checkers.
test('a module without <user> runs no script and still opens its checker windows', () => {
  const p = runningPair({ scripts: false });
  p.command('node1', 'stop').command('node1', 'start');
  expect(p.scripts('node1')).toEqual([]);
  expect(p.trace.node1).toEqual(
    expect.arrayContaining(['window pre open', 'window second open', 'window both open']),
  );
  expect(p.state('node1')).toBe('SECOND Ready');
});
