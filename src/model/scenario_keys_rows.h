/*
 * What the tables of scenario_keys*.c share: the ranges most keys take,
 * named once with the wording of their message, and the helpers of the
 * rules. Private to those files.
 */
#ifndef LIQNET_MODEL_SCENARIO_KEYS_ROWS_H
#define LIQNET_MODEL_SCENARIO_KEYS_ROWS_H

#include <math.h>
#include <stdint.h>

#include "model/scenario_keys.h"

/* Name lists in messages stop after this many bytes. */
#define LIQ_KEY_LIST_MAX 200

/* A table's rows and their count. */
#define LIQ_KEYS(rows) .keys = (rows), .n_keys = sizeof(rows) / sizeof((rows)[0])

/* Number ranges, each with the words of its message. */
#define LIQ_POSITIVE .lo = 0.0, .hi = INFINITY, .lo_open = true, .expected = "a finite number > 0"
#define LIQ_POSITIVE_OR_INF                                                                        \
    .lo = 0.0, .hi = INFINITY, .lo_open = true, .allow_inf = true, .expected = "a number > 0 or inf"
#define LIQ_POSITIVE_OR_UNLIMITED                                                                  \
    .lo = 0.0, .hi = INFINITY, .lo_open = true, .allow_inf = true,                                 \
    .expected = "a number > 0 or unlimited"
#define LIQ_NONNEGATIVE .lo = 0.0, .hi = INFINITY, .expected = "a finite number >= 0"
#define LIQ_NONNEGATIVE_OR_INF                                                                     \
    .lo = 0.0, .hi = INFINITY, .allow_inf = true, .expected = "a number >= 0 or inf"
#define LIQ_FINITE .lo = -INFINITY, .hi = INFINITY, .expected = "a finite number"
#define LIQ_UNIT .lo = 0.0, .hi = 1.0, .expected = "a number in [0, 1]"
#define LIQ_UNIT_HALF_OPEN .lo = 0.0, .hi = 1.0, .hi_open = true, .expected = "a number in [0, 1)"
#define LIQ_UNIT_POSITIVE .lo = 0.0, .hi = 1.0, .lo_open = true, .expected = "a number in (0, 1]"
#define LIQ_UNIT_OPEN                                                                              \
    .lo = 0.0, .hi = 1.0, .lo_open = true, .hi_open = true, .expected = "a number in (0, 1)"
#define LIQ_AT_LEAST_1 .lo = 1.0, .hi = INFINITY, .expected = "a finite number >= 1"

/* Integer ranges. */
#define LIQ_INTEGER_AT_LEAST_0 .ilo = 0, .ihi = INT64_MAX, .expected = "an integer >= 0"
#define LIQ_INTEGER_AT_LEAST_1 .ilo = 1, .ihi = INT64_MAX, .expected = "an integer >= 1"

/* Sets *problem (its key and what, formatted) and returns `code`. */
int liq_key_problem(liq_key_problem_t *problem, int code, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* LIQ_OK when `oracle` prices `asset`; else the problem at `key`. */
int liq_key_oracle_prices(const liq_scenario_t *sc, const char *key, int32_t oracle, int32_t asset,
                          liq_key_problem_t *problem);

/* Choices shared by several tables (and the graph schema). */
extern const char *const liq_pool_kinds[];
extern const char *const liq_oracle_sources[];
extern const char *const liq_preset_names[];

#endif /* LIQNET_MODEL_SCENARIO_KEYS_ROWS_H */
