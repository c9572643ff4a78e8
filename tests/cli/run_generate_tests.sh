#!/usr/bin/env bash
# End-to-end tests of `liqnet generate`: the same options give the same
# bytes (on standard output and in a file), another seed gives other bytes,
# every model's output passes `liqnet check` with the stated counts, degree
# sequences come inline or from a file, and bad options are refused with a
# message naming the option and its value (exit 2), an existing file without
# --force with exit 1.
# Usage: run_generate_tests.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$1
src=$2
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"

gen=("$liqnet" generate --protocols 40 --assets 12 --accounts 5000 --rounds 20)

# --- determinism -----------------------------------------------------------
"${gen[@]}" --seed 5 > "$work/a.yaml"
"${gen[@]}" --seed 5 -o "$work/b.yaml"
"${gen[@]}" --seed 6 > "$work/c.yaml"
if cmp -s "$work/a.yaml" "$work/b.yaml"; then ok "same seed: same bytes (stdout and -o)"; else bad "same seed: bytes differ"; fi
if cmp -s "$work/a.yaml" "$work/c.yaml"; then bad "seeds 5 and 6 give the same bytes"; else ok "another seed: other bytes"; fi
[ ! -e "$work/b.yaml.tmp" ] && ok "no temporary file left" || bad "temporary file left behind"

# --- -o and --force --------------------------------------------------------
expect "existing output without --force" 1 "b.yaml: file exists; pass --force" -- "${gen[@]}" --seed 6 -o "$work/b.yaml"
cmp -s "$work/a.yaml" "$work/b.yaml" && ok "refused file left as it was" || bad "refused file changed"
expect "existing output with --force" 0 "" -- "${gen[@]}" --seed 6 -o "$work/b.yaml" --force
cmp -s "$work/c.yaml" "$work/b.yaml" && ok "--force replaces the file" || bad "--force did not replace the file"

# --- every model passes liqnet check, with the stated counts ---------------
# counts FILE PROTOCOLS ASSETS ACCOUNTS: the scenario has that many protocols,
# ASSETS + 1 assets and oracles, ASSETS pools and generated accounts in all.
counts() {
  "$py" - "$@" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
p, a, n = map(int, sys.argv[2:5])
got = (len(d["protocols"]), len(d["assets"]), len(d["pools"]), len(d["oracles"]),
       sum(g["count"] for g in d["accounts"]))
want = (p, a + 1, a, a + 1, n)
sys.exit(0 if got == want else f"counts {got}, expected {want}")
PY
}
for model in erdos_renyi barabasi_albert blocks; do
  "$liqnet" generate --model "$model" --protocols 30 --assets 9 --accounts 3001 --seed 2 -o "$work/$model.yaml"
  expect "$model passes liqnet check" 0 "" -- "$liqnet" check "$work/$model.yaml"
  counts "$work/$model.yaml" 30 9 3001 && ok "$model: stated counts" || bad "$model: counts"
done
"$liqnet" generate --model blocks --blocks 3 --p-within 1 --p-between 0 --protocols 6 --assets 6 \
  --accounts 60 > "$work/blocks3.yaml"
"$py" - "$work/blocks3.yaml" <<'PY' && ok "blocks 3, p-within 1, p-between 0: protocol k uses assets of cluster k/2" || bad "blocks: clusters"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for k, p in enumerate(d["protocols"]):
    assets = sorted(int(m["asset"][3:]) - 1 for m in p["markets"])
    assert assets == [2 * (k // 2), 2 * (k // 2) + 1], (k, assets)
PY

# Degree sequences inline and from a file (commas, blanks, newlines, comments)
# give the same bytes, and realise exactly those degrees.
"$liqnet" generate --model degrees --protocol-degrees 3,2,2,1,1,1 --asset-degrees 4,3,2,1 \
  --accounts 600 --seed 3 > "$work/deg_inline.yaml"
printf '# collateral assets per protocol\n3 2\n2, 1\n\n1 1  # the small ones\n' > "$work/p.txt"
printf '4\n3\n2\n1\n' > "$work/a.txt"
"$liqnet" generate --model degrees --protocol-degrees "@$work/p.txt" --asset-degrees "@$work/a.txt" \
  --accounts 600 --seed 3 > "$work/deg_file.yaml"
cmp -s "$work/deg_inline.yaml" "$work/deg_file.yaml" && ok "degrees inline = degrees from files" || bad "degrees inline and from files differ"
expect "degrees passes liqnet check" 0 "" -- "$liqnet" check "$work/deg_inline.yaml"
"$py" - "$work/deg_inline.yaml" <<'PY' && ok "degrees realised exactly" || bad "degrees not realised"
import sys, yaml, collections
d = yaml.safe_load(open(sys.argv[1]))
assert [len(p["markets"]) for p in d["protocols"]] == [3, 2, 2, 1, 1, 1]
per = collections.Counter(m["asset"] for p in d["protocols"] for m in p["markets"])
assert [per[f"TKN{i}"] for i in range(1, 5)] == [4, 3, 2, 1], per
PY

# Several pools and oracles per asset: the stated counts, each market on a
# pool and an oracle of its own asset, and the output passes liqnet check.
"$liqnet" generate --protocols 30 --assets 7 --pools-per-asset 3 --oracles-per-asset 2 --seed 2 \
  -o "$work/multi.yaml"
expect "3 pools and 2 oracles per asset pass liqnet check" 0 "" -- "$liqnet" check "$work/multi.yaml"
"$py" - "$work/multi.yaml" <<'PY' && ok "3 pools and 2 oracles per asset: counts, markets on their asset's" || bad "pools and oracles per asset"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert len(d["pools"]) == 21 and len(d["oracles"]) == 15, (len(d["pools"]), len(d["oracles"]))
pools = {p["name"]: p["token0"] for p in d["pools"]}
oracles = {o["name"]: o["asset"] for o in d["oracles"]}
assert "TKN7-USDS-3" in pools and "TKN7/USD-2" in oracles
for p in d["protocols"]:
    for m in p["markets"]:
        assert pools[m["route"]] == m["asset"] and oracles[m["oracle"]] == m["asset"], m
PY

# --min-depth-ratio: every depth at least R times its pool's reserve (3
# significant digits), nothing else changed.
"$liqnet" generate --protocols 40 --assets 30 --seed 4 > "$work/d0.yaml"
"$liqnet" generate --protocols 40 --assets 30 --seed 4 --min-depth-ratio 3 > "$work/d3.yaml"
"$py" - "$work/d0.yaml" "$work/d3.yaml" <<'PY' && ok "--min-depth-ratio 3 raises the shallow depths only" || bad "--min-depth-ratio"
import sys, yaml
a, b = (yaml.safe_load(open(f)) for f in sys.argv[1:3])
assert a["pools"] == b["pools"] and a["protocols"] == b["protocols"]
raised = 0
for x, y, pool in zip(a["assets"][:-1], b["assets"][:-1], b["pools"]):
    floor = 3 * pool["reserve0"]
    assert y["market_depth"] >= floor * 0.995, (y, pool)
    raised += y["market_depth"] != x["market_depth"]
    assert y["market_depth"] == x["market_depth"] or x["market_depth"] < floor * 1.005
assert raised > 0
PY

# --- bad usage: exit 2, naming the option and the value --------------------
expect "unknown option" 2 "unknown option '--protocol'" -- "$liqnet" generate --protocol 5
expect "unexpected argument" 2 "unexpected argument 'extra'" -- "$liqnet" generate extra
expect "missing value" 2 "--assets needs a value" -- "$liqnet" generate --assets
expect "zero protocols" 2 "--protocols: '0'; expected a whole number >= 1" -- "$liqnet" generate --protocols 0
expect "assets not a number" 2 "--assets: 'many'; expected a whole number >= 1" -- "$liqnet" generate --assets many
expect "negative accounts" 2 "--accounts: '-5'; expected a whole number" -- "$liqnet" generate --accounts -5
expect "alpha 0" 2 "--alpha: '0'; expected a number > 0" -- "$liqnet" generate --alpha 0
expect "probability 1.5" 2 "--probability: '1.5'; expected a number in \[0, 1\]" -- "$liqnet" generate --probability 1.5
expect "probability nan" 2 "--probability: 'nan'" -- "$liqnet" generate --probability nan
expect "unknown model" 2 "--model: 'lattice'; expected erdos_renyi, barabasi_albert, blocks or degrees" -- "$liqnet" generate --model lattice
expect "option of another model" 2 "--probability is an option of --model erdos_renyi, not of --model blocks" -- "$liqnet" generate --model blocks --probability 0.1
expect "too many blocks" 2 "--blocks 7: expected at most --protocols \(10\) and --assets \(5\)" -- "$liqnet" generate --model blocks --blocks 7
expect "shock after the last round" 2 "--shock-round 30 is after the last round \(--rounds 20\)" -- "$liqnet" generate --rounds 20 --shock-round 30
expect "shock return -1" 2 "--shock-return: '-1'; expected a number > -1" -- "$liqnet" generate --shock-return -1
expect "pools per asset 0" 2 "--pools-per-asset: '0'; expected a whole number from 1 to 1000" -- "$liqnet" generate --pools-per-asset 0
expect "oracles per asset 1001" 2 "--oracles-per-asset: '1001'; expected a whole number from 1 to 1000" -- "$liqnet" generate --oracles-per-asset 1001
expect "depth ratio negative" 2 "--min-depth-ratio: '-2'; expected a number >= 0" -- "$liqnet" generate --min-depth-ratio -2
expect "name with a quote" 2 "--name: 'a\"b'" -- "$liqnet" generate --name 'a"b'
expect "degrees without asset degrees" 2 "--model degrees needs --protocol-degrees and --asset-degrees" -- "$liqnet" generate --model degrees --protocol-degrees 1,1
expect "bad inline degree" 2 "--asset-degrees: 'x' is not a whole number >= 0" -- "$liqnet" generate --model degrees --protocol-degrees 1 --asset-degrees 1,x
expect "degree count vs --protocols" 2 "--protocols 3, but --protocol-degrees lists 2 degrees" -- "$liqnet" generate --model degrees --protocols 3 --protocol-degrees 1,1 --asset-degrees 2
expect "unequal degree sums" 2 "protocol_degrees add up to 2 and asset_degrees to 3" -- "$liqnet" generate --model degrees --protocol-degrees 1,1 --asset-degrees 2,1
expect "unrealisable degrees" 2 "protocol_degrees and asset_degrees: igraph:" -- "$liqnet" generate --model degrees --protocol-degrees 1,3 --asset-degrees 2,2,0
printf '2\n1 two\n' > "$work/bad.txt"
expect "bad degree in a file" 1 "--asset-degrees: .*bad.txt:2: 'two' is not a whole number >= 0" -- "$liqnet" generate --model degrees --protocol-degrees 1,1,1 --asset-degrees "@$work/bad.txt"
expect "missing degree file" 1 "--protocol-degrees: cannot open .*nothere.txt" -- "$liqnet" generate --model degrees --protocol-degrees "@$work/nothere.txt" --asset-degrees 1
expect "generate --help" 0 "" -- "$liqnet" generate --help
grep -q -- "--min-depth-ratio" "$work/out" && ok "--help lists the options" || bad "--help output"

finish
