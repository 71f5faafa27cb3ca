// Every real message type: round trip, and the field-level rejections that matter.
import { BusDecodeError, BusEncodeError, codecs, type Envelope } from '../src';
import { codecNames, envelope, examples, pair } from './fixtures/envelopes';

const text = new TextEncoder();
const bytesOf = (value: unknown) => text.encode(JSON.stringify(value));

/** Decodes `value` with the codec and returns the issue paths of the BusDecodeError. */
function rejectedPaths(name: (typeof codecNames)[number], value: unknown): unknown[] {
  try {
    pair(name).codec.decode(bytesOf(value));
  } catch (err) {
    expect(err).toBeInstanceOf(BusDecodeError);
    return (err as BusDecodeError).issues.map((i) => i.path);
  }
  throw new Error('decode accepted an invalid message');
}

const withPayload = (example: Envelope<unknown>, patch: Record<string, unknown>) => ({
  ...example,
  payload: { ...(example.payload as object), ...patch },
});

describe.each(codecNames)('%s codec', (name) => {
  it('round-trips a valid message', () => {
    const { codec, example } = pair(name);
    expect(codec.decode(codec.encode(example))).toEqual(example);
  });

  it('rejects a message of another type with the "type" path', () => {
    const other = codecNames.find((n) => n !== name) ?? name;
    expect(rejectedPaths(name, examples[other])).toContainEqual(['type']);
  });

  it.each([
    ['v', { v: 2 }],
    ['id', { id: '' }],
    ['ts', { ts: 'yesterday' }],
    ['source', { source: { service: 'a.b', node: 'n' } }],
  ])('rejects a bad envelope field %s', (field, patch) => {
    const paths = rejectedPaths(name, { ...examples[name], ...patch });
    expect(paths.some((p) => Array.isArray(p) && p[0] === field)).toBe(true);
  });

  it('refuses to encode an invalid payload', () => {
    const { codec, example } = pair(name);
    expect(() => codec.encode({ ...example, payload: null })).toThrow(BusEncodeError);
  });
});

describe('module command', () => {
  it('defaults args to an empty list', () => {
    const { args: _args, ...withoutArgs } = examples.moduleCommand.payload;
    const decoded = codecs.moduleCommand.decode(bytesOf({ ...examples.moduleCommand, payload: withoutArgs }));
    expect(decoded.payload.args).toEqual([]);
  });

  it('accepts every SafeKit command name and rejects others', () => {
    for (const command of [
      'start',
      'stopstart',
      'forcestop',
      'primforce',
      'failover',
      'boot',
      'errd',
      'checker',
    ]) {
      const msg = withPayload(examples.moduleCommand, { name: command });
      expect(codecs.moduleCommand.decode(bytesOf(msg)).payload.name).toBe(command);
    }
    expect(rejectedPaths('moduleCommand', withPayload(examples.moduleCommand, { name: 'reboot' }))).toEqual([
      ['payload', 'name'],
    ]);
  });

  it('rejects a non-string argument at its index', () => {
    const msg = withPayload(examples.moduleCommand, { args: ['on', 3] });
    expect(rejectedPaths('moduleCommand', msg)).toEqual([['payload', 'args', 1]]);
  });
});

describe('command reply', () => {
  it('carries an error code and message', () => {
    const msg = envelope(codecs.commandReply, { ok: false, code: 'NOT_PRIM', message: 'not primary' });
    expect(codecs.commandReply.decode(codecs.commandReply.encode(msg)).payload).toEqual({
      ok: false,
      code: 'NOT_PRIM',
      message: 'not primary',
    });
  });

  it('rejects an error without a code', () => {
    const msg = { ...examples.commandReply, payload: { ok: false, message: 'x' } };
    expect(rejectedPaths('commandReply', msg)).toEqual([['payload', 'code']]);
  });

  it('rejects a lower-case code', () => {
    const msg = { ...examples.commandReply, payload: { ok: false, code: 'nope', message: 'x' } };
    expect(rejectedPaths('commandReply', msg)).toEqual([['payload', 'code']]);
  });
});

describe('state change', () => {
  it.each(['STOP', 'WAIT', 'ALONE', 'PRIM', 'SECOND', 'UP'])('accepts state %s', (state) => {
    expect(
      codecs.stateChange.decode(bytesOf(withPayload(examples.stateChange, { state }))).payload.state,
    ).toBe(state);
  });

  it('rejects an unknown state, readiness and timestamp by path', () => {
    const msg = withPayload(examples.stateChange, { state: 'DOWN', readiness: 'ready', since: 'now' });
    expect(rejectedPaths('stateChange', msg)).toEqual([
      ['payload', 'state'],
      ['payload', 'readiness'],
      ['payload', 'since'],
    ]);
  });
});

describe('resource messages', () => {
  it.each(['init', 'up', 'down', 'unknown', '42', '3.5 GB'])('accepts value %j', (value) => {
    const msg = withPayload(examples.resourceSet, { value });
    expect(codecs.resourceSet.decode(bytesOf(msg)).payload.value).toBe(value);
  });

  it.each(['', 'line\nbreak', 'x'.repeat(257)])('rejects value %j', (value) => {
    expect(rejectedPaths('resourceSet', withPayload(examples.resourceSet, { value }))).toContainEqual([
      'payload',
      'value',
    ]);
  });

  it('rejects a resource name with spaces', () => {
    expect(rejectedPaths('resourceChanged', withPayload(examples.resourceChanged, { name: 'a b' }))).toEqual([
      ['payload', 'name'],
    ]);
  });
});

describe('log line', () => {
  it('rejects a level outside I, E, V', () => {
    expect(rejectedPaths('logLine', withPayload(examples.logLine, { level: 'W' }))).toEqual([
      ['payload', 'level'],
    ]);
  });
});

describe('heartbeat view', () => {
  it('accepts UNKNOWN remote state and readiness', () => {
    const peers = [
      { node: 'node2', lans: [{ name: 'lan1', status: 'down' }], state: 'UNKNOWN', readiness: 'UNKNOWN' },
    ];
    const decoded = codecs.heartbeatView.decode(bytesOf(withPayload(examples.heartbeatView, { peers })));
    expect(decoded.payload.peers[0]).toMatchObject({ state: 'UNKNOWN', readiness: 'UNKNOWN' });
  });

  it('rejects a LAN status other than up/down by its full path', () => {
    const peers = [
      { node: 'node2', lans: [{ name: 'lan1', status: 'flapping' }], state: 'PRIM', readiness: 'Ready' },
    ];
    expect(rejectedPaths('heartbeatView', withPayload(examples.heartbeatView, { peers }))).toEqual([
      ['payload', 'peers', 0, 'lans', 0, 'status'],
    ]);
  });
});

describe('service presence', () => {
  it('rejects a non-integer pid', () => {
    expect(rejectedPaths('servicePresence', withPayload(examples.servicePresence, { pid: 1.5 }))).toEqual([
      ['payload', 'pid'],
    ]);
  });
});
