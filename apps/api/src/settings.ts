// Everything the api service needs before it starts:
//   KEEL_ETC, KEEL_VAR, KEEL_NODE as for every node service (docs/decisions/0015)
//   KEEL_NATS_URL: the node-local bus, reached with KEEL_ETC/bus/api.nk (docs/decisions/0010)
// It listens on SafeKit's web service port, 9010, on every address of the node (the module
// checkers of other nodes and load balancers read the health probes there).
import { nodeBusUrl } from '@keel/bus';
import { nodeBasics, type Machine, type NodeEnv, type NodePaths } from '@keel/config';
import type { ProbeListen } from './service/probe-server';

export const WEB_SERVICE_PORT = 9010;

export interface ApiSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly node: string;
  readonly listen: ProbeListen;
}

/** Throws NodeStartupError. */
export function resolveApiSettings(env: NodeEnv, machine?: Machine): ApiSettings {
  const { paths, node } = nodeBasics(env, machine);
  return { paths, natsUrl: nodeBusUrl(env), node, listen: { port: WEB_SERVICE_PORT } };
}
