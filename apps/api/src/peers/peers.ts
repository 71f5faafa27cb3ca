// What the proxy to other nodes needs (docs/decisions/0021): the node credential, and how the
// nodes' web services are reached: the same scheme and port as this one's, HTTPS checked against
// the cluster's CA.
import type { NodeAuth } from './node-auth';

export interface Peers {
  readonly auth: NodeAuth;
  readonly https: boolean;
  /** The web service port every node uses (HTTPS's when on). */
  readonly port: number;
  /** The CA bundle the nodes' certificates are checked with (HTTPS). */
  readonly ca?: string;
}
