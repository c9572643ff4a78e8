#!/usr/bin/python3
"""The chain variables of run files (docs/hdf5-schema.md, "Chains"), against values derived
by hand from tests/data/chains/chain_output.yaml.

That scenario declares three chains, each with one lending protocol whose keepers bid a fixed
gas price P for G = 300,000 gas, and a fourth protocol on no chain:

- ethereum: `fixed` 50 gwei, one block a round, limit 1,000,000 (three liquidations a block);
  P = 60, deadline 5;
- rollup: `eip1559` from 1 gwei with no other users, a block every second round, limit
  2,000,000 (six a block); P = 1.5, deadline 8;
- sidechain: `fixed` 10 gwei, three blocks a round, limit 600,000 (two a block); P = 10 (no
  tip), deadline 3.

What follows from the rules alone (docs/hdf5-schema.md; EIP-1559's base-fee formula, written
here from the EIP): a block's gas used is G times what it included; it includes every waiting
transaction that can pay until it is full, so a round that leaves payable ones waiting filled
its blocks, and only then is `gas_price` the fixed bid P (base fee + the lowest tip included);
a fixed bid pays P per gas, so `gas_paid` and `gas_cost` are G x P x 1e-9 x the round's WETH
price times the liquidations included; every included transaction liquidates or reverts; the
first liquidatable accounts appear with the shock in round 5, so the first drops are in the
first block after round 5 + deadline. A sweep over the scenario keeps these variables in its
run groups, equal to the same runs made alone; the files of runs without chains have none of
them.

    /usr/bin/python3 tests/python/test_chain_output.py [-v]   (LIQNET_BIN selects the program)
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
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "python"))

import liqnet_reader as lr  # noqa: E402

BIN = lr.find_liqnet(REPO)
TMP = Path(tempfile.mkdtemp(prefix="liqnet-chain-output-test-"))
SCENARIO = REPO / "tests" / "data" / "chains" / "chain_output.yaml"
SWEEP = REPO / "tests" / "data" / "chains" / "chain_sweep.yaml"
SCHEMA = REPO / "docs" / "hdf5-schema.md"

ROUNDS = 40
SHOCK_ROUND = 5
GAS = 300_000
CHAINS = ["ethereum", "rollup", "sidechain"]
# chain: its protocol, limit, blocks per round (0.5: one every second round), base fee of a
# fixed chain (None: EIP-1559), initial price, the keepers' fixed bid and deadline
HAND = {
    "ethereum": dict(protocol="AaveLike", limit=1_000_000, blocks=1, fixed=50.0, initial=50.0,
                     bid=60.0, deadline=5),
    "rollup": dict(protocol="CompoundLike", limit=2_000_000, blocks=0.5, fixed=None, initial=1.0,
                   bid=1.5, deadline=8),
    "sidechain": dict(protocol="HighLTV", limit=600_000, blocks=3, fixed=10.0, initial=10.0,
                      bid=10.0, deadline=3),
}
OFFCHAIN = ("Offchain", 5.0)  # a protocol on no chain, its keepers.gas_cost
CHAIN_VARS = {  # name: (dims, dtype, units), as docs/hdf5-schema.md gives them
    "gas_price": (("round", "chain"), "float64", "gwei per gas"),
    "base_fee": (("round", "chain"), "float64", "gwei per gas"),
    "block_gas_used": (("round", "chain"), "float64", "1"),
    "tx_included": (("round", "chain"), "int64", "count"),
    "tx_pending": (("round", "chain"), "int64", "count"),
    "tx_dropped": (("round", "chain"), "int64", "count"),
    "gas_paid": (("round", "protocol"), "float64", "USD"),
    "tx_reverted": (("round", "protocol"), "int64", "count"),
}
ALSO_WITH_CHAINS = {"gas_cost": (("round", "protocol"), "float64", "USD")}


def liqnet(*args):
    proc = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"liqnet {' '.join(map(str, args))}: {proc.stderr}")
    return proc.stdout


def run(scenario, out, *args):
    liqnet("run", scenario, "-o", out, "--force", "--quiet", *args)
    return out


def next_base_fee(parent, limit, used, elasticity=2, denominator=8):
    """EIP-1559 (eips.ethereum.org/EIPS/eip-1559): the base fee of the block after a parent
    block, in integer wei per gas."""
    target = limit // elasticity
    if used == target:
        return parent
    if used > target:
        return parent + max(parent * (used - target) // target // denominator, 1)
    return parent - parent * (target - used) // target // denominator


def schema_rows():
    """The variable rows of docs/hdf5-schema.md's tables: name -> (dims, dtype, units)."""
    rows = {}
    row = re.compile(r"^\| `(\w+)`( \(int64\))? \| \(([\w, ]*)\) \| ([^|]+) \|")
    for line in SCHEMA.read_text(encoding="utf-8").splitlines():
        m = row.match(line)
        if m:
            dims = tuple(d.strip() for d in m.group(3).split(",") if d.strip())
            rows[m.group(1)] = (dims, "int64" if m.group(2) else "float64",
                                m.group(4).strip())
    return rows


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


class ChainRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = run(SCENARIO, TMP / "chains.h5", "--threads", 2)
        cls.ds = xr.open_dataset(cls.path, engine="h5netcdf").load()
        cls.ds.close()
        cls.weth = cls.ds.reference_price.sel(asset="WETH").values

    def chain(self, name):
        return self.ds.sel(chain=name)

    def test_dimension_and_variables_as_documented(self):
        ds = self.ds
        self.assertEqual(list(ds.chain.values), CHAINS)
        self.assertEqual(ds.sizes["round"], ROUNDS + 1)
        self.assertEqual(ds.chain.attrs["long_name"], "chain name")
        documented = schema_rows()
        for name, (dims, dtype, units) in {**CHAIN_VARS, **ALSO_WITH_CHAINS}.items():
            self.assertIn(name, ds, name)
            self.assertEqual(ds[name].dims, dims, name)
            self.assertEqual(str(ds[name].dtype), dtype, name)
            self.assertEqual(ds[name].attrs["units"], units, name)
            self.assertTrue(ds[name].attrs["long_name"], name)
            self.assertEqual(documented.get(name), (dims, dtype, units),
                             f"{name}: docs/hdf5-schema.md says {documented.get(name)}")
        # .sel by chain name, as for the other entity dimensions
        eth = ds.sel(chain="ethereum")
        self.assertEqual(eth.gas_price.dims, ("round",))
        self.assertEqual(float(eth.base_fee[0]), 50.0)

    def test_check_xarray_accepts_the_file(self):
        proc = subprocess.run([sys.executable, str(REPO / "tests" / "check_xarray.py"),
                               str(self.path), "--status", "complete"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_reader_fallback_keeps_the_chain_dimension(self):
        # The h5py path of python/liqnet_reader.py, for files h5netcdf refuses (a killed run).
        ds = lr._open_group_h5py(self.path)
        self.assertEqual(list(ds.chain.values), CHAINS)
        self.assertEqual(ds.tx_included.dims, ("round", "chain"))
        np.testing.assert_array_equal(ds.tx_included.sel(chain="rollup").values,
                                      self.chain("rollup").tx_included.values)

    def test_round_zero(self):
        for name, h in HAND.items():
            c = self.chain(name)
            self.assertEqual(float(c.gas_price[0]), h["initial"], name)
            self.assertEqual(float(c.base_fee[0]), h["initial"], name)
            self.assertTrue(np.isnan(float(c.block_gas_used[0])), name)
            for v in ("tx_included", "tx_pending", "tx_dropped"):
                self.assertEqual(int(c[v][0]), 0, f"{name} {v}")
        np.testing.assert_array_equal(self.ds.gas_paid[0].values, 0.0)
        np.testing.assert_array_equal(self.ds.tx_reverted[0].values, 0)

    def test_blocks_hold_what_their_gas_limit_allows(self):
        for name, h in HAND.items():
            c = self.chain(name)
            used = c.block_gas_used.values[1:]
            included = c.tx_included.values[1:]
            rounds = np.arange(1, ROUNDS + 1)
            has_block = (rounds % 2 == 0) if h["blocks"] < 1 else np.ones(ROUNDS, bool)
            blocks = max(h["blocks"], 1)
            per_block = h["limit"] // GAS
            cap = per_block * blocks
            self.assertTrue(np.all(np.isnan(used[~has_block])), name)
            self.assertTrue(np.all(included[~has_block] == 0), name)
            self.assertTrue(np.all(c.tx_dropped.values[1:][~has_block] == 0), name)
            # the mean over the round's blocks of their gas used over the limit
            np.testing.assert_allclose(used[has_block],
                                       included[has_block] * GAS / h["limit"] / blocks,
                                       rtol=1e-12, atol=0, err_msg=name)
            self.assertLessEqual(int(included.max()), cap, name)
            self.assertEqual(int(included.max()), cap, f"{name}: blocks never full")
            # waiting transactions that could pay, after a round's blocks: they were full
            payable = c.base_fee.values[1:] <= h["bid"]
            left = has_block & payable & (c.tx_pending.values[1:] > 0)
            self.assertTrue(left.any(), name)
            np.testing.assert_array_equal(included[left], cap, err_msg=name)

    def test_gas_price_is_the_bid_only_when_payable_transactions_were_left_out(self):
        for name, h in HAND.items():
            c = self.chain(name)
            price, base = c.gas_price.values, c.base_fee.values
            pending = c.tx_pending.values
            for t in range(1, ROUNDS + 1):
                if h["blocks"] < 1 and t % 2 == 1:  # no block: the last block's values
                    self.assertEqual(price[t], price[t - 1], f"{name} round {t}")
                    self.assertEqual(base[t], base[t - 1], f"{name} round {t}")
                    continue
                if h["fixed"] is not None:
                    self.assertEqual(base[t], h["fixed"], f"{name} round {t}")
                left_out = pending[t] > 0 and base[t] <= h["bid"]
                expected = h["bid"] if left_out else base[t]
                self.assertAlmostEqual(price[t], expected, delta=1e-12,
                                       msg=f"{name} round {t}: pending {pending[t]}")
        # ethereum: 60 = base fee 50 + the tip 10 while liquidations wait, else 50
        eth = self.chain("ethereum")
        self.assertEqual(set(eth.gas_price.values[1:].tolist()), {50.0, 60.0})
        # the sidechain's keepers bid the base fee: a tip of 0, so always 10
        np.testing.assert_array_equal(self.chain("sidechain").gas_price.values, 10.0)

    def test_eip1559_base_fee_follows_the_formula(self):
        h = HAND["rollup"]
        c = self.chain("rollup")
        wei = np.rint(c.base_fee.values * 1e9).astype(np.int64)
        parent = None  # (base fee, gas used) of the last block
        checked = 0
        for t in range(2, ROUNDS + 1, 2):
            if parent is None:
                self.assertEqual(wei[t], 1_000_000_000)  # the first block's: initial_base_fee
            else:
                self.assertEqual(wei[t], next_base_fee(parent[0], h["limit"], parent[1]),
                                 f"round {t}")
                checked += 1
            used = int(round(float(c.block_gas_used[t]) * h["limit"]))
            parent = (int(wei[t]), used)
        self.assertEqual(checked, ROUNDS // 2 - 1)
        # full blocks raise it past the keepers' 1.5 gwei, empty ones bring it back
        self.assertGreater(float(c.base_fee.max()), h["bid"])

    def test_included_transactions_liquidate_or_revert(self):
        ds = self.ds
        for name, h in HAND.items():
            p = h["protocol"]
            executed = (ds.liquidations.sel(protocol=p) + ds.tx_reverted.sel(protocol=p)).values
            np.testing.assert_array_equal(self.chain(name).tx_included.values, executed,
                                          err_msg=name)
            self.assertEqual(int(self.chain(name).tx_included.sum()), int(executed.sum()))
            self.assertTrue(np.all(ds.tx_reverted.sel(protocol=p).values >= 0), name)
        self.assertGreater(int(ds.tx_reverted.sum()), 0, "no revert: the identity is untested")
        off, _ = OFFCHAIN
        np.testing.assert_array_equal(ds.tx_reverted.sel(protocol=off).values, 0)
        self.assertGreater(int(ds.liquidations.sel(protocol=off).sum()), 0)

    def test_gas_paid_and_gas_cost_at_the_fixed_bid(self):
        ds = self.ds
        for name, h in HAND.items():
            p = h["protocol"]
            per_liquidation = GAS * h["bid"] * 1e-9 * self.weth  # USD, at each round's S
            included = self.chain(name).tx_included.values
            np.testing.assert_allclose(ds.gas_paid.sel(protocol=p).values,
                                       included * per_liquidation, rtol=1e-12, atol=0,
                                       err_msg=name)
            np.testing.assert_allclose(ds.gas_cost.sel(protocol=p).values[1:],
                                       per_liquidation[1:], rtol=1e-12, atol=0, err_msg=name)
            self.assertEqual(float(ds.gas_cost.sel(protocol=p)[0]), 0.0)  # keepers.gas_cost
        # ethereum at 2,000 USD: 300,000 gas x 60 gwei = 0.018 WETH = 36 USD
        self.assertEqual(self.weth[1], 2000.0)
        self.assertAlmostEqual(float(ds.gas_cost.sel(protocol="AaveLike")[1]), 36.0, places=9)
        off, cost = OFFCHAIN
        np.testing.assert_array_equal(ds.gas_paid.sel(protocol=off).values, 0.0)
        np.testing.assert_array_equal(ds.gas_cost.sel(protocol=off).values, cost)

    def test_first_drops_follow_the_deadlines(self):
        for name, h in HAND.items():
            c = self.chain(name)
            dropped = c.tx_dropped.values
            self.assertEqual(int(c.tx_pending[SHOCK_ROUND - 1]), 0, name)
            self.assertEqual(int(c.tx_included[: SHOCK_ROUND + 1].sum()), 0, name)
            # sent in round 5, waiting until round 5 + deadline, dropped by the next block
            first = SHOCK_ROUND + h["deadline"] + 1
            if h["blocks"] < 1:
                first += first % 2
            self.assertEqual(int(np.flatnonzero(dropped)[0]), first, name)

    def test_same_bits_for_1_and_3_threads(self):
        other = run(SCENARIO, TMP / "chains_3.h5", "--threads", 3)
        one = run(SCENARIO, TMP / "chains_1.h5", "--threads", 1)
        with h5py.File(self.path, "r") as a, h5py.File(one, "r") as b, \
                h5py.File(other, "r") as c:
            for name in [*CHAIN_VARS, *ALSO_WITH_CHAINS]:
                self.assertEqual(a[name][()].tobytes(), b[name][()].tobytes(), name)
                self.assertEqual(a[name][()].tobytes(), c[name][()].tobytes(), name)


class WithoutChains(unittest.TestCase):
    def test_no_chain_dimension_nor_variables(self):
        scenario = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
        del scenario["chains"]
        for proto in scenario["protocols"]:
            proto.pop("chain", None)
            proto.get("keepers", {}).pop("transaction", None)
        path = TMP / "no_chains.yaml"
        path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
        out = run(path, TMP / "no_chains.h5")
        with h5py.File(out, "r") as f:
            present = set(f) & {"chain", *CHAIN_VARS, *ALSO_WITH_CHAINS}
            self.assertEqual(present, set())
            self.assertIn("liquidations", f)


class Sweep(unittest.TestCase):
    def test_run_groups_hold_the_chain_variables_of_the_runs_alone(self):
        out = TMP / "sweep.h5"
        liqnet("sweep", SWEEP, "-o", out, "--force", "--quiet", "--threads", 2)
        for r, price in ((0, 50.0), (1, 55.0)):
            group = f"runs/run_{r:06d}"
            with xr.open_dataset(out, engine="h5netcdf", group=group) as ds:
                self.assertEqual(list(ds.chain.values), CHAINS)
                self.assertEqual(ds.sizes["round"], 17)
                np.testing.assert_array_equal(ds.base_fee.sel(chain="ethereum").values, price)
            alone_yaml = TMP / f"sweep_run{r}.yaml"
            alone_yaml.write_text(liqnet("sweep", SWEEP, "--print-run", r), encoding="utf-8")
            alone = run(alone_yaml, TMP / f"sweep_run{r}.h5", "--threads", 1)
            with h5py.File(out, "r") as f, h5py.File(alone, "r") as g:
                self.assertEqual([v.decode() for v in f[group]["chain"][()]], CHAINS)
                for name in [*CHAIN_VARS, *ALSO_WITH_CHAINS, "liquidations"]:
                    self.assertEqual(f[group][name][()].tobytes(), g[name][()].tobytes(),
                                     f"run {r}: {name}")
                    self.assertEqual(f[group][name].attrs["units"], g[name].attrs["units"])


if __name__ == "__main__":
    unittest.main()
