import {
  assertPublishSubject,
  assertSubscribeSubject,
  BusSubjectError,
  commandCallerOf,
  commandModuleOf,
  MODULE_SUBJECT_KINDS,
  parseModuleSubject,
  subjectMatches,
  subjects,
  type ModuleSubjectKind,
} from '../src';

describe('subjects', () => {
  it.each([
    ['state', 'keel.v1.web.state'],
    ['resourceSet', 'keel.v1.web.resource.set'],
    ['resourceChanged', 'keel.v1.web.resource.changed'],
    ['log', 'keel.v1.web.log'],
    ['heartbeatView', 'keel.v1.web.heartbeat.view'],
  ] as const)('builds %s for a module', (kind, expected) => {
    expect(subjects[kind]('web')).toBe(expected);
  });

  it('builds node-level and pattern subjects', () => {
    expect(subjects.presence('heartbeat')).toBe('keel.v1.node.services.heartbeat');
    expect(subjects.anyPresence()).toBe('keel.v1.node.services.*');
    expect(subjects.anyModule('state')).toBe('keel.v1.*.state');
    expect(subjects.anyModule('resourceSet')).toBe('keel.v1.*.resource.set');
    expect(subjects.everything()).toBe('keel.v1.>');
  });

  it('builds the command subject of each caller, and the patterns admin serves', () => {
    expect(subjects.cmd('web', 'cli')).toBe('keel.v1.web.cmd.cli');
    expect(subjects.cmd('web', 'api')).toBe('keel.v1.web.cmd.api');
    expect(subjects.cmdFromAnyCaller('web')).toBe('keel.v1.web.cmd.*');
    expect(subjects.anyModuleCmd('cli')).toBe('keel.v1.*.cmd.cli');
    expect(subjects.anyModuleCmd('*')).toBe('keel.v1.*.cmd.*');
  });

  it('reads the caller of a command from its subject only', () => {
    expect(commandCallerOf('keel.v1.web.cmd.cli')).toBe('cli');
    expect(commandCallerOf('keel.v1.web.cmd.api')).toBe('api');
    for (const other of [
      'keel.v1.web.cmd',
      'keel.v1.web.cmd.admin',
      'keel.v1.web.state.cli',
      'x.v1.web.cmd.cli',
    ])
      expect(commandCallerOf(other)).toBeUndefined();
  });

  it('reads the module of a command from its subject, on caller subjects only', () => {
    expect(commandModuleOf('keel.v1.web.cmd.cli')).toBe('web');
    for (const other of [
      'keel.v1.web.cmd',
      'keel.v1.web.cmd.admin',
      'keel.v1.node.cmd.cli',
      'keel.v1.web.state.cli',
    ])
      expect(commandModuleOf(other)).toBeUndefined();
  });

  it('accepts module names made of letters, digits, "_" and "-"', () => {
    expect(subjects.cmd('My_mod-2', 'cli')).toBe('keel.v1.My_mod-2.cmd.cli');
  });

  it.each(['', 'a.b', '*', '>', 'web*', 'a b', 'é', 'x'.repeat(65), 'node'])(
    'rejects module name %j with BusSubjectError',
    (name) => {
      expect(() => subjects.state(name)).toThrow(BusSubjectError);
    },
  );

  it('parses every per-module subject back into module and kind', () => {
    for (const kind of Object.keys(MODULE_SUBJECT_KINDS) as ModuleSubjectKind[]) {
      const subject = `keel.v1.db-1.${MODULE_SUBJECT_KINDS[kind]}`;
      if (kind !== 'cmd') expect(subjects[kind]('db-1')).toBe(subject);
      expect(parseModuleSubject(subject)).toEqual({ module: 'db-1', kind });
    }
  });

  it.each(['keel.v1.node.services', 'keel.v2.web.state', 'keel.v1.web.unknown', 'keel.v1.web', 'other'])(
    'does not parse %s as a module subject',
    (subject) => {
      expect(parseModuleSubject(subject)).toBeUndefined();
    },
  );
});

describe('subject validation', () => {
  it.each(['a', 'keel.v1.web.cmd', '_INBOX.x-y'])('accepts %s for publishing', (s) => {
    expect(() => assertPublishSubject(s)).not.toThrow();
  });

  it.each(['', 'a.', '.a', 'a..b', 'a.*', 'a.>', 'a b', 'a.b*', 'tab\there'])(
    'refuses %j for publishing',
    (s) => {
      expect(() => assertPublishSubject(s)).toThrow(BusSubjectError);
    },
  );

  it.each(['a.*', 'a.>', '*', '>', '*.b.>'])('accepts %s for subscribing', (s) => {
    expect(() => assertSubscribeSubject(s)).not.toThrow();
  });

  it.each(['', 'a.>.b', 'a..b', 'a.b*', 'a.>b'])('refuses %j for subscribing', (s) => {
    expect(() => assertSubscribeSubject(s)).toThrow(BusSubjectError);
  });
});

describe('subjectMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.*', 'a', false],
    ['*.b', 'a.b', true],
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['a.*.c.>', 'a.x.c.d.e', true],
    ['a.*.c.>', 'a.x.d.d', false],
    ['a.b', 'a.b.c', false],
  ] as const)('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});
