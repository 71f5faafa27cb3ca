// The receive path of one module LAN socket, pure: bytes in, state and verdict out.
// openPacket (framing, MAC, module, sender, LAN) -> replay guard -> liveness reducer.
// A rejected packet leaves the liveness untouched; only the guard's refusal counter moves.
import { openPacket, type PacketExpectation } from '../wire/codec';
import type { PacketRejection } from '../wire/errors';
import type { HeartbeatKey } from '../wire/key';
import type { HeartbeatPacket } from '../wire/packet';
import { stepLiveness, type Liveness, type LivenessChange } from './liveness';
import { admit, channelKey, type ReplayGuard } from './replay-guard';

export interface ReceiverState {
  readonly guard: ReplayGuard;
  readonly liveness: Liveness;
}

export type ReceiveOutcome =
  | { readonly accepted: true; readonly packet: HeartbeatPacket; readonly changes: readonly LivenessChange[] }
  | { readonly accepted: false; readonly error: PacketRejection };

export interface ReceiveResult {
  readonly state: ReceiverState;
  readonly outcome: ReceiveOutcome;
}

export function receiveDatagram(
  state: ReceiverState,
  bytes: unknown,
  key: HeartbeatKey,
  expect: PacketExpectation,
  now: number,
): ReceiveResult {
  const opened = openPacket(bytes, key, expect);
  if (!opened.ok) return { state, outcome: { accepted: false, error: opened.error } };
  const packet = opened.value;
  const verdict = admit(
    state.guard,
    channelKey(packet.module, packet.lan, packet.sender),
    packet.sender,
    packet,
  );
  if (!verdict.accepted) {
    return {
      state: { guard: verdict.guard, liveness: state.liveness },
      outcome: { accepted: false, error: verdict.error },
    };
  }
  const step = stepLiveness(state.liveness, { type: 'packet', now, lan: expect.lan, announcement: packet });
  return {
    state: { guard: verdict.guard, liveness: step.liveness },
    outcome: { accepted: true, packet, changes: step.changes },
  };
}
