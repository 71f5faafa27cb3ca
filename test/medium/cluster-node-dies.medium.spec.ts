// A node that dies between the two phases of `keel -G` (docs/decisions/0022): both real nodes
// accept and stage the new cluster.xml, node2's services stop before its commit, so node1, which
// committed, rolls back through its api: it has its old cluster.xml again and nothing staged.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeCredentialKey, parseClusterKey } from '@keel/config';
import { apiParticipant } from '../../apps/cli/src/remote/push';
import { runTwoPhase } from '../../apps/cli/src/remote/two-phase';
import { CLUSTER_KEY, PEERS_CLUSTER } from './api-peers';
import { startClusterNodes, type ClusterNodes } from './cluster-nodes';

jest.setTimeout(90_000);
let c: ClusterNodes;
let node2Stopped = false;
beforeAll(async () => {
  c = await startClusterNodes();
});
afterAll(async () => {
  if (!node2Stopped) await c?.n2.stop();
  await c?.n1.stop();
});

test('node2 dies after prepare: node1 rolls its commit back', async () => {
  const key = nodeCredentialKey(parseClusterKey(CLUSTER_KEY, 'cluster.key'));
  const next = PEERS_CLUSTER.replace(
    '</lans>',
    '<lan name="extra"><node name="node1" addr="127.0.0.1"/><node name="node2" addr="127.0.0.2"/></lan></lans>',
  );
  const origin = (n: typeof c.n1) => n.base;
  const one = apiParticipant({ origin: origin(c.n1), key, from: 'node1', body: { cluster: next } });
  const two = apiParticipant({ origin: origin(c.n2), key, from: 'node1', body: { cluster: next } });
  const dying = {
    ...two,
    commit: async (id: string) => {
      await c.n2.stop();
      node2Stopped = true;
      return two.commit(id);
    },
  };
  const clusterFile = join(c.n1.node.var, 'cluster', 'cluster.xml');

  const r = await runTwoPhase([one, dying]);
  expect(r.applied).toBe(false);
  expect(r.reports[0]).toEqual({
    label: origin(c.n1),
    ok: false,
    lines: ['accepted (staged)', 'applied', 'rolled back'],
  });
  expect(r.reports[1]!.lines[0]).toBe('accepted (staged)');
  expect(r.reports[1]!.lines[1]).toMatch(
    /^commit failed: the web service at http:\/\/127\.0\.0\.2:\d+ does not answer/,
  );
  expect(readFileSync(clusterFile, 'utf8')).toBe(PEERS_CLUSTER);
  const staging = join(c.n1.node.var, 'cluster', '.staging');
  expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
});
