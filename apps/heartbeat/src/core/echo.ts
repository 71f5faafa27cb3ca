// The echo of wire v2 (pure): what each node tells the other of the other's start.
//
// The replay guard lives in memory, so after THIS node's heartbeat service restarts it no longer
// knows which packets of the peer's current incarnation it already took: recorded ones would be
// accepted once each. Every packet therefore carries `echo`, the highest incarnation of the
// receiving node its sender has heard, and a receiver accepts only packets echoing its current
// incarnation: a packet made before this start cannot, whoever sends it again.
//
// Learning must never depend on acceptance, or two nodes that both restart would refuse each
// other forever (each waiting for the other to echo it first): the incarnation is taken from
// every authentic packet of the configured peer, stale or replayed as it may be.
import { Stale } from '../wire/errors';
import type { HeartbeatPacket } from '../wire/packet';

/** Per peer node, the highest incarnation heard from it in an authentic packet. */
export type HeardIncarnations = ReadonlyMap<string, number>;

/** The echo of a node not heard yet since this service started. */
export const NOT_HEARD = 0;

export const noHeard = (): HeardIncarnations => new Map();

/** What to echo to `node`. */
export const heardOf = (heard: HeardIncarnations, node: string): number => heard.get(node) ?? NOT_HEARD;

/**
 * Notes an authentic packet's incarnation. A maximum, so sending older packets again can never
 * lower it: otherwise an attacker replaying them would make us echo a stale value, and the peer
 * would refuse all our packets (a denial of service). Returns `heard` itself when nothing grows.
 */
export function noteHeard(heard: HeardIncarnations, node: string, incarnation: number): HeardIncarnations {
  if (incarnation <= heardOf(heard, node)) return heard;
  return new Map(heard).set(node, incarnation);
}

/** Stale unless `packet` echoes `own`, this service's incarnation. */
export function checkEcho(packet: Pick<HeartbeatPacket, 'sender' | 'echo'>, own: number): Stale | undefined {
  return packet.echo === own ? undefined : new Stale(packet.sender, packet.echo, own);
}
