import { Located } from './module';

export interface ClusterNode extends Located {
  readonly name: string;
  /** Address the other nodes use (IPv6 without brackets). */
  readonly addr: string;
  /** Local address when the node is behind NAT. */
  readonly laddr: string | undefined;
}

export interface ClusterLan extends Located {
  readonly name: string;
  readonly command: boolean;
  readonly nodes: readonly ClusterNode[];
}

/**
 * keel beyond SafeKit (docs/decisions/0019): the consensus store whose lease a module with
 * `<check><arbiter>` must hold to be primary: the client URLs of its etcd members.
 */
export interface ClusterArbiter extends Located {
  /** http://host:port, each member once, in the order given. */
  readonly endpoints: readonly string[];
}

/** cluster.xml: the nodes and their address on every LAN. */
export interface ClusterConfig {
  readonly file: string;
  /** UDP port of cluster membership. */
  readonly port: number;
  /** Milliseconds between membership packets. */
  readonly pulse: number;
  readonly mlostCount: number;
  readonly slostCount: number;
  readonly lans: readonly ClusterLan[];
  /** The LAN used for distributed commands: the one with command="on", else the first. */
  readonly commandLan: string;
  /** Every node name, in first-seen order. */
  readonly nodes: readonly string[];
  /** `<arbiter>`, when the site has a lease arbiter. */
  readonly arbiter?: ClusterArbiter;
}
