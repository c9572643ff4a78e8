#!/usr/bin/python3
"""The event tables of run files (docs/hdf5-schema.md, "Group events"), opened as
xarray opens them: `xr.open_dataset(path, engine="h5netcdf", group="events")`.

Checks, each of which fails on a wrong table:

- the group's dimensions (`liquidation`, `auction`, `borrower_action`: the last of size 0
  until borrowers act), its variables, their dtypes and `units`, and that the schema
  document names every variable;
- conservation: per round and protocol, the liquidation rows count the `liquidations`
  series and sum to its `repaid_value` and `seized_value` (the rows are the terms of those
  sums); on a chain their gas equals `chain_gas_paid` where no included liquidation
  reverted, and never exceeds it;
- English auctions: the auction rows are the deals of the `flip_deals` series, their
  `zero_bid` flags the `flip_zero_wins` series, each dealt after its kick, and a zero-bid
  deal sells its lot for at most 10 rad;
- `output.events: false` writes no group and leaves every other dataset bit for bit as
  with the tables on.

    /usr/bin/python3 tests/python/test_events.py [-v]   (LIQNET_BIN selects the program)
"""

import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import xarray as xr

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "python"))

import liqnet_reader as lr  # noqa: E402

BIN = lr.find_liqnet(REPO)
TMP = Path(tempfile.mkdtemp(prefix="liqnet-events-test-"))
SCHEMA = REPO / "docs" / "hdf5-schema.md"

# variable: (dtype kind and size, units)
VARIABLES = {
    "liquidation_round": ("i8", "round"),
    "liquidation_protocol": ("i4", "1"),
    "liquidation_account": ("i8", "1"),
    "liquidation_keeper": ("i4", "1"),
    "liquidation_repaid_value": ("f8", "USD"),
    "liquidation_seized_value": ("f8", "USD"),
    "liquidation_price": ("f8", "USD per unit"),
    "liquidation_gas_paid": ("f8", "USD"),
    "liquidation_builder_share": ("f8", "USD"),
    "auction_id": ("i8", "1"),
    "auction_protocol": ("i4", "1"),
    "auction_account": ("i8", "1"),
    "auction_kick_round": ("i8", "round"),
    "auction_end_round": ("i8", "round"),
    "auction_tab": ("f8", "debt units"),
    "auction_lot": ("f8", "collateral units"),
    "auction_bids": ("i8", "count"),
    "auction_winning_bid": ("f8", "debt units"),
    "auction_sold_lot": ("f8", "collateral units"),
    "auction_zero_bid": ("i1", "1"),
    "borrower_action_round": ("i8", "round"),
    "borrower_action_protocol": ("i4", "1"),
    "borrower_action_account": ("i8", "1"),
    "borrower_action_kind": ("i4", "1"),
    "borrower_action_amount": ("f8", "asset units"),
    "borrower_action_included": ("i1", "1"),
    "borrower_action_value": ("f8", "USD"),
    "borrower_action_gas_paid": ("f8", "USD"),
}

# Two English-auction protocols, one on a chain where the ordinary bidders' fixed gas
# prices are below the chain's (so the zero bidder wins some auctions), and an instant one
# (the scenario of tests/test_flip_engine.c's thread test).
FLIP = """rounds: 40
seed: 7
assets:
  - {name: WETH, price: 2000, market_depth: 20000, market_resilience: 0.1}
  - {name: USDC, price: 1}
pools:
  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 3000, reserve1: 6.0e6}
  - {name: WETH-USDC2, token0: WETH, token1: USDC, reserve0: 2000, reserve1: 4.0e6}
oracles:
  - {name: ETH, source: market, asset: WETH}
  - {name: USD, source: market, asset: USDC}
chains:
  - {name: eth, gas_asset: WETH, block_seconds: 24, gas_limit: 15000000,
     gas_price: {model: fixed, price: 50}}
protocols:
  - name: M1
    debt_asset: USDC
    debt_oracle: USD
    liquidation: {mode: english, ttl: 1min, lump: 20}
    keepers: {bidders: [{name: a, margin: 0.1, capital: 2.0e5},
                        {name: b, margin: 0.03, capital: 1.0e5}, {name: z, zero: true}]}
    markets: [{asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.8,
               liquidation_bonus: 0.05}]
  - name: M2
    debt_asset: USDC
    debt_oracle: USD
    chain: eth
    liquidation: {mode: english, ttl: 1min, lump: 20}
    keepers: {bidders: [{name: a, margin: 0.1, capital: 2.0e5, gas_price: 40},
                        {name: b, margin: 0.03, capital: 1.0e5, gas_price: 60},
                        {name: z, zero: true, gas_price: 100}]}
    markets: [{asset: WETH, oracle: ETH, route: WETH-USDC2, liquidation_threshold: 0.8,
               liquidation_bonus: 0.05}]
  - name: R0
    debt_asset: USDC
    debt_oracle: USD
    markets: [{asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.8,
               liquidation_bonus: 0.05}]
accounts:
  - {protocol: M1, market: WETH, count: 1500, size: {distribution: pareto, alpha: 1.5,
     min: 1000, max: 1.0e6}, health: {distribution: uniform, min: 1.01, max: 1.6}}
  - {protocol: M2, market: WETH, count: 1000, size: {distribution: pareto, alpha: 1.5,
     min: 1000, max: 1.0e6}, health: {distribution: uniform, min: 1.01, max: 1.6}}
  - {protocol: R0, market: WETH, count: 500, size: {distribution: pareto, alpha: 1.5,
     min: 1000, max: 1.0e6}, health: {distribution: uniform, min: 1.01, max: 1.6}}
shocks:
  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.15}, {round: 6, return: -0.1},
     {round: 20, return: 0.05}]}
"""


def run(scenario, name, *extra):
    out = TMP / f"{name}.h5"
    subprocess.run([str(BIN), "run", str(scenario), "-o", str(out), "--force", "--quiet",
                    *extra], check=True, cwd=REPO)
    return out


def per_round_protocol(ev, var, rounds, n_protocols):
    """Sum of ev[var] per (round, protocol) as a (rounds, protocols) array."""
    out = np.zeros((rounds, n_protocols))
    r = ev["liquidation_round"].values
    p = ev["liquidation_protocol"].values
    np.add.at(out, (r, p), ev[var].values if var else 1.0)
    return out


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.flip_yaml = TMP / "flip.yaml"
        cls.flip_yaml.write_text(FLIP, encoding="utf-8")
        cls.flip = run(cls.flip_yaml, "flip", "--threads", "2")
        cls.ref = run(REPO / "tests" / "data" / "reference_small.yaml", "reference")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(TMP, ignore_errors=True)

    def open(self, path):
        return (xr.open_dataset(path, engine="h5netcdf", group="events"),
                xr.open_dataset(path, engine="h5netcdf"))

    def test_layout(self):
        ev, _ = self.open(self.flip)
        with ev:
            self.assertEqual(set(ev.dims), {"liquidation", "auction", "borrower_action"})
            self.assertEqual(ev.sizes["borrower_action"], 0)
            self.assertGreater(ev.sizes["liquidation"], 0)
            self.assertGreater(ev.sizes["auction"], 0)
            self.assertEqual(set(ev.data_vars), set(VARIABLES))
            for name, (dtype, units) in VARIABLES.items():
                table = name.split("_")[0] if not name.startswith("borrower_action") \
                    else "borrower_action"
                self.assertEqual(ev[name].dims, (table,), name)
                self.assertEqual(ev[name].dtype.str[1:], dtype, name)
                self.assertEqual(ev[name].attrs["units"], units, name)
                self.assertTrue(ev[name].attrs["long_name"], name)
            for dim in ev.dims:
                np.testing.assert_array_equal(ev[dim].values, np.arange(ev.sizes[dim]))
            self.assertTrue((ev["liquidation_builder_share"].values == 0).all())
            self.assertTrue((ev["liquidation_keeper"].values == -1).all())

    def test_schema_documents_every_variable(self):
        text = SCHEMA.read_text(encoding="utf-8")
        for name in list(VARIABLES) + ["liquidation", "auction", "borrower_action"]:
            self.assertRegex(text, rf"`{re.escape(name)}`", name)

    def check_conservation(self, path):
        ev, root = self.open(path)
        with ev, root:
            rounds, n_p = root.sizes["round"], root.sizes["protocol"]
            count = per_round_protocol(ev, None, rounds, n_p)
            np.testing.assert_array_equal(count, root["liquidations"].values)
            for var in ("repaid_value", "seized_value"):
                got = per_round_protocol(ev, "liquidation_" + var, rounds, n_p)
                np.testing.assert_allclose(got, root[var].values, rtol=1e-12, atol=1e-6,
                                           err_msg=var)
            # rows are in round order, then protocol order
            key = ev["liquidation_round"].values * n_p + ev["liquidation_protocol"].values
            self.assertTrue((np.diff(key) >= 0).all())
            return ev, root

    def test_conservation_instant(self):
        ev, root = self.check_conservation(self.ref)
        self.assertGreater(ev.sizes["liquidation"], 0)
        self.assertEqual(ev.sizes["auction"], 0)

    def test_conservation_flip(self):
        self.check_conservation(self.flip)

    def test_auctions(self):
        ev, root = self.open(self.flip)
        with ev, root:
            rounds, n_p = root.sizes["round"], root.sizes["protocol"]
            deals = np.zeros((rounds, n_p))
            zero = np.zeros((rounds, n_p))
            idx = (ev["auction_end_round"].values, ev["auction_protocol"].values)
            np.add.at(deals, idx, 1)
            np.add.at(zero, idx, ev["auction_zero_bid"].values)
            np.testing.assert_array_equal(deals, root["flip_deals"].values)
            np.testing.assert_array_equal(zero, root["flip_zero_wins"].values)
            self.assertTrue((ev["auction_end_round"] > ev["auction_kick_round"]).all())
            won = ev["auction_zero_bid"].values == 1
            self.assertGreater(won.sum(), 0)  # the chain keeps the ordinary bids out
            self.assertTrue((ev["auction_winning_bid"].values[won] <= 1e-44).all())
            self.assertTrue((ev["auction_winning_bid"].values[~won] > 1e-44).all())
            self.assertTrue((ev["auction_sold_lot"] <= ev["auction_lot"]).all())
            self.assertTrue((ev["auction_winning_bid"] <= ev["auction_tab"] * (1 + 1e-12)).all())
            # Black Thursday's figures come straight from the table
            share = won.mean()
            self.assertTrue(0.0 < share <= 1.0)
            # each auction's kick is a liquidation row of its protocol in its round
            kicks = set(zip(ev["liquidation_round"].values.tolist(),
                            ev["liquidation_protocol"].values.tolist(),
                            ev["liquidation_account"].values.tolist()))
            for r, p, a in zip(ev["auction_kick_round"].values.tolist(),
                               ev["auction_protocol"].values.tolist(),
                               ev["auction_account"].values.tolist()):
                self.assertIn((r, p, a), kicks)

    def test_chain_gas(self):
        src = REPO / "tests" / "data" / "chains" / "chain_output.yaml"
        path = run(src, "chain")
        ev, root = self.open(path)
        with ev, root:
            rounds, n_p = root.sizes["round"], root.sizes["protocol"]
            gas = per_round_protocol(ev, "liquidation_gas_paid", rounds, n_p)
            series = root["gas_paid"].values
            reverted = root["tx_reverted"].values
            on_chain = series.sum(axis=0) > 0
            self.assertTrue(on_chain.any())
            ok = (reverted == 0)[:, on_chain]
            np.testing.assert_allclose(gas[:, on_chain][ok], series[:, on_chain][ok],
                                       rtol=1e-12)
            self.assertTrue((gas[:, on_chain] <= series[:, on_chain] * (1 + 1e-12)).all())

    def test_off_changes_nothing_else(self):
        src = REPO / "tests" / "data" / "reference_small.yaml"
        on = run(src, "on", "--set", "output.events=true")
        off = run(src, "off", "--set", "output.events=false")
        with h5py.File(on, "r") as fa, h5py.File(off, "r") as fb:
            self.assertIn("events", fa)
            self.assertNotIn("events", fb)
            names = []
            fb.visit(names.append)
            for n in names:
                if not isinstance(fb[n], h5py.Dataset):
                    continue
                a, b = fa[n][()], fb[n][()]
                if getattr(a, "dtype", None) is not None and a.dtype.kind == "O":
                    self.assertTrue(np.array_equal(a, b), n)  # names
                else:
                    self.assertEqual(np.asarray(a).tobytes(), np.asarray(b).tobytes(), n)


if __name__ == "__main__":
    unittest.main()
