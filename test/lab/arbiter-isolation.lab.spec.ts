import { arbiterScenario, leaseHolder, TAKEOVER_BOUND_MS } from './arbiter-cluster';

// Issue 12 / docs/decisions/0019 (a): both heartbeat LANs cut while both nodes still reach the
// witness's etcd. node1 keeps the lease and is the only primary (ALONE); node2 contends in vain and,
// past the takeover bound, takes its copy for behind and waits in WAIT (NotReady). Healed, node2
// resynchronises and ends SECOND; no split-brain recovery runs.
arbiterScenario('arbiter isolation', (c) => {
  test('both LANs cut: exactly one primary, the holder; the other WAIT', async () => {
    expect(await leaseHolder(c())).toBe('node1');
    await c().lab.partition('default');
    await c().lab.partition('private');
    await c().waitState('node1', 'ALONE', 30);
    const log2 = await c().waitLog('node2', / I Local state WAIT NotReady/, 30);
    expect(log2).toMatch(
      / I Waiting for the arbiter's lease at http:\/\/198\.18\.2\.101:2379 \(held by node1\)/,
    );
    expect(log2).toMatch(/ E No lease from the arbiter within 6\.2 s while the other node is unheard of/);
    expect(log2).not.toMatch(/ Local state ALONE/);
    expect(await c().state('node2')).toBe('WAIT (NotReady)');
    expect(await leaseHolder(c())).toBe('node1');
    expect(c().lab.pids('node2', 'createServer')).toEqual([]);
    expect(TAKEOVER_BOUND_MS).toBe(6_200);
  });

  test('healed: node2 resynchronises from node1 and ends SECOND, node1 PRIM', async () => {
    await c().lab.heal('default');
    await c().lab.heal('private');
    await c().waitState('node2', 'SECOND', 60);
    await c().waitState('node1', 'PRIM', 30);
    const logs = (await c().log('node1')) + (await c().log('node2'));
    expect(logs).not.toMatch(/Split brain recovery/);
    expect(await c().hits('node2')).toEqual(await c().hits('node1'));
  });
});
