// handle_time: a decision fires at the first evaluation where it has been the same action for
// handle_time (since = first evaluation that chose it). With 5000/15000 that is the 4th
// consecutive evaluation (t0, +5 s, +10 s, +15 s), so a failure shorter than 15 s never fires.
import { Scenario, run, ticks } from './timeline';

const RESTART = 't_a: if (tcp.a == down) then restart();';
const TWO = `${RESTART}\ns_b: if (tcp.b == down) then stop();`;

describe('handle_time', () => {
  it.each<[string, Scenario, string[]]>([
    [
      'defaults: down at 0 fires at 15000',
      { rules: RESTART, ticks: ticks(0, 30000, { local: { 'tcp.a': 'down' } }) },
      ['15000 restart(t_a)'],
    ],
    [
      'down for less than handle_time never fires (reference 8.4 #55)',
      {
        rules: RESTART,
        ticks: [
          ...ticks(0, 0, { local: { 'tcp.a': 'up' } }),
          ...ticks(5000, 15000, { local: { 'tcp.a': 'down' } }),
          ...ticks(20000, 60000, { local: { 'tcp.a': 'up' } }),
        ],
      },
      [],
    ],
    [
      'down seen at four evaluations fires at the fourth',
      {
        rules: RESTART,
        ticks: [
          ...ticks(0, 0, { local: { 'tcp.a': 'up' } }),
          ...ticks(5000, 20000, { local: { 'tcp.a': 'down' } }),
        ],
      },
      ['20000 restart(t_a)'],
    ],
    [
      'handle_time 0 fires at the first evaluation',
      { rules: RESTART, handleTime: 0, ticks: ticks(0, 10000, { local: { 'tcp.a': 'down' } }) },
      ['0 restart(t_a)'],
    ],
    [
      'a handle_time that is not a multiple of period fires at the next evaluation past it',
      { rules: RESTART, handleTime: 12000, ticks: ticks(0, 20000, { local: { 'tcp.a': 'down' } }) },
      ['15000 restart(t_a)'],
    ],
    [
      'a change of action restarts the count (restart at 0, stop from 10000)',
      {
        rules: TWO,
        ticks: [
          ...ticks(0, 5000, { local: { 'tcp.a': 'down' } }),
          ...ticks(10000, 40000, { local: { 'tcp.b': 'down' } }),
        ],
      },
      ['25000 stop(s_b)'],
    ],
    [
      'the same action from another rule keeps the count and names the current rule',
      {
        rules: `${RESTART}\nt_c: if (tcp.c == down) then restart();`,
        ticks: [
          { now: 0, local: { 'tcp.a': 'down' } },
          { now: 5000, local: { 'tcp.c': 'down' } },
          { now: 10000, local: { 'tcp.a': 'up' } },
          { now: 15000 },
        ],
      },
      ['15000 restart(t_c)'],
    ],
    [
      'an evaluation without the decision restarts the count',
      {
        rules: RESTART,
        ticks: [
          ...ticks(0, 10000, { local: { 'tcp.a': 'down' } }),
          ...ticks(15000, 15000, { local: { 'tcp.a': 'up' } }),
          ...ticks(20000, 40000, { local: { 'tcp.a': 'down' } }),
        ],
      },
      ['35000 restart(t_a)'],
    ],
    [
      'late calls: the time elapsed counts, not the number of calls',
      {
        rules: RESTART,
        ticks: [{ now: 0, local: { 'tcp.a': 'down' } }, { now: 4999 }, { now: 5000 }, { now: 16000 }],
      },
      ['16000 restart(t_a)'],
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(run(scenario).lines).toEqual(expected);
  });
});
