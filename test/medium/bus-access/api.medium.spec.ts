// The web service's credential, while it serves only the health probes (issue 13 brings the
// API): its presence out, the states and the presence in; no command, no other event.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('api', {
  publish: ['keel.v1.node.services.api'],
  subscribe: ['keel.v1.node.metrics.api', 'keel.v1.m.state', ...PRESENCE_SUBJECTS],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state'],
  serves: ['keel.v1.node.metrics.api'],
});
