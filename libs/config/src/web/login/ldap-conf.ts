// <etc>/web/ldap.conf: login with an LDAP or Active Directory account (safekit-ops §11.4 "LDAP/AD";
// SafeKit's httpd.conf Defines binddn, bindpwd, searchurl, admingroup, controlgroup, monitorgroup).
// No file: LDAP is off. docs/decisions/0021 "LDAP".
//   url                = ldap://ldap.example.com:389 | ldaps://ldap.example.com:636
//   starttls           = on|off             (ldap:// only; off by default)
//   ca                 = /abs/ca.pem        (the LDAP server's CA for ldaps/StartTLS; default: the system's)
//   bind_dn            = CN=keel,OU=svc,DC=example,DC=com     (an account that may search)
//   bind_password_file = /etc/keel/web/ldap.password          (mode 0600; never in ldap.conf)
//   search_base        = OU=people,DC=example,DC=com           (searchurl's base DN, scope sub)
//   user_attribute     = uid               (searchurl's attribute: sAMAccountName for AD)
//   search_filter      = (objectClass=person)                  (searchurl's filter)
//   admin_group | control_group | monitor_group = <group DN>  (at least one)
//   member_attribute   = member            (the group's attribute listing its members' DNs)
//   timeout            = 5                 (seconds for each LDAP operation)
import { isAbsolute, join } from 'node:path';
import { LoginConfError, parseKeyValues, readConfIfAny, readSecretFile, settingsOf } from './key-value-conf';
import type { WebRole } from '../web-roles';

export interface LdapConf {
  readonly file: string;
  readonly url: string;
  readonly startTls: boolean;
  readonly ca?: string;
  readonly bindDn: string;
  /** Read from bind_password_file at load; never logged. */
  readonly bindPassword: string;
  readonly searchBase: string;
  readonly userAttribute: string;
  readonly searchFilter: string;
  /** Group DN → role, the strongest role first. */
  readonly groups: readonly { readonly dn: string; readonly role: WebRole }[];
  readonly memberAttribute: string;
  readonly timeoutMs: number;
}

const KEYS = [
  'url',
  'starttls',
  'ca',
  'bind_dn',
  'bind_password_file',
  'search_base',
  'user_attribute',
  'search_filter',
  'admin_group',
  'control_group',
  'monitor_group',
  'member_attribute',
  'timeout',
] as const;

export const ldapConfFile = (etc: string) => join(etc, 'web', 'ldap.conf');

/** Throws LoginConfError naming the file and line; reads the bind password file. */
export function parseLdapConf(text: string, file: string, uid?: number): LdapConf {
  const kv = parseKeyValues(text, file, KEYS);
  const { get, at, need } = settingsOf(kv, file);
  const url = need('url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoginConfError(file, `${at('url')}: url must be ldap://host[:port] or ldaps://host[:port]`);
  }
  if (
    (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') ||
    parsed.hostname === '' ||
    (parsed.pathname !== '' && parsed.pathname !== '/') ||
    parsed.search !== '' ||
    parsed.username !== ''
  )
    throw new LoginConfError(file, `${at('url')}: url must be ldap://host[:port] or ldaps://host[:port]`);
  const startTls = get('starttls') ?? 'off';
  if (startTls !== 'on' && startTls !== 'off')
    throw new LoginConfError(file, `${at('starttls')}: starttls must be on or off`);
  if (startTls === 'on' && parsed.protocol === 'ldaps:')
    throw new LoginConfError(file, `${at('starttls')}: starttls is for ldap:// (ldaps:// is TLS already)`);
  const ca = get('ca');
  if (ca !== undefined && !isAbsolute(ca))
    throw new LoginConfError(file, `${at('ca')}: ca must be an absolute path`);
  const filter = get('search_filter') ?? '(objectClass=*)';
  if (!/^\(.*\)$/.test(filter))
    throw new LoginConfError(
      file,
      `${at('search_filter')}: search_filter must be an LDAP filter in parentheses`,
    );
  const attribute = get('user_attribute') ?? 'uid';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(attribute))
    throw new LoginConfError(file, `${at('user_attribute')}: user_attribute must be an attribute name`);
  const member = get('member_attribute') ?? 'member';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(member))
    throw new LoginConfError(file, `${at('member_attribute')}: member_attribute must be an attribute name`);
  const groups = (
    [
      ['admin_group', 'Admin'],
      ['control_group', 'Control'],
      ['monitor_group', 'Monitor'],
    ] as const
  ).flatMap(([k, role]) => (get(k) === undefined ? [] : [{ dn: get(k)!, role }]));
  // SafeKit makes every directory user Admin when no group is given; keel lets nobody in instead.
  if (groups.length === 0)
    throw new LoginConfError(
      file,
      'give at least one of admin_group, control_group, monitor_group: a directory user in none of them is refused',
    );
  const timeout = get('timeout') ?? '5';
  if (!/^\d{1,3}$/.test(timeout) || Number(timeout) < 1)
    throw new LoginConfError(file, `${at('timeout')}: timeout must be a number of seconds from 1 to 999`);
  const passwordFile = need('bind_password_file');
  return {
    file,
    url: `${parsed.protocol}//${parsed.host}`,
    startTls: startTls === 'on',
    ...(ca === undefined ? {} : { ca }),
    bindDn: need('bind_dn'),
    bindPassword: readSecretFile(passwordFile, 'bind_password_file', uid),
    searchBase: need('search_base'),
    userAttribute: attribute,
    searchFilter: filter,
    groups,
    memberAttribute: member,
    timeoutMs: Number(timeout) * 1000,
  };
}

/** <etc>/web/ldap.conf, or undefined when there is none (LDAP off); throws LoginConfError. */
export function loadLdapConf(etc: string): LdapConf | undefined {
  const file = ldapConfFile(etc);
  const text = readConfIfAny(file);
  return text === undefined ? undefined : parseLdapConf(text, file);
}
