#!/usr/bin/python3
"""A Python stand-in for `liqnet sweep`, for the reader's tests.

It writes the sweep file layout (see python/liqnet_reader.py) by running
`liqnet run` once per run on a modified copy of the base scenario, so the
reader's logic can be tested on a file whose every value is known, including
files the engine would not produce (bytes attributes, missing groups, runs not
done). Only the `grid` and `list` designs are emulated.

    sweep_emulator.py LIQNET_BIN SWEEP.yaml -o OUT.h5
"""

import argparse
import copy
import itertools
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
import xarray as xr
import yaml

class _Loader(yaml.SafeLoader):
    """SafeLoader that reads 1e6 and 2.0e7 as floats, as libyaml-based liqnet
    does (PyYAML's YAML 1.1 resolver wants a sign in the exponent)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$"
               r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def load_yaml(text):
    return yaml.load(text, Loader=_Loader)


_TOKEN = re.compile(r"([A-Za-z_]\w*)(?:\[([^\]]+)\])?")

RUN_SCALARS = ("cascade_length", "first_liquidation_round", "last_liquidation_round",
               "last_exogenous_move_round", "peak_liquidation_round", "peak_liquidated_value",
               "total_liquidated_value", "total_bad_debt", "total_deficit", "failed_protocols",
               "ecosystem_adl_volume", "adversary_profit", "adversary_liquidation_profit",
               "adversary_round_trip", "adversary_flash_fee", "adversary_liquidations")
ORACLE_VARS = ("amplification", "oracle_drawdown", "exogenous_drawdown")
PROTOCOL_VARS = ("total_liquidations", "liquidated_value", "total_repaid_value", "total_stalled",
                 "final_bad_debt", "final_deficit", "insurance_drawdown", "final_impairment",
                 "breaker_rounds", "peak_penalty_scale", "first_failure_round",
                 "total_stability_offset", "total_redistributed_debt", "total_stability_gain",
                 "recovery_rounds", "total_auctions", "total_auction_sold_value",
                 "total_auction_raised", "total_keeper_rewards", "final_auction_bad_debt",
                 "final_auction_tab", "total_adl_volume")


def _select(items, key):
    if re.fullmatch(r"-?\d+", key):
        return items[int(key)]
    for item in items:
        if isinstance(item, dict) and (item.get("name") == key or item.get("asset") == key):
            return item
    raise KeyError(f"no list item named {key!r}")


def set_path(doc, path, value=None, scale=None):
    """Set (or multiply) the value at a sweep path such as
    protocols[AaveLike].markets[WETH].liquidation_bonus."""
    parts = path.split(".")
    node = doc
    for i, part in enumerate(parts):
        m = _TOKEN.fullmatch(part)
        if not m:
            raise ValueError(f"{path}: bad component {part!r}")
        key, index = m.groups()
        last = i == len(parts) - 1 and index is None
        if last:
            if scale is not None:
                node[key] = node[key] * scale
            else:
                node[key] = value
            return
        node = node.setdefault(key, {})
        if index is not None:
            node = _select(node, index)
            if i == len(parts) - 1:
                raise ValueError(f"{path}: ends on a list item")


def settings(sweep):
    params = sweep.get("parameters", [])
    axes = []
    for p in params:
        paths = p.get("paths") or [p["path"]]
        name = p.get("name") or p["path"]
        if "values" in p:
            axes.append([(name, paths, v, None) for v in p["values"]])
        else:
            axes.append([(name, paths, None, s) for s in p["scale"]])
    if sweep.get("design", "grid") == "list":
        return [list(t) for t in zip(*axes)]
    return [list(t) for t in itertools.product(*axes)]


def emulate(binary, sweep_path, out, keep=True):
    sweep_path = Path(sweep_path)
    text = sweep_path.read_text()
    sweep = load_yaml(text)
    base_path = (sweep_path.parent / sweep["base"]).resolve()
    base = load_yaml(base_path.read_text())
    if "rounds" in sweep:
        base["rounds"] = sweep["rounds"]
    nseeds = int(sweep.get("seeds_per_setting", 1))
    seed0 = int(sweep.get("seed", 1))
    grid = settings(sweep)
    names = [a[0] for a in grid[0]] if grid else []
    n = len(grid) * nseeds
    rows = {k: [] for k in ("setting", "replicate", "seed", "status", "error")}
    params = {name: [] for name in names}
    scal = {k: [] for k in RUN_SCALARS + ("total_liquidations", "total_stalled",
                                          "max_amplification")}
    orc = {k: [] for k in ORACLE_VARS}
    pro = {k: [] for k in PROTOCOL_VARS}
    oracle_names = protocol_names = None
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for s, setting in enumerate(grid):
            doc = copy.deepcopy(base)
            for name, paths, value, scale in setting:
                for p in paths:
                    set_path(doc, p, value=value, scale=scale)
                params[name].append(value if scale is None else scale)
            for name in names[len(setting):]:
                params[name].append(np.nan)
            scen = Path(tmp) / f"s{s}.yaml"
            scen.write_text(yaml.safe_dump(doc, sort_keys=False))
            for r in range(nseeds):
                run = s * nseeds + r
                if r > 0:
                    for name in names:
                        params[name].append(params[name][-1])
                seed = seed0 + run
                h5 = Path(tmp) / f"run{run}.h5"
                proc = subprocess.run([str(binary), "run", str(scen), "-o", str(h5), "--force",
                                       "--quiet", "--seed", str(seed)],
                                      capture_output=True, text=True)
                rows["setting"].append(s)
                rows["replicate"].append(r)
                rows["seed"].append(seed)
                ds = xr.open_dataset(h5, engine="h5netcdf").load() if h5.exists() else None
                ok = ds is not None and ds.attrs.get("status") == "complete"
                rows["status"].append(1 if ok else 2)
                rows["error"].append("" if ok else (ds.attrs.get("error", "") if ds is not None
                                                    else proc.stderr.strip()))
                if ds is None or "amplification" not in ds:
                    raise RuntimeError(f"run {run} left no summary: {proc.stderr}")
                oracle_names = list(ds.oracle.values)
                protocol_names = list(ds.protocol.values)
                for k in RUN_SCALARS:
                    scal[k].append(ds[k].item())
                scal["total_liquidations"].append(int(ds.total_liquidations.sum()))
                scal["total_stalled"].append(int(ds.total_stalled.sum()))
                amp = ds.amplification.values
                scal["max_amplification"].append(float(np.nanmax(amp)) if np.isfinite(amp).any()
                                                  else np.nan)
                for k in ORACLE_VARS:
                    orc[k].append(ds[k].values)
                for k in PROTOCOL_VARS:
                    pro[k].append(ds[k].values)
                runs.append(ds)
    summary = xr.Dataset(
        {"setting": ("run", np.array(rows["setting"], np.int64)),
         "replicate": ("run", np.array(rows["replicate"], np.int64)),
         "seed": ("run", np.array(rows["seed"], np.uint64)),
         "status": ("run", np.array(rows["status"], np.int8)),
         "error": ("run", np.array(rows["error"], dtype=object)),
         **{name: ("run", np.array(v, np.float64)) for name, v in params.items()},
         **{k: ("run", np.array(v)) for k, v in scal.items()}},
        coords={"run": np.arange(n, dtype=np.int64)})
    oracle = xr.Dataset({k: (("run", "oracle"), np.array(v)) for k, v in orc.items()},
                        coords={"run": np.arange(n), "oracle": oracle_names})
    protocol = xr.Dataset({k: (("run", "protocol"), np.array(v)) for k, v in pro.items()},
                          coords={"run": np.arange(n), "protocol": protocol_names})
    summary.to_netcdf(out, mode="w", group="summary", engine="h5netcdf")
    oracle.to_netcdf(out, mode="a", group="summary_oracle", engine="h5netcdf")
    protocol.to_netcdf(out, mode="a", group="summary_protocol", engine="h5netcdf")
    trajectories = (sweep.get("output") or {}).get("trajectories", "all")
    if keep and trajectories != "none":
        for run, ds in enumerate(runs):
            per_round = ds[[v for v in ds.data_vars if "round" in ds[v].dims]]
            per_round.attrs = {k: v for k, v in ds.attrs.items() if k != "scenario"}
            per_round.to_netcdf(out, mode="a", group=f"runs/run_{run:06d}", engine="h5netcdf")
    with h5py.File(out, "a") as f:
        f.attrs["liqnet_version"] = "emulated"
        f.attrs["sweep"] = text
        f.attrs["base_scenario"] = base_path.read_text()
        f.attrs["sweep_seed"] = np.uint64(seed0)
        f.attrs["n_runs"] = np.int64(n)
        f.attrs["status"] = "complete"
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("sweep")
    ap.add_argument("-o", dest="out", required=True)
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--threads")
    a = ap.parse_args()
    if Path(a.out).exists() and not a.force:
        sys.exit(f"{a.out}: file exists; pass --force to overwrite")
    Path(a.out).unlink(missing_ok=True)
    emulate(a.binary, a.sweep, a.out)


if __name__ == "__main__":
    main()
