// `keel -H "*" -G` with a cluster.xml that node2 refuses (it drops the lan node2's module `other`
// has its heartbeat on): node2 says why, node1, which accepted and staged it, applies nothing, and
// both nodes keep the cluster.xml they had, with nothing left staged.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClusterNodes, type ClusterNodes } from './cluster-nodes';

const TWO_LANS = `<cluster><lans>
  <lan name="default"><node name="node1" addr="127.0.0.1"/><node name="node2" addr="127.0.0.2"/></lan>
  <lan name="repli"><node name="node1" addr="127.0.0.1"/><node name="node2" addr="127.0.0.2"/></lan>
</lans></cluster>
`;
const WITHOUT_REPLI = `<cluster><lans>
  <lan name="default"><node name="node1" addr="127.0.0.1"/><node name="node2" addr="127.0.0.2"/></lan>
</lans></cluster>
`;

jest.setTimeout(90_000);
let c: ClusterNodes;
beforeAll(async () => {
  c = await startClusterNodes(TWO_LANS);
});
afterAll(async () => {
  await c?.stop();
});

test('a cluster.xml refused by node2 is applied on no node', async () => {
  // A module only node2 has, on the lan the new cluster.xml drops.
  const other = join(c.n2.node.etc, 'modules', 'other');
  mkdirSync(join(other, 'conf'), { recursive: true });
  writeFileSync(
    join(other, 'conf', 'userconfig.xml'),
    '<safe><service mode="mirror"><heart><heartbeat name="repli"/></heart></service></safe>',
  );
  const clusterOf = (n: typeof c.n1) => join(n.node.var, 'cluster', 'cluster.xml');
  writeFileSync(clusterOf(c.n1), WITHOUT_REPLI);

  const r = await c.keel(['-H', '*', '-G']);
  expect(r.code).toBe(1);
  expect(r.out).toEqual([
    expect.stringContaining('Server=http://127.0.0.1:'),
    'accepted (staged)',
    'not applied: refused by http://127.0.0.2:' + r.out[0]!.split(':').at(-1)!.split(' ')[0],
    expect.stringContaining('Server=http://127.0.0.2:'),
  ]);
  expect(r.err[0]).toMatch(/^refused: configuration not valid: .*other.*repli/);
  expect(r.err.at(-1)).toBe('keel -H -G: not applied: every server keeps its configuration');

  // node2 keeps its cluster.xml; node1's is its own edit, not one -G wrote.
  expect(readFileSync(clusterOf(c.n2), 'utf8')).toBe(TWO_LANS);
  expect(readFileSync(clusterOf(c.n1), 'utf8')).toBe(WITHOUT_REPLI);
  for (const n of [c.n1, c.n2]) {
    const staging = join(n.node.var, 'cluster', '.staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  }
  // cluster confinfo shows the difference -G would have removed: node1's edit is its own.
  const info = await c.keel(['-H', '*', 'cluster', 'confinfo']);
  const rows = info.out.filter((l) => /^node\d /.test(l)).map((l) => l.split(' '));
  expect(rows.map((r) => [r[0], r[3]])).toEqual([
    ['node1', '0'],
    ['node2', '0'],
  ]);
  expect(rows[0]![1]).not.toBe(rows[1]![1]);
});
