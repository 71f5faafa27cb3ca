#!/usr/bin/env bash
# Sets everything up, then runs every check and test suite: lint, type-check, cargo test, jest
# (unit, medium and lab suites). Ends with one line `N passed, N failed` summing them all.
set -uo pipefail
cd "$(dirname "$0")/../.."
# Nx keeps its cache in the checkout (.nx/, ignored by git) so a run never depends on $HOME.
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true NX_CACHE_DIRECTORY="$PWD/.nx/cache" CI=${CI:-true}

bash tools/dev/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

passed=0
failed=0
report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT

check() { # name, command...: one pass or fail for a whole check such as lint
  local name=$1; shift
  printf '\n== %s\n' "$name"
  if "$@"; then passed=$((passed + 1)); echo "$name: passed"; else failed=$((failed + 1)); echo "$name: FAILED"; fi
}

check format npx prettier --check "apps/**/*.ts" "libs/**/*.ts" "test/**/*.ts" "tools/**/*.ts"
check lint npx nx run-many -t lint --outputStyle=static
check typecheck npx nx run-many -t typecheck --outputStyle=static

printf '\n== cargo test\n'
cargo test --manifest-path native/Cargo.toml 2>&1 | tee "$report/cargo.txt"
cargo_rc=${PIPESTATUS[0]}
read -r cp cf < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$report/cargo.txt")
if [ "$cargo_rc" -ne 0 ] && [ "$cf" -eq 0 ]; then cf=1; fi
passed=$((passed + cp)); failed=$((failed + cf))

jest_suites() { # name, jest arguments...: runs them and adds their tests to the totals
  local name=$1; shift
  printf '\n== jest (%s)\n' "$name"
  npx jest --ci --json --outputFile="$report/$name.json" "$@"
  local rc=$? p f
  read -r p f < <(node -e '
    try { const r = require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites); }
    catch { console.log(0, 1); }' "$report/$name.json")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  jp=$((jp + p)); jf=$((jf + f))
}
jp=0
jf=0
jest_suites units --maxWorkers=2 --ignoreProjects lab
# The lab scenarios alone on the machine, one at a time: they time failovers and kills, which a
# suite compiling and testing beside them on the same two cores delays by whole seconds.
jest_suites lab --maxWorkers=1 --selectProjects lab
passed=$((passed + jp)); failed=$((failed + jf))

echo
echo "format+lint+typecheck, cargo ($cp/$cf), jest ($jp/$jf) in ${SECONDS}s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
