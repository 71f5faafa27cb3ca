// LDAP login against a real slapd (Debian's OpenLDAP, started by the test on 127.0.0.1 with
// StartTLS required): a directory user gets the role of its strongest configured group, one in no
// group or with a wrong password is refused, attempts are limited like the users file's, the users
// file still comes first, and neither the bind password nor a user's password reaches the log.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, startApiNode, userOf, type ApiNode } from './api-node';
import { GROUPS, PEOPLE, SERVICE_DN, SERVICE_PASSWORD, startSlapd, SUFFIX, type Slapd } from './slapd';

jest.setTimeout(90_000);
let slapd: Slapd;
let n: ApiNode;
beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
  n = await startApiNode({
    prepare: async (node) => {
      const web = join(node.etc, 'web');
      mkdirSync(web, { recursive: true, mode: 0o700 });
      writeFileSync(join(web, 'ldap.password'), `${SERVICE_PASSWORD}\n`, { mode: 0o600 });
      writeFileSync(
        join(web, 'ldap.conf'),
        [
          `url = ${slapd.url}`,
          'starttls = on',
          `ca = ${slapd.ca}`,
          `bind_dn = ${SERVICE_DN}`,
          `bind_password_file = ${join(web, 'ldap.password')}`,
          `search_base = ou=people,${SUFFIX}`,
          'user_attribute = uid',
          'search_filter = (objectClass=inetOrgPerson)',
          `admin_group = ${GROUPS.admins}`,
          `control_group = ${GROUPS.controls}`,
          `monitor_group = ${GROUPS.monitors}`,
        ].join('\n') + '\n',
      );
      return {};
    },
  });
});
afterAll(async () => {
  await n?.stop();
  await slapd?.stop();
});

const login = (user: string, password: string) =>
  call(n.base, 'POST', '/login', { json: { httpd_username: user, httpd_password: password } });
const cookieOf = (r: { headers: Headers }) => r.headers.get('set-cookie')!.split(';')[0]!;

test('a directory user gets the role of its strongest group, and acts with it', async () => {
  const ann = await login('ann', PEOPLE.ann!.password);
  expect(ann.status).toBe(200);
  expect(ann.body).toEqual({ user: 'ann', role: 'Admin' });
  expect((await call(n.base, 'GET', '/api/v1.0/whoami', { cookie: cookieOf(ann) })).body).toEqual({
    user: 'ann',
    role: 'Admin',
  });
  expect((await call(n.base, 'GET', '/api/v1.0/apikeys', { cookie: cookieOf(ann) })).status).toBe(200);

  const bob = await login('bob', PEOPLE.bob!.password);
  expect(bob.body).toEqual({ user: 'bob', role: 'Monitor' });
  expect((await call(n.base, 'GET', '/api/v1.0/modules', { cookie: cookieOf(bob) })).status).toBe(200);
  const start = await call(n.base, 'POST', '/api/v1.0/modules/demo/commands/start', {
    cookie: cookieOf(bob),
    json: {},
  });
  expect(start.status).toBe(403);
});

test('a wrong password, a user in no group and an unknown user are refused alike', async () => {
  expect((await login('bob', 'not-bobs-password')).status).toBe(401);
  expect((await login('carl', PEOPLE.carl!.password)).status).toBe(401);
  expect((await login('nobody', 'whatever-password')).status).toBe(401);
  // A filter value cannot widen the search (escaped): `*` finds no one.
  expect((await login('*', PEOPLE.ann!.password)).status).toBe(401);
  expect(n.apiLog.lines.join('\n')).toContain('in none of the configured groups');
});

test('the users file comes first, then the directory', async () => {
  const admin = await login(userOf('Admin').user, userOf('Admin').password);
  expect(admin.body).toEqual({ user: 'admin1', role: 'Admin' });
});

test('directory logins are limited like the users file: after five failures the right password waits', async () => {
  for (let i = 0; i < 5; i += 1) expect((await login('ann', 'wrong-password')).status).toBe(401);
  const limited = await login('ann', PEOPLE.ann!.password);
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
});

test('neither the bind password nor a user password reaches the log', () => {
  const log = n.apiLog.lines.join('\n');
  expect(log).toContain('LDAP login on');
  for (const secret of [SERVICE_PASSWORD, ...Object.values(PEOPLE).map((p) => p.password)])
    expect(log).not.toContain(secret);
});
