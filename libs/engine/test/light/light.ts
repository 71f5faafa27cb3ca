import { Effect, initialMirror, MirrorCommand, MirrorEngine, MirrorInput, stepMirror } from '../../src';

/** One light (or farm) module on one node, scripts finishing at once; `trace` keeps what it did. */
export class Single {
  now = 0;
  engine: MirrorEngine;
  readonly trace: string[] = [];
  private ids = 0;

  constructor(architecture: 'light' | 'farm' = 'light', settings: { maxloop?: number } = {}) {
    this.engine = initialMirror(
      {
        architecture,
        node: 'node1',
        peer: '',
        failover: true,
        defaultprim: 'alone',
        maxloop: settings.maxloop ?? 3,
        loopIntervalMs: 24 * 3600_000,
        automaticReboot: false,
        replication: false,
        scripts: true,
        peerSilenceMs: 0,
      },
      0,
    );
  }

  get state(): string {
    return `${this.engine.state} ${this.engine.readiness}`;
  }

  command(name: MirrorCommand['name'], identity?: string): this {
    return this.input({ kind: 'command', command: { id: `c${++this.ids}`, name, args: [], identity } });
  }

  input(input: MirrorInput): this {
    const queue: MirrorInput[] = [input];
    while (queue.length > 0) {
      const { engine, effects } = stepMirror(this.engine, queue.shift()!, this.now);
      this.engine = engine;
      effects.forEach((e: Effect) => {
        if (e.kind === 'script') {
          this.trace.push(`script ${e.name} ${e.args.join(' ')}`);
          queue.push({ kind: 'scriptDone', name: e.name, code: 0, token: e.token });
        } else if (e.kind === 'log') this.trace.push(`log ${e.text}`);
        else if (e.kind === 'reply') this.trace.push(`reply ${e.ok} ${e.message}`);
        else if (e.kind === 'vip') this.trace.push(`vip ${e.op}`);
      });
    }
    return this;
  }

  scripts(): string[] {
    return this.trace.filter((t) => t.startsWith('script ')).map((t) => t.slice(7));
  }
}
