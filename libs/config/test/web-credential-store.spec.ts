import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCredentialStore } from '../src/index';

// The users and API keys files on disk: written 0600 atomically; refused, naming the file, when
// others could read or replace them.
const DIGEST = 'c'.repeat(64);
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keel-web-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const build = () => new FileCredentialStore(join(root, 'web'));
const message = (f: () => unknown) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
};

it('has no entries before the file exists, then reads back what it saved, mode 0600 in a 0700 directory', () => {
  const sut = build();
  expect(sut.entries('apikeys').size).toBe(0);
  sut.save('apikeys', [{ name: 'ops', role: 'Control', secret: DIGEST }]);
  expect([...sut.entries('apikeys').values()]).toEqual([{ name: 'ops', role: 'Control', secret: DIGEST }]);
  expect(statSync(sut.file('apikeys')).mode & 0o777).toBe(0o600);
  expect(statSync(sut.dir).mode & 0o777).toBe(0o700);
});

it('refuses a file others can read', () => {
  const sut = build();
  sut.save('apikeys', []);
  chmodSync(sut.file('apikeys'), 0o644);
  expect(message(() => sut.entries('apikeys'))).toBe(
    `${sut.file('apikeys')}: permissions 0644 let other users use it; run chmod 600 ${sut.file('apikeys')}`,
  );
});

it('refuses a directory others can write to, and a symbolic link in place of the file', () => {
  const sut = build();
  sut.save('users', []);
  chmodSync(sut.dir, 0o777);
  expect(message(() => sut.entries('users'))).toMatch(/permissions 0777 let other users replace its files/);
  chmodSync(sut.dir, 0o700);
  mkdirSync(join(root, 'elsewhere'));
  writeFileSync(join(root, 'elsewhere', 'keys'), '', { mode: 0o600 });
  symlinkSync(join(root, 'elsewhere', 'keys'), sut.file('apikeys'));
  expect(message(() => sut.entries('apikeys'))).toBe(`${sut.file('apikeys')}: not a regular file`);
});

it('sees a change of the file without a restart', () => {
  const sut = build();
  sut.save('apikeys', [{ name: 'a', role: 'Admin', secret: DIGEST }]);
  expect(sut.entries('apikeys').has('a')).toBe(true);
  new FileCredentialStore(sut.dir).save('apikeys', []);
  expect(sut.entries('apikeys').has('a')).toBe(false);
});
