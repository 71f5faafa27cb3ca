// The healthcheck's question to the other nodes: `GET /api/v1.0/level` on each node of cluster.xml
// but this one, signed with this node's credential as `keel -H` signs (remote/), at most a few
// seconds each, all at once. No cluster.xml or key: nothing to ask (their own checks say why).
import {
  loadClusterKeyFile,
  nodeCredentialKey,
  nodeNameIfKnown,
  nodePaths,
  webOrigin,
  type NodeEnv,
} from '@keel/config';
import { hostname } from 'node:os';
import { CommandFailed } from '../../admin-client';
import { hostsContext } from '../../remote/distributed';
import { WebClient } from '../../remote/web-client';
import type { PeerAnswer } from './health-checks';

const PEER_TIMEOUT_MS = 3_000;

export async function askPeers(env: NodeEnv): Promise<readonly PeerAnswer[]> {
  let key: Uint8Array;
  let context;
  try {
    key = nodeCredentialKey(loadClusterKeyFile(nodePaths(env).keyFile));
    context = hostsContext({ env, out: () => undefined, err: () => undefined });
  } catch {
    return [];
  }
  const self = nodeNameIfKnown(env);
  const from = self ?? hostname();
  const { ctx, ca } = context;
  const peers = ctx.nodes.filter((n) => n.name !== self);
  return Promise.all(
    peers.map(async (n): Promise<PeerAnswer> => {
      const origin = webOrigin(ctx.https, n.addr, ctx.port);
      const web = new WebClient({
        origin,
        key,
        claim: { from, user: 'root', role: 'Admin', address: from },
        timeoutMs: PEER_TIMEOUT_MS,
        ...(ca ? { ca } : {}),
      });
      try {
        await web.call('GET', '/api/v1.0/level');
        return { node: n.name, origin, outcome: { kind: 'answered' } };
      } catch (e) {
        if (!(e instanceof CommandFailed)) throw e;
        return {
          node: n.name,
          origin,
          outcome: { kind: e.kind === 'unreachable' ? 'unreachable' : 'refused', message: e.message },
        };
      }
    }),
  );
}
