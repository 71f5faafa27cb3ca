// keel's PKI for the web service, with SafeKit's names (safekit-ops §11.3; docs/decisions/0021):
//   keel web initssl sca [<subject>]  a new cluster CA and this node's certificate; HTTPS on
//   keel web initssl rca              this node's certificate again from the CA already here
//                                     (a node that received the CA files, or a renewal); HTTPS on
//   keel web checkcert [-t all|server|CA]  the files web.conf names, as the api checks them at start
//   keel web rmcerts                  HTTPS off and keel's PKI files removed (SafeKit's rmcerts CA)
// Files in <KEEL_ETC>/web/tls (0700): ca.key and server.key 0600, ca.crt and server.crt.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  certificateNames,
  checkCa,
  checkServerTls,
  createCa,
  DEFAULT_CA_SUBJECT,
  defaultTlsFiles,
  ensureTlsDir,
  issueNodeCertificate,
  loadWebConf,
  nodeAddresses,
  nodeBasics,
  nodePaths,
  NodeStartupError,
  openSslCli,
  readPrivateKeyFile,
  TlsFileError,
  tlsDir,
  tlsFileNames,
  webConfFile,
  WebConfError,
  webDir,
  withHttps,
  type OpenSslPort,
  type PemFile,
} from '@keel/config';
import { parseArgs } from '../args';
import { CliIo, EXIT, UsageError } from '../io';

export const WEB_TLS_COMMANDS = ['initssl', 'checkcert', 'rmcerts'];

const USAGE = `usage: keel web initssl sca [<subject>] | keel web initssl rca
       keel web checkcert [-t all|server|CA] | keel web rmcerts`;

export interface WebTlsDeps {
  readonly openssl: OpenSslPort;
  readonly hostname: () => string;
  readonly now: () => Date;
}

const realDeps: WebTlsDeps = { openssl: openSslCli, hostname, now: () => new Date() };

export async function webTls(
  args: readonly string[],
  io: CliIo,
  deps: WebTlsDeps = realDeps,
): Promise<number> {
  const [cmd, ...rest] = args;
  const paths = nodePaths(io.env);
  try {
    if (cmd === 'initssl') {
      const [mode, subject, ...more] = rest;
      if ((mode !== 'sca' && mode !== 'rca') || more.length > 0 || (mode === 'rca' && subject !== undefined))
        throw new UsageError(USAGE);
      const { cluster, node } = nodeBasics(io.env);
      const dir = tlsDir(paths.etc);
      const f = tlsFileNames(dir);
      if (mode === 'sca') {
        await createCa(dir, subject ?? DEFAULT_CA_SUBJECT, deps.openssl);
        io.out(
          `cluster CA made: ${f.caCert} (copy ${f.caCert} and ${f.caKey} to every node, then run keel web initssl rca there)`,
        );
      } else {
        if (!existsSync(f.caCert) || !existsSync(f.caKey)) {
          io.err(
            `keel web initssl rca: no CA here (${f.caCert}, ${f.caKey}): run keel web initssl sca on one node and copy both files`,
          );
          return EXIT.invalid;
        }
        readPrivateKeyFile(f.caKey);
      }
      const names = certificateNames(node, nodeAddresses(cluster, node), deps.hostname());
      await issueNodeCertificate(dir, node, names, deps.openssl);
      io.out(`certificate of ${node} made: ${f.cert} for ${names.join(', ')}`);
      const conf = webConfFile(paths.etc);
      ensureTlsDir(webDir(paths.etc));
      writeFileSync(conf, withHttps(existsSync(conf) ? readFileSync(conf, 'utf8') : '', true), {
        mode: 0o644,
      });
      io.out(`HTTPS on in ${conf}: restart the api service`);
      return EXIT.ok;
    }
    if (cmd === 'checkcert') {
      const p = parseArgs(rest, ['-t'], [], USAGE);
      const t = p.options['-t'] ?? 'all';
      if (p.positional.length > 0 || !['all', 'server', 'CA'].includes(t as string))
        throw new UsageError(USAGE);
      return checkcert(t as string, io, deps);
    }
    if (cmd === 'rmcerts' && rest.length === 0) {
      const conf = webConfFile(paths.etc);
      if (existsSync(conf)) writeFileSync(conf, withHttps(readFileSync(conf, 'utf8'), false));
      rmSync(tlsDir(paths.etc), { recursive: true, force: true });
      io.out(`HTTPS off in ${conf}, ${tlsDir(paths.etc)} removed: restart the api service`);
      return EXIT.ok;
    }
    throw new UsageError(USAGE);
  } catch (e) {
    if (e instanceof TlsFileError || e instanceof WebConfError || e instanceof NodeStartupError) {
      io.err(`keel web ${cmd}: ${e.message}`);
      return EXIT.invalid;
    }
    if (e instanceof Error && /^openssl /.test(e.message)) {
      io.err(`keel web ${cmd}: ${e.message}`);
      return EXIT.invalid;
    }
    throw e;
  }
}

/** SafeKit's checkcert: every problem, each naming its file; exit 1 when there is one. */
function checkcert(t: string, io: CliIo, deps: WebTlsDeps): number {
  const paths = nodePaths(io.env);
  const conf = loadWebConf(paths.etc);
  const files = conf.https ?? { ...defaultTlsFiles(paths.etc), port: 0 };
  const read = (file: string): PemFile | undefined => {
    try {
      return { file, pem: readFileSync(file, 'utf8') };
    } catch (err) {
      io.err(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  };
  const ca = read(files.ca);
  if (!ca) return EXIT.invalid;
  let problems = checkCa(ca, deps.now());
  if (t !== 'CA') {
    const cert = read(files.cert);
    if (!cert) return EXIT.invalid;
    const { cluster, node } = nodeBasics(io.env);
    const key = { file: files.key, pem: readPrivateKeyFile(files.key) };
    const r = checkServerTls({ cert, key, ca, names: nodeAddresses(cluster, node), now: deps.now() });
    problems = [...r.problems];
    if (r.notAfter) io.out(`${files.cert}: valid until ${r.notAfter.toISOString()}`);
  }
  for (const p of problems) io.err(`${p.file}: ${p.message}`);
  if (problems.length === 0)
    io.out(`${t === 'CA' ? files.ca : `${files.cert}, ${files.key}, ${files.ca}`}: OK`);
  return problems.length === 0 ? EXIT.ok : EXIT.invalid;
}
