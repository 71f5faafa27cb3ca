import { connect } from './farm-client';
import { FARM_NODES, farmScenario } from './lab-scenario';

// Issue 10 (commands) / reference §5.6.5 `vip_if_ctrl -l` and §5.6.3 SETGROUPS: `keel farm bitmap`
// prints every node's buckets as 8 groups of 32 bits, each bucket set for exactly one member;
// `keel farm close` on node2 gives its share to the others (it stays UP), `keel farm open` takes
// it back; a mirror module refuses the command.
farmScenario('farm commands', (c) => {
  test('bitmap shows each bucket once; close and open move node2 out of the farm and back', async () => {
    const printed = await c().keel('node3', 'farm', 'bitmap');
    expect(printed.code).toBe(0);
    const lines = printed.out.split('\n');
    expect(lines[0]).toMatch(/^leader node1, view \d+, members node1 node2 node3$/);
    const maps = lines.slice(1).map((l) => l.split(' '));
    expect(maps.map(([g, n]) => `${g} ${n}`)).toEqual(FARM_NODES.map((n) => `FarmProto_0 ${n}`));
    // Each of the 256 bits is set in exactly one node's map.
    const words = maps.map(([, , bits]) => bits.split(':').map((w) => parseInt(w, 16)));
    for (let g = 0; g < 8; g++) {
      expect(words.reduce((or, w) => (or | w[g]) >>> 0, 0)).toBe(0xffffffff);
      for (let a = 0; a < 3; a++)
        for (let b = a + 1; b < 3; b++) expect((words[a][g] & words[b][g]) >>> 0).toBe(0);
    }

    expect((await c().keel('node2', 'farm', 'close')).out).toBe('farm traffic closed');
    for (
      const until = Date.now() + 5_000;
      !(await c().log('node1')).includes('farm membership: node1 node3 (');
    ) {
      if (Date.now() > until) throw new Error('node2 did not leave the membership');
      await new Promise((r) => setTimeout(r, 100));
    }
    const closed = await connect(c(), { count: 300, concurrency: 10 });
    expect(closed.failed).toBe(0);
    expect(Object.keys(closed.byNode).sort()).toEqual(['node1', 'node3']);
    expect(await c().state('node2')).toMatch(/UP/);

    expect((await c().keel('node2', 'farm', 'open')).out).toBe('farm traffic open');
    for (
      const until = Date.now() + 5_000;
      !(await c().keel('node1', 'farm', 'bitmap')).out.includes('members node1 node2 node3');
    ) {
      if (Date.now() > until) throw new Error('node2 did not come back');
      await new Promise((r) => setTimeout(r, 100));
    }
    const open = await connect(c(), { count: 300, concurrency: 10 });
    expect(Object.keys(open.byNode).sort()).toEqual([...FARM_NODES]);

    const bad = await c().keel('node1', 'farm', 'explode');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/usage: keel farm bitmap\|open\|close -m <module>/);
  });
});
