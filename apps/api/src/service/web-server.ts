// The node's web service port (SafeKit's 9010): the modules' health probes (core/ready-probe.ts,
// no credential: load balancers read them), the REST and GraphQL API (web/, graphql/) and
// /metrics (metrics/), a Nest application on express of its own, built here from what the api
// service holds (bus, states and events, credentials, metrics); GraphQL subscriptions are
// attached to the server it listens with.
// The probe is answered before anything else sees the request, exactly as before the API existed.
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type INestApplication,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Registry } from 'prom-client';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BUS, type BusPort } from '@keel/bus';
import { LOGGER, METRICS_REGISTRY, type Logger } from '@keel/runtime';
import { Authenticator } from '../auth/authenticator';
import { LoginLimiter } from '../auth/login-limiter';
import { Sessions } from '../auth/sessions';
import { ModuleEvents } from '../core/module-events';
import { ModuleStates } from '../core/module-states';
import { serveSubscriptions, type GraphqlSubscriptions } from '../graphql/graphql-subscriptions';
import { readyProbe } from '../core/ready-probe';
import { CREDENTIAL_STORE, type CredentialStore } from '../ports/credential-store.port';
import type { ApiSettings } from '../settings';
import { authenticate } from '../web/auth.guard';
import { ErrorsFilter } from '../web/errors.filter';
import { OPENAPI_JSON, openApiDocument, serveOpenApi, SWAGGER_UI } from '../web/openapi';
import type { WebContext } from '../web/web-context';
import { WebModule } from '../web/web.module';

export const API_SETTINGS = Symbol.for('keel.api.settings');

export interface WebListen {
  /** Undefined: every address of the node. */
  readonly host?: string;
  readonly port: number;
}

/** Beyond this many open connections the server takes no more. */
const MAX_CONNECTIONS = 256;

@Injectable()
export class WebServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | undefined;
  private app: INestApplication | undefined;
  private subscriptions: GraphqlSubscriptions | undefined;

  constructor(
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    private readonly states: ModuleStates,
    private readonly events: ModuleEvents,
    @Inject(METRICS_REGISTRY) private readonly metrics: Registry,
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The port it listens on (the one asked for, or the one given for port 0). */
  get port(): number | undefined {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const now = () => performance.now();
    const logger = this.logger.child({ component: 'web' });
    const web: WebContext = {
      settings: this.settings,
      bus: this.bus,
      states: this.states,
      events: this.events,
      metrics: this.metrics,
      store: this.store,
      auth: new Authenticator(this.store, new Sessions(), new LoginLimiter(), now),
      logger,
      now,
    };
    const handler = express();
    handler.disable('x-powered-by');
    handler.use((req, res, next) => this.probe(req, res, next));
    handler.use(securityHeaders);
    handler.use([OPENAPI_JSON, '/api/v1.0/openapi.yaml', SWAGGER_UI], (req, res, next) =>
      docsNeedCredential(web, req, res, next),
    );
    const app = await NestFactory.create<NestExpressApplication>(
      WebModule.forContext(web),
      new ExpressAdapter(handler),
      { bodyParser: false, logger: false, abortOnError: false },
    );
    app.useBodyParser('json', { limit: '2mb' });
    app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
    app.use(bodyRefused);
    app.useGlobalFilters(new ErrorsFilter(logger));
    serveOpenApi(app, openApiDocument(app, this.settings.version));
    await app.init();
    this.app = app;

    const server = createServer(
      // Slow or idle clients cannot hold the service's sockets: Node checks these every second.
      { connectionsCheckingInterval: 1_000, headersTimeout: 5_000, requestTimeout: 30_000 },
      handler,
    );
    server.keepAliveTimeout = 5_000;
    server.maxConnections = MAX_CONNECTIONS;
    const { host, port } = this.settings.listen;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(`port ${port} is taken by another program: the web service cannot be served`)
            : err,
        ),
      );
      // No address: every address of the node, IPv6 and IPv4 where IPv6 is available.
      server.listen({ port, ...(host === undefined ? {} : { host }) }, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error('web server error', { err }));
    this.server = server;
    this.subscriptions = serveSubscriptions(server, app.get(GraphQLSchemaHost).schema, web);
    this.logger.info('web service listening', {
      port: this.port,
      probes: '/var/modules/<AM>/ready.txt',
      api: '/api/v1.0/',
      graphql: '/api/v1.0/graphql',
      metrics: '/metrics',
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscriptions?.close();
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.app?.close();
  }

  /** `/var/...`: the health probes, answered by readyProbe alone, whatever the method. */
  private probe(req: Request, res: Response, next: NextFunction): void {
    if (!(req.url ?? '').startsWith('/var/')) return next();
    const answer = readyProbe(req.method ?? '', req.url ?? '', (m) => this.states.get(m), this.states.known);
    res.writeHead(answer.status, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }
}

/** A body the parsers refused (malformed, too large, wrong charset): its 4xx, naming the body. */
function bodyRefused(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const p = err as { status?: unknown; type?: unknown; expose?: unknown };
  if (typeof p?.status !== 'number' || p.status < 400 || p.status >= 500 || p.expose !== true)
    return next(err);
  const why =
    p.type === 'entity.parse.failed'
      ? 'not valid JSON'
      : p.type === 'entity.too.large'
        ? 'too large'
        : `refused (${String(p.type ?? p.status)})`;
  res.status(p.status).json({ statusCode: p.status, field: 'body', message: `body: ${why}` });
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  next();
}

/** The OpenAPI document and Swagger UI need a credential (Monitor); a browser is sent to log in. */
function docsNeedCredential(web: WebContext, req: Request, res: Response, next: NextFunction): void {
  let principal;
  try {
    principal = authenticate(req, web);
  } catch {
    res.status(503).json({ statusCode: 503, message: 'the web service cannot use its credential files' });
    return;
  }
  if (principal) return next();
  if (req.accepts(['json', 'html']) === 'html') {
    res.redirect(303, '/login');
    return;
  }
  res.status(401).json({
    statusCode: 401,
    message: 'log in (POST /login) or give an API key (Authorization: Bearer <key>)',
  });
}
