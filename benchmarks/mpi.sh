#!/bin/sh
# One network over MPI ranks, measured on this machine (benchmarks/README.md,
# "One network over MPI ranks"): strong scaling (one generated ecosystem,
# ranks x threads combined), weak scaling (accounts per rank fixed), and the
# exchange's bytes and time per round as the protocols grow. Writes
# benchmarks/results/mpi.md (machine, every command and its MPI summary
# line, tables).
#
#   benchmarks/mpi.sh [--accounts N] [--protocols N] [--rounds N] [--build DIR]
#
# Needs the MPI build (scripts/setup-mpi builds build-mpi). Defaults: 10^7
# accounts over 1,000 protocols, 60 rounds with a 30% shock at round 5, about
# 5 minutes on 2 cores. Timings are never asserted; each line carries the load
# average it started under.
set -eu

accounts=10000000
protocols=1000
rounds=60
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build="$root/build-mpi"
while [ $# -gt 0 ]; do
    case "$1" in
    --accounts) accounts=$2; shift ;;
    --protocols) protocols=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --build) build=$2; shift ;;
    *)
        echo "usage: benchmarks/mpi.sh [--accounts N] [--protocols N] [--rounds N] [--build DIR]" >&2
        exit 2
        ;;
    esac
    shift
done
liqnet="$build/liqnet"
if [ ! -x "$liqnet" ] || ! grep -q "LIQNET_MPI:BOOL=ON" "$build/CMakeCache.txt" 2>/dev/null; then
    echo "benchmarks/mpi.sh: needs the MPI build in $build (scripts/setup-mpi $build)" >&2
    exit 1
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$here/results"
md="$here/results/mpi.md"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
{
    echo "# One network over MPI ranks"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $cpu, $(nproc) cores,"
    echo "$(free -g | awk '/^Mem:/ {print $2}') GB, $(mpirun --version | head -n 1)"
    echo
    echo "Command: \`benchmarks/mpi.sh --accounts $accounts --protocols $protocols --rounds $rounds\`"
    echo
} > "$md"

# gen FILE PROTOCOLS ACCOUNTS ASSETS MARKETS: a generated ecosystem, each
# protocol lending against about MARKETS of the assets, even account sizes
# across protocols (Pareto tail 3) so that a partition can balance them.
gen() {
    "$liqnet" generate -o "$1" --force --protocols "$2" --accounts "$3" --assets "$4" \
        --probability "$(awk "BEGIN {print $5 / $4}")" --alpha 3 --min-depth-ratio 2 \
        --rounds "$rounds" --shock-return -0.2 --seed 3
}
# run NAME RANKS THREADS SCENARIO: one job; appends its MPI line to the table.
run() {
    name=$1 ranks=$2 threads=$3 scenario=$4
    load=$(cut -d' ' -f1 /proc/loadavg)
    mpirun --oversubscribe --bind-to none -n "$ranks" "$liqnet" run "$scenario" \
        -o "$tmp/out.h5" --force --threads "$threads" --centrality skip > "$tmp/log"
    line=$(grep "ranks x" "$tmp/log")
    echo "$name | $ranks | $threads | $load | $line" >> "$tmp/rows"
    echo "$name, $ranks x $threads: $line" >&2
}

gen "$tmp/strong.yaml" "$protocols" "$accounts" 100 5
gen "$tmp/weak1.yaml" $((protocols / 2)) $((accounts / 2)) 50 5
: > "$tmp/rows"
run strong 1 1 "$tmp/strong.yaml"
run strong 1 2 "$tmp/strong.yaml"
run strong 2 1 "$tmp/strong.yaml"
run strong 4 1 "$tmp/strong.yaml"
run weak 1 1 "$tmp/weak1.yaml"
run weak 2 1 "$tmp/strong.yaml"
# The exchange as protocols grow (2 markets each, 10^6 accounts in all).
for p in 1000 10000 100000; do
    gen "$tmp/ex$p.yaml" "$p" 1000000 $((p / 10)) 2
    run "exchange, $p protocols" 2 1 "$tmp/ex$p.yaml"
done
{
    echo "Each job's summary line (run with --centrality skip):"
    echo
    echo "| what | ranks | threads | load | liqnet's MPI summary line |"
    echo "| --- | ---: | ---: | ---: | --- |"
    sed 's/^/| /; s/$/ |/' "$tmp/rows"
} >> "$md"
echo "wrote $md" >&2
