// Whether the web service's certificate files can serve HTTPS for this node (docs/decisions/0021),
// keel's PKI or the user's: each problem names the file it is in. The same checks run at the api's
// start (the first problem stops it, exit 78) and in `keel web checkcert` (every problem printed),
// SafeKit's `checkcert -t all|server|CA` (safekit-ops §11.3.2). Pure: texts in, problems out.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export interface PemFile {
  readonly file: string;
  readonly pem: string;
}

export interface CertProblem {
  readonly file: string;
  readonly message: string;
}

export interface ServerTlsInput {
  readonly cert: PemFile;
  readonly key: PemFile;
  readonly ca: PemFile;
  /** Every name and address the node is reached by (its cluster.xml addresses). */
  readonly names: readonly string[];
  readonly now: Date;
}

export interface ServerTlsCheck {
  readonly problems: readonly CertProblem[];
  /** When the node's certificate expires (when it could be read). */
  readonly notAfter?: Date;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle; throws with a reason when there is none or one is bad. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) in it');
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw new Error(`certificate ${i + 1} cannot be read (${(err as Error).message})`);
    }
  });
}

const notAfterOf = (c: X509Certificate) => new Date(c.validTo);
const notBeforeOf = (c: X509Certificate) => new Date(c.validFrom);

function validity(c: X509Certificate, now: Date, what: string): string | undefined {
  if (now < notBeforeOf(c))
    return `${what} is not valid yet (from ${c.validFrom}): is this node's clock right?`;
  if (now > notAfterOf(c)) return `${what} expired on ${c.validTo}`;
  return undefined;
}

/** The CA bundle alone (checkcert -t CA). */
export function checkCa(ca: PemFile, now: Date): CertProblem[] {
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(ca.pem);
  } catch (err) {
    return [{ file: ca.file, message: (err as Error).message }];
  }
  const problems: CertProblem[] = [];
  certs.forEach((c, i) => {
    if (!c.ca)
      problems.push({
        file: ca.file,
        message: `certificate ${i + 1} (${c.subject.replace(/\n/g, ', ')}) is not a CA`,
      });
    const v = validity(c, now, `CA certificate ${i + 1}`);
    if (v) problems.push({ file: ca.file, message: v });
  });
  return problems;
}

/** Whether the certificate covers the name: an IP address in its IP SANs, a host name in its DNS names. */
export function certificateCovers(cert: X509Certificate, name: string): boolean {
  return isIP(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined;
}

/** The node's certificate, its key and the CA that must have issued it (checkcert -t all). */
export function checkServerTls(input: ServerTlsInput): ServerTlsCheck {
  const problems: CertProblem[] = [...checkCa(input.ca, input.now)];
  let cert: X509Certificate | undefined;
  try {
    cert = parseCertificates(input.cert.pem)[0];
  } catch (err) {
    problems.push({ file: input.cert.file, message: (err as Error).message });
  }
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(input.key.pem);
  } catch (err) {
    const why = /passphrase|encrypted/i.test((err as Error).message)
      ? 'the private key is encrypted; the web service needs it unencrypted (mode 0600)'
      : `not a PEM private key (${(err as Error).message})`;
    problems.push({ file: input.key.file, message: why });
  }
  if (!cert) return { problems };
  const c = cert;
  if (key && !c.checkPrivateKey(key))
    problems.push({
      file: input.key.file,
      message: `this key does not belong to the certificate ${input.cert.file}`,
    });
  const v = validity(c, input.now, 'the certificate');
  if (v) problems.push({ file: input.cert.file, message: v });
  let cas: X509Certificate[] = [];
  try {
    cas = parseCertificates(input.ca.pem);
  } catch {
    /* reported by checkCa */
  }
  if (cas.length > 0 && !cas.some((ca) => c.checkIssued(ca) && c.verify(ca.publicKey)))
    problems.push({ file: input.cert.file, message: `not issued by a CA of ${input.ca.file}` });
  const missing = input.names.filter((n) => !certificateCovers(c, n));
  if (missing.length > 0)
    problems.push({
      file: input.cert.file,
      message: `does not cover ${missing.join(', ')} (its names: ${c.subjectAltName ?? 'none'}); other nodes reach this one by them`,
    });
  return { problems, notAfter: notAfterOf(c) };
}
