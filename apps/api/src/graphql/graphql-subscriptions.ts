// GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol of graphql-ws) on the
// web service's own server, at the GraphQL path. The credential is checked at the connection,
// from the upgrade request's headers (the session cookie a browser sends, or an Authorization:
// Bearer key): 401 and no WebSocket without one. A cookie from a page of another origin is not
// taken (SameSite=Strict already keeps browsers from sending it; this holds for old ones too).
// Each operation checks the credential again (graphql-context.ts), and each event (guarded-events.ts).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type * as UseWs from 'graphql-ws/dist/use/ws';
import type { Principal } from '../auth/authenticator';
import { authenticate } from '../web/auth.guard';
import type { WebContext } from '../web/web-context';
import { requestContext } from './graphql-context';
import { keelGraphqlError } from './graphql-errors';
import { GRAPHQL_PATH } from './keel-graphql.driver';

// graphql-ws exports its ws glue as graphql-ws/use/ws only (package exports), which the
// repository's TypeScript resolution (node10) does not read; the types come from the file itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require('graphql-ws/use/ws') as typeof UseWs;

/** A subscription message larger than this closes the connection (ws's maxPayload). */
const MAX_MESSAGE = 64 * 1024;

export interface GraphqlSubscriptions {
  close(): Promise<void>;
}

export function serveSubscriptions(
  server: Server,
  schema: GraphQLSchema,
  web: WebContext,
): GraphqlSubscriptions {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  const graphqlWs = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      schema,
      context: (ctx) => requestContext(ctx.extra.request, web) as never,
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => toJson(keelGraphqlError(e))) }
          : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => toJson(keelGraphqlError(e))),
    },
    wss,
  );
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://keel').pathname !== GRAPHQL_PATH)
      return refuse(socket, 404, 'no WebSocket here');
    let principal: Principal | undefined;
    try {
      principal = sameOriginOrBearer(req) ? authenticate(req, web) : undefined;
    } catch {
      return refuse(socket, 503, 'the web service cannot use its credential files');
    }
    if (!principal)
      return refuse(socket, 401, 'log in (POST /login) or give an API key (Authorization: Bearer <key>)');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', upgrade);
  return {
    close: async () => {
      server.off('upgrade', upgrade);
      for (const client of wss.clients) client.terminate();
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A bearer key, or a cookie sent by a page of this very server (no Origin: not a browser page). */
export function sameOriginOrBearer(req: Pick<IncomingMessage, 'headers'>): boolean {
  const { authorization, origin, host } = req.headers;
  if (authorization !== undefined || origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function toJson(err: Error) {
  return 'toJSON' in err && typeof err.toJSON === 'function' ? err.toJSON() : { message: err.message };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ statusCode: status, message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\n` +
      'content-type: application/json\r\ncache-control: no-store\r\nconnection: close\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
