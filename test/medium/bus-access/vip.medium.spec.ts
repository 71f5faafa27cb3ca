// The credential reserved for the vip service: resource requests and presence out, states and
// presence in.
import { describeRoleAccess } from './role-access';

describeRoleAccess('vip', {
  publish: ['keel.v1.m.resource.set', 'keel.v1.node.services'],
  subscribe: ['keel.v1.m.state', 'keel.v1.node.services'],
  patterns: ['keel.v1.*.state'],
});
