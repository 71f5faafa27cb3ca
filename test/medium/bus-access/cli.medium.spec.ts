// The keel command's credential: it only sends module commands, on its own subject, and hears
// only its own replies; it asks every service's metrics. It cannot stop replication (rfs.cmd), fake an rfs event or a heartbeat
// view, pose as the API, or listen to anything.
import { describeRoleAccess, METRICS_SUBJECTS } from './role-access';

describeRoleAccess('cli', {
  publish: ['keel.v1.m.cmd.cli', ...METRICS_SUBJECTS],
  subscribe: ['_INBOX.cli.x'],
  requests: ['keel.v1.m.cmd.cli', ...METRICS_SUBJECTS],
});
