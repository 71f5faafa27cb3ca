// Truth of conditions over local and remote resources: one row per case.
import { ResourceView, evaluateCondition, parseLegacyRules } from '../../src';

function truth(condition: string, view: ResourceView): boolean {
  const [rule] = parseLegacyRules(`x: if (${condition}) then stop();`);
  return evaluateCondition(rule!.condition, view);
}

const HB_MIXED = { 'heartbeat.0': 'down', 'heartbeat.1': 'up' };
const HB_DOWN = { 'heartbeat.0': 'down', 'heartbeat.1': 'down' };

describe('evaluateCondition', () => {
  it.each<[string, string, ResourceView, boolean]>([
    ['a down resource', 'tcp.a == down', { local: { 'tcp.a': 'down' } }, true],
    ['an up resource', 'tcp.a == down', { local: { 'tcp.a': 'up' } }, false],
    ['a missing local resource reads init', 'tcp.a == init', { local: {} }, true],
    ['a missing local resource is not down', 'tcp.a == down', { local: {} }, false],
    ['a missing remote resource reads unknown', 'remote.tcp.a == unknown', { local: {} }, true],
    [
      'remote. reads the remote map',
      'remote.tcp.a == down && tcp.a == up',
      { local: { 'tcp.a': 'up' }, remote: { 'tcp.a': 'down' } },
      true,
    ],
    [
      'state.remote is a local resource set by heart',
      'state.remote == unknown',
      { local: { 'state.remote': 'unknown' }, remote: { 'state.remote': 'up' } },
      true,
    ],
    [
      'remote.state.remote reads the peer',
      'remote.state.remote == up',
      { local: { 'state.remote': 'unknown' }, remote: { 'state.remote': 'up' } },
      true,
    ],
    ['? with one heartbeat down', 'heartbeat.? == down', { local: HB_MIXED }, true],
    [
      '? with every heartbeat up',
      'heartbeat.? == down',
      { local: { 'heartbeat.0': 'up', 'heartbeat.1': 'up' } },
      false,
    ],
    ['* with every heartbeat down', 'heartbeat.* == down', { local: HB_DOWN }, true],
    ['* with one heartbeat up', 'heartbeat.* == down', { local: HB_MIXED }, false],
    ['* over an empty class is false', 'heartbeat.* == down', { local: { 'tcp.a': 'down' } }, false],
    ['? over an empty class is false', 'module.? == down', { local: {} }, false],
    ['* != over an empty class is true (negation of ==)', 'ip.* != down', { local: {} }, true],
    [
      '? != is "none is": false when one is up',
      'ip.? != up',
      { local: { 'ip.a': 'down', 'ip.b': 'up' } },
      false,
    ],
    [
      '* != is "not all are": true when one is up',
      'ip.* != down',
      { local: { 'ip.a': 'down', 'ip.b': 'up' } },
      true,
    ],
    [
      'a class is matched up to its dot only',
      'ip.* == down',
      { local: { 'ip.10.0.0.1': 'down', 'ipx.b': 'up', ip: 'up' } },
      true,
    ],
    [
      'a wildcard on the remote side',
      'remote.heartbeat.* == down',
      { local: HB_MIXED, remote: HB_DOWN },
      true,
    ],
    [
      'a wildcard against a resource',
      'tcp.? == custom.ref',
      { local: { 'tcp.a': 'up', 'tcp.b': 'down', 'custom.ref': 'down' } },
      true,
    ],
    ['a state on the left', 'down == tcp.a', { local: { 'tcp.a': 'down' } }, true],
    [
      'two resources',
      'state.local == remote.state.local',
      { local: { 'state.local': 'PRIM' }, remote: { 'state.local': 'PRIM' } },
      true,
    ],
    ['cluster() reads unknown when not given', 'cluster() == unknown', { local: {} }, true],
    ['cluster() as given', 'cluster() == down', { local: {}, cluster: 'down' }, true],
    [
      'the rfs_forceuptodate condition',
      'heartbeat.* == down && cluster() == down && rfs.synced == up && rfs.uptodate == down',
      { local: { ...HB_DOWN, 'rfs.synced': 'up', 'rfs.uptodate': 'down' }, cluster: 'down' },
      true,
    ],
    ['a scalar value is no state', 'connections.vip == up', { local: { 'connections.vip': '12' } }, false],
    ['! negates', '!(tcp.a == down)', { local: { 'tcp.a': 'up' } }, true],
    [
      '&& over ||',
      'tcp.a == down || tcp.b == down && tcp.c == down',
      { local: { 'tcp.a': 'down', 'tcp.b': 'up', 'tcp.c': 'up' } },
      true,
    ],
    [
      'object keys are not resources',
      'tcp.constructor == init && tcp.__proto__ == init',
      { local: {} },
      true,
    ],
  ])('%s', (_name, condition, view, expected) => {
    expect(truth(condition, view)).toBe(expected);
  });
});
