# Helpers of the MPI end-to-end tests, sourced after tests/testlib.sh with
# $liqnet, $mpiexec, $check and $work set.
# Open MPI refuses root unless told (containers, CI); --oversubscribe lets
# 4 ranks share 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() {
  local n=$1
  shift
  "$mpiexec" --oversubscribe -n "$n" "$liqnet" "$@"
}
# pycheck NAME ARGS...: ok when `$check ARGS` succeeds, else its output.
pycheck() {
  local name=$1
  shift
  if $check "$@" > "$work/py" 2>&1; then ok "$name"; else bad "$name: $(tail -c 600 "$work/py")"; fi
}
# rank_pid MPIRUN_PID RANK: the pid of that rank (a child of mpirun).
rank_pid() {
  local p
  for p in $(pgrep -P "$1"); do
    if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$p"
    fi
  done
}
