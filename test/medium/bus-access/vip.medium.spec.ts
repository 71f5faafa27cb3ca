// The vip credential: serves admin's place/withdraw requests, sets the ip.* and intf.* resources,
// writes module log lines and its presence; hears states and presence. It cannot send commands,
// drive rfs or fake heartbeat views.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('vip', {
  publish: ['keel.v1.m.resource.set', 'keel.v1.m.log', 'keel.v1.node.services.vip'],
  subscribe: ['keel.v1.node.metrics.vip', 'keel.v1.m.vip.cmd', 'keel.v1.m.state', ...PRESENCE_SUBJECTS],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state', 'keel.v1.*.vip.cmd'],
  serves: ['keel.v1.node.metrics.vip', 'keel.v1.m.vip.cmd'],
});
