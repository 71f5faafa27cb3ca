import { runningPair } from './pair';

// Acceptance 8.2.22-23 (§3.8).
test('defaultprim="node1": after node1 resynchronises as SECOND it swaps back to PRIM', () => {
  const p = runningPair({ defaultprim: 'node1' });
  p.command('node1', 'stop').clearTrace();
  expect(p.state('node2')).toBe('ALONE Ready');
  p.command('node1', 'start');
  expect(p.logs('node1')).toContain('V Transition SWAP from defaultprim');
  expect(p.logs('node2')).toContain('I Begin of Swap');
  expect(p.scripts('node2')).toEqual(
    expect.arrayContaining([
      'stop_prim PRIM SECOND swap',
      'stop_prim force PRIM SECOND swap',
      'start_second PRIM SECOND swap',
    ]),
  );
  expect(p.scripts('node1')).toEqual(
    expect.arrayContaining(['stop_sec SECOND PRIM swap', 'start_prim SECOND PRIM swap']),
  );
  // The application stops on node2 before it starts on node1.
  expect([p.state('node1'), p.state('node2')]).toEqual(['PRIM Ready', 'SECOND Ready']);
});

test('without defaultprim the returning node stays SECOND: no swap', () => {
  const p = runningPair();
  p.command('node1', 'stop').clearTrace().command('node1', 'start');
  expect([p.state('node1'), p.state('node2')]).toEqual(['SECOND Ready', 'PRIM Ready']);
  expect(p.logs('node1').some((l) => l.includes('SWAP'))).toBe(false);
});
