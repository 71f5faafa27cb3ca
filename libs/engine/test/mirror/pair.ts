import {
  advertisedFacts,
  Effect,
  initialMirror,
  isPrimary,
  MirrorCommand,
  MirrorEngine,
  MirrorFacts,
  MirrorInput,
  MirrorSettings,
  stepMirror,
} from '../../src';

export type NodeName = 'node1' | 'node2';
const other = (n: NodeName): NodeName => (n === 'node1' ? 'node2' : 'node1');

export const BASE: Omit<MirrorSettings, 'node' | 'peer'> = {
  failover: true,
  defaultprim: 'alone',
  maxloop: 3,
  loopIntervalMs: 24 * 3600_000,
  automaticReboot: false,
  replication: true,
  scripts: true,
  peerSilenceMs: 3000,
};

/**
 * Two mirror automata joined by a perfect heartbeat link that tests can cut, with scripts that
 * finish at once (or with the exit code a test chooses) and replication that completes as soon
 * as the peer is primary. Everything a node did is kept in `trace` for assertions.
 */
export class Pair {
  now = 0;
  connected = true;
  readonly engines: Record<NodeName, MirrorEngine>;
  readonly trace: Record<NodeName, string[]> = { node1: [], node2: [] };
  /** Both traces merged in the order things happened, each entry prefixed by its node. */
  readonly timeline: string[] = [];
  readonly replies: Record<NodeName, { ok: boolean; message: string }[]> = { node1: [], node2: [] };
  private readonly inbox: { node: NodeName; input: MirrorInput }[] = [];
  private readonly pendingReplication = new Set<NodeName>();
  private readonly sent: Record<NodeName, string> = { node1: '', node2: '' };
  private commandIds = 0;

  constructor(
    settings: Partial<Omit<MirrorSettings, 'node' | 'peer'>> = {},
    facts: Partial<Record<NodeName, Partial<MirrorFacts>>> = {},
  ) {
    const mk = (node: NodeName) =>
      initialMirror({ ...BASE, ...settings, node, peer: other(node) }, 0, facts[node]);
    this.engines = { node1: mk('node1'), node2: mk('node2') };
  }

  state(n: NodeName): string {
    return `${this.engines[n].state} ${this.engines[n].readiness}`;
  }

  command(n: NodeName, name: MirrorCommand['name'], args: string[] = [], identity?: string): this {
    this.inbox.push({
      node: n,
      input: { kind: 'command', command: { id: `c${++this.commandIds}`, name, args, identity } },
    });
    return this.settle();
  }

  /** The same command on both nodes at the same moment, as a console's global Start does. */
  commandBoth(name: MirrorCommand['name'], args: string[] = []): this {
    return this.together(['node1', name, args], ['node2', name, args]);
  }

  /** Commands issued on the nodes at the same moment, before either has reacted. */
  together(...commands: [NodeName, MirrorCommand['name'], string[]?][]): this {
    for (const [n, name, args = []] of commands) {
      this.inbox.push({
        node: n,
        input: { kind: 'command', command: { id: `c${++this.commandIds}`, name, args } },
      });
    }
    return this.settle();
  }

  input(n: NodeName, input: MirrorInput): this {
    this.inbox.push({ node: n, input });
    return this.settle();
  }

  /** Queues an input without settling (for a model answering an effect as it is recorded). */
  post(n: NodeName, input: MirrorInput): void {
    this.inbox.push({ node: n, input });
  }

  /** Who answers the nodes' `lease` effects (lease-arbiter.ts); unanswered without one. */
  onLease: ((n: NodeName, e: Extract<Effect, { kind: 'lease' }>) => void) | undefined;

  /** Lets time pass: both nodes tick, and a cut link turns each peer UNKNOWN (heartbeat timeout). */
  advance(ms: number): this {
    this.now += ms;
    for (const n of ['node1', 'node2'] as const) this.inbox.push({ node: n, input: { kind: 'tick' } });
    return this.settle();
  }

  cut(): this {
    this.connected = false;
    for (const n of ['node1', 'node2'] as const) {
      this.inbox.push({ node: n, input: { kind: 'peer', remote: 'UNKNOWN' } });
      this.sent[other(n)] = '';
    }
    return this.settle();
  }

  heal(): this {
    this.connected = true;
    for (const n of ['node1', 'node2'] as const) this.announce(n);
    return this.settle();
  }

  /** Script names (with their arguments) that a node ran, in order, since the last call. */
  scripts(n: NodeName): string[] {
    return this.trace[n].filter((t) => t.startsWith('script ')).map((t) => t.slice(7));
  }

  logs(n: NodeName): string[] {
    return this.trace[n].filter((t) => t.startsWith('log ')).map((t) => t.slice(4));
  }

  clearTrace(): this {
    this.trace.node1.length = 0;
    this.trace.node2.length = 0;
    this.timeline.length = 0;
    return this;
  }

  exitCodes: Partial<Record<string, number>> = {};
  /** While set, reintegrations never finish (a secondary stays SECOND Transient). */
  holdReplication = false;

  private settle(): this {
    for (let i = 0; i < 10_000; i++) {
      const next = this.inbox.shift();
      if (!next) {
        if (this.deliverReplication()) continue;
        return this;
      }
      const { engine, effects } = stepMirror(this.engines[next.node], next.input, this.now);
      this.engines[next.node] = engine;
      effects.forEach((e) => this.apply(next.node, e));
      this.announce(next.node);
    }
    throw new Error('the pair did not settle');
  }

  private apply(n: NodeName, e: Effect): void {
    const before = this.trace[n].length;
    this.record(n, e);
    this.trace[n].slice(before).forEach((t) => this.timeline.push(`${n} ${t}`));
  }

  private record(n: NodeName, e: Effect): void {
    switch (e.kind) {
      case 'script':
        this.trace[n].push(`script ${e.name} ${e.args.join(' ')}`);
        this.inbox.push({
          node: n,
          input: { kind: 'scriptDone', name: e.name, code: this.exitCodes[e.name] ?? 0, token: e.token },
        });
        break;
      case 'log':
        this.trace[n].push(`log ${e.level} ${e.text}`);
        break;
      case 'reply':
        this.replies[n].push({ ok: e.ok, message: e.message });
        break;
      case 'replication':
        this.trace[n].push(
          `replication ${e.role}${e.full ? ' full' : ''}${e.since === undefined ? '' : ` since ${e.since}`}`,
        );
        if (e.role === 'secondary') this.pendingReplication.add(n);
        else this.pendingReplication.delete(n);
        break;
      case 'state':
        this.trace[n].push(`state ${e.state} ${e.readiness}`);
        break;
      case 'vip':
      case 'window':
        this.trace[n].push(
          `${e.kind} ${e.kind === 'vip' ? e.op : `${e.window} ${e.open ? 'open' : 'closed'}`}`,
        );
        break;
      case 'reboot':
        this.trace[n].push(`reboot ${e.identity}`);
        break;
      case 'lease':
        this.trace[n].push(`lease ${e.op}`);
        this.onLease?.(n, e);
        break;
    }
  }

  private announce(n: NodeName): void {
    if (!this.connected) return;
    const e = this.engines[n];
    const facts = advertisedFacts(e);
    const key = JSON.stringify([e.state, e.readiness, facts]);
    if (this.sent[n] === key) return;
    this.sent[n] = key;
    this.inbox.push({
      node: other(n),
      input: { kind: 'peer', remote: { state: e.state, readiness: e.readiness }, facts },
    });
  }

  private deliverReplication(): boolean {
    if (this.holdReplication) return false;
    for (const n of this.pendingReplication) {
      const peer = this.engines[other(n)];
      if (this.connected && isPrimary(peer.state)) {
        this.pendingReplication.delete(n);
        this.inbox.push({ node: n, input: { kind: 'replicationReady' } });
        return true;
      }
    }
    return false;
  }
}

/** A pair that went through the documented first start (§3.3): node1 PRIM, node2 SECOND. */
export function runningPair(settings: Partial<Omit<MirrorSettings, 'node' | 'peer'>> = {}): Pair {
  const p = new Pair(settings);
  p.command('node1', 'prim').command('node2', 'second').advance(0);
  return p.clearTrace();
}
