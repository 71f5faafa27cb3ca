#!/usr/bin/env bash
# Installs everything keel needs on a Debian machine (run as root) and builds it:
# Debian packages, npm dependencies, the native addon and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '\n== %s\n' "$*"; }

APT_PACKAGES=(nats-server systemd socat etcd-server etcd-client util-linux attr acl fuse3 libfuse3-dev nftables iproute2 iputils-ping procps psmisc tcpdump pkg-config build-essential ca-certificates wrk haproxy slapd ldap-utils)
# slapd, ldap-utils: the LDAP login tests start their own slapd on loopback (test/medium/slapd.ts).
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
  # keel and its tests start their own nats-server, etcd, haproxy and slapd: the system services
  # these packages start at install (etcd on 2379, slapd on 389, ...) are stopped and disabled, but
  # only when this run installed them (a service the machine had before is left alone).
  if [ -d /run/systemd/system ]; then
    for pair in nats-server:nats-server etcd-server:etcd haproxy:haproxy slapd:slapd; do
      case " ${missing[*]} " in *" ${pair%%:*} "*) systemctl disable --now "${pair#*:}" 2>/dev/null || true ;; esac
    done
  fi
fi

# Rust: use the rustup toolchain when the machine has one; otherwise Debian's.
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if ! command -v cargo >/dev/null; then
  log "apt-get install cargo rustc"
  apt-get install -y --no-install-recommends cargo rustc
fi

command -v node >/dev/null || { echo "node (20.x) is required: apt-get install nodejs npm" >&2; exit 1; }

log "npm ci"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

log "native build"
npm run --silent build:native

log "TypeScript build"
npm run --silent build
