import { createCapturingSink } from '@keel/testing';
import { createLogger, type LoggerOptions } from '../src';

const NOW = new Date('2026-01-02T03:04:05.678Z');

function sut(options: Partial<LoggerOptions> = {}) {
  const sink = createCapturingSink();
  const logger = createLogger({ service: 'heartbeat', node: 'node1', sink, now: () => NOW, ...options });
  return { logger, sink };
}

it('writes one JSON line per record with ts, level, service, node, msg and fields', () => {
  const { logger, sink } = sut();

  logger.info('lan up', { lan: 'lan1', latencyMs: 3 });

  expect(sink.lines).toHaveLength(1);
  expect(sink.lines[0]).not.toContain('\n');
  expect(sink.records()[0]).toEqual({
    ts: '2026-01-02T03:04:05.678Z',
    level: 'info',
    service: 'heartbeat',
    node: 'node1',
    msg: 'lan up',
    lan: 'lan1',
    latencyMs: 3,
  });
});

it('drops records below the configured level', () => {
  const { logger, sink } = sut({ level: 'warn' });

  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');

  expect(sink.records().map((r) => r['level'])).toEqual(['warn', 'error']);
  expect(logger.isLevelEnabled('info')).toBe(false);
});

it('logs debug only when asked to', () => {
  const { logger, sink } = sut({ level: 'debug' });
  logger.debug('details', { n: 1 });
  expect(sink.records()[0]).toMatchObject({ level: 'debug', msg: 'details', n: 1 });
});

it('adds child fields to every record, and call fields win over them', () => {
  const { logger, sink } = sut();
  const child = logger.child({ module: 'web', lan: 'lan1' });

  child.warn('lost', { lan: 'lan2' });

  expect(sink.records()[0]).toMatchObject({ module: 'web', lan: 'lan2', msg: 'lost' });
});

it('never lets a field overwrite the record header', () => {
  const { logger, sink } = sut();

  logger.info('real', { msg: 'fake', level: 'error' });

  expect(sink.records()[0]).toMatchObject({
    msg: 'real',
    level: 'info',
    'fields.msg': 'fake',
    'fields.level': 'error',
  });
});

it('renders errors, bigints, dates and cycles without throwing', () => {
  const { logger, sink } = sut();
  const cyclic: Record<string, unknown> = { name: 'a' };
  cyclic['self'] = cyclic;
  const err = Object.assign(new Error('boom', { cause: new Error('root') }), { code: 'E_X' });

  logger.error('failed', { err, big: 10n ** 20n, at: NOW, cyclic, bytes: new Uint8Array(4) });

  const record = sink.records()[0] ?? {};
  expect(record['err']).toMatchObject({
    name: 'Error',
    message: 'boom',
    code: 'E_X',
    cause: { message: 'root' },
  });
  expect((record['err'] as { stack: string }).stack).toContain('boom');
  expect(record['big']).toBe('100000000000000000000');
  expect(record['at']).toBe('2026-01-02T03:04:05.678Z');
  expect(record['cyclic']).toEqual({ name: 'a', self: '[Circular]' });
  expect(record['bytes']).toBe('[4 bytes]');
});

it('survives a sink that throws', () => {
  const logger = createLogger({
    service: 's',
    node: 'n',
    sink: {
      write: () => {
        throw new Error('EPIPE');
      },
    },
  });
  expect(() => logger.error('still fine')).not.toThrow();
});

it('writes to stdout by default', () => {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    createLogger({ service: 's', node: 'n' }).info('hello');
    expect(write).toHaveBeenCalledWith(expect.stringMatching(/^\{.*"msg":"hello".*\}\n$/));
  } finally {
    write.mockRestore();
  }
});
