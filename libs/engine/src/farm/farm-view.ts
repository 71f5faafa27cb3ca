// A farm's view (pure, docs/decisions/0017): which nodes are members and which member serves each
// of the 256 buckets of every load-balancing group. One member, the leader (the lowest cluster.xml
// name among the UP (Ready) nodes it hears), makes the views; the others adopt the newest one they
// hear. The leader computes each group's owners from the PREVIOUS view's owners, which every
// member holds alike, so a leave moves only the leaver's buckets and a join moves buckets only to
// the joiner, whatever came before (the allocation's stability, decision 0003). The allocation
// itself is given (keel-buckets through @keel/native): this file does no I/O.

/** A load-balancing group: its hosts with their power (`<cluster><host power>`). */
export interface FarmGroup {
  readonly name: string;
  readonly hosts: readonly { readonly name: string; readonly power: number }[];
}

export type BucketOwnersTable = readonly (string | null)[];

/** Owner of each bucket among `nodes`, keeping as much of `previous` as the quotas allow. */
export type Allocate = (
  nodes: readonly { readonly id: string; readonly power: number }[],
  previous: BucketOwnersTable | undefined,
) => BucketOwnersTable;

export interface FarmView {
  /** Who made it. */
  readonly leader: string;
  /** Grows with every view any leader makes; a leader continues from the newest it adopted. */
  readonly epoch: number;
  /** The members, sorted. */
  readonly members: readonly string[];
  /** Per group name, the owner of each bucket (null: no member of the group may serve it). */
  readonly owners: Readonly<Record<string, BucketOwnersTable>>;
}

/** The leader among the UP (Ready) nodes heard, this node included when it is: the lowest name. */
export function leaderOf(ready: readonly string[]): string | undefined {
  return [...ready].sort(byName)[0];
}

/**
 * The view a leader makes for `members`, from the last view it adopted (or made). The same view
 * when nothing changed and it made the last one itself. Its epoch is above every epoch the leader
 * has seen (`seenEpoch`: every farm packet carries its sender's), so a leader that restarted or
 * missed the last view never makes one its members would take for older. Before making one, a
 * new leader adopts the newest view it hears (the wire's job), so that it computes from the same
 * previous owners as everyone.
 */
export function leaderView(input: {
  readonly leader: string;
  readonly members: readonly string[];
  readonly previous: FarmView | undefined;
  readonly seenEpoch?: number;
  readonly groups: readonly FarmGroup[];
  readonly allocate: Allocate;
}): FarmView {
  const { leader, previous, groups, allocate } = input;
  const members = [...new Set(input.members)].sort(byName);
  if (!members.includes(leader)) throw new RangeError(`the leader ${leader} is not one of the members`);
  const seen = Math.max(previous?.epoch ?? 0, input.seenEpoch ?? 0);
  if (
    previous &&
    previous.leader === leader &&
    previous.epoch === seen &&
    sameList(previous.members, members)
  )
    return previous;
  // No prototype: a group named like an Object member must not find one.
  const owners: Record<string, BucketOwnersTable> = Object.create(null);
  for (const g of groups) {
    const nodes = g.hosts
      .filter((h) => members.includes(h.name))
      .map((h) => ({ id: h.name, power: h.power }));
    owners[g.name] = allocate(nodes, previous?.owners[g.name]);
  }
  return { leader, epoch: seen + 1, members, owners };
}

/** Whether `candidate` replaces `current`: a newer epoch, or the same from a lower-named leader. */
export function isNewer(candidate: FarmView, current: FarmView | undefined): boolean {
  if (!current) return true;
  if (candidate.epoch !== current.epoch) return candidate.epoch > current.epoch;
  return byName(candidate.leader, current.leader) < 0;
}

/** The buckets of `node` in a group's table. */
export function bucketsOf(owners: BucketOwnersTable, node: string): number {
  return owners.filter((o) => o === node).length;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
