// Evaluation schedule and configuration checks. The clock is an argument: no timer anywhere.
import {
  FailoverConfigError,
  FailoverInputError,
  composeRules,
  createFailoverMachine,
  parseLegacyRules,
} from '../../src';

const rules = composeRules([{ source: 't_a: if (tcp.a == down) then restart();' }]).rules;
const machine = createFailoverMachine({ rules, period: 5000, handleTime: 15000 });
const input = (now: number) => ({ now, local: { 'tcp.a': 'up' }, moduleWaiting: false });

describe('failover machine schedule', () => {
  it('evaluates on a grid of period anchored at the first call; early calls change nothing', () => {
    let state = machine.initial();
    const seen: [number, boolean, number | undefined][] = [];
    for (const now of [1000, 3000, 5999, 6000, 17500, 20999, 21000]) {
      const out = machine.step(state, input(now));
      if (!out.evaluated) expect(out.state).toBe(state);
      state = out.state;
      seen.push([now, out.evaluated, state.nextDue]);
    }
    expect(seen).toEqual([
      [1000, true, 6000],
      [3000, false, 6000],
      [5999, false, 6000],
      [6000, true, 11000],
      [17500, true, 21000],
      [20999, false, 21000],
      [21000, true, 26000],
    ]);
  });

  it('records the true rules and the pending decision in plain data', () => {
    const out = machine.step(machine.initial(), { now: 0, local: { 'tcp.a': 'down' }, moduleWaiting: false });
    expect(JSON.parse(JSON.stringify(out.state))).toEqual({
      nextDue: 5000,
      trueRules: ['t_a'],
      latched: [],
      pending: { action: 'restart', rule: 't_a', since: 0 },
      assignSince: [],
      wakeupLatched: false,
      gate: [],
    });
  });

  it.each([
    [
      'a zero period',
      { rules, period: 0, handleTime: 0 },
      'period must be a positive number of milliseconds, got 0',
    ],
    [
      'a negative handle_time',
      { rules, period: 5000, handleTime: -1 },
      'handle_time must be zero or a positive number of milliseconds, got -1',
    ],
    [
      'duplicate labels',
      {
        rules: [
          ...parseLegacyRules('a: if (tcp.a == down) then stop();'),
          ...parseLegacyRules('a: if (tcp.b == down) then stop();'),
        ],
        period: 5000,
        handleTime: 0,
      },
      "duplicate rule label 'a' (compose rule sets with composeRules)",
    ],
  ])('refuses %s', (_name, config, message) => {
    expect(() => createFailoverMachine(config)).toThrow(new FailoverConfigError(message));
  });

  it('refuses a clock that is not a number', () => {
    expect(() => machine.step(machine.initial(), input(Number.NaN))).toThrow(FailoverInputError);
  });
});
