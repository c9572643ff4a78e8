#!/usr/bin/python3
"""The group /contagion of run files written by `liqnet run`, against values worked by hand.

tests/data/contagion_small.yaml explains the hand-worked values: six protocols, which fail in
which round, their hop distances from the shocked WETH markets, the failed clusters, the links
of the protocol graph with their weights, and the betweenness of each protocol. PageRank is
checked against a power iteration written here from the definition. The same record comes out
bit for bit on 1, 2 and 3 threads; a run cut short records the failures of the rounds it did;
`--centrality` switches exact betweenness off and on. tests/data/network_features.yaml adds
the fourth count of a link, shared_tokens: CDP issues DAI, which Lender accepts and Treasury
holds (tests/test_network.c works its links out).

    /usr/bin/python3 tests/python/test_contagion.py [-v]      (LIQNET_BIN selects the program)
"""

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
TMP = Path(tempfile.mkdtemp(prefix="liqnet-contagion-test-"))
SCENARIO = REPO / "tests" / "data" / "contagion_small.yaml"

NAMES = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
HAND = {
    "source": [1, 1, 0, 0, 0, 1],
    "distance": [0, 0, 1, 2, -1, 0],
    "first_failure_round": [3, 5, -1, 1, 1, -1],
    "failed": [1, 1, 0, 1, 1, 0],
    "degree": [2, 3, 2, 1, 0, 2],
    "strength": [4, 6, 6, 3, 0, 3],
    "betweenness": [0, 4, 3, 0, 0, 0],
    "failed_cluster": [0, 0, -1, 1, 2, -1],
    "link_from": [0, 0, 1, 1, 2],
    "link_to": [1, 5, 2, 5, 3],
    "link_weight": [2, 2, 3, 1, 3],
    "shared_assets": [1, 1, 1, 1, 1],
    "shared_pools": [1, 0, 1, 0, 1],
    "shared_oracles": [0, 1, 1, 0, 1],
    "shared_tokens": [0, 0, 0, 0, 0],
    "cluster_size": [2, 1, 1],
    "source_protocols": 3,
    "failed_protocols": 4,
    "largest_cluster": 2,
    "reach": 2,
}


def run(out, *args, check=True):
    proc = subprocess.run([str(BIN), "run", str(SCENARIO), "-o", str(out), "--force", "--quiet",
                           *map(str, args)], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr)
    return proc


def pagerank(n, frm, to, weight, damping=0.85):
    """Power iteration on the weighted undirected graph, dangling mass spread evenly."""
    strength = np.zeros(n)
    np.add.at(strength, frm, weight)
    np.add.at(strength, to, weight)
    pr = np.full(n, 1.0 / n)
    for _ in range(2000):
        nxt = np.full(n, (1 - damping) / n + damping * pr[strength == 0].sum() / n)
        np.add.at(nxt, to, damping * pr[frm] * weight / strength[frm])
        np.add.at(nxt, frm, damping * pr[to] * weight / strength[to])
        pr = nxt
    return pr


class HandWorked(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.paths = {}
        for threads in (1, 2, 3):
            cls.paths[threads] = TMP / f"small_{threads}.h5"
            run(cls.paths[threads], "--threads", threads)

    def test_file_holds_the_hand_worked_record(self):
        with h5py.File(self.paths[1], "r") as f:
            g = f["contagion"]
            self.assertEqual([v.decode() if isinstance(v, bytes) else v
                              for v in g["protocol"][()]], NAMES)
            for name, expected in HAND.items():
                np.testing.assert_array_equal(g[name][()], expected, err_msg=name)
            self.assertEqual(g["link"][()].tolist(), list(range(5)))
            self.assertEqual(g["cluster"][()].tolist(), [0, 1, 2])
            self.assertEqual(g["source"].dtype, np.int8)
            self.assertEqual(g.attrs["betweenness"], "exact")
            self.assertEqual(int(g.attrs["rounds_completed"]), 8)
            self.assertEqual(float(g.attrs["betweenness_cost"]), 6 * (6 + 5))
            self.assertEqual(float(g.attrs["betweenness_limit"]), 5e8)
            # The record's failures are the run summary's.
            np.testing.assert_array_equal(g["first_failure_round"][()],
                                          f["first_failure_round"][()])
            rank = g["pagerank"][()]
            np.testing.assert_allclose(rank, pagerank(6, np.array(HAND["link_from"]),
                                                      np.array(HAND["link_to"]),
                                                      np.array(HAND["link_weight"], float)),
                                       rtol=1e-10)
            self.assertAlmostEqual(rank.sum(), 1.0, places=12)

    def test_xarray_opens_the_group_with_named_dimensions(self):
        with xr.open_dataset(self.paths[1], engine="h5netcdf", group="contagion") as ds:
            self.assertEqual(dict(ds.sizes), {"protocol": 6, "link": 5, "cluster": 3})
            self.assertEqual(list(ds.protocol.values), NAMES)
            self.assertEqual(ds.distance.dims, ("protocol",))
            self.assertEqual(ds.link_weight.dims, ("link",))
            self.assertEqual(ds.cluster_size.dims, ("cluster",))
            self.assertEqual(ds.reach.dims, ())
            self.assertEqual(int(ds.distance.sel(protocol="Delta")), 2)
            for name in ds.variables:
                self.assertIn("units", ds[name].attrs, name)
                self.assertIn("long_name", ds[name].attrs, name)
        with xr.open_dataset(self.paths[1], engine="h5netcdf") as root:
            self.assertNotIn("pagerank", root)   # the root dataset is as before
            self.assertEqual(root.sizes["protocol"], 6)

    def test_same_bits_for_1_2_3_threads(self):
        def contents(path):
            with h5py.File(path, "r") as f:
                g = f["contagion"]
                return {k: g[k][()].tobytes() for k in g if k != "protocol"}
        one = contents(self.paths[1])
        for threads in (2, 3):
            self.assertEqual(contents(self.paths[threads]), one, f"{threads} threads")


class Variants(unittest.TestCase):
    def test_a_shorter_run_records_the_failures_so_far(self):
        # Four rounds: Beta's oracle (latency 2) has not published the fall of round 3.
        out = TMP / "short.h5"
        run(out, "--rounds", 4)
        with h5py.File(out, "r") as f:
            g = f["contagion"]
            np.testing.assert_array_equal(g["first_failure_round"][()], [3, -1, -1, 1, 1, -1])
            np.testing.assert_array_equal(g["failed_cluster"][()], [0, -1, -1, 1, 2, -1])
            np.testing.assert_array_equal(g["cluster_size"][()], [1, 1, 1])
            self.assertEqual(int(g["largest_cluster"][()]), 1)
            self.assertEqual(int(g.attrs["rounds_completed"]), 4)

    def test_centrality_skip_and_exact(self):
        out = TMP / "skip.h5"
        run(out, "--centrality", "skip")
        with h5py.File(out, "r") as f:
            g = f["contagion"]
            self.assertTrue(np.all(np.isnan(g["betweenness"][()])))
            self.assertEqual(g.attrs["betweenness"], "skipped")
            self.assertIn("skipped on request", g.attrs["betweenness_note"])
            np.testing.assert_array_equal(g["distance"][()], HAND["distance"])
        c = lr.open_contagion(out)
        self.assertTrue(c.protocols.betweenness.isna().all())
        run(out, "--centrality", "exact")
        with h5py.File(out, "r") as f:
            np.testing.assert_array_equal(f["contagion/betweenness"][()], HAND["betweenness"])
            self.assertEqual(f["contagion"].attrs["betweenness_note"], "exact (forced)")

    def test_issued_tokens_link_their_issuer(self):
        out = TMP / "features.h5"
        proc = subprocess.run([str(BIN), "run", str(REPO / "tests" / "data" /
                                                    "network_features.yaml"),
                               "-o", str(out), "--force", "--quiet"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        c = lr.open_contagion(out)
        links = c.links
        self.assertEqual(list(zip(links["from"], links["to"])),
                         [("CDP", "Lender"), ("CDP", "Lender2"), ("CDP", "Treasury"),
                          ("Lender", "Lender2")])
        self.assertEqual(links["shared_tokens"].tolist(), [1, 0, 1, 0])
        self.assertEqual(links["shared_pools"].tolist(), [0, 0, 0, 2])
        self.assertEqual(links["weight"].tolist(), [2, 1, 1, 4])
        total = links[["shared_assets", "shared_pools", "shared_oracles", "shared_tokens"]]
        np.testing.assert_array_equal(total.sum(axis=1), links["weight"])
        # Treasury holds the shocked WETH: a source, like the three that accept it.
        self.assertEqual(c.protocols["source"].tolist(), [True] * 4)

    def test_bad_centrality_is_a_usage_error(self):
        proc = run(TMP / "bad.h5", "--centrality", "fast", check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--centrality takes auto, exact or skip, not 'fast'", proc.stderr)
        self.assertFalse((TMP / "bad.h5").exists())


if __name__ == "__main__":
    unittest.main()
