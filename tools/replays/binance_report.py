#!/usr/bin/python3
"""Report of the Binance ETHUSDT January 2021 replay (graphs/replays/binance-ethusdt-2021-01.yaml).

    binance_report.py RUN.h5 [--json FIGURES.json] [--first-day 11] [--last-day 30]

For the prediction days (11-30 by default: the calibration used days 1-10 only) it compares the
hourly long and short liquidation volume of the run with the data (the shared file, read in place
through binance_prepare.load), in ETH: the model's liquidated notional (USD at the mark) over that
round's mark, the data's volumes as written (ETH, assumption U of binance_prepare.py). Hour h
(0-based from 2021-01-01 00:00 UTC) is rounds 60h+1 .. 60h+60. It reports

  * the Spearman rank correlation of the model's hourly volumes with the data's (average ranks for
    ties, then Pearson's correlation of the ranks: numpy only);
  * the total-volume ratio, model / data, over the prediction days;
  * the naive predictor's Spearman with the data: for long liquidations the hour's drawdown from
    its open, max(0, 1 - min_r P(r) / P(open)); for shorts the mirror, the hour's rise from its
    open, max(0, max_r P(r) / P(open) - 1), P the data's per-minute mid;

and says plainly, per side, whether the model's Spearman beats the naive predictor's. The same
figures for the calibration days are printed for reference.
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import binance_prepare  # noqa: E402

HOUR = 60  # rounds


def ranks(x):
    """Average ranks (1-based) of x, ties sharing the mean of their positions."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="mergesort")
    r = np.empty(len(x))
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        r[order[i:j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    den = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    return float((ra * rb).sum() / den) if den > 0 else float("nan")


def hourly(per_round, hours):
    """Sums of rounds 60h+1 .. 60h+60 for each hour h in `hours`."""
    return np.array([per_round[HOUR * h + 1:HOUR * h + HOUR + 1].sum() for h in hours])


def naive(price, hours):
    fall, rise = [], []
    for h in hours:
        p0 = price[HOUR * h]
        seg = price[HOUR * h + 1:HOUR * h + HOUR + 1]
        fall.append(max(0.0, 1.0 - seg.min() / p0))
        rise.append(max(0.0, seg.max() / p0 - 1.0))
    return np.array(fall), np.array(rise)


def figures(model_long, model_short, data, hours):
    out = {}
    fall, rise = naive(data["mid"].to_numpy(), hours)
    for side, model, pred in (("long", model_long, fall), ("short", model_short, rise)):
        m = hourly(model, hours)
        d = hourly(data[f"{side}_eth"].to_numpy(), hours)
        s_model, s_naive = spearman(m, d), spearman(pred, d)
        out[side] = {"hours": len(hours), "model_eth": float(m.sum()), "data_eth": float(d.sum()),
                     "volume_ratio": float(m.sum() / d.sum()) if d.sum() > 0 else None,
                     "spearman_model": s_model, "spearman_naive": s_naive,
                     "model_beats_naive": bool(s_model > s_naive)}
    return out


def read_run(path):
    with h5py.File(path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["protocol"][:]]
        p = names.index("Binance") if "Binance" in names else 0
        lo = f["liquidated_long"][:, p]
        sh = f["liquidated_short"][:, p]
        onames = [n.decode() if isinstance(n, bytes) else str(n) for n in f["oracle"][:]]
        mark = f["oracle_price"][:, onames.index("ETH-mark")]
        extra = {"refused": int(f["perp_refused"][:, p].sum()),
                 "opened": int(f["perp_opened"][:, p].sum()),
                 "closed": int(f["perp_closed"][:, p].sum()),
                 "liquidations": int(f["perp_liquidations"][:, p].sum())}
    return lo / mark, sh / mark, extra


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run")
    ap.add_argument("--json")
    ap.add_argument("--data", default=binance_prepare.DATA)
    ap.add_argument("--first-day", type=int, default=11)
    ap.add_argument("--last-day", type=int, default=30)
    a = ap.parse_args()
    lo, sh, extra = read_run(a.run)
    rounds = len(lo) - 1
    data = binance_prepare.load(a.data, rounds)
    last_hour = min(24 * a.last_day, rounds // HOUR)
    predict = range(24 * (a.first_day - 1), last_hour)
    fit = range(0, min(24 * (a.first_day - 1), last_hour))
    result = {"rounds": rounds, "predict_days": [a.first_day, last_hour / 24.0],
              "predict": figures(lo, sh, data, predict), "fit": figures(lo, sh, data, fit),
              "run": extra}
    for period, title in (("predict", f"days {a.first_day}-{last_hour / 24:g} (prediction)"),
                          ("fit", f"days 1-{len(fit) / 24:g} (calibration, for reference)")):
        print(f"Hourly liquidation volume, {title}:")
        print(f"  {'side':6} {'hours':>5} {'model ETH':>12} {'data ETH':>12} {'ratio':>7} "
              f"{'Spearman':>9} {'naive':>7}  model beats naive?")
        for side, r in result[period].items():
            ratio = f"{r['volume_ratio']:.3f}" if r["volume_ratio"] is not None else "n/a"
            print(f"  {side:6} {r['hours']:5d} {r['model_eth']:12.0f} {r['data_eth']:12.0f} "
                  f"{ratio:>7} {r['spearman_model']:9.3f} {r['spearman_naive']:7.3f}  "
                  f"{'yes' if r['model_beats_naive'] else 'no'}")
    p = result["predict"]
    for side in ("long", "short"):
        r = p[side]
        verdict = "beats" if r["model_beats_naive"] else "does not beat"
        print(f"The model {verdict} the naive predictor for {side} liquidations "
              f"(Spearman {r['spearman_model']:.3f} against {r['spearman_naive']:.3f}).")
    print(f"Run: {extra['opened']} positions opened, {extra['closed']} closed by their owners, "
          f"{extra['liquidations']} liquidated, {extra['refused']} arrivals refused at capacity.")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
