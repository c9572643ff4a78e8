#!/bin/bash
# The Binance ETHUSDT January 2021 replay at CI size: its first 3 days (4,320 one-minute rounds,
# the full calibrated population), prepared from the shared event data into the build tree, run,
# and reported with days 2-3 as the "prediction" days; the headline figures (hourly Spearman of
# model and naive predictor, volume ratios, run counts) are checked against
# tests/replays/binance_expected.json with a relative tolerance of 1e-6 (the run is deterministic
# for any thread count; a change of the model that moves the replay must update the file on
# purpose, with the full run's figures in docs/replays.md).
# Usage: binance.sh LIQNET REPO WORKDIR. Skips (77) without the shared data.
set -euo pipefail
liqnet=$1 repo=$2 work=$3
data="$repo/../shared/data/events/binance-ethusdt-2021-01/ethusdt_quotes_liquidations.csv"
[ -f "$data" ] || { echo "no $data: skipped"; exit 77; }
mkdir -p "$work"
/usr/bin/python3 "$repo/tools/replays/binance_prepare.py" --data "$data" --out "$work" --days 3
"$liqnet" run "$repo/graphs/replays/binance-ethusdt-2021-01.yaml" -o "$work/run.h5" --force \
    --rounds 4320 --quiet --set "shocks[0].file=$work/path.csv"
/usr/bin/python3 "$repo/tools/replays/binance_report.py" "$work/run.h5" --data "$data" \
    --first-day 2 --last-day 3 --json "$work/figures.json"
/usr/bin/python3 - "$work/figures.json" "$repo/tests/replays/binance_expected.json" <<'PY'
import json, math, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
def walk(g, w, where):
    if isinstance(w, dict):
        for k, v in w.items():
            walk(g[k], v, f"{where}.{k}" if where else k)
    elif isinstance(w, float) and isinstance(g, float):
        if not math.isclose(g, w, rel_tol=1e-6, abs_tol=1e-9):
            bad.append(f"{where}: {g} != recorded {w}")
    elif g != w:
        bad.append(f"{where}: {g} != recorded {w}")
walk(got, want, "")
print("\n".join(bad) or "headline figures as recorded")
sys.exit(1 if bad else 0)
PY
