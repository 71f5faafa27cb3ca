import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSslCli } from '@keel/config';
import { webTls } from '../src/commands/web-tls';
import { recorder } from './recorder';

// keel web initssl sca|rca and checkcert with the real openssl program, in a node's directories.
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function build() {
  root = mkdtempSync(join(tmpdir(), 'keel-initssl-'));
  mkdirSync(join(root, 'var', 'cluster'), { recursive: true });
  writeFileSync(
    join(root, 'var', 'cluster', 'cluster.xml'),
    `<cluster><lans>
  <lan name="default"><node name="node1" addr="10.0.0.1"/><node name="node2" addr="10.0.0.2"/></lan>
  <lan name="repli"><node name="node1" addr="node1.example.net"/><node name="node2" addr="10.1.0.2"/></lan>
</lans></cluster>`,
  );
  const io = recorder({ KEEL_ETC: join(root, 'etc'), KEEL_VAR: join(root, 'var'), KEEL_NODE: 'node1' });
  const deps = { openssl: openSslCli, hostname: () => 'host1.example.net', now: () => new Date() };
  const tls = join(root, 'etc', 'web', 'tls');
  return { io, deps, tls, sut: (args: string[]) => webTls(args, io, deps) };
}

it('makes a cluster CA and a certificate for every name of the node, keys 0600, and turns HTTPS on', async () => {
  const { sut, io, tls } = build();
  expect(await sut(['initssl', 'sca'])).toBe(0);
  expect(statSync(tls).mode & 0o777).toBe(0o700);
  expect(statSync(join(tls, 'ca.key')).mode & 0o777).toBe(0o600);
  expect(statSync(join(tls, 'server.key')).mode & 0o777).toBe(0o600);
  const cert = new X509Certificate(readFileSync(join(tls, 'server.crt')));
  const ca = new X509Certificate(readFileSync(join(tls, 'ca.crt')));
  expect(ca.ca).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.verify(ca.publicKey)).toBe(true);
  for (const n of [
    'DNS:node1',
    'IP Address:10.0.0.1',
    'DNS:node1.example.net',
    'DNS:host1.example.net',
    'DNS:host1',
    'DNS:localhost',
    'IP Address:127.0.0.1',
  ])
    expect(cert.subjectAltName).toContain(n);
  expect(cert.subjectAltName).not.toContain('10.0.0.2');
  expect(readFileSync(join(root, 'etc', 'web', 'web.conf'), 'utf8')).toBe('https = on\n');
  expect(await sut(['checkcert'])).toBe(0);
  expect(io.stdout.at(-1)).toMatch(/: OK$/);
});

it('rca issues a new certificate from the CA already there, and refuses without one', async () => {
  const { sut, io, tls } = build();
  expect(await sut(['initssl', 'rca'])).toBe(1);
  expect(io.stderr.join('\n')).toContain(`no CA here (${join(tls, 'ca.crt')}`);
  expect(await sut(['initssl', 'sca'])).toBe(0);
  const caBefore = readFileSync(join(tls, 'ca.crt'), 'utf8');
  const before = new X509Certificate(readFileSync(join(tls, 'server.crt'))).serialNumber;
  expect(await sut(['initssl', 'rca'])).toBe(0);
  expect(readFileSync(join(tls, 'ca.crt'), 'utf8')).toBe(caBefore);
  expect(new X509Certificate(readFileSync(join(tls, 'server.crt'))).serialNumber).not.toBe(before);
  expect(await sut(['checkcert', '-t', 'server'])).toBe(0);
});

it('checkcert names the file of each problem: a key others can read, a certificate of another CA', async () => {
  const { sut, io, tls } = build();
  expect(await sut(['initssl', 'sca'])).toBe(0);
  chmodSync(join(tls, 'server.key'), 0o644);
  expect(await sut(['checkcert'])).toBe(1);
  expect(io.stderr.join('\n')).toContain(
    `keel web checkcert: ${join(tls, 'server.key')}: permissions 0644 let other users read the private key`,
  );
  chmodSync(join(tls, 'server.key'), 0o600);
  const first = readFileSync(join(tls, 'ca.crt'), 'utf8');
  expect(await sut(['initssl', 'sca'])).toBe(0);
  writeFileSync(join(tls, 'ca.crt'), first);
  io.stderr.length = 0;
  expect(await sut(['checkcert'])).toBe(1);
  expect(io.stderr).toEqual([`${join(tls, 'server.crt')}: not issued by a CA of ${join(tls, 'ca.crt')}`]);
  expect(await sut(['checkcert', '-t', 'CA'])).toBe(0);
});

it('rmcerts turns HTTPS off and removes the PKI files', async () => {
  const { sut, tls } = build();
  expect(await sut(['initssl', 'sca'])).toBe(0);
  expect(await sut(['rmcerts'])).toBe(0);
  expect(readFileSync(join(root, 'etc', 'web', 'web.conf'), 'utf8')).toBe('https = off\n');
  expect(() => statSync(tls)).toThrow();
});
