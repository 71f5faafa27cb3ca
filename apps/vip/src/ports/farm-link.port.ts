// What a farm VIP needs of the link besides its address and filter (decision 0017): the leader's
// answers for the VIP with the virtual MAC, the announcement a new leader sends, and the kernel
// told not to use the VIP as the source of its own ARP requests (which would teach clients a
// node's real MAC for the VIP). The real adapter is native (keel-vip) and /proc/sys.

/** A running ARP / neighbour-discovery responder. */
export interface FarmResponder {
  stop(): void;
}

/** The card keeps receiving frames to the virtual MAC while this is held. */
export interface UnicastHold {
  release(): void;
}

export interface FarmLinkPort {
  /** Answers ARP requests and neighbour solicitations for `addresses` with `vmac`, until stopped. */
  startResponder(ifname: string, addresses: readonly string[], vmac: string): FarmResponder;
  /**
   * Adds the virtual MAC to the card's unicast filter (its promiscuous mode if it has none): the
   * switch floods frames to it to every node, and a card drops what is not addressed to it
   * before the filter sees it. Held by a socket, so it ends with this process.
   */
  holdUnicast(ifname: string, vmac: string): UnicastHold;
  /** One gratuitous announcement of `addr` at `vmac`, sent from the interface's own MAC. */
  announceAs(ifname: string, addr: string, vmac: string): Promise<void>;
  /** `arp_announce = 2` on the interface: its ARP requests name its own address, never a VIP. */
  preferOwnSource(ifname: string): Promise<void>;
}

export const FARM_LINK = Symbol.for('keel.vip.farm-link');
