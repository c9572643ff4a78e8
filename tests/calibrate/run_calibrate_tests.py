"""liqnet calibrate end to end (docs/calibration.md).

Usage: run_calibrate_tests.py LIQNET_BINARY SOURCE_DIR

Recovery: the synthetic truth is tests/calibrate/small.yaml as it is
(AaveLike's liquidation bonus b = 0.05, the pool's arbitrage share
a = 0.5). A run of it gives the "real" values; the calibration starts
elsewhere in the bounds and must find b and a again.

Tolerance 1e-4 (absolute) on both, and why it is the right size: the
targets are values of the crash round 10, whose set of liquidated accounts
is fixed by the oracle's price before the round's liquidations (the
bonus and the arbitrage share act after it), so near the truth
seized_value[10, AaveLike] = sum of repaid_i (1 + b) is linear in b and
the pool price after round 10 is smooth in (b, a): the objective is a
smooth bowl with its zero at the truth. BOBYQA stops when a step is below
xtol = 1e-6 of the range (1.4e-7 in b, 8e-7 in a), so a fit that
converged lies within a few xtol of the truth; 1e-4 (0.2% of b, 0.02% of
a) leaves room for the rounding of the objective near 0 and still fails
any fit that stopped at a wrong point (the start is 0.05 and 0.3 away).

The results file is checked from h5py: status, the parameters, the
target table against the printed one, the evaluation log (its objective
recomputed from its target values with the documented formula), the data
split; --run's file against the final evaluation; bad input by message.
"""

import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

LIQNET, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SMALL = os.path.join(SRC, "tests", "calibrate", "small.yaml")
work = tempfile.mkdtemp(prefix="liqnet-calibrate-")
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print(f"ok   - {name}")


def bad(name):
    global failed
    failed += 1
    print(f"FAIL - {name}")


def check(cond, name):
    (ok if cond else bad)(name)


def liqnet(*args):
    return subprocess.run([LIQNET, *args], capture_output=True, text=True, cwd=work)


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---------------------------------------------------------------- the truth
def truth(seed=None):
    out = os.path.join(work, f"truth-{seed}.h5")
    args = ["run", SMALL, "-o", out, "--force", "--quiet", "--threads", "1"]
    if seed is not None:
        args += ["--seed", str(seed)]
    r = liqnet(*args)
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        return {
            "seized": float(f["seized_value"][10, 0]),
            "pool": float(f["pool_price"][10, 0]),
            "bad_debt": float(f["final_bad_debt"][0]),
        }


T = truth()
BONUS = "protocols[AaveLike].markets[WETH].liquidation_bonus"
ARB = "pools[WETH-USDC].arbitrage"


def calibration(params, targets, extra=""):
    text = f"scenario: {SMALL}\nparameters:\n"
    for p in params:
        text += f"  - {p}\n"
    text += "targets:\n"
    for t in targets:
        text += f"  - {t}\n"
    return text + extra


SEIZED = "{{name: seized_crash, series: seized_value, entity: AaveLike, round: 10, real: {!r}, source: truth}}"
POOL = "{{name: pool_crash, series: pool_price, entity: WETH-USDC, round: 10, real: {!r}, source: truth}}"
DEBT = "{{name: bad_debt, summary: final_bad_debt, entity: AaveLike, real: {!r}, source: truth}}"
P_BONUS = f'{{path: "{BONUS}", name: bonus, bounds: [0.01, 0.15], start: 0.1}}'
P_ARB = f'{{path: "{ARB}", name: arbitrage, bounds: [0.1, 0.9], start: 0.8}}'
SPLIT = 'split: {fit_rounds: "0:11"}\noptimizer: {xtol: 1.0e-6}\n'


def read(path):
    with h5py.File(path) as f:
        out = {"attrs": dict(f.attrs)}
        for g in ("parameters", "targets", "evaluations"):
            for k, v in f[g].items():
                out[f"{g}/{k}"] = v[()]
        out["seed"] = f["seed"][()]
        return out


# ------------------------------------------------------------ one parameter
cal1 = write("one.yaml", calibration([P_BONUS], [SEIZED.format(T["seized"]), DEBT.format(T["bad_debt"])], SPLIT))
r = liqnet("calibrate", cal1, "-o", "one.h5", "--threads", "1")
check(r.returncode == 0, f"one parameter: exit 0 ({r.stderr.strip()[:300]})")
d = read(os.path.join(work, "one.h5"))
b = d["parameters/fitted"][0]
check(abs(b - 0.05) <= 1e-4, f"one parameter: bonus recovered, {b!r} within 1e-4 of 0.05 from start 0.1")
check(d["attrs"]["status"] == "complete", "one parameter: status complete")
check(re.search(r"bonus\s+0\.05", r.stdout) is not None, "one parameter: the summary prints the fitted bonus")
check(list(d["targets/fit"]) == [1, 0], "split: the round-10 target is fitted, the whole-run bad debt predicted")
check(d["attrs"]["fit_first_round"] == 0 and d["attrs"]["fit_last_round"] == 10
      and d["attrs"]["fit_rounds_run"] == 10 and d["attrs"]["final_rounds_run"] == 30,
      "split: fit rounds 0 to 10, fit evaluations run 10 rounds, the final one 30")

# The evaluation log: n rows, the last the final one, prediction targets NaN
# while fitting, objective = sum w ((m - r) / s)^2 of its own target values.
n = d["attrs"]["n_evaluations"]
ev_t, ev_o, phase = d["evaluations/targets"], d["evaluations/objective"], d["evaluations/phase"]
check(ev_t.shape == (n, 2) and len(ev_o) == n and d["evaluations/parameters"].shape == (n, 1),
      f"log: {n} rows of parameters, targets and objective")
check(list(phase[:-1]) == [1] * (n - 1) and phase[-1] == 2, "log: local phase rows, then the final row")
check(np.all(np.isnan(ev_t[:-1, 1])) and not np.isnan(ev_t[-1, 1]),
      "log: the prediction target is computed only by the final evaluation")
real, scale, weight = d["targets/real"], d["targets/scale"], d["targets/weight"]
recomputed = ((ev_t[:, 0] - real[0]) / scale[0]) ** 2 * weight[0]
check(np.allclose(recomputed, ev_o, rtol=1e-12, atol=0), "log: objective = w ((m - r) / s)^2 over the fitted target")
check(scale[0] == abs(real[0]) and weight[0] == 1.0, "defaults: scale |real|, weight 1")
check(np.array_equal(d["targets/fitted"], ev_t[-1]), "target table: fitted values are the final row's")
check(np.allclose(d["targets/error"], (d["targets/fitted"] - real) / scale, rtol=0, atol=1e-15),
      "target table: error = (fitted - real) / scale")
best = int(np.argmin(ev_o[:-1]))
check(d["evaluations/parameters"][best, 0] == b, "fitted value is the best evaluation's")
check(ev_o[-1] == ev_o[best], "the final evaluation repeats the best one's objective (same seeds, same rounds)")
check(d["attrs"]["stop_reason"] in ("XTOL_REACHED", "FTOL_REACHED", "SUCCESS"),
      f"stop reason {d['attrs']['stop_reason']} is a convergence")
check(list(d["targets/quantity"].astype(str)) == ["series seized_value[AaveLike], value at round 10",
                                                  "summary final_bad_debt[AaveLike]"],
      "target table: quantities described")
check("calibration" in d["attrs"] and "bonus" in d["attrs"]["calibration"]
      and "liquidation_bonus" in d["attrs"]["scenario"],
      "the file keeps the calibration text and the resolved scenario")

# Existing file: refused without --force.
r = liqnet("calibrate", cal1, "-o", "one.h5")
check(r.returncode == 1 and "file exists; pass --force" in r.stderr, "existing results file refused")

# --------------------------------------------------------- two parameters
cal2 = write("two.yaml", calibration(
    [P_BONUS, P_ARB], [SEIZED.format(T["seized"]), POOL.format(T["pool"]), DEBT.format(T["bad_debt"])],
    'split: {fit_rounds: "0:11"}\n'
    "optimizer: {algorithm: LN_BOBYQA, global: GN_DIRECT_L, global_evaluations: 30, xtol: 1.0e-6}\n"))
r = liqnet("calibrate", cal2, "-o", "two.h5", "--run", "two-run.h5", "--threads", "2")
check(r.returncode == 0, f"two parameters: exit 0 ({r.stderr.strip()[:300]})")
d = read(os.path.join(work, "two.h5"))
b, a = d["parameters/fitted"]
check(abs(b - 0.05) <= 1e-4 and abs(a - 0.5) <= 1e-4,
      f"two parameters: bonus {b!r} and arbitrage {a!r} within 1e-4 of 0.05 and 0.5")
phase = d["evaluations/phase"]
check(np.count_nonzero(phase == 0) == 30 and phase[-1] == 2, "two parameters: 30 global evaluations first, final last")
check(d["attrs"]["global_algorithm"] == "GN_DIRECT_L", "two parameters: global algorithm recorded")
with h5py.File(os.path.join(work, "two-run.h5")) as f:
    run_debt = float(f["final_bad_debt"][0])
    status = f.attrs["status"]
check(status == "complete" and run_debt == d["targets/fitted"][2],
      "--run: a complete run file whose bad debt is the final evaluation's")

# ---------------------------------------------- seeds: common random numbers
T7, T8 = truth(7), truth(8)
mean = {k: (T7[k] + T8[k]) / 2 for k in T7}
cal3 = write("seeds.yaml", calibration(
    [P_BONUS], [SEIZED.format(mean["seized"])], 'seeds: [7, 8]\noptimizer: {xtol: 1.0e-6}\nsplit: {fit_rounds: "0:11"}\n'))
r = liqnet("calibrate", cal3, "-o", "seeds.h5", "--threads", "1")
d = read(os.path.join(work, "seeds.h5"))
check(r.returncode == 0 and abs(d["parameters/fitted"][0] - 0.05) <= 1e-4 and list(d["seed"]) == [7, 8],
      f"seeds [7, 8]: the mean over both runs fitted, bonus {d['parameters/fitted'][0]!r}")

# ---------------------------------------------------------- the docs example
docs = open(os.path.join(SRC, "docs", "calibration.md")).read()
example = open(os.path.join(SRC, "graphs", "calibrate-demo.yaml")).read()
block = re.search(r"```yaml\n(# Calibration example.*?)```", docs, re.S)
check(block is not None and block.group(1) == example,
      "docs/calibration.md shows graphs/calibrate-demo.yaml as it is")
r = liqnet("calibrate", os.path.join(SRC, "graphs", "calibrate-demo.yaml"), "-o", "demo.h5", "--quiet")
d = read(os.path.join(work, "demo.h5"))
check(r.returncode == 0 and abs(d["parameters/fitted"][0] - 0.05) <= 1e-4
      and abs(d["parameters/fitted"][1] - 0.5) <= 1e-4 and list(d["targets/fit"]) == [1, 1, 0],
      f"docs example: recovers 0.05 and 0.5 ({d['parameters/fitted']}), bad debt predicted")


# ------------------------------------------------------------- bad input
def expect_error(name, text, pattern, status=1, args=()):
    path = write(f"bad-{name.replace(' ', '_')}.yaml", text)
    r = liqnet("calibrate", path, "-o", "bad.h5", "--force", *args)
    good = r.returncode == status and re.search(pattern, r.stderr) is not None
    check(good, f"error: {name}" + ("" if good else f": exit {r.returncode}, {r.stderr.strip()[:400]}"))


seized = SEIZED.format(T["seized"])
expect_error("unknown key path",
             calibration(['{path: "protocols[AaveLike].markets[WETH].liquidation_bonux", bounds: [0.01, 0.1]}'], [seized]),
             r"protocols\[0\]\.markets\[0\]: unknown key 'liquidation_bonux'")
expect_error("unknown list item",
             calibration(['{path: "protocols[Aave].markets[WETH].liquidation_bonus", bounds: [0.01, 0.1]}'], [seized]),
             r"bad-unknown_list_item\.yaml:3:\d+: protocols\[Aave\]\.markets\[WETH\]\.liquidation_bonus: no item named 'Aave' in protocols")
expect_error("bounds reversed",
             calibration([f'{{path: "{BONUS}", bounds: [0.1, 0.01]}}'], [seized]),
             r":3:\d+: parameters\[0\]\.bounds: expected \[lower, upper\], two finite numbers with lower < upper")
expect_error("bound the scenario refuses",
             calibration([f'{{path: "{BONUS}", bounds: [0.01, 2]}}'], [seized]),
             r"parameter '.*liquidation_bonus' at its upper bound 2: .*small\.yaml:\d+:\d+: protocols\[0\]\.markets\[0\]\.liquidation_bonus: value 2 is out of range; expected a number in \[0, 1\]")
expect_error("start outside the bounds",
             calibration([f'{{path: "{BONUS}", bounds: [0.01, 0.1], start: 0.2}}'], [seized]),
             r"parameters\[0\]\.start: .*0\.2.*expected a number within the bounds \[0\.01")
expect_error("unknown target variable",
             calibration([P_BONUS], ["{name: x, series: seized, entity: AaveLike, round: 10, real: 1, source: s}"]),
             r"targets\[0\]\.series: unknown per-round variable 'seized'; expected one of exogenous_price")
expect_error("unknown summary variable",
             calibration([P_BONUS], ["{name: x, summary: bad_debt, real: 1, source: s}"]),
             r"targets\[0\]\.summary: unknown summary variable 'bad_debt'; expected one of .*final_bad_debt")
expect_error("unknown entity",
             calibration([P_BONUS], ["{name: x, summary: final_bad_debt, entity: Aave, real: 1, source: s}"]),
             r"targets\[0\]\.entity: no protocol named 'Aave'; protocols: AaveLike, CompoundLike, HighLTV")
expect_error("missing real value",
             calibration([P_BONUS], ["{name: x, summary: final_bad_debt, entity: AaveLike, source: s}"]),
             r"targets\[0\]: missing key 'real'")
expect_error("missing source",
             calibration([P_BONUS], ["{name: x, summary: final_bad_debt, entity: AaveLike, real: 1}"]),
             r"targets\[0\]: missing key 'source'")
expect_error("real 0 without scale",
             calibration([P_BONUS], ["{name: x, summary: final_bad_debt, entity: AaveLike, real: 0, source: s}"]),
             r"targets\[0\]\.real: 0 without scale; expected scale")
expect_error("round outside the run",
             calibration([P_BONUS], ["{name: x, series: seized_value, entity: AaveLike, round: 31, real: 1, source: s}"]),
             r"targets\[0\]\.round: .*expected a round from 0 to 30")
expect_error("more parameters than fitted targets",
             calibration([P_BONUS, P_ARB], [seized]),
             r"2 parameters and 1 target in the fit rounds; expected at least as many fitted targets as parameters")
expect_error("no fitted target",
             calibration([P_BONUS], ["{name: x, summary: final_bad_debt, entity: AaveLike, real: 1, source: s}"],
                         'split: {fit_rounds: "0:11"}\n'),
             r"no target lies in the fit rounds 0 to 10; expected at least one target to fit")
expect_error("gradient algorithm",
             calibration([P_BONUS], [seized], "optimizer: {algorithm: LD_LBFGS}\n"),
             r"optimizer\.algorithm: unknown algorithm 'LD_LBFGS'; expected one of LN_BOBYQA")
expect_error("too many parameters",
             calibration([f'{{path: "accounts[{i}].count", bounds: [10, 20]}}' for i in range(3)]
                         + [f'{{path: "pools[0].fee", bounds: [0.001, 0.01]}}', P_BONUS, P_ARB,
                            f'{{path: "assets[0].market_depth", bounds: [1000, 9000]}}'], [seized]),
             r"parameters: 7 parameters; expected at most 6")
r = liqnet("calibrate", cal1)
check(r.returncode == 2 and "calibrate needs -o OUT.h5" in r.stderr, "usage: missing -o exits 2")
r = liqnet("calibrate", cal1, "-o", "x.h5", "--frobnicate")
check(r.returncode == 2, "usage: unknown option exits 2")
r = liqnet("calibrate", "--help")
check(r.returncode == 0 and "CALIBRATION.yaml -o OUT.h5" in r.stdout, "--help")

print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
