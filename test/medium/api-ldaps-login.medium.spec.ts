// LDAP login over ldaps:// against a real slapd: the server's certificate is checked against the CA
// ldap.conf names, and a directory whose certificate that CA did not sign is refused (the login
// answers 503 and the reason is in the log), so no password goes to a server that is not the one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, startApiNode, type ApiNode } from './api-node';
import {
  GROUPS,
  otherCa,
  PEOPLE,
  SERVICE_DN,
  SERVICE_PASSWORD,
  startSlapd,
  SUFFIX,
  type Slapd,
} from './slapd';

jest.setTimeout(90_000);
let slapd: Slapd;
const nodes: ApiNode[] = [];
beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
});
afterAll(async () => {
  for (const n of nodes) await n.stop();
  await slapd?.stop();
});

async function nodeTrusting(ca: (web: string) => string): Promise<ApiNode> {
  const n = await startApiNode({
    prepare: async (node) => {
      const web = join(node.etc, 'web');
      mkdirSync(web, { recursive: true, mode: 0o700 });
      writeFileSync(join(web, 'ldap.password'), SERVICE_PASSWORD, { mode: 0o600 });
      writeFileSync(
        join(web, 'ldap.conf'),
        [
          `url = ${slapd.ldapsUrl}`,
          `ca = ${ca(web)}`,
          `bind_dn = ${SERVICE_DN}`,
          `bind_password_file = ${join(web, 'ldap.password')}`,
          `search_base = ou=people,${SUFFIX}`,
          `admin_group = ${GROUPS.admins}`,
        ].join('\n') + '\n',
      );
      return {};
    },
  });
  nodes.push(n);
  return n;
}

const login = (n: ApiNode) =>
  call(n.base, 'POST', '/login', { json: { httpd_username: 'ann', httpd_password: PEOPLE.ann!.password } });

test("ldaps:// with the directory's CA logs in; with another CA the directory is refused", async () => {
  const trusting = await nodeTrusting(() => slapd.ca!);
  expect((await login(trusting)).body).toEqual({ user: 'ann', role: 'Admin' });

  const wary = await nodeTrusting((web) => otherCa(web));
  const refused = await login(wary);
  expect(refused.status).toBe(503);
  expect(refused.body.message).toBe('the login directory does not answer; try again later');
  expect(wary.apiLog.lines.join('\n')).toMatch(/does not answer: .*(certificate|self.signed|issuer)/i);
  expect(wary.apiLog.lines.join('\n')).not.toContain(SERVICE_PASSWORD);
});
