import { mirrorScenario } from './lab-scenario';
import type { Node } from './keel-cluster';

// Issue 8 / docs/decisions/0012: kill -9 of the PRIM's keel-rfsd leaves its replicated directory a
// dead mount. The module does not stay PRIM (Ready) over it: it restarts (stopstart by rfs), and
// within seconds the application writes to its replicated directory again, on whichever node
// is primary then.
mirrorScenario('mirror kill rfsd', (c) => {
  test("the PRIM's replication daemon is killed: the module restarts and the application writes again", async () => {
    const before = await c().hits('node1');
    expect(c().lab.kill('node1', 'keel-rfsd', 'SIGKILL').length).toBe(1);

    const primary = await servingPrimary(c, 30_000);
    const answer = await c().hit(primary);
    expect(answer).toMatch(new RegExp(`^hello from ${primary} \\(hit \\d+\\)$`));
    // The hit is in the replicated file of the node that serves, after every hit before the kill.
    const hits = await c().hits(primary);
    expect(hits.slice(0, before.length)).toEqual(before);
    expect(hits.length).toBeGreaterThan(before.length);

    const log = await c().log('node1');
    expect(log).toMatch(/ E Replication process exited \(signal SIGKILL\)$/m);
    expect(log).toMatch(/ E Replicated directories unusable on the primary: the module restarts$/m);
    expect(log).toMatch(/ I Action stopstart called by rfs$/m);
  });
});

/** The node that is primary and Ready again with its application answering, within `ms`. */
async function servingPrimary(c: () => import('./keel-cluster').KeelCluster, ms: number): Promise<Node> {
  const until = Date.now() + ms;
  for (;;) {
    for (const node of ['node1', 'node2'] as const) {
      const state = await c().state(node);
      if (/^(PRIM|ALONE) \(Ready\)/.test(state)) {
        try {
          await c().hit(node);
          return node;
        } catch {
          // not answering yet
        }
      }
    }
    if (Date.now() > until)
      throw new Error(`no node serves again: ${await c().state('node1')} / ${await c().state('node2')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
