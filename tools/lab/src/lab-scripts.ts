// The programs the lab runs inside its hosts: each host's init, the set-up of its mount namespace,
// and the TCP probe; and the names they go by.
import { NETNS_DIR } from './teardown';

export const IDLE_NAME = 'keel-lab-idle';
export const INIT_ARGS = ['keel-lab-init'];
export const NFT_TABLE = 'keel_lab_netem';

// pid 1 of every host: mounts the host's own /proc, signals readiness on fd 3, then reaps
// orphans forever (bash reaps any child on SIGCHLD while it waits).
export const INIT_SCRIPT = `set -e
umount -l /proc 2>/dev/null || true
mount -t proc -o nosuid,nodev,noexec proc /proc
echo ready >&3
exec 3>&- >/dev/null 2>&1
trap 'exit 0' TERM INT
while :; do (exec -a ${IDLE_NAME} sleep 2147483647) & wait $! || true; done
`;

// Run once in each new mount namespace: hostname, private directories, a sysfs of its own network
// namespace, and no view of other labs' namespace files or state directories (whose copies would
// otherwise keep those namespaces alive). Last, its mounts become shared, as systemd leaves a
// machine's (in peer groups of this namespace alone: it was made private from the machine first),
// so that a namespace made from it as a slave, as keel-fence makes, sees the mounts made after.
export const SETUP_SCRIPT = `set -e
host=$1; runroot=$2; shift 2
hostname "$host"
while [ $# -gt 1 ]; do mount --bind "$1" "$2"; shift 2; done
umount -l /sys 2>/dev/null || true
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
while read -r _ _ _ _ m _; do
  case "$m" in "$runroot"|"$runroot"/*|${NETNS_DIR}|${NETNS_DIR}/*) echo "$m";; esac
done </proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
mount -t tmpfs -o size=64k,mode=755 keel-lab-netns ${NETNS_DIR}
mount --make-rshared /
`;

export const DISABLE_IPV6 = `for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv6/conf/all/disable_ipv6; do
  [ -w "$f" ] && echo 1 >"$f"; done; true`;

/**
 * A host of a lab with IPv6 (LabSpec.ipv6): IPv6 on, no duplicate address detection (the lab's
 * addresses are unique by plan, and usable at once), no router solicitations (there is no router).
 */
export const ENABLE_IPV6 = `for c in default all; do d=/proc/sys/net/ipv6/conf/$c
  echo 0 >$d/accept_dad; echo 0 >$d/router_solicitations; echo 0 >$d/accept_ra; echo 0 >$d/disable_ipv6; done`;

export const PROBE_SCRIPT = `
const net = require('node:net');
const [host, port, timeoutMs, retry, readLine] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
const out = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
function attempt() {
  const s = net.connect({ host, port: Number(port) });
  let buf = '';
  let connected = false;
  const connectedResult = () => (buf ? { connected: true, line: buf } : { connected: true });
  const timer = setTimeout(() => {
    s.destroy();
    out(connected ? connectedResult() : { connected: false, error: 'ETIMEDOUT' });
  }, Math.max(1, deadline - Date.now()));
  s.on('connect', () => {
    connected = true;
    if (readLine !== '1') { s.destroy(); out({ connected: true }); }
  });
  s.on('data', (d) => {
    buf += d.toString('utf8');
    const i = buf.indexOf('\\n');
    if (i >= 0) { s.destroy(); out({ connected: true, line: buf.slice(0, i).replace(/\\r$/, '') }); }
  });
  s.on('error', (e) => {
    clearTimeout(timer);
    if (connected) out(connectedResult());
    else if (retry === '1' && Date.now() + 50 < deadline) setTimeout(attempt, 50);
    else out({ connected: false, error: String(e.code || e.message) });
  });
  s.on('close', () => { if (connected) { clearTimeout(timer); out(connectedResult()); } });
}
attempt();
`;
