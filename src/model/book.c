/*
 * Linear order books (liqnet/amm.h): orders of even density around the mid,
 * so that the price moves linearly with the volume traded, by `slope` per
 * unit of token0.
 */
#include "liqnet/amm.h"

#include <math.h>

double liq_book_sell0(double amount_in, double mid, double slope, double fee, double *new_mid)
{
    const double q = amount_in * (1.0 - fee);
    if (!(q > 0.0)) {
        *new_mid = mid;
        return 0.0;
    }
    if (q >= mid / slope) {
        /* Every bid is taken: P^2 / (2 slope) in all, nothing left to quote. */
        *new_mid = LIQ_BOOK_FLOOR * mid;
        return 0.5 * mid * mid / slope;
    }
    *new_mid = mid - slope * q;
    return q * (mid - 0.5 * slope * q);
}

double liq_book_sell1(double amount_in, double mid, double slope, double fee, double *new_mid)
{
    const double y = amount_in * (1.0 - fee);
    if (!(y > 0.0)) {
        *new_mid = mid;
        return 0.0;
    }
    /* P q + slope q^2 / 2 = y, for q: 2 y / (P + sqrt(P^2 + 2 slope y)), the
     * form that does not cancel when slope y is small. */
    const double q = 2.0 * y / (mid + sqrt(mid * mid + 2.0 * slope * y));
    *new_mid = mid + slope * q;
    return q;
}
