// <etc>/web/openid.conf: login with an OpenID Connect provider, authorization code flow with PKCE
// (safekit-ops §11.4 "OpenID Connect"; SafeKit's OIDCProviderMetadataURL, OIDCClientID,
// OIDCClientSecret, OIDCRemoteUserClaim, OIDCScope and the AdminClaim/ControlClaim/MonitorClaim
// Defines). No file: OpenID Connect is off. docs/decisions/0021 "OpenID Connect".
//   issuer             = https://idp.example.com/realms/x  (its /.well-known/openid-configuration)
//   client_id          = keel
//   client_secret_file = /etc/keel/web/openid.secret       (mode 0600; never in openid.conf)
//   redirect_uri       = https://node1:9453/openid         (as registered at the provider)
//   scope              = openid email                       (must include openid)
//   user_claim         = sub                                (the claim naming the user)
//   admin_claim | control_claim | monitor_claim = <claim>:<value>, e.g. roles:SKAdmin (at least one)
//   ca                 = /abs/ca.pem                        (the provider's CA; default: the system's)
import { isAbsolute, join } from 'node:path';
import { LoginConfError, parseKeyValues, readConfIfAny, readSecretFile, settingsOf } from './key-value-conf';
import type { WebRole } from '../web-roles';

export interface OpenidConf {
  readonly file: string;
  readonly issuer: string;
  readonly clientId: string;
  /** Read from client_secret_file at load; never logged. */
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly userClaim: string;
  /** claim:value → role, the strongest role first. */
  readonly claims: readonly { readonly claim: string; readonly value: string; readonly role: WebRole }[];
  readonly ca?: string;
}

const KEYS = [
  'issuer',
  'client_id',
  'client_secret_file',
  'redirect_uri',
  'scope',
  'user_claim',
  'admin_claim',
  'control_claim',
  'monitor_claim',
  'ca',
] as const;

const LOOPBACK = ['127.0.0.1', '[::1]', 'localhost'];

export const openidConfFile = (etc: string) => join(etc, 'web', 'openid.conf');

function httpUrl(value: string): URL | undefined {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Throws LoginConfError naming the file and line; reads the client secret file. */
export function parseOpenidConf(text: string, file: string, uid?: number): OpenidConf {
  const kv = parseKeyValues(text, file, KEYS);
  const { get, at, need } = settingsOf(kv, file);
  const issuer = need('issuer');
  const iss = httpUrl(issuer);
  // The provider's keys and tokens come from it: HTTPS, but for a provider on this machine.
  if (!iss || (iss.protocol === 'http:' && !LOOPBACK.includes(iss.hostname)))
    throw new LoginConfError(
      file,
      `${at('issuer')}: issuer must be an https:// URL (http:// only on loopback)`,
    );
  const redirect = httpUrl(need('redirect_uri'));
  if (!redirect || redirect.pathname !== '/openid' || redirect.search !== '')
    throw new LoginConfError(
      file,
      `${at('redirect_uri')}: redirect_uri must be this node's web service URL ending in /openid`,
    );
  const scope = get('scope') ?? 'openid';
  if (!scope.split(/\s+/).includes('openid'))
    throw new LoginConfError(file, `${at('scope')}: scope must include openid`);
  const claims = (
    [
      ['admin_claim', 'Admin'],
      ['control_claim', 'Control'],
      ['monitor_claim', 'Monitor'],
    ] as const
  ).flatMap(([k, role]) => {
    const v = get(k);
    if (v === undefined) return [];
    const m = /^([A-Za-z0-9_.-]{1,64}):(.+)$/.exec(v);
    if (!m) throw new LoginConfError(file, `${at(k)}: ${k} must be <claim>:<value>, e.g. roles:SKAdmin`);
    return [{ claim: m[1]!, value: m[2]!, role }];
  });
  // SafeKit makes every authenticated user Admin when no claim is given; keel lets nobody in instead.
  if (claims.length === 0)
    throw new LoginConfError(
      file,
      'give at least one of admin_claim, control_claim, monitor_claim: a user with none of them is refused',
    );
  const ca = get('ca');
  if (ca !== undefined && !isAbsolute(ca))
    throw new LoginConfError(file, `${at('ca')}: ca must be an absolute path`);
  const userClaim = get('user_claim') ?? 'sub';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(userClaim))
    throw new LoginConfError(file, `${at('user_claim')}: user_claim must be a claim name`);
  return {
    file,
    issuer,
    clientId: need('client_id'),
    clientSecret: readSecretFile(need('client_secret_file'), 'client_secret_file', uid),
    redirectUri: redirect.href,
    scope,
    userClaim,
    claims,
    ...(ca === undefined ? {} : { ca }),
  };
}

/** <etc>/web/openid.conf, or undefined when there is none (OpenID Connect off). */
export function loadOpenidConf(etc: string): OpenidConf | undefined {
  const file = openidConfFile(etc);
  const text = readConfIfAny(file);
  return text === undefined ? undefined : parseOpenidConf(text, file);
}
