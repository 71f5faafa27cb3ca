// The cluster key and the key heartbeats are signed with. Pure (node:crypto only computes).
//
// cluster.key holds at least 32 random bytes written as hex (64+ hex digits), surrounding
// whitespace ignored, e.g. made with `openssl rand -hex 32`. The same file is on every node.
// Heartbeats do not use it directly: HKDF-SHA256 derives a key for "keel heartbeat v1", so a
// packet of another keel protocol signed with the same cluster key can never pass as a heartbeat.
import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { MIN_CLUSTER_KEY_BYTES } from '@keel/config';

// The cluster key file itself is read and checked by @keel/config (shared with rfs).
export { ClusterKeyError, MIN_CLUSTER_KEY_BYTES, parseClusterKey } from '@keel/config';

const HEARTBEAT_KEY_INFO = 'keel/heartbeat/v1';

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
