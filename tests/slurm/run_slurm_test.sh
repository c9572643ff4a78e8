#!/usr/bin/env bash
# scripts/slurm/sweep.sbatch and run.sbatch against a real single-node Slurm (Debian's
# slurmctld and slurmd, started here with a private configuration, ports and
# directories, auth/none, and stopped at the end): the job's file has the
# content of the one-process sweep bit for bit; a job cancelled part-way
# (scancel) leaves a readable, incomplete file, and the same batch script
# submitted again finishes it with the same content. A run partitioned over
# the job's tasks (run.sbatch, 2 tasks x 2 threads and 3 x 1) writes the
# one-process run file bit for bit.
# Usage: run_slurm_test.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$(realpath "$1")
src=$2
py=/usr/bin/python3
check="$py $src/tests/sweep/check_sweep.py"
work=$(mktemp -d)
source "$src/tests/testlib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: slurmd must run as root to start job steps"
  rm -rf "$work"
  exit 77
fi

host=$(hostname -s)
port=$((20000 + $$ % 20000))
export SLURM_CONF=$work/slurm.conf
mkdir -p "$work/state" "$work/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=liqnettest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=$(id -un)
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$host CPUs=4 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
ctld=
slurmd_pid=
cleanup() {
  [ -n "$ctld" ] && kill "$ctld" 2> /dev/null
  [ -n "$slurmd_pid" ] && kill "$slurmd_pid" 2> /dev/null
  wait 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" > "$work/ctld.out" 2>&1 &
ctld=$!
/usr/sbin/slurmd -D -f "$SLURM_CONF" > "$work/slurmd.out" 2>&1 &
slurmd_pid=$!
up=
for _ in $(seq 100); do
  if sinfo -h -o %t 2> /dev/null | grep -Eq '^(idle|mix|alloc)'; then up=1; break; fi
  sleep 0.2
done
if [ -z "$up" ]; then
  bad "Slurm did not come up: $(tail -c 800 "$work/slurmctld.log" "$work/slurmd.log" 2>&1)"
  finish
  exit 1
fi
ok "single-node Slurm up ($(sinfo -h -o '%P %D %c %t'))"

cat > "$work/slow.yaml" <<YAML
base: $src/tests/sweep/small.yaml
seed: 7
seeds_per_setting: 120
rounds: 1500
parameters:
  - path: protocols[AaveLike].markets[WETH].liquidation_bonus
    values: [0.02, 0.05, 0.1]
output:
  trajectories: {runs: "::4", rounds: "::50"}
YAML
"$liqnet" sweep "$work/slow.yaml" -o "$work/serial.h5" --threads 2 --quiet ||
  bad "one-process sweep"

export LIQNET=$liqnet MPIRUN="mpirun --bind-to none"
sbatch_script=$src/scripts/slurm/sweep.sbatch
cd "$work" || exit 1
# The whole sweep as one job, 4 tasks: rank 0 and 3 workers.
if sbatch --wait --ntasks=4 -o "$work/full.log" "$sbatch_script" "$work/slow.yaml" \
  "$work/full.h5" > "$work/sbatch.out" 2>&1; then
  ok "sbatch --wait: the job succeeds"
else
  bad "sbatch: $(cat "$work/sbatch.out" "$work/full.log" 2> /dev/null | tail -c 800)"
fi
grep -q "4 tasks x 1 threads" "$work/full.log" && ok "the job ran 4 tasks" ||
  bad "job log: $(tail -c 400 "$work/full.log")"
if $check bits "$work/serial.h5" "$work/full.h5" > "$work/py" 2>&1; then
  ok "the job's file is the one-process file bit for bit"
else
  bad "$(tail -c 400 "$work/py")"
fi

# Cancelled part-way, then the same script again.
job=$(sbatch --parsable --ntasks=3 -o "$work/part.log" "$sbatch_script" "$work/slow.yaml" \
  "$work/part.h5")
for _ in $(seq 100); do
  [ "$(squeue -h -j "$job" -o %t 2> /dev/null)" = R ] && break
  sleep 0.1
done
sleep 1.5
scancel "$job"
for _ in $(seq 300); do
  [ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
  sleep 0.1
done
st=$($py -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r"); print(f.attrs["status"], int((f["summary/status"][:]==1).sum()))' "$work/part.h5" 2>&1)
case $st in
  "incomplete "[0-9]*) ok "scancel: file readable, incomplete (${st#incomplete } runs done)" ;;
  *) bad "scancel: file: $st; log: $(tail -c 600 "$work/part.log")" ;;
esac
if sbatch --wait --ntasks=2 -o "$work/part2.log" "$sbatch_script" "$work/slow.yaml" \
  "$work/part.h5" > "$work/sbatch.out" 2>&1; then
  ok "the same script again (2 tasks) finishes it"
else
  bad "resubmit: $(cat "$work/sbatch.out" "$work/part2.log" 2> /dev/null | tail -c 800)"
fi
if $check bits "$work/serial.h5" "$work/part.h5" > "$work/py" 2>&1; then
  ok "cancelled and resubmitted: the one-process file bit for bit"
else
  bad "$(tail -c 400 "$work/py")"
fi

# One network over the job's tasks (scripts/slurm/run.sbatch).
run_script=$src/scripts/slurm/run.sbatch
"$liqnet" run "$src/tests/data/partition_cross_perp.yaml" -o "$work/run-serial.h5" --quiet ||
  bad "one-process run"
for shape in "2 2" "3 1"; do
  read -r tasks cpus <<< "$shape"
  out=$work/run-$tasks.h5
  if sbatch --wait --ntasks="$tasks" --cpus-per-task="$cpus" -o "$work/run-$tasks.log" \
    "$run_script" "$src/tests/data/partition_cross_perp.yaml" "$out" > "$work/sbatch.out" 2>&1; then
    ok "run.sbatch, $tasks tasks x $cpus threads: the job succeeds"
  else
    bad "run.sbatch: $(cat "$work/sbatch.out" "$work/run-$tasks.log" 2> /dev/null | tail -c 800)"
  fi
  grep -q "^$tasks ranks x $cpus threads" "$work/run-$tasks.log" &&
    ok "run.sbatch: $tasks ranks x $cpus threads in the summary" ||
    bad "run log: $(tail -c 400 "$work/run-$tasks.log")"
  if $check bits "$work/run-serial.h5" "$out" > "$work/py" 2>&1; then
    ok "run.sbatch, $tasks tasks: the one-process run file bit for bit"
  else
    bad "$(tail -c 400 "$work/py")"
  fi
done
finish
