// The keel command's credential: it only sends module commands, on its own subject, and hears
// only its own replies. It cannot stop replication (rfs.cmd), fake an rfs event or a heartbeat
// view, pose as the API, or listen to anything.
import { describeRoleAccess } from './role-access';

describeRoleAccess('cli', {
  publish: ['keel.v1.m.cmd.cli'],
  subscribe: ['_INBOX.cli.x'],
  requests: ['keel.v1.m.cmd.cli'],
});
