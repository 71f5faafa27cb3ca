// The exact effect objects a caller receives, in order: gate, then the decision and its log line,
// then assignments.
import { FailoverEffect, composeRules, createFailoverMachine } from '../../src';

const machine = createFailoverMachine({
  rules: composeRules([
    {
      source: [
        't_id: if (tcp.id == down) then wait();',
        'rfs_forceuptodate: if (heartbeat.* == down && cluster() == down && rfs.uptodate == down) then rfs.uptodate=up;',
      ].join('\n'),
    },
  ]).rules,
  period: 5000,
  handleTime: 0,
});

describe('failover effects', () => {
  it('are plain objects in a fixed order', () => {
    const local = { 'tcp.id': 'down', 'heartbeat.0': 'down', 'rfs.uptodate': 'down' };
    const first = machine.step(machine.initial(), { now: 0, local, moduleWaiting: false, cluster: 'down' });
    const second = machine.step(first.state, {
      now: 5000,
      local: { ...local, 'tcp.id': 'up', 'rfs.uptodate': 'up' },
      moduleWaiting: true,
    });
    expect(first.effects).toEqual<FailoverEffect[]>([
      { kind: 'gate', hold: false, resources: [] },
      { kind: 'action', action: 'wait', rule: 't_id' },
      { kind: 'log', text: 'Action wait from failover rule t_id', decision: 'wait' },
      { kind: 'assign', resource: 'rfs.uptodate', value: 'up', rule: 'rfs_forceuptodate' },
    ]);
    expect(second.effects).toEqual<FailoverEffect[]>([
      { kind: 'wakeup', rule: 'Implicit_wakeup' },
      { kind: 'log', text: 'Action wakeup from failover rule Implicit_wakeup', decision: 'wakeup' },
    ]);
  });
});
