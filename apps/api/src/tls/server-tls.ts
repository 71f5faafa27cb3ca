// The web service's HTTPS certificate (docs/decisions/0021): read and checked at start, where a
// problem is a configuration error naming the file (exit 78), and checked again every 12 hours.
// A node holding the cluster CA's key (keel web initssl) issues itself a new certificate once
// fewer than 30 days remain; a node without it, or with the user's certificates, warns in its
// log from then on. A certificate changed on disk (keel web initssl rca) is taken without restart.
import { existsSync } from 'node:fs';
import {
  checkServerTls,
  issueNodeCertificate,
  loadClusterConfig,
  needsRenewal,
  nodeAddresses,
  NodeStartupError,
  readTlsFiles,
  TlsFileError,
  tlsDir,
  tlsFileNames,
  type HttpsConf,
  type OpenSslPort,
  type TlsFiles,
} from '@keel/config';
import type { Logger } from '@keel/runtime';
import type { ApiSettings } from '../settings';

export const RENEWAL_CHECK_MS = 12 * 3_600_000;

export interface ServerTls {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly notAfter: Date;
}

/** The certificate files, checked for this node; throws NodeStartupError naming the file. */
export function loadServerTls(
  settings: Pick<ApiSettings, 'paths' | 'node'>,
  https: HttpsConf,
  now: Date,
): ServerTls {
  let files: TlsFiles;
  try {
    files = readTlsFiles(https);
  } catch (err) {
    if (err instanceof TlsFileError) throw new NodeStartupError(`HTTPS: ${err.message}`);
    throw err;
  }
  const names = nodeAddresses(loadClusterConfig(settings.paths.clusterFile), settings.node);
  const r = checkServerTls({ ...files, names, now });
  const first = r.problems[0];
  if (first)
    throw new NodeStartupError(
      `HTTPS: ${first.file}: ${first.message} (keel web checkcert lists every problem)`,
    );
  return { cert: files.cert.pem, key: files.key.pem, ca: files.ca.pem, notAfter: r.notAfter! };
}

/** Whether these are keel's own PKI files with the CA key here, so this node can renew itself. */
export function canRenewItself(settings: Pick<ApiSettings, 'paths'>, https: HttpsConf): boolean {
  const f = tlsFileNames(tlsDir(settings.paths.etc));
  return https.cert === f.cert && https.key === f.key && existsSync(f.caKey);
}

/** One renewal check: the certificate to serve now, renewed or reloaded when needed. */
export async function renewIfDue(
  settings: Pick<ApiSettings, 'paths' | 'node'>,
  https: HttpsConf,
  current: ServerTls,
  deps: {
    readonly openssl: OpenSslPort;
    readonly now: () => Date;
    readonly logger: Logger;
    readonly names: () => string[];
  },
): Promise<ServerTls> {
  let tls = loadServerTls(settings, https, deps.now());
  if (!needsRenewal(tls.notAfter, deps.now())) {
    if (tls.cert !== current.cert)
      deps.logger.info('HTTPS certificate reloaded', {
        file: https.cert,
        notAfter: tls.notAfter.toISOString(),
      });
    return tls;
  }
  if (!canRenewItself(settings, https)) {
    deps.logger.warn('HTTPS certificate ends soon: renew it (keel web initssl rca, or your PKI)', {
      file: https.cert,
      notAfter: tls.notAfter.toISOString(),
    });
    return tls;
  }
  await issueNodeCertificate(tlsDir(settings.paths.etc), settings.node, deps.names(), deps.openssl);
  tls = loadServerTls(settings, https, deps.now());
  deps.logger.info('HTTPS certificate renewed', { file: https.cert, notAfter: tls.notAfter.toISOString() });
  return tls;
}
