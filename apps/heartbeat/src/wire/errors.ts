// Why a received packet was refused. Receiving never throws: every refusal is one of these
// values, returned, counted under its `reason` and never allowed to change state.

/** Label values of keel_heartbeat_packets_rejected_total{reason}. */
export const REJECT_REASONS = [
  'malformed',
  'bad_mac',
  'replay',
  'stale',
  'unknown_sender',
  'wrong_module',
  'wrong_lan',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export abstract class PacketRejection extends Error {
  abstract readonly reason: RejectReason;
}

/**
 * The bytes are not a heartbeat packet of this wire version (size, magic, version, field syntax,
 * trailing bytes). A packet of another wire version (v1 included) is malformed here.
 */
export class MalformedPacket extends PacketRejection {
  override readonly name = 'MalformedPacket';
  readonly reason = 'malformed' as const;
  constructor(readonly detail: string) {
    super(`malformed heartbeat packet: ${detail}`);
  }
}

/** The MAC does not match: another cluster key, or the packet was altered. */
export class BadMac extends PacketRejection {
  override readonly name = 'BadMac';
  readonly reason = 'bad_mac' as const;
  constructor() {
    super('heartbeat packet MAC does not match the cluster key');
  }
}

/** Authentic but not newer than what this sender already sent on this LAN. */
export class Replay extends PacketRejection {
  override readonly name = 'Replay';
  readonly reason = 'replay' as const;
  constructor(
    readonly sender: string,
    readonly incarnation: number,
    readonly sequence: number,
    readonly last: { readonly incarnation: number; readonly sequence: number },
  ) {
    super(
      `replayed heartbeat from ${sender}: ${incarnation}/${sequence} is not after ${last.incarnation}/${last.sequence}`,
    );
  }
}

/**
 * Authentic, from the peer, but made before this node's heartbeat service started: it does not
 * echo our current incarnation. Either a packet recorded earlier and sent again after we
 * restarted (our replay guard, in memory, no longer knows it), or a genuine one the peer sent
 * before it heard us since our start (about one pulse after each restart).
 */
export class Stale extends PacketRejection {
  override readonly name = 'Stale';
  readonly reason = 'stale' as const;
  constructor(
    readonly sender: string,
    readonly echo: number,
    readonly expected: number,
  ) {
    super(
      `stale heartbeat from ${sender}, made before this node's heartbeat started: it echoes incarnation ${echo}${echo === 0 ? ' (not heard yet)' : ''}, not ${expected}`,
    );
  }
}

/** Authentic, but the sender is not this module's peer (including this node itself). */
export class UnknownSender extends PacketRejection {
  override readonly name = 'UnknownSender';
  readonly reason = 'unknown_sender' as const;
  constructor(readonly sender: string) {
    super(`heartbeat from ${sender}, which is not a peer of this module`);
  }
}

/** Authentic, but for another module (the modules' ports disagree between the nodes). */
export class WrongModule extends PacketRejection {
  override readonly name = 'WrongModule';
  readonly reason = 'wrong_module' as const;
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`heartbeat for module ${actual} arrived on the socket of module ${expected}`);
  }
}

/** Authentic, but sent on another LAN than the one it arrived on (addresses cross-wired). */
export class WrongLan extends PacketRejection {
  override readonly name = 'WrongLan';
  readonly reason = 'wrong_lan' as const;
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`heartbeat sent on LAN ${actual} arrived on LAN ${expected}`);
  }
}
