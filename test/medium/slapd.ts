// A real OpenLDAP server (Debian's slapd) for the LDAP login tests: its own configuration, database
// and certificates in a temporary directory, serving only 127.0.0.1 on a free port, in the
// foreground as a child of the test; no system slapd service or file is touched, and it is killed
// at the end. The directory is loaded offline with slapadd before the server starts. With `tls`,
// slapd refuses every operation before StartTLS (`security tls=1`), so a client that does not
// protect the passwords fails.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SUFFIX = 'dc=keel,dc=test';
export const SERVICE_DN = `cn=keel,${SUFFIX}`;
export const SERVICE_PASSWORD = 'service-bind-secret-7Hq';
export const GROUPS = {
  admins: `cn=keel-admins,ou=groups,${SUFFIX}`,
  controls: `cn=keel-controls,ou=groups,${SUFFIX}`,
  monitors: `cn=keel-monitors,ou=groups,${SUFFIX}`,
};
/** uid → password and the groups it is in (carl is in none). */
export const PEOPLE: Record<string, { password: string; groups: (keyof typeof GROUPS)[] }> = {
  ann: { password: 'ann-ldap-password', groups: ['admins', 'monitors'] },
  bob: { password: 'bob-ldap-password', groups: ['monitors'] },
  carl: { password: 'carl-ldap-password', groups: [] },
};
export const personDn = (uid: string) => `uid=${uid},ou=people,${SUFFIX}`;

export interface Slapd {
  readonly url: string;
  /** With tls: the same server over TLS from the first byte. */
  readonly ldapsUrl?: string;
  readonly port: number;
  /** The CA of the server's certificate (with tls). */
  readonly ca?: string;
  stop(): Promise<void>;
}

/** A self-signed test CA in `dir`: its key in `<name>.key`, its certificate in `<name>.pem`. */
function testCa(dir: string, name: string, subject: string): string {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'].concat([
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    ]),
    { cwd: dir, stdio: 'pipe' },
  );
  return join(dir, `${name}.pem`);
}

/** A CA that signed nothing slapd serves: a client trusting it alone must refuse the server. */
export function otherCa(dir: string): string {
  return testCa(dir, 'other', '/CN=other CA');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ldif(): string {
  const entries = [
    `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: keel\no: keel test`,
    `dn: ${SERVICE_DN}\nobjectClass: person\ncn: keel\nsn: service\nuserPassword: ${SERVICE_PASSWORD}`,
    `dn: ou=people,${SUFFIX}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ou=groups,${SUFFIX}\nobjectClass: organizationalUnit\nou: groups`,
    ...Object.entries(PEOPLE).map(
      ([uid, p]) =>
        `dn: ${personDn(uid)}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\nuserPassword: ${p.password}`,
    ),
    ...Object.entries(GROUPS).map(([g, dn]) => {
      const members = Object.entries(PEOPLE).filter(([, p]) => p.groups.includes(g as keyof typeof GROUPS));
      // groupOfNames needs one member at least: the service account stands in.
      const lines = members.length
        ? members.map(([uid]) => `member: ${personDn(uid)}`)
        : [`member: ${SERVICE_DN}`];
      return `dn: ${dn}\nobjectClass: groupOfNames\ncn: ${dn.split(',')[0]!.slice(3)}\n${lines.join('\n')}`;
    }),
  ];
  return entries.join('\n\n') + '\n';
}

function certificates(dir: string): { ca: string; cert: string; key: string } {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  testCa(dir, 'ca', '/CN=ldap test CA');
  ssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem',
  );
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

export async function startSlapd(options: { tls?: boolean } = {}): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-slapd-'));
  const db = join(dir, 'db');
  mkdirSync(db);
  const tls = options.tls ? certificates(dir) : undefined;
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      ...(tls
        ? [
            `TLSCACertificateFile ${tls.ca}`,
            `TLSCertificateFile ${tls.cert}`,
            `TLSCertificateKeyFile ${tls.key}`,
            'security tls=1',
          ]
        : []),
      'database mdb',
      `suffix "${SUFFIX}"`,
      `directory ${db}`,
      'maxsize 10485760',
      'access to attrs=userPassword by anonymous auth by self read by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'data.ldif'), ldif());
  execFileSync('slapadd', ['-f', conf, '-l', join(dir, 'data.ldif')], { stdio: 'pipe' });
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
  const child: ChildProcess = spawn(
    'slapd',
    ['-d', '0', '-f', conf, '-h', [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => stderr);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, ...(tls ? { ca: tls.ca, ldapsUrl } : {}), stop };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`slapd does not listen on 127.0.0.1:${port}: ${stderr()}`);
}
