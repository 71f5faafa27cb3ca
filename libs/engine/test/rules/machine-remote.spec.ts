// Rules on the peer's resources (mirror): the remote map, and `unknown` when the peer is silent.
import { Scenario, run, ticks } from './timeline';

describe('remote resources in the machine', () => {
  it.each<[string, Scenario, string[]]>([
    [
      'a remote checker down triggers a local swap',
      {
        rules: 'peer: if (remote.custom.x == down && custom.x == up) then swap();',
        ticks: ticks(0, 30000, { local: { 'custom.x': 'up' }, remote: { 'custom.x': 'down' } }),
      },
      ['15000 swap(peer)'],
    ],
    [
      'a silent peer reads unknown (farm, or heartbeats lost)',
      {
        rules: 'lost: if (remote.state.local == unknown) then wait();',
        ticks: ticks(0, 30000, { local: { 'state.local': 'PRIM' } }),
      },
      ['15000 wait(lost)'],
    ],
    [
      'state.remote is a local resource (set by heart), not the peer one',
      {
        rules: 'r: if (state.remote == unknown) then restart();',
        ticks: ticks(0, 30000, { local: { 'state.remote': 'unknown' }, remote: { 'state.remote': 'up' } }),
      },
      ['15000 restart(r)'],
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(run(scenario).lines).toEqual(expected);
  });
});
