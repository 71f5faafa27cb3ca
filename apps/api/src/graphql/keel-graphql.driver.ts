// The GraphQL driver of the web application: @nestjs/graphql builds the schema from the resolvers
// (code-first) and runs them behind the same guard and filter as the REST routes; this driver
// serves the schema over HTTP with graphql-http (the GraphQL-over-HTTP reference implementation)
// on the web application's express instance. Every request needs a credential (401 before
// GraphQL runs, so introspection too), and the same error wording as over WebSocket
// (graphql-subscriptions.ts, which WebServer attaches to the server it listens with).
// Not Apollo: its landing page, usage reporting, CSRF rules and error formatting would each be
// turned off or redone, and its subscriptions attach to a server Nest never listens with.
import { ServiceUnavailableException } from '@nestjs/common';
import { AbstractGraphQLDriver, type GqlModuleOptions } from '@nestjs/graphql';
import type { Express, NextFunction, Request, Response } from 'express';
import { specifiedRules, validate } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/express';
import { authenticate } from '../web/auth.guard';
import type { WebContext } from '../web/web-context';
import { keelGraphqlError } from './graphql-errors';
import { requestContext } from './graphql-context';
import { rootFieldsLimit } from './root-fields-limit';

export const GRAPHQL_PATH = '/api/v1.0/graphql';

export interface KeelGraphqlOptions extends GqlModuleOptions {
  readonly web: WebContext;
}

const RULES = [...specifiedRules, rootFieldsLimit()];

export class KeelGraphqlDriver extends AbstractGraphQLDriver<KeelGraphqlOptions> {
  async start(options: KeelGraphqlOptions): Promise<void> {
    const { web, schema } = options;
    if (!schema) throw new Error('the GraphQL schema was not built');
    const app = this.httpAdapterHost.httpAdapter.getInstance<Express>();
    const handler = createHandler({
      schema,
      context: (req) => requestContext(req.raw, web) as never,
      validate: (s, document) => validate(s, document, RULES),
      formatError: keelGraphqlError,
    });
    app.all(options.path ?? GRAPHQL_PATH, (req, res, next) => needsCredential(web, req, res, next), handler);
  }

  async stop(): Promise<void> {
    // The routes go with the express instance; the WebSocket side is closed by WebServer.
  }
}

/** 401 (or 503 when the credential files cannot be trusted) before GraphQL sees the request. */
function needsCredential(web: WebContext, req: Request, res: Response, next: NextFunction): void {
  let principal;
  try {
    principal = authenticate(req, web);
  } catch (err) {
    if (!(err instanceof ServiceUnavailableException)) throw err;
    res.status(503).json({ statusCode: 503, message: err.message });
    return;
  }
  if (principal) return next();
  res.status(401).json({
    statusCode: 401,
    message: 'log in (POST /login) or give an API key (Authorization: Bearer <key>)',
  });
}
