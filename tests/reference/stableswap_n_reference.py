#!/usr/bin/python3
"""Reference values for the n-coin StableSwap maths (tests/test_stableswap_n.c).

Curve's own tests publish no numbers for pools of three or more coins (the
3pool tests of curvefi/curve-contract check relations, and stableswap-ng's one
published value, get_D([1e23, 1e18], 1000) = 9010395375710532394006, has two
coins). The values here are derived two independent ways:

1. the contract's integer arithmetic, transcribed from StableSwap3Pool.vy
   (curvefi/curve-contract, contracts/pools/3pool): get_D, get_y and get_dy
   on balances already in 1e18 precision (rates 1e18), fee 4 bp (fee 4e6 on
   FEE_DENOMINATOR 1e10);
2. the invariant  Ann S + D = Ann D + D^(n+1) / (n^n prod x),  Ann = A n,
   solved by bisection in 60-digit decimal arithmetic, with no Newton
   iteration: D from the balances, y from the balances with coin i's
   replaced, and the marginal price as the ratio of the invariant's partial
   derivatives, (Ann + K / x_i) / (Ann + K / x_j), K = D^(n+1) / (n^n prod x).

    stableswap_n_reference.py             prints the values the C test embeds
    stableswap_n_reference.py --selftest  checks that the two ways agree (to a
                                          few wei of 1e24) and the published
                                          two-coin value

Standard library only (decimal).
"""
import sys
from decimal import Decimal, getcontext

getcontext().prec = 60

# ------------------------------------------------------------------ contract


def contract_get_d(xp, amp):
    """StableSwap3Pool.get_D, any number of coins (N_COINS = len(xp))."""
    n = len(xp)
    s = sum(xp)
    if s == 0:
        return 0
    d_prev, d = 0, s
    ann = amp * n
    for _ in range(255):
        d_p = d
        for x in xp:
            d_p = d_p * d // (x * n)
        d_prev = d
        d = (ann * s + d_p * n) * d // ((ann - 1) * d + (n + 1) * d_p)
        if abs(d - d_prev) <= 1:
            break
    return d


def contract_get_y(i, j, x, xp, amp):
    """StableSwap3Pool.get_y: coin j's balance once coin i holds x."""
    n = len(xp)
    d = contract_get_d(xp, amp)
    c, s_ = d, 0
    ann = amp * n
    for k in range(n):
        if k == i:
            xk = x
        elif k != j:
            xk = xp[k]
        else:
            continue
        s_ += xk
        c = c * d // (xk * n)
    c = c * d // (ann * n)
    b = s_ + d // ann
    y_prev, y = 0, d
    for _ in range(255):
        y_prev = y
        y = (y * y + c) // (2 * y + b - d)
        if abs(y - y_prev) <= 1:
            break
    return y


def contract_get_dy(i, j, dx, xp, amp, fee=4 * 10**6):
    """StableSwap3Pool.get_dy with rates 1e18: (xp[j] - y - 1), less the fee."""
    y = contract_get_y(i, j, xp[i] + dx, xp, amp)
    dy = xp[j] - y - 1
    return dy - fee * dy // 10**10


# ------------------------------------------------------------------ decimal


def bisect(f, lo, hi, steps=400):
    """The root of an increasing f in [lo, hi] (f(lo) <= 0 <= f(hi))."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def prod(xs):
    p = Decimal(1)
    for x in xs:
        p *= x
    return p


def invariant_d(xp, amp):
    n = len(xp)
    xp = [Decimal(x) for x in xp]
    s, p, ann = sum(xp), prod(xp), Decimal(amp) * n
    # g(D) = (Ann - 1) D + D^(n+1) / (n^n P) - Ann S increases in D; its
    # root lies in (0, S] (AM-GM: S^n >= n^n P).
    return bisect(lambda d: (ann - 1) * d + d ** (n + 1) / (Decimal(n) ** n * p) - ann * s,
                  Decimal(0), s)


def invariant_y(xp, i, j, x, amp):
    n = len(xp)
    d = invariant_d(xp, amp)
    rest = [Decimal(x) if k == i else Decimal(xp[k]) for k in range(n) if k != j]
    ann = Decimal(amp) * n
    s_, p_ = sum(rest), prod(rest)
    # Ann (S' + y) + D - Ann D - D^(n+1) / (n^n P' y) increases in y.
    return bisect(lambda y: ann * (s_ + y) + d - ann * d - d ** (n + 1) / (Decimal(n) ** n * p_ * y),
                  Decimal("1e-30") * d, 10 * d)


def invariant_price(xp, i, j, amp):
    n = len(xp)
    d = invariant_d(xp, amp)
    xs = [Decimal(x) for x in xp]
    ann = Decimal(amp) * n
    k = d ** (n + 1) / (Decimal(n) ** n * prod(xs))
    return (ann + k / xs[i]) / (ann + k / xs[j])


# ------------------------------------------------------------------ cases

E18 = 10**18
# A 3pool-like pool in 1e18 precision (DAI, USDC, USDT balances of 1.0M,
# 1.2M and 0.9M), A = 2000; a sale of 10,000 coin 0 for coin 2.
POOL3 = [1_000_000 * E18, 1_200_000 * E18, 900_000 * E18]
AMP3 = 2000
DX3 = 10_000 * E18
# Wider pools: 5 and 8 coins of uneven balances (in coin units), A = 100.
POOL5 = [1e6, 2e6, 5e5, 1.5e6, 7.5e5]
POOL8 = [1e6, 1.1e6, 0.9e6, 1.3e6, 0.7e6, 1.05e6, 0.95e6, 1.2e6]
AMP58 = 100


def values():
    out = {}
    out["d3_contract"] = contract_get_d(POOL3, AMP3)
    out["dy3_contract"] = contract_get_dy(0, 2, DX3, POOL3, AMP3)
    out["y3_contract"] = contract_get_y(0, 2, POOL3[0] + DX3, POOL3, AMP3)
    out["d3"] = invariant_d(POOL3, AMP3)
    out["y3"] = invariant_y(POOL3, 0, 2, POOL3[0] + DX3, AMP3)
    out["p3_02"] = invariant_price(POOL3, 0, 2, AMP3)
    out["p3_21"] = invariant_price(POOL3, 2, 1, AMP3)
    out["d5"] = invariant_d([Decimal(repr(x)) for x in POOL5], AMP58)
    out["y5"] = invariant_y([Decimal(repr(x)) for x in POOL5], 1, 3, Decimal("2.1e6"), AMP58)
    out["p5_13"] = invariant_price([Decimal(repr(x)) for x in POOL5], 1, 3, AMP58)
    out["d8"] = invariant_d([Decimal(repr(x)) for x in POOL8], AMP58)
    out["y8"] = invariant_y([Decimal(repr(x)) for x in POOL8], 4, 7, Decimal("0.8e6"), AMP58)
    out["p8_47"] = invariant_price([Decimal(repr(x)) for x in POOL8], 4, 7, AMP58)
    return out


def selftest():
    ok = True
    # stableswap-ng tests/token/test_get_D.py 'test_convergence': its get_D
    # (A_PRECISION 100) is the 3pool's in real numbers; amp 1000 / 100 = 10.
    d2 = invariant_d([10**23, 10**18], 10)
    if abs(d2 - Decimal(9010395375710532394006)) > 4:
        print("two-coin reference:", d2)
        ok = False
    v = values()
    for name, got, want in (("D", v["d3"], v["d3_contract"]), ("y", v["y3"], v["y3_contract"])):
        if abs(got - Decimal(want)) > 4:
            print(f"3 coins: decimal {name} {got} against contract {want}")
            ok = False
    # get_dy = xp[j] - y - 1 less the fee, from the decimal y.
    dy = (Decimal(POOL3[2]) - v["y3"] - 1) * (1 - Decimal("0.0004"))
    if abs(dy - Decimal(v["dy3_contract"])) > 4:
        print("3 coins: dy", dy, v["dy3_contract"])
        ok = False
    print("stableswap_n_reference selftest:", "ok" if ok else "FAILED")
    return ok


def main():
    if "--selftest" in sys.argv:
        return 0 if selftest() else 1
    for name, value in values().items():
        print(f"{name} = {value:.20g}" if isinstance(value, Decimal) else f"{name} = {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
