// Independent re-statement of the allocation rules, written the naive way (rank every item),
// so the property tests compare the native core against something that shares no code with it.
import type { FarmNode } from '../../src';

const BUCKETS = 256;

/** Ids of nodes that may own buckets: power > 0 and power * 64 > highest power. */
export function eligibleIds(nodes: readonly FarmNode[]): Set<string> {
  const highest = Math.max(0, ...nodes.map((n) => n.power));
  return new Set(nodes.filter((n) => n.power > 0 && n.power * 64 > highest).map((n) => n.id));
}

/** Sainte-Laguë quotas: top 256 of power/(k + 1/2), ties to the smaller id. Ids must be ASCII. */
export function referenceQuotas(nodes: readonly FarmNode[]): Map<string, number> {
  const eligible = eligibleIds(nodes);
  const items: Array<{ id: string; power: number; odd: number }> = [];
  for (const n of nodes) {
    if (!eligible.has(n.id)) continue;
    for (let k = 0; k < BUCKETS; k++) items.push({ id: n.id, power: n.power, odd: 2 * k + 1 });
  }
  // Cross-multiplied so the comparison is exact for integer powers (products stay below 2^53).
  items.sort((a, b) => b.power * a.odd - a.power * b.odd || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const quotas = new Map<string, number>();
  for (const item of items.slice(0, BUCKETS)) quotas.set(item.id, (quotas.get(item.id) ?? 0) + 1);
  return quotas;
}
