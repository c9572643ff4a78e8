/*
 * Helpers shared by the cmocka tests. Include after <cmocka.h>.
 */
#ifndef LIQ_TEST_H
#define LIQ_TEST_H

#include <math.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/scenario.h"

/* Fails the test unless a and b agree to the relative tolerance `rel` (of
 * b); equal values, infinities included, always agree. */
static inline void assert_close(double a, double b, double rel)
{
    if (!(fabs(a - b) <= rel * fabs(b) || (a == b))) {
        fail_msg("%.17g != %.17g (relative tolerance %g)", a, b, rel);
    }
}

/* Fails the test unless parsing `yaml` (named bad.yaml) fails with `code`
 * and exactly `message`, and leaves no scenario. */
static inline void expect_scenario_error(const char *yaml, int code, const char *message)
{
    liq_scenario_t *sc = NULL;
    const int rc = liq_scenario_parse(&sc, yaml, strlen(yaml), "bad.yaml", NULL);
    assert_null(sc);
    if (rc != code || strcmp(liq_errmsg(), message) != 0) {
        fail_msg("got %d '%s'\nexpected %d '%s'", rc, liq_errmsg(), code, message);
    }
}

#endif /* LIQ_TEST_H */
