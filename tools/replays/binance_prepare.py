#!/usr/bin/python3
"""Inputs of the Binance ETHUSDT January 2021 replay (graphs/replays/binance-ethusdt-2021-01.yaml).

Reads ../shared/data/events/binance-ethusdt-2021-01/ethusdt_quotes_liquidations.csv in place (never
copied) and writes into OUT (default graphs/replays/binance-ethusdt-2021-01.d/, git-ignored):

  path.csv   round,ETH,USDT: one row per minute from 2021-01-01 00:00:00 UTC (round 0), the mid
             (ask + bid) / 2 of the last quote at or before the minute; the 14 minutes before the
             file's first quote (00:14:28) hold its mid. USDT stays at 1.
  data.csv   round,mid,long_eth,short_eth: the file's liquidation volumes summed per round, a row
             with time s counting for the round r with start + (r-1) min < s <= start + r min.

The file (Risk-DAO/simulation-env: data_unified_0_ethusdt.csv): columns timestamp_x (microseconds
since the epoch, about one row a minute, 43,173 rows from 2021-01-01 00:14 to 01-30 23:51),
ask_price, bid_price (USDT), binance-futures_ethusdt_liquidation_long / _short. The liquidation
columns carry no unit; they are read as ETH (assumption U: Binance's forceOrder stream reports
quantities in the base asset, and the sums are of the right size: 149,840 on 11 January is about
165 million USD at 1,100 USDT, where a USD reading would give 0.15 million for the largest
liquidation day of the month).

With --targets it prints the calibration targets: the long and short liquidation volume of days
1-10 (rounds 1 .. 14,400) in USD, each minute's volume times that round's mid, and the same sums
over the later days (the calibration's prediction targets).
"""
import argparse
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, "..", "shared", "data", "events", "binance-ethusdt-2021-01",
                    "ethusdt_quotes_liquidations.csv")
START_US = int(pd.Timestamp("2021-01-01 00:00:00").value // 1000)
ROUND_S = 60
ROUNDS_PER_DAY = 1440
FIT_DAYS = 10


def load(path=DATA, rounds=30 * ROUNDS_PER_DAY):
    """Per-round mid and liquidation volumes (ETH) for rounds 0 .. rounds."""
    d = pd.read_csv(path)
    t = d["timestamp_x"].to_numpy(dtype=float)
    if not np.all(np.diff(t) > 0):
        sys.exit(f"{path}: timestamps are not strictly increasing")
    mid = 0.5 * (d["ask_price"].to_numpy() + d["bid_price"].to_numpy())
    edges = START_US + ROUND_S * 1e6 * np.arange(rounds + 1)
    # Price of round r: the last quote at or before its time; before the first, the first.
    last = np.searchsorted(t, edges, side="right") - 1
    price = mid[np.clip(last, 0, len(mid) - 1)]
    # Liquidations: a row at time s counts for round ceil((s - start) / 60 s).
    r = np.ceil((t - START_US) / (ROUND_S * 1e6)).astype(np.int64)
    keep = (r >= 1) & (r <= rounds)
    lo = np.bincount(r[keep], weights=d["binance-futures_ethusdt_liquidation_long"].to_numpy()[keep],
                     minlength=rounds + 1)
    sh = np.bincount(r[keep], weights=d["binance-futures_ethusdt_liquidation_short"].to_numpy()[keep],
                     minlength=rounds + 1)
    return pd.DataFrame({"round": np.arange(rounds + 1), "mid": price, "long_eth": lo,
                         "short_eth": sh})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out", default=os.path.join(REPO, "graphs", "replays",
                                                  "binance-ethusdt-2021-01.d"))
    ap.add_argument("--days", type=float, default=30)
    ap.add_argument("--targets", action="store_true")
    a = ap.parse_args()
    rounds = int(round(a.days * ROUNDS_PER_DAY))
    df = load(a.data, rounds)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "path.csv"), "w") as f:
        f.write("round,ETH,USDT\n")
        for r, p in zip(df["round"], df["mid"]):
            f.write(f"{r},{p!r},1\n")
    df.to_csv(os.path.join(a.out, "data.csv"), index=False, float_format="%.17g")
    if a.targets:
        fit = df[(df["round"] >= 1) & (df["round"] <= FIT_DAYS * ROUNDS_PER_DAY)]
        print(f"long_usd_days_1_10 {float((fit.long_eth * fit.mid).sum())!r}")
        print(f"short_usd_days_1_10 {float((fit.short_eth * fit.mid).sum())!r}")
        print(f"long_eth_days_1_10 {float(fit.long_eth.sum())!r}")
        print(f"short_eth_days_1_10 {float(fit.short_eth.sum())!r}")
        rest = df[df["round"] > FIT_DAYS * ROUNDS_PER_DAY]
        if len(rest):
            print(f"long_usd_days_11_{a.days:g} {float((rest.long_eth * rest.mid).sum())!r}")
            print(f"short_usd_days_11_{a.days:g} {float((rest.short_eth * rest.mid).sum())!r}")


if __name__ == "__main__":
    main()
