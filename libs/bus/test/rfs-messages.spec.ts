// The replication control contract between admin and rfs: keel.v1.<module>.rfs.cmd and
// keel.v1.<module>.rfs.event.
import { BusDecodeError, codecs, parseModuleSubject, subjects, type Envelope } from '../src';
import { examples } from './fixtures/envelopes';

const text = new TextEncoder();
const bytesOf = (value: unknown) => text.encode(JSON.stringify(value));
const withPayload = (example: Envelope<unknown>, patch: Record<string, unknown>) => ({
  ...example,
  payload: { ...(example.payload as object), ...patch },
});

function rejectedPaths(decode: (b: Uint8Array) => unknown, value: unknown): unknown[] {
  try {
    decode(bytesOf(value));
  } catch (err) {
    expect(err).toBeInstanceOf(BusDecodeError);
    return (err as BusDecodeError).issues.map((i) => i.path);
  }
  throw new Error('decode accepted an invalid message');
}

describe('rfs subjects', () => {
  it('are per module, beside the module command subject, and parse back', () => {
    expect(subjects.rfsCmd('web')).toBe('keel.v1.web.rfs.cmd');
    expect(subjects.rfsEvent('web')).toBe('keel.v1.web.rfs.event');
    expect(subjects.anyModule('rfsEvent')).toBe('keel.v1.*.rfs.event');
    expect(parseModuleSubject('keel.v1.web.rfs.event')).toEqual({ module: 'web', kind: 'rfsEvent' });
  });

  it('are not matched by the module command pattern (admin must not receive them)', () => {
    expect(subjects.anyModule('cmd')).toBe('keel.v1.*.cmd');
    expect(parseModuleSubject(subjects.rfsCmd('web'))).toEqual({ module: 'web', kind: 'rfsCmd' });
  });
});

describe('rfs command', () => {
  it.each(['primary', 'secondary', 'stopped'])('accepts role %s', (role) => {
    const msg = withPayload(examples.rfsCommand, { role });
    expect(codecs.rfsCommand.decode(bytesOf(msg)).payload.role).toBe(role);
  });

  it('defaults full to false', () => {
    const { full: _full, ...payload } = examples.rfsCommand.payload;
    expect(codecs.rfsCommand.decode(bytesOf({ ...examples.rfsCommand, payload })).payload.full).toBe(false);
  });

  it('rejects an unknown role by path', () => {
    const msg = withPayload(examples.rfsCommand, { role: 'alone' });
    expect(rejectedPaths((b) => codecs.rfsCommand.decode(b), msg)).toEqual([['payload', 'role']]);
  });

  it('carries a failed outcome as a result, with its message', () => {
    const msg = withPayload(examples.rfsReply, {
      ok: true,
      result: { ok: false, message: 'keel-rfsd exited with code 1 before mounting' },
    });
    expect(codecs.rfsReply.decode(bytesOf(msg)).payload).toEqual({
      ok: true,
      result: { ok: false, message: 'keel-rfsd exited with code 1 before mounting' },
    });
  });
});

describe('rfs window (the lease arbiter, docs/decisions/0019)', () => {
  it('has a subject of its own beside rfs.cmd', () => {
    expect(subjects.rfsWindow('web')).toBe('keel.v1.web.rfs.window');
    expect(parseModuleSubject('keel.v1.web.rfs.window')).toEqual({ module: 'web', kind: 'rfsWindow' });
  });

  it('carries a monotonic time in milliseconds, fractions kept', () => {
    expect(codecs.rfsWindow.decode(bytesOf(examples.rfsWindow)).payload.deadlineMs).toBe(51_131_499.5);
  });

  it.each([
    ['a negative time', -1],
    ['a time past what a double holds exactly', 2 ** 60],
    ['a time given as text', '51131499'],
  ])('rejects %s by path', (_what, deadlineMs) => {
    const msg = withPayload(examples.rfsWindow, { deadlineMs });
    expect(rejectedPaths((b) => codecs.rfsWindow.decode(b), msg)).toEqual([['payload', 'deadlineMs']]);
  });
});

describe('rfs query (rfsdiff, rfsverify)', () => {
  it('has a subject of its own beside rfs.cmd', () => {
    expect(subjects.rfsQuery('web')).toBe('keel.v1.web.rfs.query');
    expect(parseModuleSubject('keel.v1.web.rfs.query')).toEqual({ module: 'web', kind: 'rfsQuery' });
  });

  it('asks diff or verify, nothing else', () => {
    expect(codecs.rfsQuery.decode(bytesOf(examples.rfsQuery)).payload.query).toBe('verify');
    const msg = withPayload(examples.rfsQuery, { query: 'copy' });
    expect(rejectedPaths((b) => codecs.rfsQuery.decode(b), msg)).toEqual([['payload', 'query']]);
  });
});

describe('rfs event', () => {
  it.each([
    [{ event: 'mounted' }],
    [{ event: 'connected', peer: '198.18.0.1:5600' }],
    [{ event: 'reintegration', full: true }],
    [{ event: 'link-lost', reason: 'connection reset by peer' }],
    [{ event: 'primary-stopped' }],
    [{ event: 'error', message: 'cannot mount /srv/data: not empty' }],
    [{ event: 'exited', code: null, signal: 'SIGKILL', requested: true }],
  ])('accepts %j', (patch) => {
    const { files: _f, bytes: _b, ms: _m, ...base } = examples.rfsEvent.payload;
    const msg = { ...examples.rfsEvent, payload: { ...base, ...patch } };
    expect(codecs.rfsEvent.decode(bytesOf(msg)).payload).toEqual({ ...base, ...patch });
  });

  it.each([
    ['an unknown event', { event: 'paused' }, ['payload', 'event']],
    ['a stopped role (only running daemons report)', { role: 'stopped' }, ['payload', 'role']],
    ['a negative count', { files: -1 }, ['payload', 'files']],
    ['a fractional byte count', { bytes: 1.5 }, ['payload', 'bytes']],
  ])('rejects %s', (_what, patch, path) => {
    expect(rejectedPaths((b) => codecs.rfsEvent.decode(b), withPayload(examples.rfsEvent, patch))).toEqual([
      path,
    ]);
  });
});
