// The web service's credential: module commands on its own subject (the REST API, for the
// administrators it authenticated) and its presence out; the states, the presence and its own
// replies in. It cannot send commands as the keel command or the checkers, drive rfs or vip, or
// hear anything else.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('api', {
  publish: ['keel.v1.m.cmd.api', 'keel.v1.node.services.api'],
  subscribe: ['keel.v1.node.metrics.api', 'keel.v1.m.state', '_INBOX.api.x', ...PRESENCE_SUBJECTS],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state'],
  serves: ['keel.v1.node.metrics.api'],
  requests: ['keel.v1.m.cmd.api'],
});
