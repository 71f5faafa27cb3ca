#!/bin/sh
# Writes keel's systemd units for an installation: render.sh <KEEL_HOME> <node binary> <out dir>.
# The package build and the test (test/medium/systemd-units) render them the same way.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 <KEEL_HOME> <node binary> <out dir>" >&2; exit 2; }
home=$1 node=$2 out=$3
case $home in /*) ;; *) echo "$0: KEEL_HOME must be an absolute path, not $home" >&2; exit 2 ;; esac
case $node in /*) ;; *) echo "$0: the node binary must be an absolute path, not $node" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for unit in "$here"/*.service "$here"/*.target; do
  sed -e "s#@KEEL_HOME@#$home#g" -e "s#@NODE@#$node#g" "$unit" > "$out/$(basename "$unit")"
done
