import { formatCredentialFile, parseCredentialFile } from '../src/index';

const HASH = `scrypt$32768$8$1$${'A'.repeat(22)}==$${'B'.repeat(43)}=`;
const DIGEST = 'a'.repeat(64);
const sut = (text: string, kind: 'users' | 'apikeys' = 'users') => {
  try {
    return [...parseCredentialFile(text, '/etc/keel/web/users', kind).values()];
  } catch (e) {
    return (e as Error).message;
  }
};

it('reads one entry a line, skipping comments and blank lines, and writes back what it read', () => {
  const text = formatCredentialFile('users', [{ name: 'admin', role: 'Admin', secret: HASH }]);
  expect(sut(`${text}\n# a comment\n\noperator:Monitor:${HASH}\n`)).toEqual([
    { name: 'admin', role: 'Admin', secret: HASH },
    { name: 'operator', role: 'Monitor', secret: HASH },
  ]);
});

it.each([
  [`admin:Root:${HASH}`, 'line 1: role must be Admin, Control or Monitor, not Root'],
  [`ad min:Admin:${HASH}`, 'line 1: name must match'],
  ['admin:Admin:plaintext', 'line 1: not a scrypt password hash'],
  [`admin:Admin:${HASH}:extra`, 'line 1: expected <name>:<role>:<secret>'],
  [`a:Admin:${HASH}\na:Monitor:${HASH}`, 'line 2: a is given twice'],
  [
    `a:Admin:scrypt$1073741824$8$1$${'A'.repeat(22)}==$${'B'.repeat(43)}=`,
    'line 1: not a scrypt password hash',
  ],
])('refuses the whole file for %j, naming the file and line', (text, why) => {
  expect(sut(text)).toEqual(expect.stringContaining(`/etc/keel/web/users: ${why}`));
});

it('takes only sha256 digests as API key secrets', () => {
  expect(sut(`ops:Control:${DIGEST}`, 'apikeys')).toEqual([{ name: 'ops', role: 'Control', secret: DIGEST }]);
  expect(sut(`ops:Control:${HASH}`, 'apikeys')).toMatch(/line 1: not a sha256 key digest/);
});
