#!/usr/bin/env python3
"""The issued-token channel against the Gai-Kapadia cascade (MODEL.md s5).

Gai and Kapadia (2010, Proc. R. Soc. A 466, "Contagion in financial
networks") study banks linked by interbank claims on a random graph. Bank i
holds claims of total A on the k_i banks it lent to, in equal parts A/k_i,
and has capital K. With zero recovery, a bank fails once the failed banks
among its debtors cost it more than K. A bank is *vulnerable* when one
failure is enough: A/k > K. Global cascades are possible when the expected
number of vulnerable creditors a failure reaches exceeds one:

    f(z) = sum_k k p_k v_k > 1,    v_k = 1 if 1 <= k < A/K,

for in-degree distribution p_k (on a directed Erdos-Renyi graph with mean
degree z, Poisson(z), independent of the out-degree). The cascade is then a
branching process with Poisson(f(z)) vulnerable offspring, so a random
first failure triggers a global cascade with probability 1 - q, where q is
the smallest root of q = exp(f(z) (q - 1)).

Here each bank is a liqnet protocol that issues a token (price 1, zero
recovery) and holds the tokens of its debtors, A/k_i units of each, with an
insurance fund K. One protocol also holds an asset X that falls 99.9% in
round 1, which makes it fail. The test checks:

1. exactly, on every graph: the failure round of every protocol equals the
   synchronous threshold cascade computed here independently (a protocol
   fails in round t + 1 when its debtors failed by round t cost it more than
   K; the seed fails in round 1);
2. statistically, against the analytic condition: over R graphs per mean
   degree z, the share of runs where more than 5% of the protocols fail is
   within the binomial error (plus a finite-size allowance) of 1 - q inside
   the window, and near 0 on both sides of it.

Usage: gai_kapadia.py LIQNET_BIN WORK_DIR [--protocols N] [--runs R]
"""
import argparse
import math
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

CAPITAL = 0.22  # K / A: vulnerable when k < A/K = 4.55, i.e. k <= 4
FLOOR = 1e-9  # liqnet's floor on the redemption ratio (src/engine/sim_internal.h)
GLOBAL = 0.05  # a cascade is global when more than this share fails


def poisson_pmf(k, z):
    return math.exp(-z + k * math.log(z) - math.lgamma(k + 1)) if z > 0 else float(k == 0)


def branching_factor(z):
    """f(z) = sum_k k p_k v_k for Poisson(z) in-degrees."""
    return sum(k * poisson_pmf(k, z) for k in range(1, 200) if k * CAPITAL < 1.0)


def global_cascade_probability(z):
    """1 - q, q the smallest root of q = exp(f (q - 1)) (0 when f <= 1)."""
    f = branching_factor(z)
    if f <= 1.0:
        return 0.0
    q = 0.0
    for _ in range(10000):
        q = math.exp(f * (q - 1.0))
    return 1.0 - q


def make_graph(n, z, rng):
    """holds[i]: the protocols whose token i holds (its debtors), ascending."""
    p = z / (n - 1)
    adj = rng.random((n, n)) < p
    np.fill_diagonal(adj, False)
    return [np.flatnonzero(adj[i]) for i in range(n)]


def scenario_yaml(n, holds, seed_protocol):
    supply = np.zeros(n)
    for i in range(n):
        if len(holds[i]):
            supply[holds[i]] += 1.0 / len(holds[i])
    lines = ["name: gai-kapadia", "rounds: %d" % 60, "assets:",
             "  - {name: USD, price: 1}", "  - {name: X, price: 1}"]
    lines += ["  - {name: T%d, price: 1}" % i for i in range(n)]
    lines += ["oracles:", "  - {name: USD/USD, source: market, asset: USD}", "protocols:"]
    for i in range(n):
        held = ["{asset: T%d, amount: %r}" % (j, 1.0 / len(holds[i])) for j in holds[i]]
        if i == seed_protocol:
            held.append("{asset: X, amount: 1}")
        lines.append("  - {name: B%d, debt_asset: USD, debt_oracle: USD/USD, insurance_fund: %r,"
                     % (i, CAPITAL))
        lines.append("     issues: [{asset: T%d, supply: %r}], recovery: zero," %
                     (i, supply[i] if supply[i] > 0 else 1.0))
        lines.append("     holdings: [%s]}" % ", ".join(held))
    lines += ["shocks:", "  - {type: schedule, asset: X, steps: [{round: 1, return: -0.999}]}"]
    return "\n".join(lines) + "\n"


def reference_cascade(n, holds, seed_protocol, rounds):
    """Failure round of each protocol (-1: never), by synchronous thresholds."""
    failed = np.full(n, -1, dtype=np.int64)
    failed[seed_protocol] = 1
    for t in range(2, rounds + 1):
        new = []
        for i in range(n):
            if failed[i] >= 0 or not len(holds[i]):
                continue
            share = 1.0 / len(holds[i])
            loss = 0.0
            for j in holds[i]:  # liqnet's order: the holdings list
                if 0 <= failed[j] <= t - 1:
                    loss += share * (1.0 - FLOOR)
            if loss > CAPITAL:
                new.append(i)
        if not new:
            break
        failed[new] = t
    return failed


def run_liqnet(binary, work, name, text):
    scen = work / (name + ".yaml")
    out = work / (name + ".h5")
    scen.write_text(text)
    proc = subprocess.run([binary, "run", str(scen), "-o", str(out), "--force", "--quiet",
                           "--threads", "1"], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("FAIL liqnet run %s: %s" % (scen, proc.stderr.strip()))
    with h5py.File(out, "r") as f:
        rounds = int(f.attrs["rounds_completed"]) if "rounds_completed" in f.attrs else None
        first = f["first_failure_round"][...].astype(np.int64)
    out.unlink()
    scen.unlink()
    return first, rounds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("work")
    ap.add_argument("--protocols", type=int, default=400)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    n, runs = args.protocols, args.runs
    failures = 0
    # Below the window (no giant component), inside it twice, above it.
    for z in (0.5, 1.6, 3.0, 9.0):
        f = branching_factor(z)
        expected = global_cascade_probability(z)
        rng = np.random.default_rng(int(z * 1000))
        global_runs = 0
        extents = []
        for r in range(runs):
            holds = make_graph(n, z, rng)
            seed_protocol = int(rng.integers(n))
            first, _ = run_liqnet(args.binary, work, "gk_%g_%d" % (z, r),
                                  scenario_yaml(n, holds, seed_protocol))
            ref = reference_cascade(n, holds, seed_protocol, 60)
            if not np.array_equal(first, ref):
                bad = np.flatnonzero(first != ref)[:5]
                print("FAIL z=%g run %d: failure rounds differ from the threshold cascade at "
                      "protocols %s: liqnet %s, reference %s"
                      % (z, r, bad.tolist(), first[bad].tolist(), ref[bad].tolist()))
                failures += 1
            share = float(np.mean(first >= 0))
            extents.append(share)
            global_runs += share > GLOBAL
        freq = global_runs / runs
        # Binomial error of the frequency, plus 0.08 for finite-size effects
        # (N protocols, multiple hits on non-vulnerable protocols).
        tol = 3.0 * math.sqrt(max(expected * (1 - expected), 0.02) / runs) + 0.08
        ok = abs(freq - expected) <= tol
        print("%s z=%.1f: f(z)=%.3f, predicted P(global)=%.3f, measured %.3f over %d runs "
              "(tolerance %.3f); mean share failed %.3f"
              % ("ok  " if ok else "FAIL", z, f, expected, freq, runs, tol, float(np.mean(extents))))
        failures += not ok
    if failures:
        sys.exit("FAIL: %d check(s) failed" % failures)
    print("ok - every failure round matches the threshold cascade; frequencies match Gai-Kapadia")


if __name__ == "__main__":
    main()
