// What every node service reads first (paths, cluster.xml, this node's name, the cluster key),
// and where a node and its peer meet on a LAN.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClusterKeyError,
  lanEndpoints,
  nodeBasics,
  nodeClusterKey,
  nodePaths,
  NodeStartupError,
  parseClusterConfig,
} from '../src';

const CLUSTER_XML = `<cluster><lans>
  <lan name="lan1"><node name="node1" addr="10.0.1.1"/><node name="node2" addr="10.0.1.2"/><node name="node3" addr="10.0.1.3"/></lan>
  <lan name="lan2"><node name="node1" addr="10.0.2.1" laddr="192.168.2.1"/><node name="node2" addr="10.0.2.2"/></lan>
  <lan name="lan3"><node name="node1" addr="10.0.3.1"/><node name="node3" addr="10.0.3.3"/></lan>
</lans></cluster>`;

const machine = { hostname: 'elsewhere', localAddresses: [] };
let root: string;
let env: Record<string, string>;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keel-node-basics-'));
  mkdirSync(join(root, 'var', 'cluster'), { recursive: true });
  writeFileSync(join(root, 'var', 'cluster', 'cluster.xml'), CLUSTER_XML);
  env = { KEEL_ETC: join(root, 'etc'), KEEL_VAR: join(root, 'var') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('loads cluster.xml and names the node from KEEL_NODE or the hostname', () => {
  const basics = nodeBasics({ ...env, KEEL_NODE: 'node2' }, machine);
  expect(basics.node).toBe('node2');
  expect(basics.cluster.nodes).toEqual(['node1', 'node2', 'node3']);
  expect(basics.paths.clusterFile).toBe(join(root, 'var', 'cluster', 'cluster.xml'));
  expect(nodeBasics(env, { hostname: 'node1.example.com', localAddresses: [] }).node).toBe('node1');
});

it('refuses a cluster.xml that does not load, with the load error as cause', () => {
  writeFileSync(join(root, 'var', 'cluster', 'cluster.xml'), '<cluster/>');
  const thrown = catchError(() => nodeBasics({ ...env, KEEL_NODE: 'node1' }, machine));
  expect(thrown).toBeInstanceOf(NodeStartupError);
  expect(thrown.message).toMatch(/cluster\.xml/);
  expect(thrown.message).toBe((thrown.cause as Error).message);
});

it('refuses a node it cannot name', () => {
  expect(() => nodeBasics({ ...env, KEEL_NODE: 'node9' }, machine)).toThrow(
    new NodeStartupError(
      `KEEL_NODE=node9 is not a node of ${env.KEEL_VAR}/cluster/cluster.xml (nodes: node1, node2, node3)`,
    ),
  );
  expect(() => nodeBasics(env, machine)).toThrow(/hostname elsewhere, neither .*; set KEEL_NODE/);
});

it('reads the cluster key, or says what is wrong with it', () => {
  const paths = nodePaths(env);
  const missing = catchError(() => nodeClusterKey(paths));
  expect(missing).toBeInstanceOf(NodeStartupError);
  expect(missing.cause).toBeInstanceOf(ClusterKeyError);
  expect(missing.message).toMatch(/cluster\.key: the file does not exist/);
  writeFileSync(paths.keyFile, 'ab'.repeat(32));
  chmodSync(paths.keyFile, 0o600);
  expect(nodeClusterKey(paths)).toHaveLength(32);
});

describe('lanEndpoints', () => {
  const cluster = parseClusterConfig(CLUSTER_XML, 'cluster.xml');

  it("binds on this node's address and reaches the peer's", () => {
    expect(lanEndpoints(cluster, 'lan1', 'node1', 'node2', 5600)).toEqual({
      local: { address: '10.0.1.1', port: 5600 },
      remote: { address: '10.0.1.2', port: 5600 },
    });
  });

  it('binds on the local address behind NAT', () => {
    expect(lanEndpoints(cluster, 'lan2', 'node1', 'node2', 8888)?.local).toEqual({
      address: '192.168.2.1',
      port: 8888,
    });
    expect(lanEndpoints(cluster, 'lan2', 'node2', 'node1', 8888)?.remote).toEqual({
      address: '10.0.2.1',
      port: 8888,
    });
  });

  it('is undefined for an unknown LAN or one that does not reach both nodes', () => {
    expect(lanEndpoints(cluster, 'nowhere', 'node1', 'node2', 1)).toBeUndefined();
    expect(lanEndpoints(cluster, 'lan3', 'node1', 'node2', 1)).toBeUndefined();
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('nothing thrown');
}
