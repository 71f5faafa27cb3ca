import { Injectable, Logger as NestLogger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createCapturingSink } from '@keel/testing';
import { createLogger, NestLoggerAdapter } from '../src';

function sut() {
  const sink = createCapturingSink();
  const logger = createLogger({ service: 'admin', node: 'node1', sink, level: 'debug' });
  return { adapter: new NestLoggerAdapter(logger), sink };
}

it('maps Nest levels and takes a trailing string as the context', () => {
  const { adapter, sink } = sut();

  adapter.log('listening', 'Bootstrap');
  adapter.warn('slow', 'Checker');
  adapter.debug('tick');
  adapter.verbose('chatty', 'X');

  expect(sink.records().map(({ level, msg, context }) => ({ level, msg, context }))).toEqual([
    { level: 'info', msg: 'listening', context: 'Bootstrap' },
    { level: 'warn', msg: 'slow', context: 'Checker' },
    { level: 'debug', msg: 'tick', context: undefined },
    { level: 'debug', msg: 'chatty', context: 'X' },
  ]);
});

it('separates stack and context in error(message, stack, context)', () => {
  const { adapter, sink } = sut();
  const stack = new Error('x').stack ?? '';

  adapter.error('crashed', stack, 'AdminService');
  adapter.error('no stack', 'AdminService');

  expect(sink.records()).toMatchObject([
    { level: 'error', msg: 'crashed', stack, context: 'AdminService' },
    { level: 'error', msg: 'no stack', context: 'AdminService' },
  ]);
  expect(sink.records()[1]).not.toHaveProperty('stack');
});

it('logs an Error message with the error as a field, and marks fatal', () => {
  const { adapter, sink } = sut();

  adapter.fatal(new Error('disk gone'), 'Rfs');

  expect(sink.records()[0]).toMatchObject({
    level: 'error',
    msg: 'disk gone',
    fatal: true,
    context: 'Rfs',
    err: { message: 'disk gone' },
  });
});

it('honours Nest setLogLevels', () => {
  const { adapter, sink } = sut();
  adapter.setLogLevels(['error']);

  adapter.log('hidden');
  adapter.error('shown');

  expect(sink.records().map((r) => r['msg'])).toEqual(['shown']);
});

@Injectable()
class Greeter {
  private readonly log = new NestLogger(Greeter.name);
  greet(): void {
    this.log.log('hello from a provider');
  }
}

@Module({ providers: [Greeter] })
class AppModule {}

it('is what NestFactory and Nest Logger instances write through', async () => {
  const { adapter, sink } = sut();

  const app = await NestFactory.createApplicationContext(AppModule, { logger: adapter });
  try {
    app.get(Greeter).greet();
  } finally {
    await app.close();
  }

  const records = sink.records();
  expect(records).toContainEqual(
    expect.objectContaining({ msg: 'hello from a provider', context: 'Greeter' }),
  );
  // Nest's own bootstrap messages arrive too, as structured records.
  expect(records.some((r) => r['context'] === 'InstanceLoader')).toBe(true);
  expect(records.every((r) => r['service'] === 'admin' && r['node'] === 'node1')).toBe(true);
});
