#!/usr/bin/env bash
# Compile time of vpc-client, old commit against new, alternating rounds in one run
# (issue 17: fde47e6 at 309 actions against the 448-action spec). Needs bc.
set -u
# OLD and NEW: two checkouts (git worktree add), each building in its own target/.
OLD=${OLD:?a checkout of the old commit}; NEW=${NEW:?a checkout of the new commit}
ROUNDS=${ROUNDS:-3}
t() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; local rc=$?; local e=$(date +%s.%N); printf "%.1f" "$(echo "$e - $s" | bc)"; [ $rc -eq 0 ] || printf "(rc=%d)" $rc; }
for tree in $OLD $NEW; do (cd $tree && cargo build -p vpc-client >/dev/null 2>&1 && cargo build -p vpc-client --no-default-features --features rustls-ring,ResetVpnConnection >/dev/null 2>&1); done
echo "== all actions: cargo clean -p vpc-client && cargo build -p vpc-client"
for r in $(seq $ROUNDS); do
  for tree in $OLD $NEW; do (cd $tree && cargo clean -p vpc-client >/dev/null 2>&1; echo "round $r $(basename $tree) all: $(t cargo build -p vpc-client) s"); done
done
echo "== one action: --no-default-features --features rustls-ring,ResetVpnConnection"
for r in $(seq $ROUNDS); do
  for tree in $OLD $NEW; do (cd $tree && cargo clean -p vpc-client >/dev/null 2>&1; echo "round $r $(basename $tree) one: $(t cargo build -p vpc-client --no-default-features --features rustls-ring,ResetVpnConnection) s"); done
done
echo "== generator: cargo xtask codegen --check (phases)"
for tree in $OLD $NEW; do (cd $tree && cargo xtask codegen --check >/dev/null 2>&1; for r in $(seq $ROUNDS); do echo "$(basename $tree): $(cargo xtask codegen 2>&1 | grep '^codegen:')"; done); done
