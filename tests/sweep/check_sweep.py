#!/usr/bin/env python3
"""Checks of sweep results files for tests/sweep/run_sweep_tests.sh.

  check_sweep.py same A.h5 B.h5          every group, dataset (values, dtype,
                                         shape) and attribute equal (NaN = NaN)
  check_sweep.py bits A.h5 B.h5          as same, and every number equal bit for
                                         bit (0.0 != -0.0, NaN payloads count):
                                         contents, not the files' byte layout
  check_sweep.py table FILE.h5 N         pandas reads the summary in one call:
                                         N rows, every run complete
  check_sweep.py run FILE.h5 R RUN.h5    row R of the summary (and of the per
                                         oracle / protocol tables, and the
                                         kept rounds of its trajectory) equals
                                         the run file made alone, exactly
  check_sweep.py kept FILE.h5 RUNS ROUNDS  the run groups are exactly RUNS
                                         (comma list) with rounds ROUNDS (a:b:c)
"""
import sys

import h5py
import numpy as np
import xarray as xr


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


BITS = False  # `bits`: numbers compared by their bytes


def equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if BITS and a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        return [str(x) for x in a.ravel()] == [str(x) for x in b.ravel()]
    return bool(np.array_equal(a, b))


def bits(pa, pb):
    global BITS
    BITS = True
    same(pa, pb)
    print("ok - the same numbers bit for bit:", pa, pb)


def bits_split(pa, pb):
    """`bits` for a run split over several MPI processes (pb) against the
    one-process run (pa): the split run writes no event tables (group
    /events; docs/hdf5-schema.md), everything else bit for bit."""
    global BITS
    BITS = True
    if "events" in h5py.File(pb, "r"):
        fail(f"{pb}: a split run wrote a group /events")
    same(pa, pb, skip={"events"})
    print("ok - the same numbers bit for bit, the event tables aside:", pa, pb)


def same(pa, pb, skip=frozenset()):
    fa, fb = h5py.File(pa, "r"), h5py.File(pb, "r")

    def attrs(oa, ob, name):
        ka, kb = sorted(oa.attrs.keys()), sorted(ob.attrs.keys())
        if ka != kb:
            fail(f"{name}: attributes {ka} != {kb}")
        for k in ka:
            va, vb = oa.attrs[k], ob.attrs[k]
            if k in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue  # object references: file offsets, not content
            if not equal(va, vb):
                fail(f"{name}: attribute {k}: {va!r} != {vb!r}")

    def walk(ga, gb, name):
        attrs(ga, gb, name)
        ka = sorted(k for k in ga.keys() if not (name == "" and k in skip))
        kb = sorted(gb.keys())
        if ka != kb:
            fail(f"{name}: members {ka} != {kb}")
        for k in ka:
            a, b = ga[k], gb[k]
            if isinstance(a, h5py.Group):
                walk(a, b, f"{name}/{k}")
            else:
                if a.dtype != b.dtype or a.shape != b.shape:
                    fail(f"{name}/{k}: {a.dtype}{a.shape} != {b.dtype}{b.shape}")
                if not equal(a[()], b[()]):
                    fail(f"{name}/{k}: values differ")
                attrs(a, b, f"{name}/{k}")

    walk(fa, fb, "")
    print("ok - same content:", pa, pb)


def table(path, n):
    df = xr.open_dataset(path, group="summary", engine="h5netcdf").to_dataframe()
    if len(df) != n:
        fail(f"{len(df)} rows, expected {n}")
    if list(df.index) != list(range(n)) or (df["status"] != 1).any():
        fail("run index or status wrong")
    for col in ("setting", "replicate", "seed", "error", "cascade_length", "total_bad_debt",
                "total_liquidations", "total_stalled", "max_amplification"):
        if col not in df.columns:
            fail(f"no column {col}")
    with h5py.File(path, "r") as f:
        if f.attrs["status"] != "complete" or int(f.attrs["n_runs"]) != n:
            fail("root status / n_runs")
    print("ok - summary table:", list(df.columns))


def run(path, r, run_path):
    r = int(r)
    one = xr.open_dataset(run_path, engine="h5netcdf")
    summary = xr.open_dataset(path, group="summary", engine="h5netcdf").sel(run=r)
    scalars = ["cascade_length", "first_liquidation_round", "last_liquidation_round",
               "last_exogenous_move_round", "peak_liquidation_round", "peak_liquidated_value",
               "total_liquidated_value", "total_bad_debt", "total_deficit", "failed_protocols"]
    for v in scalars:
        if not equal(summary[v].values, one[v].values):
            fail(f"run {r}: {v} {summary[v].values} != {one[v].values}")
    if int(summary["total_liquidations"]) != int(one["total_liquidations"].sum()):
        fail(f"run {r}: total_liquidations")
    if int(summary["total_stalled"]) != int(one["total_stalled"].sum()):
        fail(f"run {r}: total_stalled")
    amp = one["amplification"].values
    expect = np.nanmax(amp) if np.isfinite(amp).any() else np.nan
    if not equal(summary["max_amplification"].values, expect):
        fail(f"run {r}: max_amplification")
    with h5py.File(run_path, "r") as f:
        if int(summary["seed"]) != int(f.attrs["seed"]):
            fail(f"run {r}: seed")
    for group in ("summary_oracle", "summary_protocol"):
        g = xr.open_dataset(path, group=group, engine="h5netcdf").sel(run=r)
        for v in g.data_vars:
            if not equal(g[v].values, one[v].values):
                fail(f"run {r}: {group}/{v}")
    name = f"runs/run_{r:06d}"
    with h5py.File(path, "r") as f:
        kept = name in f
    if kept:
        traj = xr.open_dataset(path, group=name, engine="h5netcdf")
        alone = one.sel(round=traj["round"].values)
        for v in traj.data_vars:
            if not equal(traj[v].values, alone[v].values):
                fail(f"run {r}: trajectory {v}")
            if traj[v].attrs.get("units") != one[v].attrs.get("units"):
                fail(f"run {r}: units of {v}")
    print(f"ok - run {r} equals the run made alone" + (" (with its trajectory)" if kept else ""))


def kept(path, runs, rounds):
    want = [f"run_{int(x):06d}" for x in runs.split(",")] if runs else []
    start, stop, step = (int(x) for x in rounds.split(":"))
    with h5py.File(path, "r") as f:
        have = sorted(f["runs"].keys())
        if have != want:
            fail(f"run groups {have} != {want}")
        for g in have:
            if list(f["runs"][g]["round"][:]) != list(range(start, stop, step)):
                fail(f"{g}: rounds {list(f['runs'][g]['round'][:])}")
    print("ok - kept trajectories:", have)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"same": same, "bits": bits, "bits_split": bits_split, "table": lambda p, n: table(p, int(n)), "run": run, "kept": kept}[cmd](*args)
