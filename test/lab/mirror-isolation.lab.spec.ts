import { mirrorScenario } from './lab-scenario';

// Issue 3 / acceptance 8.2.29: both heartbeat LANs cut without a witness -> both ALONE; on
// reconnection the former SECOND exits alone and resynchronises, the former PRIM stays.
mirrorScenario('mirror isolation', (c) => {
  test('partitioning both LANs makes both nodes ALONE', async () => {
    await c().lab.partition('default');
    await c().lab.partition('private');
    await c().waitState('node2', 'ALONE');
    expect(await c().state('node1')).toBe('ALONE (Ready)');
    expect(await c().log('node2')).toMatch(/ I Action alone called by heart: no heartbeat/);
  });

  test('healing them: node1 stays alone, node2 exits alone and ends SECOND', async () => {
    const from2 = await c().mark('node2');
    await c().lab.heal('default');
    await c().lab.heal('private');
    await c().waitState('node2', 'SECOND', 30);
    await c().waitState('node1', 'PRIM');
    const log1 = await c().log('node1');
    if (!/staying alone/.test(log1))
      throw new Error(`node1 log:\n${log1}\n--- node2:\n${await c().log('node2')}`);
    expect(await c().log('node2')).toMatch(/ I Split brain recovery: exiting alone/);
    expect(await c().scripts('node2', from2)).toContain('stop_prim ALONE WAIT stopstart');
  });
});
