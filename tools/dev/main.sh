#!/usr/bin/env bash
# The main job: set everything up, then bring up what keel can run today.
# Today that is the configuration toolchain on the lab's sample module; the two-node network
# namespace lab with the sample application and the console comes with the mirror engine.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/dev/setup.sh
keel=apps/cli/bin/keel
echo
$keel cluster confcheck deploy/samples/cluster.xml
echo
$keel confcheck deploy/samples/mirror-demo --cluster deploy/samples/cluster.xml
