// Who sent an HTTP request: an API key (Authorization: Bearer) or the session cookie, checked by
// the Authenticator. Shared by the route guard and the middleware that guards the OpenAPI pages.
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { Authenticator, Principal } from '../auth/authenticator';
import { NODE_AUTH_SCHEME } from '@keel/config';
import { SESSION_COOKIE } from '../auth/sessions';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The value of one cookie of a Cookie header (RFC 6265 pairs); undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** undefined: no credential given, or one that is not valid (a 401 either way). */
/** An HTTP request: express's, or a WebSocket upgrade's (GraphQL subscriptions). */
export type AnyRequest = IncomingMessage & { originalUrl?: string; rawBody?: Buffer };

export function requestPrincipal(req: AnyRequest, auth: Authenticator): Principal | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    // Another node's request for one of its users (docs/decisions/0021), signed over the body.
    if (header.startsWith(`${NODE_AUTH_SCHEME} `)) {
      const body = req.rawBody ?? Buffer.alloc(0);
      return auth.fromNode(
        header,
        { method: req.method ?? '', url: req.originalUrl ?? req.url ?? '', body },
        clientAddress(req),
      );
    }
    const m = /^Bearer ([\x21-\x7e]{1,256})$/.exec(header);
    return m ? auth.fromApiKey(m[1]!) : undefined;
  }
  const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return session ? auth.fromSession(session) : undefined;
}

/** The caller's address, without the IPv4-mapped IPv6 prefix; never a header's claim. */
export function clientAddress(req: Pick<IncomingMessage, 'socket'>): string {
  return (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}
