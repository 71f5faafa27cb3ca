// The credential reserved for the checkers service: resource requests, log lines and presence
// out, states and presence in.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('checkers', {
  publish: ['keel.v1.m.resource.set', 'keel.v1.m.log', 'keel.v1.node.services.checkers'],
  subscribe: ['keel.v1.m.state', ...PRESENCE_SUBJECTS],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state'],
});
