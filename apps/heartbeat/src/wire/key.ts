// The cluster key and the key heartbeats are signed with. Pure (node:crypto only computes).
//
// cluster.key holds at least 32 random bytes written as hex (64+ hex digits), surrounding
// whitespace ignored, e.g. made with `openssl rand -hex 32`. The same file is on every node.
// Heartbeats do not use it directly: HKDF-SHA256 derives a key for "keel heartbeat v1", so a
// packet of another keel protocol signed with the same cluster key can never pass as a heartbeat.
import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

export const MIN_CLUSTER_KEY_BYTES = 32;
const HEARTBEAT_KEY_INFO = 'keel/heartbeat/v1';

/** Why a cluster key text was refused; the message says how to make a good one. */
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

/** The secret heartbeat packets are signed with (opaque outside the wire module). */
export interface HeartbeatKey {
  readonly hmacKey: KeyObject;
}

export function deriveHeartbeatKey(clusterKey: Uint8Array): HeartbeatKey {
  if (clusterKey.length < MIN_CLUSTER_KEY_BYTES) {
    throw new RangeError(`cluster key must be at least ${MIN_CLUSTER_KEY_BYTES} bytes`);
  }
  const derived = Buffer.from(hkdfSync('sha256', clusterKey, new Uint8Array(0), HEARTBEAT_KEY_INFO, 32));
  return { hmacKey: createSecretKey(derived) };
}
