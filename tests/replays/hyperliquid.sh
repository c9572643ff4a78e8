#!/bin/bash
# The Hyperliquid 10 October 2025 replay at CI size (21:00-21:25, 1500 rounds): prepares the inputs
# from the shared event data into the build tree, runs liqnet, and checks the headline figures
# against tests/replays/hyperliquid_expected.json (relative tolerance 1e-6: the run is
# deterministic; a change of the model that moves the replay must update the file on purpose).
# Usage: hyperliquid.sh LIQNET REPO WORKDIR. Skips (77) without the shared data.
set -euo pipefail
liqnet=$1 repo=$2 work=$3
data="$repo/../shared/data/events/crash-2025-10-10"
[ -d "$data" ] || { echo "no $data: skipped"; exit 77; }
mkdir -p "$work"
/usr/bin/python3 "$repo/tools/replays/hyperliquid_prepare.py" --data "$data" --out "$work" \
    --seconds 1500 > /dev/null
"$liqnet" run "$repo/graphs/replays/hyperliquid-2025-10-10.yaml" -o "$work/run.h5" --force --rounds 1500 \
    --set "shocks[0].file=$work/path.csv" \
    --set "protocols[0].positions.file=$work/positions_BTC.csv" \
    --set "protocols[1].positions.file=$work/positions_SOL.csv" > /dev/null
/usr/bin/python3 "$repo/tools/replays/hyperliquid_report.py" "$work/run.h5" --json "$work/figures.json"
/usr/bin/python3 - "$work/figures.json" "$repo/tests/replays/hyperliquid_expected.json" <<'PY'
import json, math, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
for coin, w in want.items():
    for k, v in w.items():
        g = got[coin][k]
        if v is None or g is None:
            ok = v == g
        else:
            ok = math.isclose(g, v, rel_tol=1e-6, abs_tol=1e-9)
        if not ok:
            bad.append(f"{coin} {k}: {g} != recorded {v}")
print("\n".join(bad) or "headline figures as recorded")
sys.exit(1 if bad else 0)
PY
