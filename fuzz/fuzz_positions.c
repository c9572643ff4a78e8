/*
 * libFuzzer harness: positions files (liq_positions_load, src/io/positions.c),
 * CSV and HDF5. The scenario is that of tests/test_positions.c: protocols
 * Lender (collateral WETH, WBTC; debt USDC) and Maker (WETH; DAI).
 *
 * Inputs:
 * - a recipe of an HDF5 positions file, first line "H5RECIPE": the harness
 *   writes the file with HDF5 and reads it. One dataset a line,
 *   "NAME:TYPE:V1,V2,...", TYPE one of s (variable-length UTF-8 string),
 *   aN (fixed-length ASCII string of N bytes), d (float64), f (float32),
 *   i (int64), b (int8), u (uint32), x (a 2-D float64 of 2 columns), g (a
 *   group, no values). This reaches what positions.c does with HDF5 (types,
 *   lengths, strings, values) without fuzzing the HDF5 library's own parser;
 * - HDF5 bytes (HDF5's signature first): read as they are, only with
 *   LIQNET_FUZZ_RAW_HDF5 set (scripts/fuzz --raw-hdf5). This fuzzes Debian's
 *   libhdf5 1.10.8, which hangs within seconds (fuzz/findings/README.md);
 * - anything else: a CSV file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char liq_hdf5_signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
#define LIQ_RECIPE "H5RECIPE"
/* At most this many values a dataset: enough for every length check. */
#define LIQ_MAX_VALUES 64

/* Splits "a,b,c" (no NUL inside) into at most LIQ_MAX_VALUES pieces. */
static size_t liq_split(char *list, char **items)
{
    size_t n = 0;
    if (*list == '\0') {
        return 0;
    }
    for (char *p = list; n < LIQ_MAX_VALUES;) {
        items[n++] = p;
        char *comma = strchr(p, ',');
        if (comma == NULL) {
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

/* One recipe line into `file`; a line that does not parse is skipped. */
static void liq_recipe_line(hid_t file, char *line)
{
    char *colon = strchr(line, ':');
    if (colon == NULL || colon == line) {
        return;
    }
    *colon = '\0';
    const char *name = line;
    char *type = colon + 1;
    char *values = strchr(type, ':');
    if (values == NULL) {
        return;
    }
    *values++ = '\0';
    if (type[0] == 'g') {
        const hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g >= 0) {
            H5Gclose(g);
        }
        return;
    }
    char *items[LIQ_MAX_VALUES];
    const size_t n = liq_split(values, items);
    hid_t ftype = -1, mtype = -1;
    bool own = false;
    unsigned char buf[LIQ_MAX_VALUES * 64];
    size_t width = 8;
    hsize_t dims[2] = {n, 2};
    int rank = 1;
    switch (type[0]) {
    case 's':
        ftype = H5Tcopy(H5T_C_S1);
        H5Tset_size(ftype, H5T_VARIABLE);
        H5Tset_cset(ftype, H5T_CSET_UTF8);
        mtype = ftype;
        own = true;
        memcpy(buf, items, n * sizeof(char *));
        break;
    case 'a': {
        width = (size_t)strtoul(type + 1, NULL, 10);
        if (width == 0 || width > 64) {
            return;
        }
        ftype = H5Tcopy(H5T_C_S1);
        H5Tset_size(ftype, width);
        mtype = ftype;
        own = true;
        memset(buf, 0, sizeof(buf));
        for (size_t k = 0; k < n; k++) {
            strncpy((char *)buf + k * width, items[k], width);
        }
        break;
    }
    case 'd':
    case 'x':
        ftype = H5T_IEEE_F64LE;
        mtype = H5T_NATIVE_DOUBLE;
        if (type[0] == 'x') {
            rank = 2;
            dims[0] = n / 2;
        }
        for (size_t k = 0; k < n; k++) {
            const double v = strtod(items[k], NULL);
            memcpy(buf + k * 8, &v, 8);
        }
        break;
    case 'f':
        ftype = H5T_IEEE_F32LE;
        mtype = H5T_NATIVE_FLOAT;
        for (size_t k = 0; k < n; k++) {
            const float v = strtof(items[k], NULL);
            memcpy(buf + k * 4, &v, 4);
        }
        break;
    case 'i':
    case 'b':
    case 'u':
        ftype = type[0] == 'i' ? H5T_STD_I64LE : type[0] == 'b' ? H5T_STD_I8LE : H5T_STD_U32LE;
        mtype = H5T_NATIVE_INT64;
        for (size_t k = 0; k < n; k++) {
            const int64_t v = strtoll(items[k], NULL, 10);
            memcpy(buf + k * 8, &v, 8);
        }
        break;
    default:
        return;
    }
    const hid_t space = H5Screate_simple(rank, dims, NULL);
    const hid_t ds =
        space >= 0 ? H5Dcreate2(file, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                   : -1;
    if (ds >= 0 && dims[0] > 0) {
        /* Conversions HDF5 refuses (out of range) leave zeros: fine. */
        (void)H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
    if (ds >= 0) {
        H5Dclose(ds);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    if (own) {
        H5Tclose(ftype);
    }
}

/* Writes the HDF5 file a recipe describes; false when it cannot. */
static bool liq_write_recipe(const char *path, const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL) {
        return false;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    const hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) {
        free(text);
        return false;
    }
    char *save = NULL;
    /* strlen stops at a NUL the input may hold: the rest is ignored. */
    char *line = strtok_r(text + strlen(LIQ_RECIPE), "\n", &save);
    for (int k = 0; line != NULL && k < 16; k++) {
        liq_recipe_line(file, line);
        line = strtok_r(NULL, "\n", &save);
    }
    H5Fclose(file);
    free(text);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    liq_fuzz_quiet_hdf5();
    const bool raw = size >= 8 && memcmp(data, liq_hdf5_signature, 8) == 0;
    const bool recipe =
        size >= strlen(LIQ_RECIPE) && memcmp(data, LIQ_RECIPE, strlen(LIQ_RECIPE)) == 0;
    if (raw && getenv("LIQNET_FUZZ_RAW_HDF5") == NULL) {
        return 0;
    }
    char path[256];
    liq_fuzz_path(path, sizeof(path), raw || recipe ? "_positions.h5" : "_positions.csv");
    if (recipe) {
        if (!liq_write_recipe(path, data, size)) {
            return 0;
        }
    } else {
        liq_fuzz_write(path, data, size);
    }

    liq_asset_config_t assets[4] = {{.name = "WETH", .price = 1.0},
                                    {.name = "WBTC", .price = 1.0},
                                    {.name = "USDC", .price = 1.0},
                                    {.name = "DAI", .price = 1.0}};
    liq_market_config_t lender_markets[2] = {{.asset = 0}, {.asset = 1}};
    liq_market_config_t maker_markets[1] = {{.asset = 0}};
    liq_protocol_config_t protocols[2] = {
        {.name = "Lender", .debt_asset = 2, .n_markets = 2, .markets = lender_markets},
        {.name = "Maker", .debt_asset = 3, .n_markets = 1, .markets = maker_markets}};
    liq_positions_source_t source = {
        .path = path, .format = raw || recipe ? LIQ_POSITIONS_HDF5 : LIQ_POSITIONS_CSV};
    liq_scenario_t sc = {.name = "fuzz-positions",
                         .n_assets = 4,
                         .assets = assets,
                         .n_protocols = 2,
                         .protocols = protocols,
                         .n_positions = 1,
                         .positions = &source};
    liq_positions_t *table = NULL;
    if (liq_positions_load(&table, &sc) == LIQ_OK) {
        liq_positions_destroy(table);
    }
    remove(path);
    return 0;
}
