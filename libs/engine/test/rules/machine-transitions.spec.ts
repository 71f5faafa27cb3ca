// A rule fires on its transition to true, once per true spell; reset and disable start over.
import { Scenario, run, ticks } from './timeline';

const RESTART = 't_a: if (tcp.a == down) then restart();';
const STOP_AND_RESTART = `s_b: if (tcp.b == down) then stop();\n${RESTART}`;
const A = (v: string) => ({ local: { 'tcp.a': v } });

describe('transition-only firing', () => {
  it.each<[string, Scenario, string[]]>([
    [
      'fires once while the rule stays true',
      { rules: RESTART, ticks: ticks(0, 120000, A('down')) },
      ['15000 restart(t_a)'],
    ],
    [
      'fires again after the rule was false',
      {
        rules: RESTART,
        ticks: [
          ...ticks(0, 20000, A('down')),
          ...ticks(25000, 25000, A('up')),
          ...ticks(30000, 60000, A('down')),
        ],
      },
      ['15000 restart(t_a)', '45000 restart(t_a)'],
    ],
    [
      'a weaker rule waits while a fired stronger rule stays true, then gets its own turn',
      {
        rules: STOP_AND_RESTART,
        ticks: [
          ...ticks(0, 15000, { local: { 'tcp.b': 'down' } }),
          ...ticks(20000, 35000, A('down')),
          ...ticks(40000, 60000, { local: { 'tcp.b': 'up' } }),
        ],
      },
      ['15000 stop(s_b)', '55000 restart(t_a)'],
    ],
    [
      'weaker rules true when a stronger one fires are answered by it',
      {
        rules: STOP_AND_RESTART,
        ticks: [
          ...ticks(0, 15000, { local: { 'tcp.a': 'down', 'tcp.b': 'down' } }),
          ...ticks(20000, 60000, { local: { 'tcp.b': 'up' } }),
        ],
      },
      ['15000 stop(s_b)'],
    ],
    [
      'a reset (module restarted) re-arms every rule',
      {
        rules: RESTART,
        ticks: [...ticks(0, 15000, A('down')), { now: 20000, reset: true }, ...ticks(25000, 40000)],
      },
      ['15000 restart(t_a)', '35000 restart(t_a)'],
    ],
    [
      'disabled: nothing is evaluated and everything is forgotten',
      {
        rules: RESTART,
        ticks: [
          ...ticks(0, 10000, A('down')),
          ...ticks(15000, 30000, { enabled: false }),
          ...ticks(31000, 46000, { enabled: true }),
        ],
      },
      ['46000 restart(t_a)'],
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(run(scenario).lines).toEqual(expected);
  });
});
