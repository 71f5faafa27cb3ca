// The OpenidProvider port with openid-client (certified relying party library): discovery from the
// issuer, a confidential client (client_secret_basic), the code exchanged with the PKCE verifier,
// and the ID token checked (signature by the provider's keys, iss, aud, exp, nonce); the user info
// is merged in when the provider has an endpoint for it. The provider's CA comes from openid.conf.
import { readFileSync } from 'node:fs';
import { custom, errors, Issuer, type BaseClient } from 'openid-client';
import type { OpenidConf } from '@keel/config';
import { OpenidRefused, type OpenidDiscover, type OpenidProvider } from '../ports/openid.port';

const TIMEOUT_MS = 5_000;

export const openidClientDiscover: OpenidDiscover = async (conf: OpenidConf) => {
  const ca = conf.ca ? readFileSync(conf.ca) : undefined;
  // One provider per api process: the defaults are its.
  custom.setHttpOptionsDefaults({ timeout: TIMEOUT_MS, ...(ca ? { ca } : {}) });
  const issuer = await Issuer.discover(conf.issuer);
  const client: BaseClient = new issuer.Client({
    client_id: conf.clientId,
    client_secret: conf.clientSecret,
    redirect_uris: [conf.redirectUri],
    response_types: ['code'],
  });
  const provider: OpenidProvider = {
    authorizationUrl: (checks, codeChallenge) =>
      client.authorizationUrl({
        scope: conf.scope,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      }),
    claims: async (params, checks) => {
      let tokens;
      try {
        tokens = await client.callback(conf.redirectUri, params, {
          state: checks.state,
          nonce: checks.nonce,
          code_verifier: checks.codeVerifier,
          response_type: 'code',
        });
      } catch (err) {
        if (err instanceof errors.OPError || err instanceof errors.RPError)
          throw new OpenidRefused(err.message);
        throw err;
      }
      const claims: Record<string, unknown> = { ...tokens.claims() };
      if (issuer.metadata.userinfo_endpoint && tokens.access_token) {
        // openid-client checks that the user info's sub is the ID token's.
        Object.assign(claims, await client.userinfo(tokens), { sub: claims.sub });
      }
      return claims;
    },
  };
  return provider;
};
