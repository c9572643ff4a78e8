/*
 * 256-bit unsigned integers for the Uniswap v3 contract arithmetic
 * (src/model/v3_exact.c): the EVM's uint256 with its wrap-around, and the
 * 512-bit product FullMath.mulDiv needs.
 *
 * Private to src/model. A value is four 64-bit limbs, least significant
 * first; a signed value (int256, int128 sign-extended) is held in two's
 * complement, as the EVM holds it. Products of two limbs use GCC's
 * unsigned __int128 (clang has it too); __extension__ keeps -Wpedantic quiet.
 * These are the only unsigned types in liqnet besides size_t: the contracts'
 * integer arithmetic is modular by definition (STYLE.md's rule is for model
 * quantities).
 */
#ifndef LIQ_MODEL_U256_H
#define LIQ_MODEL_U256_H

#include <stdbool.h>
#include <stdint.h>

#include "liqnet/concentrated.h"

__extension__ typedef unsigned __int128 liq_u128;

static inline liq_u256_t liq_u256_zero(void)
{
    const liq_u256_t z = {{0, 0, 0, 0}};
    return z;
}

static inline liq_u256_t liq_u256_u64(uint64_t v)
{
    const liq_u256_t r = {{v, 0, 0, 0}};
    return r;
}

static inline liq_u256_t liq_u256_u128(liq_u128 v)
{
    const liq_u256_t r = {{(uint64_t)v, (uint64_t)(v >> 64), 0, 0}};
    return r;
}

/* 2^256 - 1, type(uint256).max. */
static inline liq_u256_t liq_u256_max(void)
{
    const liq_u256_t r = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
    return r;
}

static inline bool liq_u256_is_zero(liq_u256_t a)
{
    return (a.limb[0] | a.limb[1] | a.limb[2] | a.limb[3]) == 0;
}

static inline bool liq_u256_eq(liq_u256_t a, liq_u256_t b)
{
    return a.limb[0] == b.limb[0] && a.limb[1] == b.limb[1] && a.limb[2] == b.limb[2] &&
           a.limb[3] == b.limb[3];
}

static inline bool liq_u256_lt(liq_u256_t a, liq_u256_t b)
{
    for (int i = 3; i >= 0; i--) {
        if (a.limb[i] != b.limb[i]) {
            return a.limb[i] < b.limb[i];
        }
    }
    return false;
}

static inline bool liq_u256_le(liq_u256_t a, liq_u256_t b)
{
    return !liq_u256_lt(b, a);
}

/* Signed (two's complement) sign: the top bit. */
static inline bool liq_i256_negative(liq_u256_t a)
{
    return (a.limb[3] >> 63) != 0;
}

/* a + b mod 2^256; *carry (if given) gets the bit carried out. */
static inline liq_u256_t liq_u256_add_c(liq_u256_t a, liq_u256_t b, bool *carry)
{
    liq_u256_t r;
    liq_u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c += (liq_u128)a.limb[i] + b.limb[i];
        r.limb[i] = (uint64_t)c;
        c >>= 64;
    }
    if (carry) {
        *carry = c != 0;
    }
    return r;
}

static inline liq_u256_t liq_u256_add(liq_u256_t a, liq_u256_t b)
{
    return liq_u256_add_c(a, b, 0);
}

/* a - b mod 2^256; *borrow (if given) is set when b > a. */
static inline liq_u256_t liq_u256_sub_b(liq_u256_t a, liq_u256_t b, bool *borrow)
{
    liq_u256_t r;
    uint64_t br = 0;
    for (int i = 0; i < 4; i++) {
        const liq_u128 d = (liq_u128)a.limb[i] - b.limb[i] - br;
        r.limb[i] = (uint64_t)d;
        br = (uint64_t)(d >> 64) ? 1 : 0;
    }
    if (borrow) {
        *borrow = br != 0;
    }
    return r;
}

static inline liq_u256_t liq_u256_sub(liq_u256_t a, liq_u256_t b)
{
    return liq_u256_sub_b(a, b, 0);
}

/* -a mod 2^256 (two's complement negation). */
static inline liq_u256_t liq_u256_neg(liq_u256_t a)
{
    return liq_u256_sub(liq_u256_zero(), a);
}

static inline liq_u256_t liq_u256_shl(liq_u256_t a, int s)
{
    liq_u256_t r = liq_u256_zero();
    if (s >= 256) {
        return r;
    }
    const int w = s / 64, b = s % 64;
    for (int i = 3; i >= w; i--) {
        uint64_t v = a.limb[i - w] << b;
        if (b != 0 && i - w - 1 >= 0) {
            v |= a.limb[i - w - 1] >> (64 - b);
        }
        r.limb[i] = v;
    }
    return r;
}

static inline liq_u256_t liq_u256_shr(liq_u256_t a, int s)
{
    liq_u256_t r = liq_u256_zero();
    if (s >= 256) {
        return r;
    }
    const int w = s / 64, b = s % 64;
    for (int i = 0; i + w < 4; i++) {
        uint64_t v = a.limb[i + w] >> b;
        if (b != 0 && i + w + 1 < 4) {
            v |= a.limb[i + w + 1] << (64 - b);
        }
        r.limb[i] = v;
    }
    return r;
}

/* Arithmetic shift right of a two's complement value (the EVM's sar). */
static inline liq_u256_t liq_i256_sar(liq_u256_t a, int s)
{
    if (!liq_i256_negative(a)) {
        return liq_u256_shr(a, s);
    }
    /* -(((-a) - 1) >> s) - 1 = floor(a / 2^s) for a < 0. */
    const liq_u256_t one = liq_u256_u64(1);
    const liq_u256_t m = liq_u256_shr(liq_u256_sub(liq_u256_neg(a), one), s);
    return liq_u256_sub(liq_u256_neg(m), one);
}

/* The number of significant bits (0 for 0). */
static inline int liq_u256_bits(liq_u256_t a)
{
    for (int i = 3; i >= 0; i--) {
        if (a.limb[i]) {
            return 64 * i + 64 - __builtin_clzll(a.limb[i]);
        }
    }
    return 0;
}

/* a < 2^bits. */
static inline bool liq_u256_fits(liq_u256_t a, int bits)
{
    return liq_u256_bits(a) <= bits;
}

/* The full 512-bit product, 8 limbs least significant first. */
void liq_u256_mul_wide(uint64_t out[8], liq_u256_t a, liq_u256_t b);

/* a * b mod 2^256 (the EVM's mul); *overflow (if given) is set when the
 * true product does not fit. */
liq_u256_t liq_u256_mul_o(liq_u256_t a, liq_u256_t b, bool *overflow);

static inline liq_u256_t liq_u256_mul(liq_u256_t a, liq_u256_t b)
{
    return liq_u256_mul_o(a, b, 0);
}

/* a / b and a % b for b != 0 (the EVM's div and mod; b == 0 gives 0, as
 * the EVM does). */
liq_u256_t liq_u256_div(liq_u256_t a, liq_u256_t b);
liq_u256_t liq_u256_mod(liq_u256_t a, liq_u256_t b);

/*
 * FullMath.mulDiv: floor(a * b / d) with a 512-bit intermediate. Returns
 * false where the contract reverts (d == 0, or the quotient does not fit in
 * 256 bits). *remainder_nonzero (if given) tells whether a * b mod d != 0,
 * which is what mulDivRoundingUp adds one for.
 */
bool liq_u256_mul_div(liq_u256_t *result, liq_u256_t a, liq_u256_t b, liq_u256_t d,
                      bool *remainder_nonzero);

/* FullMath.mulDivRoundingUp: ceil(a * b / d); false where it reverts. */
bool liq_u256_mul_div_up(liq_u256_t *result, liq_u256_t a, liq_u256_t b, liq_u256_t d);

/* UnsafeMath.divRoundingUp: ceil(x / y), y != 0 (the EVM gives 0 for y = 0). */
liq_u256_t liq_u256_div_up(liq_u256_t x, liq_u256_t y);

#endif /* LIQ_MODEL_U256_H */
