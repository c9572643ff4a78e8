#!/usr/bin/python3
"""Inputs of the Hyperliquid 10 October 2025 replay (graphs/replays/hyperliquid-2025-10-10.yaml).

Reads the shared event data in place (../shared/data/events/crash-2025-10-10/, never copied) and
writes into OUT (default: graphs/replays/hyperliquid-2025-10-10.d/, git-ignored):

  path.csv            round,BTC,SOL,USDC: one row per second from 21:00:00 UTC (round 0) for
                      --seconds rounds, the last Gemini trade price at or before each second.
  positions_BTC.csv   the book of the BTC market (asset,side,position_size,entry_price,leverage_ratio)
  positions_SOL.csv   the same for SOL
  reconstruction.json every assumption's value and what the reconstruction produced

Price path. BTC has no Gemini trade from 21:13:59 to 21:20:0x. The gap is bridged with ETH, which
traded through it: log BTC(t) = log BTC(t0) + beta (log ETH(t) - log ETH(t0)) + a linear term that
makes the bridge end on BTC's first trade after the gap; beta is the least-squares slope of
BTC's 10-second log returns on ETH's over 20:30-22:00 outside the gap.

Book (the export is taken AFTER the crash: liquidated and ADL'd rows have size 0). Assumptions,
each stated once here and in reconstruction.json:
  A1 positions opened before the window (entry_price empty) entered at the 21:00 price e0;
  A2 a liquidated long (was_liquidated, LONG) had leverage L spread evenly, by its rank in the
     file, over [L_min, L_max]: L_max is the coin's maximum leverage (BTC 40, SOL 20), L_min the
     smallest leverage whose liquidation price e (1 - 1/L + mmr) lies above the window's lowest
     price; it was liquidated through the book, so its realised loss is the margin less the
     maintenance left: |pnl| = q e (1/L - mmr), mmr = 1 / (2 L_max) (maintenance = half the
     initial margin at maximum leverage); hence q = |pnl| / (e (1/L - mmr));
  A3 an ADL'd short (was_adl, SHORT, not liquidated) was closed at the mean Gemini price of the
     documented ADL period 21:16:04-21:26:57: |q| = pnl / (e - P_adl) (rows with e <= P_adl or
     pnl <= 0 are left out); leverage 1 (the ADL'd accounts' documented median is 0.20x of a
     cross account, which one isolated position cannot express);
  A4 open rows (size > 0) keep their size and entry (or e0): longs at leverage 2, shorts at 1 (they
     survived the crash, so their leverage was below L_min);
  A5 left out: liquidated shorts and ADL'd longs (few, their timing unknown), and rows closed by
     their owners (size 0, neither liquidated nor ADL'd).
"""
import argparse
import gzip
import json
import math
import os
import sys

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-10-10 21:00:00")
COINS = {"BTC": {"max_leverage": 40.0}, "SOL": {"max_leverage": 20.0}}
ADL_FROM = pd.Timestamp("2025-10-10 21:16:04")
ADL_TO = pd.Timestamp("2025-10-10 21:26:57")


def trades(data, coin):
    with gzip.open(os.path.join(data, f"gemini_{coin}USD_trades.csv.gz"), "rt") as f:
        d = pd.read_csv(f, usecols=["timestamp", "price"])
    d["t"] = pd.to_datetime(d["timestamp"], unit="us")
    return d.sort_values("t", kind="stable")[["t", "price"]]


def per_second(d, index):
    """Last trade at or before each second (trades in [s, s+1) count for s + 1's value)."""
    s = d.set_index("t")["price"]
    return s.groupby(s.index.ceil("s")).last().reindex(index, method="ffill")


def bridge_btc(btc, eth, info):
    """Fills BTC's longest trade gap inside the window with the ETH bridge."""
    t = btc["t"].to_numpy()
    gaps = np.diff(t).astype("timedelta64[s]").astype(float)
    window = (btc["t"].iloc[:-1] >= START) & (btc["t"].iloc[:-1] < START + pd.Timedelta("45min"))
    i = int(np.argmax(np.where(window, gaps, 0)))
    t0, t1 = btc["t"].iloc[i], btc["t"].iloc[i + 1]
    p0, p1 = btc["price"].iloc[i], btc["price"].iloc[i + 1]
    grid = pd.date_range("2025-10-10 20:30", "2025-10-10 22:00", freq="10s")
    lb = np.log(per_second(btc, grid).to_numpy())
    le = np.log(per_second(eth, grid).to_numpy())
    rb, re_ = np.diff(lb), np.diff(le)
    outside = (grid[1:] <= t0) | (grid[:-1] >= t1)
    ok = outside & np.isfinite(rb) & np.isfinite(re_)
    beta = float(np.dot(rb[ok], re_[ok]) / np.dot(re_[ok], re_[ok]))
    secs = pd.date_range(t0.ceil("s"), t1.floor("s"), freq="s")
    e = per_second(eth, secs.union(pd.DatetimeIndex([t0.ceil("s"), t1.ceil("s")])))
    e0, e1 = float(e.iloc[0]), float(e.iloc[-1])
    frac = (secs - t0).total_seconds() / (t1 - t0).total_seconds()
    resid = math.log(p1 / p0) - beta * math.log(e1 / e0)
    bridged = p0 * np.exp(beta * np.log(e.reindex(secs).to_numpy() / e0) + frac * resid)
    info["btc_gap"] = {"from": str(t0), "to": str(t1), "beta": beta,
                       "price_before": float(p0), "price_after": float(p1)}
    extra = pd.DataFrame({"t": secs - pd.Timedelta("1us"), "price": bridged})
    return pd.concat([btc, extra]).sort_values("t", kind="stable")


def book(rows, coin, e0, p_low, p_adl, info):
    """The reconstructed positions of one coin (assumptions A1-A5)."""
    lmax = COINS[coin]["max_leverage"]
    mmr = 1.0 / (2.0 * lmax)
    lmin = 1.0 / (1.0 - p_low / e0 + mmr)
    lmin = min(max(lmin, 1.0), lmax)
    out = []
    entry = rows["entry_price"].where(rows["entry_price"] > 0, e0)
    liq = rows[(rows["was_liquidated"]) & (rows["side"] == "LONG")]
    n = len(liq)
    for r, (idx, row) in enumerate(liq.iterrows()):
        lev = lmin + (lmax - lmin) * (r + 0.5) / n
        e = float(entry[idx])
        loss = -float(row["realized_pnl"])
        if loss <= 0:
            continue
        q = loss / (e * (1.0 / lev - mmr))
        out.append(("LONG", q, e, lev, "liquidated"))
    adl = rows[(rows["was_adl"]) & (~rows["was_liquidated"]) & (rows["side"] == "SHORT")]
    for idx, row in adl.iterrows():
        e = float(entry[idx])
        gain = float(row["realized_pnl"])
        if gain > 0 and e > p_adl:
            out.append(("SHORT", gain / (e - p_adl), e, 1.0, "adl"))
    live = rows[rows["position_size"] > 0]
    for idx, row in live.iterrows():
        if row["was_liquidated"] or (row["was_adl"] and row["side"] == "SHORT"):
            continue  # counted above (their size is what was left)
        lev = 2.0 if row["side"] == "LONG" else 1.0
        out.append((row["side"], float(row["position_size"]), float(entry[idx]), lev, "open"))
    df = pd.DataFrame(out, columns=["side", "position_size", "entry_price", "leverage_ratio", "kind"])
    df.insert(0, "asset", coin)
    summary = {"e0": e0, "lowest_price": p_low, "adl_price": p_adl, "mmr": mmr,
               "leverage_min": lmin, "leverage_max": lmax}
    for kind, g in df.groupby("kind"):
        summary[kind] = {"rows": int(len(g)), "long_notional_at_entry": float(
            (g.position_size * g.entry_price)[g.side == "LONG"].sum()),
            "short_notional_at_entry": float((g.position_size * g.entry_price)[g.side == "SHORT"].sum())}
    summary["left_out_rows"] = int(len(rows) - len(df))
    info[coin] = summary
    return df


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "events",
                                                   "crash-2025-10-10"))
    ap.add_argument("--out", default=os.path.join(repo, "graphs", "replays",
                                                  "hyperliquid-2025-10-10.d"))
    ap.add_argument("--seconds", type=int, default=2700, help="rounds after round 0 (45 min)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    info = {"start": str(START), "seconds": a.seconds}
    btc, eth, sol = (trades(a.data, c) for c in ("BTC", "ETH", "SOL"))
    btc = bridge_btc(btc, eth, info)
    index = pd.date_range(START, periods=a.seconds + 1, freq="s")
    path = pd.DataFrame({"round": np.arange(a.seconds + 1),
                         "BTC": per_second(btc, index).to_numpy(),
                         "SOL": per_second(sol, index).to_numpy(), "USDC": 1.0})
    if path.isna().any().any():
        sys.exit("hyperliquid_prepare: a coin has no trade before 21:00; cannot start the path")
    path.to_csv(os.path.join(a.out, "path.csv"), index=False, float_format="%.10g")
    rows = pd.read_csv(os.path.join(a.data, "hyperliquid_btc_sol_positions.csv"))
    full = pd.date_range(START, periods=45 * 60 + 1, freq="s")
    for coin, prices in (("BTC", btc), ("SOL", sol)):
        s = per_second(prices, full)
        adl = prices[(prices.t >= ADL_FROM) & (prices.t <= ADL_TO)]["price"].mean()
        df = book(rows[rows.asset == coin], coin, float(s.iloc[0]), float(s.min()), float(adl), info)
        df.drop(columns="kind").to_csv(os.path.join(a.out, f"positions_{coin}.csv"), index=False,
                                       float_format="%.10g")
    with open(os.path.join(a.out, "reconstruction.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
