import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createCapturingSink } from '@keel/testing';
import { Counter, type Registry } from 'prom-client';
import { createLogger, createMetrics, LOGGER, METRICS_REGISTRY, RuntimeModule, type Logger } from '../src';

@Injectable()
class Worker {
  private readonly runs: Counter;
  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.runs = new Counter({ name: 'keel_worker_runs_total', help: 'Runs.', registers: [registry] });
  }
  run(): void {
    this.runs.inc();
    this.log.info('ran');
  }
}

@Module({ providers: [Worker] })
class FeatureModule {}

it('provides the logger and the registry to any module', async () => {
  const sink = createCapturingSink();
  const logger = createLogger({ service: 'vip', node: 'node1', sink });
  const metrics = createMetrics({ service: 'vip', node: 'node1' });

  @Module({ imports: [RuntimeModule.forRoot({ logger, metrics }), FeatureModule] })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    app.get(Worker).run();
    expect(app.get(METRICS_REGISTRY)).toBe(metrics);
  } finally {
    await app.close();
  }

  expect(await metrics.metrics()).toContain('keel_worker_runs_total{service="vip",node="node1"} 1');
  expect(sink.records()).toEqual([expect.objectContaining({ msg: 'ran', service: 'vip' })]);
});
