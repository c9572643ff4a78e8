#!/usr/bin/env bash
# The command line's conventions, command by command: --help exits 0 with
# the command's usage on stdout; a usage error is one line and the hint
# "see 'liqnet COMMAND --help'" on stderr, exit 2; --opt=value and -ovalue
# are --opt value; `--` ends the options; --set PATH=VALUE changes the
# scenario (checked in the resolved `liqnet check` output) and a bad path is
# the sweep path error; run --json parses and its numbers are the file's;
# --top limits the tables; `liqnet show FILE.h5` prints what run printed.
# Usage: run_options_tests.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$1
src=$2
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"

# A small scenario (the one of run_cli_tests.sh).
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

# --- --help: every command, exit 0, usage on stdout, nothing on stderr ------
for cmd in run check sweep graph generate show help version; do
  expect "$cmd --help" 0 "" -- "$liqnet" "$cmd" --help
  if head -1 "$work/out" | grep -q "^usage: liqnet $cmd" && [ ! -s "$work/err" ] &&
     grep -q -- "^  -h, --help " "$work/out"; then
    ok "$cmd --help: usage line, options, no stderr"
  else
    bad "$cmd --help: $(head -c 300 "$work/out") / $(head -c 300 "$work/err")"
  fi
  cp "$work/out" "$work/help-$cmd"
  "$liqnet" help "$cmd" > "$work/out" 2>&1
  cmp -s "$work/out" "$work/help-$cmd" && ok "liqnet help $cmd = $cmd --help" ||
    bad "liqnet help $cmd differs from $cmd --help"
  expect "$cmd -h" 0 "" -- "$liqnet" "$cmd" -h
done
# Every option of a command's table is in its help (sweep's --stop-after was not).
grep -q -- "--stop-after N" "$work/help-sweep" && ok "sweep --help lists --stop-after" ||
  bad "sweep --help lacks --stop-after"
for opt in --set --json --top --centrality --output; do
  grep -q -- "$opt" "$work/help-run" && ok "run --help lists $opt" || bad "run --help lacks $opt"
done
# --help wins wherever it stands, as getopt_long's would.
expect "run SCENARIO --help" 0 "" -- "$liqnet" run "$work/good.yaml" --help
cmp -s "$work/out" "$work/help-run" && ok "run SCENARIO --help prints run's help" || bad "run SCENARIO --help"
expect "check --help does not read a file" 0 "" -- "$liqnet" check --help
grep -q "^usage: liqnet check" "$work/out" && ok "check --help is help" || bad "check --help: $(head -c 200 "$work/out")"
expect "liqnet help" 0 "" -- "$liqnet" help
for cmd in run check sweep graph generate show; do
  grep -Eq "^  $cmd +[a-z]" "$work/out" && ok "liqnet help lists $cmd" || bad "liqnet help lacks $cmd"
done
expect "liqnet --help" 0 "" -- "$liqnet" --help
expect "help of an unknown command" 2 "^liqnet: unknown command 'frob'$" -- "$liqnet" help frob

# --- usage errors: exactly one line and the hint, exit 2 -------------------
# one_line NAME CMD MESSAGE -- ARGS: exit 2, stderr is exactly MESSAGE and
# "see 'liqnet CMD --help'", stdout empty.
one_line() {
  local name=$1 cmd=$2 message=$3
  shift 4
  "$liqnet" "$@" > "$work/out" 2> "$work/err"
  local rc=$?
  printf 'liqnet: %s\nsee '\''liqnet %s --help'\''\n' "$message" "$cmd" > "$work/want"
  if [ $rc -eq 2 ] && cmp -s "$work/err" "$work/want" && [ ! -s "$work/out" ]; then
    ok "$name"
  else
    bad "$name: exit $rc; stderr: $(cat "$work/err")"
  fi
}
one_line "run: unknown option" run "unknown option '--fast'" -- run "$work/good.yaml" --fast
one_line "run: unknown option with a value" run "unknown option '--fast'" -- run "$work/good.yaml" --fast=1
one_line "run: missing output" run "run needs an output file: -o OUT.h5" -- run "$work/good.yaml"
one_line "run: missing scenario" run "run needs a scenario file" -- run -o "$work/x.h5"
one_line "run: two scenarios" run "unexpected argument 'b.yaml'" -- run a.yaml b.yaml -o x.h5
one_line "run: value missing" run "--threads needs a value (N)" -- run "$work/good.yaml" -o x.h5 --threads
one_line "run: flag given a value" run "option '--force' takes no value" -- run "$work/good.yaml" -o x.h5 --force=yes
one_line "run: --threads=0" run "--threads takes a whole number from 1 to 4096, not '0'" -- \
  run "$work/good.yaml" -o x.h5 --threads=0
one_line "run: --top -1" run "--top takes a whole number >= 0, not '-1'" -- run "$work/good.yaml" -o x.h5 --top -1
one_line "run: --centrality" run "--centrality takes auto, exact or skip, not 'some'" -- \
  run "$work/good.yaml" -o x.h5 --centrality=some
one_line "run: --set without =" run "--set takes PATH=VALUE, not 'rounds'" -- run "$work/good.yaml" -o x.h5 --set rounds
one_line "check: unknown option" check "unknown option '--fast'" -- check --fast "$work/good.yaml"
one_line "check: two files" check "check takes exactly one scenario file" -- check a.yaml b.yaml
one_line "check: no file" check "check takes exactly one scenario file" -- check
one_line "sweep: unknown option" sweep "unknown option '--fast'" -- sweep s.yaml --fast
one_line "sweep: --stop-after=0" sweep "--stop-after takes a whole number >= 1, not '0'" -- sweep s.yaml -o x.h5 --stop-after=0
one_line "sweep: --force and --resume" sweep "--force and --resume exclude each other" -- sweep s.yaml -o x.h5 --force --resume
one_line "graph: unknown option" graph "unknown option '--fast'" -- graph s.yaml --fast
one_line "graph: --format" graph "--format takes graphml or gml, not xml" -- graph s.yaml -o x --format=xml
one_line "generate: unknown option" generate "unknown option '--protocol'" -- generate --protocol 5
one_line "generate: --assets=many" generate "--assets: 'many'; expected a whole number >= 1" -- generate --assets=many
one_line "show: unknown option" show "unknown option '--fast'" -- show x.h5 --fast
one_line "show: no file" show "show needs a run file" -- show
one_line "version: an argument" version "unexpected argument 'x'" -- version x
"$liqnet" frobnicate > "$work/out" 2> "$work/err"
rc=$?
printf "liqnet: unknown command 'frobnicate'\nsee 'liqnet help'\n" > "$work/want"
[ $rc -eq 2 ] && cmp -s "$work/err" "$work/want" && ok "unknown command: one line and 'see liqnet help'" ||
  bad "unknown command: exit $rc, $(cat "$work/err")"

# --- --opt=value, -ovalue, and -- -------------------------------------------
expect "run --output=F --rounds=5 --seed=7 --threads=2" 0 "" -- \
  "$liqnet" run "$work/good.yaml" --output="$work/eq.h5" --rounds=5 --seed=7 --threads=2 --quiet
"$py" - "$work/eq.h5" <<'PY' && ok "--opt=value: 6 records, seed 7" || bad "--opt=value not applied"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f["round"].shape == (6,), f["round"].shape
assert int(f.attrs["seed"]) == 7
PY
expect "run -oFILE" 0 "" -- "$liqnet" run "$work/good.yaml" "-o$work/short.h5" --rounds 3 --quiet
[ -s "$work/short.h5" ] && ok "-oFILE writes FILE" || bad "-oFILE wrote nothing"
cp "$work/good.yaml" "$work/--weird.yaml"
cd "$work"
expect "check --weird.yaml without --" 2 "unknown option '--weird.yaml'" -- "$liqnet" check --weird.yaml
expect "check -- --weird.yaml" 0 "" -- "$liqnet" check -- --weird.yaml
grep -q 'name: "Lender"' "$work/out" && ok "-- lets a file named like an option be read" || bad "check -- --weird.yaml output"
expect "run -o x.h5 -- --weird.yaml" 0 "" -- "$liqnet" run -o "$work/weird.h5" --quiet -- --weird.yaml
[ -s "$work/weird.h5" ] && ok "run reads the file after --" || bad "run -- --weird.yaml wrote nothing"
cd - > /dev/null

# --- --set ------------------------------------------------------------------
"$liqnet" check "$work/good.yaml" > "$work/check-plain.txt"
expect "check --set" 0 "" -- "$liqnet" check "$work/good.yaml" \
  --set 'protocols[Lender].markets[WETH].liquidation_bonus=0.07' --set rounds=33
diff "$work/check-plain.txt" "$work/out" > "$work/diff"
grep '^[<>]' "$work/diff" | sed 's/^\([<>]\) */\1 /' > "$work/changed"
cat > "$work/want" <<'TXT'
< rounds: 20
> rounds: 33
< liquidation_bonus: 0.05
> liquidation_bonus: 0.07
TXT
cmp -s "$work/changed" "$work/want" && ok "--set changes exactly rounds and the bonus in the resolved scenario" ||
  bad "--set: resolved difference: $(cat "$work/diff")"
expect "check --set a key left at its default" 0 "" -- "$liqnet" check "$work/good.yaml" --set seed=1234
grep -q "^seed: 1234$" "$work/out" && ok "--set adds an absent key" || bad "--set seed: $(grep seed "$work/out")"
expect "check --set later wins" 0 "" -- "$liqnet" check "$work/good.yaml" --set rounds=5 --set=rounds=6
grep -q "^rounds: 6$" "$work/out" && ok "--set applies in order" || bad "--set order: $(grep '^rounds' "$work/out")"
expect "check --set bad path" 1 \
  "^liqnet: error: --set: protocols\[Nope\]\.markets\[WETH\]\.liquidation_bonus: no item named 'Nope' in protocols; items: Lender$" -- \
  "$liqnet" check "$work/good.yaml" --set 'protocols[Nope].markets[WETH].liquidation_bonus=0.1'
expect "check --set bad value" 1 "liquidation_bonus" -- \
  "$liqnet" check "$work/good.yaml" --set 'protocols[Lender].markets[WETH].liquidation_bonus=-1'
expect "check --set on a missing file" 1 "nothere.yaml: cannot read" -- \
  "$liqnet" check "$work/nothere.yaml" --set rounds=3
expect "run --set rounds" 0 "" -- "$liqnet" run "$work/good.yaml" -o "$work/set.h5" --set rounds=7 --quiet
"$py" -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r"); assert f["round"].shape == (8,)' "$work/set.h5" &&
  ok "run --set rounds=7: 8 records" || bad "run --set rounds=7"
expect "run --set bad path" 1 "^liqnet: error: --set: pools\[9\]\.reserve0: " -- \
  "$liqnet" run "$work/good.yaml" -o "$work/setbad.h5" --set 'pools[9].reserve0=5'
[ ! -e "$work/setbad.h5" ] && ok "no output after a bad --set" || bad "output left after a bad --set"

# --- --json: parses, and its numbers are the file's --------------------------
expect "run --json" 0 "" -- "$liqnet" run "$src/graphs/demo.yaml" -o "$work/demo.h5" --json --threads 2
cp "$work/out" "$work/demo.json"
"$py" - "$work/demo.json" "$work/demo.h5" <<'PY' && ok "--json: every number equals the file's" || bad "--json against the file"
import json, math, sys, h5py, numpy as np
doc = json.load(open(sys.argv[1]))
f = h5py.File(sys.argv[2], "r")
def same(value, stored):
    stored = stored.item() if hasattr(stored, "item") else stored
    if value is None:
        return isinstance(stored, float) and not math.isfinite(stored)
    return value == stored and type(value) in (int, float)
checked = 0
meta = {"liqnet_version", "scenario", "seed", "rounds", "accounts", "threads", "seconds",
        "output", "status", "total_liquidations", "oracles", "protocols"}
for key, value in doc.items():
    assert key in meta or (key in f and f[key].shape == ()), key
    if key in f and f[key].shape == ():
        assert same(value, f[key][()]), (key, value, f[key][()])
        checked += 1
names = {"oracles": "oracle", "protocols": "protocol"}
for group, dim in names.items():
    labels = [n.decode() if isinstance(n, bytes) else n for n in f[dim][:]]
    assert [row["name"] for row in doc[group]] == labels
    for i, row in enumerate(doc[group]):
        for key, value in row.items():
            assert key in ("name", "asset") or f[key].shape == (len(labels),), key
            if key not in ("name", "asset"):
                assert same(value, f[key][i]), (group, i, key, value, f[key][i])
                checked += 1
assert checked > 80, checked
assert doc["status"] == "complete" and doc["scenario"] == "demo" and doc["seed"] == 42
assert doc["total_liquidations"] == int(f["total_liquidations"][:].sum())
assert doc["threads"] == 2 and doc["rounds"] == int(f.attrs["rounds_completed"])
PY
expect "run --json --quiet" 0 "" -- "$liqnet" run "$work/good.yaml" -o "$work/q.h5" --json --quiet
"$py" -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/out" && ok "--json --quiet prints the JSON object" ||
  bad "--json --quiet: $(head -c 200 "$work/out")"

# --- show FILE.h5: the summary run printed -------------------------------------
"$liqnet" run "$src/graphs/demo.yaml" -o "$work/demo2.h5" --threads 2 > "$work/run.txt"
expect "show" 0 "" -- "$liqnet" show "$work/demo2.h5"
if cmp -s <(tail -n +2 "$work/run.txt") <(tail -n +2 "$work/out"); then
  ok "show prints run's summary (every line after the header)"
else
  bad "show differs: $(diff <(tail -n +2 "$work/run.txt") <(tail -n +2 "$work/out") | head -5)"
fi
grep -q "^liqnet .*: scenario 'demo', seed 42, 300 rounds; from .*demo2.h5 (written by liqnet " "$work/out" &&
  ok "show's header names the file" || bad "show header: $(head -1 "$work/out")"
expect "show --json" 0 "" -- "$liqnet" show "$work/demo.h5" --json
"$py" - "$work/demo.json" "$work/out" <<'PY' && ok "show --json = run --json but the machine's keys" || bad "show --json differs"
import json, sys
run, show = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for key in ("accounts", "threads", "seconds"):
    del run[key]
assert run == show, [k for k in run if run[k] != show.get(k)]
PY
"$liqnet" run "$src/tests/data/partition_cross_perp.yaml" -o "$work/perp.h5" --threads 2 > "$work/perp.txt"
"$liqnet" show "$work/perp.h5" > "$work/out"
if cmp -s <(tail -n +2 "$work/perp.txt" | grep -v '^cross margin:') <(tail -n +2 "$work/out"); then
  ok "show of a perp and cross-margin run: run's lines but the cross-margin line"
else
  bad "show (perp) differs: $(diff <(tail -n +2 "$work/perp.txt") <(tail -n +2 "$work/out") | head -5)"
fi
cat > "$work/sweep.yaml" <<YAML
base: $work/good.yaml
parameters:
  - path: protocols[Lender].markets[WETH].liquidation_bonus
    values: [0.05, 0.1]
YAML
"$liqnet" sweep "$work/sweep.yaml" -o "$work/sweep.h5" --quiet
expect "show a sweep file" 0 "" -- "$liqnet" show "$work/sweep.h5"
grep -q "sweep.h5: a sweep results file, 2 runs, status complete" "$work/out" && grep -q "not a run file" "$work/out" &&
  ok "show describes a sweep file" || bad "show sweep: $(cat "$work/out")"
expect "show a YAML file" 1 "^liqnet: error: .*good.yaml: not an HDF5 file" -- "$liqnet" show "$work/good.yaml"
expect "show a missing file" 1 "^liqnet: error: .*nothere.h5: cannot open the file" -- "$liqnet" show "$work/nothere.h5"
"$py" -c 'import sys, h5py; h5py.File(sys.argv[1], "w").attrs["x"] = 1' "$work/other.h5"
expect "show another HDF5 file" 1 "not a liqnet run file" -- "$liqnet" show "$work/other.h5"
# A run killed before its end has no summary yet.
"$py" - "$work/demo2.h5" "$work/cut.h5" <<'PY'
import sys, h5py
src, dst = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "w")
for k, v in src.attrs.items():
    dst.attrs[k] = v
dst.attrs["status"] = "incomplete"
src.copy("round", dst)
PY
expect "show a run without its summary" 1 "no summary variable 'amplification': the run has no summary yet" -- \
  "$liqnet" show "$work/cut.h5"

# --- --top -------------------------------------------------------------------------
"$liqnet" generate --protocols 30 --assets 6 --accounts 30000 --rounds 30 --min-depth-ratio 1 \
  --shock-return -0.4 -o "$work/eco.yaml"
"$liqnet" run "$work/eco.yaml" -o "$work/eco.h5" --top 5 --threads 2 > "$work/top5.txt"
# protocol rows: between the table's header and its total row
rows() { sed -n '/^protocol /,/^total /p' "$1" | sed '1d;$d'; }
[ "$(rows "$work/top5.txt" | wc -l)" -eq 5 ] && ok "--top 5: five protocol rows" || bad "--top 5: $(rows "$work/top5.txt" | wc -l) rows"
grep -q "^(the 5 of 30 protocols with the largest liquidated value; 25 more not shown: --top N shows N, --top 0 all)$" \
  "$work/top5.txt" && ok "--top 5: the line saying 25 were left out" || bad "--top 5: no left-out line"
"$py" - "$work/top5.txt" "$work/eco.h5" <<'PY' && ok "--top 5: the five largest by liquidated value, largest first" || bad "--top 5: wrong rows"
import sys, h5py, numpy as np
lines = open(sys.argv[1]).read().splitlines()
at = next(i for i, l in enumerate(lines) if l.startswith("protocol "))
shown = [l.split()[0] for l in lines[at + 1:at + 6]]
f = h5py.File(sys.argv[2], "r")
names = [n.decode() if isinstance(n, bytes) else n for n in f["protocol"][:]]
value = f["liquidated_value"][:]
order = sorted(range(len(names)), key=lambda i: (-value[i], i))[:5]
assert shown == [names[i] for i in order], (shown, [names[i] for i in order])
total = next(l for l in lines if l.startswith("total "))
assert int(total.split()[1]) == int(f["total_liquidations"][:].sum())
PY
"$liqnet" show "$work/eco.h5" > "$work/top-default.txt"
[ "$(rows "$work/top-default.txt" | wc -l)" -eq 20 ] && ok "default --top: 20 rows" || bad "default: $(rows "$work/top-default.txt" | wc -l) rows"
"$liqnet" show "$work/eco.h5" --top 0 > "$work/top0.txt"
[ "$(rows "$work/top0.txt" | wc -l)" -eq 30 ] && ! grep -q "more not shown" "$work/top0.txt" &&
  ok "--top 0: all 30 rows, no left-out line" || bad "--top 0"
"$liqnet" show "$work/eco.h5" --top 5 > "$work/out"
cmp -s <(tail -n +2 "$work/top5.txt") <(tail -n +2 "$work/out") && ok "show --top 5 = run --top 5" || bad "show --top 5 differs"

# --- README's command-line examples run as written ------------------------------
# The ./build/liqnet lines of README's "Running" section (a trailing
# backslash continues a line), run in a scratch directory.
sed -n '/^## Running$/,/^## /p' "$src/README.md" | sed -n '/^```sh$/,/^```$/p' | grep -v '^```' |
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' > "$work/readme.sh"
n_examples=$(grep -c '^\./build/liqnet ' "$work/readme.sh")
[ "$n_examples" -ge 3 ] && ok "README: $n_examples command-line examples found" || bad "README: $n_examples examples"
sed -i -e "s|^\./build/liqnet |\"\$liqnet\" |" -e "s| graphs/| $src/graphs/|g" "$work/readme.sh"
(cd "$work" && liqnet=$liqnet bash -e "$work/readme.sh" > "$work/readme.out" 2> "$work/readme.err")
rc=$?
[ $rc -eq 0 ] && ok "README's examples run" || bad "README's examples: exit $rc: $(tail -3 "$work/readme.err")"
"$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["status"] == "complete"' \
  "$work/demo-deeper.json" && ok "README: the --json example parses" || bad "README: --json example"
grep -q "^(the 2 of 3 protocols with the largest liquidated value; 1 more not shown" "$work/readme.out" &&
  grep -q "^rounds: 50$" "$work/readme.out" && ok "README: --set and --top examples do what the text says" ||
  bad "README examples' output: $(head -c 300 "$work/readme.out")"

finish
