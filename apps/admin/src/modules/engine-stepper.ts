// Feeds the pure module automaton its inputs one at a time, in the order they came, and hands
// each step on. An input submitted while a step is being handed on (a reply resolves a caller who
// sends the next command) waits its turn rather than re-entering the automaton.
import { stepMirror, type Effect, type MirrorEngine, type MirrorInput } from '@keel/engine';

export type StepListener = (before: MirrorEngine, after: MirrorEngine, effects: readonly Effect[]) => void;

export class EngineStepper {
  private readonly inputs: MirrorInput[] = [];
  private draining = false;

  constructor(
    private engine: MirrorEngine,
    private readonly now: () => number,
    private readonly stepped: StepListener,
  ) {}

  get current(): MirrorEngine {
    return this.engine;
  }

  submit(input: MirrorInput): void {
    this.inputs.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.inputs.shift(); next; next = this.inputs.shift()) {
        const before = this.engine;
        const { engine, effects } = stepMirror(before, next, this.now());
        this.engine = engine;
        this.stepped(before, engine, effects);
      }
    } finally {
      this.draining = false;
    }
  }
}
