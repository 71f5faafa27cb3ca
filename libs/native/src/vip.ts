// Virtual IPs: typed wrappers over the native core (native/crates/keel-vip). Everything acts on
// the node's network (root needed): addresses keel places carry keel's mark, so that keel only
// ever removes what it placed.
import { types } from 'node:util';
import { loadAddon } from './addon-loader';
import { isVipErrorCode, VipNativeError } from './errors';

/** An address of the node; `keel` when keel placed it (it carries keel's mark). */
export interface NodeAddress {
  readonly ifindex: number;
  readonly ifname: string;
  /** As the node writes it: `198.18.0.1`, `2001:2::1`. */
  readonly addr: string;
  readonly prefix: number;
  readonly keel: boolean;
}

/**
 * A failure with a virtual IP code becomes a VipNativeError; anything else (a bug: a wrong JS
 * type, or a timeout that is no number of milliseconds, code BAD_TIMEOUT) propagates unchanged.
 * `isNativeError`, not `instanceof Error`: the addon's errors come from the main realm, not that
 * of code in a vm context such as a jest sandbox.
 */
function mapNativeError(err: unknown): unknown {
  if (!types.isNativeError(err)) return err;
  const code: unknown = (err as { code?: unknown }).code;
  return isVipErrorCode(code) ? new VipNativeError(code, err.message, { cause: err }) : err;
}

function mapped<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw mapNativeError(err);
  }
}

/**
 * Every address of the node, both families, every interface, as keel sees them: `keel` tells
 * those keel placed (the only ones it may remove) from the node's own.
 * @throws VipNativeError (PERMISSION, IO).
 */
export function keelAddresses(): readonly NodeAddress[] {
  const all = mapped(() => loadAddon().vipAddresses());
  return Object.freeze(
    all.map(({ ifindex, ifname, addr, prefix, keel }) =>
      Object.freeze({ ifindex, ifname, addr, prefix, keel }),
    ),
  );
}

/**
 * Places `addr/prefix` on `ifname`, marked as keel's; an IPv6 address is usable at once (no
 * duplicate address detection: `conflict` is keel's own).
 * @throws VipNativeError EXISTS when it is on `ifname` already (placed by keel or not),
 * NO_INTERFACE, BAD_ADDRESS, PERMISSION, IO.
 */
export function addAddress(ifname: string, addr: string, prefix: number): void {
  mapped(() => loadAddon().vipAddAddress(ifname, addr, prefix));
}

/**
 * Removes `addr/prefix` from `ifname`, whoever placed it; false when it was not there.
 * @throws VipNativeError NO_INTERFACE, BAD_ADDRESS, PERMISSION, IO.
 */
export function removeAddress(ifname: string, addr: string, prefix: number): boolean {
  return mapped(() => loadAddon().vipRemoveAddress(ifname, addr, prefix));
}

/**
 * One frame telling `ifname`'s link that `addr` is at its MAC now (gratuitous ARP for IPv4,
 * unsolicited neighbour advertisement for IPv6), so neighbours stop sending to the old primary.
 * @throws VipNativeError NO_INTERFACE, BAD_ADDRESS, PERMISSION, IO (an interface without
 * Ethernet among them).
 */
export function announce(ifname: string, addr: string): void {
  mapped(() => loadAddon().vipAnnounce(ifname, addr));
}

/**
 * As `announce`, for a farm's virtual IP (decision 0017): tells `ifname`'s link that `addr` is at
 * `senderMac` (the farm's virtual MAC, `aa:bb:cc:dd:ee:ff`), while the frame leaves from
 * `ifname`'s own MAC so that switches never learn the virtual one at this node and keep flooding
 * it to every node. What a new farm leader sends.
 * @throws VipNativeError NO_INTERFACE, BAD_ADDRESS (a `senderMac` that is no MAC, a group or the
 * zero MAC among them), PERMISSION, IO.
 */
export function announceAs(ifname: string, addr: string, senderMac: string): void {
  mapped(() => loadAddon().vipAnnounceAs(ifname, addr, senderMac));
}

/** A farm leader's answers for its virtual IPs, running until `stop()`. */
export interface Responder {
  /** Stops answering; when it returns, no more replies leave. A second call does nothing. */
  stop(): void;
  /** Replies sent so far (ARP replies and neighbour advertisements). */
  answered(): number;
}

/**
 * Starts answering, on `ifname`, ARP requests and IPv6 neighbour solicitations for `addresses`
 * with `vmac` as their link-layer address, from `ifname`'s own MAC (decision 0017: a farm's
 * leader does, the kernel's own answers being dropped). The answers come from a native thread,
 * off the event loop; call `stop()` when leadership ends (a responder that is only dropped stops
 * when it is garbage collected, which may be much later).
 * @throws VipNativeError BAD_ADDRESS (an address that cannot be a virtual IP; a `vmac` that is no
 * MAC, a group or zero MAC, or `ifname`'s own), NO_INTERFACE, PERMISSION, IO (an interface
 * without Ethernet among them).
 */
export function startResponder(ifname: string, addresses: readonly string[], vmac: string): Responder {
  const native = mapped(() => loadAddon().vipResponderStart(ifname, [...addresses], vmac));
  return Object.freeze({
    stop: () => native.stop(),
    answered: () => native.answered(),
  });
}

/** How a farm's virtual MAC is kept received by a card (see `holdUnicast`). */
export type UnicastHoldKind = 'unicast' | 'promiscuous';

/** A farm's virtual MAC kept received by one interface's card, until `release()`. */
export interface UnicastHold {
  /** Gives the MAC back; a second call does nothing. */
  release(): void;
  /**
   * `unicast`: the MAC is in the card's unicast filter (a card without one is then made
   * promiscuous by the kernel itself); `promiscuous`: the kernel refused the address and the
   * card passes every frame up while held.
   */
  readonly kind: UnicastHoldKind;
}

/**
 * Keeps frames to `mac` (a farm's virtual MAC, `aa:bb:cc:dd:ee:ff`) received by `ifname`'s card,
 * for as long as a farm VIP is placed there (decision 0017): no node sends from that MAC, so a
 * card's unicast filter would drop the frames the switch floods to it before the farm filter
 * (decision 0018) keeps this node's share. Every node of the farm holds it, the leader as the
 * others. A membership of a native socket: it ends on `release()`, and also when the process
 * dies, never outliving keel. Call `release()` when the VIP leaves the interface (a hold that is
 * only dropped ends when it is garbage collected, which may be much later); an interface removed
 * loses it, and one created again must be held again.
 * @throws VipNativeError BAD_ADDRESS (a `mac` that is no MAC, a group or zero MAC, or `ifname`'s
 * own), NO_INTERFACE, PERMISSION, IO (an interface without Ethernet among them).
 */
export function holdUnicast(ifname: string, mac: string): UnicastHold {
  const native = mapped(() => loadAddon().vipHoldUnicast(ifname, mac));
  return Object.freeze({
    release: () => native.release(),
    kind: native.kind(),
  });
}

/**
 * The MAC (`aa:bb:cc:dd:ee:ff`) of another node on `ifname`'s link holding `addr`, if one
 * answers within `timeoutMs`; null otherwise. Asks without changing any neighbour's cache (an
 * RFC 5227 ARP probe, or a duplicate address detection solicitation), off the event loop.
 * Every failure rejects: VipNativeError NO_INTERFACE, BAD_ADDRESS, PERMISSION, IO;
 * NativeAddonMissingError; an Error with code BAD_TIMEOUT for a timeout below 0 or not a number.
 */
export async function conflict(ifname: string, addr: string, timeoutMs: number): Promise<string | null> {
  try {
    return await loadAddon().vipConflict(ifname, addr, timeoutMs);
  } catch (err) {
    throw mapNativeError(err);
  }
}
