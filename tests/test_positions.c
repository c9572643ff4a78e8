/*
 * Tests of the positions reader (src/io/positions.c).
 *
 * A scenario is built by hand (two protocols sharing WETH: Lender with
 * markets WETH, WBTC; Maker with market WETH), so that the expected market
 * indices are known without the YAML reader. CSV inputs are files under
 * tests/data/positions_*; HDF5 inputs are written by the test with the C
 * API, in both string layouts h5py produces (variable-length UTF-8 and
 * fixed-length ASCII). Every error is asserted by code and whole message.
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

#include "liqnet/error.h"
#include "liqnet/io.h"

#ifndef LIQ_TEST_DATA_DIR
#error "LIQ_TEST_DATA_DIR must name tests/data"
#endif
#define DATA LIQ_TEST_DATA_DIR

/* ------------------------------------------------------------- scenario */

enum { WETH = 0, WBTC = 1, USDC = 2, DAI = 3 };
enum { LENDER = 0, MAKER = 1 };

typedef struct {
    liq_scenario_t sc;
    liq_asset_config_t assets[4];
    liq_protocol_config_t protocols[2];
    liq_market_config_t lender_markets[2];
    liq_market_config_t maker_markets[1];
    liq_positions_source_t sources[3];
} world_t;

static void world_init(world_t *w)
{
    memset(w, 0, sizeof(*w));
    static const char *const assets[4] = {"WETH", "WBTC", "USDC", "DAI"};
    for (int a = 0; a < 4; a++) {
        w->assets[a].name = (char *)(uintptr_t)assets[a];
        w->assets[a].price = 1.0;
    }
    w->lender_markets[0].asset = WETH;
    w->lender_markets[1].asset = WBTC;
    w->maker_markets[0].asset = WETH;
    w->protocols[LENDER] = (liq_protocol_config_t){.name = (char *)(uintptr_t) "Lender",
                                                   .debt_asset = USDC,
                                                   .n_markets = 2,
                                                   .markets = w->lender_markets};
    w->protocols[MAKER] = (liq_protocol_config_t){.name = (char *)(uintptr_t) "Maker",
                                                  .debt_asset = DAI,
                                                  .n_markets = 1,
                                                  .markets = w->maker_markets};
    w->sc.name = (char *)(uintptr_t) "positions-test";
    w->sc.n_assets = 4;
    w->sc.assets = w->assets;
    w->sc.n_protocols = 2;
    w->sc.protocols = w->protocols;
    w->sc.positions = w->sources;
}

static void add_source(world_t *w, const char *path, liq_positions_format_t format)
{
    assert_true(w->sc.n_positions < 3);
    w->sources[w->sc.n_positions].path = (char *)(uintptr_t)path;
    w->sources[w->sc.n_positions].format = format;
    w->sc.n_positions++;
}

static liq_positions_t *load_ok(world_t *w)
{
    liq_positions_t *t = NULL;
    const int rc = liq_positions_load(&t, &w->sc);
    if (rc != LIQ_OK) {
        fail_msg("load failed (%d): %s", rc, liq_errmsg());
    }
    assert_non_null(t);
    return t;
}

typedef struct {
    int32_t protocol, market;
    double collateral, debt;
} row_t;

static void assert_rows(const liq_positions_t *t, const row_t *rows, size_t n)
{
    assert_int_equal(t->count, n);
    for (size_t i = 0; i < n; i++) {
        if (t->protocol[i] != rows[i].protocol || t->market[i] != rows[i].market ||
            t->collateral[i] != rows[i].collateral || t->debt[i] != rows[i].debt) {
            fail_msg("row %zu: got (%d, %d, %.17g, %.17g), expected (%d, %d, %.17g, %.17g)", i,
                     t->protocol[i], t->market[i], t->collateral[i], t->debt[i], rows[i].protocol,
                     rows[i].market, rows[i].collateral, rows[i].debt);
        }
    }
}

/* Loads one source and expects an error with exactly this code and message;
 * `message` has one %s, replaced by the source path. */
static void expect_error(const char *path, liq_positions_format_t format, int code,
                         const char *message)
{
    world_t w;
    world_init(&w);
    add_source(&w, path, format);
    liq_positions_t *t = (liq_positions_t *)(uintptr_t)1;
    const int rc = liq_positions_load(&t, &w.sc);
    assert_null(t);
    /* message is not a format (its values may hold '%'): splice by hand */
    char expected[1024];
    const char *hole = strstr(message, "%s");
    assert_non_null(hole);
    snprintf(expected, sizeof(expected), "%.*s%s%s", (int)(hole - message), message, path,
             hole + 2);
    if (rc != code || strcmp(liq_errmsg(), expected) != 0) {
        fail_msg("expected %d \"%s\"\n       got %d \"%s\"", code, expected, rc, liq_errmsg());
    }
}

static void expect_csv_error(const char *file, int code, const char *message)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", DATA, file);
    expect_error(path, LIQ_POSITIONS_CSV, code, message);
}

/* ------------------------------------------------------------------ CSV */

static void test_no_sources(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    liq_positions_t *t = (liq_positions_t *)(uintptr_t)1;
    assert_int_equal(liq_positions_load(&t, &w.sc), LIQ_OK);
    assert_null(t);
    liq_positions_destroy(NULL);
}

/* Columns in any order, CRLF line ends, quoted fields, a blank line, spaces
 * around a name, exponents; then a second file with a byte order mark and
 * no final newline: rows in source order, then file order. */
static void test_csv_valid(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    add_source(&w, DATA "/positions_valid.csv", LIQ_POSITIONS_CSV);
    add_source(&w, DATA "/positions_valid_bom.csv", LIQ_POSITIONS_CSV);
    liq_positions_t *t = load_ok(&w);
    const row_t rows[] = {
        {LENDER, 0, 10.0, 17000.0}, {LENDER, 1, 0.8330975269, 32085.5},
        {MAKER, 0, 1500.0, 0.0},    {LENDER, 0, 0.0, 0.001},
        {MAKER, 0, 2.5, 3000.0},    {LENDER, 1, 0.125, 0.0},
    };
    assert_rows(t, rows, sizeof(rows) / sizeof(rows[0]));
    liq_positions_destroy(t);
}

static void test_csv_header_only(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    add_source(&w, DATA "/positions_header_only.csv", LIQ_POSITIONS_CSV);
    liq_positions_t *t = load_ok(&w);
    assert_int_equal(t->count, 0);
    liq_positions_destroy(t);
}

static void test_csv_errors(void **state)
{
    (void)state;
    expect_csv_error("positions_no_such_file.csv", LIQ_EIO,
                     "%s: cannot open: No such file or directory");
    expect_csv_error("positions_bad_number.csv", LIQ_EINVAL,
                     "%s:17: column 'debt': value 'x' is not a number; expected a finite "
                     "number >= 0");
    expect_csv_error("positions_negative.csv", LIQ_EINVAL,
                     "%s:3: column 'collateral': value '-0.5' is negative; expected a finite "
                     "number >= 0");
    expect_csv_error("positions_nan.csv", LIQ_EINVAL,
                     "%s:2: column 'debt': value 'nan' is not finite; expected a finite number "
                     ">= 0");
    expect_csv_error("positions_inf.csv", LIQ_EINVAL,
                     "%s:2: column 'collateral': value 'inf' is not finite; expected a finite "
                     "number >= 0");
    expect_csv_error("positions_empty_field.csv", LIQ_EINVAL,
                     "%s:2: column 'collateral': value '' is not a number; expected a finite "
                     "number >= 0");
    expect_csv_error("positions_hex.csv", LIQ_EINVAL,
                     "%s:2: column 'collateral': value '0x10' is not a number; expected a finite "
                     "number >= 0");
    expect_csv_error("positions_unknown_protocol.csv", LIQ_EREF,
                     "%s:3: column 'protocol': no protocol named 'Compound'; defined protocols: "
                     "Lender, Maker");
    expect_csv_error("positions_not_a_market.csv", LIQ_EREF,
                     "%s:2: column 'collateral_asset': 'WBTC' is not a collateral asset of "
                     "protocol 'Maker'; its markets: WETH");
    expect_csv_error("positions_ragged_short.csv", LIQ_EPARSE,
                     "%s:3: row has 3 fields; expected 4 as in the header");
    expect_csv_error("positions_ragged_long.csv", LIQ_EPARSE,
                     "%s:2: row has 5 fields; expected 4 as in the header");
    expect_csv_error("positions_extra_column.csv", LIQ_EKEY,
                     "%s:1: header: unknown column 'owner'; expected the columns protocol, "
                     "collateral_asset, collateral, debt");
    expect_csv_error("positions_missing_column.csv", LIQ_EKEY,
                     "%s:1: header: missing column 'collateral_asset'; expected the columns "
                     "protocol, collateral_asset, collateral, debt");
    expect_csv_error("positions_repeated_column.csv", LIQ_EKEY,
                     "%s:1: header: column 'debt' appears twice; expected each of protocol, "
                     "collateral_asset, collateral, debt once");
    expect_csv_error("positions_empty.csv", LIQ_EKEY,
                     "%s:1: header: the file is empty; expected the header line "
                     "protocol,collateral_asset,collateral,debt");
    expect_csv_error("positions_syntax.csv", LIQ_EPARSE,
                     "%s:3: CSV syntax error: error parsing data while strict checking enabled");
}

/* An error in the second source comes after a good first one: nothing is
 * returned and the message names the second file. */
static void test_csv_error_in_second_source(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    add_source(&w, DATA "/positions_valid.csv", LIQ_POSITIONS_CSV);
    add_source(&w, DATA "/positions_negative.csv", LIQ_POSITIONS_CSV);
    liq_positions_t *t = (liq_positions_t *)(uintptr_t)1;
    assert_int_equal(liq_positions_load(&t, &w.sc), LIQ_EINVAL);
    assert_null(t);
    assert_non_null(strstr(liq_errmsg(), "positions_negative.csv:3: column 'collateral'"));
}

/* More rows than the growth step and longer than one read block, so the
 * table grows and lines are counted across block boundaries. */
static void test_csv_large(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_positions_%ld_large.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "protocol,collateral_asset,collateral,debt\n");
    const size_t n = 20000;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s,%s,%zu.25,%zu\n", i % 3 == 0 ? "Maker" : "Lender",
                i % 3 == 2 ? "WBTC" : "WETH", i, 2 * i);
    }
    fprintf(f, "Lender,WETH,1,-2\n");
    fclose(f);

    world_t w;
    world_init(&w);
    add_source(&w, path, LIQ_POSITIONS_CSV);
    liq_positions_t *t = (liq_positions_t *)(uintptr_t)1;
    assert_int_equal(liq_positions_load(&t, &w.sc), LIQ_EINVAL);
    char expected[512];
    snprintf(expected, sizeof(expected),
             "%s:%zu: column 'debt': value '-2' is negative; expected a finite number >= 0", path,
             n + 2);
    assert_string_equal(liq_errmsg(), expected);

    /* the same file without its bad last line */
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "protocol,collateral_asset,collateral,debt\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s,%s,%zu.25,%zu\n", i % 3 == 0 ? "Maker" : "Lender",
                i % 3 == 2 ? "WBTC" : "WETH", i, 2 * i);
    }
    fclose(f);
    t = load_ok(&w);
    assert_int_equal(t->count, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t->protocol[i], i % 3 == 0 ? MAKER : LENDER);
        assert_int_equal(t->market[i], i % 3 == 2 ? 1 : 0);
        assert_true(t->collateral[i] == (double)i + 0.25);
        assert_true(t->debt[i] == (double)(2 * i));
    }
    liq_positions_destroy(t);
    unlink(path);
}

/* ----------------------------------------------------------------- HDF5 */

typedef enum { STR_VLEN_UTF8, STR_FIXED_ASCII } str_layout_t;

static void write_strings(hid_t file, const char *name, const char *const *values, size_t n,
                          str_layout_t layout)
{
    const hid_t type = H5Tcopy(H5T_C_S1);
    assert_true(type >= 0);
    const hsize_t dims = n;
    const hid_t space = H5Screate_simple(1, &dims, NULL);
    assert_true(space >= 0);
    if (layout == STR_VLEN_UTF8) {
        assert_true(H5Tset_size(type, H5T_VARIABLE) >= 0);
        assert_true(H5Tset_cset(type, H5T_CSET_UTF8) >= 0);
        const hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(ds >= 0);
        if (n > 0) {
            assert_true(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
        }
        H5Dclose(ds);
    } else {
        /* h5py's numpy 'S8': fixed width, NUL padded, ASCII */
        const size_t width = 8;
        assert_true(H5Tset_size(type, width) >= 0);
        assert_true(H5Tset_strpad(type, H5T_STR_NULLPAD) >= 0);
        char *buf = calloc(n > 0 ? n : 1, width);
        assert_non_null(buf);
        for (size_t i = 0; i < n; i++) {
            strncpy(buf + i * width, values[i], width);
        }
        const hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(ds >= 0);
        if (n > 0) {
            assert_true(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
        }
        H5Dclose(ds);
        free(buf);
    }
    H5Sclose(space);
    H5Tclose(type);
}

static void write_doubles(hid_t file, const char *name, const double *values, size_t n)
{
    const hsize_t dims = n;
    const hid_t space = H5Screate_simple(1, &dims, NULL);
    const hid_t ds =
        H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(ds >= 0);
    if (n > 0) {
        assert_true(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    }
    H5Dclose(ds);
    H5Sclose(space);
}

typedef struct {
    size_t n;
    const char *const *protocol;
    const char *const *asset;
    const double *collateral;
    const double *debt;
    str_layout_t layout;
    const char *skip;   /* dataset not written */
    const char *as_int; /* dataset written as int64 instead */
    size_t debt_rows;   /* rows of `debt` if != n (a length mismatch) */
    bool debt_2d;       /* `debt` as an n x 1 array */
} h5_spec_t;

static void write_h5(const char *path, const h5_spec_t *s)
{
    const hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    if (s->skip == NULL || strcmp(s->skip, "protocol") != 0) {
        write_strings(file, "protocol", s->protocol, s->n, s->layout);
    }
    if (s->skip == NULL || strcmp(s->skip, "collateral_asset") != 0) {
        write_strings(file, "collateral_asset", s->asset, s->n, s->layout);
    }
    write_doubles(file, "collateral", s->collateral, s->n);
    if (s->as_int != NULL) {
        const hsize_t dims = s->n;
        const hid_t space = H5Screate_simple(1, &dims, NULL);
        const hid_t ds = H5Dcreate2(file, s->as_int, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                    H5P_DEFAULT);
        assert_true(ds >= 0);
        H5Dclose(ds);
        H5Sclose(space);
    } else if (s->debt_2d) {
        const hsize_t dims[2] = {s->n, 1};
        const hid_t space = H5Screate_simple(2, dims, NULL);
        const hid_t ds =
            H5Dcreate2(file, "debt", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(ds >= 0);
        H5Dclose(ds);
        H5Sclose(space);
    } else if (s->skip == NULL || strcmp(s->skip, "debt") != 0) {
        write_doubles(file, "debt", s->debt, s->debt_rows > 0 ? s->debt_rows : s->n);
    }
    H5Fclose(file);
}

static const char *const H5_PROTOCOLS[] = {"Lender", "Maker", "Lender", "Lender"};
static const char *const H5_ASSETS[] = {"WBTC", "WETH", "WETH", "WBTC"};
static const double H5_COLLATERAL[] = {0.5, 12.0, 1.0 / 3.0, 0.0};
static const double H5_DEBT[] = {15000.0, 9000.0, 0.0, 1e-9};

static h5_spec_t h5_good(str_layout_t layout)
{
    return (h5_spec_t){.n = 4,
                       .protocol = H5_PROTOCOLS,
                       .asset = H5_ASSETS,
                       .collateral = H5_COLLATERAL,
                       .debt = H5_DEBT,
                       .layout = layout};
}

static void h5_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "/tmp/liq_test_positions_%ld_%s.h5", (long)getpid(), name);
}

static void test_h5_valid(void **state)
{
    (void)state;
    const row_t rows[] = {{LENDER, 1, 0.5, 15000.0},
                          {MAKER, 0, 12.0, 9000.0},
                          {LENDER, 0, 1.0 / 3.0, 0.0},
                          {LENDER, 1, 0.0, 1e-9}};
    for (int layout = STR_VLEN_UTF8; layout <= STR_FIXED_ASCII; layout++) {
        char path[256];
        h5_path(path, sizeof(path), layout == STR_VLEN_UTF8 ? "vlen" : "fixed");
        const h5_spec_t spec = h5_good((str_layout_t)layout);
        write_h5(path, &spec);
        world_t w;
        world_init(&w);
        add_source(&w, path, LIQ_POSITIONS_HDF5);
        liq_positions_t *t = load_ok(&w);
        assert_rows(t, rows, 4);
        liq_positions_destroy(t);
        unlink(path);
    }
}

/* CSV then HDF5 then CSV: source order, then row order. */
static void test_mixed_sources(void **state)
{
    (void)state;
    char path[256];
    h5_path(path, sizeof(path), "mixed");
    const h5_spec_t spec = h5_good(STR_VLEN_UTF8);
    write_h5(path, &spec);
    world_t w;
    world_init(&w);
    add_source(&w, DATA "/positions_valid_bom.csv", LIQ_POSITIONS_CSV);
    add_source(&w, path, LIQ_POSITIONS_HDF5);
    add_source(&w, DATA "/positions_header_only.csv", LIQ_POSITIONS_CSV);
    liq_positions_t *t = load_ok(&w);
    const row_t rows[] = {{MAKER, 0, 2.5, 3000.0},     {LENDER, 1, 0.125, 0.0},
                          {LENDER, 1, 0.5, 15000.0},   {MAKER, 0, 12.0, 9000.0},
                          {LENDER, 0, 1.0 / 3.0, 0.0}, {LENDER, 1, 0.0, 1e-9}};
    assert_rows(t, rows, 6);
    liq_positions_destroy(t);
    unlink(path);
}

static void test_h5_empty(void **state)
{
    (void)state;
    char path[256];
    h5_path(path, sizeof(path), "empty");
    h5_spec_t spec = h5_good(STR_VLEN_UTF8);
    spec.n = 0;
    write_h5(path, &spec);
    world_t w;
    world_init(&w);
    add_source(&w, path, LIQ_POSITIONS_HDF5);
    liq_positions_t *t = load_ok(&w);
    assert_int_equal(t->count, 0);
    liq_positions_destroy(t);
    unlink(path);
}

static void expect_h5_error(const h5_spec_t *spec, int code, const char *message)
{
    char path[256];
    h5_path(path, sizeof(path), "error");
    write_h5(path, spec);
    expect_error(path, LIQ_POSITIONS_HDF5, code, message);
    unlink(path);
}

static void test_h5_errors(void **state)
{
    (void)state;
    h5_spec_t spec = h5_good(STR_VLEN_UTF8);
    spec.skip = "collateral_asset";
    expect_h5_error(&spec, LIQ_EKEY,
                    "%s: missing dataset 'collateral_asset'; expected 1-D datasets protocol, "
                    "collateral_asset, collateral, debt of equal length at the root");

    spec = h5_good(STR_VLEN_UTF8);
    spec.as_int = "debt";
    expect_h5_error(&spec, LIQ_EINVAL, "%s: dataset 'debt' is 64-bit integer; expected float64");

    spec = h5_good(STR_VLEN_UTF8);
    spec.debt_2d = true;
    expect_h5_error(&spec, LIQ_EINVAL, "%s: dataset 'debt' has rank 2; expected 1-D");

    spec = h5_good(STR_FIXED_ASCII);
    spec.debt_rows = 3;
    expect_h5_error(&spec, LIQ_EINVAL,
                    "%s: dataset 'debt' has 3 rows; expected 4 like dataset 'protocol'");

    const double negative[] = {1.0, 2.0, 3.0, -4.5};
    spec = h5_good(STR_VLEN_UTF8);
    spec.debt = negative;
    expect_h5_error(&spec, LIQ_EINVAL,
                    "%s: debt[3]: value -4.5 is negative; expected a finite number >= 0");

    const double nan_collateral[] = {1.0, (double)NAN, 3.0, 4.0};
    spec = h5_good(STR_FIXED_ASCII);
    spec.collateral = nan_collateral;
    expect_h5_error(&spec, LIQ_EINVAL,
                    "%s: collateral[1]: value nan is not finite; expected a finite number >= 0");

    const char *const unknown[] = {"Lender", "Maker", "Aave", "Lender"};
    spec = h5_good(STR_VLEN_UTF8);
    spec.protocol = unknown;
    expect_h5_error(&spec, LIQ_EREF,
                    "%s: protocol[2]: no protocol named 'Aave'; defined protocols: Lender, "
                    "Maker");

    const char *const not_market[] = {"WBTC", "WBTC", "WETH", "WBTC"};
    spec = h5_good(STR_FIXED_ASCII);
    spec.asset = not_market;
    expect_h5_error(&spec, LIQ_EREF,
                    "%s: collateral_asset[1]: 'WBTC' is not a collateral asset of protocol "
                    "'Maker'; its markets: WETH");

    char missing[256];
    h5_path(missing, sizeof(missing), "missing");
    expect_error(missing, LIQ_POSITIONS_HDF5, LIQ_EIO,
                 "%s: cannot open: No such file or directory");
}

/* A file that is not HDF5 at all (a CSV named as HDF5). */
static void test_h5_not_hdf5(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    add_source(&w, DATA "/positions_valid.csv", LIQ_POSITIONS_HDF5);
    liq_positions_t *t = (liq_positions_t *)(uintptr_t)1;
    assert_int_equal(liq_positions_load(&t, &w.sc), LIQ_EHDF5);
    assert_null(t);
    const char *prefix = DATA "/positions_valid.csv: HDF5 error: cannot open the file as HDF5";
    if (strncmp(liq_errmsg(), prefix, strlen(prefix)) != 0 || strchr(liq_errmsg(), '\n')) {
        fail_msg("message: %s", liq_errmsg());
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_sources),
        cmocka_unit_test(test_csv_valid),
        cmocka_unit_test(test_csv_header_only),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_error_in_second_source),
        cmocka_unit_test(test_csv_large),
        cmocka_unit_test(test_h5_valid),
        cmocka_unit_test(test_mixed_sources),
        cmocka_unit_test(test_h5_empty),
        cmocka_unit_test(test_h5_errors),
        cmocka_unit_test(test_h5_not_hdf5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
