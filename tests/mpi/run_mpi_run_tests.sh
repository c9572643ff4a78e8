#!/usr/bin/env bash
# End-to-end tests of `mpirun -n N liqnet run` (built with -DLIQNET_MPI=ON):
# one network partitioned over N = 1 to 4 ranks writes the run file of a
# single process, every number bit for bit (check_sweep.py bits: contents),
# on scenarios with every mechanism that keeps per-protocol state; a job
# stopped by SIGTERM leaves a readable file marked interrupted; a killed rank
# fails the job with mpirun's message naming it and leaves a readable file
# not marked complete; bad input gives one message (rank 0's).
# Usage: run_mpi_run_tests.sh LIQNET_BINARY SOURCE_DIR MPIEXEC
set -uo pipefail
liqnet=$1
src=$2
mpiexec=$3
py=/usr/bin/python3
check="$py $src/tests/sweep/check_sweep.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"
source "$src/tests/mpi/mpilib.sh"
attr() {
  $py -c 'import h5py,sys; print(h5py.File(sys.argv[1],"r").attrs[sys.argv[2]])' "$1" "$2" 2>&1
}

# 1. Every rank count gives the one-process file.
for scenario in graphs/demo.yaml tests/data/partition_cross_perp.yaml \
  tests/data/network_mechanisms.yaml tests/data/network_features.yaml \
  tests/data/contagion_small.yaml; do
  name=$(basename "$scenario" .yaml)
  expect "$name: one process" 0 "" -- \
    "$liqnet" run "$src/$scenario" -o "$work/$name-1p.h5" --threads 2 --quiet
  # A run split over 2 or more ranks writes no event tables (docs/hdf5-schema.md,
  # "Event tables"): everything else is the one-process file's, bit for bit.
  for n in 1 2 3 4; do
    how=bits
    [ "$n" -gt 1 ] && how=bits_split
    expect "$name: mpirun -n $n" 0 "" -- \
      mpi "$n" run "$src/$scenario" -o "$work/$name-$n.h5" --threads 1
    pycheck "$name: $n ranks give the one-process file bit for bit" \
      $how "$work/$name-1p.h5" "$work/$name-$n.h5"
  done
done
grep -Eq "^4 ranks x 1 threads; accounts per rank [0-9]+ to [0-9]+; [0-9]+ bytes exchanged" \
  "$work/out" && ok "the summary names the ranks and the exchange" ||
  bad "summary: $(tail -3 "$work/out")"
expect "output.events: true over 2 ranks is refused" 1 \
  "output.events: true: a run split over several processes writes no event tables" -- \
  mpi 2 run "$src/graphs/demo.yaml" -o "$work/events.h5" --threads 1 --set output.events=true

# 2. Bad input: one message, no file.
expect "a missing scenario" 1 "nope.yaml" -- mpi 3 run "$work/nope.yaml" -o "$work/nope.h5"
n=$(grep -c "liqnet: error" "$work/err")
[ "$n" = 1 ] && ok "one error message, not one per rank" || bad "$n error messages: $(cat "$work/err")"
[ -e "$work/nope.h5" ] && bad "no file after a bad scenario" || ok "no file after a bad scenario"
expect "an existing output" 1 "file exists; pass --force" -- \
  mpi 2 run "$src/graphs/demo.yaml" -o "$work/demo-2.h5"

# 3. Stopped jobs: a long run (the cross/perp scenario for 10^6 rounds).
# stopped_job NAME SIGNAL TARGET: SIGNAL to mpirun or to rank 1 once the
# file exists and some rounds have run.
stopped_job() {
  local name=$1 signal=$2 target=$3 out=$work/$1.h5
  "$mpiexec" --oversubscribe -n 3 "$liqnet" run "$src/tests/data/partition_cross_perp.yaml" \
    -o "$out" --rounds 1000000 --threads 1 --quiet > "$work/$name.out" 2> "$work/$name.err" &
  local job=$! i pid=$!
  for i in $(seq 300); do
    [ -e "$out" ] && break
    sleep 0.1
  done
  sleep 1
  [ "$target" = rank1 ] && pid=$(rank_pid "$job" 1)
  [ -n "$pid" ] || { bad "$name: no process to signal"; kill -9 "$job"; wait "$job"; return; }
  kill "-$signal" "$pid"
  local waited=0
  while kill -0 "$job" 2>/dev/null && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$job" 2>/dev/null; then
    echo "# $name: mpirun still up 30 s after the signal (an Open MPI issue); killing it"
    pkill -9 -P "$job"
    kill -9 "$job"
  fi
  wait "$job"
  local rc=$?
  [ "$rc" -ne 0 ] && ok "$name: the job fails (exit $rc)" || bad "$name: exit 0"
  local st
  st=$(attr "$out" status)
  if [ "$target" = rank1 ]; then
    grep -q "process rank 1 .* exited on signal 9" "$work/$name.err" &&
      ok "$name: mpirun names the dead rank" || bad "$name: $(head -c 600 "$work/$name.err")"
    case $st in
      incomplete | interrupted) ok "$name: file readable, status $st" ;;
      *) bad "$name: file: $st" ;;
    esac
  else
    [ "$st" = interrupted ] && ok "$name: file marked interrupted" || bad "$name: status $st"
    grep -q "interrupted after round [0-9]* of 1000000" "$work/$name.err" &&
      ok "$name: rank 0 says where it stopped" || bad "$name: $(head -c 600 "$work/$name.err")"
    $py - "$out" "$work/partition_cross_perp-1p.h5" > "$work/py" 2>&1 <<'PY'
import sys, h5py, numpy as np
# The rounds an interrupted 3-rank run kept are those of the one-process run.
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
n = min(a["round"].shape[0], b["round"].shape[0])
assert n > 1, n
for k in ("pool_reserve0", "oracle_price", "liquidations", "bad_debt"):
    x, y = a[k][:n], b[k][:n]
    assert np.array_equal(x.view(np.uint64) if x.dtype.kind == "f" else x,
                          y.view(np.uint64) if y.dtype.kind == "f" else y), k
print(n, "rounds equal")
PY
    [ $? -eq 0 ] && ok "$name: its rounds are the one-process rounds ($(cat "$work/py"))" ||
      bad "$name: $(tail -c 400 "$work/py")"
  fi
}
stopped_job sigterm TERM mpirun
stopped_job rank-killed KILL rank1

finish
