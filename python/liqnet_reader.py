"""Read liqnet output files into xarray and pandas.

Two kinds of file come out of liqnet:

* a **run file** (`liqnet run SCENARIO -o OUT.h5`, docs/hdf5-schema.md): one
  simulation, every round's state along the dimension ``round`` plus the
  summary metrics of MODEL.md s6;
* a **sweep file** (`liqnet sweep SWEEP.yaml -o OUT.h5`): many runs of one
  base scenario, a ``summary`` group with one row per run, per-oracle and
  per-protocol summaries, and optionally the trajectories of some runs under
  ``runs/run_NNNNNN``.

>>> import liqnet_reader as lr
>>> ds = lr.open_run("demo.h5")             # xarray.Dataset, loaded into memory
>>> sw = lr.open_sweep("sweep.h5")
>>> sw.summary                              # pandas.DataFrame, one row per run
>>> sw.by_protocol, sw.by_oracle            # long DataFrames (run x entity)
>>> sw.run(3)                               # trajectory of run 3, if it was kept
>>> c = lr.run_contagion(ds)                # or lr.open_contagion("demo.h5")
>>> c.protocols, c.links, c.clusters        # the run's contagion record (group /contagion)

Everything read is loaded into memory and the file is closed at once: HDF5
1.10 locks files, and a reader holding a file open would block the engine
from replacing it.  Files that are not complete (a run still writing, killed,
interrupted or failed; a sweep with runs not done) are read as far as they
go, with a :class:`LiqnetIncompleteWarning` naming the status; the status is
always in ``attrs["status"]`` / ``.status``.

Dependencies: numpy, pandas, xarray, h5py, h5netcdf and PyYAML, all Debian
packages (``/usr/bin/python3``).  Nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr

__all__ = [
    "LiqnetError",
    "LiqnetFormatError",
    "LiqnetIncompleteWarning",
    "RUN_STATUS",
    "Contagion",
    "Sweep",
    "find_liqnet",
    "liqnet_run",
    "liqnet_sweep",
    "open",
    "open_contagion",
    "open_run",
    "open_sweep",
    "run_contagion",
    "run_summary",
]

# Per-run status codes of a sweep's summary/status variable.
RUN_STATUS = {0: "not run", 1: "complete", 2: "failed"}

# Scalar, per-oracle and per-protocol summary variables of a run file.
RUN_SCALAR_SUMMARY = (
    "cascade_length",
    "first_liquidation_round",
    "last_liquidation_round",
    "last_exogenous_move_round",
    "peak_liquidation_round",
    "peak_liquidated_value",
    "total_liquidated_value",
    "total_bad_debt",
    "total_deficit",
    "failed_protocols",
    "ecosystem_adl_volume",
    "adversary_profit",
    "adversary_liquidation_profit",
    "adversary_round_trip",
    "adversary_flash_fee",
    "adversary_liquidations",
)

# Variables of a sweep's `summary` group that are not varied parameters: the
# run's identity and status, a run file's scalar metrics and three sums.
SWEEP_SUMMARY_FIELDS = (
    ("setting", "replicate", "seed", "status", "error")
    + RUN_SCALAR_SUMMARY
    + ("total_liquidations", "total_stalled", "max_amplification")
)
RUN_ORACLE_SUMMARY = ("amplification", "oracle_drawdown", "exogenous_drawdown")
RUN_PROTOCOL_SUMMARY = (
    "total_liquidations",
    "liquidated_value",
    "total_repaid_value",
    "total_stalled",
    "final_bad_debt",
    "final_deficit",
    "insurance_drawdown",
    "final_impairment",
    "breaker_rounds",
    "peak_penalty_scale",
    "first_failure_round",
    "total_stability_offset",
    "total_redistributed_debt",
    "total_stability_gain",
    "recovery_rounds",
    "total_auctions",
    "total_auction_sold_value",
    "total_auction_raised",
    "total_keeper_rewards",
    "final_auction_bad_debt",
    "final_auction_tab",
    "total_adl_volume",
)


class LiqnetError(Exception):
    """A liqnet file cannot be read, or the liqnet program failed."""


class LiqnetFormatError(LiqnetError):
    """The file is HDF5 but not laid out as a liqnet run or sweep file."""


class LiqnetIncompleteWarning(UserWarning):
    """The file's status is not "complete": it holds only part of the results."""


# --------------------------------------------------------------------------
# small helpers


def _text(value):
    """An attribute or string element as str: h5py gives str for
    variable-length UTF-8, bytes for fixed-length or ASCII strings, and numpy
    arrays of either for array attributes."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SOU" and value.ndim == 0:
        return _text(value.item())
    return value


def _clean_attrs(attrs):
    """Attributes with bytes decoded and numpy scalars made Python scalars;
    the HDF5 dimension-scale bookkeeping attributes are dropped."""
    out = {}
    for key, value in dict(attrs).items():
        if key in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid",
                   "_NCProperties", "_Netcdf4Coordinates"):
            continue
        value = _text(value)
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "SO":
                value = [_text(v) for v in value.tolist()]
            elif value.size == 1:
                value = value.reshape(()).item()
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def _decode_strings(ds):
    """Turn bytes-valued string variables and coordinates of an xarray
    dataset into str (fixed-length HDF5 strings arrive as bytes)."""
    for name in list(ds.variables):
        var = ds.variables[name]
        if var.dtype.kind == "S" or (var.dtype.kind == "O" and var.size and
                                     isinstance(var.values.flat[0], bytes)):
            decoded = np.vectorize(lambda v: _text(v), otypes=[object])(var.values)
            ds[name] = (var.dims, decoded.astype(str) if decoded.size else decoded, var.attrs)
    return ds


def _status_warning(path, kind, status, extra=""):
    warnings.warn(
        f"{path}: {kind} status is '{status}', not 'complete'; {extra}".rstrip("; "),
        LiqnetIncompleteWarning,
        stacklevel=3,
    )


def _check_hdf5(path):
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not h5py.is_hdf5(path):
        raise LiqnetFormatError(f"{path}: not an HDF5 file")
    return path


def _root_attrs(path):
    try:
        with h5py.File(path, "r") as f:
            return _clean_attrs(f.attrs), sorted(f.keys())
    except OSError as e:
        raise LiqnetError(f"{path}: cannot open: {e}") from e


# --------------------------------------------------------------------------
# run files


def _open_group_xarray(path, group=None):
    """xarray view of a netCDF-4 compatible group, loaded and closed."""
    with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
        ds = ds.load()
    return ds


def _open_group_h5py(path, group=None, max_rounds=None):
    """Fallback for a run group that h5netcdf cannot open (a file killed in
    the middle of a flush may have variables of unequal length along
    `round`): build the dataset from h5py, every round-indexed variable cut to
    the shortest length (and to `max_rounds` when given)."""
    with h5py.File(path, "r") as f:
        g = f[group] if group else f
        dims = {}
        for name in ("round", "asset", "pool", "oracle", "protocol", "chain"):
            if name in g:
                dims[name] = g[name]
        coords = {}
        for name, d in dims.items():
            values = d[()]
            if d.dtype.kind in "SO":
                values = np.array([_text(v) for v in values], dtype=object).astype(str)
            coords[name] = (name, values, _clean_attrs(d.attrs))
        entity = {len(dims[n]): n for n in ("asset", "pool", "oracle", "protocol", "chain")
                  if n in dims}
        data = {}
        nrounds = [len(dims["round"])] if "round" in dims else []
        for name, d in g.items():
            if name in dims or not isinstance(d, h5py.Dataset):
                continue
            if d.ndim == 2 and "round" in dims:
                nrounds.append(d.shape[0])
        n = min(nrounds) if nrounds else 0
        if max_rounds is not None:
            n = min(n, max_rounds)
        for name, d in g.items():
            if name in dims or not isinstance(d, h5py.Dataset):
                continue
            attrs = _clean_attrs(d.attrs)
            dim_names = _dimension_names(d, dims)
            if d.ndim == 2:
                dim_names = dim_names or ("round", entity.get(d.shape[1], f"dim_{name}"))
                data[name] = (dim_names, d[:n], attrs)
            elif d.ndim == 1:
                dim_names = dim_names or (entity.get(d.shape[0], f"dim_{name}"),)
                data[name] = (dim_names, d[()], attrs)
            else:
                data[name] = ((), d[()], attrs)
        if "round" in coords:
            dims_, values, attrs = coords["round"]
            coords["round"] = (dims_, values[:n], attrs)
        ds = xr.Dataset(data, coords=coords, attrs=_clean_attrs(g.attrs))
    return ds


def _dimension_names(dset, dims):
    """Names of the dimension scales attached to an h5py dataset, or None."""
    try:
        names = []
        for axis in dset.dims:
            if len(axis) == 0:
                return None
            names.append(axis[0].name.rsplit("/", 1)[-1])
        return tuple(names) if all(n in dims for n in names) else None
    except (RuntimeError, KeyError, ValueError):
        return None


def _finish_run_dataset(ds, path, group, attrs_override=None, warn=True):
    attrs = _clean_attrs(ds.attrs)
    if attrs_override:
        attrs.update(attrs_override)
    ds.attrs = attrs
    # Where the run came from, so that run_contagion(ds) can find its group.
    ds.encoding["source"] = str(path)
    ds.encoding["liqnet_group"] = group
    for name in ds.variables:
        ds[name].attrs = _clean_attrs(ds[name].attrs)
    ds = _decode_strings(ds)
    where = f"{path}" + (f" (group {group})" if group else "")
    status = attrs.get("status")
    if status is None:
        ds.attrs["status"] = "unknown"
        if warn:
            warnings.warn(f"{where}: no 'status' attribute; is this a liqnet file?",
                          LiqnetIncompleteWarning, stacklevel=3)
    elif status != "complete" and warn:
        extra = f"rounds 0..{ds.sizes.get('round', 0) - 1} are read"
        if status == "failed" and "error" in attrs:
            extra += f"; error: {attrs['error']}"
        if "amplification" not in ds:
            extra += "; no summary metrics"
        _status_warning(where, "run", status, extra)
    return ds


def open_run(path, group=None, *, warn=True):
    """Open a liqnet run file as an xarray Dataset (loaded into memory).

    Dimensions ``round``, ``asset``, ``pool``, ``oracle``, ``protocol`` (and ``chain``
    when the scenario declares chains); the per-round series and (when the run finished)
    the summary variables of docs/hdf5-schema.md; root attributes with str values (``status``,
    ``scenario`` YAML, ``seed``, ``rounds_completed``, ...).

    A file whose ``status`` is not "complete" is read as far as it goes with
    a LiqnetIncompleteWarning (``warn=False`` silences it).  ``group`` opens a
    run stored inside another file (a sweep's ``runs/run_NNNNNN``).
    """
    path = _check_hdf5(path)
    with h5py.File(path, "r") as f:
        if group is not None and group not in f:
            raise LiqnetFormatError(f"{path}: no group '{group}'")
        g = f[group] if group else f
        if "round" not in g:
            members = ", ".join(sorted(g.keys())) or "nothing"
            what = "a sweep file: use open_sweep()" if "summary" in g else "not a liqnet run file"
            raise LiqnetFormatError(f"{path}{':' + group if group else ''}: no 'round' "
                                    f"dimension ({what}; holds {members})")
        root = _clean_attrs(g.attrs)
        rounds_completed = root.get("rounds_completed")
    status = root.get("status")
    try:
        ds = _open_group_xarray(path, group)
        if status != "complete" and rounds_completed is not None:
            # Past rounds_completed a batch may be half written (a kill during a flush).
            ds = ds.isel(round=slice(0, int(rounds_completed) + 1))
    except (OSError, ValueError, KeyError, TypeError) as e:
        if warn:
            warnings.warn(f"{path}: xarray/h5netcdf cannot open the file ({e}); read with h5py "
                          "instead", LiqnetIncompleteWarning, stacklevel=2)
        max_rounds = int(rounds_completed) + 1 if rounds_completed is not None else None
        ds = _open_group_h5py(path, group, max_rounds)
    return _finish_run_dataset(ds, path, group, warn=warn)


def run_summary(ds):
    """The summary metrics of a run dataset as three pandas objects:
    ``(scalars: Series, oracles: DataFrame, protocols: DataFrame)``.
    Raises LiqnetFormatError when the run has no summary (status incomplete).
    """
    missing = [v for v in RUN_SCALAR_SUMMARY + RUN_ORACLE_SUMMARY + RUN_PROTOCOL_SUMMARY
               if v not in ds]
    if missing:
        raise LiqnetFormatError(
            f"run '{ds.attrs.get('scenario_name', '?')}' (status {ds.attrs.get('status')}) has "
            f"no summary variables {', '.join(missing)}: the summary is written when a run "
            "finishes")
    scalars = pd.Series({v: ds[v].item() for v in RUN_SCALAR_SUMMARY}, name="value")
    scalars["total_liquidations"] = int(ds["total_liquidations"].sum())
    oracles = ds[list(RUN_ORACLE_SUMMARY)].to_dataframe()
    protocols = ds[list(RUN_PROTOCOL_SUMMARY)].to_dataframe()
    return scalars, oracles, protocols


# --------------------------------------------------------------------------
# the contagion record of a run (group /contagion)

# Per-protocol variables of the group, in file order; flags become bool.
CONTAGION_PROTOCOL = ("source", "distance", "first_failure_round", "failed", "degree",
                      "strength", "pagerank", "betweenness", "failed_cluster")
CONTAGION_LINK = ("link_from", "link_to", "link_weight", "shared_assets", "shared_pools",
                  "shared_oracles", "shared_tokens")
# Link variables that files written before they existed lack (shared_tokens:
# issued tokens were not counted then); such a file's links have no column.
CONTAGION_LINK_LATER = ("shared_tokens",)
CONTAGION_SCALARS = ("source_protocols", "failed_protocols", "largest_cluster", "reach")


class Contagion:
    """The contagion record of a run (docs/hdf5-schema.md, group ``contagion``).

    Attributes
    ----------
    path : Path
    attrs : dict            the group's attributes: ``betweenness`` ("exact" or
                            "skipped"), ``betweenness_note``, ``rounds_completed``, ...
    dataset : xr.Dataset    the group as stored (dims protocol, link, cluster)
    protocols : DataFrame   one row per protocol (index ``protocol``, scenario
                            order): source and failed (bool), distance,
                            first_failure_round, degree, strength, pagerank,
                            betweenness (NaN when skipped), failed_cluster
    links : DataFrame       the protocol graph, one row per link (index ``link``):
                            ``from`` and ``to`` (protocol names), ``link_from``,
                            ``link_to`` (indices), ``weight``, shared_assets,
                            shared_pools, shared_oracles, shared_tokens (assets one
                            issues that the other holds or accepts; absent in files
                            written before it was counted)
    clusters : DataFrame    one row per failed cluster (index ``cluster``):
                            ``size`` and ``members`` (list of names)
    scalars : Series        source_protocols, failed_protocols, failed_clusters,
                            largest_cluster, reach
    """

    def __init__(self, path, group=None):
        path = _check_hdf5(path)
        self.path = path
        where = f"{group}/contagion" if group else "contagion"
        with h5py.File(path, "r") as f:
            base = f[group] if group else f
            if "contagion" not in base:
                status = _text(base.attrs.get("status", "unknown"))
                raise LiqnetFormatError(
                    f"{path}: no group '{where}' (status {status}): the contagion record is "
                    "written when `liqnet run` finishes a run")
        ds = _open_group_xarray(path, where)
        ds.attrs = _clean_attrs(ds.attrs)
        for name in ds.variables:
            ds[name].attrs = _clean_attrs(ds[name].attrs)
        self.dataset = _decode_strings(ds)
        self.attrs = dict(self.dataset.attrs)

        names = [str(n) for n in self.dataset["protocol"].values]
        protocols = self.dataset[list(CONTAGION_PROTOCOL)].to_dataframe()
        for flag in ("source", "failed"):
            protocols[flag] = protocols[flag].astype(bool)
        protocols.index = pd.Index(names, name="protocol")
        self.protocols = protocols

        present = [v for v in CONTAGION_LINK
                   if v in self.dataset or v not in CONTAGION_LINK_LATER]
        links = self.dataset[present].to_dataframe()
        links.index.name = "link"
        links = links.rename(columns={"link_weight": "weight"})
        links.insert(0, "from", [names[i] for i in links["link_from"]])
        links.insert(1, "to", [names[i] for i in links["link_to"]])
        self.links = links

        sizes = self.dataset["cluster_size"].values
        members = [[] for _ in sizes]
        for name, c in zip(names, protocols["failed_cluster"]):
            if c >= 0:
                members[int(c)].append(name)
        self.clusters = pd.DataFrame({"size": sizes.astype(np.int64), "members": members},
                                     index=pd.Index(np.arange(len(sizes)), name="cluster"))

        scalars = {v: int(self.dataset[v].item()) for v in CONTAGION_SCALARS}
        scalars["failed_clusters"] = len(sizes)
        self.scalars = pd.Series(scalars, name="value")

    def __repr__(self):
        s = self.scalars
        return (f"<liqnet Contagion {self.path}: {len(self.protocols)} protocols, "
                f"{len(self.links)} links; {s['failed_protocols']} failed in "
                f"{s['failed_clusters']} clusters, reach {s['reach']}; betweenness "
                f"{self.attrs.get('betweenness', '?')}>")


def open_contagion(path, group=None):
    """The contagion record of a run file: see :class:`Contagion`.  ``group``
    names a run stored inside another file."""
    return Contagion(path, group)


def run_contagion(ds):
    """The contagion record of a run dataset opened with :func:`open_run`
    (read from the file it came from)."""
    source = ds.encoding.get("source")
    if not source:
        raise LiqnetError("this dataset was not opened with open_run(): use "
                          "open_contagion(path)")
    return Contagion(source, ds.encoding.get("liqnet_group"))


# --------------------------------------------------------------------------
# sweep files


class Sweep:
    """A liqnet sweep file, read into memory.

    Attributes
    ----------
    path : Path
    attrs : dict            root attributes (str values)
    status : str            the sweep's status ("complete", "incomplete", ...)
    definition : dict       the sweep YAML, parsed (``definition_text``: as written)
    parameters : list[str]  the varied parameters: columns of ``summary``
    summary : DataFrame     one row per run (index ``run``): setting, replicate,
                            seed, status (int8: 0 not run, 1 complete, 2
                            failed), status_name, error, one column per varied
                            parameter, the scalar metrics
    by_oracle, by_protocol : DataFrame
                            one row per (run, oracle) / (run, protocol) with
                            the run's setting, replicate, seed, status and
                            parameters, then the metrics
    oracle_dataset, protocol_dataset, summary_dataset : xr.Dataset
                            the groups as stored
    kept_runs : list[int]   runs whose trajectories are in the file
    """

    def __init__(self, path, *, warn=True):
        path = _check_hdf5(path)
        self.path = path
        self.attrs, groups = _root_attrs(path)
        if "summary" not in groups:
            what = ("a run file: use open_run()" if "round" in groups
                    else "not a liqnet sweep file")
            raise LiqnetFormatError(f"{path}: no group 'summary' ({what}; holds "
                                    f"{', '.join(groups) or 'nothing'})")
        self.status = self.attrs.get("status", "unknown")
        self.definition_text = self.attrs.get("sweep", "")
        self.definition = _parse_yaml(self.definition_text)

        self.summary_dataset = self._group("summary")
        self.oracle_dataset = self._group("summary_oracle", required=False)
        self.protocol_dataset = self._group("summary_protocol", required=False)
        with h5py.File(path, "r") as f:
            self.kept_runs = (sorted(int(k.rsplit("_", 1)[1]) for k in f["runs"].keys()
                                     if k.startswith("run_"))
                              if "runs" in f else [])

        self.summary = self._summary_frame()
        self.parameters = [c for c in self.summary_dataset.data_vars
                           if c not in SWEEP_SUMMARY_FIELDS and
                           self.summary_dataset[c].dims == ("run",)]
        ordered = self._parameter_order()
        self.parameters = [p for p in ordered if p in self.parameters] + \
                          [p for p in self.parameters if p not in ordered]
        self.summary = self.summary[
            [c for c in ("setting", "replicate", "seed", "status", "status_name", "error")
             if c in self.summary] + self.parameters +
            [c for c in self.summary if c not in self.parameters and c not in
             ("setting", "replicate", "seed", "status", "status_name", "error")]]

        counts = self.summary["status_name"].value_counts().to_dict()
        self.n_runs = int(self.attrs.get("n_runs", len(self.summary)))
        if warn and (self.status != "complete" or counts.get("complete", 0) != len(self.summary)):
            extra = ", ".join(f"{n} {k}" for k, n in counts.items())
            failed = self.summary[self.summary.status == 2]
            if len(failed):
                first = failed.iloc[0]
                extra += f"; first failure, run {failed.index[0]}: {first.get('error', '')}"
            if self.status == "complete":
                warnings.warn(f"{path}: not every run is complete: {extra}",
                              LiqnetIncompleteWarning, stacklevel=2)
            else:
                _status_warning(path, "sweep", self.status, extra)

    # -- construction helpers

    def _group(self, name, required=True):
        try:
            with h5py.File(self.path, "r") as f:
                present = name in f
            if not present:
                if required:
                    raise LiqnetFormatError(f"{self.path}: no group '{name}'")
                return None
            ds = _open_group_xarray(self.path, name)
        except (OSError, ValueError) as e:
            raise LiqnetFormatError(f"{self.path}: cannot read group '{name}': {e}") from e
        ds.attrs = _clean_attrs(ds.attrs)
        for v in ds.variables:
            ds[v].attrs = _clean_attrs(ds[v].attrs)
        return _decode_strings(ds)

    def _summary_frame(self):
        ds = self.summary_dataset
        if "run" not in ds.dims:
            raise LiqnetFormatError(f"{self.path}: group 'summary' has no dimension 'run' "
                                    f"(dimensions: {', '.join(ds.dims) or 'none'})")
        df = ds.to_dataframe()
        if "run" not in df.index.names:
            df.index.name = "run"
        if "status" in df:
            df["status_name"] = df["status"].map(RUN_STATUS).fillna("unknown")
        else:
            df["status_name"] = "unknown"
        if "error" in df:
            df["error"] = df["error"].map(lambda v: _text(v) if v is not None else "")
        return df

    def _parameter_order(self):
        names = []
        for p in (self.definition or {}).get("parameters", []) or []:
            if isinstance(p, dict):
                names.append(p.get("name") or p.get("path"))
        return [n for n in names if n]

    def _long(self, ds, entity, what):
        if ds is None:
            raise LiqnetFormatError(f"{self.path}: no group 'summary_{what}' (per-{what} "
                                    "metrics are not in this file)")
        df = ds.to_dataframe().reset_index()
        keys = ["setting", "replicate", "seed", "status"] + self.parameters
        run_info = self.summary[[k for k in keys if k in self.summary]]
        df = df.merge(run_info, left_on="run", right_index=True, how="left")
        metrics = [c for c in df.columns if c not in keys and c not in ("run", entity)]
        return df[["run", entity] + [k for k in keys if k in df] + metrics]

    # -- public

    @property
    def by_oracle(self):
        """One row per (run, oracle): amplification, oracle_drawdown, exogenous_drawdown."""
        return self._long(self.oracle_dataset, "oracle", "oracle")

    @property
    def by_protocol(self):
        """One row per (run, protocol): liquidations, liquidated value, bad debt, ..."""
        return self._long(self.protocol_dataset, "protocol", "protocol")

    @property
    def complete(self):
        """The rows of ``summary`` whose run completed."""
        return self.summary[self.summary["status"] == 1]

    def run(self, r, *, warn=True):
        """Trajectory of run ``r`` as an xarray Dataset (as open_run gives for a
        run file), with the run's row of ``summary`` in its attributes.
        Raises KeyError when the sweep did not keep that run's trajectory."""
        r = int(r)
        if r not in self.summary.index:
            raise KeyError(f"{self.path}: no run {r} (runs 0..{len(self.summary) - 1})")
        if r not in self.kept_runs:
            kept = self.kept_runs
            hint = (f"kept runs: {_ranges(kept)}" if kept else
                    "no trajectories were kept (output.trajectories: none)")
            raise KeyError(f"{self.path}: the trajectory of run {r} was not kept; {hint}")
        # A run group carries the run's number and seed; its status is the
        # summary's (a failed run keeps the rounds before its failure).
        ds = open_run(self.path, group=f"runs/run_{r:06d}", warn=False)
        row = self.summary.loc[r]
        if ds.attrs.get("status", "unknown") == "unknown":
            ds.attrs["status"] = row["status_name"]
        if warn and ds.attrs["status"] != "complete":
            _status_warning(f"{self.path} (run {r})", "run", ds.attrs["status"],
                            f"error: {row.get('error', '')}")
        ds.attrs["sweep_run"] = r
        for key in ["setting", "replicate", "seed"] + self.parameters:
            if key in row:
                value = row[key]
                ds.attrs[f"sweep_{key}"] = value.item() if isinstance(value, np.generic) else value
        return ds

    def trajectory(self, variable, runs=None):
        """One per-round variable of many kept runs as an xr.DataArray with
        dimensions (run, round, entity), read with h5py in one pass (opening
        each run with :meth:`run` costs about 0.2 s; this about 1 ms a run).
        ``runs`` defaults to every kept run; they must share their rounds (a
        failed run, shorter, is padded with NaN)."""
        runs = self.kept_runs if runs is None else [int(r) for r in runs]
        missing = [r for r in runs if r not in self.kept_runs]
        if missing:
            raise KeyError(f"{self.path}: trajectories not kept for runs {_ranges(missing)}")
        if not runs:
            raise KeyError(f"{self.path}: no trajectories were kept")
        with h5py.File(self.path, "r") as f:
            first = f[f"runs/run_{runs[0]:06d}"]
            if variable not in first:
                per_round = [k for k, v in first.items()
                             if isinstance(v, h5py.Dataset) and v.ndim == 2]
                raise KeyError(f"{self.path}: runs hold no variable '{variable}'; they hold "
                               f"{', '.join(sorted(per_round))}")
            d = first[variable]
            dims = _dimension_names(d, {n: None for n in ("round", "asset", "pool", "oracle",
                                                           "protocol")})
            if dims is None:
                raise LiqnetFormatError(f"{self.path}: {variable} has no dimension scales")
            entity = dims[1]
            names = [_text(v) for v in first[entity][()].tolist()]
            rounds = first["round"][()]
            attrs = _clean_attrs(d.attrs)
            data = np.full((len(runs), len(rounds), len(names)), np.nan)
            for i, r in enumerate(runs):
                values = f[f"runs/run_{r:06d}/{variable}"][()]
                data[i, :values.shape[0]] = values
        return xr.DataArray(data, dims=("run", "round", entity), name=variable, attrs=attrs,
                            coords={"run": runs, "round": rounds, entity: names})

    def __repr__(self):
        counts = self.summary["status_name"].value_counts().to_dict()
        return (f"<liqnet Sweep {self.path.name}: {len(self.summary)} runs ({counts}), status "
                f"'{self.status}', parameters {self.parameters}, "
                f"{len(self.kept_runs)} trajectories kept>")


def _ranges(values):
    """Compact "0-3, 7, 9-12" form of sorted ints."""
    out, start, prev = [], None, None
    for v in values:
        if start is None:
            start = prev = v
        elif v == prev + 1:
            prev = v
        else:
            out.append(f"{start}-{prev}" if prev > start else f"{start}")
            start = prev = v
    if start is not None:
        out.append(f"{start}-{prev}" if prev > start else f"{start}")
    return ", ".join(out)


def _parse_yaml(text):
    if not text:
        return {}
    try:
        import yaml
    except ImportError:  # PyYAML is a Debian package too, but keep reading without it
        return {}
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        warnings.warn(f"the sweep definition is not valid YAML: {e}", stacklevel=3)
        return {}


def open_sweep(path, *, warn=True):
    """Open a liqnet sweep file: see :class:`Sweep`."""
    return Sweep(path, warn=warn)


def open(path, *, warn=True):  # noqa: A001 - mirrors xr.open_dataset
    """Open a run file (-> xr.Dataset) or a sweep file (-> Sweep), whichever it is."""
    path = _check_hdf5(path)
    attrs, groups = _root_attrs(path)
    if "summary" in groups and "round" not in groups:
        return open_sweep(path, warn=warn)
    return open_run(path, warn=warn)


# --------------------------------------------------------------------------
# running the liqnet program (for notebooks and tests)


def find_liqnet(start=None):
    """Path of the liqnet program: $LIQNET_BIN, else build/liqnet or
    build-*/liqnet of the repository containing ``start`` (default: this
    module's repository), else `liqnet` on PATH."""
    env = os.environ.get("LIQNET_BIN")
    if env:
        if not Path(env).is_file():
            raise LiqnetError(f"LIQNET_BIN={env}: no such file")
        return Path(env)
    repo = Path(start or Path(__file__).resolve().parent.parent)
    candidates = [repo / "build" / "liqnet"] + sorted(repo.glob("build*/liqnet"))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    found = shutil.which("liqnet")
    if found:
        return Path(found)
    raise LiqnetError("liqnet program not found: set LIQNET_BIN or build it "
                      "(cmake -S . -B build && cmake --build build)")


def _call(args, quiet):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise LiqnetError(f"{' '.join(map(str, args))}: exit status {proc.returncode}\n"
                          f"{proc.stderr.strip()}")
    if not quiet and proc.stdout:
        print(proc.stdout, end="")
    return proc


def liqnet_run(scenario, out, *, seed=None, rounds=None, threads=None, quiet=True,
               binary=None):
    """Run `liqnet run SCENARIO -o OUT --force` and open the result."""
    args = [binary or find_liqnet(), "run", scenario, "-o", out, "--force"]
    if seed is not None:
        args += ["--seed", seed]
    if rounds is not None:
        args += ["--rounds", rounds]
    if threads is not None:
        args += ["--threads", threads]
    if quiet:
        args.append("--quiet")
    _call(args, quiet)
    return open_run(out)


def liqnet_sweep(sweep, out, *, threads=None, quiet=True, binary=None):
    """Run `liqnet sweep SWEEP.yaml -o OUT --force` and open the result."""
    args = [binary or find_liqnet(), "sweep", sweep, "-o", out, "--force"]
    if threads is not None:
        args += ["--threads", threads]
    if quiet:
        args.append("--quiet")
    _call(args, quiet)
    return open_sweep(out)
