// The liveness reducer with a fake clock (time is an argument): per LAN up while a packet
// arrived within its timeout; remote UNKNOWN when every LAN is down; changes only.
import {
  initialLiveness,
  nextDeadline,
  stepLiveness,
  type Announcement,
  type Liveness,
  type LivenessChange,
} from '../src/core/liveness';

const LANS = [
  { lan: 'lan1', ident: 'lan1', timeoutMs: 500 },
  { lan: 'lan2', ident: 'flow', timeoutMs: 1_000 },
];

const says = (sequence: number, over: Partial<Announcement> = {}): Announcement => ({
  incarnation: 7,
  sequence,
  state: 'SECOND',
  readiness: 'Ready',
  resources: new Map(),
  ...over,
});

/** Drives the reducer like the service: packets, and ticks at every deadline up to `until`. */
class Driver {
  state: Liveness;
  readonly changes: LivenessChange[] = [];
  private seq = 0;
  constructor(public now = 0) {
    this.state = initialLiveness(LANS, now);
  }
  packet(lan: string, over: Partial<Announcement> = {}): LivenessChange[] {
    return this.apply(
      stepLiveness(this.state, { type: 'packet', now: this.now, lan, announcement: says(++this.seq, over) }),
    );
  }
  until(t: number): LivenessChange[] {
    const out: LivenessChange[] = [];
    for (let due = nextDeadline(this.state); due !== undefined && due <= t; due = nextDeadline(this.state)) {
      this.now = due;
      out.push(...this.apply(stepLiveness(this.state, { type: 'tick', now: due })));
    }
    this.now = t;
    return out;
  }
  /** Both LANs deliver a packet every `pulse` ms until `t`, except the LANs in `cut`. */
  pulses(t: number, pulse: number, cut: readonly string[] = []): LivenessChange[] {
    const out: LivenessChange[] = [];
    while (this.now + pulse <= t) {
      out.push(...this.until(this.now + pulse));
      for (const l of LANS) if (!cut.includes(l.lan)) out.push(...this.packet(l.lan));
    }
    out.push(...this.until(t));
    return out;
  }
  private apply(step: ReturnType<typeof stepLiveness>): LivenessChange[] {
    this.state = step.liveness;
    this.changes.push(...step.changes);
    return [...step.changes];
  }
}

const summary = (changes: readonly LivenessChange[]) =>
  changes.map((c) =>
    c.type === 'lan' ? `${c.ident} ${c.status}` : `remote ${c.remote.known ? c.remote.state : 'UNKNOWN'}`,
  );

it('starts in init with the remote UNKNOWN, and brings a LAN up on its first packet', () => {
  const d = new Driver();
  expect(d.state.lans.map((l) => l.status)).toEqual(['init', 'init']);
  expect(d.state.remote).toEqual({ known: false });
  expect(summary(d.packet('lan1'))).toEqual(['lan1 up', 'remote SECOND']);
  expect(summary(d.packet('lan2'))).toEqual(['flow up']);
});

it('sets a LAN never heard from down one timeout after the start', () => {
  const d = new Driver();
  expect(summary(d.until(499))).toEqual([]);
  expect(summary(d.until(500))).toEqual(['lan1 down']);
  expect(summary(d.until(1_000))).toEqual(['flow down']);
  expect(d.state.remote).toEqual({ known: false }); // it was never known: no remote change
});

it('one LAN cut: that heartbeat goes down, the remote state stays known', () => {
  const d = new Driver();
  d.pulses(1_000, 100);
  const changes = d.pulses(3_000, 100, ['lan1']);
  expect(summary(changes)).toEqual(['lan1 down']);
  expect(d.state.remote).toMatchObject({ known: true, state: 'SECOND' });
  // Down exactly one timeout after the last packet on it.
  expect(d.state.lans[0]).toMatchObject({ status: 'down', lastRx: 1_000 });
});

it('both LANs cut: both heartbeats down, then the remote UNKNOWN; heal brings them up', () => {
  const d = new Driver();
  d.pulses(1_000, 100);
  expect(summary(d.pulses(3_000, 100, ['lan1', 'lan2']))).toEqual([
    'lan1 down',
    'flow down',
    'remote UNKNOWN',
  ]);
  expect(summary(d.pulses(3_100, 100))).toEqual(['lan1 up', 'remote SECOND', 'flow up']);
});

it('reports each change once: a steady link or a steady cut emits nothing', () => {
  const d = new Driver();
  d.pulses(1_000, 100);
  expect(d.pulses(10_000, 100)).toEqual([]);
  d.pulses(12_000, 100, ['lan1', 'lan2']);
  expect(d.pulses(20_000, 100, ['lan1', 'lan2'])).toEqual([]);
});

it('follows the peer state, and ignores an older announcement arriving late on another LAN', () => {
  const d = new Driver();
  d.packet('lan1', { sequence: 10 });
  const newer = stepLiveness(d.state, {
    type: 'packet',
    now: 1,
    lan: 'lan1',
    announcement: says(12, { state: 'ALONE' }),
  });
  const late = stepLiveness(newer.liveness, {
    type: 'packet',
    now: 2,
    lan: 'lan2',
    announcement: says(11, { state: 'SECOND' }),
  });
  expect(late.liveness.remote).toMatchObject({ state: 'ALONE' });
  expect(summary(late.changes)).toEqual(['flow up']);
});

it('takes a restarted peer (higher incarnation) at once, whatever its sequence', () => {
  const d = new Driver();
  d.packet('lan1');
  const restarted = stepLiveness(d.state, {
    type: 'packet',
    now: 5,
    lan: 'lan1',
    announcement: says(1, { incarnation: 8, state: 'WAIT', readiness: 'Transient' }),
  });
  expect(restarted.liveness.remote).toMatchObject({
    known: true,
    incarnation: 8,
    state: 'WAIT',
    readiness: 'Transient',
  });
  expect(restarted.changes).toEqual([expect.objectContaining({ type: 'remote' })]);
});

it('reports a change of the peer resources as a remote change', () => {
  const d = new Driver();
  d.packet('lan1');
  expect(summary(d.packet('lan1', { resources: new Map([['rfs.uptodate', 'up']]) }))).toEqual([
    'remote SECOND',
  ]);
  expect(d.packet('lan1', { resources: new Map([['rfs.uptodate', 'up']]) })).toEqual([]);
});

it('does not expire other LANs on a packet: only ticks do (stalled process)', () => {
  const d = new Driver();
  d.pulses(1_000, 100);
  d.now = 5_000; // this process did not run for 4 s
  expect(summary(d.packet('lan1'))).toEqual([]);
  expect(d.state.lans[1].status).toBe('up');
  expect(summary(d.packet('lan2'))).toEqual([]); // its queued packet arrives before any tick
});

it('schedules the next tick at the earliest deadline of a LAN not yet down', () => {
  const d = new Driver();
  expect(nextDeadline(d.state)).toBe(500);
  d.now = 200;
  d.packet('lan1');
  expect(nextDeadline(d.state)).toBe(700);
  d.until(5_000);
  expect(nextDeadline(d.state)).toBeUndefined();
});
