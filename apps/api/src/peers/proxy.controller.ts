// `/api/v1.0/nodes/<node>/<path>` (safekit-ops §10.9.5): the same request sent to `/api/v1.0/<path>`
// on that node, signed with the node credential for the caller (docs/decisions/0021). The caller
// is authenticated here (any role); the node that serves the route enforces the role this node
// vouches for, since only it knows what its route needs. A request that came from another node is
// not proxied again (no loops, no chains of trust). Unknown nodes: 404 naming path.node.
import {
  applyDecorators,
  Delete,
  Get,
  Post,
  BadRequestException,
  Controller,
  GatewayTimeoutException,
  Inject,
  NotFoundException,
  Param,
  Req,
  Res,
  ServiceUnavailableException,
  BadGatewayException,
} from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { loadClusterConfig, nodeCommandAddress, nodeRequest, NodeUnreachable, webOrigin } from '@keel/config';
import { Allow } from '../web/allow.decorator';
import { clientAddress, type AuthenticatedRequest } from '../web/request-principal';
import { WEB_CONTEXT, type WebContext } from '../web/web-context';

const PREFIX = /^\/api\/v1\.0\/nodes\/[^/?]+/;
/** Headers of the peer's answer passed back; never its cookies. */
const ANSWER_HEADERS = ['content-type', 'retry-after', 'location'];

/** What each method's route declares: the same for GET, POST and DELETE. */
const ProxyRoute = () =>
  applyDecorators(
    Allow('Monitor'),
    ApiExtension('x-keel-proxy', true),
    ApiParam({ name: 'node', description: "a node of this node's cluster.xml" }),
    ApiParam({ name: 'path', description: 'the route on that node, after /api/v1.0/' }),
    ApiOperation({
      summary:
        "The same request on another node of the cluster (/api/v1.0/<path> there), in the caller's name",
      description: 'The role the route needs is checked on that node.',
    }),
  );

@ApiTags('nodes')
@Controller('api/v1.0/nodes/:node')
export class ProxyController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('*path')
  @ProxyRoute()
  get(@Param('node') node: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.proxy(node, req, res);
  }

  @Post('*path')
  @ProxyRoute()
  post(@Param('node') node: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.proxy(node, req, res);
  }

  @Delete('*path')
  @ProxyRoute()
  delete(@Param('node') node: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    return this.proxy(node, req, res);
  }

  async proxy(
    @Param('node') node: string,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
  ): Promise<void> {
    const principal = req.principal!;
    if (principal.via !== undefined)
      throw new BadRequestException({
        statusCode: 400,
        field: 'path.node',
        message: 'path.node: a request from another node is not proxied again',
      });
    const cluster = loadClusterConfig(this.web.settings.paths.clusterFile);
    const addr = /^[A-Za-z0-9_.-]{1,64}$/.test(node) ? nodeCommandAddress(cluster, node) : undefined;
    if (addr === undefined)
      throw new NotFoundException({
        statusCode: 404,
        field: 'path.node',
        message: `path.node: unknown node ${node.slice(0, 64)} (cluster.xml has ${cluster.nodes.join(', ')})`,
      });
    const peers = this.web.peers;
    const url = (req.originalUrl ?? req.url).replace(PREFIX, '/api/v1.0');
    const body = (req as AuthenticatedRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
    let authorization: string;
    try {
      authorization = peers.auth.sign(
        {
          from: this.web.settings.node,
          user: principal.name,
          role: principal.role,
          address: principal.address ?? clientAddress(req),
        },
        { method: req.method, url, body },
      );
    } catch (err) {
      this.web.logger.error('cannot sign a node request', { problem: (err as Error).message });
      throw new ServiceUnavailableException(
        'this node has no usable cluster key: it cannot speak for you to other nodes',
      );
    }
    const origin = webOrigin(peers.https, addr, peers.port);
    const contentType = req.headers['content-type'];
    try {
      const answer = await nodeRequest({
        origin,
        method: req.method,
        url,
        headers: {
          authorization,
          ...(body.length > 0 && contentType ? { 'content-type': contentType } : {}),
        },
        body,
        ...(peers.ca ? { ca: peers.ca } : {}),
      });
      for (const h of ANSWER_HEADERS) {
        const v = answer.headers[h];
        if (typeof v === 'string') res.setHeader(h, v);
      }
      res.status(answer.status).end(answer.body);
    } catch (err) {
      if (!(err instanceof NodeUnreachable)) throw err;
      const message = `node ${node} (${origin}) does not answer: ${err.why}`;
      throw err.timedOut ? new GatewayTimeoutException(message) : new BadGatewayException(message);
    }
  }
}
