/*
 * Tests of the HDF5 trajectory writer (src/io/h5_writer.c).
 *
 * Files are written from a hand-built scenario and state views whose every
 * value is a known function of (round, variable, entity), then read back
 * with the HDF5 C API and compared bit for bit: shapes, values, names,
 * attributes, dimension scales, status transitions, what a run stopped
 * between flushes leaves behind, and the errors by code and message.
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
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/version.h"

/* ------------------------------------------------------------- fixtures */

typedef struct {
    liq_scenario_t sc;
    /* the arrays of one state view, refilled for each round */
    double *exo, *ref, *r0, *r1, *pp, *orc;
    double *repaid, *seized, *bad, *fund, *deficit, *coll, *debt, *impair, *held, *redeem;
    int64_t *liqs, *stalled;
    liq_state_view_t view;
} fixture_t;

static char *dup_name(const char *prefix, size_t i)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%s%zu", prefix, i);
    char *s = strdup(buf);
    assert_non_null(s);
    return s;
}

static void *zalloc(size_t n, size_t size)
{
    /* calloc(0) may return NULL; the view's arrays of 0 entities may be NULL
     * too, but allocating one element keeps the test simple. */
    void *p = calloc(n > 0 ? n : 1, size);
    assert_non_null(p);
    return p;
}

static fixture_t *fixture_new(size_t n_assets, size_t n_pools, size_t n_oracles, size_t n_protocols)
{
    fixture_t *f = zalloc(1, sizeof(*f));
    liq_scenario_t *sc = &f->sc;
    sc->name = strdup("writer-test");
    sc->rounds = 100;
    sc->flush_every = 4;
    sc->n_assets = n_assets;
    sc->assets = zalloc(n_assets, sizeof(*sc->assets));
    for (size_t i = 0; i < n_assets; i++) {
        sc->assets[i].name = dup_name("asset", i);
    }
    sc->n_pools = n_pools;
    sc->pools = zalloc(n_pools, sizeof(*sc->pools));
    for (size_t i = 0; i < n_pools; i++) {
        sc->pools[i].name = dup_name("pool", i);
    }
    sc->n_oracles = n_oracles;
    sc->oracles = zalloc(n_oracles, sizeof(*sc->oracles));
    for (size_t i = 0; i < n_oracles; i++) {
        sc->oracles[i].name = dup_name("oracle", i);
    }
    sc->n_protocols = n_protocols;
    sc->protocols = zalloc(n_protocols, sizeof(*sc->protocols));
    for (size_t i = 0; i < n_protocols; i++) {
        sc->protocols[i].name = dup_name("protocol", i);
    }
    f->exo = zalloc(n_assets, sizeof(double));
    f->ref = zalloc(n_assets, sizeof(double));
    f->r0 = zalloc(n_pools, sizeof(double));
    f->r1 = zalloc(n_pools, sizeof(double));
    f->pp = zalloc(n_pools, sizeof(double));
    f->orc = zalloc(n_oracles, sizeof(double));
    f->repaid = zalloc(n_protocols, sizeof(double));
    f->seized = zalloc(n_protocols, sizeof(double));
    f->bad = zalloc(n_protocols, sizeof(double));
    f->fund = zalloc(n_protocols, sizeof(double));
    f->deficit = zalloc(n_protocols, sizeof(double));
    f->coll = zalloc(n_protocols, sizeof(double));
    f->debt = zalloc(n_protocols, sizeof(double));
    f->impair = zalloc(n_protocols, sizeof(double));
    f->held = zalloc(n_protocols, sizeof(double));
    f->redeem = zalloc(n_protocols, sizeof(double));
    f->liqs = zalloc(n_protocols, sizeof(int64_t));
    f->stalled = zalloc(n_protocols, sizeof(int64_t));
    f->view = (liq_state_view_t){.n_assets = n_assets,
                                 .n_pools = n_pools,
                                 .n_oracles = n_oracles,
                                 .n_protocols = n_protocols,
                                 .exogenous_price = f->exo,
                                 .reference_price = f->ref,
                                 .pool_reserve0 = f->r0,
                                 .pool_reserve1 = f->r1,
                                 .pool_price = f->pp,
                                 .oracle_price = f->orc,
                                 .liquidations = f->liqs,
                                 .repaid_value = f->repaid,
                                 .seized_value = f->seized,
                                 .stalled = f->stalled,
                                 .bad_debt = f->bad,
                                 .insurance_fund = f->fund,
                                 .deficit = f->deficit,
                                 .collateral_value = f->coll,
                                 .debt_value = f->debt,
                                 .impairment = f->impair,
                                 .holdings_value = f->held,
                                 .redemption = f->redeem};
    return f;
}

static void fixture_free(fixture_t *f)
{
    liq_scenario_t *sc = &f->sc;
    for (size_t i = 0; i < sc->n_assets; i++) {
        free(sc->assets[i].name);
    }
    for (size_t i = 0; i < sc->n_pools; i++) {
        free(sc->pools[i].name);
    }
    for (size_t i = 0; i < sc->n_oracles; i++) {
        free(sc->oracles[i].name);
    }
    for (size_t i = 0; i < sc->n_protocols; i++) {
        free(sc->protocols[i].name);
    }
    free(sc->assets);
    free(sc->pools);
    free(sc->oracles);
    free(sc->protocols);
    free(sc->name);
    double *arrays[] = {f->exo,    f->ref,    f->r0,   f->r1,      f->pp,   f->orc,
                        f->repaid, f->seized, f->bad,  f->deficit, f->fund, f->coll,
                        f->debt,   f->impair, f->held, f->redeem};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        free(arrays[k]);
    }
    free(f->liqs);
    free(f->stalled);
    free(f);
}

/* The value of float series `s` (index in the list below) for entity i in
 * round t. Non-integers with a fractional binary part, so any rounding or
 * float32 detour changes the bits. */
static double value_of(int s, int64_t t, size_t i)
{
    return 1000.0 * (double)t + 10.0 * (double)s + (double)i + 0.1 + 1.0 / 3.0;
}

static int64_t count_of(int s, int64_t t, size_t i)
{
    return 1000 * t + 10 * s + (int64_t)i;
}

typedef struct {
    const char *name;
    int dim; /* 0 asset, 1 pool, 2 oracle, 3 protocol */
    bool integer;
} series_t;

static const series_t SERIES[] = {
    {"exogenous_price", 0, false}, {"reference_price", 0, false},  {"pool_reserve0", 1, false},
    {"pool_reserve1", 1, false},   {"pool_price", 1, false},       {"oracle_price", 2, false},
    {"liquidations", 3, true},     {"repaid_value", 3, false},     {"seized_value", 3, false},
    {"stalled", 3, true},          {"bad_debt", 3, false},         {"insurance_fund", 3, false},
    {"deficit", 3, false},         {"collateral_value", 3, false}, {"debt_value", 3, false},
    {"impairment", 3, false},      {"holdings_value", 3, false},   {"redemption", 3, false},
};
#define N_SERIES (sizeof(SERIES) / sizeof(SERIES[0]))

static size_t dim_size(const fixture_t *f, int dim)
{
    const size_t n[4] = {f->sc.n_assets, f->sc.n_pools, f->sc.n_oracles, f->sc.n_protocols};
    return n[dim];
}

static void fill_view(fixture_t *f, int64_t t)
{
    void *arrays[N_SERIES] = {f->exo,     f->ref,    f->r0,     f->r1,      f->pp,   f->orc,
                              f->liqs,    f->repaid, f->seized, f->stalled, f->bad,  f->fund,
                              f->deficit, f->coll,   f->debt,   f->impair,  f->held, f->redeem};
    f->view.round = t;
    for (size_t s = 0; s < N_SERIES; s++) {
        for (size_t i = 0; i < dim_size(f, SERIES[s].dim); i++) {
            if (SERIES[s].integer) {
                ((int64_t *)arrays[s])[i] = count_of((int)s, t, i);
            } else {
                ((double *)arrays[s])[i] = value_of((int)s, t, i);
            }
        }
    }
}

static void test_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "/tmp/liq_test_h5_writer_%ld_%s.h5", (long)getpid(), name);
    unlink(buf);
}

static liq_h5_options_t options_for(int64_t flush_every, bool force)
{
    return (liq_h5_options_t){.force = force,
                              .flush_every = flush_every,
                              .scenario_yaml = "rounds: 100\n# résumé\n",
                              .seed = UINT64_C(18446744073709551557)};
}

static liq_h5_writer_t *create_ok(fixture_t *f, const char *path, int64_t flush_every)
{
    liq_h5_writer_t *w = NULL;
    fill_view(f, 0);
    const liq_h5_options_t options = options_for(flush_every, false);
    const int rc = liq_h5_writer_create(&w, path, &f->sc, &f->view, &options);
    if (rc != LIQ_OK) {
        fail_msg("create failed (%d): %s", rc, liq_errmsg());
    }
    return w;
}

static void append_ok(fixture_t *f, liq_h5_writer_t *w, int64_t t)
{
    fill_view(f, t);
    const int rc = liq_h5_writer_append(w, &f->view);
    if (rc != LIQ_OK) {
        fail_msg("append of round %lld failed (%d): %s", (long long)t, rc, liq_errmsg());
    }
}

/* ----------------------------------------------------------- read back */

static hid_t open_file(const char *path)
{
    const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    return file;
}

static char *read_string_attr(hid_t obj, const char *name)
{
    const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(attr >= 0);
    const hid_t ftype = H5Aget_type(attr);
    assert_true(ftype >= 0);
    assert_int_equal(H5Tget_class(ftype), H5T_STRING);
    assert_true(H5Tis_variable_str(ftype) > 0);
    assert_int_equal(H5Tget_cset(ftype), H5T_CSET_UTF8);
    const hid_t mtype = H5Tcopy(H5T_C_S1);
    assert_true(H5Tset_size(mtype, H5T_VARIABLE) >= 0);
    assert_true(H5Tset_cset(mtype, H5T_CSET_UTF8) >= 0);
    char *value = NULL;
    assert_true(H5Aread(attr, mtype, &value) >= 0);
    char *copy = strdup(value);
    assert_non_null(copy);
    H5free_memory(value);
    H5Tclose(mtype);
    H5Tclose(ftype);
    H5Aclose(attr);
    return copy;
}

static void assert_string_attr(hid_t obj, const char *name, const char *expected)
{
    char *value = read_string_attr(obj, name);
    assert_string_equal(value, expected);
    free(value);
}

static int64_t read_int64_attr(hid_t obj, const char *name)
{
    const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(attr >= 0);
    const hid_t ftype = H5Aget_type(attr);
    assert_true(H5Tequal(ftype, H5T_STD_I64LE) > 0);
    int64_t v = 0;
    assert_true(H5Aread(attr, H5T_NATIVE_INT64, &v) >= 0);
    H5Tclose(ftype);
    H5Aclose(attr);
    return v;
}

/* Shape of a dataset: rank and dims; asserts the rank. */
static void get_shape(hid_t ds, int rank, hsize_t *dims)
{
    const hid_t space = H5Dget_space(ds);
    assert_true(space >= 0);
    assert_int_equal(H5Sget_simple_extent_ndims(space), rank);
    if (rank > 0) {
        assert_true(H5Sget_simple_extent_dims(space, dims, NULL) >= 0);
    }
    H5Sclose(space);
}

/* The name of the dimension scale attached to axis `axis` of `ds`. */
static void assert_scale(hid_t ds, unsigned axis, const char *expected)
{
    assert_int_equal(H5DSget_num_scales(ds, axis), 1);
    const hid_t file = H5Iget_file_id(ds);
    assert_true(file >= 0);
    const hid_t scale = H5Dopen2(file, expected, H5P_DEFAULT);
    assert_true(scale >= 0);
    H5Fclose(file);
    assert_true(H5DSis_attached(ds, scale, axis) > 0);
    char name[64] = "";
    assert_true(H5DSget_scale_name(scale, name, sizeof(name)) > 0);
    assert_string_equal(name, expected);
    H5Dclose(scale);
}

/* Checks every time series and the round coordinate hold exactly rounds
 * 0 .. n_rounds-1 with their known values. */
static void assert_series(const fixture_t *f, hid_t file, size_t n_rounds)
{
    const hid_t round = H5Dopen2(file, "round", H5P_DEFAULT);
    assert_true(round >= 0);
    assert_true(H5DSis_scale(round) > 0);
    hsize_t dims[2];
    get_shape(round, 1, dims);
    assert_int_equal(dims[0], n_rounds);
    int64_t *rounds = zalloc(n_rounds, sizeof(*rounds));
    assert_true(H5Dread(round, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rounds) >= 0);
    for (size_t t = 0; t < n_rounds; t++) {
        assert_int_equal(rounds[t], (int64_t)t);
    }
    free(rounds);
    H5Dclose(round);

    for (size_t s = 0; s < N_SERIES; s++) {
        const hid_t ds = H5Dopen2(file, SERIES[s].name, H5P_DEFAULT);
        assert_true(ds >= 0);
        const size_t n = dim_size(f, SERIES[s].dim);
        get_shape(ds, 2, dims);
        assert_int_equal(dims[0], n_rounds);
        assert_int_equal(dims[1], n);
        const hid_t ftype = H5Dget_type(ds);
        assert_true(H5Tequal(ftype, SERIES[s].integer ? H5T_STD_I64LE : H5T_IEEE_F64LE) > 0);
        H5Tclose(ftype);
        static const char *const dims_of[4] = {"asset", "pool", "oracle", "protocol"};
        assert_scale(ds, 0, "round");
        assert_scale(ds, 1, dims_of[SERIES[s].dim]);
        char *units = read_string_attr(ds, "units");
        char *long_name = read_string_attr(ds, "long_name");
        assert_true(units[0] != '\0' && long_name[0] != '\0');
        free(units);
        free(long_name);
        if (n > 0) {
            if (SERIES[s].integer) {
                int64_t *data = zalloc(n_rounds * n, sizeof(*data));
                assert_true(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >=
                            0);
                for (size_t t = 0; t < n_rounds; t++) {
                    for (size_t i = 0; i < n; i++) {
                        assert_int_equal(data[t * n + i], count_of((int)s, (int64_t)t, i));
                    }
                }
                free(data);
            } else {
                double *data = zalloc(n_rounds * n, sizeof(*data));
                assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >=
                            0);
                for (size_t t = 0; t < n_rounds; t++) {
                    for (size_t i = 0; i < n; i++) {
                        const double expected = value_of((int)s, (int64_t)t, i);
                        if (memcmp(&data[t * n + i], &expected, sizeof(expected)) != 0) {
                            fail_msg("%s[%zu, %zu] = %.17g, expected %.17g", SERIES[s].name, t, i,
                                     data[t * n + i], expected);
                        }
                    }
                }
                free(data);
            }
        }
        H5Dclose(ds);
    }
}

static void assert_names(const fixture_t *f, hid_t file, const char *dim, const char *prefix,
                         size_t n)
{
    (void)f;
    const hid_t ds = H5Dopen2(file, dim, H5P_DEFAULT);
    assert_true(ds >= 0);
    assert_true(H5DSis_scale(ds) > 0);
    hsize_t dims[1];
    get_shape(ds, 1, dims);
    assert_int_equal(dims[0], n);
    const hid_t ftype = H5Dget_type(ds);
    assert_true(H5Tis_variable_str(ftype) > 0);
    assert_int_equal(H5Tget_cset(ftype), H5T_CSET_UTF8);
    if (n > 0) {
        char **names = zalloc(n, sizeof(*names));
        assert_true(H5Dread(ds, ftype, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) >= 0);
        for (size_t i = 0; i < n; i++) {
            char expected[32];
            snprintf(expected, sizeof(expected), "%s%zu", prefix, i);
            assert_string_equal(names[i], expected);
            H5free_memory(names[i]);
        }
        free(names);
    }
    H5Tclose(ftype);
    H5Dclose(ds);
}

static liq_summary_t *summary_new(size_t n_oracles, size_t n_protocols)
{
    liq_summary_t *s = zalloc(1, sizeof(*s));
    s->n_oracles = n_oracles;
    s->n_protocols = n_protocols;
    s->amplification = zalloc(n_oracles, sizeof(double));
    s->oracle_drawdown = zalloc(n_oracles, sizeof(double));
    s->exogenous_drawdown = zalloc(n_oracles, sizeof(double));
    for (size_t o = 0; o < n_oracles; o++) {
        s->amplification[o] = o == 0 ? (double)NAN : 2.5 + (double)o;
        s->oracle_drawdown[o] = 0.25 + 0.125 * (double)o;
        s->exogenous_drawdown[o] = 0.1 + (double)o / 7.0;
    }
    s->liquidations = zalloc(n_protocols, sizeof(int64_t));
    s->liquidated_value = zalloc(n_protocols, sizeof(double));
    s->repaid_value = zalloc(n_protocols, sizeof(double));
    s->stalled = zalloc(n_protocols, sizeof(int64_t));
    s->bad_debt = zalloc(n_protocols, sizeof(double));
    s->deficit = zalloc(n_protocols, sizeof(double));
    s->insurance_drawdown = zalloc(n_protocols, sizeof(double));
    s->impairment = zalloc(n_protocols, sizeof(double));
    s->breaker_rounds = zalloc(n_protocols, sizeof(int64_t));
    s->peak_penalty_scale = zalloc(n_protocols, sizeof(double));
    s->first_failure = zalloc(n_protocols, sizeof(int64_t));
    s->stability_offset = zalloc(n_protocols, sizeof(double));
    s->redistributed_debt = zalloc(n_protocols, sizeof(double));
    s->stability_gain = zalloc(n_protocols, sizeof(double));
    s->recovery_rounds = zalloc(n_protocols, sizeof(int64_t));
    s->auctions = zalloc(n_protocols, sizeof(int64_t));
    s->auction_sold_value = zalloc(n_protocols, sizeof(double));
    s->auction_raised = zalloc(n_protocols, sizeof(double));
    s->keeper_rewards = zalloc(n_protocols, sizeof(double));
    s->auction_bad_debt = zalloc(n_protocols, sizeof(double));
    s->auction_tab = zalloc(n_protocols, sizeof(double));
    s->adl_volume = zalloc(n_protocols, sizeof(double));
    for (size_t p = 0; p < n_protocols; p++) {
        s->liquidations[p] = 40 + (int64_t)p;
        s->liquidated_value[p] = 1.0e6 / 3.0 + (double)p;
        s->repaid_value[p] = 9.5e5 / 3.0 + (double)p;
        s->stalled[p] = 7 * (int64_t)p;
        s->bad_debt[p] = 123.456 * (double)p;
        s->deficit[p] = 23.456 * (double)p;
        s->insurance_drawdown[p] = 100.0 * (double)p;
        s->impairment[p] = 7.25 + 1.0 / 3.0 * (double)p;
        s->breaker_rounds[p] = 3 * (int64_t)p;
        s->peak_penalty_scale[p] = 1.0 + (double)p / 3.0;
        s->first_failure[p] = p == 0 ? -1 : 9;
        s->stability_offset[p] = 600.0 / 7.0 * (double)p;
        s->redistributed_debt[p] = 1.0 / 3.0 + (double)p;
        s->stability_gain[p] = 4.05 * (double)p;
        s->recovery_rounds[p] = 3 * (int64_t)p;
        s->auctions[p] = 3 * (int64_t)p;
        s->auction_sold_value[p] = 1.0e4 / 7.0 * (double)p;
        s->auction_raised[p] = 9.0e3 / 7.0 * (double)p;
        s->keeper_rewards[p] = 11.6 * (double)p;
        s->auction_bad_debt[p] = 120.0 / 9.0 * (double)p;
        s->auction_tab[p] = 660.0 + (double)p;
        s->adl_volume[p] = 3.5e4 / 7.0 * (double)p;
    }
    s->rounds = 10;
    s->last_exogenous_move = 3;
    s->first_liquidation = 4;
    s->last_liquidation = 9;
    s->cascade_length = 6;
    s->peak_round = 5;
    s->peak_value = 12345.678;
    s->total_liquidations = 81;
    s->total_liquidated_value = 2.0e6 / 3.0 + 1.0;
    s->total_bad_debt = 123.456;
    s->total_deficit = 23.456;
    s->total_adl_volume = 5000.0;
    s->failed_protocols = 1;
    s->adversary_profit = 1234.5 + 1.0 / 3.0;
    s->adversary_liquidation_profit = 2000.25;
    s->adversary_round_trip = -700.0 - 1.0 / 7.0;
    s->adversary_flash_fee = 65.75;
    s->adversary_liquidations = 17;
    return s;
}

static void summary_free(liq_summary_t *s)
{
    liq_summary_release(s);
    free(s);
}

static void assert_double_var(hid_t file, const char *name, const char *dim, const double *expected,
                              size_t n)
{
    const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) {
        fail_msg("no dataset '%s'", name);
    }
    hsize_t dims[1];
    get_shape(ds, dim != NULL ? 1 : 0, dims);
    if (dim != NULL) {
        assert_int_equal(dims[0], n);
        assert_scale(ds, 0, dim);
    }
    const hid_t ftype = H5Dget_type(ds);
    assert_true(H5Tequal(ftype, H5T_IEEE_F64LE) > 0);
    H5Tclose(ftype);
    double data[8];
    assert_true(n <= 8);
    if (n > 0) {
        assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
        if (memcmp(data, expected, n * sizeof(double)) != 0) {
            fail_msg("%s differs: %.17g ...", name, data[0]);
        }
    }
    char *units = read_string_attr(ds, "units");
    char *long_name = read_string_attr(ds, "long_name");
    assert_true(units[0] != '\0' && long_name[0] != '\0');
    free(units);
    free(long_name);
    H5Dclose(ds);
}

static void assert_int64_var(hid_t file, const char *name, const char *dim, const int64_t *expected,
                             size_t n)
{
    const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) {
        fail_msg("no dataset '%s'", name);
    }
    hsize_t dims[1];
    get_shape(ds, dim != NULL ? 1 : 0, dims);
    if (dim != NULL) {
        assert_int_equal(dims[0], n);
        assert_scale(ds, 0, dim);
    }
    const hid_t ftype = H5Dget_type(ds);
    assert_true(H5Tequal(ftype, H5T_STD_I64LE) > 0);
    H5Tclose(ftype);
    int64_t data[8];
    assert_true(n <= 8);
    if (n > 0) {
        assert_true(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(data[i], expected[i]);
        }
    }
    char *units = read_string_attr(ds, "units");
    free(units);
    H5Dclose(ds);
}

static void assert_summary(hid_t file, const liq_summary_t *s)
{
    const size_t no = s->n_oracles, np = s->n_protocols;
    assert_double_var(file, "amplification", "oracle", s->amplification, no);
    assert_double_var(file, "oracle_drawdown", "oracle", s->oracle_drawdown, no);
    assert_double_var(file, "exogenous_drawdown", "oracle", s->exogenous_drawdown, no);
    assert_int64_var(file, "total_liquidations", "protocol", s->liquidations, np);
    assert_double_var(file, "liquidated_value", "protocol", s->liquidated_value, np);
    assert_double_var(file, "total_repaid_value", "protocol", s->repaid_value, np);
    assert_int64_var(file, "total_stalled", "protocol", s->stalled, np);
    assert_double_var(file, "final_bad_debt", "protocol", s->bad_debt, np);
    assert_double_var(file, "final_deficit", "protocol", s->deficit, np);
    assert_double_var(file, "final_impairment", "protocol", s->impairment, np);
    assert_int64_var(file, "breaker_rounds", "protocol", s->breaker_rounds, np);
    assert_double_var(file, "peak_penalty_scale", "protocol", s->peak_penalty_scale, np);
    assert_double_var(file, "insurance_drawdown", "protocol", s->insurance_drawdown, np);
    assert_int64_var(file, "first_failure_round", "protocol", s->first_failure, np);
    assert_double_var(file, "total_stability_offset", "protocol", s->stability_offset, np);
    assert_double_var(file, "total_redistributed_debt", "protocol", s->redistributed_debt, np);
    assert_double_var(file, "total_stability_gain", "protocol", s->stability_gain, np);
    assert_int64_var(file, "recovery_rounds", "protocol", s->recovery_rounds, np);
    assert_int64_var(file, "total_auctions", "protocol", s->auctions, np);
    assert_double_var(file, "total_auction_sold_value", "protocol", s->auction_sold_value, np);
    assert_double_var(file, "total_auction_raised", "protocol", s->auction_raised, np);
    assert_double_var(file, "total_keeper_rewards", "protocol", s->keeper_rewards, np);
    assert_double_var(file, "final_auction_bad_debt", "protocol", s->auction_bad_debt, np);
    assert_double_var(file, "final_auction_tab", "protocol", s->auction_tab, np);
    assert_double_var(file, "total_adl_volume", "protocol", s->adl_volume, np);
    assert_double_var(file, "ecosystem_adl_volume", NULL, &s->total_adl_volume, 1);
    assert_int64_var(file, "cascade_length", NULL, &s->cascade_length, 1);
    assert_int64_var(file, "first_liquidation_round", NULL, &s->first_liquidation, 1);
    assert_int64_var(file, "last_liquidation_round", NULL, &s->last_liquidation, 1);
    assert_int64_var(file, "last_exogenous_move_round", NULL, &s->last_exogenous_move, 1);
    assert_int64_var(file, "peak_liquidation_round", NULL, &s->peak_round, 1);
    assert_double_var(file, "peak_liquidated_value", NULL, &s->peak_value, 1);
    assert_double_var(file, "total_liquidated_value", NULL, &s->total_liquidated_value, 1);
    assert_double_var(file, "total_bad_debt", NULL, &s->total_bad_debt, 1);
    assert_double_var(file, "total_deficit", NULL, &s->total_deficit, 1);
    assert_int64_var(file, "failed_protocols", NULL, &s->failed_protocols, 1);
    assert_double_var(file, "adversary_profit", NULL, &s->adversary_profit, 1);
    assert_double_var(file, "adversary_liquidation_profit", NULL, &s->adversary_liquidation_profit,
                      1);
    assert_double_var(file, "adversary_round_trip", NULL, &s->adversary_round_trip, 1);
    assert_double_var(file, "adversary_flash_fee", NULL, &s->adversary_flash_fee, 1);
    assert_int64_var(file, "adversary_liquidations", NULL, &s->adversary_liquidations, 1);
}

static void assert_root_attrs(hid_t file, const char *status, int64_t rounds_completed)
{
    assert_string_attr(file, "status", status);
    assert_int_equal(read_int64_attr(file, "rounds_completed"), rounds_completed);
    assert_string_attr(file, "liqnet_version", LIQNET_VERSION);
    assert_string_attr(file, "scenario_name", "writer-test");
    assert_string_attr(file, "scenario", "rounds: 100\n# résumé\n");
    const hid_t attr = H5Aopen(file, "seed", H5P_DEFAULT);
    assert_true(attr >= 0);
    const hid_t ftype = H5Aget_type(attr);
    assert_true(H5Tequal(ftype, H5T_STD_U64LE) > 0);
    uint64_t seed = 0;
    assert_true(H5Aread(attr, H5T_NATIVE_UINT64, &seed) >= 0);
    assert_true(seed == UINT64_C(18446744073709551557));
    H5Tclose(ftype);
    H5Aclose(attr);
}

/* Whether a path names an object in the file. */
static bool has_object(hid_t file, const char *name)
{
    const htri_t exists = H5Lexists(file, name, H5P_DEFAULT);
    assert_true(exists >= 0);
    return exists > 0;
}

/* ---------------------------------------------------------------- tests */

/* 10 rounds after round 0 with flush_every 4: flushes after rounds 3 and 7
 * (the file then holds 4 and 8 rounds), rounds 8..10 by finish. */
static void test_complete_run(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "complete");
    fixture_t *f = fixture_new(3, 2, 4, 2);
    liq_h5_writer_t *w = create_ok(f, path, 4);

    for (int64_t t = 1; t <= 10; t++) {
        append_ok(f, w, t);
    }
    liq_summary_t *s = summary_new(4, 2);
    const int rc = liq_h5_writer_finish(w, s, "complete");
    if (rc != LIQ_OK) {
        fail_msg("finish failed (%d): %s", rc, liq_errmsg());
    }

    const hid_t file = open_file(path);
    assert_root_attrs(file, "complete", 10);
    assert_series(f, file, 11);
    assert_names(f, file, "asset", "asset", 3);
    assert_names(f, file, "pool", "pool", 2);
    assert_names(f, file, "oracle", "oracle", 4);
    assert_names(f, file, "protocol", "protocol", 2);
    assert_summary(file, s);
    /* chunked, compressed with shuffle + deflate, extendible along round */
    const hid_t pp = H5Dopen2(file, "pool_price", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(pp);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    hsize_t chunk[2];
    assert_int_equal(H5Pget_chunk(dcpl, 2, chunk), 2);
    assert_int_equal(chunk[0], 4);
    assert_int_equal(chunk[1], 2);
    assert_int_equal(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0, cd[4] = {0, 0, 0, 0};
    size_t nelmts = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 0, &flags, &nelmts, cd, 0, NULL, NULL),
                     H5Z_FILTER_SHUFFLE);
    nelmts = 4;
    assert_int_equal(H5Pget_filter2(dcpl, 1, &flags, &nelmts, cd, 0, NULL, NULL),
                     H5Z_FILTER_DEFLATE);
    const unsigned level = cd[0];
    assert_int_equal(level, 4);
    const hid_t space = H5Dget_space(pp);
    hsize_t cur[2], max[2];
    assert_true(H5Sget_simple_extent_dims(space, cur, max) == 2);
    assert_true(max[0] == H5S_UNLIMITED);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Dclose(pp);
    H5Fclose(file);

    summary_free(s);
    fixture_free(f);
    unlink(path);
}

/*
 * A run stopped between flushes (the process killed, or destroy without
 * finish): the file holds every flushed round, says incomplete, and has no
 * summary. With flush_every 4 batches end when the file holds a multiple of
 * 4 rounds: round 0 at create, rounds 1..3 at the first flush; rounds 4..6
 * were only buffered and are dropped.
 */
static void test_destroy_without_finish(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "destroyed");
    fixture_t *f = fixture_new(2, 1, 1, 3);
    liq_h5_writer_t *w = create_ok(f, path, 4);
    for (int64_t t = 1; t <= 6; t++) {
        append_ok(f, w, t);
    }
    liq_h5_writer_destroy(w);

    const hid_t file = open_file(path);
    assert_root_attrs(file, "incomplete", 3);
    assert_series(f, file, 4);
    assert_false(has_object(file, "cascade_length"));
    assert_false(has_object(file, "amplification"));
    H5Fclose(file);
    fixture_free(f);
    unlink(path);
}

/* Right after create the file already holds round 0 (rounds_completed 0),
 * and an explicit flush writes a partial batch. */
static void test_create_then_flush(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "flush");
    fixture_t *f = fixture_new(1, 1, 1, 1);
    liq_h5_writer_t *w = create_ok(f, path, 100);
    liq_h5_writer_destroy(w);
    hid_t file = open_file(path);
    assert_root_attrs(file, "incomplete", 0);
    assert_series(f, file, 1);
    H5Fclose(file);

    const liq_h5_options_t options = options_for(100, true);
    fill_view(f, 0);
    assert_int_equal(liq_h5_writer_create(&w, path, &f->sc, &f->view, &options), LIQ_OK);
    append_ok(f, w, 1);
    append_ok(f, w, 2);
    assert_int_equal(liq_h5_writer_flush(w), LIQ_OK);
    append_ok(f, w, 3);
    liq_h5_writer_destroy(w);
    file = open_file(path);
    assert_root_attrs(file, "incomplete", 2);
    assert_series(f, file, 3);
    H5Fclose(file);
    fixture_free(f);
    unlink(path);
}

static void test_interrupted_status(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "interrupted");
    fixture_t *f = fixture_new(2, 1, 2, 2);
    liq_h5_writer_t *w = create_ok(f, path, 3);
    for (int64_t t = 1; t <= 5; t++) {
        append_ok(f, w, t);
    }
    liq_summary_t *s = summary_new(2, 2);
    assert_int_equal(liq_h5_writer_finish(w, s, "interrupted"), LIQ_OK);
    const hid_t file = open_file(path);
    assert_root_attrs(file, "interrupted", 5);
    assert_series(f, file, 6);
    assert_summary(file, s);
    H5Fclose(file);
    summary_free(s);
    fixture_free(f);
    unlink(path);
}

/* No pools: (round, pool) variables of shape (rounds, 0) and an empty pool
 * coordinate, which h5netcdf and netCDF-C read as a zero-length dimension
 * (tests/python.cmake checks that with xarray). */
static void test_zero_pools(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "nopools");
    fixture_t *f = fixture_new(2, 0, 1, 1);
    liq_h5_writer_t *w = create_ok(f, path, 2);
    for (int64_t t = 1; t <= 5; t++) {
        append_ok(f, w, t);
    }
    liq_summary_t *s = summary_new(1, 1);
    assert_int_equal(liq_h5_writer_finish(w, s, "complete"), LIQ_OK);
    const hid_t file = open_file(path);
    assert_root_attrs(file, "complete", 5);
    assert_series(f, file, 6);
    assert_names(f, file, "pool", "pool", 0);
    H5Fclose(file);
    summary_free(s);
    fixture_free(f);
    unlink(path);
}

/* No oracles and no protocols at all: zero-length summary variables. */
static void test_zero_everything_but_assets(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "empty");
    fixture_t *f = fixture_new(1, 0, 0, 0);
    liq_h5_writer_t *w = create_ok(f, path, 1);
    append_ok(f, w, 1);
    liq_summary_t *s = summary_new(0, 0);
    assert_int_equal(liq_h5_writer_finish(w, s, "complete"), LIQ_OK);
    const hid_t file = open_file(path);
    assert_root_attrs(file, "complete", 1);
    assert_series(f, file, 2);
    assert_summary(file, s);
    H5Fclose(file);
    summary_free(s);
    fixture_free(f);
    unlink(path);
}

static void test_exists_and_force(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "exists");
    FILE *junk = fopen(path, "w");
    assert_non_null(junk);
    fputs("not an HDF5 file\n", junk);
    fclose(junk);

    fixture_t *f = fixture_new(1, 1, 1, 1);
    fill_view(f, 0);
    liq_h5_writer_t *w = (liq_h5_writer_t *)(uintptr_t)1;
    liq_h5_options_t options = options_for(4, false);
    assert_int_equal(liq_h5_writer_create(&w, path, &f->sc, &f->view, &options), LIQ_EEXIST);
    assert_null(w);
    char expected[512];
    snprintf(expected, sizeof(expected), "%s: file exists; pass --force to overwrite", path);
    assert_string_equal(liq_errmsg(), expected);
    /* the existing file is untouched */
    junk = fopen(path, "r");
    char line[64] = "";
    assert_non_null(fgets(line, sizeof(line), junk));
    fclose(junk);
    assert_string_equal(line, "not an HDF5 file\n");

    options.force = true;
    assert_int_equal(liq_h5_writer_create(&w, path, &f->sc, &f->view, &options), LIQ_OK);
    append_ok(f, w, 1);
    assert_int_equal(liq_h5_writer_finish(w, NULL, "complete"), LIQ_OK);
    const hid_t file = open_file(path);
    assert_root_attrs(file, "complete", 1);
    assert_series(f, file, 2);
    assert_false(has_object(file, "cascade_length")); /* NULL summary: none written */
    H5Fclose(file);
    fixture_free(f);
    unlink(path);
}

static void test_hdf5_error(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(1, 1, 1, 1);
    fill_view(f, 0);
    liq_h5_writer_t *w = NULL;
    const liq_h5_options_t options = options_for(4, false);
    const char *path = "/nonexistent-dir-liqnet/out.h5";
    assert_int_equal(liq_h5_writer_create(&w, path, &f->sc, &f->view, &options), LIQ_EHDF5);
    assert_null(w);
    const char *prefix = "/nonexistent-dir-liqnet/out.h5: HDF5 error: cannot create the file: ";
    if (strncmp(liq_errmsg(), prefix, strlen(prefix)) != 0 ||
        strstr(liq_errmsg(), "No such file or directory") == NULL ||
        strchr(liq_errmsg(), '\n') != NULL) {
        fail_msg("message: %s", liq_errmsg());
    }
    fixture_free(f);
}

static void test_misuse_errors(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "misuse");
    fixture_t *f = fixture_new(1, 1, 1, 1);
    fill_view(f, 0);
    liq_h5_writer_t *w = NULL;
    liq_h5_options_t options = options_for(0, false);
    assert_int_equal(liq_h5_writer_create(&w, path, &f->sc, &f->view, &options), LIQ_EINVAL);
    char expected[512];
    snprintf(expected, sizeof(expected), "%s: flush_every is 0; expected a whole number >= 1",
             path);
    assert_string_equal(liq_errmsg(), expected);
    assert_int_equal(access(path, F_OK), -1); /* nothing created */

    w = create_ok(f, path, 4);
    fill_view(f, 2);
    assert_int_equal(liq_h5_writer_append(w, &f->view), LIQ_EINVAL);
    snprintf(expected, sizeof(expected), "%s: appended round 2 after round 0; expected 1", path);
    assert_string_equal(liq_errmsg(), expected);
    fill_view(f, 1);
    f->view.n_pools = 2;
    assert_int_equal(liq_h5_writer_append(w, &f->view), LIQ_EINVAL);
    snprintf(expected, sizeof(expected),
             "%s: the state view of round 1 has 2 pool entities; the file was created for 1", path);
    assert_string_equal(liq_errmsg(), expected);
    f->view.n_pools = 1;
    append_ok(f, w, 1);
    assert_int_equal(liq_h5_writer_finish(w, NULL, "done"), LIQ_EINVAL);
    snprintf(expected, sizeof(expected),
             "%s: status 'done'; expected complete, interrupted or failed", path);
    assert_string_equal(liq_errmsg(), expected);
    /* finish closed the file anyway, keeping what was flushed: round 0 */
    const hid_t file = open_file(path);
    assert_root_attrs(file, "incomplete", 0);
    assert_series(f, file, 1);
    H5Fclose(file);
    fixture_free(f);
    unlink(path);
}

/* Reads a 1-d int64 or float64 dataset of the group into `out` (n values). */
static void read_group_var(hid_t group, const char *name, hid_t memtype, void *out, size_t n)
{
    const hid_t ds = H5Dopen2(group, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    const hid_t space = H5Dget_space(ds);
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count != (hssize_t)n) {
        fail_msg("contagion/%s has %lld values; expected %zu", name, (long long)count, n);
    }
    if (n > 0) {
        assert_true(H5Dread(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    }
    H5Sclose(space);
    H5Dclose(ds);
}

/* A record filled by hand (2 protocols, one link, one failed cluster) goes
 * into /contagion with its own dimension scales; a second write, or a
 * record of another size, is refused. */
static void test_contagion_group(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "contagion");
    fixture_t *f = fixture_new(1, 1, 1, 2);
    liq_h5_writer_t *w = create_ok(f, path, 4);
    append_ok(f, w, 1);

    char *names[2] = {"protocol0", "protocol1"};
    uint8_t source[2] = {1, 0}, failed[2] = {1, 1};
    int64_t distance[2] = {0, 1}, first[2] = {1, 7}, degree[2] = {1, 1}, cluster[2] = {0, 0};
    double strength[2] = {3, 3}, pagerank[2] = {0.5, 0.5}, between[2] = {NAN, NAN};
    int64_t size[1] = {2}, from[1] = {0}, to[1] = {1}, shared[1] = {1}, tokens[1] = {0};
    double weight[1] = {3};
    liq_contagion_record_t r = {.n_protocols = 2,
                                .name = names,
                                .source = source,
                                .distance = distance,
                                .first_failure = first,
                                .failed = failed,
                                .degree = degree,
                                .strength = strength,
                                .pagerank = pagerank,
                                .betweenness = between,
                                .cluster = cluster,
                                .n_clusters = 1,
                                .cluster_size = size,
                                .n_links = 1,
                                .link_from = from,
                                .link_to = to,
                                .link_weight = weight,
                                .link_shared_assets = shared,
                                .link_shared_pools = shared,
                                .link_shared_oracles = shared,
                                .link_shared_tokens = tokens,
                                .rounds = 1,
                                .sources = 1,
                                .failed_count = 2,
                                .largest_cluster = 2,
                                .reach = 1,
                                .betweenness_computed = 0,
                                .betweenness_cost = 6,
                                .betweenness_limit = 5,
                                .betweenness_note = "skipped: test"};
    r.n_protocols = 3;
    assert_int_equal(liq_h5_writer_contagion(w, &r), LIQ_EINVAL);
    char expected[512];
    snprintf(expected, sizeof(expected),
             "%s: the contagion record has 3 protocols; the file was created for 2", path);
    assert_string_equal(liq_errmsg(), expected);
    r.n_protocols = 2;
    assert_int_equal(liq_h5_writer_contagion(w, &r), LIQ_OK);
    assert_int_equal(liq_h5_writer_contagion(w, &r), LIQ_EEXIST);
    snprintf(expected, sizeof(expected), "%s: the contagion record was already written", path);
    assert_string_equal(liq_errmsg(), expected);
    assert_int_equal(liq_h5_writer_finish(w, NULL, "interrupted"), LIQ_OK);

    const hid_t file = open_file(path);
    assert_root_attrs(file, "interrupted", 1);
    const hid_t group = H5Gopen2(file, "contagion", H5P_DEFAULT);
    assert_true(group >= 0);
    int64_t ints[2];
    double reals[2];
    read_group_var(group, "first_failure_round", H5T_NATIVE_INT64, ints, 2);
    assert_true(ints[0] == 1 && ints[1] == 7);
    read_group_var(group, "source", H5T_NATIVE_INT64, ints, 2);
    assert_true(ints[0] == 1 && ints[1] == 0);
    read_group_var(group, "betweenness", H5T_NATIVE_DOUBLE, reals, 2);
    assert_true(isnan(reals[0]) && isnan(reals[1]));
    read_group_var(group, "link_weight", H5T_NATIVE_DOUBLE, reals, 1);
    assert_true(reals[0] == 3);
    read_group_var(group, "shared_tokens", H5T_NATIVE_INT64, ints, 1);
    assert_true(ints[0] == 0);
    read_group_var(group, "cluster_size", H5T_NATIVE_INT64, ints, 1);
    assert_true(ints[0] == 2);
    read_group_var(group, "reach", H5T_NATIVE_INT64, ints, 1);
    assert_true(ints[0] == 1);
    read_group_var(group, "link", H5T_NATIVE_INT64, ints, 1);
    assert_true(ints[0] == 0);
    /* Variables hang on the group's own scales. */
    static const char *const attached[3][2] = {
        {"pagerank", "protocol"}, {"link_from", "link"}, {"cluster_size", "cluster"}};
    for (int k = 0; k < 3; k++) {
        const hid_t ds = H5Dopen2(group, attached[k][0], H5P_DEFAULT);
        const hid_t scale = H5Dopen2(group, attached[k][1], H5P_DEFAULT);
        assert_true(ds >= 0 && scale >= 0);
        assert_int_equal(H5DSget_num_scales(ds, 0), 1);
        assert_true(H5DSis_attached(ds, scale, 0) > 0);
        H5Dclose(scale);
        H5Dclose(ds);
    }
    assert_names(f, group, "protocol", "protocol", 2);
    assert_string_attr(group, "betweenness", "skipped");
    assert_string_attr(group, "betweenness_note", "skipped: test");
    assert_int_equal(read_int64_attr(group, "rounds_completed"), 1);
    H5Gclose(group);
    H5Fclose(file);
    fixture_free(f);
    unlink(path);
}

/* More rounds than the chunk height and many flushes: the extent grows and
 * every row lands where it belongs. */
static void test_many_rounds(void **state)
{
    (void)state;
    char path[256];
    test_path(path, sizeof(path), "many");
    fixture_t *f = fixture_new(2, 3, 2, 5);
    liq_h5_writer_t *w = create_ok(f, path, 300);
    for (int64_t t = 1; t <= 1000; t++) {
        append_ok(f, w, t);
    }
    assert_int_equal(liq_h5_writer_finish(w, NULL, "complete"), LIQ_OK);
    const hid_t file = open_file(path);
    assert_root_attrs(file, "complete", 1000);
    assert_series(f, file, 1001);
    H5Fclose(file);
    fixture_free(f);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_run),
        cmocka_unit_test(test_contagion_group),
        cmocka_unit_test(test_destroy_without_finish),
        cmocka_unit_test(test_create_then_flush),
        cmocka_unit_test(test_interrupted_status),
        cmocka_unit_test(test_zero_pools),
        cmocka_unit_test(test_zero_everything_but_assets),
        cmocka_unit_test(test_exists_and_force),
        cmocka_unit_test(test_hdf5_error),
        cmocka_unit_test(test_misuse_errors),
        cmocka_unit_test(test_many_rounds),
    };
    /* The library under test silences HDF5 only while it runs; silence it
     * here too, so reads of absent objects do not print stacks. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
