// The module's encryption (keel module genkey: conf/encryption; docs/decisions/0009 "TLS on the
// link"): its daemons get this node's certificate files, and without them the module does not
// replicate at all rather than in plaintext.
import { daemonArgs } from '../src/core/daemon-args';
import { buildRfsPlan, type LinkTlsFiles } from '../src/core/plan';
import { cluster, mirrorXml, moduleConfig } from './support/fixtures';

const FILES: LinkTlsFiles = {
  ca: '/etc/keel/web/tls/ca.crt',
  cert: '/etc/keel/web/tls/server.crt',
  key: '/etc/keel/web/tls/server.key',
};

const sut = (encrypted: string[], tls: LinkTlsFiles | undefined) =>
  buildRfsPlan({
    node: 'node1',
    cluster: cluster(),
    modules: [
      { name: 'web', id: 3, config: moduleConfig(mirrorXml()) },
      { name: 'db', id: 4, config: moduleConfig(mirrorXml()) },
    ],
    varDir: '/var/lib/keel',
    keyFile: '/var/lib/keel/cluster/cluster.key',
    encrypted: new Set(encrypted),
    ...(tls ? { tls } : {}),
  }).plan;

const TLS_ARGS = ['--tls-ca', FILES.ca, '--tls-cert', FILES.cert, '--tls-key', FILES.key];

test("an encrypted module's daemons get the node's certificate files, in either role", () => {
  const plan = sut(['web'], FILES);
  const web = plan.modules.find((m) => m.name === 'web')!;
  expect(web.tls).toEqual(FILES);
  for (const role of ['primary', 'secondary'] as const) {
    const args = daemonArgs(web, role, false);
    const at = args.indexOf('--tls-ca');
    expect(args.slice(at, at + 6)).toEqual(TLS_ARGS);
  }
});

test('a module without the marker replicates as before, with no TLS argument', () => {
  const db = sut(['web'], FILES).modules.find((m) => m.name === 'db')!;
  expect(db.tls).toBeUndefined();
  expect(daemonArgs(db, 'primary', false).some((a) => a.startsWith('--tls'))).toBe(false);
});

test('an encrypted module on a node without certificates is refused, not replicated in plaintext', () => {
  const plan = sut(['web'], undefined);
  expect(plan.modules.map((m) => m.name)).toEqual(['db']);
  expect(plan.refused).toEqual([
    { module: 'web', reason: expect.stringContaining('keel web initssl') as unknown as string },
  ]);
});
