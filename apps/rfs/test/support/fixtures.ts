// Configuration of the rfs tests: two nodes on two LANs, a mirror module replicating two dirs.
import { parseClusterConfig, parseModuleConfig, type ClusterConfig, type ModuleConfig } from '@keel/config';
import { buildRfsPlan, type RfsModulePlan, type RfsPlan } from '../../src/core/plan';

export const CLUSTER_XML = `<cluster><lans>
  <lan name="lan1"><node name="node1" addr="10.0.1.1"/><node name="node2" addr="10.0.1.2"/></lan>
  <lan name="lan2"><node name="node1" addr="10.0.2.1" laddr="192.168.2.1"/><node name="node2" addr="10.0.2.2"/></lan>
</lans></cluster>`;

export function mirrorXml(
  options: { heart?: string; rfs?: string; dirs?: string[]; check?: string } = {},
): string {
  const dirs = (options.dirs ?? ['/srv/data', '/srv/logs']).map((d) => `<replicated dir="${d}"/>`).join('');
  return `<safe><service mode="mirror">
    <heart>${options.heart ?? '<heartbeat name="lan1"/><heartbeat name="lan2" ident="flow"/>'}</heart>
    <rfs${options.rfs ?? ''}>${dirs}</rfs>${options.check ? `<check>${options.check}</check>` : ''}
  </service></safe>`;
}

export const cluster = (): ClusterConfig => parseClusterConfig(CLUSTER_XML, 'cluster.xml');
export const moduleConfig = (xml = mirrorXml()): ModuleConfig =>
  parseModuleConfig(xml, 'userconfig.xml', { env: {} }).config;

export function planFor(
  xml = mirrorXml(),
  options: { node?: string; id?: number; name?: string } = {},
): RfsPlan {
  return buildRfsPlan({
    node: options.node ?? 'node1',
    cluster: cluster(),
    modules: [{ name: options.name ?? 'web', id: options.id ?? 3, config: moduleConfig(xml) }],
    varDir: '/var/lib/keel',
    keyFile: '/var/lib/keel/cluster/cluster.key',
  }).plan;
}

export function modulePlan(xml = mirrorXml(), options: { node?: string; id?: number } = {}): RfsModulePlan {
  const plan = planFor(xml, options);
  if (!plan.modules[0]) throw new Error(`no module planned: ${JSON.stringify(plan.refused)}`);
  return plan.modules[0];
}
