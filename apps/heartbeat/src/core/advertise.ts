// Which resources a node puts in its heartbeats (pure). The packet has room for MAX_RESOURCES
// entries within MAX_PACKET_BYTES; when everything does not fit, the order below decides:
//   1. the facts admin advertised with the state (stateChange.advertised), by name;
//   2. module resources learned from resource.changed, by class: heart (admin's peer facts),
//      rfs, splitbrain, usersetting, heartbeat, then every other class, by name within a class.
// `state.*` is never copied: the packet carries the state itself; nor is local progress.
import { MAX_RESOURCES } from '../wire/packet';
import { resourceEntrySize } from '../wire/codec';

const CLASS_RANK: ReadonlyMap<string, number> = new Map([
  ['heart', 0],
  ['rfs', 1],
  ['splitbrain', 2],
  ['usersetting', 3],
  ['heartbeat', 4],
]);
const OTHER_CLASSES = 5;

export interface Selection {
  readonly resources: ReadonlyMap<string, string>;
  /** Names that did not fit, in priority order. */
  readonly dropped: readonly string[];
}

/**
 * Local progress that changes every second while a reintegration runs (admin's
 * rfs.reintegration, docs/decisions/0009 "Metrics") and the primary's bandwidth: news to nobody on the peer, and it would
 * send a packet a second and crowd the others out of the packet.
 */
const LOCAL_ONLY: ReadonlySet<string> = new Set([
  'rfs.reintegration',
  'rfs.rep_bandwidth',
  'rfs.rei_bandwidth',
  'rfs.netout_bandwidth',
  'rfs.netin_bandwidth',
]);

/** Whether a resource learned from the bus is worth sending to the peer at all. */
export const isAdvertisable = (name: string): boolean => !name.startsWith('state.') && !LOCAL_ONLY.has(name);

export function selectAdvertised(
  advertised: ReadonlyMap<string, string>,
  resources: ReadonlyMap<string, string>,
  budgetBytes: number,
  maxEntries: number = MAX_RESOURCES,
): Selection {
  const candidates: Array<[string, string]> = [...advertised].sort(([a], [b]) => compare(a, b));
  const rest = [...resources]
    .filter(([name]) => isAdvertisable(name) && !advertised.has(name))
    .sort(([a], [b]) => rank(a) - rank(b) || compare(a, b));
  candidates.push(...rest);

  const selected = new Map<string, string>();
  const dropped: string[] = [];
  let used = 0;
  for (const [name, value] of candidates) {
    const size = resourceEntrySize(name, value);
    if (selected.size < maxEntries && used + size <= budgetBytes) {
      selected.set(name, value);
      used += size;
    } else {
      dropped.push(name);
    }
  }
  return { resources: selected, dropped };
}

function rank(name: string): number {
  const cls = name.slice(0, Math.max(0, name.indexOf('.')));
  return CLASS_RANK.get(cls) ?? OTHER_CLASSES;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
