// <etc>/web/web.conf: the web service's ports and HTTPS (docs/decisions/0021), SafeKit's httpd.conf
// `Define httpport|httpsport` and the presence of ssl/httpd.webconsolessl.conf (safekit-ops
// §10.9, §11.3) in one small file. One `key = value` a line, `#` comments; no file: HTTP on 9010.
//   http_port  = 9010                       the HTTP port (health probes; redirects when HTTPS is on)
//   https      = on|off                     HTTPS on https_port; `keel web initssl` turns it on
//   https_port = 9453
//   cert = <etc>/web/tls/server.crt         this node's certificate (PEM), keel's PKI or yours
//   key  = <etc>/web/tls/server.key         its private key (PEM, unencrypted, mode 0600)
//   ca   = <etc>/web/tls/ca.crt             the CA chain the nodes' certificates are checked with
// A line the parser does not understand refuses the whole file, naming the file and the line.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { webDir } from './file-credential-store';

export const HTTP_PORT = 9010;
export const HTTPS_PORT = 9453;

export interface HttpsConf {
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export interface WebConf {
  readonly file: string;
  readonly httpPort: number;
  /** Undefined: HTTPS is off. */
  readonly https?: HttpsConf;
}

export class WebConfError extends Error {
  override readonly name = 'WebConfError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export const webConfFile = (etc: string) => join(webDir(etc), 'web.conf');
/** keel's own PKI: the cluster CA and this node's certificate (keel web initssl). */
export const tlsDir = (etc: string) => join(webDir(etc), 'tls');

export function defaultTlsFiles(etc: string): Omit<HttpsConf, 'port'> {
  const dir = tlsDir(etc);
  return { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };
}

const KEYS = ['http_port', 'https', 'https_port', 'cert', 'key', 'ca'] as const;
type Key = (typeof KEYS)[number];

/** Throws WebConfError naming the file and line of the first problem. */
export function parseWebConf(text: string, file: string, etc: string): WebConf {
  const seen = new Map<Key, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `line ${i + 1}`;
    const m = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new WebConfError(file, `${at}: expected <key> = <value>`);
    const key = m[1] as Key;
    if (!KEYS.includes(key))
      throw new WebConfError(file, `${at}: unknown key ${m[1]} (allowed: ${KEYS.join(', ')})`);
    if (seen.has(key)) throw new WebConfError(file, `${at}: ${key} is given twice`);
    const value = m[2]!.trim();
    if (key.endsWith('port') && !/^\d{1,5}$/.test(value))
      throw new WebConfError(file, `${at}: ${key} must be a port number`);
    if (key.endsWith('port') && (Number(value) < 1 || Number(value) > 65535))
      throw new WebConfError(file, `${at}: ${key} must be between 1 and 65535`);
    if (key === 'https' && value !== 'on' && value !== 'off')
      throw new WebConfError(file, `${at}: https must be on or off`);
    if ((key === 'cert' || key === 'key' || key === 'ca') && !isAbsolute(value))
      throw new WebConfError(file, `${at}: ${key} must be an absolute path`);
    seen.set(key, value);
  });
  const httpPort = Number(seen.get('http_port') ?? HTTP_PORT);
  if (seen.get('https') !== 'on') return { file, httpPort };
  const d = defaultTlsFiles(etc);
  const https: HttpsConf = {
    port: Number(seen.get('https_port') ?? HTTPS_PORT),
    cert: seen.get('cert') ?? d.cert,
    key: seen.get('key') ?? d.key,
    ca: seen.get('ca') ?? d.ca,
  };
  if (https.port === httpPort) throw new WebConfError(file, 'http_port and https_port must differ');
  return { file, httpPort, https };
}

/** <etc>/web/web.conf, or the defaults (HTTP on 9010) when there is none; throws WebConfError. */
export function loadWebConf(etc: string): WebConf {
  const file = webConfFile(etc);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, httpPort: HTTP_PORT };
    throw new WebConfError(file, `cannot read it (${code ?? (err as Error).message})`);
  }
  return parseWebConf(text, file, etc);
}

/** The text with `https = on|off` set, the other lines kept (keel web initssl, rmcerts). */
export function withHttps(text: string, on: boolean): string {
  const line = `https = ${on ? 'on' : 'off'}`;
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const i = lines.findIndex((l) => /^\s*https\s*=/.test(l));
  if (i >= 0) lines[i] = line;
  else lines.push(line);
  return lines.join('\n') + '\n';
}
