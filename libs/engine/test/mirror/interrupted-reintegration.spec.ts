import { Pair } from './pair';

// Acceptance 8.2.20 (§3.9): a node stopped during reintegration may not become primary unless forced.

/** node2 was SECOND (Transient), reintegrating, when node2 then node1 were stopped. */
function interruptedByStop(): Pair {
  const p = new Pair({}, { node1: { uptodate: true, synced: true } });
  p.command('node1', 'prim');
  p.holdReplication = true;
  p.command('node2', 'second');
  expect(p.state('node2')).toBe('SECOND Transient');
  p.command('node2', 'stop').command('node1', 'stop');
  p.holdReplication = false;
  return p.clearTrace();
}

test('prim on a node stopped while SECOND (Transient) is refused back to STOP', () => {
  const p = interruptedByStop();
  p.command('node2', 'prim');
  expect(p.state('node2')).toBe('STOP NotReady');
  expect(p.logs('node2')).toEqual(
    expect.arrayContaining([
      'E Data may be inconsistent for replicated directories (stopped during reintegration)',
      'E If you are sure that this server has valid data, run safekit primforce to force start as primary',
      'E Requested prim start aborted',
    ]),
  );
});

test('primforce makes it ALONE and the other node fully resynchronises at its next start', () => {
  const p = interruptedByStop();
  p.command('node2', 'primforce');
  expect(p.logs('node2')).toContain('I Action primforce called by admin');
  expect(p.state('node2')).toBe('ALONE Ready');
  p.clearTrace().command('node1', 'start');
  expect(p.trace.node1).toContain('replication secondary full');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
});

test('the recovery of §3.9: start the good node, then start this one; it finishes its reintegration as SECOND', () => {
  const p = interruptedByStop();
  p.command('node1', 'prim').advance(5000);
  expect(p.state('node1')).toBe('ALONE Ready');
  p.clearTrace().command('node2', 'start');
  // Its half-copied tree is copied again whole.
  expect(p.trace.node2).toContain('replication secondary full');
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
  // Its copy is whole again: it may take over from now on.
  expect(p.engines.node2.facts).toMatchObject({ interrupted: false, uptodate: true });
});
