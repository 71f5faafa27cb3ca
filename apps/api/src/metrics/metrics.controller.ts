// GET /metrics on the api's port: the node's keel services' Prometheus metrics (node-metrics.ts).
// Monitor role, as reading states: a Prometheus scraper gives a Monitor API key as its bearer
// token (scrape_config `authorization: { credentials_file: ... }`); docs/decisions/0021.
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Allow } from '../web/allow.decorator';
import { WEB_CONTEXT, type WebContext } from '../web/web-context';
import { NodeMetrics } from './node-metrics';

@ApiTags('node')
@Controller()
export class MetricsController {
  private readonly metrics: NodeMetrics;

  constructor(@Inject(WEB_CONTEXT) web: WebContext) {
    this.metrics = new NodeMetrics(web.bus, web.metrics, web.logger);
  }

  @Get('metrics')
  @Allow('Monitor')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary:
      "The Prometheus metrics of this node's keel services (those that answer within 2 s) and the api's own",
  })
  metricsText(): Promise<string> {
    return this.metrics.exposition();
  }
}
