// Reading the web service's certificate files (web.conf cert, key, ca): a missing or unreadable
// file, or a private key that other users could read or that another user owns, is refused with
// a TlsFileError naming the file, as the cluster key is (node/cluster-key.ts).
import { readFileSync, statSync } from 'node:fs';
import type { ClusterConfig } from '../../model/cluster';
import type { HttpsConf } from '../web-conf';
import type { PemFile } from './cert-check';

export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export interface TlsFiles {
  readonly cert: PemFile;
  readonly key: PemFile;
  readonly ca: PemFile;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TlsFileError(
      file,
      code === 'ENOENT'
        ? `${what} does not exist (keel web initssl makes keel's own, or give yours in web.conf)`
        : `cannot read ${what} (${code ?? (err as Error).message})`,
    );
  }
}

/** A private key file only its owner can read, owned by root or this process's user. */
export function readPrivateKeyFile(file: string, uid: number = process.getuid?.() ?? 0): string {
  const text = read(file, 'the private key');
  const st = statSync(file);
  if (!st.isFile()) throw new TlsFileError(file, 'the private key is not a regular file');
  if ((st.mode & 0o077) !== 0)
    throw new TlsFileError(
      file,
      `permissions ${(st.mode & 0o777).toString(8).padStart(4, '0')} let other users read the private key; run chmod 600 ${file}`,
    );
  if (st.uid !== 0 && st.uid !== uid)
    throw new TlsFileError(file, `owned by uid ${st.uid}, neither root nor this service's user`);
  return text;
}

export function readTlsFiles(conf: Pick<HttpsConf, 'cert' | 'key' | 'ca'>, uid?: number): TlsFiles {
  return {
    cert: { file: conf.cert, pem: read(conf.cert, 'the certificate') },
    key: { file: conf.key, pem: readPrivateKeyFile(conf.key, uid) },
    ca: { file: conf.ca, pem: read(conf.ca, 'the CA certificate') },
  };
}

/** Every address cluster.xml gives the node (addr and laddr on every lan), each once. */
export function nodeAddresses(cluster: ClusterConfig, node: string): string[] {
  const out = new Set<string>();
  for (const lan of cluster.lans)
    for (const n of lan.nodes)
      if (n.name === node) {
        out.add(n.addr);
        if (n.laddr) out.add(n.laddr);
      }
  return [...out];
}
