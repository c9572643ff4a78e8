#!/usr/bin/env bash
# End-to-end tests of the liqnet command line: bad input is refused with one
# clear message and the right exit status, nothing half-written passes for
# complete, an interrupted run leaves a readable file marked as such, and a
# complete run opens in xarray as one labelled dataset.
# Usage: run_cli_tests.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$1
src=$2
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"

# wait_for FILE: waits (up to 120 s) until FILE exists, i.e. the run has
# created its output and installed its signal handlers; then one more second
# of rounds. Timing on the file rather than a fixed sleep keeps the
# interruption tests right on a slow or loaded machine and under sanitizers.
wait_for() {
  for _ in $(seq 1200); do
    [ -s "$1" ] && { sleep 1; return 0; }
    sleep 0.1
  done
  return 1
}

# h5attr FILE ATTR: prints a root attribute of an HDF5 file.
h5attr() {
  "$py" -c 'import sys, h5py
v = h5py.File(sys.argv[1], "r").attrs[sys.argv[2]]
print(v.decode() if isinstance(v, bytes) else v)' "$1" "$2"
}

# A small valid scenario to break in different ways.
cat > "$work/good.yaml" <<'YAML'
rounds: 20
assets:
  - {name: WETH, price: 2000}
  - {name: USDC, price: 1}
pools:
  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 1000, reserve1: 2.0e6}
oracles:
  - {name: ETH, source: market, asset: WETH}
  - {name: USD, source: market, asset: USDC}
protocols:
  - name: Lender
    debt_asset: USDC
    debt_oracle: USD
    markets:
      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,
         liquidation_bonus: 0.05}
accounts:
  - {protocol: Lender, market: WETH, count: 1000, size: {distribution: pareto, alpha: 1.5, min: 1000},
     health: {distribution: uniform, min: 1.01, max: 1.5}}
shocks:
  - {type: schedule, asset: WETH, steps: [{round: 3, return: -0.2}]}
YAML

# --- usage ---------------------------------------------------------------
expect "no arguments" 2 "usage: liqnet run" -- "$liqnet"
expect "unknown command" 2 "unknown command 'frobnicate'" -- "$liqnet" frobnicate
expect "run without output" 2 "run needs an output file" -- "$liqnet" run "$work/good.yaml"
expect "threads 0" 2 "--threads takes a whole number from 1 to 4096, not '0'" -- \
  "$liqnet" run "$work/good.yaml" -o "$work/x.h5" --threads 0
expect "seed not a number" 2 "--seed takes a whole number >= 0, not 'abc'" -- \
  "$liqnet" run "$work/good.yaml" -o "$work/x.h5" --seed abc
expect "unknown option" 2 "unknown option '--fast'" -- "$liqnet" run "$work/good.yaml" --fast

# --- bad scenarios: one message naming file, line, key, value -------------
sed 's/reserve0: 1000/reserve0: -5/' "$work/good.yaml" > "$work/neg.yaml"
expect "negative reserve" 1 "neg.yaml:6:[0-9]+: pools\[0\]\.reserve0: .*-5.*expected" -- \
  "$liqnet" run "$work/neg.yaml" -o "$work/neg.h5"
[ ! -e "$work/neg.h5" ] && ok "no output for a rejected scenario" || bad "output left for a rejected scenario"

sed 's/price: 2000/prise: 2000/' "$work/good.yaml" > "$work/key.yaml"
expect "unknown key" 1 "key.yaml:3:[0-9]+: .*unknown key 'prise'" -- \
  "$liqnet" run "$work/key.yaml" -o "$work/key.h5"

sed 's/route: WETH-USDC/route: WETH-DAI/' "$work/good.yaml" > "$work/ref.yaml"
expect "undefined pool" 1 "ref.yaml:[0-9]+:[0-9]+: protocols\[0\]\.markets\[0\]\.route: no pool named 'WETH-DAI'" -- \
  "$liqnet" run "$work/ref.yaml" -o "$work/ref.h5"

sed 's/liquidation_threshold: 0.83/liquidation_threshold: 1.5/' "$work/good.yaml" > "$work/lt.yaml"
expect "threshold above 1" 1 "lt.yaml:[0-9]+:[0-9]+: protocols\[0\]\.markets\[0\]\.liquidation_threshold: .*1\.5" -- \
  "$liqnet" run "$work/lt.yaml" -o "$work/lt.h5"

sed 's/price: 2000/price: .nan/' "$work/good.yaml" > "$work/nan.yaml"
expect "NaN price" 1 "nan.yaml:3:[0-9]+: assets\[0\]\.price: .*not finite" -- \
  "$liqnet" run "$work/nan.yaml" -o "$work/nan.h5"

printf 'rounds: 20\nassets: [{name: WETH, price: 2000}\n' > "$work/syntax.yaml"
expect "YAML syntax" 1 "syntax.yaml:[0-9]+:[0-9]+: YAML syntax error" -- \
  "$liqnet" run "$work/syntax.yaml" -o "$work/syntax.h5"

expect "missing scenario file" 1 "missing.yaml" -- "$liqnet" run "$work/missing.yaml" -o "$work/m.h5"

cat "$work/good.yaml" > "$work/pos.yaml"
printf '  - {file: no-such-positions.csv}\n' >> "$work/pos.yaml"
sed -i 's/^  - {type: schedule/  - {type: schedule/' "$work/pos.yaml"
"$py" - "$work/pos.yaml" <<'PY'
import sys
# Move the appended positions item into the accounts list.
lines = open(sys.argv[1]).read().splitlines()
item = lines.pop()
at = lines.index("shocks:")
lines.insert(at, item)
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
expect "unreadable positions file" 1 "pos.yaml:[0-9]+:[0-9]+: accounts\[1\]\.file: .*no-such-positions.csv" -- \
  "$liqnet" run "$work/pos.yaml" -o "$work/pos.h5"

# --- a complete run -------------------------------------------------------
expect "complete run" 0 "" -- "$liqnet" run "$work/good.yaml" -o "$work/good.h5" --threads 2
if grep -q "cascade:" "$work/out" && grep -q "Lender" "$work/out"; then
  ok "summary printed"
else
  bad "summary printed: $(head -c 400 "$work/out")"
fi
[ "$(h5attr "$work/good.h5" status)" = complete ] && ok "status complete" || bad "status complete"
if "$py" "$src/tests/check_xarray.py" "$work/good.h5" > "$work/xr" 2>&1; then
  ok "xarray opens the output as one dataset"
else
  bad "xarray check: $(tail -5 "$work/xr")"
fi

expect "existing output without --force" 1 "good.h5: file exists; pass --force to overwrite" -- \
  "$liqnet" run "$work/good.yaml" -o "$work/good.h5"
expect "existing output with --force" 0 "" -- \
  "$liqnet" run "$work/good.yaml" -o "$work/good.h5" --force --quiet --seed 9 --rounds 25
[ "$(h5attr "$work/good.h5" seed)" = 9 ] && ok "--seed stored" || bad "--seed stored"
"$py" -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r"); assert f["round"].shape == (26,), f["round"].shape' \
  "$work/good.h5" && ok "--rounds gives 26 records" || bad "--rounds gives 26 records"

# --- a perp exchange beside lenders: the run and its contagion record ------
# (liq_network_build once read past the end of its protocol-kind names for
# a perp protocol and crashed here)
expect "perp and cross-margin run" 0 "" -- \
  "$liqnet" run "$src/tests/data/partition_cross_perp.yaml" -o "$work/perp.h5" --threads 2
grep -Eq "^Perps +[1-9]" "$work/out" && ok "perp run: the exchange's liquidations in the summary" ||
  bad "perp run: summary $(head -c 600 "$work/out")"
grep -q " 2000 accounts," "$work/out" && ok "perp run: 1500 lending and 500 perp accounts counted" ||
  bad "perp run: $(head -1 "$work/out")"
[ "$(h5attr "$work/perp.h5" status)" = complete ] && ok "perp run: status complete" ||
  bad "perp run: status $(h5attr "$work/perp.h5" status)"

# --- Dutch auctions: the summary table and the auction variables -----------
sed 's/^    debt_oracle: USD$/    debt_oracle: USD\n    liquidation: {mode: dutch_auction, curve: linear, tau: 600}/' \
  "$work/good.yaml" > "$work/dutch.yaml"
expect "run with Dutch auctions" 0 "" -- "$liqnet" run "$work/dutch.yaml" -o "$work/dutch.h5" --threads 2
if grep -q "^auctions " "$work/out" && grep -Eq "^Lender +[1-9][0-9]* " <(sed -n '/^auctions /,$p' "$work/out"); then
  ok "auction totals printed"
else
  bad "auction totals printed: $(tail -c 600 "$work/out")"
fi
if "$py" "$src/tests/check_xarray.py" "$work/dutch.h5" > "$work/xr" 2>&1; then
  ok "xarray opens an auction run's output"
else
  bad "xarray check (auctions): $(tail -5 "$work/xr")"
fi
"$py" - "$work/dutch.h5" <<'PY' && ok "auction series add up to the summary" || bad "auction series add up to the summary"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f["auctions_started"][:].sum() == f["total_auctions"][0] > 0
assert (f["auctions_started"][:] == f["liquidations"][:]).all()
assert np.isclose(f["keeper_rewards"][:].sum(), f["total_keeper_rewards"][0], rtol=1e-12)
assert f["auction_tab"][-1, 0] == f["final_auction_tab"][0]
PY

# --- the network as GraphML -------------------------------------------------
expect "graph without output" 2 "graph needs an output file" -- "$liqnet" graph "$src/graphs/demo.yaml"
expect "graph of the demo" 0 "" -- "$liqnet" graph "$src/graphs/demo.yaml" -o "$work/demo.graphml"
"$py" - "$work/demo.graphml" <<'PY' && ok "GraphML: 8 vertices of four kinds, protocols linked" || bad "GraphML content"
import sys, collections, xml.etree.ElementTree as ET
ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
root = ET.parse(sys.argv[1]).getroot()
keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
kinds = collections.Counter()
for node in root.iter("{http://graphml.graphdrawing.org/xmlns}node"):
    data = {keys[d.get("key")]: d.text for d in node.findall("g:data", ns)}
    kinds[data["kind"]] += 1
assert kinds == {"asset": 2, "pool": 1, "oracle": 2, "protocol": 3}, kinds
PY

# --- scenarios whose network is a graph file --------------------------------
# The demo's network written by `liqnet graph` and named by `network:` in a
# scenario that keeps the demo's other keys: the same resolved scenario, and
# the same trajectories bit for bit (here with 3 threads against 1).
sed '/^assets:/,/^accounts:/{/^accounts:/!d}' "$src/graphs/demo.yaml" > "$work/demo-net.yaml"
echo "network: demo.graphml" >> "$work/demo-net.yaml"
grep -q liquidation_threshold "$work/demo-net.yaml" && bad "demo-net.yaml still has the lists"
"$liqnet" check "$src/graphs/demo.yaml" > "$work/check-yaml.txt"
expect "check of the demo from its graph" 0 "" -- "$liqnet" check "$work/demo-net.yaml"
cmp -s "$work/out" "$work/check-yaml.txt" && ok "graph-based demo resolves like demo.yaml" \
  || bad "graph-based demo resolves differently: $(diff "$work/out" "$work/check-yaml.txt" | head -5)"
"$liqnet" run "$src/graphs/demo.yaml" -o "$work/demo-yaml.h5" --quiet --threads 1
expect "run of the demo from its graph" 0 "" -- \
  "$liqnet" run "$work/demo-net.yaml" -o "$work/demo-net.h5" --quiet --threads 3
"$py" - "$work/demo-yaml.h5" "$work/demo-net.h5" <<'PY' && ok "graph-based demo runs bit-identically" || bad "graph-based demo run differs"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
assert len(names) > 20, names
for n in names:
    x, y = a[n][()], b[n][()]
    assert x.shape == y.shape and x.dtype == y.dtype, n
    same = np.array_equal(x, y) if x.dtype.kind == "O" else x.tobytes() == y.tobytes()
    assert same, n
PY

# A sweep over the graph-based demo (runs parsed on two threads, so graph
# files are read concurrently) reaches graph values by path and gives the
# summary of the same sweep over demo.yaml.
for base in "$src/graphs/demo.yaml" "$work/demo-net.yaml"; do
  cat > "$work/sweep-$(basename "$base" .yaml).yaml" <<YAML
base: $base
rounds: 60
parameters:
  - path: protocols[AaveLike].markets[WETH].liquidation_bonus
    values: [0.05, 0.1]
  - path: pools[WETH-USDC].reserve0
    scale: [1, 0.5]
YAML
  "$liqnet" sweep "$work/sweep-$(basename "$base" .yaml).yaml" -o "$work/sweep-$(basename "$base" .yaml).h5" \
    --threads 2 > /dev/null 2> "$work/sweep.err" || bad "sweep of $(basename "$base"): $(cat "$work/sweep.err")"
done
"$py" - "$work/sweep-demo.h5" "$work/sweep-demo-net.h5" <<'PY' && ok "sweep over the graph-based demo equals the YAML one" || bad "graph-based sweep differs"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r")["summary"], h5py.File(sys.argv[2], "r")["summary"]
assert a["total_liquidated_value"].shape == (4,)
assert len(set(a["total_liquidated_value"][:])) == 4  # the paths changed the runs
for name in ("total_liquidated_value", "total_bad_debt", "total_liquidations", "max_amplification"):
    assert a[name][:].tobytes() == b[name][:].tobytes(), name
PY

# The shipped real-world network and its shock: loads, runs in seconds, and
# cascades across protocols (liquidations in four protocols, bad debt in at
# least one, every oracle of ETH falling with the market).
expect "ethereum-shock.yaml runs" 0 "" -- \
  "$liqnet" run "$src/graphs/ethereum-shock.yaml" -o "$work/eth.h5" --quiet
"$py" - "$work/eth.h5" <<'PY' && ok "ethereum-shock: a cross-protocol cascade" || bad "ethereum-shock: no cross-protocol cascade"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
status = f.attrs["status"]
assert (status.decode() if isinstance(status, bytes) else status) == "complete"
names = [n.decode() if isinstance(n, bytes) else n for n in f["protocol"][:]]
assert len(names) == 5, names
liquidated = f["liquidations"][:].sum(axis=0)
assert (liquidated > 0).sum() >= 4, dict(zip(names, liquidated))
assert f["bad_debt"][-1, :].max() > 0
PY
"$py" - "$src/graphs/ethereum-2025.graphml" <<'PY' && ok "ethereum-2025: every number has a source and a date" || bad "ethereum-2025: a number without source or date"
import sys, xml.etree.ElementTree as ET
g = "{http://graphml.graphdrawing.org/xmlns}"
root = ET.parse(sys.argv[1]).getroot()
keys = {k.get("id"): (k.get("attr.name"), k.get("attr.type")) for k in root.iter(g + "key")}
count = 0
for item in list(root.iter(g + "node")) + list(root.iter(g + "edge")):
    data = {keys[d.get("key")][0]: (keys[d.get("key")][1], d.text) for d in item.iter(g + "data")}
    for name, (kind, text) in data.items():
        if kind == "double":
            count += 1
            for meta in ("cite_" + name, "cite_date_" + name):
                assert data.get(meta, ("", ""))[1], (item.attrib, meta)
assert count > 80, count
PY
expect "check of ethereum-shock.yaml" 0 "" -- "$liqnet" check "$src/graphs/ethereum-shock.yaml"
grep -q 'name: "MakerDAO-ETH-A"' "$work/out" && ok "ethereum-shock: resolved with the graph's protocols" \
  || bad "ethereum-shock: resolved scenario lacks the graph's protocols"

# --- a run whose feedback diverges ----------------------------------------
# The pool holds 20 times what the external market absorbs per e-fold: the
# run stops with an error, keeps rounds 0..6 and says "failed".
cat > "$work/diverge.yaml" <<'YAML'
rounds: 200
assets: [{name: WETH, price: 2000, market_depth: 500}, {name: USDC, price: 1}]
pools: [{name: P, token0: WETH, token1: USDC, reserve0: 10000, reserve1: 2.0e7}]
shocks: [{type: schedule, asset: WETH, steps: [{round: 2, return: -0.01}]}]
YAML
expect "diverging run" 1 "round 7: the reference price of asset 'WETH' became inf.*diverged" -- \
  "$liqnet" run "$work/diverge.yaml" -o "$work/diverge.h5" --quiet
"$py" - "$work/diverge.h5" <<'PY' && ok "diverged file: status failed, error stored, rounds 0..6" || bad "diverged file"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
assert a["status"] == "failed", a["status"]
assert "diverged" in a["error"], a["error"]
assert f["round"].shape == (7,) and int(a["rounds_completed"]) == 6
assert np.all(np.isfinite(f["reference_price"][:]))
PY

# --- interruption ---------------------------------------------------------
# SIGINT: the run stops after the round in progress, writes what it has and
# marks the file interrupted, exit 130.
"$liqnet" run "$work/good.yaml" -o "$work/int.h5" --rounds 2000000 --quiet > /dev/null 2> "$work/int.err" &
pid=$!
wait_for "$work/int.h5"
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && [ "$(h5attr "$work/int.h5" status)" = interrupted ]; then
  ok "SIGINT: exit 130, status interrupted"
else
  bad "SIGINT: exit $rc, status $(h5attr "$work/int.h5" status 2>&1), $(cat "$work/int.err")"
fi
"$py" - "$work/int.h5" <<'PY' && ok "interrupted file holds every completed round" || bad "interrupted file rounds"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
n = f["round"].shape[0]
assert n > 1 and int(f.attrs["rounds_completed"]) == n - 1, (n, f.attrs["rounds_completed"])
assert np.array_equal(f["round"][:], np.arange(n))
assert f["oracle_price"].shape[0] == n and np.all(np.isfinite(f["oracle_price"][:]))
PY
"$py" - "$work/int.h5" <<'PY' && ok "interrupted file has its contagion record" || bad "interrupted file: contagion record"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
g = f["contagion"]
assert int(g.attrs["rounds_completed"]) == int(f.attrs["rounds_completed"])
assert np.array_equal(g["first_failure_round"][:], f["first_failure_round"][:])
assert g["protocol"].shape == f["protocol"].shape
PY

# SIGKILL: nothing can run, but the file as of the last flush stays readable
# and says incomplete. The writer makes no HDF5 call between flushes, but a
# kill that lands inside a flush can leave the last batch half written
# (docs/hdf5-schema.md). With the liquidation-price index a calm round takes
# microseconds, so a flush is no longer a negligible share of the run and a
# blind kill would land inside one too often. So the test stops the run
# (SIGSTOP), and kills it only once the file it stopped with reads back
# whole (HDF5_USE_FILE_LOCKING=FALSE: the stopped writer still holds the
# file); a stopped process writes nothing more, so the file after the kill
# is that file. A writer that left the file unreadable between flushes would
# fail every try.
cp "$work/good.yaml" "$work/kill.yaml"
sed -i 's/^rounds: 20/rounds: 2000000\noutput: {flush_every: 200}/; s/count: 1000,/count: 1000000,/' "$work/kill.yaml"
"$liqnet" run "$work/kill.yaml" -o "$work/kill.h5" --quiet > /dev/null 2>&1 &
pid=$!
wait_for "$work/kill.h5"
check_killed() {
  "$py" - "$work/kill.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
status = f.attrs["status"]
status = status.decode() if isinstance(status, bytes) else status
assert status == "incomplete", status
n = f["round"].shape[0]
assert n >= 1 and n == int(f.attrs["rounds_completed"]) + 1
assert np.all(np.isfinite(f["pool_price"][:]))
PY
}
killed=0
for _ in $(seq 20); do
  kill -STOP $pid
  if HDF5_USE_FILE_LOCKING=FALSE check_killed 2> /dev/null; then
    kill -KILL $pid
    killed=1
    break
  fi
  kill -CONT $pid
  sleep 0.2
done
[ $killed = 1 ] || kill -KILL $pid
wait $pid 2> /dev/null
[ $killed = 1 ] && check_killed && ok "SIGKILL: file readable, status incomplete" \
  || bad "SIGKILL: file unreadable or mislabelled"

finish
