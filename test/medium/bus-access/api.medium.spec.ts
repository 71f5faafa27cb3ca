// The web service's credential: module commands on its own subject (the API, for the
// administrators it authenticated), the metrics requests of every service (its /metrics) and its
// presence out; the states, the module log lines (GraphQL subscriptions), the presence and its own
// replies in. It cannot send commands as the keel command or the checkers, drive rfs or vip, write
// in a module log, or hear anything else.
import { describeRoleAccess, METRICS_SUBJECTS, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('api', {
  publish: ['keel.v1.m.cmd.api', 'keel.v1.node.services.api', ...METRICS_SUBJECTS],
  subscribe: [
    'keel.v1.node.metrics.api',
    'keel.v1.m.state',
    'keel.v1.m.log',
    '_INBOX.api.x',
    ...PRESENCE_SUBJECTS,
  ],
  patterns: ['keel.v1.node.services.*', 'keel.v1.*.state', 'keel.v1.*.log'],
  serves: ['keel.v1.node.metrics.api'],
  requests: ['keel.v1.m.cmd.api', ...METRICS_SUBJECTS],
});
