import type { ClusterConfig } from '../model/cluster';

/** An address and a port on a cluster LAN. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * Where a node and its peer meet on a cluster LAN, on one port: `local` is where this node binds
 * (its laddr, behind NAT, else its addr), `remote` is where the peer is reached (its addr).
 * Undefined when the LAN is not in cluster.xml or does not reach both nodes.
 */
export function lanEndpoints(
  cluster: ClusterConfig,
  lanName: string,
  node: string,
  peer: string,
  port: number,
): { readonly local: Endpoint; readonly remote: Endpoint } | undefined {
  const lan = cluster.lans.find((l) => l.name === lanName);
  const self = lan?.nodes.find((n) => n.name === node);
  const other = lan?.nodes.find((n) => n.name === peer);
  if (!self || !other) return undefined;
  return { local: { address: self.laddr ?? self.addr, port }, remote: { address: other.addr, port } };
}
