// Login with an OpenID Connect provider, authorization code flow with PKCE (safekit-ops §11.4,
// docs/decisions/0021 "OpenID Connect"). `begin` makes a random state, nonce and code verifier,
// keeps them (bounded, ten minutes) under the state, and gives the provider's URL with the S256
// challenge; `finish` takes the provider's redirect back, refuses it unless its state is one keel
// made and the browser's own (the state cookie), has the code exchanged and the ID token checked
// (the port), and maps the claims to a role. The client secret and the tokens are never logged.
import { createHash, randomBytes } from 'node:crypto';
import { hasControlCharacter, type OpenidConf, type WebRole } from '@keel/config';
import {
  OpenidRefused,
  type OpenidChecks,
  type OpenidDiscover,
  type OpenidProvider,
} from '../ports/openid.port';

export const OPENID_PENDING_MS = 10 * 60_000;
export const MAX_PENDING = 1_000;

export type OpenidFinish =
  | { readonly ok: true; readonly user: string; readonly role: WebRole }
  | { readonly ok: false; readonly why: string; readonly user?: string };

/** The provider cannot be reached or its metadata read: not the user's fault. */
export class OpenidUnavailable extends Error {
  override readonly name = 'OpenidUnavailable';
}

interface Pending extends OpenidChecks {
  readonly at: number;
}

export class OpenidLogin {
  private provider: Promise<OpenidProvider> | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(
    readonly conf: OpenidConf,
    private readonly discover: OpenidDiscover,
    private readonly now: () => number,
  ) {}

  /** The provider's authorization URL and the state, which the browser keeps in a cookie. */
  async begin(): Promise<{ url: string; state: string }> {
    const provider = await this.client();
    const checks: OpenidChecks = { state: random(), nonce: random(), codeVerifier: random() };
    this.forgetOld();
    this.pending.set(checks.state, { ...checks, at: this.now() });
    while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    const challenge = createHash('sha256').update(checks.codeVerifier).digest('base64url');
    return { url: provider.authorizationUrl(checks, challenge), state: checks.state };
  }

  /** The redirect back: its query and the state cookie the browser sent with it. */
  async finish(
    params: Readonly<Record<string, string>>,
    cookieState: string | undefined,
  ): Promise<OpenidFinish> {
    this.forgetOld();
    const state = params.state;
    const checks = state === undefined ? undefined : this.pending.get(state);
    if (!checks) return { ok: false, why: 'unknown or expired state: start again at /openid/login' };
    // Used once, whatever comes next.
    this.pending.delete(checks.state);
    if (cookieState !== checks.state)
      return { ok: false, why: 'the state is not the one this browser was given (its cookie)' };
    if (params.error !== undefined) return { ok: false, why: `the provider answered ${params.error}` };
    let claims: Record<string, unknown>;
    try {
      claims = await (await this.client()).claims(params, checks);
    } catch (err) {
      if (err instanceof OpenidRefused)
        return { ok: false, why: `the provider's answer is refused: ${err.message}` };
      throw new OpenidUnavailable(
        `the OpenID provider ${this.conf.issuer} does not answer: ${(err as Error).message}`,
      );
    }
    const user = claimValues(claims, this.conf.userClaim)[0];
    // The name goes into logs and the commands log: no control character in it.
    if (user === undefined || user === '' || user.length > 256 || hasControlCharacter(user))
      return { ok: false, why: `the ID token has no usable ${this.conf.userClaim} claim` };
    const role = roleOfClaims(claims, this.conf.claims);
    if (!role) return { ok: false, why: 'none of the configured role claims', user };
    return { ok: true, user, role };
  }

  /** The provider's metadata, read once; read again after a failure. */
  private client(): Promise<OpenidProvider> {
    if (!this.provider) {
      this.provider = this.discover(this.conf).catch((err: unknown) => {
        this.provider = undefined;
        throw new OpenidUnavailable(
          `the OpenID provider ${this.conf.issuer} cannot be discovered: ${(err as Error).message}`,
        );
      });
    }
    return this.provider;
  }

  private forgetOld(): void {
    const now = this.now();
    for (const [k, p] of this.pending) if (now - p.at > OPENID_PENDING_MS) this.pending.delete(k);
  }
}

const random = () => randomBytes(32).toString('base64url');

/** A claim's values: a string, a list of strings, or a nested claim by a dotted path (realm_access.roles). */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let v: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The strongest role whose claim:value the claims hold (the mapping is strongest first). */
export function roleOfClaims(
  claims: Record<string, unknown>,
  mapping: OpenidConf['claims'],
): WebRole | undefined {
  return mapping.find((m) => claimValues(claims, m.claim).includes(m.value))?.role;
}
