// Everything the api service needs before it starts:
//   KEEL_ETC, KEEL_VAR, KEEL_NODE as for every node service (docs/decisions/0015)
//   KEEL_NATS_URL: the node-local bus, reached with KEEL_ETC/bus/api.nk (docs/decisions/0010)
//   KEEL_ETC/web/{users,apikeys}: who may use the REST API (docs/decisions/0021)
//   KEEL_ETC/web/web.conf: its ports and HTTPS (certificates checked here: a problem names the file)
//   KEEL_ETC/web/ldap.conf, openid.conf: LDAP and OpenID Connect logins, when present
// It listens on SafeKit's web service port, 9010, on every address of the node (the module
// checkers of other nodes and load balancers read the health probes there), and with HTTPS on
// also on 9453, where everything but the probes is then served.
import { nodeBusUrl } from '@keel/bus';
import {
  keelVersion,
  loadLdapConf,
  loadOpenidConf,
  LoginConfError,
  loadWebConf,
  nodeBasics,
  NodeStartupError,
  WebConfError,
  webDir,
  type HttpsConf,
  type Machine,
  type NodeEnv,
  type NodePaths,
  type WebConf,
} from '@keel/config';
import { loadServerTls } from './tls/server-tls';
import type { WebListen } from './service/web-server';

export { HTTP_PORT as WEB_SERVICE_PORT } from '@keel/config';

export interface ApiSettings {
  readonly paths: NodePaths;
  readonly natsUrl: string;
  readonly node: string;
  /** HTTP (the probes; with HTTPS on, a redirect for everything else). */
  readonly listen: WebListen;
  /** HTTPS on its port (the same host as listen); undefined: off. */
  readonly https?: HttpsConf;
  /** Where the users and API keys files are. */
  readonly webDir: string;
  /** keel's version, from its home's package.json. */
  readonly version: string;
}

/** Throws NodeStartupError. */
export function resolveApiSettings(env: NodeEnv, machine?: Machine): ApiSettings {
  const { paths, node } = nodeBasics(env, machine);
  let conf: WebConf;
  try {
    conf = loadWebConf(paths.etc);
  } catch (err) {
    if (err instanceof WebConfError) throw new NodeStartupError(err.message);
    throw err;
  }
  // ldap.conf and openid.conf (and their secret files) checked now: a problem names the file and line.
  try {
    loadLdapConf(paths.etc);
    loadOpenidConf(paths.etc);
  } catch (err) {
    if (err instanceof LoginConfError) throw new NodeStartupError(err.message);
    throw err;
  }
  // Checked now, so a bad certificate stops the start as a configuration error naming the file.
  if (conf.https) loadServerTls({ paths, node }, conf.https, new Date());
  return {
    paths,
    natsUrl: nodeBusUrl(env),
    node,
    listen: { port: conf.httpPort },
    ...(conf.https ? { https: conf.https } : {}),
    webDir: webDir(paths.etc),
    version: keelVersion(paths.home),
  };
}
