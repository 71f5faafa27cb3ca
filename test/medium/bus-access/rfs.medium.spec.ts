// The rfs credential: serves admin's replication requests, write deadlines, rfsdiff and rfsverify, publishes what the daemons report,
// resource requests and its presence. It cannot send commands or fake heartbeat views.
import { describeRoleAccess } from './role-access';

describeRoleAccess('rfs', {
  publish: ['keel.v1.m.rfs.event', 'keel.v1.m.resource.set', 'keel.v1.node.services.rfs'],
  subscribe: ['keel.v1.node.metrics.rfs', 'keel.v1.m.rfs.cmd', 'keel.v1.m.rfs.window', 'keel.v1.m.rfs.query'],
  patterns: ['keel.v1.*.rfs.cmd', 'keel.v1.*.rfs.window', 'keel.v1.*.rfs.query'],
  serves: ['keel.v1.node.metrics.rfs', 'keel.v1.m.rfs.cmd', 'keel.v1.m.rfs.window', 'keel.v1.m.rfs.query'],
});
