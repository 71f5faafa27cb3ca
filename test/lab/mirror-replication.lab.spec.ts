import { mirrorScenario } from './lab-scenario';

// Replicated directories on real nodes: every write the application got acknowledged on the
// primary is on the secondary; the secondary takes over with it (acceptance 8.2.15) and the old
// primary, started again, catches up by reintegration before it is SECOND (8.2.16).
mirrorScenario('mirror replication', (c) => {
  test('each acknowledged write on the primary is already on the secondary', async () => {
    for (let i = 1; i <= 5; i++) {
      expect(await c().hit('node1')).toBe(`hello from node1 (hit ${i})`);
      expect(await c().hits('node2')).toHaveLength(i);
    }
    // The secondary's copy is read-only to applications.
    const write = await c().lab.exec('node2', ['sh', '-c', 'echo x >> /var/lib/mirror-demo/hits']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
  });

  test('stop the primary: the secondary serves on with every hit, the old primary catches up as secondary', async () => {
    await c().keel('node1', 'stop');
    await c().waitState('node2', 'ALONE');
    expect(await c().hit('node2')).toBe('hello from node2 (hit 6)');
    expect(await c().hit('node2')).toBe('hello from node2 (hit 7)');

    await c().keel('node1', 'start');
    await c().waitState('node1', 'SECOND');
    await c().waitState('node2', 'PRIM');
    expect(await c().hits('node1')).toEqual(await c().hits('node2'));
    expect(await c().log('node1')).toMatch(/ I Reintegration ended \(synchronize\)/);
    expect(await c().hit('node2')).toBe('hello from node2 (hit 8)');
    expect(await c().hits('node1')).toHaveLength(8);
  });
});
