// Which cluster.xml node this machine is (pure): $KEEL_NODE if set, else the hostname, else
// the short hostname, else the only node one of whose cluster addresses is a local address.
import type { ClusterConfig } from '../model/cluster';

export interface HostFacts {
  /** $KEEL_NODE, when set. */
  readonly explicit: string | undefined;
  readonly hostname: string;
  /** Addresses of this machine's interfaces. */
  readonly localAddresses: readonly string[];
}

export type NodeNameResult =
  { readonly ok: true; readonly node: string } | { readonly ok: false; readonly message: string };

export function resolveNodeName(host: HostFacts, cluster: ClusterConfig): NodeNameResult {
  const nodes = cluster.nodes;
  const list = nodes.join(', ');
  if (host.explicit !== undefined && host.explicit !== '') {
    return nodes.includes(host.explicit)
      ? { ok: true, node: host.explicit }
      : {
          ok: false,
          message: `KEEL_NODE=${host.explicit} is not a node of ${cluster.file} (nodes: ${list})`,
        };
  }
  if (nodes.includes(host.hostname)) return { ok: true, node: host.hostname };
  const short = host.hostname.split('.')[0];
  if (nodes.includes(short)) return { ok: true, node: short };
  const local = new Set(host.localAddresses);
  const byAddress = new Set(
    cluster.lans
      .flatMap((lan) =>
        lan.nodes.filter((n) => local.has(n.addr) || (n.laddr !== undefined && local.has(n.laddr))),
      )
      .map((n) => n.name),
  );
  if (byAddress.size === 1) return { ok: true, node: [...byAddress][0] };
  const why =
    byAddress.size > 1
      ? `the local addresses belong to several nodes (${[...byAddress].join(', ')})`
      : 'neither the hostname nor a local address matches a node';
  return {
    ok: false,
    message: `cannot tell which node of ${cluster.file} this is: hostname ${host.hostname}, ${why} (nodes: ${list}); set KEEL_NODE`,
  };
}
