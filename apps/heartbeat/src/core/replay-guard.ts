// Replay guard (pure). Per channel (module, LAN, sender), a packet is accepted only if it comes
// from a later incarnation of the sender, or from the same incarnation with a higher sequence.
// Everything else is a replay (or a duplicate) and is counted. Only authenticated packets from
// a configured peer reach the guard, so its table is bounded by the configuration.
import { Replay } from '../wire/errors';

export interface Stamp {
  readonly incarnation: number;
  readonly sequence: number;
}

export interface GuardEntry extends Stamp {
  /** Packets refused on this channel so far. */
  readonly rejected: number;
}

export type ReplayGuard = ReadonlyMap<string, GuardEntry>;

export const emptyGuard = (): ReplayGuard => new Map();

/** The key of one channel. */
export const channelKey = (module: string, lan: string, sender: string): string =>
  `${module}\u0000${lan}\u0000${sender}`;

export const isAfter = (a: Stamp, b: Stamp): boolean =>
  a.incarnation > b.incarnation || (a.incarnation === b.incarnation && a.sequence > b.sequence);

export type GuardVerdict =
  | { readonly accepted: true; readonly guard: ReplayGuard }
  | { readonly accepted: false; readonly guard: ReplayGuard; readonly error: Replay };

export function admit(guard: ReplayGuard, channel: string, sender: string, stamp: Stamp): GuardVerdict {
  const last = guard.get(channel);
  const next = new Map(guard);
  if (last === undefined || isAfter(stamp, last)) {
    next.set(channel, {
      incarnation: stamp.incarnation,
      sequence: stamp.sequence,
      rejected: last?.rejected ?? 0,
    });
    return { accepted: true, guard: next };
  }
  next.set(channel, { ...last, rejected: last.rejected + 1 });
  return {
    accepted: false,
    guard: next,
    error: new Replay(sender, stamp.incarnation, stamp.sequence, {
      incarnation: last.incarnation,
      sequence: last.sequence,
    }),
  };
}
