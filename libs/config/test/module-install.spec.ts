import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installModule, uninstallModule } from '../src/package/module-install';

// `keel module install` (safekit-ops §9.5): checked in a private directory, then renamed in;
// nothing half-installed, in a temporary KEEL_ETC.
const GOOD = '<safe><service mode="mirror"><heart><heartbeat name="default"/></heart></service></safe>';
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function factory() {
  const root = mkdtempSync(join(tmpdir(), 'keel-install-'));
  roots.push(root);
  const modulesDir = join(root, 'modules');
  mkdirSync(modulesDir);
  const sut = (userconfig: string, replace = false) =>
    installModule({
      modulesDir,
      clusterFile: join(root, 'none.xml'),
      env: {},
      name: 'app',
      files: [
        { path: 'conf/userconfig.xml', mode: 0o644, data: Buffer.from(userconfig) },
        { path: 'bin/start_prim', mode: 0o755, data: Buffer.from('#!/bin/sh\n') },
      ],
      replace,
      source: 'app.safe',
    });
  const leftovers = () => readdirSync(join(modulesDir, '.staging'));
  return { sut, modulesDir, leftovers };
}

it('installs, refuses a second install without -r, and replaces with -r keeping the id', () => {
  const { sut, modulesDir, leftovers } = factory();
  expect(sut(GOOD)).toEqual({ name: 'app', id: 1, replaced: false, warnings: [] });
  expect(() => sut(GOOD)).toThrow('module app is already installed (reinstall with -r)');
  expect(sut(GOOD.replace('mirror"', 'mirror" boot="off"'), true)).toMatchObject({ id: 1, replaced: true });
  expect(readFileSync(join(modulesDir, 'app', 'conf', 'userconfig.xml'), 'utf8')).toContain('boot="off"');
  expect(leftovers()).toEqual([]);
});

it('leaves the installed module as it was when the new package does not check', () => {
  const { sut, modulesDir, leftovers } = factory();
  sut(GOOD);
  expect(() => sut('<safe><service mode="mirrror"/></safe>', true)).toThrow(
    /^app\.safe:conf\/userconfig\.xml:1:\d+: \/safe\/service @mode: /,
  );
  expect(readFileSync(join(modulesDir, 'app', 'conf', 'userconfig.xml'), 'utf8')).toBe(GOOD);
  expect(leftovers()).toEqual([]);
});

it('uninstalls, and refuses a module that is not there or a name with a path in it', () => {
  const { sut, modulesDir } = factory();
  sut(GOOD);
  uninstallModule(modulesDir, 'app');
  expect(existsSync(join(modulesDir, 'app'))).toBe(false);
  expect(() => uninstallModule(modulesDir, 'app')).toThrow('unknown module app (installed: none)');
  expect(() => uninstallModule(modulesDir, '../etc')).toThrow('"../etc" is not a module name');
});
