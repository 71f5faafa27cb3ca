// Everything the api service needs before it starts:
//   KEEL_ETC, KEEL_VAR, KEEL_NODE as for every node service (docs/decisions/0015)
//   KEEL_NATS_URL: the node-local bus, reached with KEEL_ETC/bus/api.nk (docs/decisions/0010)
//   KEEL_ETC/web/{users,apikeys}: who may use the REST API (docs/decisions/0021)
// It listens on SafeKit's web service port, 9010, on every address of the node (the module
// checkers of other nodes and load balancers read the health probes there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBusUrl } from '@keel/bus';
import { nodeBasics, webDir, type Machine, type NodeEnv, type NodePaths } from '@keel/config';
import type { WebListen } from './service/web-server';

export const WEB_SERVICE_PORT = 9010;

export interface ApiSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly node: string;
  readonly listen: WebListen;
  /** Where the users and API keys files are. */
  readonly webDir: string;
  /** keel's version, from its home's package.json. */
  readonly version: string;
}

/** Throws NodeStartupError. */
export function resolveApiSettings(env: NodeEnv, machine?: Machine): ApiSettings {
  const { paths, node } = nodeBasics(env, machine);
  return {
    paths,
    natsUrl: nodeBusUrl(env),
    node,
    listen: { port: WEB_SERVICE_PORT },
    webDir: webDir(paths.etc),
    version: keelVersion(paths.home),
  };
}

export function keelVersion(home: string): string {
  try {
    const v = (JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && /^[\w.+-]{1,64}$/.test(v) ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
