// What the web application (its own Nest application, web-server.ts) is given by the api service:
// the bus, the modules' states and events, the credentials, the node's settings, its metrics and the
// logger.
import type { Registry } from 'prom-client';
import type { BusPort } from '@keel/bus';
import type { Logger } from '@keel/runtime';
import type { Authenticator } from '../auth/authenticator';
import type { ModuleEvents } from '../core/module-events';
import type { ModuleStates } from '../core/module-states';
import type { OpenidLogin } from '../auth/openid-login';
import type { Peers } from '../peers/peers';
import type { CredentialStore } from '../ports/credential-store.port';
import type { ApiSettings } from '../settings';

export interface WebContext {
  readonly settings: ApiSettings;
  readonly bus: BusPort;
  readonly states: ModuleStates;
  /** States and module log lines as they are heard, for the GraphQL subscriptions. */
  readonly events: ModuleEvents;
  /** The api service's own metrics (its part of /metrics). */
  readonly metrics: Registry;
  readonly store: CredentialStore;
  readonly auth: Authenticator;
  readonly logger: Logger;
  /** The other nodes' web services and the node credential (peers/). */
  readonly peers: Peers;
  /** OpenID Connect login, when <etc>/web/openid.conf configures it. */
  readonly openid?: OpenidLogin;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

export const WEB_CONTEXT = Symbol.for('keel.api.webContext');
