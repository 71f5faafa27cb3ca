// The heartbeat packet as the rest of the service sees it, and the limits of its encoding.
// Pure: no I/O. See docs/decisions/0007-heartbeat.md for the byte layout.
import type { ModuleState, Readiness } from '@keel/bus';

/** "KHBT": keel heartbeat. */
export const MAGIC = Uint8Array.of(0x4b, 0x48, 0x42, 0x54);
/**
 * 2 since the echo field. Both nodes must run the same wire version: a packet of another version
 * is refused as malformed (keel is pre-1.0; no mixed-version support).
 */
export const WIRE_VERSION = 2;
/** Packet kinds; only mirror heartbeats exist in v2 (farm membership will be another kind). */
export const KIND_MIRROR_HEARTBEAT = 1;

/** Largest packet: fits any IPv6 path (1280 - 40 - 8) without fragmentation. */
export const MAX_PACKET_BYTES = 1232;
export const MAC_BYTES = 32;
/** magic 4, version 1, kind 1, flags 1, state 1, readiness 1, incarnation 8, sequence 8, echo 8. */
export const FIXED_HEADER_BYTES = 33;
/** The smallest well-formed packet: fixed header, three 1-byte names, no resource, MAC. */
export const MIN_PACKET_BYTES = FIXED_HEADER_BYTES + 3 * 2 + 1 + MAC_BYTES;

export const MAX_MODULE_NAME = 64;
export const MAX_NODE_NAME = 253;
export const MAX_LAN_NAME = 128;
export const MAX_RESOURCES = 64;
export const MAX_RESOURCE_NAME = 128;
export const MAX_RESOURCE_VALUE = 256;

export const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Node and LAN names are cluster.xml identifiers. */
export const CLUSTER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const RESOURCE_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
export const RESOURCE_VALUE = /^[\x20-\x7e]{1,256}$/;

/** Wire codes, in this order: the index is the byte on the wire. */
export const WIRE_STATES: readonly ModuleState[] = ['STOP', 'WAIT', 'ALONE', 'PRIM', 'SECOND', 'UP'];
export const WIRE_READINESS: readonly Readiness[] = ['NotReady', 'Transient', 'Ready'];

export interface HeartbeatPacket {
  /** The module this heartbeat belongs to. */
  readonly module: string;
  /** cluster.xml name of the sending node. */
  readonly sender: string;
  /** cluster.xml LAN the sender sent it on. */
  readonly lan: string;
  /** Grows every time the sender's heartbeat service starts (safe integer). */
  readonly incarnation: number;
  /** Grows with every packet the sender sends for this module, on any LAN (safe integer). */
  readonly sequence: number;
  /**
   * The sender's knowledge of the RECEIVING node's heartbeat incarnation: the highest it heard
   * from us (0 = not heard yet; safe integer). The receiver accepts only packets that echo its
   * current incarnation, so a packet made before its heartbeat service (re)started — recorded
   * by an attacker while the in-memory replay guard still knew it — is refused after a restart.
   */
  readonly echo: number;
  readonly state: ModuleState;
  readonly readiness: Readiness;
  /** Resources the failover rules of the peer may read as remote.<name>; at most MAX_RESOURCES. */
  readonly resources: ReadonlyMap<string, string>;
}
