// Assignment rules (`then rfs.uptodate=up;`): their own handle_time per rule, once per true spell,
// outside action precedence; the caller applies them to its resource table.
import { Scenario, run, ticks } from './timeline';

const FORCE =
  'rfs_forceuptodate: if (heartbeat.* == down && cluster() == down && rfs.synced == up && rfs.uptodate == down) then rfs.uptodate=up;';
const ISOLATED = { 'heartbeat.0': 'down', 'heartbeat.1': 'down', 'rfs.synced': 'up', 'rfs.uptodate': 'down' };

describe('assignment rules', () => {
  it.each<[string, Scenario, string[]]>([
    [
      'rfs_forceuptodate after handle_time of isolation',
      { rules: FORCE, ticks: ticks(0, 30000, { local: ISOLATED, cluster: 'down' }) },
      ['15000 rfs.uptodate=up(rfs_forceuptodate)'],
    ],
    [
      'not while the cluster is reachable',
      { rules: FORCE, ticks: ticks(0, 30000, { local: ISOLATED, cluster: 'up' }) },
      [],
    ],
    [
      'not when one heartbeat is up',
      {
        rules: FORCE,
        ticks: ticks(0, 30000, { local: { ...ISOLATED, 'heartbeat.1': 'up' }, cluster: 'down' }),
      },
      [],
    ],
    [
      'beside an action, each with its own effect (no precedence between them)',
      {
        rules: `${FORCE}\ns: if (heartbeat.* == down) then stop();`,
        ticks: ticks(0, 30000, { local: ISOLATED, cluster: 'down' }),
      },
      ['15000 stop(s)', '15000 rfs.uptodate=up(rfs_forceuptodate)'],
    ],
    [
      'once per true spell, again after being false',
      {
        rules: FORCE,
        ticks: [
          ...ticks(0, 20000, { local: ISOLATED, cluster: 'down' }),
          ...ticks(25000, 25000, { local: { 'rfs.uptodate': 'up' } }),
          ...ticks(30000, 45000, { local: { 'rfs.uptodate': 'down' } }),
        ],
      },
      ['15000 rfs.uptodate=up(rfs_forceuptodate)', '45000 rfs.uptodate=up(rfs_forceuptodate)'],
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(run(scenario).lines).toEqual(expected);
  });
});
