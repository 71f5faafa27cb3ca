import { hashPassword, isPasswordHash, verifyPassword } from '../src/index';

// scrypt hashes: a fresh salt each time, the password checked back, anything else refused.
it('checks the password it hashed and refuses another', async () => {
  const sut = await hashPassword('s3cret pass');
  expect(isPasswordHash(sut)).toBe(true);
  expect(sut).not.toContain('s3cret');
  expect(await hashPassword('s3cret pass')).not.toBe(sut);
  expect(await verifyPassword('s3cret pass', sut)).toBe(true);
  expect(await verifyPassword('s3cret pas', sut)).toBe(false);
});

it('refuses a malformed hash rather than throwing', async () => {
  expect(await verifyPassword('x', 'scrypt$3$8$1$abc$def')).toBe(false);
  expect(await verifyPassword('x', '$2y$05$bcrypt')).toBe(false);
});
