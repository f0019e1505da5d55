#!/usr/bin/env bash
# Mutation testing, on demand (not part of scripts/test.sh): cargo-mutants
# changes one thing at a time in the code that decides what a learner is
# told is safe or broken (every lab's invariants, the PKCE and JWS checks,
# link validation) and runs the simulation crate's tests against each
# change. A mutant that no test notices ("missed") is a check that cannot
# fail: give it a test, or say in the issue why it cannot matter.
#
# Installs cargo-mutants (pinned below) if it is missing; it compiles from
# source in about 5 minutes on 2 cores.
#
# Expected duration on the 2-core CI machine kind: about 5 s to rebuild and
# about 20 s of tests per mutant; the default set is a few hundred mutants,
# so 1 to 2.5 hours. Narrow it with arguments, which are passed on to
# cargo mutants, e.g.:
#   bash scripts/mutants.sh --file crates/faultline-sim/src/jose.rs
#   bash scripts/mutants.sh --list            # only list the mutants
# Results: mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MUTANTS_VERSION="27.1.0"

if [ "$(cargo mutants --version 2>/dev/null | awk '{print $2}')" != "$MUTANTS_VERSION" ]; then
  echo "[mutants] installing cargo-mutants $MUTANTS_VERSION (compiles from source, ~5 min)"
  cargo install --locked cargo-mutants --version "$MUTANTS_VERSION"
fi

# What is mutated: the code whose answer a learner trusts.
files=(
  crates/faultline-sim/src/labs/payments/invariants.rs
  crates/faultline-sim/src/labs/oauth/invariants.rs
  crates/faultline-sim/src/labs/sagas/invariants.rs
  crates/faultline-sim/src/jose.rs
  crates/faultline-sim/src/scenario.rs
  crates/faultline-sim/src/permalink.rs
)
args=()
if [ "$#" -gt 0 ] && [[ "$1" == --file ]]; then
  : # the caller chose the files
else
  for f in "${files[@]}"; do args+=(--file "$f"); done
fi

started=$SECONDS
# --in-place would be faster but edits the checkout; cargo-mutants copies
# the tree instead. The test run is the crate's own suite (its property
# tests are what catch a silenced invariant).
cargo mutants -p faultline-sim --features sagaslab,testlab \
  --timeout-multiplier 3 --output . "${args[@]}" "$@" || status=$?
status=${status:-0}

echo "[mutants] done in $((SECONDS - started)) s (exit $status: 0 all caught, 2 some missed, 3 timeouts)"
for k in caught missed timeout unviable; do
  f="mutants.out/$k.txt"
  [ -f "$f" ] && printf '[mutants] %-8s %s\n' "$k" "$(wc -l <"$f")"
done
if [ -s mutants.out/missed.txt ]; then
  echo "[mutants] missed (each needs a test, or a reason it cannot matter):"
  cat mutants.out/missed.txt
fi
exit "$status"
