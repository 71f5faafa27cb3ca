import { mirrorScenario } from './lab-scenario';
import { SWAP_TO_PRIM, SWAP_TO_SECOND } from './script-orders';

// Issue 3 / reference §3.2 M12: swap exchanges the roles, the application stops before it starts.
mirrorScenario('mirror swap', (c) => {
  test('swap on node1: node1 SECOND, node2 PRIM, with the swap scripts', async () => {
    const [from1, from2] = [await c().mark('node1'), await c().mark('node2')];
    expect((await c().keel('node1', 'swap')).code).toBe(0);
    await c().waitState('node2', 'PRIM');
    await c().waitState('node1', 'SECOND');
    expect(await c().scripts('node1', from1)).toEqual(SWAP_TO_SECOND);
    expect(await c().scripts('node2', from2)).toEqual(SWAP_TO_PRIM);
    const log1 = await c().log('node1');
    expect(log1).toMatch(/ I Action swap called by root/);
    expect(log1).toMatch(/ I Begin of Swap/);
    expect(log1).toMatch(/ I Local state SECOND Ready/);
    expect(await c().log('node2')).toMatch(/ I Local state PRIM Ready/);
    // node1's copy was complete when it left PRIM: its reintegration copies nothing.
    expect(await c().log('node1')).not.toMatch(/ I Copied /);
  });
});
