#!/usr/bin/python3
"""Checks the run files that killed `liqnet run` processes left behind.

    check_killed.py [--status STATUS] REFERENCE.h5 KILLED.h5 [KILLED.h5 ...]

REFERENCE.h5 is an uninterrupted run of the same simulation (the same
scenario and seed; `output.flush_every` may differ, it does not change the
numbers). Each KILLED.h5 must:

- open with h5py (and, for one file in ten and the last, with xarray);
- have status "incomplete", or "complete" when the kill came after the run
  finished (then it must equal the reference whole);
- hold n >= 1 rounds in every per-round variable (the `round` coordinate and
  every dataset whose first dimension is `round`), with rounds_completed =
  n - 1 and round = 0 .. n-1;
- have those n rows bit-identical to the reference's first n rows.

A path that does not exist is a run killed before its first flush (round 0):
counted, not a failure (there was no file yet). With --status, every file
must exist and have that status instead ("failed" also needs the attribute
`error`): the files a failed write leaves (tests/cli/run_io_error_tests.sh).
Prints one line per file and a summary; exit status 1 when any file fails.
"""
import sys

import h5py
import numpy as np


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def per_round(f):
    """Names of the datasets over (round, ...): the coordinate and every
    variable whose first dimension scale is `round`."""
    names = ["round"] if "round" in f else []
    for name, obj in f.items():
        if isinstance(obj, h5py.Dataset) and obj.ndim == 2 and "round" in obj.dims[0].keys():
            names.append(name)
    return sorted(names)


def check(path, ref, ref_rows, full_check, want=None):
    try:
        f = h5py.File(path, "r")
    except FileNotFoundError:
        return ("FAIL", "no file") if want else ("absent", "")
    except OSError as e:
        return "FAIL", f"does not open: {e}"
    with f:
        status = text(f.attrs.get("status", ""))
        names = per_round(f)
        if "round" not in names or len(names) < 10:
            return "FAIL", f"per-round variables missing: {names}"
        lengths = {name: f[name].shape[0] for name in names}
        n = lengths["round"]
        if set(lengths.values()) != {n}:
            odd = {k: v for k, v in lengths.items() if v != n}
            return "FAIL", f"lengths differ: round {n}, {odd}"
        if n < 1:
            return "FAIL", "no round"
        completed = int(f.attrs["rounds_completed"])
        if completed != n - 1:
            return "FAIL", f"rounds_completed {completed} with {n} rounds"
        if not np.array_equal(f["round"][:], np.arange(n)):
            return "FAIL", "round is not 0 .. n-1"
        if n > ref_rows:
            return "FAIL", f"{n} rounds, more than the reference's {ref_rows}"
        for name in names:
            if name not in ref:
                return "FAIL", f"{name} is not in the reference"
            a, b = f[name][:], ref[name][:n]
            if a.dtype != b.dtype or a.tobytes() != b.tobytes():
                return "FAIL", f"{name}: rows differ from the reference"
        if want is not None:
            if status != want:
                return "FAIL", f"status {status!r}, expected {want!r}"
            if want == "failed" and not text(f.attrs.get("error", "")):
                return "FAIL", "status failed without an error attribute"
        elif status == "complete":
            if n != ref_rows:
                return "FAIL", f"complete with {n} of {ref_rows} rounds"
            for name, obj in ref.items():
                if isinstance(obj, h5py.Dataset) and obj.dtype.kind != "O":
                    if name not in f or f[name][()].tobytes() != obj[()].tobytes():
                        return "FAIL", f"complete, but {name} differs from the reference"
        elif status != "incomplete":
            return "FAIL", f"status {status!r}"
    if full_check:
        import xarray as xr

        try:
            with xr.open_dataset(path, engine="h5netcdf") as ds:
                ds.load()
                if ds.sizes["round"] != n:
                    return "FAIL", f"xarray sees {ds.sizes['round']} rounds, h5py {n}"
        except Exception as e:  # noqa: BLE001 - any failure to read is the finding
            return "FAIL", f"xarray: {e}"
    return status, f"{n} rounds"


def main():
    args = sys.argv[1:]
    want = None
    if args[:1] == ["--status"] and len(args) > 1:
        want, args = args[1], args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    ref = h5py.File(args[0], "r")
    ref_rows = ref["round"].shape[0]
    counts = {}
    failures = 0
    paths = args[1:]
    for k, path in enumerate(paths):
        verdict, detail = check(path, ref, ref_rows, k % 10 == 0 or k == len(paths) - 1, want)
        counts[verdict] = counts.get(verdict, 0) + 1
        if verdict == "FAIL":
            failures += 1
        print(f"{path}: {verdict} {detail}".rstrip())
    checked = len(paths) - counts.get("absent", 0)
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"killed runs: {len(paths)}; files checked: {checked}; failures: {failures} ({summary})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
