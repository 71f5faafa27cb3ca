import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLdapConf } from '../src/web/login/ldap-conf';
import { parseOpenidConf } from '../src/web/login/openid-conf';

// ldap.conf and openid.conf: every problem names the file and line, secrets come from a private
// file and never appear in a message, and a login option that would let everybody in is refused.
let dir: string;
let secret: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-login-conf-'));
  secret = join(dir, 'secret');
  writeFileSync(secret, 'the-secret-value\n', { mode: 0o600 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const LDAP = () =>
  `url = ldaps://ldap.example.com\nbind_dn = cn=keel,dc=x\nbind_password_file = ${secret}\nsearch_base = dc=x\nmonitor_group = cn=ops,dc=x\n`;
const ldap = (text: string) => parseLdapConf(text, '/etc/keel/web/ldap.conf');

it('reads ldap.conf with SafeKit-like defaults and the bind password from its file', () => {
  expect(ldap(LDAP())).toEqual({
    file: '/etc/keel/web/ldap.conf',
    url: 'ldaps://ldap.example.com',
    startTls: false,
    bindDn: 'cn=keel,dc=x',
    bindPassword: 'the-secret-value',
    searchBase: 'dc=x',
    userAttribute: 'uid',
    searchFilter: '(objectClass=*)',
    groups: [{ dn: 'cn=ops,dc=x', role: 'Monitor' }],
    memberAttribute: 'member',
    timeoutMs: 5000,
  });
});

it('refuses ldap.conf problems, naming the file and line', () => {
  expect(() => ldap(LDAP().replace('ldaps://ldap.example.com', 'http://x'))).toThrow(
    '/etc/keel/web/ldap.conf: line 1: url must be ldap://host[:port] or ldaps://host[:port]',
  );
  expect(() => ldap(LDAP() + 'starttls = on\n')).toThrow('line 6: starttls is for ldap://');
  expect(() => ldap(LDAP().replace('monitor_group = cn=ops,dc=x\n', ''))).toThrow(
    'give at least one of admin_group',
  );
  expect(() => ldap(LDAP() + 'search_filter = uid=x\n')).toThrow(
    'line 6: search_filter must be an LDAP filter',
  );
  expect(() => ldap(LDAP() + 'bindpwd = x\n')).toThrow('line 6: unknown key bindpwd');
  expect(() => ldap(LDAP().replace('search_base = dc=x\n', ''))).toThrow('search_base is missing');
});

it('takes the secret only from a private regular file, and never says it', () => {
  chmodSync(secret, 0o644);
  expect(() => ldap(LDAP())).toThrow(
    `${secret}: bind_password_file: permissions 0644 let other users read it`,
  );
  chmodSync(secret, 0o600);
  const link = join(dir, 'link');
  symlinkSync(secret, link);
  expect(() => ldap(LDAP().replace(secret, link))).toThrow('not a regular file');
  chmodSync(secret, 0o640);
  let message = '';
  try {
    ldap(LDAP());
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toContain('permissions 0640');
  expect(message).not.toContain('the-secret-value');
});

const OPENID = () =>
  `issuer = https://idp.example.com\nclient_id = keel\nclient_secret_file = ${secret}\nredirect_uri = https://node1:9453/openid\nadmin_claim = roles:SKAdmin\nmonitor_claim = groups:ops\n`;
const openid = (text: string) => parseOpenidConf(text, '/etc/keel/web/openid.conf');

it("reads openid.conf with SafeKit's claim form and defaults", () => {
  expect(openid(OPENID())).toEqual({
    file: '/etc/keel/web/openid.conf',
    issuer: 'https://idp.example.com',
    clientId: 'keel',
    clientSecret: 'the-secret-value',
    redirectUri: 'https://node1:9453/openid',
    scope: 'openid',
    userClaim: 'sub',
    claims: [
      { claim: 'roles', value: 'SKAdmin', role: 'Admin' },
      { claim: 'groups', value: 'ops', role: 'Monitor' },
    ],
  });
});

it('refuses openid.conf problems, naming the file and line', () => {
  expect(() => openid(OPENID().replace('/openid\n', '/callback\n'))).toThrow(
    'line 4: redirect_uri must be this node',
  );
  expect(() => openid(OPENID() + 'scope = email\n')).toThrow('line 7: scope must include openid');
  expect(() => openid(OPENID().replace('https://idp', 'http://idp'))).toThrow(
    'line 1: issuer must be an https:// URL (http:// only on loopback)',
  );
  expect(openid(OPENID().replace('https://idp.example.com', 'http://127.0.0.1:4000')).issuer).toBe(
    'http://127.0.0.1:4000',
  );
  expect(() => openid(OPENID().replace('roles:SKAdmin', 'SKAdmin'))).toThrow(
    'line 5: admin_claim must be <claim>:<value>',
  );
  expect(() =>
    openid(
      OPENID()
        .replace(/admin_claim.*\n/, '')
        .replace(/monitor_claim.*\n/, ''),
    ),
  ).toThrow('give at least one of admin_claim');
  expect(() => openid(OPENID().replace('client_id = keel\n', ''))).toThrow('client_id is missing');
});
