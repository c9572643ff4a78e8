#!/bin/sh
# The liqnet benchmark suite: builds liqnet_bench (Release) and runs every
# benchmark of benchmarks/README.md, writing
#   benchmarks/results/<mode>.md   machine, every command and its output, summary table
#   benchmarks/results/<mode>.csv  every figure, one per line
#
#   benchmarks/run.sh [--quick | --full] [--build DIR] [--only TEXT] [--name NAME]
#
#   --only TEXT[,TEXT] run only the benchmarks whose title contains one TEXT
#                      (e.g. --only "Health kernel,Thread scaling")
#   --name NAME        write results/NAME.md and .csv instead of results/<mode>.*
#
#   --quick (default)  sizes 1e4 .. 1e7, about 3 minutes on 2 cores; a generated
#                      ecosystem of 1e4 protocols and 1e6 accounts
#   --full             adds 1e8 accounts (1.6 GB of accounts per simulation),
#                      the 1e8-account, 1,000-round cascade and the generated
#                      ecosystem of 1e5 protocols and 1e7 accounts; about 32 minutes
#
# Timings are not asserted anywhere; the machine may be shared, so each
# benchmark prints the load average it started under.
set -eu

mode=quick
only=
name=
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build="$root/build-bench"
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --build) build=$2; shift ;;
    --only) only=$2; shift ;;
    --name) name=$2; shift ;;
    *)
        echo "usage: benchmarks/run.sh [--quick | --full] [--build DIR] [--only TEXT] [--name NAME]" >&2
        exit 2
        ;;
    esac
    shift
done

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target liqnet_bench liqnet_cli >/dev/null
bench="$build/liqnet_bench"
liqnet="$build/liqnet"

mkdir -p "$here/results"
name=${name:-$mode}
md="$here/results/$name.md"
csv="$here/results/$name.csv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- src include 2>/dev/null)" ]; then
    commit="$commit (src/include modified)"
fi
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cache=$(lscpu | sed -n 's/^L3 cache: *//p' | head -n 1)
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
ccver=$("$cc" --version | head -n 1)
flags=$(sed -n 's/^CMAKE_C_FLAGS_RELEASE:[A-Z]*=//p' "$build/CMakeCache.txt")
{
    echo "# liqnet benchmarks ($mode${only:+, only \"$only\"})"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| commit | $commit |"
    echo "| CPU | $cpu, $(nproc) cores, L3 $cache |"
    echo "| memory | $mem |"
    echo "| kernel | $(uname -sr) |"
    echo "| compiler | $ccver, $flags (CMAKE_BUILD_TYPE=Release) |"
    echo "| OpenMP | OMP_PROC_BIND=${OMP_PROC_BIND:-unset}, OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset} |"
    echo
    echo "Each block is one command (run from the repository root) and its output; every"
    echo "figure is also in \`$(basename "$csv")\`."
    echo
} >"$md"
echo "benchmark,scenario,accounts,threads,full_scan,metric,value,unit" >"$csv"

# run DESCRIPTION COMMAND...: runs a benchmark, logs the command and its
# comment lines, appends its figures to the CSV.
run() {
    what=$1
    shift
    if [ -n "$only" ]; then
        wanted=no
        old_ifs=$IFS
        IFS=,
        for pattern in $only; do
            case "$what" in *"$pattern"*) wanted=yes ;; esac
        done
        IFS=$old_ifs
        [ "$wanted" = yes ] || return 0
    fi
    echo "== $what: $*" >&2
    printf '### %s\n\n```\n$ %s\n' "$what" "$(echo "$*" | sed "s|$build|build-bench|")" >>"$md"
    if "$@" >"$tmp/out" 2>"$tmp/err"; then
        status=ok
    else
        status="FAILED (exit $?)"
    fi
    grep '^#' "$tmp/out" >>"$md" || true
    sed 's/^/stderr: /' "$tmp/err" >>"$md"
    printf '```\n\n' >>"$md"
    grep '^result,' "$tmp/out" | sed 's/^result,//' >>"$csv" || true
    if [ "$status" != ok ]; then
        echo "   $status" >&2
        echo "**$status**" >>"$md"
        echo >>"$md"
    fi
}

if [ "$mode" = full ]; then
    sizes="1e4 1e5 1e6 1e7 1e8"
    big=1e8
else
    sizes="1e4 1e5 1e6 1e7"
    big=1e7
fi
# For trying the script itself: LIQNET_BENCH_SIZES="1e4" LIQNET_BENCH_BIG=1e5.
sizes=${LIQNET_BENCH_SIZES:-$sizes}
big=${LIQNET_BENCH_BIG:-$big}

run "Health kernel against memory bandwidth" "$bench" bandwidth --accounts 1e7 --reps 10

# Seconds per round and bytes per account: a fresh process per size, so that
# the peak resident size is that size's own.
for n in $sizes; do
    for scan in 0 1; do
        run "Calm rounds, $n accounts, full_scan $scan" \
            "$bench" round --scenario calm --accounts "$n" --rounds 50 --full-scan "$scan"
        run "Cascade rounds, $n accounts, full_scan $scan" \
            "$bench" round --scenario cascade --accounts "$n" --rounds 20 --full-scan "$scan"
    done
done

# Calm rounds on one thread as well: on a shared machine a round of several
# 2-thread OpenMP regions waits for descheduled threads (see README.md).
for n in 1e5 1e6 1e7; do
    for scan in 0 1; do
        run "Calm rounds, $n accounts, full_scan $scan, 1 thread" \
            "$bench" round --scenario calm --accounts "$n" --rounds 50 --full-scan "$scan" \
            --threads 1
    done
done

run "Thread scaling, calm full scan, $big accounts" \
    "$bench" scaling --scenario calm --accounts "$big" --rounds 20 --full-scan 1
run "Thread scaling, cascade, $big accounts" \
    "$bench" scaling --scenario cascade --accounts "$big" --rounds 20 --full-scan 0
run "Thread scaling, cascade full scan, $big accounts" \
    "$bench" scaling --scenario cascade --accounts "$big" --rounds 20 --full-scan 1

for n in ${LIQNET_BENCH_H5_SIZES:-1e4 1e5 1e6}; do
    for kind in calm cascade; do
        run "HDF5 share, $kind, $n accounts, 1000 rounds" \
            "$bench" h5 --scenario "$kind" --accounts "$n" --rounds 1000 --h5 "$tmp/h5.h5"
    done
done

if [ "$mode" = full ]; then
    run "1e8 accounts through the 1,000-round cascade" \
        "$bench" round --scenario cascade --accounts 1e8 --rounds 1000 --full-scan 0
fi

# A generated ecosystem (liqnet generate; benchmarks/README.md "Generated
# ecosystems"): Erdos-Renyi, each protocol on about 2 of the collateral
# assets, each asset shared by about 20 protocols, so the protocol graph has
# about 23 links per protocol; market depths at least the pool's reserve.
if [ "$mode" = full ]; then
    eco_protocols=100000 eco_assets=10000 eco_p=2e-4 eco_accounts=10000000
else
    eco_protocols=10000 eco_assets=1000 eco_p=2e-3 eco_accounts=1000000
fi
eco="$tmp/ecosystem-$eco_protocols.yaml"
run "Generate an ecosystem, $eco_protocols protocols, $eco_accounts accounts" \
    "$liqnet" generate --model erdos_renyi --probability "$eco_p" --protocols "$eco_protocols" \
    --assets "$eco_assets" --accounts "$eco_accounts" --min-depth-ratio 1 --rounds 100 \
    -o "$eco" --force
run "Generated ecosystem, $eco_protocols protocols, $eco_accounts accounts, 100 rounds" \
    "$bench" ecosystem --file "$eco" --h5 "$tmp/ecosystem.h5"

/usr/bin/env python3 "$here/summarize.py" "$csv" >>"$md"
echo "results: $md" >&2
