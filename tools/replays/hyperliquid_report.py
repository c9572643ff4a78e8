#!/usr/bin/python3
"""Per-coin table of the Hyperliquid 10 October 2025 replay: metric | real (source) | liqnet | ratio.

Usage: hyperliquid_report.py RESULT.h5 [--json OUT.json]
Reads the run's per-round series (liquidated_notional, perp_liquidations, adl_volume, adl_count;
docs/hdf5-schema.md) of the protocols HL-BTC and HL-SOL. One round is one second from 21:00:00.

Real figures (all from ConejoCapital/HyperMultiAssetedADL, a replay of Hyperliquid's own fills,
21:15:00-21:27:00 UTC, all assets):
  liquidated notional: analysis_scripts/total_impact_results.json (BTC 1,789,607,763.72;
    SOL 618,098,440.07); ADL notional: same file (BTC 620,890,947.73; SOL 276,200,960.58);
  ADL events: adl_by_coin_REALTIME.csv num_events (BTC 2,063; SOL 3,010);
  liquidation events per coin: not published there; the positions export counts liquidated
    positions (BTC 1,575, SOL 1,349; ConejoCapital/HyperAnalyzeADL EXECUTIVE_SUMMARY.md), which
    is not the same unit (one position may take several liquidation fills);
  delay first liquidation -> first ADL: 61 s over all assets (21:15:03 -> 21:16:04,
    docs/analysis/TOTAL_IMPACT_ANALYSIS.md); per coin not known.
"""
import argparse
import json

import h5py
import numpy as np

REAL = {
    "BTC": {"liquidated_notional": 1789607763.72, "adl_notional": 620890947.73,
            "adl_events": 2063, "liquidated_positions": 1575},
    "SOL": {"liquidated_notional": 618098440.07, "adl_notional": 276200960.58,
            "adl_events": 3010, "liquidated_positions": 1349},
}
SRC_TOTAL = "HyperMultiAssetedADL total_impact_results.json"
SRC_COIN = "HyperMultiAssetedADL adl_by_coin_REALTIME.csv"
SRC_POS = "HyperAnalyzeADL export (positions, not fills)"
REAL_DELAY = 61.0  # s, all assets (TOTAL_IMPACT_ANALYSIS.md)
START = 21 * 3600  # round 0 = 21:00:00 UTC


def clock(round_):
    if round_ is None:
        return "-"
    s = START + int(round_)
    return f"21:{(s // 60) % 60:02d}:{s % 60:02d}"


def figures(h5):
    with h5py.File(h5, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["protocol"][()]]
        out = {}
        for coin in ("BTC", "SOL"):
            j = names.index(f"HL-{coin}")
            liq = f["liquidated_notional"][:, j]
            nliq = f["perp_liquidations"][:, j]
            adl = f["adl_volume"][:, j]
            nadl = f["adl_count"][:, j]
            first_liq = int(np.argmax(nliq > 0)) if (nliq > 0).any() else None
            first_adl = int(np.argmax(nadl > 0)) if (nadl > 0).any() else None
            out[coin] = {
                "liquidated_notional": float(liq.sum()),
                "adl_notional": float(adl.sum()),
                "liquidation_events": int(nliq.sum()),
                "adl_events": int(nadl.sum()),
                "first_liquidation_round": first_liq,
                "first_adl_round": first_adl,
                "delay_s": None if first_liq is None or first_adl is None else first_adl - first_liq,
            }
            # The liquidator vault and the book's shortfalls (present when the scenario has a
            # backstop; docs/hdf5-schema.md): accounts taken over, the vault's largest loss,
            # what it paid for shortfalls, and the losses ADL moved to counterparties.
            if "vault_taken" in f:
                out[coin]["vault_takeovers"] = int(f["vault_taken"][-1, j])
                out[coin]["vault_loss_max"] = float(f["vault_loss"][:, j].max())
                out[coin]["vault_covered"] = float(f["vault_covered"][-1, j])
            out[coin]["adl_covered"] = float(f["adl_covered"][-1, j])
            out[coin]["adl_to_liquidated"] = (out[coin]["adl_notional"] /
                                              out[coin]["liquidated_notional"]
                                              if out[coin]["liquidated_notional"] > 0 else None)
    return out


def ratio(a, b):
    return "-" if a is None or b in (None, 0) else f"{a / b:.2f}"


def table(sim):
    lines = []
    for coin, s in sim.items():
        r = REAL[coin]
        real_ratio = r["adl_notional"] / r["liquidated_notional"]
        rows = [
            ("liquidated notional (USD)", r["liquidated_notional"], SRC_TOTAL, s["liquidated_notional"]),
            ("ADL notional (USD)", r["adl_notional"], SRC_TOTAL, s["adl_notional"]),
            ("ADL / liquidated notional", real_ratio, SRC_TOTAL, s["adl_to_liquidated"]),
            ("liquidation events", r["liquidated_positions"], SRC_POS, s["liquidation_events"]),
            ("ADL events", r["adl_events"], SRC_COIN, s["adl_events"]),
            ("first liquidation (UTC)", None, "21:15:03 all assets; per coin not known",
             None),
            ("first ADL (UTC)", None, "21:16:04 all assets; per coin not known", None),
            ("delay first liquidation -> first ADL (s)", REAL_DELAY, "all assets, TOTAL_IMPACT_ANALYSIS.md",
             s["delay_s"]),
        ]
        lines.append(f"\n{coin}\n| metric | real (source) | liqnet | ratio |\n| --- | --- | --- | --- |")
        for name, real, src, mine in rows:
            if name.startswith("first liquidation"):
                mine_s = clock(s["first_liquidation_round"])
            elif name.startswith("first ADL"):
                mine_s = clock(s["first_adl_round"])
            else:
                mine_s = "-" if mine is None else (f"{mine:.3g}" if isinstance(mine, float) else str(mine))
            real_s = src if real is None else f"{real:.4g} ({src})"
            lines.append(f"| {name} | {real_s} | {mine_s} | {ratio(mine, real)} |")
        for key, name in (("vault_takeovers", "liquidator vault takeovers"),
                          ("vault_loss_max", "liquidator vault's largest loss (USD)"),
                          ("vault_covered", "book shortfalls the vault paid (USD)"),
                          ("adl_covered", "losses ADL moved to counterparties (USD)")):
            if key in s:
                v = s[key]
                lines.append(f"| {name} | not known | {v:.3g} | - |" if isinstance(v, float)
                             else f"| {name} | not known | {v} | - |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("result")
    ap.add_argument("--json")
    a = ap.parse_args()
    sim = figures(a.result)
    print(table(sim))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(sim, f, indent=1)


if __name__ == "__main__":
    main()
