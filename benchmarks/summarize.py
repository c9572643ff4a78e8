#!/usr/bin/env python3
"""Summary tables of a benchmarks/run.sh CSV, in Markdown, against the targets
of the Performance issue. Standard library only.

    python3 benchmarks/summarize.py benchmarks/results/full.csv
"""
import csv
import sys
from collections import defaultdict


def load(path):
    """Figures by (benchmark, scenario, accounts, threads, full_scan). A `round`
    run of 1,000 rounds or more (the long cascade) is filed as `round_long`,
    apart from the short run of the same configuration."""
    data = defaultdict(dict)
    effective = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["benchmark"], row["scenario"], int(row["accounts"]),
                   int(row["threads"]), int(row["full_scan"]))
            value = float(row["value"])
            if row["metric"] == "rounds":
                effective[key] = ("round_long",) + key[1:] \
                    if key[0] == "round" and value >= 1000 else key
            data[effective.get(key, key)][row["metric"]] = value
    return data


def find(data, bench, scenario=None, accounts=None, full_scan=None, threads=None):
    for (b, s, n, t, f), metrics in sorted(data.items()):
        if b == bench and scenario in (None, s) and accounts in (None, n) \
                and full_scan in (None, f) and threads in (None, t):
            yield (b, s, n, t, f), metrics


def first(data, *args, **kwargs):
    return next(find(data, *args, **kwargs), (None, {}))[1]


def size(n):
    return "1e%d" % len(str(n)[1:]) if str(n).strip("0") == "1" else str(n)


def seconds(value):
    if value is None:
        return "n/a"
    if value < 1e-3:
        return "%.1f µs" % (value * 1e6)
    if value < 1:
        return "%.2f ms" % (value * 1e3)
    return "%.2f s" % value


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def main(path):
    data = load(path)
    out = []
    rows = []

    bw = first(data, "bandwidth")
    if bw:
        k = bw.get("kernel_over_triad")
        r = bw.get("round_over_triad")
        rows.append(("full-scan kernel bandwidth / triad bandwidth (stand-alone copy, 1e7)",
                     "%.2f (%.1f of %.1f GB/s)" % (k, bw["kernel_bandwidth"] * 1e-9,
                                                   bw["triad_bandwidth"] * 1e-9),
                     ">= 0.5", verdict(k >= 0.5)))
        rows.append(("calm full-scan liq_sim_step / triad bandwidth (1e7)",
                     "%.2f (%.2f G accounts/s)" % (r, bw["round_accounts_per_s"] * 1e-9),
                     ">= 0.5", verdict(r >= 0.5)))

    sizes = sorted({n for (b, _s, n, _t, _f) in data if b == "round"})
    all_threads = max([t for (b, _s, _n, t, _f) in data if b == "round"] or [1])
    largest = sizes[-1] if sizes else None
    for scan in (0, 1):
        worst = None
        for key, m in find(data, "round", accounts=largest, full_scan=scan,
                           threads=all_threads):
            if worst is None or m["bytes_per_account"] > worst[1]:
                worst = (key[1], m["bytes_per_account"])
        if worst:
            rows.append(("bytes per account, %s accounts, full_scan %d (worst of calm/cascade: %s)"
                         % (size(largest), scan, worst[0]),
                         "%.1f" % worst[1], "<= 40", verdict(worst[1] <= 40)))
    round_threads = sorted({t for (b, _s, _n, t, _f) in data if b == "round"})
    for threads in round_threads:
        for scan in (0, 1):
            a = first(data, "round", "calm", 100000, scan, threads).get("round_median")
            b = first(data, "round", "calm", 10000000, scan, threads).get("round_median")
            if a and b:
                rows.append(("calm round 1e7 / 1e5 accounts, full_scan %d, %d threads"
                             % (scan, threads),
                             "%.1f (%s / %s)" % (b / a, seconds(b), seconds(a)),
                             "<= 2" if scan == 0 else "(full scan: O(accounts))",
                             verdict(b / a <= 2) if scan == 0 else ""))
    big = first(data, "round_long", "cascade", 100000000, 0)
    if big and big.get("rounds", 0) >= 1000:
        rows.append(("1e8 accounts through the 1,000-round cascade (full_scan 0)",
                     "%d rounds in %.0f s, peak RSS %.2f GB (%.1f B/account)"
                     % (big["rounds"], big["run_total"], big["peak_rss"] * 1e-9,
                        big["bytes_per_account"]),
                     "fits in 24 GB", verdict(big["peak_rss"] < 24e9)))
    else:
        rows.append(("1e8 accounts through the 1,000-round cascade", "not run in this mode",
                     "fits in 24 GB", "n/a"))
    for key, m in find(data, "scaling"):
        if "round_speedup" in m:
            rows.append(("%s/1 threads, %s rounds, %s accounts, full_scan %d (median round)"
                         % (key[3], key[1], size(key[2]), key[4]),
                         "%.2f (triad %.2f, kernel %.2f)" % (m["round_speedup"],
                                                              m.get("triad_speedup", 0),
                                                              m.get("kernel_speedup", 0)),
                         ">= 1.7", verdict(m["round_speedup"] >= 1.7)))
    for key, m in find(data, "h5"):
        rows.append(("HDF5 writing share of run time, %s, %s accounts, 1,000 rounds"
                     % (key[1], size(key[2])),
                     "%.1f%% (%s of %s)" % (100 * m["writer_share"], seconds(m["writer"]),
                                            seconds(m["run_with"])),
                     "(reported)", ""))

    out.append("## Summary against the targets\n")
    out.append("| figure | measured | target | |")
    out.append("| --- | --- | --- | --- |")
    out += ["| %s | %s | %s | %s |" % r for r in rows]

    out.append("\n## Seconds per round (median), liquidatable accounts and memory\n")
    out.append("| accounts | threads | scenario | full_scan | median round | mean round | accounts/s "
               "| liquidatable per round | create | peak RSS | bytes/account |")
    out.append("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        for threads in reversed(round_threads):
            for scenario in ("calm", "cascade"):
                for scan in (0, 1):
                    m = first(data, "round", scenario, n, scan, threads)
                    if not m:
                        continue
                    out.append("| %s | %d | %s | %d | %s | %s | %.3g | %.3g | %s | %.0f MiB "
                               "| %.1f |" % (
                                   size(n), threads, scenario, scan, seconds(m["round_median"]),
                                   seconds(m["round_mean"]), m["accounts_per_s"],
                                   m["liquidatable_per_round"], seconds(m["create"]),
                                   m["peak_rss"] / 1048576, m["bytes_per_account"]))
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
