import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** keel's version, from its home's package.json; `unknown` when it cannot be read or looks wrong. */
export function keelVersion(home: string): string {
  try {
    const v = (JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && /^[\w.+-]{1,64}$/.test(v) ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
