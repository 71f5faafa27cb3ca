import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModuleFiles } from '@keel/config';
import { moduleAdmin } from '../src/commands/module-admin';
import { recorder } from './recorder';

// keel module genkey|delkey -m AM (safekit-ops §10.7): the module's encryption marker
// conf/encryption, made and removed; refused on a node without its certificate files.
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function build(pki: boolean) {
  root = mkdtempSync(join(tmpdir(), 'keel-modkey-'));
  const etc = join(root, 'etc');
  const module = join(etc, 'modules', 'mirror');
  mkdirSync(join(module, 'conf'), { recursive: true });
  writeFileSync(join(module, 'conf', 'userconfig.xml'), '<safe><service mode="mirror"/></safe>');
  writeFileSync(join(module, 'id'), '1\n');
  if (pki) {
    const tls = join(etc, 'web', 'tls');
    mkdirSync(tls, { recursive: true });
    for (const f of ['ca.crt', 'server.crt']) writeFileSync(join(tls, f), 'pem');
    writeFileSync(join(tls, 'server.key'), 'pem', { mode: 0o600 });
  }
  const io = recorder({ KEEL_ETC: etc, KEEL_VAR: join(root, 'var'), KEEL_NODE: 'node1' });
  const marker = join(module, 'conf', 'encryption');
  const sut = (sub: 'genkey' | 'delkey', ...args: string[]) =>
    moduleAdmin([sub, ...args], io, async () => 'STOP');
  return { io, module, marker, sut };
}

it('genkey turns encryption on with a marker that travels with the module, delkey turns it off', async () => {
  const b = build(true);
  expect(await b.sut('genkey', '-m', 'mirror')).toBe(0);
  expect(existsSync(b.marker)).toBe(true);
  expect(b.io.stdout.at(-1)).toContain('module mirror: encryption on (conf/encryption)');
  // `keel module package` and `-E` send what readModuleFiles reads.
  expect(readModuleFiles(b.module).map((f) => f.path)).toContain('conf/encryption');
  expect(await b.sut('genkey', '-m', 'mirror')).toBe(0);
  expect(b.io.stdout.at(-1)).toBe('module mirror: encryption already on');
  expect(await b.sut('delkey', '-m', 'mirror')).toBe(0);
  expect(existsSync(b.marker)).toBe(false);
  expect(b.io.stdout.at(-1)).toContain('module mirror: encryption off');
});

it('is refused, changing nothing, on a node without its certificate files', async () => {
  const b = build(false);
  expect(await b.sut('genkey', '-m', 'mirror')).toBe(1);
  expect(b.io.stderr.join('\n')).toContain('keel web initssl sca (or rca) makes them');
  expect(b.io.stderr.join('\n')).toContain(join(root, 'etc', 'web', 'tls', 'ca.crt'));
  expect(existsSync(b.marker)).toBe(false);
});

it('names an unknown module and needs -m', async () => {
  const b = build(true);
  expect(await b.sut('genkey', '-m', 'other')).toBe(1);
  expect(b.io.stderr.join('\n')).toContain('unknown module other');
  await expect(b.sut('delkey')).rejects.toThrow('usage: keel module delkey -m <module>');
});
