#!/usr/bin/env bash
# Shows a failover in the lab that main.sh started: every keel process of the PRIM node is killed
# (kill -9), the SECOND becomes ALONE once the heartbeat timeout has passed and takes the virtual
# IP, while client1 sends a request through the VIP every 100 ms; then the old primary's services
# come back and it rejoins as SECOND.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tools/dev/lab-cluster.sh
[ -f "/run/keel-lab/$LAB/lab.json" ] || { echo "no lab '$LAB': run bash tools/dev/main.sh first" >&2; exit 1; }

prim=""; for n in node1 node2; do [ "$(state_of "$n")" = PRIM ] && prim=$n; done
[ -n "$prim" ] || { echo "no node is PRIM; states: node1 $(state_of node1), node2 $(state_of node2)" >&2; exit 1; }
other=$([ "$prim" = node1 ] && echo node2 || echo node1)

echo "== $prim is PRIM; the application counts its hits in the replicated $DATA, through the VIP $VIP:"
hit_vip
echo; echo "== client1 asks through the VIP every 100 ms; 1 s in, kill -9 of $prim's keel processes"
echo "   (admin, heartbeat, rfs, vip, checkers, api, keel-rfsd, nats-server): its fence stops the application and withdraws the VIP"
watch_vip 5 &
watcher=$!
sleep 1
lab kill "$LAB" "$prim" 'keel-admin|keel-heartbeat|keel-rfs|keel-vip|keel-checkers|keel-api|nats-server' >/dev/null
wait "$watcher"
keel_on "$other" waitstate ALONE -t 30
keel_on "$other" state
keel_on "$other" log | tail -n 6
echo "== $other serves the VIP now, with every hit acknowledged before the failover:"
hit_vip

echo; echo "== keel comes back on $prim: it was running, so it starts again and rejoins as SECOND"
lab nats "$LAB" "$prim" --config /etc/keel/bus/nats-server.conf --log "$(logs_of "$prim" nats)" >/dev/null
start_keel "$prim"
for _ in $(seq 1 100); do keel_on "$prim" state >/dev/null 2>&1 && break; sleep 0.2; done
keel_on "$prim" waitstate SECOND -t 30
keel_on "$other" waitstate PRIM -t 30
for n in node1 node2; do keel_on "$n" state; done
echo "== $prim caught up by reintegration: its copy of $DATA/hits"
lab exec "$LAB" "$prim" -- cat "$DATA/hits"
