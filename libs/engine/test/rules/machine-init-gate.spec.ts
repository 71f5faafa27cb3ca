// The start-up gate as the machine reports it: a `gate` effect at the first evaluation and at every
// change, and no Implicit_wakeup while it holds.
import { Scenario, run, ticks } from './timeline';

const C = 'c_c: if (custom.c == down) then wait();';

describe('start-up gate', () => {
  it.each<[string, Scenario, string[]]>([
    [
      'a wait checker that never answers holds the module in WAIT (Transient) (8.4 #51)',
      {
        rules: C,
        show: ['gate', 'action', 'wakeup'],
        ticks: ticks(0, 60000, { local: { 'custom.c': 'init' } }),
      },
      ['0 gate hold custom.c'],
    ],
    [
      'the gate opens at the first answer',
      {
        rules: C,
        show: ['gate', 'action'],
        ticks: [
          ...ticks(0, 10000, { local: { 'custom.c': 'init' } }),
          ...ticks(15000, 30000, { local: { 'custom.c': 'up' } }),
        ],
      },
      ['0 gate hold custom.c', '15000 gate open'],
    ],
    [
      'an open gate is said at the first evaluation',
      { rules: C, show: ['gate'], ticks: ticks(0, 20000, { local: { 'custom.c': 'up' } }) },
      ['0 gate open'],
    ],
    [
      'the list follows the resources still init',
      {
        rules: `${C}\nmodule_failure: if (module.? == down) then wait();`,
        show: ['gate'],
        ticks: [
          { now: 0, local: { 'custom.c': 'init', 'module.m_1': 'init' } },
          { now: 5000, local: { 'custom.c': 'up' } },
          { now: 10000, local: { 'module.m_1': 'up' } },
        ],
      },
      ['0 gate hold custom.c,module.m_1', '5000 gate hold module.m_1', '10000 gate open'],
    ],
    [
      'no wakeup while the gate holds',
      {
        rules: C,
        show: ['gate', 'wakeup'],
        ticks: [
          ...ticks(0, 30000, { local: { 'custom.c': 'init' }, waiting: true }),
          ...ticks(35000, 50000, { local: { 'custom.c': 'up' } }),
        ],
      },
      ['0 gate hold custom.c', '35000 gate open', '50000 wakeup(Implicit_wakeup)'],
    ],
    [
      'a reset says the gate again',
      {
        rules: C,
        show: ['gate'],
        ticks: [
          { now: 0, local: { 'custom.c': 'up' } },
          { now: 5000, reset: true, local: { 'custom.c': 'init' } },
        ],
      },
      ['0 gate open', '5000 gate hold custom.c'],
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(run(scenario).lines).toEqual(expected);
  });
});
