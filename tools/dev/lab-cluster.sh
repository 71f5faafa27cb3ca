# Shared by main.sh and failover.sh: the demo lab's name and small helpers. Sourced, not run.
LAB=${KEEL_DEMO_LAB:-demo}
MODULE=mirror-demo
# The sample module's replicated directory, private to each node.
DATA=/var/lib/mirror-demo
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
lab() { "$ROOT/tools/lab/bin/lab" "$@"; }
# Where the services' own logs go: the lab's directory on this machine, removed with the lab
# (never this machine's /var/lib/keel).
logs_of() { echo "${KEEL_LAB_RUN_DIR:-/run/keel-lab}/$LAB/$1-$2.log"; }
# `keel <args>` on a node of the demo lab, for the sample module.
keel_on() { local node=$1; shift; lab exec "$LAB" "$node" -- "$ROOT/apps/cli/bin/keel" "$@" -m "$MODULE"; }
state_of() { keel_on "$1" state -lq 2>/dev/null || true; }
# The keel services of a node after its nats-server, admin last (it asks the others at once). A
# reboot (automatic_reboot) is the lab's: it takes the node's processes down, never this machine.
# Each service names its node by the node's hostname.
SERVICES="heartbeat rfs vip checkers api admin"
start_keel() {
  local node=$1 service
  for service in $SERVICES; do
    lab spawn "$LAB" "$node" --log "$(logs_of "$node" "$service")" -- env KEEL_REBOOT_COMMAND="$ROOT/tools/lab/bin/lab-node-reboot" "$ROOT/apps/$service/bin/keel-$service" >/dev/null
  done
}
# A node of the demo lab made a keel node: cluster.xml ($2), the sample module with its
# userconfig.xml ($3), the cluster key ($4), the bus configuration and credentials, nats-server
# and keel's services.
install_node() {
  local node=$1 cluster=$2 userconfig=$3 key=$4
  lab exec "$LAB" "$node" -- sh -c "mkdir -p /var/lib/keel/cluster /etc/keel/modules/$MODULE/conf \
    && cp -r '$ROOT/deploy/samples/$MODULE/bin' /etc/keel/modules/$MODULE/ \
    && cp '$cluster' /var/lib/keel/cluster/cluster.xml \
    && cp '$userconfig' /etc/keel/modules/$MODULE/conf/userconfig.xml"
  # The key on standard input, never in a command line (ps shows those to every local user).
  printf '%s\n' "$key" | lab exec "$LAB" "$node" -- sh -c 'umask 077 && cat > /var/lib/keel/cluster/cluster.key'
  # The node's bus: keel's nats-server configuration and one credential per service (root only).
  lab exec "$LAB" "$node" -- "$ROOT/apps/cli/bin/keel" bus init >/dev/null
  lab nats "$LAB" "$node" --config /etc/keel/bus/nats-server.conf --log "$(logs_of "$node" nats)" >/dev/null
  start_keel "$node"
}
# Waits (bounded) until the node's admin answers.
wait_admin() { local _; for _ in $(seq 1 100); do keel_on "$1" state >/dev/null 2>&1 && return; sleep 0.2; done; }
# The sample module's virtual IP (its userconfig.xml), on the primary only.
VIP=198.18.0.10
# One request from client1 to the sample application, through the VIP or on a node's own address.
get() { lab exec "$LAB" client1 -- node -e "require('http').get('http://$1:8080', r => r.pipe(process.stdout))"; }
hit() { get "$(lab addr "$LAB" "$1")"; }
hit_vip() { get "$VIP"; }
# Requests through the VIP every 100 ms in the background (client1), one line per change of the
# answering node or of failure, with the time: the client's view of a failover.
watch_vip() {
  lab exec "$LAB" client1 -- node -e "
    const http = require('http'); let last = '';
    const t0 = Date.now();
    setInterval(() => {
      const say = (s) => { if (s !== last) console.log(((Date.now() - t0) / 1000).toFixed(2) + ' s  ' + s); last = s; };
      http.get({ host: '$VIP', port: 8080, timeout: 300 }, (r) => { let b = ''; r.on('data', (d) => b += d); r.on('end', () => say(b.trim().replace(/ \(hit.*/, ''))); })
        .on('timeout', function () { this.destroy(); }).on('error', () => say('no answer'));
    }, 100);
    setTimeout(() => process.exit(0), Number('$1') * 1000);"
}
