#!/usr/bin/env bash
# End-to-end tests of `liqnet sweep`: the summary rows equal the same runs
# made one by one with `liqnet run` (from --print-run), a sweep stopped
# part-way and resumed gives the same file content as an uninterrupted one
# (and as one made with another thread count), trajectories are kept for the
# chosen runs and rounds only, pandas reads the summary in one call, and bad
# usage is refused with a clear message.
# Usage: run_sweep_tests.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$1
src=$2
py=/usr/bin/python3
check="$py $src/tests/sweep/check_sweep.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"
# pycheck NAME ARGS...: check_sweep.py succeeds.
pycheck() {
  local name=$1
  shift
  if $check "$@" > "$work/py" 2>&1; then ok "$name"; else bad "$name: $(tail -c 600 "$work/py")"; fi
}

grid=$src/tests/sweep/grid.yaml
expect "full sweep, 2 threads" 0 "" -- "$liqnet" sweep "$grid" -o "$work/full.h5" --threads 2
pycheck "pandas reads the summary (12 runs)" table "$work/full.h5" 12
pycheck "trajectories of runs 0 and 5, rounds 0:31:3 only" kept "$work/full.h5" 0,5 0:31:3
expect "same sweep, 1 thread" 0 "" -- "$liqnet" sweep "$grid" -o "$work/one.h5" --threads 1 --quiet
pycheck "content independent of the thread count" same "$work/full.h5" "$work/one.h5"

# Interrupted after 5 recorded runs, then resumed (with another thread count).
expect "stop after 5 runs" 130 "stopped with 7 of 12 runs left" -- \
  "$liqnet" sweep "$grid" -o "$work/part.h5" --threads 2 --stop-after 5 --quiet
status=$($py -c 'import h5py,sys; f=h5py.File(sys.argv[1]); print(f.attrs["status"], int((f["summary/status"][:]==1).sum()))' "$work/part.h5")
[ "$status" = "incomplete 5" ] && ok "stopped file: incomplete, 5 runs complete" || bad "stopped file: $status"
expect "refuse an existing file" 1 "file exists; pass --force to overwrite, or --resume" -- \
  "$liqnet" sweep "$grid" -o "$work/part.h5" --quiet
expect "stop again after 3 more" 130 "stopped with 4 of 12" -- \
  "$liqnet" sweep "$grid" -o "$work/part.h5" --resume --threads 1 --stop-after 3 --quiet
expect "resume finishes it" 0 "" -- "$liqnet" sweep "$grid" -o "$work/part.h5" --resume --quiet
pycheck "resumed file has the content of the uninterrupted one" same "$work/full.h5" "$work/part.h5"
expect "resume of a finished file does nothing" 0 "" -- \
  "$liqnet" sweep "$grid" -o "$work/part.h5" --resume --quiet
pycheck "still the same content" same "$work/full.h5" "$work/part.h5"

# A changed sweep is not resumed into an old file.
sed "s|^base: small.yaml|base: $src/tests/sweep/small.yaml|; s/^seed: 99/seed: 100/" "$grid" \
  > "$work/changed.yaml"
expect "resume refuses a changed sweep" 1 \
  "the sweep file differs from the one this file was started with" -- \
  "$liqnet" sweep "$work/changed.yaml" -o "$work/part.h5" --resume --quiet

# Each run alone, from its printed scenario, gives the sweep's row exactly.
for r in 0 5 11; do
  if "$liqnet" sweep "$grid" --print-run "$r" > "$work/run$r.yaml" 2> "$work/err" &&
     "$liqnet" run "$work/run$r.yaml" -o "$work/run$r.h5" --quiet --threads 1 2>> "$work/err"; then
    pycheck "run $r alone equals its summary row" run "$work/full.h5" "$r" "$work/run$r.h5"
  else
    bad "run $r alone: $(head -c 400 "$work/err")"
  fi
done

# Usage and input errors.
expect "print-run out of range" 1 "run 12 does not exist; the sweep has runs 0 to 11" -- \
  "$liqnet" sweep "$grid" --print-run 12
expect "output required" 2 "sweep needs an output file" -- "$liqnet" sweep "$grid"
cat > "$work/bad.yaml" <<YAML
base: $src/tests/sweep/small.yaml
parameters:
  - path: protocols[Aave].markets[WETH].liquidation_bonus
    values: [0.01]
YAML
expect "bad path names the sweep line and what exists" 1 \
  "bad.yaml:3:11: protocols\[Aave\]\.markets\[WETH\]\.liquidation_bonus: no item named 'Aave' in protocols; items: AaveLike, CompoundLike, HighLTV" -- \
  "$liqnet" sweep "$work/bad.yaml" -o "$work/bad.h5"
[ -e "$work/bad.h5" ] && bad "no file after a bad sweep" || ok "no file after a bad sweep"

# The shipped example runs (a few rounds, none kept) and a list design.
cat > "$work/list.yaml" <<YAML
base: $src/tests/sweep/small.yaml
design: list
rounds: 12
settings:
  - protocols[AaveLike].keepers.max_liquidations: 10
  - protocols[AaveLike].keepers.max_liquidations: unlimited
    "oracles[ETH/USD].heartbeat": 1h
output: {trajectories: none}
YAML
expect "list design" 0 "" -- "$liqnet" sweep "$work/list.yaml" -o "$work/list.h5" --quiet
pycheck "list summary table" table "$work/list.h5" 2
pycheck "no trajectories kept" kept "$work/list.h5" "" 0:1:1

finish
