// Reads $KEEL_VAR/cluster/cluster.key. A missing, unreadable, short or world-readable key is
// a start-up error: heartbeats are never sent or accepted unauthenticated.
import { readFileSync, statSync } from 'node:fs';
import { ClusterKeyError, parseClusterKey } from '../wire/key';

export function loadClusterKeyFile(file: string): Uint8Array {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ClusterKeyError(
      file,
      code === 'ENOENT' ? 'the file does not exist' : `cannot read it (${code ?? (err as Error).message})`,
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new ClusterKeyError(
      file,
      `permissions ${(mode & 0o777).toString(8).padStart(4, '0')} let other users read the key; run chmod 600 ${file}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClusterKeyError(
      file,
      `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return parseClusterKey(text, file);
}
