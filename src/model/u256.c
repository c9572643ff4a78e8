/*
 * 256-bit unsigned integers (src/model/u256.h): products, Knuth's long
 * division on 64-bit limbs (The Art of Computer Programming vol. 2, 4.3.1,
 * algorithm D, in the form of Hacker's Delight's divmnu), FullMath.mulDiv,
 * and the decimal text the tests compare with the contracts' test values.
 *
 * Workload: a swap step of the exact layer makes about five mulDivs; the
 * 512-by-256-bit division is its cost.
 */
#include "model/u256.h"

#include <math.h>
#include <string.h>

#include "liqnet/error.h"

void liq_u256_mul_wide(uint64_t out[8], liq_u256_t a, liq_u256_t b)
{
    memset(out, 0, 8 * sizeof(*out));
    for (int i = 0; i < 4; i++) {
        if (a.limb[i] == 0) {
            continue;
        }
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            const liq_u128 p = (liq_u128)a.limb[i] * b.limb[j] + out[i + j] + carry;
            out[i + j] = (uint64_t)p;
            carry = (uint64_t)(p >> 64);
        }
        out[i + 4] = carry;
    }
}

liq_u256_t liq_u256_mul_o(liq_u256_t a, liq_u256_t b, bool *overflow)
{
    uint64_t w[8];
    liq_u256_mul_wide(w, a, b);
    if (overflow) {
        *overflow = (w[4] | w[5] | w[6] | w[7]) != 0;
    }
    const liq_u256_t r = {{w[0], w[1], w[2], w[3]}};
    return r;
}

/* Significant limbs of x[0..n). */
static int liq_limbs(const uint64_t *x, int n)
{
    while (n > 0 && x[n - 1] == 0) {
        n--;
    }
    return n;
}

/*
 * q = u / v, r = u % v for u of m limbs and v of n limbs, v[n-1] != 0,
 * m >= n; q gets m - n + 1 limbs, r gets n. Algorithm D: normalise so the
 * divisor's top bit is set, estimate each quotient limb from the top two
 * limbs of the remainder (off by at most 2, corrected by the test against
 * the divisor's second limb and one add-back), multiply and subtract.
 */
static void liq_divmod_limbs(uint64_t *q, uint64_t *r, const uint64_t *u, int m, const uint64_t *v,
                             int n)
{
    if (n == 1) {
        liq_u128 k = 0;
        for (int j = m - 1; j >= 0; j--) {
            const liq_u128 cur = (k << 64) | u[j];
            q[j] = (uint64_t)(cur / v[0]);
            k = cur % v[0];
        }
        r[0] = (uint64_t)k;
        return;
    }
    const int s = __builtin_clzll(v[n - 1]);
    uint64_t vn[4], un[9];
    for (int i = n - 1; i > 0; i--) {
        vn[i] = s ? (v[i] << s) | (v[i - 1] >> (64 - s)) : v[i];
    }
    vn[0] = v[0] << s;
    un[m] = s ? u[m - 1] >> (64 - s) : 0;
    for (int i = m - 1; i > 0; i--) {
        un[i] = s ? (u[i] << s) | (u[i - 1] >> (64 - s)) : u[i];
    }
    un[0] = u[0] << s;
    const liq_u128 base = (liq_u128)1 << 64;
    for (int j = m - n; j >= 0; j--) {
        const liq_u128 num = ((liq_u128)un[j + n] << 64) | un[j + n - 1];
        liq_u128 qhat = num / vn[n - 1];
        liq_u128 rhat = num % vn[n - 1];
        while (qhat >= base || qhat * vn[n - 2] > ((rhat << 64) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >= base) {
                break;
            }
        }
        /* un[j .. j+n] -= qhat * vn. */
        uint64_t carry = 0, borrow = 0;
        for (int i = 0; i < n; i++) {
            const liq_u128 p = qhat * vn[i] + carry;
            carry = (uint64_t)(p >> 64);
            const liq_u128 d = (liq_u128)un[i + j] - (uint64_t)p - borrow;
            un[i + j] = (uint64_t)d;
            borrow = (uint64_t)(d >> 64) ? 1 : 0;
        }
        const liq_u128 d = (liq_u128)un[j + n] - carry - borrow;
        un[j + n] = (uint64_t)d;
        q[j] = (uint64_t)qhat;
        if ((uint64_t)(d >> 64)) {
            /* Estimated one too many: add the divisor back. */
            q[j]--;
            liq_u128 c = 0;
            for (int i = 0; i < n; i++) {
                c += (liq_u128)un[i + j] + vn[i];
                un[i + j] = (uint64_t)c;
                c >>= 64;
            }
            un[j + n] += (uint64_t)c;
        }
    }
    for (int i = 0; i < n; i++) {
        r[i] = s ? (un[i] >> s) | (un[i + 1] << (64 - s)) : un[i];
    }
}

/* u (ulen limbs) divided by d: quotient in q (ulen limbs), remainder. */
static void liq_divmod(uint64_t *q, liq_u256_t *rem, const uint64_t *u, int ulen, liq_u256_t d)
{
    uint64_t r[4] = {0, 0, 0, 0};
    memset(q, 0, (size_t)ulen * sizeof(*q));
    const int n = liq_limbs(d.limb, 4);
    const int m = liq_limbs(u, ulen);
    if (m < n) {
        memcpy(r, u, (size_t)m * sizeof(*u));
    } else {
        liq_divmod_limbs(q, r, u, m, d.limb, n);
    }
    if (rem) {
        memcpy(rem->limb, r, sizeof(r));
    }
}

liq_u256_t liq_u256_div(liq_u256_t a, liq_u256_t b)
{
    if (liq_u256_is_zero(b)) {
        return liq_u256_zero();
    }
    uint64_t q[4];
    liq_divmod(q, NULL, a.limb, 4, b);
    const liq_u256_t r = {{q[0], q[1], q[2], q[3]}};
    return r;
}

liq_u256_t liq_u256_mod(liq_u256_t a, liq_u256_t b)
{
    if (liq_u256_is_zero(b)) {
        return liq_u256_zero();
    }
    uint64_t q[4];
    liq_u256_t r;
    liq_divmod(q, &r, a.limb, 4, b);
    return r;
}

bool liq_u256_mul_div(liq_u256_t *result, liq_u256_t a, liq_u256_t b, liq_u256_t d,
                      bool *remainder_nonzero)
{
    if (liq_u256_is_zero(d)) {
        return false;
    }
    uint64_t w[8], q[8];
    liq_u256_mul_wide(w, a, b);
    liq_u256_t r;
    liq_divmod(q, &r, w, 8, d);
    if (q[4] | q[5] | q[6] | q[7]) {
        return false; /* the contract's require(denominator > prod1) */
    }
    const liq_u256_t res = {{q[0], q[1], q[2], q[3]}};
    *result = res;
    if (remainder_nonzero) {
        *remainder_nonzero = !liq_u256_is_zero(r);
    }
    return true;
}

bool liq_u256_mul_div_up(liq_u256_t *result, liq_u256_t a, liq_u256_t b, liq_u256_t d)
{
    bool rem;
    if (!liq_u256_mul_div(result, a, b, d, &rem)) {
        return false;
    }
    if (rem) {
        if (liq_u256_eq(*result, liq_u256_max())) {
            return false; /* require(result < type(uint256).max) */
        }
        *result = liq_u256_add(*result, liq_u256_u64(1));
    }
    return true;
}

liq_u256_t liq_u256_div_up(liq_u256_t x, liq_u256_t y)
{
    if (liq_u256_is_zero(y)) {
        return liq_u256_zero();
    }
    uint64_t q[4];
    liq_u256_t r;
    liq_divmod(q, &r, x.limb, 4, y);
    liq_u256_t res = {{q[0], q[1], q[2], q[3]}};
    if (!liq_u256_is_zero(r)) {
        res = liq_u256_add(res, liq_u256_u64(1));
    }
    return res;
}

/* ------------------------------------------------------ public helpers */

liq_u256_t liq_u256_from_u64(uint64_t value)
{
    return liq_u256_u64(value);
}

int liq_u256_compare(liq_u256_t a, liq_u256_t b)
{
    return liq_u256_lt(a, b) ? -1 : liq_u256_eq(a, b) ? 0 : 1;
}

int liq_u256_parse(liq_u256_t *value, const char *text)
{
    const char *p = text;
    const bool negative = *p == '-';
    if (negative) {
        p++;
    }
    if (*p == '\0') {
        return liq_error_set(LIQ_EINVAL, "'%s' is not a decimal integer; expected digits", text);
    }
    liq_u256_t v = liq_u256_zero();
    const liq_u256_t ten = liq_u256_u64(10);
    for (; *p; p++) {
        if (*p < '0' || *p > '9') {
            return liq_error_set(LIQ_EINVAL, "'%s' is not a decimal integer; expected digits",
                                 text);
        }
        bool overflow, carry;
        v = liq_u256_mul_o(v, ten, &overflow);
        v = liq_u256_add_c(v, liq_u256_u64((uint64_t)(*p - '0')), &carry);
        if (overflow || carry) {
            return liq_error_set(LIQ_EINVAL, "'%s' does not fit in 256 bits", text);
        }
    }
    if (negative && liq_u256_bits(v) > 255 && !liq_u256_eq(v, liq_u256_shl(liq_u256_u64(1), 255))) {
        return liq_error_set(LIQ_EINVAL, "'%s' is below -2^255, the int256 minimum", text);
    }
    *value = negative ? liq_u256_neg(v) : v;
    return LIQ_OK;
}

char *liq_u256_format(liq_u256_t value, bool as_signed, char buf[LIQ_U256_TEXT])
{
    const bool negative = as_signed && liq_i256_negative(value);
    liq_u256_t v = negative ? liq_u256_neg(value) : value;
    char digits[LIQ_U256_TEXT];
    int n = 0;
    /* Peel off 19 decimal digits at a time (10^19 < 2^64). */
    const uint64_t chunk = 10000000000000000000ull;
    do {
        uint64_t q[4];
        liq_u256_t r;
        liq_divmod(q, &r, v.limb, 4, liq_u256_u64(chunk));
        const liq_u256_t next = {{q[0], q[1], q[2], q[3]}};
        uint64_t part = r.limb[0];
        const bool last = liq_u256_is_zero(next);
        for (int k = 0; k < 19 && (!last || part != 0 || k == 0); k++) {
            digits[n++] = (char)('0' + part % 10);
            part /= 10;
        }
        v = next;
    } while (!liq_u256_is_zero(v));
    int o = 0;
    if (negative) {
        buf[o++] = '-';
    }
    while (n > 0) {
        buf[o++] = digits[--n];
    }
    buf[o] = '\0';
    return buf;
}

double liq_u256_to_double(liq_u256_t value)
{
    /* Round to nearest, ties to even, from the top 64 significant bits and
     * a sticky bit for the rest: a 64-bit integer converts with one
     * rounding, and folding the lower bits into its last bit keeps that
     * rounding exact (the sticky bit lies below the double's half-ulp). */
    const int bits = liq_u256_bits(value);
    if (bits <= 64) {
        return (double)value.limb[0];
    }
    const int shift = bits - 64;
    const liq_u256_t top = liq_u256_shr(value, shift);
    const liq_u256_t back = liq_u256_shl(top, shift);
    uint64_t m = top.limb[0];
    if (!liq_u256_eq(back, value)) {
        m |= 1;
    }
    return ldexp((double)m, shift);
}

liq_u256_t liq_u256_from_double(double value)
{
    if (!(value >= 1.0)) {
        return liq_u256_zero();
    }
    if (value >= 0x1p256) {
        return liq_u256_max();
    }
    int e;
    const double f = frexp(value, &e); /* value = f 2^e, f in [0.5, 1) */
    /* The 53-bit mantissa as an integer, shifted into place: floor(value). */
    const uint64_t mant = (uint64_t)ldexp(f, 53);
    if (e >= 53) {
        return liq_u256_shl(liq_u256_u64(mant), e - 53);
    }
    return liq_u256_u64(mant >> (53 - e));
}
