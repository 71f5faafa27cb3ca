// The login options beside the users file (docs/decisions/0021): an LDAP directory when
// <etc>/web/ldap.conf exists, an OpenID Connect provider when <etc>/web/openid.conf does. Read at
// the service's start (a change needs a restart, as SafeKit's `webserver restart`); a problem in
// either file throws LoginConfError naming the file and line.
import { loadLdapConf, loadOpenidConf } from '@keel/config';
import type { Logger } from '@keel/runtime';
import type { PasswordDirectory } from './authenticator';
import { LdapDirectory } from './ldap-directory';
import { ldaptsConnect } from './ldapts-connection';
import { openidClientDiscover } from './openid-client-provider';
import { OpenidLogin } from './openid-login';

export interface LoginOptions {
  readonly directory?: PasswordDirectory;
  readonly openid?: OpenidLogin;
}

export function loginOptions(etc: string, logger: Logger, now: () => number): LoginOptions {
  const ldap = loadLdapConf(etc);
  const openid = loadOpenidConf(etc);
  if (ldap) logger.info('LDAP login on', { url: ldap.url, startTls: ldap.startTls, base: ldap.searchBase });
  if (openid) logger.info('OpenID Connect login on', { issuer: openid.issuer, clientId: openid.clientId });
  return {
    ...(ldap
      ? {
          directory: new LdapDirectory(ldap, ldaptsConnect, (why, user) =>
            logger.info('LDAP login refused', { user, why }),
          ),
        }
      : {}),
    ...(openid ? { openid: new OpenidLogin(openid, openidClientDiscover, now) } : {}),
  };
}
