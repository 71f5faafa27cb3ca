// A real OpenID Connect provider for the login tests (oidc-provider, a certified OpenID provider
// library), run as its own node process on 127.0.0.1: one confidential client, PKCE S256 required,
// accounts with a `roles` claim, and a login form at /interaction/<uid> that checks a password, as
// a provider's own login page would. Its settings come as JSON in the first argument; it prints
// `listening <port>` when it serves.
//   { port, clientId, clientSecret, redirectUri, accounts: { <name>: { password, roles: [...] } } }
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const s = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${s.port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: s.clientId,
      client_secret: s.clientSecret,
      redirect_uris: [s.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { methods: ['S256'], required: () => true },
  claims: { openid: ['sub', 'roles'] },
  findAccount: async (_ctx, id) =>
    s.accounts[id]
      ? { accountId: id, claims: async () => ({ sub: id, roles: s.accounts[id].roles }) }
      : undefined,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['keel-test-cookie-key'] },
});

const form = (uid, note) =>
  `<!doctype html><form method="post" action="/interaction/${uid}">${note}` +
  `<input name="login"><input name="password" type="password"><button>Sign in</button></form>`;

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(form(details.uid, ''));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const f = new URLSearchParams(body);
  const login = f.get('login') ?? '';
  const account = s.accounts[login];
  if (!account || account.password !== f.get('password')) {
    res.writeHead(200, { 'content-type': 'text/html' }).end(form(details.uid, 'wrong login or password'));
    return;
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: login }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const callback = provider.callback();
const server = createServer((req, res) => {
  if (req.url.startsWith('/interaction/'))
    interaction(req, res).catch((err) => res.writeHead(500).end(String(err)));
  else callback(req, res);
});
server.listen(s.port, '127.0.0.1', () => process.stdout.write(`listening ${s.port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
