// Configuration used by the service tests: a two-node cluster on two LANs and one mirror
// module whose heartbeats run on both (the second one carries the replication flow).
import { parseClusterConfig, parseModuleConfig, type ClusterConfig, type ModuleConfig } from '@keel/config';
import { buildPlan, type HeartbeatPlan } from '../../src/core/plan';
import { deriveHeartbeatKey } from '../../src/wire/key';

export const CLUSTER_XML = `<cluster><lans>
  <lan name="lan1"><node name="node1" addr="10.0.1.1"/><node name="node2" addr="10.0.1.2"/></lan>
  <lan name="lan2"><node name="node1" addr="10.0.2.1"/><node name="node2" addr="10.0.2.2"/></lan>
</lans></cluster>`;

export const PULSE_MS = 100;
export const TIMEOUT_MS = 500;

export function mirrorXml(options: { pulse?: string; timeout?: string; port?: number } = {}): string {
  const port = options.port === undefined ? '' : ` port="${options.port}"`;
  return `<safe><service mode="mirror">
  <heart${port} pulse="${options.pulse ?? `${PULSE_MS}ms`}" timeout="${options.timeout ?? `${TIMEOUT_MS}ms`}">
    <heartbeat name="lan1"/>
    <heartbeat name="lan2" ident="flow"/>
  </heart>
  <rfs><replicated dir="/srv/web"/></rfs>
</service></safe>`;
}

export const cluster = (): ClusterConfig => parseClusterConfig(CLUSTER_XML, 'cluster.xml');
export const mirrorModule = (xml = mirrorXml()): ModuleConfig =>
  parseModuleConfig(xml, 'userconfig.xml').config;

export function planFor(
  node: string,
  modules = [{ name: 'web', id: 1, config: mirrorModule() }],
): HeartbeatPlan {
  const { plan, notes } = buildPlan({ node, cluster: cluster(), modules });
  const errors = notes.filter((n) => n.level === 'error');
  if (errors.length > 0) throw new Error(`test plan has errors: ${JSON.stringify(errors)}`);
  return plan;
}

/**
 * The incarnation each node's heartbeat starts with in the in-memory harness (support/two-nodes.ts);
 * node2's elsewhere, so the two nodes never share a number by chance.
 */
export const FIRST_INCARNATION = { node1: 101, node2: 201 } as const;

export const CLUSTER_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const TEST_KEY = deriveHeartbeatKey(CLUSTER_KEY);
/** A key of another cluster: what an attacker without our key.  */
export const OTHER_KEY = deriveHeartbeatKey(Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
