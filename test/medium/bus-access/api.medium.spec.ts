// The credential reserved for the API: it sends commands on its own subject (never the CLI's)
// and reads what the node publishes, but cannot drive rfs or fake events.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('api', {
  publish: ['keel.v1.m.cmd.api', 'keel.v1.node.services.api'],
  subscribe: [
    'keel.v1.m.state',
    'keel.v1.m.log',
    'keel.v1.m.resource.changed',
    'keel.v1.m.heartbeat.view',
    'keel.v1.m.rfs.event',
    ...PRESENCE_SUBJECTS,
    '_INBOX.api.x',
  ],
  requests: ['keel.v1.m.cmd.api'],
  patterns: ['keel.v1.node.services.*'],
});
