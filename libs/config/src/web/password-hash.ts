// Password hashes of the web service's users: scrypt (node:crypto), stored as
// `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` so the cost can be raised later without
// invalidating the hashes already written. Verification compares in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** 2^15 x 8 x 128 bytes = 32 MiB and some tens of milliseconds per attempt on a server core. */
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT =
  /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43,}={0,2})$/;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, cost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether the text is a hash this module can check (the users file loader refuses others). */
export function isPasswordHash(text: string): boolean {
  const m = FORMAT.exec(text);
  if (!m) return false;
  const N = Number(m[1]);
  // A power of two, as scrypt requires, and bounded: a planted hash cannot make a login cost gigabytes.
  return N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0 && Number(m[2]) <= 32 && Number(m[3]) <= 16;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m || !isPasswordHash(hash)) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
