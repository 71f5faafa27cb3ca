// Hand-made heartbeat packets for the tests that play an attacker or a peer.
import { decodePacket, encodePacket } from '../../src/wire/codec';
import type { HeartbeatKey } from '../../src/wire/key';
import type { HeartbeatPacket } from '../../src/wire/packet';
import { FIRST_INCARNATION, TEST_KEY } from './fixtures';

export function packet(
  overrides: Partial<Omit<HeartbeatPacket, 'resources'>> & { resources?: Record<string, string> } = {},
): HeartbeatPacket {
  const { resources, ...rest } = overrides;
  return {
    module: 'web',
    sender: 'node2',
    lan: 'lan1',
    incarnation: 1_000_000,
    sequence: 1,
    // What node2 echoes once it has heard node1's first start in the harness: fresh there.
    echo: FIRST_INCARNATION.node1,
    state: 'SECOND',
    readiness: 'Ready',
    resources: new Map(Object.entries(resources ?? {})),
    ...rest,
  };
}

export const bytesOf = (p: HeartbeatPacket, key: HeartbeatKey = TEST_KEY): Uint8Array => encodePacket(p, key);

/** The packet in authentic bytes (a genuine one sent, recorded by a test). */
export function decoded(bytes: Uint8Array, key: HeartbeatKey = TEST_KEY): HeartbeatPacket {
  const result = decodePacket(bytes, key);
  if (!result.ok) throw new Error(`not an authentic heartbeat: ${result.error.message}`);
  return result.value;
}

/** Where node1 listens on each LAN, and where node2 sends from. */
export const NODE1 = { lan1: { address: '10.0.1.1', port: 8888 }, lan2: { address: '10.0.2.1', port: 8888 } };
export const NODE2 = { lan1: { address: '10.0.1.2', port: 8888 }, lan2: { address: '10.0.2.2', port: 8888 } };
