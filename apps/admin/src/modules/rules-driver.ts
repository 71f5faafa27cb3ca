import { ModuleConfig, moduleRuleSources } from '@keel/config';
import {
  composeRules,
  createFailoverMachine,
  FailoverMachine,
  FailoverState,
  MirrorInput,
} from '@keel/engine';

export interface RulesView {
  readonly now: number;
  readonly local: Readonly<Record<string, string>>;
  readonly remote: Readonly<Record<string, string>> | undefined;
  /** The module is in WAIT (NotReady) because a wait rule fired. */
  readonly waiting: boolean;
  /** The module is started (not STOP). */
  readonly running: boolean;
}

export interface RulesOutcome {
  /** Inputs for the module automaton, in order. */
  readonly inputs: readonly MirrorInput[];
  /** Resources the rules assign (e.g. rfs.uptodate=up), with the rule as setter. */
  readonly assignments: readonly { resource: string; value: string; rule: string }[];
  readonly logs: readonly string[];
}

/**
 * Feeds the failover machine (libs/engine) the module's resources and turns its decisions into
 * automaton inputs: wait/wakeup and the gate directly, other actions as commands with the rule as
 * identity (so maxloop counts them).
 */
export class RulesDriver {
  private readonly machine: FailoverMachine;
  private state: FailoverState;
  private ids = 0;

  constructor(m: ModuleConfig) {
    const set = composeRules(moduleRuleSources(m));
    this.machine = createFailoverMachine({
      rules: set.rules,
      period: m.failover.period,
      handleTime: m.failover.handleTime,
    });
    this.state = this.machine.initial();
  }

  /**
   * Whether the start-up gate lets the module leave WAIT (Transient), as of the last evaluation;
   * undefined before the first one.
   */
  get gateOpen(): boolean | undefined {
    return this.state.gate === undefined ? undefined : this.state.gate.length === 0;
  }

  step(v: RulesView): RulesOutcome {
    const r = this.machine.step(this.state, {
      now: v.now,
      local: v.local,
      remote: v.remote,
      cluster: v.remote === undefined ? 'down' : 'up',
      moduleWaiting: v.waiting,
      enabled: v.running,
    });
    this.state = r.state;
    const inputs: MirrorInput[] = [];
    const assignments: { resource: string; value: string; rule: string }[] = [];
    const logs: string[] = [];
    for (const e of r.effects) {
      switch (e.kind) {
        case 'action':
          inputs.push(
            e.action === 'wait'
              ? { kind: 'rule', action: 'wait', rule: e.rule }
              : {
                  kind: 'command',
                  command: { id: `rule-${++this.ids}`, name: e.action, args: [], identity: e.rule },
                },
          );
          break;
        case 'wakeup':
          inputs.push({ kind: 'rule', action: 'wakeup', rule: e.rule });
          break;
        case 'gate':
          // Sent to the automaton on every tick from `gateOpen` (see ModuleRuntime.tick).
          break;
        case 'assign':
          assignments.push({ resource: e.resource, value: e.value, rule: e.rule });
          break;
        case 'log':
          // The automaton logs wait and wakeup itself when it applies them.
          if (e.decision !== 'wait' && e.decision !== 'wakeup') logs.push(e.text);
          break;
      }
    }
    return { inputs, assignments, logs };
  }
}
