#!/usr/bin/env bash
# A generated ecosystem end to end, the small version of the 10^5-protocol,
# 10^7-account benchmark (benchmarks/README.md): `liqnet generate` 1000
# protocols on 100 collateral assets with 10^5 accounts, `liqnet run` it with
# 1, 2 and 3 threads (bit-identical files, a cascade whose per-round series
# add up to the summary), and `liqnet graph` it (the protocol graph's links
# counted independently from the YAML). Also: without --min-depth-ratio the
# same ecosystem diverges (why the option exists), and --centrality auto
# leaves out exact betweenness above its limit with a note.
# Usage: run_ecosystem_test.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$1
src=$2
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"

eco=(--model erdos_renyi --probability 0.02 --protocols 1000 --assets 100 --accounts 100000
     --rounds 30 --seed 1)
"$liqnet" generate "${eco[@]}" --min-depth-ratio 1 -o "$work/eco.yaml" \
  && ok "generate 1000 protocols, 10^5 accounts" || bad "generate"
"$liqnet" generate "${eco[@]}" -o "$work/unstable.yaml"

# Seed 1 without the depth floor: some assets' pools hold many times their
# market depth (TKN061 diverges first in this draw), and the arbitrage-impact
# loop diverges.
expect "without --min-depth-ratio the loop diverges" 1 \
  "reference price of asset 'TKN[0-9]+' became inf: the feedback between arbitrage and market impact diverged" \
  -- "$liqnet" run "$work/unstable.yaml" -o "$work/unstable.h5" --quiet

for t in 1 2 3; do
  expect "run with $t threads" 0 "" -- "$liqnet" run "$work/eco.yaml" -o "$work/eco_$t.h5" --threads "$t" --quiet
done

"$py" - "$work" <<'PY' && ok "1, 2, 3 threads bit-identical; series add up to the summary; a cascade" || bad "run contents"
import sys, h5py, numpy as np
w = sys.argv[1]
files = [h5py.File(f"{w}/eco_{t}.h5", "r") for t in (1, 2, 3)]
f = files[0]
status = f.attrs["status"]
status = status.decode() if isinstance(status, bytes) else status
assert status == "complete", status
assert f["protocol"].shape == (1000,) and f["asset"].shape == (101,)
assert f["pool"].shape == (100,) and f["oracle"].shape == (101,)
assert f["round"].shape == (31,), f["round"].shape
names = []
f.visit(lambda n: names.append(n) if isinstance(f[n], h5py.Dataset) else None)
for g in files[1:]:
    for n in names:
        a, b = f[n][()], g[n][()]
        if a.dtype.kind == "f":
            assert np.array_equal(a.view(np.int64), b.view(np.int64)), n
        else:
            assert np.array_equal(a, b), n
liq = f["liquidations"][()]
assert liq.sum() > 0
assert np.array_equal(liq.sum(axis=0), f["total_liquidations"][()])
fund = f["insurance_fund"][()]
assert np.array_equal(fund[0] - fund[-1], f["insurance_drawdown"][()])
print("liquidations:", int(liq.sum()), "protocols with bad debt:",
      int((f["final_bad_debt"][()] > 0).sum()))
PY

# The protocol graph: two protocols are linked when they share a collateral
# asset (and so its pool and oracle: weight 3 per shared asset).
expect "graph of the ecosystem" 0 "" -- "$liqnet" graph "$work/eco.yaml" -o "$work/eco.graphml"
cp "$work/out" "$work/graph.out"
"$py" - "$work/eco.yaml" "$work/graph.out" <<'PY' && ok "protocol graph links = pairs sharing an asset" || bad "protocol graph links"
import sys, re, yaml, itertools
d = yaml.safe_load(open(sys.argv[1]))
users = {}
for j, p in enumerate(d["protocols"]):
    for m in p["markets"]:
        users.setdefault(m["asset"], set()).add(j)
pairs = set()
for s in users.values():
    pairs.update(itertools.combinations(sorted(s), 2))
out = open(sys.argv[2]).read()
m = re.search(r"protocol graph: (\d+) protocols, (\d+) links", out)
assert m and int(m.group(1)) == 1000 and int(m.group(2)) == len(pairs), (m and m.groups(), len(pairs))
assert "betweenness: not computed" not in out
PY

# 1500 protocols on one asset: a complete graph of 1124250 links, and
# 1500 x 1124250 > 1e9, so --centrality auto leaves betweenness out.
"$liqnet" generate --protocols 1500 --assets 1 --accounts 1500 -o "$work/one.yaml"
expect "graph above the betweenness limit" 0 "" -- "$liqnet" graph "$work/one.yaml" -o "$work/one.graphml"
grep -q "betweenness: not computed: 1500 protocols x 1124250 links = 1.69e+09 is above the limit 1e+09" "$work/out" \
  && ok "--centrality auto: note above the limit" || bad "no betweenness note: $(tail -2 "$work/out")"
expect "--centrality skip" 0 "" -- "$liqnet" graph "$work/eco.yaml" -o "$work/eco.graphml" --centrality skip
grep -q "betweenness: not computed, --centrality skip" "$work/out" && ok "--centrality skip: note" || bad "--centrality skip"
expect "--betweenness bad" 2 "--centrality takes auto, exact or skip, not some" -- "$liqnet" graph "$work/eco.yaml" -o "$work/x.graphml" --centrality some

finish
