import { connect } from './farm-client';
import { FARM_NODES, farmScenario } from './lab-scenario';

// Issue 10 (Done when 3) / reference §4.3 farm split brain: a partition of both farm LANs between
// node3 and the others lets each side serve everything — node3 alone 256/256, node1 and node2
// 256 between them — after node3's leader (node1) has been silent mlost_count pulses; at the
// reunion node1 leads the three again and the shares return to a three-way split. The client
// stays on node1's side and is answered throughout.
farmScenario('farm partition', (c) => {
  const lastLine = async (node: string, what: RegExp) =>
    (await c().log(node))
      .split('\n')
      .filter((l) => what.test(l))
      .at(-1) ?? '';
  const settled = async (node: string, line: RegExp) => {
    for (const until = Date.now() + 10_000; !line.test(await lastLine(node, /farm (membership|load):/));) {
      if (Date.now() > until) throw new Error(`${node}: no ${line} in\n${await c().log(node)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  test('each side serves everything while cut; the reunion restores one membership and the shares', async () => {
    for (const lan of ['default', 'private'])
      await c().lab.partition(lan, [['node1', 'node2', 'client1'], ['node3']]);
    await settled('node3', /farm load: 256\/256 \(group FarmProto_0\)$/);
    expect(await lastLine('node3', /farm membership:/)).toMatch(
      /farm membership: node3 \(group FarmProto_0\)$/,
    );
    await settled('node1', /farm load: 128\/256 \(group FarmProto_0\)$/);
    expect(await lastLine('node1', /farm membership:/)).toMatch(
      /farm membership: node1 node2 \(group FarmProto_0\)$/,
    );
    const cut = await connect(c(), { count: 300, concurrency: 10 });
    expect(cut.failed).toBe(0);
    expect(Object.keys(cut.byNode).sort()).toEqual(['node1', 'node2']);

    for (const lan of ['default', 'private']) await c().lab.heal(lan);
    for (const node of FARM_NODES) {
      await settled(node, /farm load: 8[56]\/256 \(group FarmProto_0\)$/);
      expect(await lastLine(node, /farm membership:/)).toMatch(
        /farm membership: node1 node2 node3 \(group FarmProto_0\)$/,
      );
    }
    const healed = await connect(c(), { count: 600, concurrency: 10 });
    expect(healed.failed).toBe(0);
    expect(Object.keys(healed.byNode).sort()).toEqual([...FARM_NODES]);
  });
});
