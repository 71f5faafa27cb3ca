// API keys (safekit-ops §10.9.5, bearer tokens): `keel_<name>_<43 base64url characters>`, 256
// random bits. Only the SHA-256 of a key is stored: the key is shown once, when it is made. A
// fast hash is enough here, unlike for passwords: nobody can guess 256 random bits.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^keel_([A-Za-z0-9_.-]{1,64})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(name: string): string {
  return `keel_${name}_${randomBytes(32).toString('base64url')}`;
}

export function apiKeyDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The key's name if the text has the form of a key, else undefined. */
export function apiKeyName(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/** Whether `token` is the key whose digest is `digest` (constant time). */
export function apiKeyMatches(token: string, digest: string): boolean {
  const a = Buffer.from(apiKeyDigest(token), 'hex');
  const b = Buffer.from(digest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
