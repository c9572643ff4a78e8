#!/usr/bin/env bash
# Write errors end to end: a run or a sweep whose output disk fills up stops
# with one message and exit status 1, no crash; the run file is readable,
# holds every round of its last flush with one length in every variable and
# says "failed" (with the error); the sweep file keeps its recorded runs and
# is finished by --resume once there is room, equal to an uninterrupted sweep.
#
# Usage: run_io_error_tests.sh LIQNET_BINARY SOURCE_DIR MODE
#   MODE tmpfs:  the output on small tmpfs mounts (root only; exit 77, which
#                CTest reports as skipped, where mounting is not possible)
#   MODE inject: the same with a simulated full disk, LIQNET_FAULT_WRITE_AFTER
#                (builds with LIQNET_FAULT_INJECTION; src/io/h5_commit.c)
set -uo pipefail
liqnet=$1
src=$(cd "$2" && pwd)
mode=$3
py=/usr/bin/python3
work=$(mktemp -d)
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2> /dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$src/tests/testlib.sh"

# disk NAME SIZE: a directory for output, a tmpfs of SIZE in tmpfs mode.
disk() {
  mkdir -p "$work/$1"
  if [ "$mode" = tmpfs ]; then
    mount -t tmpfs -o "size=$2" tmpfs "$work/$1" || return 1
    mounts+=("$work/$1")
  fi
}
if [ "$mode" = tmpfs ] && { [ "$(id -u)" -ne 0 ] || ! disk probe 64k; }; then
  echo "skip: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the inject mode still runs"
  exit 77
fi
# fault BYTES...: the environment of a command on a full disk (inject mode).
fault() {
  if [ "$mode" = inject ]; then echo "LIQNET_FAULT_WRITE_AFTER=$1"; else echo "LIQNET_UNUSED=1"; fi
}

# one_error NAME PATTERN: stderr (of `expect`) is one line that matches.
one_error() {
  if [ "$(wc -l < "$work/err")" -eq 1 ] && grep -Eq -- "$2" "$work/err"; then
    ok "$1: one message"
  else
    bad "$1: stderr is not one line matching /$2/: $(head -c 600 "$work/err")"
  fi
}

# 4,000 rounds: the full disks below stop the run long before (at about
# round 1,100 on the 256 KiB tmpfs, 200 with the simulated one).
# Without the event tables (output.events): the disk sizes below are those of the files
# of the round series alone, which fill them after a few flushes.
sed 's/^rounds: .*/rounds: 4000/; s/^  flush_every: .*/&\n  events: false/' \
  "$src/graphs/demo.yaml" > "$work/run.yaml"
sed 's/^rounds: .*/rounds: 4000/; s/^  flush_every: .*/  flush_every: 100000\n  events: false/' \
  "$src/graphs/demo.yaml" > "$work/ref.yaml"
"$liqnet" run "$work/ref.yaml" -o "$work/ref.h5" --quiet || { bad "reference run"; finish; exit 1; }

# --- a run whose disk fills up -------------------------------------------
disk run 256k
expect "run on a full disk" 1 "" -- env "$(fault 600000)" \
  "$liqnet" run "$work/run.yaml" -o "$work/run/out.h5" --quiet
one_error "run on a full disk" \
  "^liqnet: error: .*out.h5: HDF5 error: cannot flush the file: .*No space left on device.*; .*out.h5 keeps rounds 0 to [0-9]+ \(its last flush\) and is marked failed$"
if "$py" "$src/tests/cli/check_killed.py" --status failed "$work/ref.h5" "$work/run/out.h5" \
  > "$work/check" 2>&1; then
  ok "run on a full disk: file readable, one length, rows of the uninterrupted run, failed"
else
  bad "run on a full disk: $(cat "$work/check")"
fi
"$py" - "$work/run/out.h5" "$work/err" <<'PY' && ok "run on a full disk: the error attribute and the message agree" || bad "run on a full disk: error attribute"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
error = f.attrs["error"]
error = error.decode() if isinstance(error, bytes) else error
message = open(sys.argv[2]).read()
assert "No space left on device" in error and error in message, (error, message)
last = int(message.rsplit("keeps rounds 0 to ", 1)[1].split()[0])
assert last == int(f.attrs["rounds_completed"]) == f["round"].shape[0] - 1 > 0, last
PY
[ ! -e "$work/run/out.h5.shadow" ] && ok "run on a full disk: no shadow copy left" ||
  bad "run on a full disk: the shadow copy is left behind"

# The disk so full that even marking the file failed cannot be written (in
# tmpfs mode: a disk nearly full for other reasons once the run has failed).
if [ "$mode" = inject ]; then
  expect "run on a disk too full to mark" 1 "" -- env "$(fault 600000,0,0)" \
    "$liqnet" run "$work/run.yaml" -o "$work/run/full.h5" --quiet
  one_error "run on a disk too full to mark" \
    "keeps rounds 0 to [0-9]+ \(its last flush\) and could not be marked failed: its status stays incomplete$"
  if "$py" "$src/tests/cli/check_killed.py" --status incomplete "$work/ref.h5" "$work/run/full.h5" \
    > "$work/check" 2>&1; then
    ok "run on a disk too full to mark: readable, one length, rows right, incomplete"
  else
    bad "run on a disk too full to mark: $(cat "$work/check")"
  fi
fi

# A disk too small even for round 0: no file (an older file would be kept).
disk tiny 64k
expect "run on a disk too small for round 0" 1 "No space left on device" -- \
  env "$(fault 1000)" "$liqnet" run "$work/run.yaml" -o "$work/tiny/out.h5" --quiet
one_error "run on a disk too small for round 0" "^liqnet: error: .*No space left on device \(errno 28\)$"
[ -z "$(ls -A "$work/tiny")" ] && ok "run on a disk too small for round 0: no file left" ||
  bad "run on a disk too small for round 0: left $(ls "$work/tiny")"

# --- a sweep whose disk fills up, resumed once there is room ---------------
sed "s|^base: small.yaml|base: $src/tests/sweep/small.yaml|; s|runs: \[0, 5\]|runs: \"0:12:1\"|" \
  "$src/tests/sweep/grid.yaml" > "$work/sweep.yaml"
"$liqnet" sweep "$work/sweep.yaml" -o "$work/sweep-ref.h5" --quiet || bad "uninterrupted sweep"
disk sweep 1m
expect "sweep on a full disk" 1 "" -- env "$(fault 700000)" \
  "$liqnet" sweep "$work/sweep.yaml" -o "$work/sweep/out.h5" --quiet --threads 2
one_error "sweep on a full disk" \
  "^liqnet: error: .*out.h5: HDF5 error: cannot flush the file: .*No space left on device.*; .*out.h5 keeps the [0-9]+ runs recorded by its last flush \(of 12\) and is marked incomplete: finish it with --resume once the cause is fixed$"
status=$("$py" -c 'import h5py,sys; f=h5py.File(sys.argv[1], "r"); print(f.attrs["status"])' \
  "$work/sweep/out.h5" 2>&1)
[ "$status" = incomplete ] && ok "sweep on a full disk: file readable, incomplete" ||
  bad "sweep on a full disk: $status"
[ "$mode" = tmpfs ] && mount -o remount,size=8m "$work/sweep"
expect "sweep resumed once there is room" 0 "" -- \
  "$liqnet" sweep "$work/sweep.yaml" -o "$work/sweep/out.h5" --quiet --resume
if "$py" "$src/tests/sweep/check_sweep.py" same "$work/sweep-ref.h5" "$work/sweep/out.h5" \
  > "$work/check" 2>&1; then
  ok "resumed sweep equals the uninterrupted one"
else
  bad "resumed sweep: $(tail -c 600 "$work/check")"
fi
[ ! -e "$work/sweep/out.h5.shadow" ] && ok "sweep: no shadow copy left" || bad "sweep: shadow left"

finish
