// The heartbeat credential: publishes the peers' view, resource requests, log lines and its
// presence; hears local states, resource changes and presence. It cannot send commands, drive
// rfs or fake rfs events.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('heartbeat', {
  publish: [
    'keel.v1.m.heartbeat.view',
    'keel.v1.m.resource.set',
    'keel.v1.m.log',
    'keel.v1.node.services.heartbeat',
  ],
  subscribe: [
    'keel.v1.node.metrics.heartbeat',
    'keel.v1.m.state',
    'keel.v1.m.resource.changed',
    ...PRESENCE_SUBJECTS,
  ],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state', 'keel.v1.*.resource.changed'],
  serves: ['keel.v1.node.metrics.heartbeat'],
});
