import type { OpenidConf } from '@keel/config';

/** What keel checks at the end of a login: the values it made at the start. */
export interface OpenidChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** The provider, as a relying party sees it (auth/openid-client-provider.ts: openid-client). */
export interface OpenidProvider {
  /** Where to send the browser: the authorization endpoint with the code challenge (S256). */
  authorizationUrl(checks: OpenidChecks, codeChallenge: string): string;
  /**
   * Exchanges the code for tokens, checks the ID token (signature, issuer, audience, expiry, nonce)
   * and returns its claims merged with the user info. Throws OpenidRefused when the answer is not
   * acceptable; anything else is the provider or the network.
   */
  claims(params: Readonly<Record<string, string>>, checks: OpenidChecks): Promise<Record<string, unknown>>;
}

/** Reads the provider's metadata (discovery) and makes the client. */
export type OpenidDiscover = (conf: OpenidConf) => Promise<OpenidProvider>;

/** The provider's answer is refused (an error answer, a bad state, a token that does not check). */
export class OpenidRefused extends Error {
  override readonly name = 'OpenidRefused';
}
