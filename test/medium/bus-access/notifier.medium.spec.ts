// The credential reserved for the notifier service: it listens to states, log lines and
// resource changes, and only announces its presence.
import { describeRoleAccess } from './role-access';

describeRoleAccess('notifier', {
  publish: ['keel.v1.node.services.notifier'],
  subscribe: ['keel.v1.m.state', 'keel.v1.m.log', 'keel.v1.m.resource.changed'],
  patterns: ['keel.v1.*.state', 'keel.v1.*.log', 'keel.v1.*.resource.changed'],
});
