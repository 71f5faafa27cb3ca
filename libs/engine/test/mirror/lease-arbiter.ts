import type { Effect } from '../../src';
import { BASE, Pair, type NodeName } from './pair';

/** What the lease arbiter settings look like for the scenarios: a takeover bound of 6.2 s. */
export const LEASED = { leaseArbiter: { takeoverWithinMs: 6_200 } };

/**
 * The store of the lease, as the automata see it through admin (docs/decisions/0019): one holder
 * at most; an `acquire` is answered `held` when the lease is free (at once, or when it frees up)
 * and `waiting` otherwise; a release frees it; `expire` and `lose` are what time and faults do.
 */
export class LeaseArbiter {
  holder: NodeName | 'other' | undefined;
  private readonly contenders = new Map<NodeName, number>();
  /** Nodes that cannot reach the store: their requests go unanswered. */
  readonly cut = new Set<NodeName>();

  constructor(private readonly pair: Pair) {
    pair.onLease = (n, e) => this.effect(n, e);
  }

  /** The holder's lease expires in the store (it stopped renewing); the holder is not told here. */
  expire(): this {
    this.holder = undefined;
    this.grant();
    return this;
  }

  /** The holder learns that it lost the lease (its deadline passed), and the lease is free. */
  lose(n: NodeName, reason = 'no renewal was granted in time'): this {
    if (this.holder === n) this.holder = undefined;
    this.pair.post(n, { kind: 'lease', event: 'lost', reason });
    this.grant();
    this.pair.advance(0);
    return this;
  }

  /** Someone else (another run, an operator) frees the lease: waiting contenders get it. */
  free(): this {
    this.holder = undefined;
    this.grant();
    this.pair.advance(0);
    return this;
  }

  private effect(n: NodeName, e: Extract<Effect, { kind: 'lease' }>): void {
    if (e.op === 'release') {
      this.contenders.delete(n);
      if (this.holder === n) this.holder = undefined;
    } else {
      this.contenders.set(n, e.token);
      if (this.holder !== undefined && !this.cut.has(n))
        this.pair.post(n, { kind: 'lease', event: 'waiting', token: e.token });
    }
    this.grant();
  }

  private grant(): void {
    if (this.holder !== undefined) return;
    const next = [...this.contenders].find(([n]) => !this.cut.has(n));
    if (!next) return;
    const [n, token] = next;
    this.contenders.delete(n);
    this.holder = n;
    this.pair.post(n, { kind: 'lease', event: 'held', token });
  }
}

/** A pair under an arbiter that went through the first start: node1 PRIM holding the lease, node2 SECOND. */
export function leasedPair(): { p: Pair; arbiter: LeaseArbiter } {
  const p = new Pair({ ...BASE, ...LEASED });
  const arbiter = new LeaseArbiter(p);
  p.command('node1', 'prim').command('node2', 'second').advance(0);
  p.clearTrace();
  return { p, arbiter };
}
