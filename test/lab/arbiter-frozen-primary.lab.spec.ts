import { readFileSync } from 'node:fs';
import { DATA_DIR } from './keel-cluster';
import { arbiterScenario, LEASE, leaseHolder } from './arbiter-cluster';

// Issue 12 / docs/decisions/0019 (b): the primary frozen (every process of node1 stopped) past its
// lease's TTL. node2 takes over only once the lease expired in etcd; thawed, node1 refuses writes
// at once (EROFS: keel-rfsd's own deadline, nothing of keel needs to run first), loses the lease,
// and ends SECOND once it has resynchronised from node2.
arbiterScenario('arbiter frozen primary', (c) => {
  test('frozen past the TTL: node2 takes over after the lease expired; thawed, node1 refuses writes at once', async () => {
    // A writer that tries once a second thaws with node1 and reports its first write.
    const probe = `const fs = require('fs'); setInterval(() => { try { fs.closeSync(fs.openSync('${DATA_DIR}/.frozen', 'w')); console.log('ok', Date.now()); } catch (e) { console.log(e.code, Date.now()); } }, 1000);`;
    const first = await c().lab.exec('node1', [
      'node',
      '-e',
      `${probe.replace('setInterval', 'setTimeout')}`,
    ]);
    expect(first.stdout).toMatch(/^ok /);
    const writer = await c().lab.spawn('node1', ['node', '-e', probe], {
      logFile: `${c().lab.plan.runDir}/frozen-writer.log`,
    });

    const frozenAt = Date.now();
    c().lab.freeze('node1');
    await c().waitState('node2', 'ALONE', 30);
    const tookOverAfter = Date.now() - frozenAt;
    expect(await leaseHolder(c())).toBe('node2');
    // Not before the lease could expire: its TTL after node1's last renewal, at most one renewal
    // period (800 ms) before the freeze.
    expect(tookOverAfter).toBeGreaterThanOrEqual(LEASE.ttlMs - 800);
    const log2 = await c().log('node2');
    expect(log2).toMatch(/ I Waiting for the arbiter's lease at .* \(held by node1\)/);

    const thawedAt = Date.now();
    c().lab.thaw('node1');
    // The writer's first attempt after the thaw is refused.
    let lines: string[] = [];
    for (
      const until = Date.now() + 10_000;
      Date.now() < until;
      await new Promise((r) => setTimeout(r, 100))
    ) {
      lines = readFileSync(`${c().lab.plan.runDir}/frozen-writer.log`, 'utf8').trim().split('\n');
      if (lines.some((l) => Number(l.split(' ')[1]) >= thawedAt)) break;
    }
    const afterThaw = lines.filter((l) => Number(l.split(' ')[1]) >= thawedAt);
    expect(afterThaw[0]).toMatch(/^EROFS /);
    expect(afterThaw.filter((l) => l.startsWith('ok '))).toEqual([]);
    writer.kill();
  });

  test('node1 learns the loss, leaves for WAIT and ends SECOND; node2 PRIM', async () => {
    const log1 = await c().waitLog('node1', / E Lease of the arbiter lost/, 30);
    expect(log1).toMatch(/ I Action wait called by arbiter/);
    await c().waitState('node1', 'SECOND', 60);
    await c().waitState('node2', 'PRIM', 30);
    expect(await leaseHolder(c())).toBe('node2');
    expect(await c().hits('node1')).toEqual(await c().hits('node2'));
  });
});
