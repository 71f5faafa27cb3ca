// keel's own PKI for the web service (docs/decisions/0021), SafeKit's `initssl sca|rca`
// (safekit-ops §11.3): a cluster CA (ECDSA P-256, 20 years as SafeKit's) and each node's
// certificate (397 days, renewed 30 days before it ends), made by the openssl program behind a
// port. Private keys are written 0600 in a 0700 directory, through a private temporary directory
// and a rename, so a reader sees the old file or the new one, never half of one.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export const CA_DAYS = 7300;
export const NODE_CERT_DAYS = 397;
export const RENEW_BEFORE_DAYS = 30;
export const DEFAULT_CA_SUBJECT = '/O=keel/CN=keel cluster certificate authority';

export interface OpenSslPort {
  /** Runs `openssl <args>`; rejects with its standard error. */
  run(args: readonly string[]): Promise<void>;
}

export const openSslCli: OpenSslPort = {
  run: (args) =>
    new Promise((resolve, reject) => {
      execFile('openssl', [...args], { timeout: 30_000 }, (err, _out, stderr) => {
        if (!err) return resolve();
        const why =
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'the openssl program is not installed'
            : stderr.trim() || err.message;
        reject(new Error(`openssl ${args[0]}: ${why}`));
      });
    }),
};

export const tlsFileNames = (dir: string) => ({
  caKey: join(dir, 'ca.key'),
  caCert: join(dir, 'ca.crt'),
  key: join(dir, 'server.key'),
  cert: join(dir, 'server.crt'),
});

const DNS_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/;

/** The subjectAltName value for these names: IP addresses as IP:, host names as DNS:, each once. */
export function subjectAltName(names: readonly string[]): string {
  const out = new Set<string>();
  for (const n of names) {
    if (isIP(n)) out.add(`IP:${n}`);
    else if (DNS_NAME.test(n)) out.add(`DNS:${n}`);
    else throw new Error(`${n} is neither an IP address nor a host name`);
  }
  if (out.size === 0) throw new Error('a node certificate needs at least one name');
  return [...out].join(',');
}

/** The names a node's certificate is made for: cluster.xml's addresses, its name, host and loopback. */
export function certificateNames(node: string, addresses: readonly string[], host: string): string[] {
  const short = host.split('.')[0]!;
  return [
    ...new Set([node, ...addresses, host, short, 'localhost', '127.0.0.1', '::1'].filter((n) => n !== '')),
  ];
}

/** Whether a certificate ending at notAfter is due for renewal at now. */
export function needsRenewal(notAfter: Date, now: Date): boolean {
  return notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * 86_400_000;
}

/** The 0700 directory of keel's PKI files, refused if it is a link or others can change it. */
export function ensureTlsDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir}: not a directory`);
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== uid && st.uid !== 0)
    throw new Error(`${dir}: owned by uid ${st.uid}, neither root nor this user`);
  chmodSync(dir, 0o700);
}

/** Runs `make` in a private temporary directory of dir, then moves its files into dir. */
async function inPrivateTemp(
  dir: string,
  make: (tmp: string) => Promise<Record<string, string>>,
): Promise<void> {
  ensureTlsDir(dir);
  const tmp = mkdtempSync(join(dir, '.new-'));
  try {
    const moves = await make(tmp);
    for (const [from, to] of Object.entries(moves)) {
      if (/\.key$/.test(to)) chmodSync(from, 0o600);
      else chmodSync(from, 0o644);
      renameSync(from, to);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A new cluster CA in dir (ca.key, ca.crt), replacing any there. */
export async function createCa(dir: string, subject: string, openssl: OpenSslPort): Promise<void> {
  const f = tlsFileNames(dir);
  await inPrivateTemp(dir, async (tmp) => {
    const key = join(tmp, 'ca.key');
    const crt = join(tmp, 'ca.crt');
    await openssl.run([
      'req',
      '-x509',
      ...EC,
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      String(CA_DAYS),
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { [key]: f.caKey, [crt]: f.caCert };
  });
}

/** This node's certificate (server.key, server.crt in dir) issued by the CA in dir for these names. */
export async function issueNodeCertificate(
  dir: string,
  node: string,
  names: readonly string[],
  openssl: OpenSslPort,
): Promise<void> {
  const f = tlsFileNames(dir);
  const san = subjectAltName(names);
  if (!DNS_NAME.test(node)) throw new Error(`node name ${node} cannot be a certificate subject`);
  await inPrivateTemp(dir, async (tmp) => {
    const key = join(tmp, 'server.key');
    const csr = join(tmp, 'server.csr');
    const crt = join(tmp, 'server.crt');
    const ext = join(tmp, 'ext.cnf');
    writeFileSync(
      ext,
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n` +
        `extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${san}\n`,
    );
    await openssl.run(['req', '-new', ...EC, '-keyout', key, '-out', csr, '-subj', `/O=keel/CN=${node}`]);
    await openssl.run([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      f.caCert,
      '-CAkey',
      f.caKey,
      '-set_serial',
      `0x${randomBytes(16)
        .toString('hex')
        .replace(/^[89a-f]/, '7')}`,
      '-days',
      String(NODE_CERT_DAYS),
      '-extfile',
      ext,
      '-out',
      crt,
    ]);
    return { [key]: f.key, [crt]: f.cert };
  });
}
