#!/usr/bin/env bash
# The main job: set everything up, then bring up a two-node keel lab on this machine (network
# namespaces, addresses in 198.18.0.0/15) running the sample mirror module, and start it the way a
# fresh replicated module starts (reference §3.3): both nodes wait for a primary with valid data,
# `prim` on node1 makes it primary, `second` on node2 copies its data: PRIM / SECOND. A client
# host reaches the sample application through the module's virtual IP, on the primary. The lab
# stays up; `bash tools/dev/failover.sh` shows a failover, `tools/lab/bin/lab down demo` removes it.
# Each node's web service answers on port 9010 (a login is printed); client1 holds cluster.xml and
# the cluster key, so `keel -H "*"` runs from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/dev/setup.sh
. tools/dev/lab-cluster.sh

echo; echo "== lab '$LAB': node1, node2 on LANs default (198.18.0.0/24) and private (198.18.1.0/24), client1"
lab down "$LAB" >/dev/null 2>&1 || true
lab up "$LAB" --nodes node1,node2 --lans default,private --clients client1 --private-dir "$DATA"
key=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')
for n in node1 node2; do
  install_node "$n" "$ROOT/deploy/samples/cluster.xml" "$ROOT/deploy/samples/$MODULE/conf/userconfig.xml" "$key"
done
for n in node1 node2; do wait_admin "$n"; done

echo; echo "== keel start on both nodes: a fresh replicated module waits for a primary with valid data"
keel_on node1 start & keel_on node2 start & wait
keel_on node1 waitstate WAIT -t 30 && keel_on node2 waitstate WAIT -t 30
for n in node1 node2; do keel_on "$n" state; done
keel_on node1 log | grep -E 'notuptodate|Data may be|run safekit prim' | tail -n 3

echo; echo "== node1 holds the valid data: stop + prim on node1, stop + second on node2"
keel_on node2 stop && keel_on node2 waitstate STOP -t 30
keel_on node1 stop && keel_on node1 waitstate STOP -t 30
keel_on node1 prim && keel_on node1 waitstate ALONE -t 30
keel_on node2 second && keel_on node2 waitstate SECOND -t 60 && keel_on node1 waitstate PRIM -t 30
echo
for n in node1 node2; do keel_on "$n" state; done
echo; echo "== client1 reaches the sample application through the module's virtual IP $VIP, on the primary (node1):"
hit_vip; hit_vip
keel_on node1 log | grep -E 'Virtual IP' | tail -n 1
echo "== $DATA/hits on node2 (the secondary's read-only copy):"
lab exec "$LAB" node2 -- cat "$DATA/hits"
echo; echo "== the web service of each node (REST, GraphQL, /metrics, the health probe) on port 9010"
password=$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("base64url"))')
for n in node1 node2; do
  printf '%s' "$password" | lab exec "$LAB" "$n" -- "$ROOT/apps/cli/bin/keel" web user set admin Admin >/dev/null
done
# client1 is the administration host: cluster.xml and the cluster key (root's only) let `keel -H`
# speak for root to every node's web service; it runs no keel service of its own.
lab exec "$LAB" client1 -- sh -c "mkdir -p /var/lib/keel/cluster && cp '$ROOT/deploy/samples/cluster.xml' /var/lib/keel/cluster/"
# The key on standard input, never in a command line (ps shows those to every local user).
printf '%s\n' "$key" | lab exec "$LAB" client1 -- sh -c 'umask 077 && cat > /var/lib/keel/cluster/cluster.key'
echo "== from client1: keel -H \"*\" state -m $MODULE"
lab exec "$LAB" client1 -- "$ROOT/apps/cli/bin/keel" -H "*" state -m "$MODULE"
api1="http://$(lab addr "$LAB" node1):9010"
# This machine's browser reaches node1's web service through client1 (lab forward: socat on
# 127.0.0.1 here, no route into the lab); the forward goes with the lab.
port=${KEEL_DEMO_WEB_PORT:-19010}
lab forward "$LAB" client1 "$port" node1 9010 >/dev/null
api2="http://$(lab addr "$LAB" node2):9010"
cat <<EOT

From this machine's browser: http://127.0.0.1:$port/swagger-ui (node1's web service, through client1)
The web service of each node, reachable from the lab's hosts (client1):
  $api1/swagger-ui   $api2/swagger-ui   (REST: $api1/api/v1.0, GraphQL: $api1/api/v1.0/graphql)
  login: admin / $password   (POST /login, or an API key: keel web key add <name> <role> on a node)
  tools/lab/bin/lab exec $LAB client1 -- $ROOT/apps/cli/bin/keel -H "*" state -m $MODULE
  health probe (200 on the primary, 404 elsewhere): $api1/var/modules/$MODULE/ready.txt
EOT
cat <<EOT

The lab is up. Watch and drive it:
  tools/lab/bin/lab exec $LAB node1 -- $ROOT/apps/cli/bin/keel state -v -m $MODULE
  tools/lab/bin/lab exec $LAB node2 -- $ROOT/apps/cli/bin/keel log -m $MODULE
  tools/lab/bin/lab exec $LAB node1 -- $ROOT/apps/cli/bin/keel swap -m $MODULE
  bash tools/dev/failover.sh          # stop the primary's keel processes: the other takes over
  tools/lab/bin/lab down $LAB          # remove the lab
EOT
