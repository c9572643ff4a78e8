#!/usr/bin/env bash
# End-to-end tests of `mpirun -n N liqnet sweep` (built with -DLIQNET_MPI=ON):
# for N = 1, 2, 3 and 4 ranks the results file has the content of the
# one-process sweep, every number bit for bit (check_sweep.py bits: contents,
# since files written by two HDF5 builds may differ in byte layout); a sweep
# stopped part-way and resumed with other rank counts gives it too; a job
# killed by SIGTERM, and one whose worker rank is killed (SIGKILL), fail with
# a message and leave a readable, incomplete file that --resume finishes; a
# run that cannot be set up on a worker names the run and the rank.
# Usage: run_mpi_tests.sh LIQNET_BINARY SOURCE_DIR MPIEXEC
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
# status FILE: "STATUS COMPLETE_RUNS"
status() {
  $py -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r"); print(f.attrs["status"], int((f["summary/status"][:]==1).sum()))' "$1" 2>&1
}

# 1. Every rank count gives the one-process file (grid: 12 runs, two kept
#    trajectories; list: a string column, no trajectories).
grid=$src/tests/sweep/grid.yaml
cat > "$work/list.yaml" <<YAML
base: $src/tests/sweep/small.yaml
design: list
seeds_per_setting: 3
rounds: 40
settings:
  - protocols[AaveLike].keepers.max_liquidations: 10
  - protocols[AaveLike].keepers.max_liquidations: unlimited
    "oracles[ETH/USD].heartbeat": 1h
  - "oracles[ETH/USD].heartbeat": 30
YAML
for sweep in grid list; do
  file=$grid
  [ "$sweep" = list ] && file=$work/list.yaml
  expect "$sweep: one process (no mpirun)" 0 "" -- \
    "$liqnet" sweep "$file" -o "$work/$sweep-serial.h5" --threads 2 --quiet
  for n in 1 2 3 4; do
    expect "$sweep: mpirun -n $n" 0 "" -- mpi "$n" sweep "$file" -o "$work/$sweep-$n.h5" --threads 1
    pycheck "$sweep: $n ranks give the one-process file bit for bit" \
      bits "$work/$sweep-serial.h5" "$work/$sweep-$n.h5"
  done
done
grep -q "4 ranks (rank 0 writes; 3 x 1 threads make runs)" "$work/out" &&
  ok "the report names the ranks" || bad "report: $(cat "$work/out")"

# 2. Stopped after 5 recorded runs (3 ranks), 3 more (2 ranks), finished (4).
expect "mpirun -n 3: stop after 5 runs" 130 "stopped with 7 of 12 runs left" -- \
  mpi 3 sweep "$grid" -o "$work/part.h5" --threads 1 --stop-after 5 --quiet
[ "$(status "$work/part.h5")" = "incomplete 5" ] && ok "stopped file: incomplete, 5 runs" ||
  bad "stopped file: $(status "$work/part.h5")"
expect "mpirun -n 2: refuses an existing file" 1 "file exists; pass --force" -- \
  mpi 2 sweep "$grid" -o "$work/part.h5" --quiet
expect "mpirun -n 2 --resume: 3 more" 130 "stopped with 4 of 12" -- \
  mpi 2 sweep "$grid" -o "$work/part.h5" --resume --threads 1 --stop-after 3 --quiet
expect "mpirun -n 4 --resume finishes it" 0 "" -- \
  mpi 4 sweep "$grid" -o "$work/part.h5" --resume --threads 1 --quiet
pycheck "resumed over 3, 2 and 4 ranks: the one-process file" \
  bits "$work/grid-serial.h5" "$work/part.h5"

# 3. Killed jobs: 360 runs of 4000 rounds (about 7 s on 2 workers and 2 idle cores).
cat > "$work/slow.yaml" <<YAML
base: $src/tests/sweep/small.yaml
seed: 7
seeds_per_setting: 120
rounds: 4000
parameters:
  - path: protocols[AaveLike].markets[WETH].liquidation_bonus
    values: [0.02, 0.05, 0.1]
output:
  trajectories: {runs: "::4", rounds: "::50"}
YAML
expect "slow: one process" 0 "" -- \
  "$liqnet" sweep "$work/slow.yaml" -o "$work/slow-serial.h5" --threads 2 --quiet
# killed_job NAME SIGNAL TARGET: starts the sweep on 3 ranks, sends SIGNAL
# 0.5 s after the file appears to mpirun (TARGET=mpirun) or to rank 1, then checks the exit,
# the messages and the file, and finishes it with --resume on 4 ranks.
killed_job() {
  local name=$1 signal=$2 target=$3 out=$work/$1.h5
  "$mpiexec" --oversubscribe -n 3 "$liqnet" sweep "$work/slow.yaml" -o "$out" --threads 1 \
    --quiet > "$work/$name.out" 2> "$work/$name.err" &
  local job=$!
  # Signalled once the ranks are at work (rank 0 has created the file): a
  # SIGTERM while mpirun is still starting them is not what is tested here.
  local i
  for i in $(seq 300); do
    [ -e "$out" ] && break
    sleep 0.1
  done
  sleep 0.5
  local pid=$job
  [ "$target" = rank1 ] && pid=$(rank_pid "$job" 1)
  if [ -z "$pid" ]; then
    bad "$name: no rank 1 found"
    wait "$job"
    return
  fi
  kill "-$signal" "$pid"
  # Open MPI's mpirun has been seen to stay up after its ranks have all
  # exited (zombies) following a SIGTERM, on a loaded machine: after 30 s
  # with no live rank left, it is killed, and the file is checked as usual.
  local waited=0
  while kill -0 "$job" 2>/dev/null && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$job" 2>/dev/null; then
    local live=0 p
    for p in $(pgrep -P "$job"); do
      [ "$(ps -o stat= -p "$p" | cut -c1)" = Z ] || live=$((live + 1))
    done
    if [ "$live" -eq 0 ]; then
      echo "# $name: every rank exited but mpirun hung (an Open MPI issue); killing mpirun"
      kill -9 "$job"
    else
      bad "$name: $live ranks still running 30 s after the signal"
      kill -9 "$job"
    fi
  fi
  wait "$job"
  local rc=$?
  [ "$rc" -ne 0 ] && ok "$name: the job fails (exit $rc)" || bad "$name: exit 0"
  if grep -q "keeps every recorded run and is marked incomplete; finish it with --resume" \
    "$work/$name.err"; then
    ok "$name: rank 0 says the file is incomplete and resumable"
  else
    bad "$name: stderr: $(head -c 600 "$work/$name.err")"
  fi
  if [ "$target" = rank1 ]; then
    grep -q "process rank 1 .* exited on signal 9" "$work/$name.err" &&
      ok "$name: mpirun names the dead rank" || bad "$name: $(head -c 600 "$work/$name.err")"
  fi
  local st
  st=$(status "$out")
  case $st in
    "incomplete "[0-9]*) ok "$name: file readable, incomplete (${st#incomplete } runs done)" ;;
    *) bad "$name: file: $st" ;;
  esac
  expect "$name: mpirun -n 4 --resume finishes it" 0 "" -- \
    mpi 4 sweep "$work/slow.yaml" -o "$out" --resume --threads 1 --quiet
  pycheck "$name: resumed file is the one-process file bit for bit" \
    bits "$work/slow-serial.h5" "$out"
}
killed_job sigterm TERM mpirun
killed_job rank-killed KILL rank1

# 4. A run that cannot be set up (a positions file with a bad row, read when
#    the run starts) fails the job with the run, the rank and the reason.
cat > "$work/fail.yaml" <<YAML
base: $src/tests/data/reference_small.yaml
design: list
seeds_per_setting: 2
settings:
  - accounts[0].file: reference_positions.csv
  - accounts[0].file: positions_bad_number.csv
output: {trajectories: none}
YAML
expect "a worker's run cannot be set up" 1 \
  "error: run [23] on rank [12]: .*positions_bad_number.csv:2: column 'protocol'" -- \
  mpi 3 sweep "$work/fail.yaml" -o "$work/fail.h5" --threads 1 --quiet
case $(status "$work/fail.h5") in
  "incomplete "[0-9]*) ok "after the failed run: file readable, incomplete" ;;
  *) bad "after the failed run: $(status "$work/fail.h5")" ;;
esac

# 5. Bad input: one message (rank 0's), no file.
expect "mpirun: a missing sweep file" 1 "nope.yaml" -- \
  mpi 3 sweep "$work/nope.yaml" -o "$work/nope.h5" --quiet
n=$(grep -c "liqnet: error" "$work/err")
[ "$n" = 1 ] && ok "one error message, not one per rank" || bad "$n error messages: $(cat "$work/err")"
[ -e "$work/nope.h5" ] && bad "no file after a bad sweep" || ok "no file after a bad sweep"

finish
