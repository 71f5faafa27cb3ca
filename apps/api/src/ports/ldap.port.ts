import type { LdapConf } from '@keel/config';

/** One connection to the LDAP server (auth/ldapts-connection.ts: the ldapts client). */
export interface LdapConnection {
  /** Throws LdapRefused for wrong credentials; anything else is the server or the network. */
  bind(dn: string, password: string): Promise<void>;
  /** The DNs of the entries found (at most `limit`). */
  search(base: string, scope: 'base' | 'sub', filter: string, limit: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens a connection as ldap.conf says (URL, TLS or StartTLS, CA, timeouts). */
export type LdapConnect = (conf: LdapConf) => Promise<LdapConnection>;

/** The server refused the credentials (LDAP result 49, invalidCredentials). */
export class LdapRefused extends Error {
  override readonly name = 'LdapRefused';
}
