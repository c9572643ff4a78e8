#!/usr/bin/python3
"""The Black Thursday replay against what happened: metric | real (source) | liqnet | ratio.

  /usr/bin/python3 tools/replays/black_thursday_report.py RUN.h5 [--json]

RUN.h5 is a run of graphs/replays/black-thursday-2020.yaml (docs/hdf5-schema.md).
The headline figures come from the per-round English-auction series (flip_*) and
the protocol totals. When the file has an /events group with an `auction` table
(issue 13 item 7: id, protocol, account, kick round, end round, tab, lot, number
of bids, winning bid, zero_bid), the zero-bid figures are taken from it, auction
by auction; without it they are read from the series, which count zero-bid deals
per round but not their lots, so the ETH sold for zero in a round with both kinds
of deal is apportioned by count (the report says which path it took).

The real figures are the ones the replay is compared with, each with its source;
none of them was used to set the scenario except the deficit, the only
calibration target (issue 14). --json prints the liqnet values as one object
(the replay's CI test compares them with tests/data/replays/).
"""
import argparse
import json
import math
import sys

import h5py
import numpy as np

PROTOCOL = "MakerDAO-ETH-A"
START_HOUR_UTC = 0  # round 0 is 12 March 2020 00:00 UTC (the scenario's header)

REAL = {
    "deficit_dai": (5.67e6, "Whiterabbit, Medium, 14 Mar 2020: 'protocol losses of 5.67 million DAI'"),
    "zero_share": (0.36, "Whiterabbit: zero bids 'were 36% of all liquidations'"),
    "zero_value_usd": (8.32e6, "Whiterabbit: '$8.32 million was withdrawn through zero bids auctions'"),
    "zero_eth": (62890.0, "cryptoscoop.io citing White Rabbit: four addresses, 62,890 ETH (~$7.1M) at zero"),
    "auctions": (None, "not found; 62,890 ETH in lots of <= 50 ETH is >= 1,258 zero-bid auctions, "
                       "so >= ~3,500 auctions if 36% is a share of auctions"),
    "peak_zero_hour": (None, "not found in the sources read"),
    "osm_gap_usd": (30.0, "Glassnode via currencies.ru, 19 Mar 2020: Maker's medianizer 'showed a "
                          "difference of $30, on the higher side' (the medianizer, before the OSM's hour)"),
}


def _names(f, dim):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in f[dim][()]]


def _series(f, name, col):
    return np.asarray(f[name][:, col], dtype=float)


def from_series(f, p):
    """Zero-bid figures from the per-round flip_* series."""
    deals = _series(f, "flip_deals", p)
    zero = _series(f, "flip_zero_wins", p)
    units = _series(f, "flip_sold_units", p)
    share = np.divide(zero, deals, out=np.zeros_like(zero), where=deals > 0)
    eth_price = _market_price(f, "WETH")
    zero_units = units * share
    mixed = int(np.sum((zero > 0) & (zero < deals)))
    return {
        "auctions": int(_series(f, "flip_kicked", p).sum()),
        "deals": int(deals.sum()),
        "zero_wins": int(zero.sum()),
        "zero_eth": float(zero_units.sum()),
        "zero_value_usd": float((zero_units * eth_price).sum()),
        "zero_by_round": zero,
        "path": f"series (flip_*); {mixed} rounds mixed zero and paid deals, apportioned by count",
    }


def from_events(f, p):
    """Zero-bid figures from the /events group's auction table (one row per
    auction dealt, docs/hdf5-schema.md "Event tables"), auction by auction;
    None when the run wrote no event tables."""
    ev = f["events"]
    if "auction_zero_bid" not in ev:
        return None
    mine = np.asarray(ev["auction_protocol"][()]) == p
    zero = (np.asarray(ev["auction_zero_bid"][()]) == 1) & mine
    end = np.asarray(ev["auction_end_round"][()], dtype=int)
    sold = np.asarray(ev["auction_sold_lot"][()], dtype=float)
    eth_price = _market_price(f, "WETH")
    by_round = np.zeros(len(eth_price))
    np.add.at(by_round, end[zero], 1)
    return {
        "auctions": int(_series(f, "flip_kicked", p).sum()),
        "deals": int(mine.sum()),
        "zero_wins": int(zero.sum()),
        "zero_eth": float(sold[zero].sum()),
        "zero_value_usd": float((sold[zero] * eth_price[end[zero]]).sum()),
        "zero_by_round": by_round,
        "path": "events (/events auction table)",
    }


def _market_price(f, asset):
    a = _names(f, "asset").index(asset)
    return np.asarray(f["exogenous_price"][:, a], dtype=float)


def analyse(path):
    with h5py.File(path, "r") as f:
        p = _names(f, "protocol").index(PROTOCOL)
        rs = _round_seconds(f)
        z = from_events(f, p) if "events" in f else None
        if z is None:
            z = from_series(f, p)
        par = _oracle0(f, "PAR")
        hours = (np.arange(len(z["zero_by_round"])) * rs) // 3600
        by_hour = np.bincount(hours.astype(int), weights=z["zero_by_round"])
        peak = int(np.argmax(by_hour)) if by_hour.sum() > 0 else -1
        debt0 = float(f["debt_value"][0, p]) / par
        coll0 = float(f["collateral_value"][0, p])
        osm = np.asarray(f["oracle_price"][:, _names(f, "oracle").index("ETH-OSM")], dtype=float)
        eth0 = coll0 / osm[0]
        gap = osm - _market_price(f, "WETH")
        out = {
            "deficit_dai": float(f["deficit"][-1, p]) / par,
            "bad_debt_dai": float(f["bad_debt"][-1, p]) / par,
            "zero_share": z["zero_wins"] / z["deals"] if z["deals"] else float("nan"),
            "zero_value_usd": z["zero_value_usd"],
            "zero_eth": z["zero_eth"],
            "auctions": z["auctions"],
            "deals": z["deals"],
            "zero_wins": z["zero_wins"],
            "active_at_end": int(f["flip_active"][-1, p]),
            "peak_zero_hour": peak,
            "zero_by_hour": [int(x) for x in by_hour],
            "raised_dai": float(np.sum(f["flip_raised"][:, p])),
            "book_debt_dai": debt0,
            "book_eth": eth0,
            "osm_gap_usd": float(gap.max()),
            "path": z["path"],
            "status": f.attrs.get("status", b"").decode() if isinstance(f.attrs.get("status"), bytes)
            else str(f.attrs.get("status")),
        }
    return out


def _round_seconds(f):
    text = f.attrs["scenario"]
    text = text.decode() if isinstance(text, bytes) else text
    for line in text.splitlines():
        if line.startswith("round_seconds:"):
            return float(line.split(":", 1)[1])
    raise SystemExit("round_seconds not found in the file's scenario")


def _oracle0(f, name):
    return float(f["oracle_price"][0, _names(f, "oracle").index(name)])


def fmt(x, kind):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not known"
    if kind == "pct":
        return f"{100 * x:.1f}%"
    if kind == "money":
        return f"{x / 1e6:.2f}M"
    if kind == "usd":
        return f"${x:,.1f}"
    if kind == "hour":
        return f"{START_HOUR_UTC + x:02d}:00-{START_HOUR_UTC + x + 1:02d}:00 UTC" if x >= 0 else "none"
    return f"{x:,.0f}"


def table(r):
    rows = [
        ("deficit (bad debt less the 500k buffer), DAI", "deficit_dai", "money"),
        ("share of dealt auctions won by a zero bid", "zero_share", "pct"),
        ("collateral sold for zero, USD at market", "zero_value_usd", "money"),
        ("ETH sold for zero", "zero_eth", "count"),
        ("number of auctions (bites)", "auctions", "count"),
        ("hour with most zero-bid wins", "peak_zero_hour", "hour"),
        ("largest oracle price above the market, USD", "osm_gap_usd", "usd"),
    ]
    lines = ["| metric | real (source) | liqnet | ratio |", "| --- | --- | --- | --- |"]
    for label, key, kind in rows:
        real, src = REAL[key]
        mine = r[key]
        ratio = (f"{mine / real:.2f}" if real not in (None, 0) and kind != "hour" and mine == mine
                 else "-")
        lines.append(f"| {label} | {fmt(real, kind)} ({src}) | {fmt(mine, kind)} | {ratio} |")
    lines.append("")
    lines.append(f"context: book at round 0 {r['book_debt_dai'] / 1e6:.1f}M DAI of debt against "
                 f"{r['book_eth'] / 1e6:.2f}M ETH; {r['deals']} auctions dealt "
                 f"({r['zero_wins']} for zero), {r['active_at_end']} still running at 24:00; "
                 f"bad debt {r['bad_debt_dai'] / 1e6:.2f}M DAI; tends raised "
                 f"{r['raised_dai'] / 1e6:.2f}M DAI; run {r['status']}")
    lines.append("zero-bid wins by hour (UTC 00..23): " + " ".join(str(x) for x in r["zero_by_hour"]))
    lines.append(f"read from: {r['path']}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    r = analyse(a.run)
    if a.json:
        print(json.dumps({k: v for k, v in r.items()}, sort_keys=True))
    else:
        print(table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
