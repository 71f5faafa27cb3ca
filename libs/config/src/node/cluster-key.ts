// $KEEL_VAR/cluster/cluster.key: the secret every node-to-node message is authenticated with
// (heartbeats sign with a key derived from it, keel-rfsd reads the file itself). At least 32
// random bytes written as hex (64+ hex digits), surrounding whitespace ignored, the same file on
// every node, mode 0600 — e.g. made with `openssl rand -hex 32`. A missing, unreadable, short or
// world-readable key is a start-up error of every service that needs it.
import { readFileSync, statSync } from 'node:fs';

export const MIN_CLUSTER_KEY_BYTES = 32;

/** Why a cluster key was refused; the message says how to make a good one. */
export class ClusterKeyError extends Error {
  override readonly name = 'ClusterKeyError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(
      `cluster key ${file}: ${problem}. Every node-to-node message is authenticated with it: create it once ` +
        `with \`openssl rand -hex 32 > ${file} && chmod 600 ${file}\` and copy the same file to every node`,
    );
  }
}

/** Parses the text of cluster.key into its bytes; throws ClusterKeyError. */
export function parseClusterKey(text: string, file: string): Uint8Array {
  const hex = text.trim();
  if (hex.length === 0) throw new ClusterKeyError(file, 'the file is empty');
  if (!/^[0-9a-fA-F]+$/.test(hex))
    throw new ClusterKeyError(file, 'the key must be written in hex digits only');
  if (hex.length % 2 !== 0) throw new ClusterKeyError(file, 'the hex key has an odd number of digits');
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (bytes.length < MIN_CLUSTER_KEY_BYTES) {
    throw new ClusterKeyError(
      file,
      `the key is ${bytes.length} bytes long; at least ${MIN_CLUSTER_KEY_BYTES} bytes (${MIN_CLUSTER_KEY_BYTES * 2} hex digits) are needed`,
    );
  }
  return bytes;
}

/** Reads and checks the key file; throws ClusterKeyError. */
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
