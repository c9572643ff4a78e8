#!/bin/sh
# One network over MPI ranks, measured on this machine (benchmarks/README.md,
# "One network over MPI ranks"): strong scaling (ranks x threads combined),
# weak scaling (accounts per rank fixed), and the exchange's bytes and time
# per round as the protocols grow. Strong and weak scaling use independent
# replicas of the benchmarks' cascade (see cascade() below); the exchange
# uses generated ecosystems. Writes
# benchmarks/results/mpi.md (machine, every command and its MPI summary
# line, tables).
#
#   benchmarks/mpi.sh [--accounts N] [--protocols N] [--rounds N] [--build DIR]
#
# Needs the MPI build (scripts/setup-mpi builds build-mpi). Defaults: 10^7
# accounts over 8 protocols, 20 cascade rounds, about a minute on 2 cores.
# Timings are never asserted; each line carries the load average it started
# under.
set -eu

accounts=10000000
protocols=8
rounds=20
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

# cascade FILE PROTOCOLS: the benchmarks' cascade (liqnet_bench's: lognormal
# health of median 1.6, the collateral falling 5% then drifting down) as
# PROTOCOLS independent replicas of accounts / protocols accounts each, every
# one with its own collateral asset, pool and oracle (sized as the bench's
# pool for its share of the accounts), so that a replica's cascade does not
# depend on how many there are: the weak case's replicas are the strong
# case's first half. Aave-like (a throughput cut of accounts / 500) and
# Compound-like (full close) in pairs, so two ranks each get both kinds.
cascade() {
    n=$((accounts / protocols))
    reserve=$(awk "BEGIN {print 10000 * $n / $accounts}")
    {
        cat <<YAML
name: mpi-cascade
rounds: $rounds
round_seconds: 12
seed: 7
YAML
        echo "assets:"
        echo "  - {name: USDC, price: 1}"
        i=0
        while [ $i -lt "$2" ]; do
            echo "  - {name: W$i, price: 2000, market_depth: $(awk "BEGIN {print 5 * $reserve}"), market_resilience: 0.02}"
            i=$((i + 1))
        done
        echo "pools:"
        i=0
        while [ $i -lt "$2" ]; do
            echo "  - {name: P$i, token0: W$i, token1: USDC, reserve0: $reserve,"
            echo "     reserve1: $(awk "BEGIN {print 2000 * $reserve}"), fee: 0.003, arbitrage: 0.5}"
            i=$((i + 1))
        done
        echo "oracles:"
        echo "  - {name: USD, source: market, asset: USDC, heartbeat: 1d, deviation: 0.001}"
        i=0
        while [ $i -lt "$2" ]; do
            echo "  - {name: O$i, source: market, asset: W$i, heartbeat: 1h, deviation: 0.005}"
            i=$((i + 1))
        done
        echo "shocks:"
        i=0
        while [ $i -lt "$2" ]; do
            echo "  - {type: schedule, asset: W$i, steps: [{round: 1, return: -0.05}]}"
            echo "  - {type: gbm, asset: W$i, drift: -1500, volatility: 1.0}"
            i=$((i + 1))
        done
        echo "protocols:"
        i=0
        while [ $i -lt "$2" ]; do
            if [ $((i / 2 % 2)) -eq 0 ]; then
                terms="liquidation_threshold: 0.83, liquidation_bonus: 0.05, close_factor: 0.5, full_close_health: 0.95"
                keepers="{gas_cost: 0, max_liquidations: $((n / 500))}"
            else
                terms="liquidation_threshold: 0.895, liquidation_bonus: 0.0526, close_factor: 1.0, full_close_health: 1.0"
                keepers="{gas_cost: 0}"
            fi
            echo "  - {name: L$i, debt_asset: USDC, debt_oracle: USD, insurance_fund: 1.0e6,"
            echo "     keepers: $keepers,"
            echo "     markets: [{asset: W$i, oracle: O$i, route: P$i, $terms}]}"
            i=$((i + 1))
        done
        echo "accounts:"
        i=0
        while [ $i -lt "$2" ]; do
            echo "  - {protocol: L$i, market: W$i, count: $n,"
            echo "     size: {distribution: lognormal, median: $((100000000 / accounts)), sigma: 1.0},"
            echo "     health: {distribution: lognormal, median: 1.6, sigma: 0.3}}"
            i=$((i + 1))
        done
    } > "$1"
}
# gen FILE PROTOCOLS ACCOUNTS ASSETS MARKETS: a generated ecosystem, each
# protocol lending against about MARKETS of the assets, even account sizes
# across protocols (Pareto tail 3) so that a partition can balance them.
gen() {
    "$liqnet" generate -o "$1" --force --protocols "$2" --accounts "$3" --assets "$4" \
        --probability "$(awk "BEGIN {print $5 / $4}")" --alpha 3 --min-depth-ratio 5 \
        --rounds 50 --shock-return -0.2 --seed 3
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

cascade "$tmp/strong.yaml" "$protocols"
cascade "$tmp/weak1.yaml" $((protocols / 2))
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
