// The node's web service port (SafeKit's 9010), serving for now only the modules' health probes
// (core/ready-probe.ts): no credential is needed for them, as load balancers read them. The rest
// of the API (issue 13) comes with its authentication.
import { createServer, type Server } from 'node:http';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { LOGGER, type Logger } from '@keel/runtime';
import { ModuleStates } from '../core/module-states';
import { readyProbe } from '../core/ready-probe';

export const PROBE_LISTEN = Symbol.for('keel.api.probeListen');

export interface ProbeListen {
  /** Undefined: every address of the node. */
  readonly host?: string;
  readonly port: number;
}

/** Beyond this many open connections the server takes no more (health checks are short-lived). */
const MAX_CONNECTIONS = 256;

@Injectable()
export class ProbeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(PROBE_LISTEN) private readonly listen: ProbeListen,
    private readonly states: ModuleStates,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The port it listens on (the one asked for, or the one given for port 0). */
  get port(): number | undefined {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer(
      // Slow or idle clients cannot hold the service's sockets: Node checks these every second.
      { connectionsCheckingInterval: 1_000, headersTimeout: 2_000, requestTimeout: 5_000 },
      (req, res) => {
        const answer = readyProbe(
          req.method ?? '',
          req.url ?? '',
          (m) => this.states.get(m),
          this.states.known,
        );
        res.writeHead(answer.status, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
      },
    );
    server.keepAliveTimeout = 1_000;
    server.maxConnections = MAX_CONNECTIONS;
    // No address: every address of the node, IPv6 and IPv4 where IPv6 is available, IPv4 alone
    // where it is not (Node's default).
    const host = this.listen.host;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(
                `port ${this.listen.port} is taken by another program: the health probes cannot be served`,
              )
            : err,
        ),
      );
      server.listen({ port: this.listen.port, ...(host === undefined ? {} : { host }) }, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error('health probe server error', { err }));
    this.server = server;
    this.logger.info('health probes served', { port: this.port });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
