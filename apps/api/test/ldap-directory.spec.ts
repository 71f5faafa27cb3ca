import type { LdapConf } from '@keel/config';
import { DirectoryUnavailable } from '../src/auth/authenticator';
import { LdapDirectory } from '../src/auth/ldap-directory';
import { LdapRefused, type LdapConnection } from '../src/ports/ldap.port';

// The LDAP login's decisions with a scripted directory (the real one is test/medium/api-ldap-login):
// an empty password never binds, the strongest group wins, a directory that fails is unavailable
// (not a refusal) and its message never holds a password.
const CONF: LdapConf = {
  file: '/etc/keel/web/ldap.conf',
  url: 'ldap://ldap.test',
  startTls: true,
  bindDn: 'cn=svc',
  bindPassword: 'svc-secret',
  searchBase: 'ou=people',
  userAttribute: 'uid',
  searchFilter: '(objectClass=person)',
  groups: [
    { dn: 'cn=admins', role: 'Admin' },
    { dn: 'cn=monitors', role: 'Monitor' },
  ],
  memberAttribute: 'member',
  timeoutMs: 1000,
};

function build(directory: {
  users: Record<string, string>;
  members: Record<string, string[]>;
  down?: boolean;
}) {
  const calls: string[] = [];
  const connect = async (): Promise<LdapConnection> => {
    if (directory.down) throw new Error('connect ECONNREFUSED');
    let bound = '';
    return {
      bind: async (dn, password) => {
        calls.push(`bind ${dn}`);
        const ok = dn === 'cn=svc' ? password === 'svc-secret' : directory.users[dn] === password;
        if (!ok) throw new LdapRefused('invalid credentials');
        bound = dn;
      },
      search: async (base, scope, filter) => {
        calls.push(`search ${base} ${scope} ${filter} as ${bound}`);
        if (scope === 'sub')
          return Object.keys(directory.users).filter((dn) => filter.includes(`(uid=${dn.slice(4)})`));
        return (directory.members[base] ?? []).filter((m) => filter === `(member=${m})`).map(() => base);
      },
      close: async () => undefined,
    };
  };
  const notes: string[] = [];
  const sut = new LdapDirectory(CONF, connect, (why, user) => notes.push(`${user}: ${why}`));
  return { sut, calls, notes, connect };
}

const DIR = {
  users: { 'uid=ann': 'ann-pw', 'uid=bob': 'bob-pw', 'uid=cy': 'cy-pw' },
  members: { 'cn=admins': ['uid=ann'], 'cn=monitors': ['uid=ann', 'uid=bob'] },
};

it('gives the strongest group of the user, searching as the service account', async () => {
  const { sut, calls } = build(DIR);
  expect(await sut.authenticate('ann', 'ann-pw')).toEqual({ name: 'ann', role: 'Admin' });
  expect(await sut.authenticate('bob', 'bob-pw')).toEqual({ name: 'bob', role: 'Monitor' });
  expect(calls).toContain('search ou=people sub (&(objectClass=person)(uid=ann)) as cn=svc');
});

it('refuses a wrong password, a user in no group, an unknown user, and never binds an empty password', async () => {
  const { sut, calls, notes } = build(DIR);
  expect(await sut.authenticate('ann', 'bob-pw')).toBeUndefined();
  expect(await sut.authenticate('cy', 'cy-pw')).toBeUndefined();
  expect(await sut.authenticate('dan', 'x')).toBeUndefined();
  calls.length = 0;
  expect(await sut.authenticate('ann', '')).toBeUndefined();
  expect(calls).toEqual([]);
  expect(notes).toEqual([
    'ann: wrong password',
    'cy: in none of the configured groups',
    'dan: no such directory user',
  ]);
});

it('says the directory is unavailable when it does not answer or refuses the service account', async () => {
  await expect(build({ ...DIR, down: true }).sut.authenticate('ann', 'ann-pw')).rejects.toThrow(
    new DirectoryUnavailable('the LDAP server ldap://ldap.test does not answer: connect ECONNREFUSED'),
  );
  const wrong = new LdapDirectory({ ...CONF, bindPassword: 'stale' }, build(DIR).connect);
  const err = await wrong.authenticate('ann', 'ann-pw').catch((e: Error) => e);
  expect(err).toBeInstanceOf(DirectoryUnavailable);
  expect((err as Error).message).toContain('refuses bind_dn cn=svc');
  expect((err as Error).message).not.toContain('stale');
});
