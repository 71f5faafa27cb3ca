// The command line of keel-rfsd for one module and role (pure). The contract with the daemon:
//   keel-rfsd --role primary|secondary --module <name> --node <name> --peer <name>
//             (--dir <path> [--notreplicated <rel>]... [--notreplicated-regex <ERE|!ERE>]...
//              [--tocheck <rel>]...)... (--listen <addr:port> --peer-addr <ip> | --connect <addr:port>)
//             --key-file <path> --state-dir <path> [--full | --since <s>] --async second|none --timeout-ms <n>
//             [--hold-ms <n> --rei-kbps <n> --nbrei <n> --zone-bytes <n> --write-deadline-stdin (primary)] [--acl]
//             [--tls-ca <pem> --tls-cert <pem> --tls-key <pem>]
import { formatEndpoint, type RfsModulePlan } from './plan';

export type DaemonRole = 'primary' | 'secondary';

export function daemonArgs(plan: RfsModulePlan, role: DaemonRole, full: boolean, since?: number): string[] {
  const args = ['--role', role, '--module', plan.name, '--node', plan.node, '--peer', plan.peer];
  plan.dirs.forEach((dir, i) => {
    args.push('--dir', dir);
    // What follows a --dir is that directory's: both roles get it, since the secondary must keep
    // its own local entries and check its own file system too.
    const local = plan.local[i];
    for (const p of local?.paths ?? []) args.push('--notreplicated', p);
    for (const r of local?.regexes ?? []) args.push('--notreplicated-regex', r);
    for (const t of local?.tocheck ?? []) args.push('--tocheck', t);
  });
  // The secondary connects from its address on the LAN: its handshakes keep a place there.
  if (role === 'primary') {
    args.push(
      '--listen',
      formatEndpoint(plan.listen),
      '--peer-addr',
      plan.connect.address,
      '--hold-ms',
      String(plan.holdMs),
    );
    // The primary sends the reintegration, so it keeps to <rfs reiallowedbw>.
    if (plan.reiKbps !== undefined) args.push('--rei-kbps', String(plan.reiKbps));
    // And copies up to <rfs nbrei> files at once (SafeKit's reintegration threads).
    args.push('--nbrei', String(plan.nbrei));
    // It records what the secondary lacks in zones of <rfs ruzone_blocksize>.
    args.push('--zone-bytes', String(plan.zoneBytes));
    // Under a lease arbiter, it accepts changes only until the deadlines rfs writes on its stdin.
    if (plan.writeDeadline) args.push('--write-deadline-stdin');
  } else args.push('--connect', formatEndpoint(plan.connect));
  args.push('--key-file', plan.keyFile, '--state-dir', plan.stateDir);
  // Only a secondary copies; a primary's "full" reaches its secondary as the rfs.fullsync fact
  // the heartbeats carry (the engine turns it into the secondary's own full request).
  // secondforce -d: the date replaces the full copy (keel-rfsd refuses --since on a primary).
  if (role === 'secondary' && since !== undefined) args.push('--since', String(since));
  else if (role === 'secondary' && full) args.push('--full');
  args.push('--async', plan.async, '--timeout-ms', String(plan.linkTimeoutMs));
  // Both roles: the primary replicates ACLs, and each node's mount enforces them.
  if (plan.acl) args.push('--acl');
  // The module's encryption: both roles, each with this node's own certificate.
  if (plan.tls) args.push('--tls-ca', plan.tls.ca, '--tls-cert', plan.tls.cert, '--tls-key', plan.tls.key);
  return args;
}
