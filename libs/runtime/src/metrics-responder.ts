// Every service's answer to a metrics request on the node's bus (keel.v1.node.metrics.<service>):
// its registry in the Prometheus text format. Subscribed at bootstrap, so before startOnBus says
// the service ready; only the CLI may ask (docs/decisions/0010, "Metrics").
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import {
  BUS,
  HandlerError,
  MAX_METRICS_TEXT,
  rpcs,
  subjects,
  type BusPort,
  type MetricsReply,
  type Source,
  type Subscription,
} from '@keel/bus';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './runtime.module';

const METRICS_SOURCE = Symbol.for('keel.runtime.metrics-source');

/** The exposition of a registry as the metrics reply; too big a text is an error reply, not cut. */
export async function metricsReply(service: string, registry: Registry): Promise<MetricsReply> {
  const text = await registry.metrics();
  if (text.length > MAX_METRICS_TEXT) {
    throw new HandlerError(
      'TOO_LARGE',
      `the metrics of ${service} take ${text.length} characters, more than ${MAX_METRICS_TEXT}`,
    );
  }
  return { service, contentType: registry.contentType, text };
}

@Injectable()
export class MetricsResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(METRICS_SOURCE) private readonly source: Source,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { service } = this.source;
    this.subscription = await this.bus.serve(subjects.metrics(service), rpcs.metrics, () =>
      metricsReply(service, this.registry),
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}

/** The responder of a service speaking as `source`. */
export function metricsProviders(source: Source): Provider[] {
  return [{ provide: METRICS_SOURCE, useValue: source }, MetricsResponder];
}
