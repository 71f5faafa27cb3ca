import { runningPair } from './pair';

// Acceptance 8.4.51 (§5.11): while a wait rule's resource is `init` the module stays WAIT (Transient).
test('a closed gate keeps a starting node in WAIT (Transient); opening it lets the start finish', () => {
  const p = runningPair();
  p.command('node2', 'stop');
  p.input('node2', { kind: 'gate', open: false }).command('node2', 'start').advance(10_000);
  expect(p.state('node2')).toBe('WAIT Transient');
  p.input('node2', { kind: 'gate', open: true });
  expect(p.state('node2')).toBe('SECOND Ready');
});
