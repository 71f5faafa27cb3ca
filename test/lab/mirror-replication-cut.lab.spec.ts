import { mirrorScenario } from './lab-scenario';

// The replication LAN alone is cut while the heartbeats go on over the other LAN: the primary
// goes on writing on its own, so the secondary's copy falls behind. It must know: it leaves SECOND
// (Ready) to resynchronise, and when the primary then stops it waits in WAIT instead of taking
// over with stale data. Once the LAN is back, the node with the complete copy leads.
mirrorScenario('mirror replication cut', (c) => {
  test('a secondary cut from replication is no longer fit to take over', async () => {
    expect(await c().hit('node1')).toBe('hello from node1 (hit 1)');
    await c().lab.linkDown('node1', 'default');
    // The write no longer reaches node2: node1 holds it until node2 must know its copy is behind
    // (the link timeout, then the heartbeat timeout and a margin: docs/decisions/0012), then
    // acknowledges it alone.
    expect(await c().hit('node1')).toBe('hello from node1 (hit 2)');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await c().state('node2')) !== 'SECOND (Transient)') {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await c().state('node2')).toBe('SECOND (Transient)');
    const log2 = await c().log('node2');
    expect(log2).toMatch(/ I Replication link lost/);
    expect(log2).toMatch(/ E Replication interrupted: resynchronizing from the primary/);
    expect(await c().hits('node2')).toHaveLength(1);

    await c().keel('node1', 'stop');
    await c().waitState('node1', 'STOP');
    await c().waitState('node2', 'WAIT', 20);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await c().state('node2')).toBe('WAIT (NotReady)');
    expect(await c().log('node2')).not.toMatch(/Action alone/);
  });

  test('with the LAN back, the node with the complete copy leads and the other catches up', async () => {
    await c().lab.linkUp('node1', 'default');
    await c().keel('node1', 'start');
    await c().waitState('node1', 'PRIM', 30);
    await c().waitState('node2', 'SECOND', 30);
    expect(await c().hits('node2')).toEqual(await c().hits('node1'));
    expect(await c().hit('node1')).toBe('hello from node1 (hit 3)');
  });
});
