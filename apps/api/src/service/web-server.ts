// The node's web service port (SafeKit's 9010): the modules' health probes (core/ready-probe.ts,
// no credential: load balancers read them), the REST and GraphQL API (web/, graphql/) and
// /metrics (metrics/), a Nest application on express of its own, built here from what the api
// service holds (bus, states and events, credentials, metrics); GraphQL subscriptions are
// attached to the server it listens with.
// The probe is answered before anything else sees the request, exactly as before the API existed.
import { hostname } from 'node:os';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
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
import { certificateNames, loadClusterConfig, nodeAddresses, openSslCli } from '@keel/config';
import { LOGGER, METRICS_REGISTRY, type Logger } from '@keel/runtime';
import { Authenticator } from '../auth/authenticator';
import { LoginLimiter } from '../auth/login-limiter';
import { loginOptions } from '../auth/login-options';
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
import { NodeAuth } from '../peers/node-auth';
import { httpsLocation } from '../tls/https-redirect';
import { loadServerTls, RENEWAL_CHECK_MS, renewIfDue, type ServerTls } from '../tls/server-tls';

export const API_SETTINGS = Symbol.for('keel.api.settings');

export interface WebListen {
  /** Undefined: every address of the node. */
  readonly host?: string;
  readonly port: number;
}

/** Beyond this many open connections the server takes no more. */
const MAX_CONNECTIONS = 256;
/** Slow or idle clients cannot hold the service's sockets: Node checks these every second. */
const SERVER_OPTIONS = { connectionsCheckingInterval: 1_000, headersTimeout: 5_000, requestTimeout: 30_000 };

@Injectable()
export class WebServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | undefined;
  private httpsServer: HttpsServer | undefined;
  private renewal: NodeJS.Timeout | undefined;
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

  /** The HTTPS port, when HTTPS is on. */
  get httpsPort(): number | undefined {
    const a = this.httpsServer?.address();
    return typeof a === 'object' && a ? a.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const now = () => performance.now();
    const logger = this.logger.child({ component: 'web' });
    const https = this.settings.https;
    let tls: ServerTls | undefined = https && loadServerTls(this.settings, https, new Date());
    const nodeAuth = new NodeAuth(this.settings.paths.keyFile, Date.now, logger);
    // LDAP and OpenID Connect, when their files configure them (secrets read, never logged).
    const login = loginOptions(this.settings.paths.etc, logger, now);
    const web: WebContext = {
      settings: this.settings,
      bus: this.bus,
      states: this.states,
      events: this.events,
      metrics: this.metrics,
      store: this.store,
      auth: new Authenticator(this.store, new Sessions(), new LoginLimiter(), now, nodeAuth, login.directory),
      ...(login.openid ? { openid: login.openid } : {}),
      logger,
      now,
      peers: {
        auth: nodeAuth,
        https: https !== undefined,
        port: https?.port ?? this.settings.listen.port,
        ...(tls ? { ca: tls.ca } : {}),
      },
    };
    const handler = express();
    handler.disable('x-powered-by');
    handler.use((req, res, next) => this.probe(req, res, next));
    handler.use(securityHeaders);
    handler.use(bodyTypeRead);
    handler.use([OPENAPI_JSON, '/api/v1.0/openapi.yaml', SWAGGER_UI], (req, res, next) =>
      docsNeedCredential(web, req, res, next),
    );
    const app = await NestFactory.create<NestExpressApplication>(
      WebModule.forContext(web),
      new ExpressAdapter(handler),
      // rawBody: a request from another node is signed over its body's bytes (peers/).
      { bodyParser: false, rawBody: true, logger: false, abortOnError: false },
    );
    app.useBodyParser('json', { limit: '2mb' });
    app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
    app.use(bodyRefused);
    app.useGlobalFilters(new ErrorsFilter(logger));
    serveOpenApi(app, openApiDocument(app, this.settings.version));
    await app.init();
    this.app = app;

    const { host } = this.settings.listen;
    if (https && tls) {
      const secure = createHttpsServer({ ...SERVER_OPTIONS, cert: tls.cert, key: tls.key }, handler);
      await this.listenOn(secure, host, https.port);
      this.httpsServer = secure;
      // The HTTP port keeps the probes for load balancers (§16) and sends the rest to HTTPS.
      const redirect = express();
      redirect.disable('x-powered-by');
      redirect.use((req, res, next) => this.probe(req, res, next));
      redirect.use((req, res) => {
        const location = httpsLocation(req.headers.host, https.port, req.originalUrl);
        if (!location)
          res.status(400).json({ statusCode: 400, message: 'headers.host: missing or malformed' });
        else res.redirect(308, location);
      });
      this.server = await this.listenOn(
        createServer(SERVER_OPTIONS, redirect),
        host,
        this.settings.listen.port,
      );
      const names = () =>
        certificateNames(
          this.settings.node,
          nodeAddresses(loadClusterConfig(this.settings.paths.clusterFile), this.settings.node),
          hostname(),
        );
      this.renewal = setInterval(() => {
        renewIfDue(this.settings, https, tls!, { openssl: openSslCli, now: () => new Date(), logger, names })
          .then((next) => {
            if (next.cert !== tls!.cert || next.key !== tls!.key)
              secure.setSecureContext({ cert: next.cert, key: next.key });
            tls = next;
          })
          .catch((err: unknown) =>
            logger.error('HTTPS certificate check failed', { problem: (err as Error).message }),
          );
      }, RENEWAL_CHECK_MS);
      this.renewal.unref();
    } else {
      this.server = await this.listenOn(
        createServer(SERVER_OPTIONS, handler),
        host,
        this.settings.listen.port,
      );
    }
    // GraphQL subscriptions where the API is served: HTTPS when it is on.
    const api = this.httpsServer ?? this.server;
    this.subscriptions = serveSubscriptions(api, app.get(GraphQLSchemaHost).schema, web);
    this.logger.info('web service listening', {
      port: this.port,
      ...(https ? { httpsPort: this.httpsPort } : {}),
      probes: '/var/modules/<AM>/ready.txt',
      api: '/api/v1.0/',
      graphql: '/api/v1.0/graphql',
      metrics: '/metrics',
    });
  }

  private async listenOn<S extends Server | HttpsServer>(
    server: S,
    host: string | undefined,
    port: number,
  ): Promise<S> {
    server.keepAliveTimeout = 5_000;
    server.maxConnections = MAX_CONNECTIONS;
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
    return server;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.renewal);
    await this.subscriptions?.close();
    for (const server of [this.server, this.httpsServer]) {
      if (!server) continue;
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

/**
 * A body in a type no parser reads would reach the routes as no body at all, and a command would
 * run without the arguments it was sent: refused, naming the header, before anything runs.
 */
function bodyTypeRead(req: Request, res: Response, next: NextFunction): void {
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && Number(req.headers['content-length'] ?? 0) === 0) return next();
  if (req.is(['application/json', 'application/x-www-form-urlencoded'])) return next();
  res.status(415).json({
    statusCode: 415,
    field: 'headers.content-type',
    message: `headers.content-type: a body is read as application/json (a login form as application/x-www-form-urlencoded), not ${String(req.headers['content-type'] ?? 'an unnamed type').slice(0, 80)}`,
  });
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
