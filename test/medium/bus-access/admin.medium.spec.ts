// The admin credential: the module engine serves commands from every caller, drives rfs (roles and
// the lease arbiter's write deadlines) and vip, hears
// heartbeat views, rfs events, resource requests, log lines and presence; publishes states,
// resource changes, log lines and its own presence (which has heartbeat publish again all it knows). It can neither fake rfs events nor heartbeat views.
import { describeRoleAccess, PRESENCE_SUBJECTS } from './role-access';

describeRoleAccess('admin', {
  publish: [
    'keel.v1.m.state',
    'keel.v1.m.resource.changed',
    'keel.v1.m.log',
    'keel.v1.m.rfs.cmd',
    'keel.v1.m.rfs.window',
    'keel.v1.m.rfs.query',
    'keel.v1.m.vip.cmd',
    'keel.v1.node.services.admin',
  ],
  subscribe: [
    'keel.v1.node.metrics.admin',
    'keel.v1.m.cmd.cli',
    'keel.v1.m.cmd.api',
    'keel.v1.m.cmd.checkers',
    'keel.v1.m.heartbeat.view',
    'keel.v1.m.rfs.event',
    'keel.v1.m.resource.set',
    'keel.v1.m.log',
    ...PRESENCE_SUBJECTS,
    '_INBOX.admin.x',
  ],
  patterns: [
    'keel.v1.node.services.*',
    'keel.v1.m.cmd.*',
    'keel.v1.*.heartbeat.view',
    'keel.v1.*.rfs.event',
    'keel.v1.*.resource.set',
    'keel.v1.*.log',
  ],
  serves: ['keel.v1.node.metrics.admin', 'keel.v1.m.cmd.cli', 'keel.v1.m.cmd.api', 'keel.v1.m.cmd.checkers'],
  requests: ['keel.v1.m.rfs.cmd', 'keel.v1.m.rfs.window', 'keel.v1.m.rfs.query', 'keel.v1.m.vip.cmd'],
});
