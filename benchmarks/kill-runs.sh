#!/bin/sh
# Crash safety under many kills: runs tests/cli/run_kill_tests.sh with 500
# SIGKILLs (CTest's test_kill runs 50) against a liqnet program, and keeps
# its report in benchmarks/results/kill-runs.md: kills tried, files checked,
# failures, and the verdict on every file.
#
#   benchmarks/kill-runs.sh [LIQNET] [KILLS]    (default build/liqnet, 500)
#
# About 5 minutes on the 2-core machine of benchmarks/README.md. The runs are
# graphs/demo.yaml flushing every round (most kills land inside a flush: two
# fsyncs and a rename), every 7 rounds, killed from their start, and short
# runs killed as they finish (see the script's header).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
liqnet=${1:-$root/build/liqnet}
kills=${2:-500}
out="$here/results/kill-runs.md"
mkdir -p "$here/results"
{
    echo "# $kills SIGKILLs: \`benchmarks/kill-runs.sh $*\`"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD)," \
        "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}') under ${TMPDIR:-/tmp}"
    echo
    echo '```'
} > "$out"
status=0
KILL_VERBOSE=1 bash "$root/tests/cli/run_kill_tests.sh" "$liqnet" "$root" "$kills" >> "$out" 2>&1 || status=$?
echo '```' >> "$out"
grep -E '^(#|ok|FAIL)|passed' "$out"
exit $status
