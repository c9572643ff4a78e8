#!/usr/bin/python3
"""Independent reference implementation of liqnet's model R0 (MODEL.md sections 3 and 4).

Why it exists: it is the golden check of the C engine. It was written from the specification
only, without reading the engine's sources, so that a shared misreading would have to happen
twice to go unnoticed. It favours being obviously correct over being fast: plain Python floats,
plain loops, one round at a time, every sum taken in the order the specification states.

What it does:
  r0_reference.py SCENARIO.yaml [-o OUT.npz]      simulate and write the trajectories (.npz)
  r0_reference.py SCENARIO.yaml --compare OUT.h5  simulate and compare with a liqnet output file
  r0_reference.py --selftest                      assert the MODEL.md reference vectors

Tolerance of --compare (per variable v, entity j, round t; ref = this reference, eng = engine):
  |eng - ref| <= RTOL * |ref| + ATOL_FACTOR * scale(v, j),   RTOL = ATOL_FACTOR = 1e-9,
  scale(v, j) = max over rounds t of |ref[v][t, j]|.
The absolute part only matters near zero crossings, e.g. a market whose debt is fully repaid:
the engine keeps market unit totals incrementally, so its total may be a rounding residue where
the reference's direct sum is exactly 0. Everything else should agree to a few ulps; the 1e-9
leaves room for libm and summation-order differences, not for a different model.
Exit status: 0 when every value matches, 1 on any mismatch (or a missing/misshaped variable),
2 on a scenario or usage error.

Only what R0 covers is accepted: constant-product pools, market / pool_spot / pool_twap oracles,
lending protocols, schedule shocks, and accounts from positions files. Anything else (generated
accounts draw from a counter-based RNG this file does not reproduce; stochastic shocks; auctions)
is refused with a message rather than silently approximated.

Python: run with /usr/bin/python3 (needs PyYAML; numpy for .npz output; h5py for --compare).
"""

import argparse
import csv
import math
import os
import re
import sys
from fractions import Fraction

RTOL = 1e-9
ATOL_FACTOR = 1e-9

ASSET_VARS = ("exogenous_price", "reference_price")
POOL_VARS = ("pool_reserve0", "pool_reserve1", "pool_price")
ORACLE_VARS = ("oracle_price",)
PROTOCOL_VARS = ("liquidations", "repaid_value", "seized_value", "stalled", "bad_debt",
                 "insurance_fund", "deficit", "collateral_value", "debt_value")
# Variable -> which coordinate names its columns. The order is the order of the phases of a
# round, so that the first mismatch reported inside a round is the most upstream one.
VARIABLES = ([(v, "asset") for v in ASSET_VARS] + [(v, "pool") for v in POOL_VARS]
             + [(v, "oracle") for v in ORACLE_VARS] + [(v, "protocol") for v in PROTOCOL_VARS])


class ScenarioError(Exception):
    """The scenario is malformed or uses something outside R0."""


# ---------------------------------------------------------------------------------------------
# Scenario loading

def _require(mapping, key, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise ScenarioError(f"{where}: missing required key '{key}'")
    return mapping[key]


def _number(value, where):
    """A YAML number; 'inf'/'.inf' (string or float) is infinity."""
    if isinstance(value, bool):
        raise ScenarioError(f"{where}: expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in ("inf", ".inf", "+inf", "infinity"):
        return math.inf
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}: expected a number, got {value!r}") from None


_UNIT_SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
                 "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
                 "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400,
                 "days": 86400}


def _integer(value, where):
    """A YAML integer; also a number with an integral value written as a float or '1e4'
    (PyYAML reads exponent-only numbers such as 1e4 as strings)."""
    x = _number(value, where)
    if not (math.isfinite(x) and x.is_integer()):
        raise ScenarioError(f"{where}: expected an integer, got {value!r}")
    return int(x)


def parse_duration(value, round_seconds, where):
    """A duration in whole rounds: a YAML integer is rounds, '60s'/'5min'/'1h' is seconds
    converted by rounding up (MODEL.md s3). Exact rational arithmetic, so 60s at 12 s/round is
    exactly 5 rounds and never 5.000000001 -> 6."""
    if isinstance(value, bool):
        raise ScenarioError(f"{where}: expected a duration, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ScenarioError(f"{where}: negative duration {value}")
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([a-zA-Z]*)\s*", value)
        if m:
            amount = Fraction(m.group(1))
            unit = m.group(2).lower()
            if unit == "":
                if amount.denominator == 1:
                    return int(amount)
            elif unit in _UNIT_SECONDS:
                seconds = amount * _UNIT_SECONDS[unit]
                return math.ceil(seconds / Fraction(round_seconds))
        try:
            rounds = _integer(value, where)    # '1e4': PyYAML leaves it a string
        except ScenarioError:
            rounds = -1
        if rounds >= 0:
            return rounds
    raise ScenarioError(f"{where}: cannot read duration {value!r} "
                        "(an integer number of rounds, or e.g. '60s', '5min', '1h')")


def load_scenario(path):
    """Read a liqnet scenario YAML into plain dicts/lists with every default filled in."""
    import yaml  # PyYAML

    with open(path, "r", encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    if not isinstance(doc, dict):
        raise ScenarioError(f"{path}: not a YAML mapping")
    base_dir = os.path.dirname(os.path.abspath(path))

    rounds = _integer(_require(doc, "rounds", "scenario"), "rounds")
    round_seconds = _number(doc.get("round_seconds", 12), "round_seconds")
    if rounds < 0 or not round_seconds > 0:
        raise ScenarioError("scenario: rounds must be >= 0 and round_seconds > 0")

    assets = []
    for i, a in enumerate(_require(doc, "assets", "scenario")):
        where = f"assets[{i}]"
        assets.append({
            "name": str(_require(a, "name", where)),
            "price": _number(_require(a, "price", where), where + ".price"),
            "depth": _number(a.get("market_depth", math.inf), where + ".market_depth"),
            "resilience": _number(a.get("market_resilience", 0.0), where + ".market_resilience"),
        })
    asset_index = {a["name"]: i for i, a in enumerate(assets)}
    if len(asset_index) != len(assets):
        raise ScenarioError("assets: duplicate names")

    def asset_ref(name, where):
        if name not in asset_index:
            raise ScenarioError(f"{where}: unknown asset {name!r}")
        return asset_index[name]

    pools = []
    for i, p in enumerate(doc.get("pools") or []):
        where = f"pools[{i}]"
        kind = p.get("kind", "constant_product")
        if kind != "constant_product":
            raise ScenarioError(f"{where}: pool kind {kind!r} is outside R0")
        pools.append({
            "name": str(_require(p, "name", where)),
            "token0": asset_ref(_require(p, "token0", where), where + ".token0"),
            "token1": asset_ref(_require(p, "token1", where), where + ".token1"),
            "reserve0": _number(_require(p, "reserve0", where), where + ".reserve0"),
            "reserve1": _number(_require(p, "reserve1", where), where + ".reserve1"),
            "fee": _number(p.get("fee", 0.003), where + ".fee"),
            "arbitrage": _number(p.get("arbitrage", 1.0), where + ".arbitrage"),
        })
    pool_index = {p["name"]: i for i, p in enumerate(pools)}

    def pool_ref(name, where):
        if name not in pool_index:
            raise ScenarioError(f"{where}: unknown pool {name!r}")
        return pool_index[name]

    oracles = []
    for i, o in enumerate(doc.get("oracles") or []):
        where = f"oracles[{i}]"
        source = _require(o, "source", where)
        entry = {
            "name": str(_require(o, "name", where)),
            "source": source,
            "heartbeat": parse_duration(o.get("heartbeat", 1), round_seconds, where + ".heartbeat"),
            "deviation": _number(o.get("deviation", 0.0), where + ".deviation"),
            "latency": parse_duration(o.get("latency", 0), round_seconds, where + ".latency"),
        }
        if source == "market":
            entry["asset"] = asset_ref(_require(o, "asset", where), where + ".asset")
        elif source in ("pool_spot", "pool_twap"):
            entry["pool"] = pool_ref(_require(o, "pool", where), where + ".pool")
            if source == "pool_twap":
                entry["window"] = parse_duration(_require(o, "window", where), round_seconds,
                                                 where + ".window")
                if entry["window"] < 1:
                    raise ScenarioError(f"{where}.window: must be at least 1 round")
        else:
            raise ScenarioError(f"{where}: oracle source {source!r} is outside this reference")
        oracles.append(entry)
    oracle_index = {o["name"]: i for i, o in enumerate(oracles)}

    def oracle_ref(name, where):
        if name not in oracle_index:
            raise ScenarioError(f"{where}: unknown oracle {name!r}")
        return oracle_index[name]

    protocols = []
    for i, pr in enumerate(_require(doc, "protocols", "scenario")):
        where = f"protocols[{i}]"
        kind = pr.get("kind", "lending")
        if kind != "lending":
            raise ScenarioError(f"{where}: protocol kind {kind!r} is outside R0")
        keepers = pr.get("keepers") or {}
        max_liq = keepers.get("max_liquidations")
        entry = {
            "name": str(_require(pr, "name", where)),
            "debt_asset": asset_ref(_require(pr, "debt_asset", where), where + ".debt_asset"),
            "debt_oracle": oracle_ref(_require(pr, "debt_oracle", where), where + ".debt_oracle"),
            "insurance_fund": _number(pr.get("insurance_fund", 0.0), where + ".insurance_fund"),
            "gas_cost": _number(keepers.get("gas_cost", 0.0), where + ".keepers.gas_cost"),
            "min_profit": _number(keepers.get("min_profit", 0.0), where + ".keepers.min_profit"),
            "max_liquidations": (None if max_liq is None or max_liq == "unlimited"
                                 else _integer(max_liq, where + ".keepers.max_liquidations")),
            "markets": [],
        }
        for j, m in enumerate(_require(pr, "markets", where)):
            mw = f"{where}.markets[{j}]"
            market = {
                "asset": asset_ref(_require(m, "asset", mw), mw + ".asset"),
                "oracle": oracle_ref(_require(m, "oracle", mw), mw + ".oracle"),
                "route": pool_ref(_require(m, "route", mw), mw + ".route"),
                "lt": _number(_require(m, "liquidation_threshold", mw), mw + ".liquidation_threshold"),
                "bonus": _number(_require(m, "liquidation_bonus", mw), mw + ".liquidation_bonus"),
                "close_factor": _number(m.get("close_factor", 0.5), mw + ".close_factor"),
                "full_close_health": _number(m.get("full_close_health", 0.95),
                                             mw + ".full_close_health"),
            }
            route = pools[market["route"]]
            if market["asset"] not in (route["token0"], route["token1"]):
                raise ScenarioError(f"{mw}: route pool {route['name']} does not trade the collateral")
            entry["markets"].append(market)
        entry["market_of_asset"] = {m["asset"]: k for k, m in enumerate(entry["markets"])}
        if len(entry["market_of_asset"]) != len(entry["markets"]):
            raise ScenarioError(f"{where}: two markets for one collateral asset")
        protocols.append(entry)
    protocol_index = {p["name"]: i for i, p in enumerate(protocols)}

    # Accounts: every positions file in list order, rows in file order. Inside a protocol the
    # accounts are then grouped by market in scenario order (a stable sort keeps row order).
    rows = []
    for i, spec in enumerate(doc.get("accounts") or []):
        where = f"accounts[{i}]"
        if (not isinstance(spec, dict) or "file" not in spec
                or not set(spec) <= {"file", "format"}
                or str(spec.get("format", "csv")).lower() != "csv"
                or (str(spec["file"]).lower().endswith((".h5", ".hdf5")) and "format" not in spec)):
            raise ScenarioError(f"{where}: only CSV positions files are read by the reference "
                                "(generated accounts use the engine's counter-based RNG)")
        fpath = os.path.join(base_dir, str(spec["file"]))
        with open(fpath, "r", encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            need = {"protocol", "collateral_asset", "collateral", "debt"}
            if reader.fieldnames is None or not need.issubset(reader.fieldnames):
                raise ScenarioError(f"{fpath}: needs columns {sorted(need)}")
            for line, row in enumerate(reader, start=2):
                pname = row["protocol"].strip()
                aname = row["collateral_asset"].strip()
                if pname not in protocol_index:
                    raise ScenarioError(f"{fpath}:{line}: unknown protocol {pname!r}")
                proto = protocols[protocol_index[pname]]
                if aname not in asset_index or asset_index[aname] not in proto["market_of_asset"]:
                    raise ScenarioError(f"{fpath}:{line}: protocol {pname} has no {aname!r} market")
                rows.append((protocol_index[pname], proto["market_of_asset"][asset_index[aname]],
                             float(row["collateral"]), float(row["debt"])))
    for pi, proto in enumerate(protocols):
        mine = [r for r in rows if r[0] == pi]
        mine.sort(key=lambda r: r[1])  # stable: file row order within a market
        proto["acct_market"] = [r[1] for r in mine]
        proto["acct_c"] = [r[2] for r in mine]
        proto["acct_d"] = [r[3] for r in mine]

    # Shocks: schedule only. returns[a][t] is the sum of the log returns hitting asset a in
    # round t, added in shock-list order then step order.
    returns = [[0.0] * (rounds + 1) for _ in assets]
    for i, sh in enumerate(doc.get("shocks") or []):
        where = f"shocks[{i}]"
        if sh.get("type") != "schedule":
            raise ScenarioError(f"{where}: shock type {sh.get('type')!r} is outside this reference")
        a = asset_ref(_require(sh, "asset", where), where + ".asset")
        for j, st in enumerate(_require(sh, "steps", where)):
            sw = f"{where}.steps[{j}]"
            t = _integer(_require(st, "round", sw), sw + ".round")
            if "log_return" in st:
                r = _number(st["log_return"], sw + ".log_return")
            elif "return" in st:
                r = math.log1p(_number(st["return"], sw + ".return"))
            else:
                raise ScenarioError(f"{sw}: needs 'return' or 'log_return'")
            if 1 <= t <= rounds:
                returns[a][t] += r
    return {"rounds": rounds, "round_seconds": round_seconds, "assets": assets, "pools": pools,
            "oracles": oracles, "protocols": protocols, "returns": returns}


# ---------------------------------------------------------------------------------------------
# The model's formulas, each written once (MODEL.md s4)

def swap_out(reserve_in, reserve_out, amount_in, fee):
    """Constant-product payout for selling amount_in: y*dx*(1-fee)/(x + dx*(1-fee))."""
    return reserve_out * amount_in * (1.0 - fee) / (reserve_in + amount_in * (1.0 - fee))


def arbitrage(x, y, target, kappa):
    """New reserves after arbitrage toward price `target` (token1 per token0), k = x*y kept."""
    if kappa == 0.0:
        return x, y
    if kappa == 1.0:
        new_price = target
    else:
        new_price = math.exp((1.0 - kappa) * math.log(y / x) + kappa * math.log(target))
    k = x * y
    return math.sqrt(k / new_price), math.sqrt(k * new_price)


def health(c, price_collateral, lt, d, price_debt):
    """HF = c*O_a*LT/(d*O_b), in exactly this operation order."""
    return c * price_collateral * lt / (d * price_debt)


def liquidation_quote(c, d, price_collateral, price_debt, hf, bonus, close_factor, full_close):
    """(repay r, seize s) for a liquidatable account, with the seizure capped at c."""
    f = 1.0 if hf < full_close else close_factor
    r = f * d
    s = r * price_debt * (1.0 + bonus) / price_collateral
    if s > c:
        s = c
        r = c * price_collateral / ((1.0 + bonus) * price_debt)
    return r, s


def oracle_publishes(t, t_pub, heartbeat, deviation, value, current):
    return (t - t_pub >= heartbeat) or (abs(value / current - 1.0) >= deviation)


# ---------------------------------------------------------------------------------------------
# The simulation

def simulate(sc):
    """Run R0; return {variable: list of rows (one per round 0..T) of per-entity values}."""
    T = sc["rounds"]
    assets, pools, oracles, protocols = sc["assets"], sc["pools"], sc["oracles"], sc["protocols"]
    out = {v: [] for v, _ in VARIABLES}

    E = [a["price"] for a in assets]
    I = [0.0 for _ in assets]
    S = [a["price"] for a in assets]
    S_hist = [[s] for s in S]                      # S_hist[a][t]
    X = [p["reserve0"] for p in pools]
    Y = [p["reserve1"] for p in pools]
    spot_hist = [[Y[k] / X[k]] for k in range(len(pools))]   # after arbitrage, per round
    Q_prev = [0.0 for _ in assets]                 # units sold outside by last round's arbitrage

    def source_value(o, t):
        u = max(0, t - o["latency"])
        if o["source"] == "market":
            return S_hist[o["asset"]][u]
        hist = spot_hist[o["pool"]]
        if o["source"] == "pool_spot":
            return hist[u]
        first = max(0, u - o["window"] + 1)
        total = 0.0
        for tau in range(first, u + 1):            # oldest first
            total += hist[tau]
        return total / (u + 1 - first)

    O = [source_value(o, 0) for o in oracles]
    t_pub = [0 for _ in oracles]

    state = []
    for pr in protocols:
        state.append({"c": list(pr["acct_c"]), "d": list(pr["acct_d"]),
                      "fund": pr["insurance_fund"], "deficit": 0.0, "bad": 0.0})

    def balance_values(pr, st):
        """Collateral and debt value at current oracle prices (unit totals per market)."""
        n_m = len(pr["markets"])
        units_c = [0.0] * n_m
        units_d = [0.0] * n_m
        for i, m in enumerate(pr["acct_market"]):
            units_c[m] += st["c"][i]
            units_d[m] += st["d"][i]
        coll = 0.0
        for m, market in enumerate(pr["markets"]):
            coll += units_c[m] * O[market["oracle"]]
        debt_units = 0.0
        for m in range(n_m):
            debt_units += units_d[m]
        return coll, debt_units * O[pr["debt_oracle"]]

    def record(flows):
        out["exogenous_price"].append(list(E))
        out["reference_price"].append(list(S))
        out["pool_reserve0"].append(list(X))
        out["pool_reserve1"].append(list(Y))
        out["pool_price"].append([Y[k] / X[k] for k in range(len(pools))])
        out["oracle_price"].append(list(O))
        rows = {v: [] for v in PROTOCOL_VARS}
        for pi, pr in enumerate(protocols):
            st = state[pi]
            coll, debt = balance_values(pr, st)
            f = flows[pi]
            rows["liquidations"].append(f["liquidations"])
            rows["repaid_value"].append(f["repaid"])
            rows["seized_value"].append(f["seized"])
            rows["stalled"].append(f["stalled"])
            rows["bad_debt"].append(st["bad"])
            rows["insurance_fund"].append(st["fund"])
            rows["deficit"].append(st["deficit"])
            rows["collateral_value"].append(coll)
            rows["debt_value"].append(debt)
        for v in PROTOCOL_VARS:
            out[v].append(rows[v])

    def no_flows():
        return [{"liquidations": 0, "repaid": 0.0, "seized": 0.0, "stalled": 0} for _ in protocols]

    record(no_flows())

    for t in range(1, T + 1):
        # (1) market
        for a, asset in enumerate(assets):
            E[a] = E[a] * math.exp(sc["returns"][a][t])
            flow = 0.0 if math.isinf(asset["depth"]) else Q_prev[a] / asset["depth"]
            I[a] = (1.0 - asset["resilience"]) * I[a] + flow
            S[a] = E[a] * math.exp(-I[a])
            S_hist[a].append(S[a])

        # (2) arbitrage; Q for next round summed over pools in pool order
        Q_next = [0.0 for _ in assets]
        for k, p in enumerate(pools):
            target = S[p["token0"]] / S[p["token1"]]
            x_new, y_new = arbitrage(X[k], Y[k], target, p["arbitrage"])
            Q_next[p["token0"]] += X[k] - x_new
            Q_next[p["token1"]] += Y[k] - y_new
            X[k], Y[k] = x_new, y_new
            spot_hist[k].append(Y[k] / X[k])
        Q_prev = Q_next

        # (3) oracles
        for j, o in enumerate(oracles):
            v = source_value(o, t)
            if oracle_publishes(t, t_pub[j], o["heartbeat"], o["deviation"], v, O[j]):
                O[j] = v
                t_pub[j] = t

        # (4) margin engines
        flows = no_flows()
        seized_units = []                          # [protocol][market]
        for pi, pr in enumerate(protocols):
            st = state[pi]
            c, d = st["c"], st["d"]
            price_debt = O[pr["debt_oracle"]]
            eligible = []                          # (hf, index, r, s), in account order
            stalled = 0
            for i, m in enumerate(pr["acct_market"]):
                if not d[i] > 0.0:
                    continue
                market = pr["markets"][m]
                price_coll = O[market["oracle"]]
                hf = health(c[i], price_coll, market["lt"], d[i], price_debt)
                if not hf < 1.0:
                    continue
                r, s = liquidation_quote(c[i], d[i], price_coll, price_debt, hf, market["bonus"],
                                         market["close_factor"], market["full_close_health"])
                if r * price_debt * market["bonus"] - pr["gas_cost"] >= pr["min_profit"]:
                    eligible.append((hf, i, r, s))
                else:
                    stalled += 1
            cap = pr["max_liquidations"]
            if cap is not None and len(eligible) > cap:
                chosen = sorted(eligible, key=lambda e: (e[0], e[1]))[:cap]
                stalled += len(eligible) - cap
                chosen.sort(key=lambda e: e[1])    # apply in account order
            else:
                chosen = eligible
            units = [0.0] * len(pr["markets"])
            repaid = 0.0
            seized = 0.0
            bad_round = 0.0
            for _, i, r, s in chosen:
                market = pr["markets"][pr["acct_market"][i]]
                c[i] -= s
                d[i] -= r
                repaid += r * price_debt
                seized += s * O[market["oracle"]]
                units[pr["acct_market"][i]] += s
                if c[i] <= 0.0 and d[i] > 0.0:
                    bad_round += d[i] * price_debt
                    d[i] = 0.0
            paid = min(st["fund"], bad_round)
            st["fund"] -= paid
            st["deficit"] += bad_round - paid
            st["bad"] += bad_round
            flows[pi] = {"liquidations": len(chosen), "repaid": repaid, "seized": seized,
                         "stalled": stalled}
            seized_units.append(units)

        # (5) venues: orders summed per side in protocol order then market order
        for k, p in enumerate(pools):
            in0 = 0.0
            in1 = 0.0
            for pi, pr in enumerate(protocols):
                for m, market in enumerate(pr["markets"]):
                    if market["route"] != k:
                        continue
                    if market["asset"] == p["token0"]:
                        in0 += seized_units[pi][m]
                    elif market["asset"] == p["token1"]:
                        in1 += seized_units[pi][m]
            if in0 > 0.0:
                got = swap_out(X[k], Y[k], in0, p["fee"])
                X[k] += in0
                Y[k] -= got
            if in1 > 0.0:
                got = swap_out(Y[k], X[k], in1, p["fee"])
                Y[k] += in1
                X[k] -= got

        record(flows)
    return out


def coordinates(sc):
    return {"asset": [a["name"] for a in sc["assets"]], "pool": [p["name"] for p in sc["pools"]],
            "oracle": [o["name"] for o in sc["oracles"]],
            "protocol": [p["name"] for p in sc["protocols"]]}


# ---------------------------------------------------------------------------------------------
# Output and comparison

def write_npz(path, sc, traj):
    import numpy as np

    arrays = {v: np.array(traj[v], dtype=np.float64) for v, _ in VARIABLES}
    for name, values in coordinates(sc).items():
        arrays[name] = np.array(values, dtype=str)
    np.savez(path, **arrays)


def _names(raw):
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in raw]


def compare(sc, traj, h5_path, stream=sys.stdout):
    """Compare every variable at every round and entity; return True when all match."""
    import h5py
    import numpy as np

    coords = coordinates(sc)
    n_rows = sc["rounds"] + 1
    ok = True
    first = None          # (round, variable order, variable, entity, ref, eng)
    print(f"comparing {h5_path} with the R0 reference: rtol {RTOL:g}, "
          f"atol {ATOL_FACTOR:g} * max_t |ref| per entity", file=stream)
    print(f"{'variable':18s} {'max rel diff':>13s} {'max err/tol':>12s} {'mismatches':>10s}",
          file=stream)
    with h5py.File(h5_path, "r") as h5:
        columns = {}
        for kind, names in coords.items():
            if kind not in h5:
                print(f"  missing coordinate dataset '{kind}' in {h5_path}", file=stream)
                return False
            theirs = _names(h5[kind][()])
            missing = [n for n in names if n not in theirs]
            if missing or len(theirs) != len(names):
                print(f"  coordinate '{kind}' differs: reference {names}, engine {theirs}",
                      file=stream)
                return False
            columns[kind] = [theirs.index(n) for n in names]
        for order, (var, kind) in enumerate(VARIABLES):
            ref = np.array(traj[var], dtype=np.float64).reshape(n_rows, len(coords[kind]))
            if var not in h5:
                print(f"{var:18s} MISSING in engine output", file=stream)
                ok = False
                continue
            eng_all = np.asarray(h5[var][()], dtype=np.float64)
            if eng_all.ndim == 1 and len(coords[kind]) == 1:
                eng_all = eng_all.reshape(-1, 1)
            if eng_all.shape != (n_rows, len(coords[kind])):
                print(f"{var:18s} shape {eng_all.shape}, expected {(n_rows, len(coords[kind]))}",
                      file=stream)
                ok = False
                continue
            eng = eng_all[:, columns[kind]]
            scale = np.max(np.abs(ref), axis=0) if n_rows else np.zeros(len(coords[kind]))
            tol = RTOL * np.abs(ref) + ATOL_FACTOR * scale[np.newaxis, :]
            diff = np.abs(eng - ref)
            bad = ~(diff <= tol)      # NaN in either side counts as a mismatch
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(diff == 0, 0.0, diff / np.abs(ref))
                ratio = np.where(diff == 0, 0.0, diff / tol)
            max_rel = float(np.nanmax(rel)) if rel.size else 0.0
            max_ratio = float(np.nanmax(ratio)) if ratio.size else 0.0
            if np.isnan(rel).any():
                max_rel = math.nan
            n_bad = int(bad.sum())
            print(f"{var:18s} {max_rel:13.3e} {max_ratio:12.3e} {n_bad:10d}", file=stream)
            if n_bad:
                ok = False
                t, j = np.argwhere(bad)[0]          # row-major: earliest round first
                cand = (int(t), order, var, coords[kind][j], float(ref[t, j]), float(eng[t, j]))
                if first is None or cand[:2] < first[:2]:
                    first = cand
    if first is not None:
        t, _, var, entity, r, e = first
        print(f"FIRST MISMATCH: variable {var}, round {t}, entity {entity}: "
              f"reference {r!r}, engine {e!r} (diff {abs(e - r):.3e})", file=stream)
    print("MATCH" if ok else "MISMATCH", file=stream)
    return ok


# ---------------------------------------------------------------------------------------------
# Self-test: the reference vectors of MODEL.md and a few closed forms

def selftest():
    def close(a, b, tol=1e-12):
        assert abs(a - b) <= tol * max(1.0, abs(b)), (a, b)

    # Aave v3: 10 WETH at 2000, LT 0.83, 17000 USDC debt; bonus 5%, close factor 0.5.
    hf = health(10.0, 2000.0, 0.83, 17000.0, 1.0)
    close(hf, 16600.0 / 17000.0)
    close(hf, 0.976470588235294)
    r, s = liquidation_quote(10.0, 17000.0, 2000.0, 1.0, hf, 0.05, 0.5, 0.95)
    close(r, 8500.0)
    close(s, 4.4625)
    # Full close below full_close_health, and the seizure cap with bad debt left over.
    r, s = liquidation_quote(10.0, 17000.0, 2000.0, 1.0, 0.9, 0.05, 0.5, 0.95)
    close(r, 17000.0)
    close(s, 8.925)
    r, s = liquidation_quote(8.0, 17000.0, 2000.0, 1.0, 0.78, 0.05, 0.5, 0.95)
    close(s, 8.0)
    close(r, 16000.0 / 1.05)
    # Uniswap v2: sell 1 into (5, 10) at 0.3% fee.
    close(swap_out(5.0, 10.0, 1.0, 0.003), 1.662497915624478906, 1e-15)
    # Arbitrage: kappa 1 reaches the target on the same k; kappa 0.5 is the geometric mean.
    x, y = arbitrage(5.0, 10.0, 4.0, 1.0)
    close(y / x, 4.0)
    close(x * y, 50.0)
    x, y = arbitrage(5.0, 10.0, 4.0, 0.5)
    close(y / x, math.sqrt(8.0))
    close(x * y, 50.0)
    assert arbitrage(5.0, 10.0, 4.0, 0.0) == (5.0, 10.0)
    # Oracle rule: heartbeat or deviation.
    assert oracle_publishes(10, 0, 10, 0.01, 100.0, 100.0)
    assert not oracle_publishes(9, 0, 10, 0.01, 100.5, 100.0)
    assert oracle_publishes(9, 0, 10, 0.01, 101.0, 100.0)
    assert oracle_publishes(9, 0, 10, 0.01, 98.9, 100.0)
    # Durations: integers are rounds, strings round up at 12 s a round.
    assert parse_duration(3, 12, "x") == 3
    assert parse_duration("60s", 12, "x") == 5
    assert parse_duration("61s", 12, "x") == 6
    assert parse_duration("5min", 12, "x") == 25
    assert parse_duration("1h", 12, "x") == 300
    assert parse_duration("0.3h", 12, "x") == 90
    assert parse_duration("1e4", 12, "x") == 10000
    print("selftest passed")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", help="scenario YAML")
    ap.add_argument("-o", "--output", help="write trajectories to this .npz "
                    "(default: SCENARIO basename + .reference.npz when not comparing)")
    ap.add_argument("--compare", metavar="OUT.h5", help="compare with a liqnet output file")
    ap.add_argument("--selftest", action="store_true", help="assert the MODEL.md reference vectors")
    args = ap.parse_args(argv)

    if args.selftest:
        selftest()
        if not args.scenario:
            return 0
    if not args.scenario:
        ap.error("a scenario is required (or --selftest)")
    try:
        sc = load_scenario(args.scenario)
    except (ScenarioError, OSError, ValueError) as exc:
        print(f"r0_reference: {exc}", file=sys.stderr)
        return 2
    traj = simulate(sc)
    output = args.output
    if output is None and not args.compare:
        output = os.path.splitext(os.path.basename(args.scenario))[0] + ".reference.npz"
    if output:
        write_npz(output, sc, traj)
        print(f"wrote {output}")
    if args.compare:
        return 0 if compare(sc, traj, args.compare) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
