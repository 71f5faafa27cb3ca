// Login with an LDAP/AD account (safekit-ops §11.4, docs/decisions/0021 "LDAP"), as Apache's
// mod_authnz_ldap does for SafeKit: bind as the service account, search the user under the search
// base with the filter and the user attribute, bind as the entry found with the password given,
// then the role of the strongest configured group whose member attribute lists the user's DN. A
// user found in none is refused. The bind password and the user's password never reach a log or
// a message; a server that does not answer is DirectoryUnavailable (503), not a refusal.
import { EqualityFilter } from 'ldapts';
import type { LdapConf, WebRole } from '@keel/config';
import { LdapRefused, type LdapConnect, type LdapConnection } from '../ports/ldap.port';
import { DirectoryUnavailable, type PasswordDirectory } from './authenticator';

export class LdapDirectory implements PasswordDirectory {
  constructor(
    private readonly conf: LdapConf,
    private readonly connect: LdapConnect,
    /** Why a login was refused (no password in it), for the service log. */
    private readonly note: (why: string, user: string) => void = () => undefined,
  ) {}

  async authenticate(user: string, password: string): Promise<{ name: string; role: WebRole } | undefined> {
    // An empty password would be an unauthenticated bind, which LDAP servers accept (RFC 4513 §5.1.2).
    if (password === '') return undefined;
    const service = await this.open();
    let dn: string;
    let role: WebRole | undefined;
    try {
      await this.serviceBind(service);
      const filter = `(&${this.conf.searchFilter}${new EqualityFilter({ attribute: this.conf.userAttribute, value: user }).toString()})`;
      const found = await this.ask(() => service.search(this.conf.searchBase, 'sub', filter, 2));
      if (found.length !== 1) {
        this.note(found.length === 0 ? 'no such directory user' : 'the search finds several entries', user);
        return undefined;
      }
      dn = found[0]!;
      role = await this.roleOf(service, dn);
    } finally {
      await service.close();
    }
    const asUser = await this.open();
    try {
      await asUser.bind(dn, password);
    } catch (err) {
      if (err instanceof LdapRefused) {
        this.note('wrong password', user);
        return undefined;
      }
      throw this.unavailable(err);
    } finally {
      await asUser.close();
    }
    if (!role) {
      this.note('in none of the configured groups', user);
      return undefined;
    }
    return { name: user, role };
  }

  /** The first configured group (strongest first) that lists the DN among its members. */
  private async roleOf(service: LdapConnection, dn: string): Promise<WebRole | undefined> {
    const filter = new EqualityFilter({ attribute: this.conf.memberAttribute, value: dn }).toString();
    for (const g of this.conf.groups) {
      const hit = await this.ask(() => service.search(g.dn, 'base', filter, 1).catch(noSuchGroup));
      if (hit.length > 0) return g.role;
    }
    return undefined;
  }

  private async open(): Promise<LdapConnection> {
    try {
      return await this.connect(this.conf);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private async serviceBind(c: LdapConnection): Promise<void> {
    try {
      await c.bind(this.conf.bindDn, this.conf.bindPassword);
    } catch (err) {
      if (err instanceof LdapRefused)
        throw new DirectoryUnavailable(
          `the LDAP server refuses bind_dn ${this.conf.bindDn} with the password of bind_password_file (${this.conf.file})`,
        );
      throw this.unavailable(err);
    }
  }

  private async ask<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown): DirectoryUnavailable {
    if (err instanceof DirectoryUnavailable) return err;
    return new DirectoryUnavailable(
      `the LDAP server ${this.conf.url} does not answer: ${(err as Error).message}`,
    );
  }
}

/** A configured group that does not exist lists nobody. */
function noSuchGroup(err: unknown): string[] {
  if ((err as { code?: unknown }).code === 32) return [];
  throw err;
}
