/*
 * Tests of sweeps (src/experiment/, src/io/scenario_override.c): design
 * expansion worked out by hand (grid order, Latin hypercube strata, list
 * columns), override paths and their error messages, the run seed formula
 * against splitmix64's published first output, and a sweep run equal to the
 * same run made one by one from its dumped scenario, at 1 and 2 threads.
 * A result packed into bytes (for the MPI sweep) and unpacked is the same
 * result, byte for byte when packed again; damaged bytes are refused. The
 * trajectory of a scenario with chains keeps its chain series through it.
 * The results file, resume and the command line are tested end to end by
 * tests/sweep/run_sweep_tests.sh (and over MPI by tests/mpi/).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "experiment/sweep_internal.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"
#include "liqnet/sweep.h"

#ifndef LIQ_SOURCE_DIR
#error "LIQ_SOURCE_DIR must name the source tree"
#endif
#define SWEEP_DIR LIQ_SOURCE_DIR "/tests/sweep"

static liq_sweep_t *parse_ok(const char *text)
{
    liq_sweep_t *sw = NULL;
    const int rc = liq_sweep_parse(&sw, text, strlen(text), "sw.yaml", SWEEP_DIR);
    if (rc != LIQ_OK) {
        fail_msg("sweep parse failed (%d): %s", rc, liq_errmsg());
    }
    return sw;
}

/* The call fails with `code` and a message containing `part`. */
static void expect_error(const char *text, int code, const char *part)
{
    liq_sweep_t *sw = (liq_sweep_t *)(uintptr_t)1;
    const int rc = liq_sweep_parse(&sw, text, strlen(text), "sw.yaml", SWEEP_DIR);
    assert_null(sw);
    if (rc != code || strstr(liq_errmsg(), part) == NULL) {
        fail_msg("expected %d with \"%s\"\n       got %d \"%s\"", code, part, rc, liq_errmsg());
    }
}

static void test_grid_expansion(void **state)
{
    (void)state;
    liq_sweep_t *sw = NULL;
    assert_int_equal(liq_sweep_load(&sw, SWEEP_DIR "/grid.yaml"), LIQ_OK);
    /* 3 bonuses x 2 depth factors = 6 settings, 2 seeds each. */
    assert_int_equal(liq_sweep_setting_count(sw), 6);
    assert_int_equal(liq_sweep_run_count(sw), 12);
    assert_int_equal(liq_sweep_param_count(sw), 2);
    assert_string_equal(liq_sweep_param_name(sw, 0),
                        "protocols[AaveLike].markets[WETH].liquidation_bonus");
    assert_string_equal(liq_sweep_param_name(sw, 1), "dex_depth");
    /* First parameter slowest. */
    const double bonus[6] = {0.02, 0.02, 0.05, 0.05, 0.1, 0.1};
    const double depth[6] = {1, 4, 1, 4, 1, 4};
    for (int64_t s = 0; s < 6; s++) {
        assert_true(liq_sweep_param_value(sw, s, 0) == bonus[s]);
        assert_true(liq_sweep_param_value(sw, s, 1) == depth[s]);
    }
    /* Run 7 = setting 3, replicate 1: bonus 0.05, pool and market x4. */
    liq_scenario_t *sc = NULL;
    assert_int_equal(liq_sweep_scenario(&sc, sw, 7), LIQ_OK);
    assert_true(sc->protocols[0].markets[0].liquidation_bonus == 0.05);
    assert_true(sc->pools[0].reserve0 == 4000.0);
    assert_true(sc->pools[0].reserve1 == 8.0e6);
    assert_true(sc->assets[0].market_depth == 20000.0);
    assert_true(sc->protocols[1].markets[0].liquidation_bonus == 0.0526); /* untouched */
    assert_true(sc->seed == liq_sweep_run_seed(99, 7));
    assert_int_equal(sc->rounds, 30);
    liq_scenario_destroy(sc);
    /* Trajectories: runs 0 and 5, rounds 0, 3, ..., 30. */
    for (int64_t r = 0; r < 12; r++) {
        assert_int_equal(liq_sweep_keeps_trajectory(sw, r), r == 0 || r == 5);
    }
    for (int64_t t = 0; t <= 31; t++) {
        assert_int_equal(liq_sweep_keeps_round(sw, t), t % 3 == 0 && t < 31);
    }
    liq_sweep_destroy(sw);
}

static void test_latin_hypercube(void **state)
{
    (void)state;
    const char *text = "base: small.yaml\n"
                       "seed: 5\n"
                       "design: latin_hypercube\n"
                       "samples: 16\n"
                       "parameters:\n"
                       "  - path: assets[WETH].market_resilience\n"
                       "    range: [0, 0.5]\n"
                       "  - path: pools[WETH-USDC].reserve0\n"
                       "    range: [100, 10000]\n"
                       "    log: true\n"
                       "  - path: accounts[0].count\n"
                       "    range: [10, 20]\n"
                       "    integer: true\n"
                       "rounds: 12\n";
    liq_sweep_t *sw = parse_ok(text);
    assert_int_equal(liq_sweep_setting_count(sw), 16);
    /* Each parameter hits each of the 16 strata exactly once. */
    int hits[2][16] = {{0}};
    for (int64_t s = 0; s < 16; s++) {
        const double a = liq_sweep_param_value(sw, s, 0);
        const double b = liq_sweep_param_value(sw, s, 1);
        assert_true(a > 0.0 && a < 0.5 && b > 100.0 && b < 10000.0);
        hits[0][(int)floor(a / 0.5 * 16.0)]++;
        hits[1][(int)floor(log(b / 100.0) / log(100.0) * 16.0)]++;
        const double c = liq_sweep_param_value(sw, s, 2);
        assert_true(c == floor(c) && c >= 10.0 && c <= 20.0);
        char expect[32];
        snprintf(expect, sizeof(expect), "%.0f", c);
        assert_string_equal(liq_sweep_param_text(sw, s, 2), expect);
    }
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 16; i++) {
            assert_int_equal(hits[k][i], 1);
        }
    }
    /* Deterministic for a seed, different for another. */
    liq_sweep_t *again = parse_ok(text);
    char other_text[1024];
    snprintf(other_text, sizeof(other_text), "%s", text);
    other_text[strlen("base: small.yaml\nseed: ")] = '6';
    liq_sweep_t *other = parse_ok(other_text);
    int same = 0;
    for (int64_t s = 0; s < 16; s++) {
        assert_true(liq_sweep_param_value(sw, s, 0) == liq_sweep_param_value(again, s, 0));
        same += liq_sweep_param_value(sw, s, 0) == liq_sweep_param_value(other, s, 0);
    }
    assert_true(same < 16);
    liq_sweep_destroy(sw);
    liq_sweep_destroy(again);
    liq_sweep_destroy(other);
}

static void test_list_design(void **state)
{
    (void)state;
    liq_sweep_t *sw = parse_ok("base: small.yaml\n"
                               "design: list\n"
                               "seeds_per_setting: 3\n"
                               "settings:\n"
                               "  - protocols[AaveLike].keepers.max_liquidations: 10\n"
                               "    pools[WETH-USDC].reserve0: 5000\n"
                               "  - {\"oracles[ETH/USD].heartbeat\": 1h}\n"
                               "  - protocols[AaveLike].keepers.max_liquidations: unlimited\n");
    assert_int_equal(liq_sweep_setting_count(sw), 3);
    assert_int_equal(liq_sweep_run_count(sw), 9);
    assert_int_equal(liq_sweep_param_count(sw), 3);
    assert_string_equal(liq_sweep_param_name(sw, 0),
                        "protocols[AaveLike].keepers.max_liquidations");
    assert_string_equal(liq_sweep_param_name(sw, 2), "oracles[ETH/USD].heartbeat");
    assert_false(liq_sweep_param_numeric(sw, 0)); /* "unlimited" */
    assert_true(liq_sweep_param_numeric(sw, 1));
    assert_false(liq_sweep_param_numeric(sw, 2)); /* "1h" */
    assert_null(liq_sweep_param_text(sw, 1, 0));
    assert_true(isnan(liq_sweep_param_value(sw, 1, 1)));
    assert_true(liq_sweep_param_value(sw, 0, 1) == 5000.0);
    liq_scenario_t *sc = NULL;
    assert_int_equal(liq_sweep_scenario(&sc, sw, 0), LIQ_OK);
    assert_int_equal(sc->protocols[0].max_liquidations, 10);
    assert_true(sc->pools[0].reserve0 == 5000.0);
    liq_scenario_destroy(sc);
    assert_int_equal(liq_sweep_scenario(&sc, sw, 4), LIQ_OK); /* setting 1 */
    assert_int_equal(sc->oracles[0].heartbeat, 300);          /* 1h of 12 s rounds */
    assert_int_equal(sc->protocols[0].max_liquidations, 500); /* the base's */
    liq_scenario_destroy(sc);
    assert_int_equal(liq_sweep_scenario(&sc, sw, 8), LIQ_OK);
    assert_int_equal(sc->protocols[0].max_liquidations, INT64_MAX);
    liq_scenario_destroy(sc);
    liq_sweep_destroy(sw);
}

/* A key the base leaves at its default is added, with missing mappings. */
static void test_override_adds_keys(void **state)
{
    (void)state;
    const char *base =
        "rounds: 3\n"
        "assets: [{name: A, price: 1}, {name: B, price: 2}]\n"
        "pools: [{name: P, token0: A, token1: B, reserve0: 10, reserve1: 20}]\n"
        "oracles: [{name: OA, source: market, asset: A},\n"
        "          {name: OB, source: market, asset: B}]\n"
        "protocols:\n"
        "  - name: L\n"
        "    debt_asset: B\n"
        "    debt_oracle: OB\n"
        "    markets: [{asset: A, oracle: OA, route: P, liquidation_threshold: 0.8,\n"
        "               liquidation_bonus: 0.05}]\n";
    const liq_override_t ov[] = {
        {.path = "protocols[L].keepers.gas_cost", .value = "7"},
        {.path = "protocols[0].markets[A].close_factor", .value = "1"},
        {.path = "assets[B].market_depth", .value = "inf"},
        {.path = "pools[P].reserve1", .value = "3", .scale = 1},
        {.path = "output.flush_every", .value = "2"},
    };
    liq_scenario_t *sc = NULL;
    const int rc = liq_scenario_parse_with(&sc, base, strlen(base), "b.yaml", NULL, ov, 5);
    if (rc != LIQ_OK) {
        fail_msg("%s", liq_errmsg());
    }
    assert_true(sc->protocols[0].gas_cost == 7.0);
    assert_true(sc->protocols[0].markets[0].close_factor == 1.0);
    assert_true(isinf(sc->assets[1].market_depth));
    assert_true(sc->pools[0].reserve1 == 60.0);
    assert_int_equal(sc->flush_every, 2);
    liq_scenario_destroy(sc);
}

static void test_path_errors(void **state)
{
    (void)state;
    char text[1024];
    const char *head = "base: small.yaml\nparameters:\n  - path: ";
    struct {
        const char *path;
        int code;
        const char *message;
    } cases[] = {
        {"protocols[Aave].markets[WETH].liquidation_bonus", LIQ_EKEY,
         "sw.yaml:3:11: protocols[Aave].markets[WETH].liquidation_bonus: no item named 'Aave' in "
         "protocols; items: AaveLike, CompoundLike, HighLTV"},
        {"protocols[AaveLike].markets[WBTC].liquidation_bonus", LIQ_EKEY,
         "no item named 'WBTC' in protocols[AaveLike].markets; items: WETH"},
        {"assets[7].price", LIQ_EKEY, "index 7 is out of range; assets has 2 items"},
        {"assets.price", LIQ_EKEY, "assets is a list; expected [INDEX] or [NAME] after it"},
        {"rounds.x", LIQ_EKEY, "rounds is a scalar; expected nothing after it"},
        {"protocols[0]", LIQ_EINVAL, "the base scenario has a mapping there"},
        {"protocols[0].keepers[0]", LIQ_EKEY,
         "protocols[0].keepers is a mapping with keys gas_cost, max_liquidations; expected a "
         "list before [0]"},
        /* An unknown key is added, then refused by the scenario reader. */
        {"protocols[0].markets[0].liquidaton_bonus", LIQ_EKEY,
         "setting 0 (runs 0 to 0): " SWEEP_DIR "/small.yaml:"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "%s%s\n    values: [1]\n", head, cases[i].path);
        expect_error(text, cases[i].code, cases[i].message);
    }
    /* A value the scenario refuses names the setting and the key. */
    expect_error("base: small.yaml\nseeds_per_setting: 2\nparameters:\n"
                 "  - path: protocols[0].markets[0].liquidation_bonus\n"
                 "    values: [0.05, -1]\n",
                 LIQ_EINVAL, "sw.yaml: setting 1 (runs 2 to 3): " SWEEP_DIR "/small.yaml:");
    expect_error("base: small.yaml\nparameters:\n  - path: assets[0].price\n    values: [-1]\n",
                 LIQ_EINVAL, "assets[0].price: value -1 is negative");
    /* Errors in the sweep file itself. */
    expect_error("base: small.yaml\nparameters:\n  - paths: [assets[0].price]\n    values: [1]\n",
                 LIQ_EPARSE, "sw.yaml:3:");
    expect_error("base: small.yaml\nparameters:\n  - paths: ['assets[0].price']\n    values: [1]\n",
                 LIQ_EKEY, "sw.yaml:3:5: parameters[0]: missing key 'name'");
    expect_error("base: small.yaml\nparameters:\n  - path: assets[0].price\n    range: [1, 2]\n",
                 LIQ_EKEY, "neither values nor scale");
    expect_error("base: small.yaml\ndesign: latin_hypercube\nsamples: 4\nparameters:\n"
                 "  - path: assets[0].price\n    range: [2, 1]\n",
                 LIQ_EINVAL, "sw.yaml:6:12: parameters[0].range: expected [low, high]");
    expect_error("base: missing.yaml\nparameters: []\n", LIQ_EIO,
                 "sw.yaml:1:7: base: cannot read '" SWEEP_DIR "/missing.yaml'");
    expect_error("base: small.yaml\nseed: -1\nparameters:\n  - {path: rounds, values: [1]}\n",
                 LIQ_EINVAL, "sw.yaml:2:7: seed: value -1 is negative");
    expect_error("base: small.yaml\nparameters:\n  - {path: rounds, values: [1]}\n"
                 "output: {trajectories: {rounds: '1:x'}}\n",
                 LIQ_EINVAL, "output.trajectories.rounds: expected a slice");
    expect_error("base: small.yaml\nparameters:\n  - {path: rounds, values: [1]}\n"
                 "  - {name: rounds, path: seed, values: [1]}\n",
                 LIQ_EINVAL, "column name 'rounds' is taken");
}

/* splitmix64 seeded with 0 gives 0xe220a8397b1dcdaf first (the reference
 * implementation by Vigna); the run seed drops its lowest bit. */
static void test_run_seed(void **state)
{
    (void)state;
    assert_true(liq_sweep_run_seed(0, 0) == (UINT64_C(0xe220a8397b1dcdaf) >> 1));
    assert_true(liq_sweep_run_seed(0, 1) == (UINT64_C(0x6e789e6aa1b965f4) >> 1));
    for (int64_t r = 0; r < 1000; r++) {
        assert_true(liq_sweep_run_seed(12345, r) <= (uint64_t)INT64_MAX);
        assert_true(liq_sweep_run_seed(12345, r) != liq_sweep_run_seed(12345, r + 1));
    }
}

static void assert_summary_equal(const liq_summary_t *a, const liq_summary_t *b)
{
    assert_int_equal(a->rounds, b->rounds);
    assert_int_equal(a->cascade_length, b->cascade_length);
    assert_int_equal(a->first_liquidation, b->first_liquidation);
    assert_int_equal(a->peak_round, b->peak_round);
    assert_memory_equal(&a->peak_value, &b->peak_value, sizeof(double));
    assert_memory_equal(&a->total_liquidated_value, &b->total_liquidated_value, sizeof(double));
    assert_memory_equal(&a->total_bad_debt, &b->total_bad_debt, sizeof(double));
    assert_int_equal(a->total_liquidations, b->total_liquidations);
    assert_memory_equal(a->amplification, b->amplification, a->n_oracles * sizeof(double));
    assert_memory_equal(a->bad_debt, b->bad_debt, a->n_protocols * sizeof(double));
    assert_memory_equal(a->liquidations, b->liquidations, a->n_protocols * sizeof(int64_t));
}

/* A sweep run equals the run of its dumped scenario, made alone. */
static void test_run_equals_alone(void **state)
{
    (void)state;
    liq_sweep_t *sw = NULL;
    assert_int_equal(liq_sweep_load(&sw, SWEEP_DIR "/grid.yaml"), LIQ_OK);
    const int64_t runs[] = {0, 7, 11};
    for (size_t i = 0; i < 3; i++) {
        liq_sweep_result_t *r1 = NULL, *r2 = NULL;
        assert_int_equal(liq_sweep_run(&r1, sw, runs[i], 1, NULL), LIQ_OK);
        assert_int_equal(liq_sweep_run(&r2, sw, runs[i], 2, NULL), LIQ_OK);
        assert_int_equal(liq_sweep_result_status(r1), LIQ_RUN_COMPLETE);
        assert_string_equal(liq_sweep_result_error(r1), "");
        assert_summary_equal(liq_sweep_result_summary(r1), liq_sweep_result_summary(r2));

        /* Alone: dump, parse, simulate every round, as `liqnet run` does. */
        liq_scenario_t *sc = NULL, *again = NULL;
        char *text = NULL;
        assert_int_equal(liq_sweep_scenario(&sc, sw, runs[i]), LIQ_OK);
        assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
        assert_int_equal(liq_scenario_parse(&again, text, strlen(text), "dump.yaml", NULL), LIQ_OK);
        liq_sim_t *sim = NULL;
        liq_metrics_t *metrics = NULL;
        const liq_sim_options_t options = {.threads = 1};
        assert_int_equal(liq_sim_create(&sim, again, NULL, &options), LIQ_OK);
        assert_int_equal(liq_metrics_create(&metrics, sim), LIQ_OK);
        while (liq_sim_round(sim) < again->rounds) {
            assert_int_equal(liq_sim_step(sim), LIQ_OK);
            liq_state_view_t view;
            liq_sim_view(sim, &view);
            assert_int_equal(liq_metrics_add(metrics, &view), LIQ_OK);
        }
        assert_summary_equal(liq_sweep_result_summary(r1), liq_metrics_summary(metrics));
        liq_metrics_destroy(metrics);
        liq_sim_destroy(sim);
        liq_scenario_destroy(again);
        liq_scenario_destroy(sc);
        free(text);
        liq_sweep_result_destroy(r1);
        liq_sweep_result_destroy(r2);
    }
    /* A stop request drops the run. */
    volatile sig_atomic_t stop = 1;
    liq_sweep_result_t *r = (liq_sweep_result_t *)(uintptr_t)1;
    assert_int_equal(liq_sweep_run(&r, sw, 0, 1, &stop), LIQ_EINTERRUPTED);
    assert_null(r);
    liq_sweep_destroy(sw);
}

/* Pack, unpack, pack again: the same bytes; the unpacked result has the
 * run's summary, message, status and trajectory; bad bytes are refused. */
static void test_pack_roundtrip(void **state)
{
    (void)state;
    liq_sweep_t *sw = NULL;
    assert_int_equal(liq_sweep_load(&sw, SWEEP_DIR "/grid.yaml"), LIQ_OK);
    /* Run 5 keeps its trajectory (rounds 0, 3, ... 30), run 6 does not. */
    const int64_t runs[] = {5, 6};
    for (size_t i = 0; i < 2; i++) {
        liq_sweep_result_t *r = NULL, *back = NULL;
        assert_int_equal(liq_sweep_run(&r, sw, runs[i], 1, NULL), LIQ_OK);
        if (i == 1) {
            /* A failed run's status and message travel too. */
            r->status = LIQ_RUN_FAILED;
            free(r->error);
            r->error = strdup("round 12: pool WETH-USDC reserve0 is not finite");
        }
        void *bytes = NULL, *again = NULL;
        size_t len = 0, len2 = 0;
        assert_int_equal(liq_sweep_result_pack(r, &bytes, &len), LIQ_OK);
        assert_int_equal(liq_sweep_result_unpack(&back, sw, bytes, len), LIQ_OK);
        assert_int_equal(liq_sweep_result_run(back), runs[i]);
        assert_int_equal(liq_sweep_result_status(back), liq_sweep_result_status(r));
        assert_string_equal(liq_sweep_result_error(back), liq_sweep_result_error(r));
        assert_summary_equal(liq_sweep_result_summary(back), liq_sweep_result_summary(r));
        assert_int_equal(back->traj != NULL, i == 0);
        if (i == 0) {
            assert_int_equal(liq_h5_traj_rows(back->traj), 11);
            assert_int_equal(back->scenario->seed, r->scenario->seed);
        }
        assert_int_equal(liq_sweep_result_pack(back, &again, &len2), LIQ_OK);
        assert_int_equal(len2, len);
        assert_memory_equal(again, bytes, len);

        /* Damaged: cut short, a byte less, a wrong header, a run out of range. */
        liq_sweep_result_t *bad = (liq_sweep_result_t *)(uintptr_t)1;
        assert_int_equal(liq_sweep_result_unpack(&bad, sw, bytes, len - 1), LIQ_EINVAL);
        assert_null(bad);
        assert_int_equal(liq_sweep_result_unpack(&bad, sw, bytes, 20), LIQ_EINVAL);
        assert_non_null(strstr(liq_errmsg(), "no result header"));
        unsigned char *copy = malloc(len + 1);
        assert_non_null(copy);
        memcpy(copy, bytes, len);
        copy[len] = 0;
        assert_int_equal(liq_sweep_result_unpack(&bad, sw, copy, len + 1), LIQ_EINVAL);
        assert_non_null(strstr(liq_errmsg(), "bytes left over"));
        const int64_t run = 12;
        memcpy(copy + 8, &run, sizeof(run));
        assert_int_equal(liq_sweep_result_unpack(&bad, sw, copy, len), LIQ_EINVAL);
        assert_non_null(strstr(liq_errmsg(), "run 12; expected a run of this sweep, 0 to 11"));
        free(copy);
        free(again);
        free(bytes);
        liq_sweep_result_destroy(back);
        liq_sweep_result_destroy(r);
    }
    liq_sweep_destroy(sw);
}

/* Reads dataset `name` of group `group` (int64 or float64, n values) as bytes. */
static void read_ds(hid_t file, const char *group, const char *name, hid_t type, void *out,
                    size_t n)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", group, name);
    const hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    assert_true(ds >= 0);
    const hid_t space = H5Dget_space(ds);
    assert_int_equal(H5Sget_simple_extent_npoints(space), (hssize_t)n);
    assert_true(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
}

/* A run of a scenario with declared chains (tests/data/chains): packed and
 * unpacked, its trajectory writes the chain coordinate and series as the
 * run's own does; its packed trajectory is refused for a scenario without
 * chains, and a chain series flagged in a trajectory without chains too. */
static void test_pack_roundtrip_chains(void **state)
{
    (void)state;
    liq_sweep_t *sw = NULL;
    assert_int_equal(liq_sweep_load(&sw, LIQ_SOURCE_DIR "/tests/data/chains/chain_sweep.yaml"),
                     LIQ_OK);
    liq_sweep_result_t *r = NULL, *back = NULL;
    assert_int_equal(liq_sweep_run(&r, sw, 1, 1, NULL), LIQ_OK);
    assert_int_equal(r->scenario->n_chains, 3);
    void *bytes = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    assert_int_equal(liq_sweep_result_pack(r, &bytes, &len), LIQ_OK);
    assert_int_equal(liq_sweep_result_unpack(&back, sw, bytes, len), LIQ_OK);
    assert_int_equal(liq_h5_traj_rows(back->traj), 17); /* rounds 0 .. 16 */
    assert_int_equal(liq_sweep_result_pack(back, &again, &len2), LIQ_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(again, bytes, len);

    /* Both trajectories into one file in memory, as groups a and b. */
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    assert_true(fapl >= 0 && H5Pset_fapl_core(fapl, 1 << 20, 0) >= 0);
    const hid_t file = H5Fcreate("chains-in-memory.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    assert_true(file >= 0);
    H5Pclose(fapl);
    const char *groups[2] = {"a", "b"};
    liq_h5_traj_t *trajs[2] = {r->traj, back->traj};
    for (size_t g = 0; g < 2; g++) {
        const hid_t loc = H5Gcreate2(file, groups[g], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(loc >= 0);
        assert_int_equal(liq_h5_traj_write(trajs[g], loc, "memory", r->scenario), LIQ_OK);
        H5Gclose(loc);
    }
    int64_t included[2][17 * 3], reverted[2][17 * 4];
    double price[2][17 * 3], used[2][17 * 3], paid[2][17 * 4];
    for (size_t g = 0; g < 2; g++) {
        read_ds(file, groups[g], "tx_included", H5T_NATIVE_INT64, included[g], 17 * 3);
        read_ds(file, groups[g], "tx_reverted", H5T_NATIVE_INT64, reverted[g], 17 * 4);
        read_ds(file, groups[g], "gas_price", H5T_NATIVE_DOUBLE, price[g], 17 * 3);
        read_ds(file, groups[g], "block_gas_used", H5T_NATIVE_DOUBLE, used[g], 17 * 3);
        read_ds(file, groups[g], "gas_paid", H5T_NATIVE_DOUBLE, paid[g], 17 * 4);
        assert_true(H5Lexists(file, g == 0 ? "a/chain" : "b/chain", H5P_DEFAULT) > 0);
    }
    assert_memory_equal(included[0], included[1], sizeof(included[0]));
    assert_memory_equal(reverted[0], reverted[1], sizeof(reverted[0]));
    assert_memory_equal(price[0], price[1], sizeof(price[0]));
    assert_memory_equal(used[0], used[1], sizeof(used[0]));
    assert_memory_equal(paid[0], paid[1], sizeof(paid[0]));
    /* Run 1 sets ethereum's price to 55 gwei: no bid above it while nothing
     * waits (round 0), and round 0 has no block (NaN). */
    assert_true(price[0][0] == 55.0);
    assert_true(isnan(used[0][0]));
    H5Fclose(file);

    /* The packed trajectory alone, for a scenario without chains. */
    const size_t traj_len = liq_h5_traj_packed_size(r->traj);
    unsigned char *traj = malloc(traj_len);
    assert_non_null(traj);
    liq_h5_traj_pack(r->traj, traj);
    liq_scenario_t no_chains = *r->scenario;
    no_chains.n_chains = 0;
    liq_h5_traj_t *bad = NULL;
    size_t read = 0;
    assert_int_equal(liq_h5_traj_unpack(&bad, &no_chains, traj, traj_len, &read), LIQ_EINVAL);
    assert_non_null(strstr(liq_errmsg(), "packed trajectory: 3 chain; expected the scenario's 0"));
    /* Its chain count zeroed (word 5: rows, then asset, pool, oracle,
     * protocol), its chain series still flagged. */
    const uint64_t zero = 0;
    memcpy(traj + 5 * 8, &zero, sizeof(zero));
    assert_int_equal(liq_h5_traj_unpack(&bad, &no_chains, traj, traj_len, &read), LIQ_EINVAL);
    assert_non_null(strstr(liq_errmsg(), "of a scenario without chains"));
    assert_null(bad);
    free(traj);
    free(again);
    free(bytes);
    liq_sweep_result_destroy(back);
    liq_sweep_result_destroy(r);
    liq_sweep_destroy(sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_expansion),        cmocka_unit_test(test_latin_hypercube),
        cmocka_unit_test(test_list_design),           cmocka_unit_test(test_override_adds_keys),
        cmocka_unit_test(test_path_errors),           cmocka_unit_test(test_run_seed),
        cmocka_unit_test(test_run_equals_alone),      cmocka_unit_test(test_pack_roundtrip),
        cmocka_unit_test(test_pack_roundtrip_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
