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
}
