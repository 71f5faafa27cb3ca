// The checkers service's credential: resource requests, log lines, its presence and errd's and
// the module checker's actions on its own command subject out; states, resource changes and
// presence in. It cannot send commands as the keel command or the API, drive rfs or vip, or fake
// a heartbeat view.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('checkers', {
  publish: [
    'keel.v1.m.resource.set',
    'keel.v1.m.log',
    'keel.v1.m.cmd.checkers',
    'keel.v1.node.services.checkers',
  ],
  subscribe: [
    'keel.v1.node.metrics.checkers',
    'keel.v1.m.state',
    'keel.v1.m.resource.changed',
    '_INBOX.checkers.x',
    ...PRESENCE_SUBJECTS,
  ],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state', 'keel.v1.*.resource.changed'],
  requests: ['keel.v1.m.cmd.checkers'],
  serves: ['keel.v1.node.metrics.checkers'],
});
