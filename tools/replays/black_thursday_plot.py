#!/usr/bin/python3
"""The Black Thursday replay over the day: prices, gas and auctions, one PNG.

  /usr/bin/python3 tools/replays/black_thursday_plot.py RUN.h5 -o bt.png

RUN.h5 is a run of graphs/replays/black-thursday-2020.yaml (docs/hdf5-schema.md). Three
panels against the hour of 12 March 2020 (UTC; round 0 is 00:00):
  1. ETH/USD: the market path the replay follows (exogenous_price of WETH, the ten-minute
     closes of the event data) and the OSM's price (oracle_price of ETH-OSM), which
     liquidations see;
  2. gas: the price a transaction had to bid (the chain's gas_price, from the per-minute
     series of the event data), with the fixed prices of the keepers, the OSM poker and
     the zero bidder read from the run's scenario;
  3. per hour: auctions kicked (flip_kicked), dealt (flip_deals) and won by a zero bid
     (the /events auction table, by the round of the deal; the series flip_zero_wins
     without it).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

PROTOCOL = "MakerDAO-ETH-A"


def _names(f, dim):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in f[dim][()]]


def _attr_text(f, name):
    v = f.attrs[name]
    return v.decode() if isinstance(v, bytes) else str(v)


def _round_seconds(text):
    for line in text.splitlines():
        if line.startswith("round_seconds:"):
            return float(line.split(":", 1)[1])
    raise SystemExit("round_seconds not found in the file's scenario")


def _fixed_prices(text):
    """The fixed gas prices of the bidders and the oracle's poker, from the resolved
    scenario (YAML), as {label: gwei}."""
    import yaml  # Debian's python3-yaml; only needed for the reference lines

    sc = yaml.safe_load(text)
    out = {}
    for o in sc.get("oracles", []):
        tx = o.get("transaction") or {}
        if o.get("name") == "ETH-OSM" and "gas_price" in tx:
            out["OSM poker"] = float(tx["gas_price"])
    for p in sc.get("protocols", []):
        if p.get("name") != PROTOCOL:
            continue
        for b in (p.get("keepers") or {}).get("bidders", []):
            if "gas_price" in b:
                label = "zero bidder" if b.get("zero") else "keepers"
                out[label] = float(b["gas_price"])
    return out


def hourly(values, hours, n_hours):
    return np.bincount(hours, weights=values, minlength=n_hours)[:n_hours]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("-o", "--output", default="black_thursday.png")
    a = ap.parse_args()
    with h5py.File(a.run, "r") as f:
        text = _attr_text(f, "scenario")
        rs = _round_seconds(text)
        p = _names(f, "protocol").index(PROTOCOL)
        market = np.asarray(f["exogenous_price"][:, _names(f, "asset").index("WETH")], float)
        osm = np.asarray(f["oracle_price"][:, _names(f, "oracle").index("ETH-OSM")], float)
        gas = np.asarray(f["gas_price"][:, 0], float)
        kicked = np.asarray(f["flip_kicked"][:, p], float)
        deals = np.asarray(f["flip_deals"][:, p], float)
        zero = np.asarray(f["flip_zero_wins"][:, p], float)
        if "events" in f and "auction_zero_bid" in f["events"]:
            ev = f["events"]
            mine = np.asarray(ev["auction_protocol"][()]) == p
            z = (np.asarray(ev["auction_zero_bid"][()]) == 1) & mine
            end = np.asarray(ev["auction_end_round"][()], dtype=int)
            zero = np.zeros(len(market))
            np.add.at(zero, end[z], 1)
    t = np.arange(len(market)) * rs / 3600.0
    hours = np.minimum((np.arange(len(market)) * rs // 3600).astype(int), 23)
    n_hours = 24
    fixed = _fixed_prices(text)

    fig, ax = plt.subplots(3, 1, figsize=(10, 9), sharex=True,
                           gridspec_kw={"height_ratios": [3, 2, 2]})
    ax[0].plot(t, market, color="black", lw=1.2, label="ETH/USD market (event data)")
    ax[0].plot(t, osm, color="tab:red", lw=1.4, drawstyle="steps-post",
               label="OSM price (what liquidations see)")
    ax[0].set_ylabel("USD")
    ax[0].legend(loc="lower left", fontsize=9)
    ax[0].set_title("Black Thursday replay, 12 March 2020 (UTC): "
                    "graphs/replays/black-thursday-2020.yaml")

    ax[1].plot(t, gas, color="tab:blue", lw=0.8, label="gas price of the round's blocks (the per-minute series; above it where an included bid paid more)")
    styles = {"keepers": "tab:green", "OSM poker": "tab:red", "zero bidder": "tab:purple"}
    for label, gwei in sorted(fixed.items()):
        ax[1].axhline(gwei, color=styles.get(label, "grey"), ls="--", lw=1.0,
                      label=f"{label}: {gwei:g} gwei (fixed)")
    ax[1].set_ylabel("gwei")
    ax[1].legend(loc="upper left", fontsize=8)

    x = np.arange(n_hours) + 0.5
    w = 0.28
    ax[2].bar(x - w, hourly(kicked, hours, n_hours), w, color="tab:orange", label="kicked")
    ax[2].bar(x, hourly(deals, hours, n_hours), w, color="tab:green", label="dealt")
    ax[2].bar(x + w, hourly(zero, hours, n_hours), w, color="tab:purple",
              label="won by a zero bid")
    ax[2].set_ylabel("auctions per hour")
    ax[2].set_xlabel("hour of 12 March 2020, UTC")
    ax[2].legend(loc="upper left", fontsize=9)
    ax[2].set_xlim(0, 24)
    ax[2].set_xticks(range(0, 25, 2))
    for a_ in ax:
        a_.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.output, dpi=90)
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
