// `checker off` and `errd off` (reference §5.10, §5.11, §8.4.58): detections stop acting until
// `on`, across stops and restarts of keel. Admin is where the switch is kept and enforced, so it
// also holds for the checkers that live in other services (vip's ip and intf checkers): while a
// switch is off, the resources of its classes read `unknown` (neither `init`, which would hold a
// start in WAIT, nor `down`, which would fire a rule) and what components report is kept aside,
// to be applied the moment the switch is on again (docs/decisions/0020).

/** The resource classes the checkers set (reference §2.2). */
export const CHECKER_CLASSES = ['tcp', 'ping', 'intf', 'ip', 'custom', 'module', 'splitbrain'] as const;
/** The resource class errd sets. */
export const ERRD_CLASSES = ['proc'] as const;

export interface SwitchedSet {
  readonly name: string;
  readonly value: string;
  readonly by: string;
}

export class DetectionSwitch {
  /** What components reported while off: applied when on again. */
  private readonly aside = new Map<string, SwitchedSet>();

  constructor(
    private readonly classes: readonly string[],
    private on: boolean,
  ) {}

  get isOn(): boolean {
    return this.on;
  }

  covers(name: string): boolean {
    const dot = name.indexOf('.');
    return dot > 0 && this.classes.includes(name.slice(0, dot));
  }

  /** While off, a report for one of the classes is kept aside instead of applied: returns true. */
  absorb(set: SwitchedSet): boolean {
    if (this.on || !this.covers(set.name)) return false;
    this.aside.set(set.name, set);
    return true;
  }

  /** Turns off: the current values go aside; each resource then reads `unknown`. */
  turnOff(current: readonly SwitchedSet[]): SwitchedSet[] {
    if (!this.on) return [];
    this.on = false;
    const mine = current.filter((s) => this.covers(s.name));
    for (const s of mine) this.aside.set(s.name, s);
    return mine.map((s) => ({ name: s.name, value: 'unknown', by: 'admin' }));
  }

  /** Turns on: what was reported meanwhile (or held before) is applied again. */
  turnOn(): SwitchedSet[] {
    if (this.on) return [];
    this.on = true;
    const back = [...this.aside.values()];
    this.aside.clear();
    return back;
  }
}
