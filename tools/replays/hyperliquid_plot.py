#!/usr/bin/python3
"""Plot of the Hyperliquid 10 October 2025 replay: per coin, prices and liquidations over time.

Usage: hyperliquid_plot.py RESULT.h5 OUT.png

Two rows of panels, BTC and SOL. Left: the outside price (Gemini, the run's reference price S),
the mark (the median oracle BTC-mark / SOL-mark) and the book's price (the route pool HL-*-book),
USD, against UTC time (round 0 = 21:00:00, one round a second). Right: liquidated notional and
ADL notional per 10 seconds (series liquidated_notional and adl_volume of HL-BTC / HL-SOL,
docs/hdf5-schema.md), in million USD, with the documented first liquidation (21:15:03) and first
ADL (21:16:04, all assets; ConejoCapital/HyperMultiAssetedADL TOTAL_IMPACT_ANALYSIS.md) marked.
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

START_MIN = 0  # minutes after 21:00
REAL_FIRST_LIQ = 15 * 60 + 3  # s after 21:00
REAL_FIRST_ADL = 16 * 60 + 4


def names(ds):
    return [n.decode() if isinstance(n, bytes) else str(n) for n in ds[()]]


def per_bin(x, width):
    n = len(x) // width * width
    return x[:n].reshape(-1, width).sum(axis=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("result")
    ap.add_argument("out")
    a = ap.parse_args()
    with h5py.File(a.result, "r") as f:
        assets, oracles = names(f["asset"]), names(f["oracle"])
        pools, protocols = names(f["pool"]), names(f["protocol"])
        t = np.arange(f["reference_price"].shape[0]) / 60.0  # minutes after 21:00
        fig, axes = plt.subplots(2, 2, figsize=(13, 8), constrained_layout=True)
        for row, coin in enumerate(("BTC", "SOL")):
            ax = axes[row, 0]
            outside = f["reference_price"][:, assets.index(coin)]
            ax.plot(t, outside, lw=1.0, color="black", label="outside price (Gemini trades)")
            ax.plot(t, f["oracle_price"][:, oracles.index(f"{coin}-mark")], lw=1.0,
                    color="tab:blue", label="mark (median oracle)")
            ax.plot(t, f["pool_price"][:, pools.index(f"HL-{coin}-book")], lw=0.7,
                    color="tab:orange", alpha=0.8, label="book (route pool; dips clipped)")
            # The book's one-second dips under a liquidation's sweep go far lower: clipped at
            # 85% of the outside low so the outside price and the mark stay readable.
            ax.set_ylim(0.85 * outside.min(), 1.02 * outside.max())
            ax.set_ylabel(f"{coin} (USD)")
            ax.set_title(f"{coin}: prices")
            ax.legend(loc="lower left", fontsize=8)
            j = protocols.index(f"HL-{coin}")
            liq = per_bin(f["liquidated_notional"][:, j], 10) / 1e6
            adl = per_bin(f["adl_volume"][:, j], 10) / 1e6
            tb = np.arange(len(liq)) * 10 / 60.0
            ax = axes[row, 1]
            ax.bar(tb, liq, width=10 / 60.0, align="edge", color="tab:red", alpha=0.7,
                   label="liquidated notional (liqnet)")
            ax.bar(tb, -adl, width=10 / 60.0, align="edge", color="tab:purple", alpha=0.7,
                   label="ADL notional (liqnet), drawn below 0")
            for s, style, lab in ((REAL_FIRST_LIQ, "--", "real first liquidation 21:15:03"),
                                  (REAL_FIRST_ADL, ":", "real first ADL 21:16:04")):
                ax.axvline(s / 60.0, color="black", ls=style, lw=1.0, label=lab)
            ax.axhline(0.0, color="grey", lw=0.5)
            ax.set_ylabel("million USD per 10 s")
            ax.set_title(f"{coin}: liquidated (up) and ADL (down) notional per 10 s")
            ax.legend(loc="lower left", fontsize=8)
        for ax in axes[1]:
            ax.set_xlabel("minutes after 21:00 UTC, 10 October 2025")
        fig.suptitle("Hyperliquid replay (graphs/replays/hyperliquid-2025-10-10.yaml, "
                     "liquidation_fill: book)")
        fig.savefig(a.out, dpi=110)


if __name__ == "__main__":
    main()
