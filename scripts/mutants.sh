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
# 5-20 s of the group's tests per mutant; a few hundred mutants in all, so
# about 1 to 2 hours for every group. Arguments after the group names go to
# cargo mutants. Results: mutants.out.<group>/mutants.out/ (caught.txt,
# missed.txt, timeout.txt, unviable.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MUTANTS_VERSION="27.1.0"

if [ "$(cargo mutants --version 2>/dev/null | awk '{print $2}')" != "$MUTANTS_VERSION" ]; then
  echo "[mutants] installing cargo-mutants $MUTANTS_VERSION (compiles from source, ~5 min)"
  cargo install --locked cargo-mutants --version "$MUTANTS_VERSION"
fi

# What is mutated, in groups, each with the tests that guard it (the
# crate's unit tests always run too). A group's name is an argument:
#   bash scripts/mutants.sh links            # one group
#   bash scripts/mutants.sh                  # every group
#   bash scripts/mutants.sh jose --list      # list a group's mutants only
declare -A files tests
files[invariants]="crates/faultline-sim/src/labs/payments/invariants.rs crates/faultline-sim/src/labs/oauth/invariants.rs crates/faultline-sim/src/labs/sagas/invariants.rs"
tests[invariants]="--test invariant_cases --test payments_presets --test payments_checks --test oauth_lab --test oauth_checks --test sagas_lab --test sagas_checks"
files[jose]="crates/faultline-sim/src/jose.rs"
tests[jose]="--test oauth_lab --test oauth_jwt_interop"
files[links]="crates/faultline-sim/src/scenario.rs crates/faultline-sim/src/permalink.rs"
tests[links]="--test permalink --test fuzz_links --test comparisons"
groups=(invariants jose links)

chosen=()
while [ "$#" -gt 0 ] && [ -n "${files[$1]:-}" ]; do chosen+=("$1"); shift; done
[ "${#chosen[@]}" -eq 0 ] && chosen=("${groups[@]}")

started=$SECONDS
status=0
for g in "${chosen[@]}"; do
  args=()
  for f in ${files[$g]}; do args+=(--file "$f"); done
  echo "[mutants] group $g: ${files[$g]}"
  # cargo-mutants copies the tree (the checkout is never edited) and runs
  # `cargo test -p faultline-sim --lib <the group's tests>` per mutant.
  # shellcheck disable=SC2086
  cargo mutants -p faultline-sim --features sagaslab,testlab \
    --timeout-multiplier 3 --output "mutants.out.$g" "${args[@]}" "$@" \
    -- --lib ${tests[$g]} || status=$?
  for k in caught missed timeout unviable; do
    f="mutants.out.$g/mutants.out/$k.txt"
    [ -f "$f" ] && printf '[mutants] %-10s %-8s %s\n' "$g" "$k" "$(wc -l <"$f")"
  done
  if [ -s "mutants.out.$g/mutants.out/missed.txt" ]; then
    echo "[mutants] $g: missed (each needs a test, or a reason it cannot matter):"
    cat "mutants.out.$g/mutants.out/missed.txt"
  fi
done
echo "[mutants] done in $((SECONDS - started)) s (exit $status: 0 all caught, 2 some missed, 3 timeouts)"
exit "$status"
