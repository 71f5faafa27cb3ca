// A bus credential file is refused, naming the file, unless it holds a user nkey seed and only
// its owner can read it (as the cluster key loader refuses a looser key file).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusCredentialError, loadBusCredentialFile, newBusCredentialSeed } from '../src';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-bus-credential-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (text: string, mode: number) => {
  const file = join(dir, 'cli.nk');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
};

it('loads a 0600 seed file, whose public key is what the server knows', () => {
  const file = write(`${newBusCredentialSeed()}\n`, 0o600);
  const credential = loadBusCredentialFile(file, 'cli');
  expect(credential).toMatchObject({ role: 'cli', file });
  expect(credential.publicKey).toMatch(/^U[A-Z2-7]{55}$/);
});

it.each([0o640, 0o604, 0o644])('refuses a file of mode %o, naming the file and the fix', (mode) => {
  const file = write(newBusCredentialSeed(), mode);
  expect(() => loadBusCredentialFile(file, 'cli')).toThrow(BusCredentialError);
  expect(() => loadBusCredentialFile(file, 'cli')).toThrow(`bus credential ${file}: permissions 0`);
  expect(() => loadBusCredentialFile(file, 'cli')).toThrow(`chmod 600 ${file}`);
});

it.each([
  ['an empty file', '', 'the file is empty'],
  [
    'an account seed',
    'SAAHTZ5Y3MQYAVEZVLTWIFS46IE5G3VXA7BYNJQDFLSWRBDLFH6G4AUOTY',
    'not hold a NATS user nkey seed',
  ],
  ['a damaged seed', 'SUAAY3PHHDB3WKC6PF5ZTM4T4ADYRZ6YXM2VLG65MEFE4OBS4LFHH5JWIA', 'malformed'],
])('refuses %s', (_what, text, problem) => {
  const file = write(text, 0o600);
  expect(() => loadBusCredentialFile(file, 'cli')).toThrow(`bus credential ${file}: `);
  expect(() => loadBusCredentialFile(file, 'cli')).toThrow(problem);
});

it('names a missing file', () => {
  const file = join(dir, 'admin.nk');
  expect(() => loadBusCredentialFile(file, 'admin')).toThrow(
    `bus credential ${file}: the file does not exist`,
  );
});
