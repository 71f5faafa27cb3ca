// The farm membership packet (pure), the second packet kind of the heartbeat wire: what one farm
// node tells every other node of the module, every `<farm pulse>` on every `<farm><lan>`
// (docs/decisions/0017). Authenticated with the cluster's heartbeat key and replay-protected
// exactly like a mirror heartbeat (incarnation, sequence, echo).

export const KIND_FARM_MEMBERSHIP = 2;

/** magic 4, version 1, kind 1, flags 1, incarnation 8, sequence 8, echo 8, seen epoch 8. */
export const FARM_FIXED_HEADER_BYTES = 39;
/** Flags: the sender is UP (Ready); the packet carries the sender's view (it leads). */
export const FLAG_READY = 0x01;
export const FLAG_VIEW = 0x02;

/** Load-balancing groups a view carries (256 bytes each: the owner of every bucket). */
export const MAX_FARM_GROUPS = 4;
/** Members of a view: indexes 0..63 on the wire; NO_OWNER marks a bucket nobody may serve. */
export const MAX_FARM_MEMBERS = 64;
export const NO_OWNER = 0xff;
export const BUCKETS = 256;

/** A view as the wire carries it: the groups by their index in `<loadbalancing_list>`. */
export interface WireFarmView {
  readonly leader: string;
  readonly epoch: number;
  /**
   * The leader's load-balancing groups (names, hosts, powers) hashed to 32 bits: a follower
   * whose configuration differs (a change applied on some nodes only) refuses the view rather
   * than read its tables as its own groups.
   */
  readonly groupsDigest: number;
  /** Sorted; the leader among them. */
  readonly members: readonly string[];
  /** Per group (configuration order), the owner of each bucket, one of `members` or null. */
  readonly owners: readonly (readonly (string | null)[])[];
}

export interface FarmPacket {
  readonly module: string;
  readonly sender: string;
  readonly lan: string;
  readonly incarnation: number;
  readonly sequence: number;
  /** The receiving node's heartbeat incarnation as the sender heard it (see core/echo.ts). */
  readonly echo: number;
  /** UP (Ready): the sender wants its share of the buckets. */
  readonly ready: boolean;
  /** The highest view epoch the sender has seen: a new leader continues above it. */
  readonly seenEpoch: number;
  /** Sent by the leader only. */
  readonly view: WireFarmView | undefined;
}
