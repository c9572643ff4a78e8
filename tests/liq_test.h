/*
 * Helpers shared by the cmocka tests. Include after <cmocka.h>.
 */
#ifndef LIQ_TEST_H
#define LIQ_TEST_H

#include <math.h>

/* Fails the test unless a and b agree to the relative tolerance `rel` (of
 * b); equal values, infinities included, always agree. */
static inline void assert_close(double a, double b, double rel)
{
    if (!(fabs(a - b) <= rel * fabs(b) || (a == b))) {
        fail_msg("%.17g != %.17g (relative tolerance %g)", a, b, rel);
    }
}

#endif /* LIQ_TEST_H */
