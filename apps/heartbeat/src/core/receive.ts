// The receive path of one module LAN socket, pure: bytes in, state and verdict out.
// openPacket (framing, MAC, module, sender, LAN) -> note the peer's incarnation -> echo check
// (stale) -> replay guard -> liveness reducer. A rejected packet leaves the liveness untouched;
// only the guard's refusal counter moves (on a replay), and the heard incarnation may grow
// (from any authentic packet of the peer: learning never waits for acceptance).
import { openPacket, type PacketExpectation } from '../wire/codec';
import type { PacketRejection } from '../wire/errors';
import type { HeartbeatKey } from '../wire/key';
import type { HeartbeatPacket } from '../wire/packet';
import { checkEcho, noteHeard, type HeardIncarnations } from './echo';
import { stepLiveness, type Liveness, type LivenessChange } from './liveness';
import { admit, channelKey, type ReplayGuard } from './replay-guard';

export interface ReceiverState {
  readonly guard: ReplayGuard;
  readonly liveness: Liveness;
}

/** What the whole service (every module) knows of itself and its peers: see core/echo.ts. */
export interface EchoContext {
  /** This heartbeat service's incarnation: what a packet made since its start echoes. */
  readonly own: number;
  /** Per peer node, the highest incarnation heard in an authentic packet. */
  readonly heard: HeardIncarnations;
}

export type ReceiveOutcome =
  | { readonly accepted: true; readonly packet: HeartbeatPacket; readonly changes: readonly LivenessChange[] }
  | { readonly accepted: false; readonly error: PacketRejection };

export interface ReceiveResult {
  readonly state: ReceiverState;
  /** The heard incarnations after this packet (the same map when nothing grew). */
  readonly heard: HeardIncarnations;
  readonly outcome: ReceiveOutcome;
}

export function receiveDatagram(
  state: ReceiverState,
  bytes: unknown,
  key: HeartbeatKey,
  expect: PacketExpectation,
  now: number,
  echo: EchoContext,
): ReceiveResult {
  const opened = openPacket(bytes, key, expect);
  if (!opened.ok) return { state, heard: echo.heard, outcome: { accepted: false, error: opened.error } };
  const packet = opened.value;
  // Authentic and from the peer: learn its incarnation first, whatever happens to the packet.
  const heard = noteHeard(echo.heard, packet.sender, packet.incarnation);
  // Made before our start (recorded, or sent before the peer heard us): nothing else is touched,
  // not even the guard, whose table is for packets that could be fresh.
  const stale = checkEcho(packet, echo.own);
  if (stale) return { state, heard, outcome: { accepted: false, error: stale } };
  const verdict = admit(
    state.guard,
    channelKey(packet.module, packet.lan, packet.sender),
    packet.sender,
    packet,
  );
  if (!verdict.accepted) {
    return {
      state: { guard: verdict.guard, liveness: state.liveness },
      heard,
      outcome: { accepted: false, error: verdict.error },
    };
  }
  const step = stepLiveness(state.liveness, { type: 'packet', now, lan: expect.lan, announcement: packet });
  return {
    state: { guard: verdict.guard, liveness: step.liveness },
    heard,
    outcome: { accepted: true, packet, changes: step.changes },
  };
}
