// The context of one GraphQL operation, over HTTP or WebSocket: how to check the caller's
// credential again (a session whose user was removed, or a key deleted, stops working at the next
// operation, and a subscription at its next event), the caller's address, and the principal the
// guard (web/auth.guard.ts) found for this operation.
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/authenticator';
import { authenticate } from '../web/auth.guard';
import type { Caller } from '../web/module-service';
import { clientAddress } from '../web/request-principal';
import type { WebContext } from '../web/web-context';

export interface GraphqlContext {
  /** The caller's credential checked now; throws ServiceUnavailableException when the files cannot be trusted. */
  readonly authenticate: () => Principal | undefined;
  /** The client's address, from its socket. */
  readonly address: string;
  /** Set by the guard for the operation. */
  principal?: Principal;
}

/** The caller of an operation the guard let through. */
export function callerOf(ctx: GraphqlContext): Caller {
  if (!ctx.principal) throw new Error('a GraphQL operation ran without the guard');
  return { principal: ctx.principal, address: ctx.address };
}

/** The context of an operation of this HTTP request, or of this WebSocket's upgrade request. */
export function requestContext(req: IncomingMessage, web: WebContext): GraphqlContext {
  return { authenticate: () => authenticate(req, web), address: clientAddress(req) };
}
