#!/usr/bin/python3
"""Tests of python/liqnet_reader.py against files the engine writes.

Every table and variable the reader returns is compared with the same data
read raw with h5py: a run file of the demo, a failed run (a diverging
feedback loop), a run file made incomplete, and a sweep file (`liqnet sweep`
when the program has it, else tests/python/sweep_emulator.py, which writes the
same layout from `liqnet run`), plus sweep files with runs not done, missing
groups and bytes attributes.

    /usr/bin/python3 tests/python/test_reader.py [-v]      (LIQNET_BIN selects the program)

Exit status 0 when every test passes.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

import h5py
import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(HERE))

import liqnet_reader as lr  # noqa: E402
import sweep_emulator  # noqa: E402

BIN = lr.find_liqnet(REPO)
TMP = Path(tempfile.mkdtemp(prefix="liqnet-reader-test-"))



def assert_same(test, a, b, name):
    """Equal values, NaN equal to NaN (a scalar metric is NaN when it does not apply)."""
    if isinstance(a, float) and isinstance(b, (float, np.floating)) and np.isnan(a):
        test.assertTrue(np.isnan(b), name)
    else:
        test.assertEqual(a, b, name)

def has_sweep_command():
    proc = subprocess.run([str(BIN), "sweep"], capture_output=True, text=True)
    return "unknown command" not in (proc.stderr + proc.stdout)


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def raw_strings(dset):
    return [text(v) for v in dset[()].tolist()]


def assert_same_values(testcase, got, raw, what):
    got = np.asarray(got)
    raw = np.asarray(raw)
    testcase.assertEqual(got.shape, raw.shape, f"{what}: shape")
    if raw.dtype.kind in "fc":
        np.testing.assert_array_equal(got.astype(raw.dtype), raw, err_msg=what)
    elif raw.dtype.kind in "iub":
        testcase.assertTrue(np.array_equal(got.astype(np.int64), raw.astype(np.int64)), what)
    else:
        testcase.assertEqual([text(v) for v in got.tolist()], [text(v) for v in raw.tolist()],
                             what)


def assert_dataset_matches_group(testcase, ds, path, group=None, nrounds=None):
    """Every dataset of the HDF5 group is a variable of `ds` with the same
    values (the first `nrounds` rounds for round-indexed ones), dimensions
    and units; every attribute of the group is in ds.attrs as str/number."""
    with h5py.File(path, "r") as f:
        g = f[group] if group else f
        names = [k for k, v in g.items() if isinstance(v, h5py.Dataset)]
        testcase.assertTrue(names, f"{path}:{group}: no datasets")
        for name in names:
            d = g[name]
            testcase.assertIn(name, ds.variables, f"{name} missing from the reader's dataset")
            raw = d[()]
            if nrounds is not None and d.ndim >= 1 and (name == "round" or d.ndim == 2):
                raw = raw[:nrounds]
            assert_same_values(testcase, ds[name].values, raw, f"{group or '/'}:{name}")
            if d.ndim and name not in ("round", "asset", "pool", "oracle", "protocol"):
                dims = tuple(axis[0].name.rsplit("/", 1)[-1] for axis in d.dims)
                testcase.assertEqual(ds[name].dims, dims, f"{name}: dimensions")
            if "units" in d.attrs:
                testcase.assertEqual(ds[name].attrs["units"], text(d.attrs["units"]), name)
        for key, value in g.attrs.items():
            got = ds.attrs[key]
            testcase.assertNotIsInstance(got, bytes, key)
            value = text(value)
            if isinstance(value, np.generic):
                value = value.item()
            testcase.assertEqual(got, value, f"attribute {key}")


def run_engine(scenario, out, *args):
    proc = subprocess.run([str(BIN), "run", str(scenario), "-o", str(out), "--force", "--quiet",
                           *map(str, args)], capture_output=True, text=True)
    return proc


class RunFileTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = TMP / "demo.h5"
        proc = run_engine(REPO / "graphs" / "demo.yaml", cls.path, "--rounds", 120)
        assert proc.returncode == 0, proc.stderr

    def test_every_variable_matches_hdf5(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # a complete file gives no warning
            ds = lr.open_run(self.path)
        assert_dataset_matches_group(self, ds, self.path)
        self.assertEqual(ds.attrs["status"], "complete")
        self.assertIsInstance(ds.attrs["seed"], int)
        self.assertEqual(list(ds.protocol.values), ["AaveLike", "CompoundLike", "HighLTV"])
        self.assertEqual(ds.sizes["round"], 121)

    def test_run_summary_tables(self):
        ds = lr.open_run(self.path)
        scalars, oracles, protocols = lr.run_summary(ds)
        with h5py.File(self.path, "r") as f:
            for name in lr.RUN_SCALAR_SUMMARY:
                assert_same(self, scalars[name], f[name][()], name)
            self.assertEqual(scalars["total_liquidations"], f["total_liquidations"][()].sum())
            self.assertEqual(list(oracles.index), raw_strings(f["oracle"]))
            self.assertEqual(list(protocols.index), raw_strings(f["protocol"]))
            for name in lr.RUN_ORACLE_SUMMARY:
                np.testing.assert_array_equal(oracles[name].values, f[name][()], name)
            for name in lr.RUN_PROTOCOL_SUMMARY:
                np.testing.assert_array_equal(protocols[name].values, f[name][()], name)

    def test_contagion_tables_match_hdf5(self):
        ds = lr.open_run(self.path)
        c = lr.run_contagion(ds)
        self.assertEqual(c.path, lr.open_contagion(self.path).path)
        with h5py.File(self.path, "r") as f:
            g = f["contagion"]
            names = raw_strings(g["protocol"])
            self.assertEqual(list(c.protocols.index), names)
            self.assertEqual(names, raw_strings(f["protocol"]))
            for name in lr.CONTAGION_PROTOCOL:
                assert_same_values(self, c.protocols[name].values, g[name][()], name)
            self.assertEqual(c.protocols["failed"].dtype, bool)
            for name in lr.CONTAGION_LINK:
                column = "weight" if name == "link_weight" else name
                assert_same_values(self, c.links[column].values, g[name][()], name)
            self.assertEqual(list(c.links["from"]), [names[i] for i in g["link_from"][()]])
            self.assertEqual(list(c.links["to"]), [names[i] for i in g["link_to"][()]])
            assert_same_values(self, c.clusters["size"].values, g["cluster_size"][()], "size")
            for k, members in enumerate(c.clusters["members"]):
                self.assertEqual(members, [n for n, cl in zip(names, g["failed_cluster"][()])
                                           if cl == k])
            for name in lr.CONTAGION_SCALARS:
                self.assertEqual(c.scalars[name], g[name][()], name)
            self.assertEqual(c.scalars["failed_clusters"], g["cluster"].shape[0])
            for key, value in g.attrs.items():
                got = c.attrs[key]
                self.assertNotIsInstance(got, bytes, key)
                value = text(value)
                self.assertEqual(got, value.item() if isinstance(value, np.generic) else value)
            # The demo's three protocols share WETH, its pool and its oracle: one triangle.
            self.assertEqual(len(c.links), 3)
            self.assertTrue((c.links["weight"] == 3).all())
        self.assertIn("reach", repr(c))

    def test_contagion_missing(self):
        path = TMP / "no-contagion.h5"
        shutil.copy(self.path, path)
        with h5py.File(path, "a") as f:
            del f["contagion"]
            f.attrs["status"] = "incomplete"
        with self.assertRaisesRegex(lr.LiqnetFormatError,
                                    "no group 'contagion' \\(status incomplete\\).*finishes"):
            lr.open_contagion(path)
        ds = lr.open_run(self.path).isel(round=slice(0, 2))
        self.assertEqual(lr.run_contagion(ds).scalars["reach"], 0)
        with self.assertRaisesRegex(lr.LiqnetError, "not opened with open_run"):
            lr.run_contagion(ds.copy().drop_encoding() if hasattr(ds, "drop_encoding")
                             else _without_encoding(ds))

    def test_open_dispatch_and_wrong_kind(self):
        self.assertEqual(lr.open(self.path).attrs["scenario_name"], "demo")
        with self.assertRaisesRegex(lr.LiqnetFormatError, "no group 'summary'.*a run file"):
            lr.open_sweep(self.path)

    def test_missing_and_non_hdf5_files(self):
        with self.assertRaisesRegex(FileNotFoundError, "no such file"):
            lr.open_run(TMP / "nope.h5")
        bad = TMP / "not-hdf5.h5"
        bad.write_text("hello\n")
        with self.assertRaisesRegex(lr.LiqnetFormatError, "not an HDF5 file"):
            lr.open_run(bad)

    def test_incomplete_file_with_bytes_attributes(self):
        # What a killed run leaves: status "incomplete" and no summary. The
        # status is rewritten as a fixed-length byte string, as a writer other
        # than liqnet's might store it.
        path = TMP / "incomplete.h5"
        shutil.copy(self.path, path)
        with h5py.File(path, "a") as f:
            for name in lr.RUN_SCALAR_SUMMARY + lr.RUN_ORACLE_SUMMARY + lr.RUN_PROTOCOL_SUMMARY:
                del f[name]
            f.attrs["status"] = np.bytes_(b"incomplete")
            f.attrs["scenario_name"] = np.bytes_(b"demo")
            f.attrs["rounds_completed"] = np.int64(99)
        with self.assertWarnsRegex(lr.LiqnetIncompleteWarning,
                                   "status is 'incomplete'.*rounds 0..99.*no summary"):
            ds = lr.open_run(path)
        self.assertEqual(ds.attrs["status"], "incomplete")
        self.assertEqual(ds.attrs["scenario_name"], "demo")
        self.assertEqual(ds.sizes["round"], 100)   # rounds after rounds_completed are dropped
        assert_dataset_matches_group(self, ds, path, nrounds=100)
        with self.assertRaisesRegex(lr.LiqnetFormatError, "no summary variables"):
            lr.run_summary(ds)

    def test_unequal_lengths_fall_back_to_h5py(self):
        # A kill during a flush can leave one variable a batch longer than
        # the others; the reader then cuts every series to the common length.
        path = TMP / "ragged.h5"
        shutil.copy(self.path, path)
        with h5py.File(path, "a") as f:
            f["bad_debt"].resize(140, axis=0)
            f.attrs["status"] = "incomplete"
            f.attrs["rounds_completed"] = np.int64(120)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = lr.open_run(path)
        self.assertTrue(any(issubclass(w.category, lr.LiqnetIncompleteWarning) for w in caught))
        self.assertEqual(ds.sizes["round"], 121)
        assert_dataset_matches_group(self, ds, path, nrounds=121)


def _without_encoding(ds):
    ds = ds.copy()
    ds.encoding = {}
    return ds


class FailedRunTests(unittest.TestCase):
    def test_failed_run_keeps_its_rounds_and_error(self):
        # A pool deep against the external market (kappa x > 2 D) makes the
        # arbitrage/impact loop diverge; liqnet stops and marks the file failed.
        doc = sweep_emulator.load_yaml((REPO / "graphs" / "demo.yaml").read_text())
        doc["assets"][0]["market_depth"] = 100
        doc["pools"][0]["arbitrage"] = 1.0
        doc["rounds"] = 200
        scen = TMP / "diverge.yaml"
        scen.write_text(yaml.safe_dump(doc, sort_keys=False))
        out = TMP / "diverge.h5"
        proc = run_engine(scen, out)
        self.assertNotEqual(proc.returncode, 0)
        with self.assertWarnsRegex(lr.LiqnetIncompleteWarning, "status is 'failed'.*error"):
            ds = lr.open_run(out)
        self.assertEqual(ds.attrs["status"], "failed")
        self.assertIn("error", ds.attrs)
        self.assertEqual(ds.sizes["round"], ds.attrs["rounds_completed"] + 1)
        assert_dataset_matches_group(self, ds, out, nrounds=ds.sizes["round"])
        # The contagion record covers the rounds done.
        c = lr.run_contagion(ds)
        self.assertEqual(c.attrs["rounds_completed"], ds.attrs["rounds_completed"])
        np.testing.assert_array_equal(c.protocols["first_failure_round"].values,
                                      ds["first_failure_round"].values)


SWEEP_YAML = """\
base: {base}
seed: 7
seeds_per_setting: 2
rounds: 60
design: grid
parameters:
  - path: protocols[AaveLike].markets[WETH].liquidation_bonus
    values: [0.02, 0.1]
  - name: dex_depth
    paths:
      - pools[WETH-USDC].reserve0
      - pools[WETH-USDC].reserve1
      - assets[WETH].market_depth
    scale: [0.5, 2]
output:
  trajectories: all
"""


class SweepTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sweep_yaml = TMP / "sweep.yaml"
        cls.sweep_yaml.write_text(SWEEP_YAML.format(base=REPO / "graphs" / "demo.yaml"))
        cls.path = TMP / "sweep.h5"
        cls.real = has_sweep_command()
        if cls.real:
            proc = subprocess.run([str(BIN), "sweep", str(cls.sweep_yaml), "-o", str(cls.path),
                                   "--force", "--quiet"], capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
        else:
            print("test_reader: `liqnet sweep` not available; using sweep_emulator.py",
                  file=sys.stderr)
            sweep_emulator.emulate(BIN, cls.sweep_yaml, cls.path)

    def open(self, path=None):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return lr.open_sweep(path or self.path)

    def test_summary_matches_hdf5(self):
        sw = self.open()
        with h5py.File(self.path, "r") as f:
            g = f["summary"]
            n = int(f.attrs["n_runs"])
            self.assertEqual(len(sw.summary), n)
            self.assertEqual(list(sw.summary.index), list(range(n)))
            for name, d in g.items():
                if name == "run":
                    continue
                self.assertIn(name, sw.summary.columns, name)
                assert_same_values(self, sw.summary[name].values, d[()], f"summary/{name}")
            self.assertEqual(sw.status, text(f.attrs["status"]))
            self.assertEqual(sw.definition, yaml.safe_load(text(f.attrs["sweep"])))
            self.assertEqual(sw.n_runs, n)
        self.assertEqual(sw.parameters,
                         ["protocols[AaveLike].markets[WETH].liquidation_bonus", "dex_depth"])
        self.assertEqual(sorted(set(sw.summary["dex_depth"])), [0.5, 2.0])
        self.assertTrue((sw.summary.status_name == "complete").all())
        self.assertEqual(len(sw.complete), n)
        self.assertEqual(sorted(set(sw.summary.setting)), [0, 1, 2, 3])
        self.assertEqual(sorted(set(sw.summary.replicate)), [0, 1])

    def check_long(self, table, group, entity):
        with h5py.File(self.path, "r") as f:
            g = f[group]
            names = raw_strings(g[entity])
            runs = g["run"][()]
            self.assertEqual(len(table), len(runs) * len(names))
            table = table.set_index(["run", entity])
            for name, d in g.items():
                if name in ("run", entity):
                    continue
                raw = d[()]
                for i, r in enumerate(runs):
                    for j, e in enumerate(names):
                        got = table.loc[(r, e), name]
                        if np.isnan(raw[i, j]) if raw.dtype.kind == "f" else False:
                            self.assertTrue(np.isnan(got), f"{group}/{name}[{r}, {e}]")
                        else:
                            self.assertEqual(got, raw[i, j], f"{group}/{name}[{r}, {e}]")

    def test_by_protocol_and_by_oracle_match_hdf5(self):
        sw = self.open()
        self.check_long(sw.by_protocol, "summary_protocol", "protocol")
        self.check_long(sw.by_oracle, "summary_oracle", "oracle")
        # each row carries its run's parameters
        bp = sw.by_protocol
        for r, row in sw.summary.iterrows():
            sub = bp[bp.run == r]
            self.assertTrue((sub["dex_depth"] == row["dex_depth"]).all())
            self.assertTrue((sub["seed"] == row["seed"]).all())

    def test_trajectories(self):
        sw = self.open()
        self.assertEqual(sw.kept_runs, list(range(len(sw.summary))))
        for r in (0, len(sw.summary) - 1):
            ds = sw.run(r)
            assert_dataset_matches_group(self, ds, self.path, group=f"runs/run_{r:06d}")
            self.assertEqual(ds.attrs["sweep_run"], r)
            self.assertEqual(ds.attrs["sweep_dex_depth"], sw.summary.loc[r, "dex_depth"])
            # the trajectory agrees with the run's summary row
            self.assertAlmostEqual(float(ds.seized_value.sum()),
                                   sw.summary.loc[r, "total_liquidated_value"],
                                   delta=1e-6 * sw.summary.loc[r, "total_liquidated_value"])
        with self.assertRaisesRegex(KeyError, "no run 99"):
            sw.run(99)
        # the bulk reader gives the same values as the runs opened one by one
        for var in ("oracle_price", "bad_debt", "liquidations", "pool_reserve0"):
            da = sw.trajectory(var)
            self.assertEqual(list(da.run.values), sw.kept_runs)
            for r in sw.kept_runs:
                one = sw.run(r, warn=False)[var]
                self.assertEqual(da.dims[1:], one.dims)
                np.testing.assert_array_equal(da.sel(run=r).values, one.values.astype(float))
                self.assertEqual(list(da[da.dims[2]].values), list(one[one.dims[1]].values))
        with self.assertRaisesRegex(KeyError, "no variable 'nope'"):
            sw.trajectory("nope")

    def test_consistency_with_a_single_run(self):
        # `liqnet sweep --print-run R` gives run R's whole scenario (seed
        # included): its varied values are the summary's, and `liqnet run` of
        # it reproduces the run's metrics exactly.
        sw = self.open()
        if not self.real:
            return   # the emulator runs `liqnet run` itself: nothing independent to compare
        r = len(sw.summary) - 1
        row = sw.summary.loc[r]
        proc = subprocess.run([str(BIN), "sweep", str(self.sweep_yaml), "--print-run", str(r)],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        scen = TMP / "single.yaml"
        scen.write_text(proc.stdout)
        doc = sweep_emulator.load_yaml(proc.stdout)
        base = sweep_emulator.load_yaml((REPO / "graphs" / "demo.yaml").read_text())
        aave = [p for p in doc["protocols"] if p["name"] == "AaveLike"][0]
        self.assertEqual(aave["markets"][0]["liquidation_bonus"], row[sw.parameters[0]])
        self.assertEqual(doc["pools"][0]["reserve0"],
                         base["pools"][0]["reserve0"] * row["dex_depth"])
        self.assertEqual(doc["seed"], row["seed"])
        out = TMP / "single.h5"
        proc = run_engine(scen, out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        ds = lr.open_run(out)
        scalars, oracles, protocols = lr.run_summary(ds)
        for name in lr.RUN_SCALAR_SUMMARY + ("total_liquidations",):
            assert_same(self, scalars[name], row[name], name)
        self.assertEqual(row["total_stalled"], int(ds.total_stalled.sum()))
        bp = sw.by_protocol.query("run == @r").set_index("protocol")
        for name in lr.RUN_PROTOCOL_SUMMARY:
            np.testing.assert_array_equal(bp.loc[protocols.index, name].values,
                                          protocols[name].values, name)
        bo = sw.by_oracle.query("run == @r").set_index("oracle")
        for name in lr.RUN_ORACLE_SUMMARY:
            np.testing.assert_array_equal(bo.loc[oracles.index, name].values,
                                          oracles[name].values, name)

    def test_failed_runs_and_partial_trajectories(self):
        # A setting whose arbitrage/impact loop diverges (a market far
        # shallower than the pool) fails; the sweep goes on and records it.
        # Every third run is kept, every other round.
        if not self.real:
            return
        sweep_yaml = TMP / "sweep-fail.yaml"
        sweep_yaml.write_text(f"""\
base: {REPO / "graphs" / "demo.yaml"}
seed: 3
seeds_per_setting: 2
rounds: 60
design: grid
parameters:
  - path: assets[WETH].market_depth
    values: [50000, 100]
output:
  trajectories:
    runs: "0::3"
    rounds: "0:61:2"
""")
        path = TMP / "sweep-fail.h5"
        proc = subprocess.run([str(BIN), "sweep", str(sweep_yaml), "-o", str(path), "--force",
                               "--quiet"], capture_output=True, text=True)
        with self.assertWarnsRegex(lr.LiqnetIncompleteWarning, "not every run is complete|status"):
            sw = lr.open_sweep(path)
        self.assertEqual(list(sw.summary.status_name), ["complete"] * 2 + ["failed"] * 2,
                         proc.stderr)
        self.assertTrue(all(sw.summary.error.iloc[2:].str.len() > 0))
        self.assertEqual(list(sw.summary.error.iloc[:2]), ["", ""])
        self.assertEqual(sw.kept_runs, [0, 3])
        ds = sw.run(0)
        self.assertEqual(list(ds["round"].values), list(range(0, 61, 2)))
        assert_dataset_matches_group(self, ds, path, group="runs/run_000000")
        with self.assertWarnsRegex(lr.LiqnetIncompleteWarning, r"run 3\).*'failed'"):
            failed = sw.run(3)
        assert_dataset_matches_group(self, failed, path, group="runs/run_000003")
        self.assertEqual(len(sw.complete), 2)
        da = sw.trajectory("bad_debt")
        self.assertEqual(list(da.run.values), [0, 3])
        self.assertEqual(list(da["round"].values), list(range(0, 61, 2)))
        n = failed.sizes["round"]
        np.testing.assert_array_equal(da.sel(run=3).values[:n], failed.bad_debt.values)
        self.assertTrue(np.isnan(da.sel(run=3).values[n:]).all())
        with self.assertRaisesRegex(KeyError, "not kept for runs 1-2"):
            sw.trajectory("bad_debt", runs=[0, 1, 2])

    def modified_copy(self, name, edit):
        path = TMP / name
        shutil.copy(self.path, path)
        with h5py.File(path, "a") as f:
            edit(f)
        return path

    def test_runs_not_done_and_bytes_status(self):
        def edit(f):
            f.attrs["status"] = np.bytes_(b"incomplete")
            status = f["summary/status"][()]
            status[-3:] = 0
            status[1] = 2
            f["summary/status"][...] = status
        path = self.modified_copy("sweep-incomplete.h5", edit)
        with self.assertWarnsRegex(lr.LiqnetIncompleteWarning,
                                   r"sweep status is 'incomplete'.*3 not run.*1 failed"):
            sw = lr.open_sweep(path)
        self.assertEqual(sw.status, "incomplete")
        n = len(sw.summary)
        self.assertEqual(list(sw.summary.status_name),
                         ["complete", "failed"] + ["complete"] * (n - 5) + ["not run"] * 3)
        self.assertEqual(len(sw.complete), n - 4)

    def test_missing_groups(self):
        def drop(*groups):
            def edit(f):
                for g in groups:
                    del f[g]
            return edit
        path = self.modified_copy("sweep-no-protocol.h5", drop("summary_protocol", "runs"))
        sw = self.open(path)
        with self.assertRaisesRegex(lr.LiqnetFormatError, "no group 'summary_protocol'"):
            sw.by_protocol
        self.assertEqual(len(sw.by_oracle), 2 * len(sw.summary))
        with self.assertRaisesRegex(KeyError, "not kept; no trajectories were kept"):
            sw.run(0)
        path = self.modified_copy("sweep-no-summary.h5", drop("summary"))
        with self.assertRaisesRegex(lr.LiqnetFormatError, "no group 'summary'"):
            lr.open_sweep(path)
        with self.assertRaisesRegex(lr.LiqnetFormatError, "no 'round' dimension"):
            lr.open_run(self.path)

    def test_some_runs_kept(self):
        def edit(f):
            for k in list(f["runs"].keys())[1:]:
                del f["runs"][k]
        path = self.modified_copy("sweep-some-kept.h5", edit)
        sw = self.open(path)
        self.assertEqual(sw.kept_runs, [0])
        self.assertEqual(sw.run(0).sizes["round"], 61)
        with self.assertRaisesRegex(KeyError, "run 1 was not kept; kept runs: 0"):
            sw.run(1)

    def test_open_dispatch(self):
        self.assertIsInstance(lr.open(self.path), lr.Sweep)


if __name__ == "__main__":
    try:
        result = unittest.main(exit=False, verbosity=2 if "-v" in sys.argv else 1).result
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(0 if result.wasSuccessful() else 1)
