#!/usr/bin/python3
"""Check the price paths of graphs/replays/black-thursday-2020.yaml against the event data.

The replay reads the ETH and DAI series of 12 March 2020 in place: ten-minute OHLCV bars,
JSON (../shared/data/events/black-thursday-2020-03-12/, CoinAPI via
BerkeleyBlockchain/stablesims), as two `type: path` shocks with `price_column: price_open`
and `time_column: time_period_start` (a bar's open holds for its ten minutes). Until
9ae1f5c the replay carried the bars' closes as inline `schedule` steps written by this
script; the shocks now name the files instead.

  /usr/bin/python3 tools/replays/black_thursday_paths.py --check SCENARIO

verifies that the scenario's WETH and DAI shocks read those two files with those columns,
that the bars are whole, contiguous and cover 00:00-24:00, and that the assets' opening
prices are the first bars' opens; it prints the largest gap between a bar's open and the
previous bar's close (what reading opens instead of closes changes). Used by the
replay's CI test.
"""
import argparse
import datetime as dt
import json
import os
import re
import sys

EVENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                         "shared", "data", "events", "black-thursday-2020-03-12")
BAR_SECONDS = 600
FILES = {"WETH": "eth_usd_10min.json", "DAI": "dai_usd_10min.json"}


def bars(name):
    with open(os.path.join(EVENT_DIR, name)) as f:
        rows = json.load(f)
    t = [dt.datetime.fromisoformat(r["time_period_start"][:19]) for r in rows]
    assert len(rows) == 144 and t[0] == dt.datetime(2020, 3, 12), name
    assert all((b - a).total_seconds() == BAR_SECONDS for a, b in zip(t, t[1:])), name
    assert all(r["price_open"] > 0 and r["price_close"] > 0 for r in rows), name
    return rows


def check(path):
    text = open(path).read()
    errors = []
    for asset, name in FILES.items():
        rows = bars(name)
        shock = re.search(r"\{type: path, file: ([^,]+),\s*asset: " + asset +
                          r", price_column: (\w+), time_column: (\w+)\}", text)
        if not shock:
            errors.append(f"no path shock of {asset}")
            continue
        file, col, tcol = shock.groups()
        resolved = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), file))
        if resolved != os.path.normpath(os.path.join(EVENT_DIR, name)):
            errors.append(f"{asset}: reads {file}, not {name}")
        if (col, tcol) != ("price_open", "time_period_start"):
            errors.append(f"{asset}: columns {col}, {tcol}")
        price = re.search(r"\{name: " + asset + r", price: ([0-9.e+-]+)\}", text)
        if not price or float(price.group(1)) != rows[0]["price_open"]:
            errors.append(f"{asset}: price is not the 00:00 open {rows[0]['price_open']}")
        gap = max((abs(b["price_open"] / a["price_close"] - 1), b["time_period_start"][11:16])
                  for a, b in zip(rows, rows[1:]))
        print(f"{asset}: {name}, 144 bars 00:00-24:00; largest open/previous-close gap "
              f"{gap[0]:.2%} at {gap[1]}")
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    if not errors:
        print(f"{path}: price paths read the event data in place")
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", metavar="SCENARIO", required=True)
    return check(ap.parse_args().check)


if __name__ == "__main__":
    sys.exit(main())
