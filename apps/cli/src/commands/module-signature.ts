// What `module list|listid|getports`, `confinfo` and `cluster state|confinfo` print about a node's
// modules and cluster.xml. A signature is the SHA-256 of the module's package (packModule makes
// the same bytes from the same files, so equal signatures on two nodes mean equal modules) or of
// cluster.xml's bytes.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packModule, readModuleFiles } from '@keel/config';

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export interface Signed {
  readonly signature: string;
  /** When it last changed, ISO 8601 to the second, UTC. */
  readonly date: string;
}

const isoSecond = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export function moduleSignature(modulesDir: string, name: string): Signed {
  const dir = join(modulesDir, name);
  return {
    signature: sha256(packModule(readModuleFiles(dir))),
    date: isoSecond(statSync(join(dir, 'conf', 'userconfig.xml')).mtimeMs),
  };
}

export function fileSignature(file: string): Signed {
  return { signature: sha256(readFileSync(file)), date: isoSecond(statSync(file).mtimeMs) };
}
