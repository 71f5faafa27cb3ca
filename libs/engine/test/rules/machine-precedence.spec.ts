// Several true rules wanting different actions: stop > stopstart > wait > swap > restart, then rule
// order. One firing answers every true rule as strong or weaker, so only one action fires.
import { run, ticks } from './timeline';

const rule = (label: string, action: string): string =>
  `${label}: if (custom.${label} == down) then ${action}();`;
const allDown = (labels: string[]): Record<string, string> =>
  Object.fromEntries(labels.map((l) => [`custom.${l}`, 'down']));

describe('action precedence', () => {
  it.each<[string, [string, string][], string[]]>([
    [
      'stop over restart',
      [
        ['r', 'restart'],
        ['s', 'stop'],
      ],
      ['15000 stop(s)'],
    ],
    [
      'stopstart over wait',
      [
        ['w', 'wait'],
        ['ss', 'stopstart'],
      ],
      ['15000 stopstart(ss)'],
    ],
    [
      'wait over swap',
      [
        ['sw', 'swap'],
        ['w', 'wait'],
      ],
      ['15000 wait(w)'],
    ],
    [
      'swap over restart',
      [
        ['r', 'restart'],
        ['sw', 'swap'],
      ],
      ['15000 swap(sw)'],
    ],
    [
      'stop over everything',
      [
        ['r', 'restart'],
        ['sw', 'swap'],
        ['w', 'wait'],
        ['ss', 'stopstart'],
        ['s', 'stop'],
      ],
      ['15000 stop(s)'],
    ],
    [
      'rule order between equal actions',
      [
        ['r2', 'restart'],
        ['r1', 'restart'],
      ],
      ['15000 restart(r2)'],
    ],
  ])('%s', (_name, rules, expected) => {
    const labels = rules.map(([l]) => l);
    const text = rules.map(([l, a]) => rule(l, a)).join('\n');
    expect(run({ rules: text, ticks: ticks(0, 60000, { local: allDown(labels) }) }).lines).toEqual(expected);
  });
});
