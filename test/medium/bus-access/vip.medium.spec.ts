// The credential reserved for the vip service: resource requests and presence out, states and
// presence in.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('vip', {
  publish: ['keel.v1.m.resource.set', 'keel.v1.node.services.vip'],
  subscribe: ['keel.v1.m.state', ...PRESENCE_SUBJECTS],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state'],
});
