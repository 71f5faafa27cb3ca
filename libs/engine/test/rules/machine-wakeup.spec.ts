// Wait rules and Implicit_wakeup. The timeline helper moves the module into WAIT on a wait action
// and out of it on a wakeup, as the module engine does.
import { Scenario, run, ticks } from './timeline';

const T_ID = 't_id: if (tcp.id == down) then wait();';
const ID = (v: string) => ({ local: { 'tcp.id': v } });

describe('wait and Implicit_wakeup', () => {
  it.each<[string, Scenario, string[]]>([
    [
      'pre checker: wait, then wakeup once the service is back, with the reference log lines (8.4 #48)',
      {
        rules: T_ID,
        show: ['action', 'wakeup', 'log'],
        ticks: [...ticks(0, 25000, ID('down')), ...ticks(30000, 60000, ID('up'))],
      },
      [
        '15000 wait(t_id)',
        '15000 log Action wait from failover rule t_id',
        '45000 wakeup(Implicit_wakeup)',
        '45000 log Action wakeup from failover rule Implicit_wakeup',
      ],
    ],
    [
      'the wakeup waits handle_time too: a service back for one period does not wake the module',
      {
        rules: T_ID,
        ticks: [
          ...ticks(0, 25000, ID('down')),
          ...ticks(30000, 30000, ID('up')),
          ...ticks(35000, 45000, ID('down')),
        ],
      },
      ['15000 wait(t_id)'],
    ],
    [
      'no wakeup while another wait rule is true',
      {
        rules: `${T_ID}\np_gw: if (ping.gw == down) then wait();`,
        ticks: [
          ...ticks(0, 15000, { local: { 'tcp.id': 'down', 'ping.gw': 'down' } }),
          ...ticks(20000, 40000, ID('up')),
          ...ticks(45000, 60000, { local: { 'ping.gw': 'up' } }),
        ],
      },
      ['15000 wait(t_id)', '60000 wakeup(Implicit_wakeup)'],
    ],
    [
      'one wakeup even if the module is slow to leave WAIT',
      {
        rules: T_ID,
        ticks: [...ticks(0, 15000, ID('down')), ...ticks(20000, 80000, { ...ID('up'), waiting: true })],
      },
      ['15000 wait(t_id)', '35000 wakeup(Implicit_wakeup)'],
    ],
    ['no wakeup when the module is not waiting', { rules: T_ID, ticks: ticks(0, 60000, ID('up')) }, []],
    [
      'the wakeup comes before a weaker action, which then gets its own handle_time',
      {
        rules: `${T_ID}\nt_app: if (tcp.app == down) then restart();`,
        ticks: [
          ...ticks(0, 15000, ID('down')),
          ...ticks(20000, 60000, { local: { 'tcp.id': 'up', 'tcp.app': 'down' } }),
        ],
      },
      ['15000 wait(t_id)', '35000 wakeup(Implicit_wakeup)', '55000 restart(t_app)'],
    ],
    [
      'a second wait after the rule was false while the module still waits',
      {
        rules: T_ID,
        ticks: [
          ...ticks(0, 15000, ID('down')),
          ...ticks(20000, 20000, ID('up')),
          ...ticks(25000, 40000, ID('down')),
        ],
      },
      ['15000 wait(t_id)', '40000 wait(t_id)'],
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(run(scenario).lines).toEqual(expected);
  });
});
