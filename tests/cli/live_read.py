#!/usr/bin/python3
"""Reads a run file while `liqnet run` writes it, as a notebook monitoring a
run would (docs/hdf5-schema.md, "Reading a file while it is written").

    live_read.py LIQNET SCENARIO WORKDIR [SECONDS]

Starts the run (flushing every 20 rounds), then for SECONDS (default 8):

- opens the file with h5py, reads every per-round variable and closes it: the
  variables have one length n, rounds_completed is n - 1, the status is
  "incomplete";
- does the same with xarray (h5netcdf), loading the dataset into memory;
- keeps one h5py handle open across at least three of the writer's flushes
  and reads it again: it must read exactly what it read when it opened (the
  writer never rewrites a copy a reader holds);

then stops the run with SIGINT (status "interrupted") and checks that every
snapshot read is, row for row and bit for bit, the first n rounds of the final
file. Exit status 1 on any failure.
"""
import os
import signal
import subprocess
import sys
import time

import h5py
import xarray as xr

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL - {message}", flush=True)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read_h5py(f):
    """Every per-round array of an open file, and its rounds_completed."""
    data = {"round": f["round"][:]}
    for name, obj in f.items():
        if isinstance(obj, h5py.Dataset) and obj.ndim == 2 and "round" in obj.dims[0].keys():
            data[name] = obj[:]
    return data, int(f.attrs["rounds_completed"]), text(f.attrs["status"])


def consistent(data, completed, status, where):
    lengths = {name: a.shape[0] for name, a in data.items()}
    n = lengths["round"]
    if set(lengths.values()) != {n}:
        fail(f"{where}: lengths differ: {lengths}")
    elif completed != n - 1:
        fail(f"{where}: rounds_completed {completed} with {n} rounds")
    elif status != "incomplete":
        fail(f"{where}: status {status!r} while the run writes")
    return n


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    liqnet, scenario, work = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 8.0
    path = os.path.join(work, "live.h5")
    with open(scenario, encoding="utf-8") as f:
        text_in = f.read()
    live_yaml = os.path.join(work, "live.yaml")
    lines = []
    for line in text_in.splitlines():
        if line.startswith("rounds:"):
            line = "rounds: 2000000"
        elif line.startswith("  flush_every:"):
            line = "  flush_every: 20"
        lines.append(line)
    with open(live_yaml, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    # The file of an earlier run of this test would be read (status "interrupted") until the
    # new run's first flush replaces it: start without one.
    for old in (path, path + ".shadow"):
        if os.path.exists(old):
            os.remove(old)
    run = subprocess.Popen([liqnet, "run", live_yaml, "-o", path, "--quiet", "--force"])
    snapshots = []  # (n, data)
    reads = {"h5py": 0, "xarray": 0}
    held_checks = 0
    try:
        deadline = time.time() + 60
        while not os.path.exists(path):
            if time.time() > deadline or run.poll() is not None:
                fail("the run did not create its file")
                return
            time.sleep(0.01)
        # At least `seconds` of reading, and on until enough was seen (three
        # lengths, one handle kept across three flushes): a slow build (the
        # sanitizers) on a loaded machine flushes far less often. The hard
        # limit only bounds a run that stopped flushing.
        end = time.time() + seconds
        hard_end = time.time() + 240

        def enough():
            return len({n for n, _ in snapshots}) >= 3 and held_checks >= 1

        held = None
        while time.time() < end or (not enough() and time.time() < hard_end):
            with h5py.File(path, "r") as f:
                data, completed, status = read_h5py(f)
            n = consistent(data, completed, status, "h5py")
            snapshots.append((n, data))
            reads["h5py"] += 1

            with xr.open_dataset(path, engine="h5netcdf") as ds:
                ds = ds.load()
            if ds.sizes["round"] != int(ds.attrs["rounds_completed"]) + 1:
                fail(f"xarray: {ds.sizes['round']} rounds, rounds_completed "
                     f"{ds.attrs['rounds_completed']}")
            snapshots.append((ds.sizes["round"], {"oracle_price": ds.oracle_price.values,
                                                  "liquidations": ds.liquidations.values}))
            reads["xarray"] += 1

            # A handle kept open while the writer flushes at least three times.
            if held is None:
                held = h5py.File(path, "r")
                held_first = read_h5py(held)
            else:
                with h5py.File(path, "r") as f:
                    now = int(f.attrs["rounds_completed"])
                if now >= held_first[1] + 3 * 20:
                    again = read_h5py(held)
                    same = again[1] == held_first[1] and all(
                        again[0][k].tobytes() == held_first[0][k].tobytes()
                        for k in held_first[0])
                    if not same:
                        fail("a file kept open changed while the run wrote")
                    held.close()
                    held = None
                    held_checks += 1
            time.sleep(0.02)
        if held is not None:
            held.close()
    finally:
        if run.poll() is None:
            run.send_signal(signal.SIGINT)
        code = run.wait(timeout=120)
    if code != 130:
        fail(f"the run ended with exit status {code}, expected 130 after SIGINT")
    with h5py.File(path, "r") as f:
        final = {name: f[name][:] for name in ("round", "oracle_price", "liquidations",
                                                "pool_reserve0", "bad_debt")}
        full_names = [name for name, obj in f.items()
                      if isinstance(obj, h5py.Dataset) and obj.ndim == 2
                      and "round" in obj.dims[0].keys()]
        status = text(f.attrs["status"])
        for name in full_names:
            final.setdefault(name, f[name][:])
    if status != "interrupted":
        fail(f"final status {status!r}")
    grew = sorted({n for n, _ in snapshots})
    for n, data in snapshots:
        for name, a in data.items():
            if a.tobytes() != final[name][:n].tobytes():
                fail(f"a snapshot of {n} rounds differs from the final file in {name}")
                break
    if len(grew) < 3 or held_checks < 1:
        fail(f"too little seen: {len(grew)} distinct lengths, {held_checks} held-handle checks")
    print(f"{reads['h5py']} h5py and {reads['xarray']} xarray reads of a live file "
          f"({len(grew)} lengths, {grew[0]} to {grew[-1]} rounds), {held_checks} handles kept "
          f"open across 3 flushes: {len(failures)} failures", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
