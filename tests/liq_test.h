/*
 * Fixtures shared by the cmocka tests: a tolerance, scenarios parsed from
 * text, scenario errors asserted by code and message, and simulations
 * created and stepped. Include after
 * <cmocka.h>. A fixture fails the test with liqnet's own message when the
 * library refuses, so that a test reads as the model's steps.
 *
 * Scenario texts are parsed under the name LIQ_TEST_FILE, which stands for
 * the file in messages and names a scenario that has no `name:`, and their
 * relative paths resolve against LIQ_TEST_BASE_DIR (NULL: the working
 * directory). A test file may define either before including this header.
 */
#ifndef LIQ_TEST_H
#define LIQ_TEST_H

#include <math.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#ifndef LIQ_TEST_FILE
#define LIQ_TEST_FILE "test.yaml"
#endif
#ifndef LIQ_TEST_BASE_DIR
#define LIQ_TEST_BASE_DIR NULL
#endif

/* Fails the test unless a and b agree to the relative tolerance `rel` (of
 * b); equal values, infinities included, always agree. */
static inline void assert_close(double a, double b, double rel)
{
    if (!(fabs(a - b) <= rel * fabs(b) || (a == b))) {
        fail_msg("%.17g != %.17g (relative tolerance %g)", a, b, rel);
    }
}

/* The scenario `yaml` describes (the caller destroys it); fails the test,
 * printing the message and the text, if liqnet rejects it. */
static inline liq_scenario_t *parse_scenario(const char *yaml)
{
    liq_scenario_t *sc = NULL;
    const int rc = liq_scenario_parse(&sc, yaml, strlen(yaml), LIQ_TEST_FILE, LIQ_TEST_BASE_DIR);
    if (rc != LIQ_OK) {
        fail_msg("scenario rejected (%d): %s\n%s", rc, liq_errmsg(), yaml);
    }
    assert_non_null(sc);
    return sc;
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

/* A simulation of sc (the caller destroys it) with the positions pos (NULL:
 * the scenario's own accounts) and `options`; fails the test if liqnet
 * refuses. */
static inline liq_sim_t *create_sim_with(const liq_scenario_t *sc, const liq_positions_t *pos,
                                         const liq_sim_options_t *options)
{
    liq_sim_t *sim = NULL;
    if (liq_sim_create(&sim, sc, pos, options) != LIQ_OK) {
        fail_msg("liq_sim_create: %s", liq_errmsg());
    }
    return sim;
}

/* create_sim_with on `threads` threads, every other option its default
 * (the liquidation-price index, run 0). */
static inline liq_sim_t *create_sim(const liq_scenario_t *sc, const liq_positions_t *pos,
                                    int threads)
{
    const liq_sim_options_t options = {.threads = threads};
    return create_sim_with(sc, pos, &options);
}

/* Advances sim one round, failing the test if the round fails, and fills
 * `view` (unless NULL) with the state after it. */
static inline void step_sim(liq_sim_t *sim, liq_state_view_t *view)
{
    if (liq_sim_step(sim) != LIQ_OK) {
        fail_msg("liq_sim_step: %s", liq_errmsg());
    }
    if (view != NULL) {
        liq_sim_view(sim, view);
    }
}

#endif /* LIQ_TEST_H */
