#!/usr/bin/env bash
# The demo under the lease arbiter (docs/decisions/0019), in one command: set everything up, then
# a lab of two keel nodes, a client and a witness host on three LANs (default, private, and
# `arbiter` where the witness runs etcd), the sample mirror module taking its lease there
# (ttl 4 s, fence 500 ms), node1 PRIM holding the lease and node2 SECOND. Every address is in
# 198.18.0.0/15 on bridges the lab made; `tools/lab/bin/lab down arbiter` removes it all.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/dev/setup.sh
export KEEL_DEMO_LAB=${KEEL_DEMO_LAB:-arbiter}
. tools/dev/lab-cluster.sh
# The witness is the lab's second client: .102 on every LAN; etcd serves on the arbiter LAN only.
ETCD=http://198.18.2.102:2379
LEASE='<check><arbiter ident="lease" ttl="4s" fence="500ms"/></check>'

echo; echo "== lab '$LAB': node1, node2 on default, private and arbiter (198.18.2.0/24), client1, witness"
lab down "$LAB" >/dev/null 2>&1 || true
# A failure past this point removes the lab: nothing is left half made.
trap 'echo "failed: removing the lab" >&2; lab down "$LAB" >/dev/null 2>&1 || true' ERR
lab up "$LAB" --nodes node1,node2 --lans default,private,arbiter --clients client1,witness --private-dir "$DATA"
echo; echo "== etcd on the witness: $(lab etcd "$LAB" witness --lan arbiter --log "$(logs_of witness etcd)")"
# The sample's cluster.xml naming the witness's etcd, and its module taking the lease.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#</cluster>#  <arbiter endpoints=\"$ETCD\"/>\n</cluster>#" deploy/samples/cluster.xml >"$tmp/cluster.xml"
sed "s#</service>#  $LEASE\n  </service>#" "deploy/samples/$MODULE/conf/userconfig.xml" >"$tmp/userconfig.xml"
chmod 755 "$tmp" && chmod 644 "$tmp"/*.xml
key=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')
for n in node1 node2; do install_node "$n" "$tmp/cluster.xml" "$tmp/userconfig.xml" "$key"; done
for n in node1 node2; do wait_admin "$n"; done
lab exec "$LAB" node1 -- "$ROOT/apps/cli/bin/keel" confcheck "/etc/keel/modules/$MODULE" | grep -E 'valid|arbiter'

echo; echo "== prim on node1 (it takes the lease), second on node2"
keel_on node1 prim && keel_on node1 waitstate ALONE -t 30
keel_on node2 second && keel_on node2 waitstate SECOND -t 60 && keel_on node1 waitstate PRIM -t 30
trap - ERR
for n in node1 node2; do keel_on "$n" state; done
keel_on node1 log | grep -E 'arbiter' | tail -n 2
echo "== the lease in etcd: $(lab exec "$LAB" witness -- env ETCDCTL_API=3 etcdctl --endpoints="$ETCD" get --print-value-only "/keel/arbiter/$MODULE")"
cat <<EOT

The lab is up. Try:
  tools/lab/bin/lab link-down $LAB node1 arbiter   # node1 loses the lease: node2 takes over after it expires
  tools/lab/bin/lab partition $LAB default; tools/lab/bin/lab partition $LAB private
                                                   # both LANs cut: only the holder stays primary
  tools/lab/bin/lab freeze $LAB node1; sleep 6; tools/lab/bin/lab thaw $LAB node1
  tools/lab/bin/lab exec $LAB node1 -- $ROOT/apps/cli/bin/keel log -m $MODULE
  tools/lab/bin/lab down $LAB                      # remove the lab
EOT
