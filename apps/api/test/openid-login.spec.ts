import type { OpenidConf } from '@keel/config';
import {
  claimValues,
  OpenidLogin,
  OPENID_PENDING_MS,
  OpenidUnavailable,
  roleOfClaims,
} from '../src/auth/openid-login';
import { OpenidRefused, type OpenidProvider } from '../src/ports/openid.port';

// The OpenID Connect login's decisions with a scripted provider (the real one is
// test/medium/api-openid-login): a state is keel's, the browser's and used once, within ten
// minutes; the claims map to the strongest role; a provider that cannot be reached is unavailable.
const CONF: OpenidConf = {
  file: '/etc/keel/web/openid.conf',
  issuer: 'https://idp.test',
  clientId: 'keel',
  clientSecret: 's',
  redirectUri: 'https://node1:9453/openid',
  scope: 'openid',
  userClaim: 'preferred_username',
  claims: [
    { claim: 'realm_access.roles', value: 'keel-admin', role: 'Admin' },
    { claim: 'groups', value: 'ops', role: 'Monitor' },
  ],
};

function build(claims: Record<string, unknown> | Error = { preferred_username: 'ann', groups: ['ops'] }) {
  const clock = { t: 0 };
  const seen: string[] = [];
  const provider: OpenidProvider = {
    authorizationUrl: (c, challenge) => `https://idp.test/auth?state=${c.state}&code_challenge=${challenge}`,
    claims: async (params, checks) => {
      seen.push(`${params.code} ${checks.codeVerifier.length}`);
      if (claims instanceof Error) throw claims;
      return claims;
    },
  };
  const sut = new OpenidLogin(
    CONF,
    async () => provider,
    () => clock.t,
  );
  return { sut, clock, seen };
}

it('logs in once per state, with the browser that holds it, within ten minutes', async () => {
  const { sut, clock, seen } = build();
  const { url, state } = await sut.begin();
  expect(url).toContain(`state=${state}`);
  expect(await sut.finish({ code: 'c1', state }, 'another')).toEqual({
    ok: false,
    why: 'the state is not the one this browser was given (its cookie)',
  });
  expect((await sut.finish({ code: 'c1', state }, state)).ok).toBe(false);
  const second = await sut.begin();
  expect(await sut.finish({ code: 'c2', state: second.state }, second.state)).toEqual({
    ok: true,
    user: 'ann',
    role: 'Monitor',
  });
  expect(seen).toEqual(['c2 43']);
  const late = await sut.begin();
  clock.t += OPENID_PENDING_MS + 1;
  expect((await sut.finish({ code: 'c3', state: late.state }, late.state)).ok).toBe(false);
});

it('refuses what the provider refuses, and says when it cannot be reached', async () => {
  const refused = build(new OpenidRefused('id_token expired'));
  const a = await refused.sut.begin();
  expect(await refused.sut.finish({ code: 'c', state: a.state }, a.state)).toEqual({
    ok: false,
    why: "the provider's answer is refused: id_token expired",
  });
  const down = build(new Error('ECONNREFUSED'));
  const b = await down.sut.begin();
  await expect(down.sut.finish({ code: 'c', state: b.state }, b.state)).rejects.toBeInstanceOf(
    OpenidUnavailable,
  );
});

it('maps claims to the strongest role, dotted paths and lists included', () => {
  expect(claimValues({ a: { b: ['x', 1] } }, 'a.b')).toEqual(['x']);
  expect(roleOfClaims({ realm_access: { roles: ['keel-admin'] }, groups: 'ops' }, CONF.claims)).toBe('Admin');
  expect(roleOfClaims({ groups: ['ops'] }, CONF.claims)).toBe('Monitor');
  expect(roleOfClaims({ groups: ['opsx'], roles: 'keel-admin' }, CONF.claims)).toBeUndefined();
});
