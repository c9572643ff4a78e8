#!/usr/bin/python3
"""Generate tests/data/reference_positions.csv for tests/data/reference_small.yaml (run once;
the CSV is committed, so the golden test never depends on numpy's generator staying the same).

About 300 lending positions over the three protocols of reference_small.yaml. Health factors at
the initial prices are drawn so that the WETH shocks of rounds 3-4 and the WBTC shock of round 6
push a good share of them below 1, a few start close enough to the seizure cap to leave bad debt,
and sizes span small accounts (below the gas threshold of `spark_like`) to whales.
Values are written with 10 significant digits; both the engine and the reference parse them as
correctly rounded doubles, so they read the same numbers.
"""

import csv
import os
import sys

import numpy as np

PRICES = {"WETH": 2000.0, "WBTC": 60000.0}
# protocol -> list of (collateral asset, liquidation threshold, number of accounts)
BOOK = {
    "aave_like": [("WETH", 0.83, 90), ("WBTC", 0.78, 40)],
    "compound_like": [("WETH", 0.825, 60), ("WBTC", 0.70, 30)],
    "spark_like": [("WETH", 0.80, 80)],
}
# Median collateral value in USD per protocol (log-normal sizes around it).
MEDIAN_USD = {"aave_like": 60000.0, "compound_like": 40000.0, "spark_like": 6000.0}


def main(path):
    rng = np.random.default_rng(20240611)
    rows = []
    for protocol, markets in BOOK.items():
        # Interleave the markets' rows so that the engine's grouping by market is exercised.
        per_market = []
        for asset, lt, n in markets:
            usd = MEDIAN_USD[protocol] * np.exp(rng.normal(0.0, 1.2, n))
            # Health: a mass between 1.0 and 1.35 (liquidated by the shocks and the cascade),
            # a tail up to 2.5 (safe) and a few at 0.995 or lower (liquidated at round 1).
            hf = np.where(rng.random(n) < 0.8, rng.uniform(1.0, 1.35, n), rng.uniform(1.35, 2.5, n))
            hf[rng.random(n) < 0.03] = 0.995
            collateral = usd / PRICES[asset]
            debt = collateral * PRICES[asset] * lt / hf
            per_market.append([(protocol, asset, float(c), float(d))
                               for c, d in zip(collateral, debt)])
        i = 0
        while any(per_market):
            m = per_market[i % len(per_market)]
            if m:
                rows.append(m.pop(0))
            i += 1
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["protocol", "collateral_asset", "collateral", "debt"])
        for protocol, asset, c, d in rows:
            w.writerow([protocol, asset, f"{c:.10g}", f"{d:.10g}"])
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(here, "..", "data", "reference_positions.csv"))
