import { mirrorScenario } from './lab-scenario';

// Acceptance 8.2.14 on real nodes: a pair synchronised once and stopped (secondary first, as the
// console's global stop does), then `start` on both at once, gives one PRIM and one SECOND, and
// start_prim runs only on the PRIM.
mirrorScenario('mirror normal start', (c) => {
  test('start on both nodes: PRIM / SECOND, start_prim only on the primary', async () => {
    await c().keel('node2', 'stop');
    await c().keel('node1', 'stop');
    const marks = { node1: await c().mark('node1'), node2: await c().mark('node2') };
    await Promise.all([c().keel('node1', 'start'), c().keel('node2', 'start')]);
    const deadline = Date.now() + 20_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = [await c().state('node1'), await c().state('node2')];
      if (states.every((s) => s.endsWith('(Ready)'))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...states].sort()).toEqual(['PRIM (Ready)', 'SECOND (Ready)']);
    const primary = states[0] === 'PRIM (Ready)' ? 'node1' : 'node2';
    const secondary = primary === 'node1' ? 'node2' : 'node1';
    const since = (n: 'node1' | 'node2') => c().scripts(n, marks[n]);
    expect((await since(primary)).filter((l) => l.startsWith('start_prim'))).toHaveLength(1);
    expect((await since(secondary)).some((l) => l.startsWith('start_prim'))).toBe(false);
    // The node that was primary holds the complete copy: it leads.
    expect(primary).toBe('node1');
  });
});
