// The LdapConnection port with ldapts: ldaps:// checks the server against ldap.conf's CA (else the
// system's), StartTLS is done before any bind, so no password crosses the network in clear when
// either is on. Every operation is bounded by ldap.conf's timeout.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { LdapConf } from '@keel/config';
import { LdapRefused, type LdapConnect, type LdapConnection } from '../ports/ldap.port';

export const ldaptsConnect: LdapConnect = async (conf: LdapConf) => {
  const host = new URL(conf.url).hostname;
  const tls: ConnectionOptions = {
    ...(conf.ca ? { ca: readFileSync(conf.ca) } : {}),
    // SNI takes names only (RFC 6066); the certificate is checked against ldap.conf's host, name
    // or address (StartTLS upgrades a socket that no longer knows it).
    ...(isIP(host) ? {} : { servername: host }),
    checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert),
    minVersion: 'TLSv1.2',
  };
  const client = new Client({
    url: conf.url,
    timeout: conf.timeoutMs,
    connectTimeout: conf.timeoutMs,
    ...(conf.url.startsWith('ldaps:') ? { tlsOptions: tls } : {}),
  });
  if (conf.startTls) await client.startTLS(tls);
  const connection: LdapConnection = {
    bind: async (dn, password) => {
      try {
        await client.bind(dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) throw new LdapRefused('invalid credentials');
        throw err;
      }
    },
    search: async (base, scope, filter, limit) => {
      const r = await client.search(base, { scope, filter, attributes: ['dn'], sizeLimit: limit });
      return r.searchEntries.map((e) => e.dn);
    },
    close: () => client.unbind().catch(() => undefined),
  };
  return connection;
};
