/*
 * Perp positions files (docs/scenario.md, "kind: perp"): one open position
 * per row, read when the scenario is read, into the perp protocol's
 * position arrays. The columns are those of a Hyperliquid positions export
 * (asset, side, position_size, entry_price, leverage_ratio; other columns
 * are ignored), so such an export is read in place. Fields are plain
 * comma-separated values: a double quote anywhere is rejected rather than
 * misread. O(file size); one pass, arrays grown by doubling.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "io/perp_positions.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "liqnet/error.h"

enum { LIQ_COL_ASSET, LIQ_COL_SIDE, LIQ_COL_SIZE, LIQ_COL_ENTRY, LIQ_COL_LEVERAGE, LIQ_N_COLS };

static const char *const liq_col_names[LIQ_N_COLS] = {"asset", "side", "position_size",
                                                      "entry_price", "leverage_ratio"};

/* Splits `line` in place at commas into at most `max` fields; returns the
 * number of fields (max + 1 when there are more). */
static size_t liq_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *start = line;
    for (char *c = line;; c++) {
        if (*c == ',' || *c == '\0' || *c == '\n' || *c == '\r') {
            const char end = *c;
            *c = '\0';
            if (n < max) {
                fields[n] = start;
            }
            n++;
            if (end != ',') {
                return n;
            }
            start = c + 1;
        }
    }
}

static void liq_perp_rows_free(liq_perp_rows_t *rows)
{
    free(rows->market);
    free(rows->size);
    free(rows->entry);
    free(rows->leverage);
    memset(rows, 0, sizeof(*rows));
}

static int liq_perp_rows_push(liq_perp_rows_t *rows, size_t *capacity)
{
    if (rows->count < *capacity) {
        return LIQ_OK;
    }
    const size_t cap = *capacity > 0 ? 2 * *capacity : 256;
    int32_t *market = realloc(rows->market, cap * sizeof(*market));
    if (market != NULL) {
        rows->market = market;
    }
    double *size = realloc(rows->size, cap * sizeof(*size));
    if (size != NULL) {
        rows->size = size;
    }
    double *entry = realloc(rows->entry, cap * sizeof(*entry));
    if (entry != NULL) {
        rows->entry = entry;
    }
    double *leverage = realloc(rows->leverage, cap * sizeof(*leverage));
    if (leverage != NULL) {
        rows->leverage = leverage;
    }
    if (market == NULL || size == NULL || entry == NULL || leverage == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for perp positions");
    }
    *capacity = cap;
    return LIQ_OK;
}

/* A number field: finite and > 0 (>= 0 with allow_zero). Empty gives NaN
 * when `empty_ok`. */
static int liq_field_number(const char *path, size_t line, const char *column, const char *text,
                            bool allow_zero, bool empty_ok, double *out)
{
    if (text[0] == '\0' && empty_ok) {
        *out = NAN;
        return LIQ_OK;
    }
    char *end = NULL;
    errno = 0;
    const double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
        (allow_zero ? v < 0.0 : v <= 0.0)) {
        return liq_error_set(LIQ_EINVAL, "%s:%zu: %s: value '%s'; expected a finite number %s",
                             path, line, column, text, allow_zero ? ">= 0" : "> 0");
    }
    *out = v;
    return LIQ_OK;
}

int liq_perp_positions_read(liq_perp_rows_t *out, const char *path, const liq_scenario_t *sc,
                            const liq_protocol_config_t *protocol, double leverage)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return liq_error_set(LIQ_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    enum { LIQ_MAX_FIELDS = 256 };
    char *fields[LIQ_MAX_FIELDS];
    long col[LIQ_N_COLS] = {-1, -1, -1, -1, -1};
    char *line = NULL;
    size_t line_cap = 0, capacity = 0, n_header = 0, number = 0;
    int rc = LIQ_OK;
    ssize_t len;
    while (rc == LIQ_OK && (len = getline(&line, &line_cap, f)) >= 0) {
        number++;
        if (strchr(line, '"') != NULL) {
            rc = liq_error_set(LIQ_EINVAL,
                               "%s:%zu: a quoted field; expected plain comma-separated values",
                               path, number);
            break;
        }
        const size_t n = liq_split(line, fields, LIQ_MAX_FIELDS);
        if (number == 1) {
            n_header = n < LIQ_MAX_FIELDS ? n : LIQ_MAX_FIELDS;
            for (size_t k = 0; k < n_header; k++) {
                for (int c = 0; c < LIQ_N_COLS; c++) {
                    if (strcmp(fields[k], liq_col_names[c]) == 0) {
                        col[c] = (long)k;
                    }
                }
            }
            for (int c = 0; c <= LIQ_COL_SIZE && rc == LIQ_OK; c++) {
                if (col[c] < 0) {
                    rc = liq_error_set(LIQ_EINVAL,
                                       "%s:1: header: no column '%s'; expected columns asset, "
                                       "side, position_size (entry_price and leverage_ratio "
                                       "optional)",
                                       path, liq_col_names[c]);
                }
            }
            continue;
        }
        if (n == 1 && fields[0][0] == '\0') {
            continue; /* a blank line */
        }
        if (n != n_header) {
            rc = liq_error_set(LIQ_EINVAL, "%s:%zu: %zu fields; expected %zu as in the header",
                               path, number, n, n_header);
            break;
        }
        double size = 0.0, entry = NAN, lev = NAN;
        rc = liq_field_number(path, number, "position_size", fields[col[LIQ_COL_SIZE]], true, false,
                              &size);
        if (rc != LIQ_OK || size == 0.0) {
            continue; /* a closed position: nothing open to simulate */
        }
        const char *asset = fields[col[LIQ_COL_ASSET]];
        int32_t market = -1;
        for (size_t m = 0; m < protocol->n_perp_markets; m++) {
            if (strcmp(sc->assets[protocol->perp_markets[m].asset].name, asset) == 0) {
                market = (int32_t)m;
            }
        }
        if (market < 0) {
            rc = liq_error_set(LIQ_EREF,
                               "%s:%zu: asset: '%s' is not a market of protocol '%s'; expected "
                               "one of its perp markets' assets",
                               path, number, asset, protocol->name);
            break;
        }
        const char *side = fields[col[LIQ_COL_SIDE]];
        const bool is_long = strcasecmp(side, "long") == 0;
        if (!is_long && strcasecmp(side, "short") != 0) {
            rc = liq_error_set(LIQ_EINVAL, "%s:%zu: side: value '%s'; expected LONG or SHORT", path,
                               number, side);
            break;
        }
        if (col[LIQ_COL_ENTRY] >= 0) {
            rc = liq_field_number(path, number, "entry_price", fields[col[LIQ_COL_ENTRY]], false,
                                  true, &entry);
        }
        if (rc == LIQ_OK && col[LIQ_COL_LEVERAGE] >= 0) {
            rc = liq_field_number(path, number, "leverage_ratio", fields[col[LIQ_COL_LEVERAGE]],
                                  false, true, &lev);
        }
        if (rc == LIQ_OK && isnan(lev)) {
            lev = leverage;
            if (isnan(lev)) {
                rc = liq_error_set(LIQ_EINVAL,
                                   "%s:%zu: leverage_ratio: empty or absent; expected a number "
                                   "> 0, or the scenario key positions.leverage for such rows",
                                   path, number);
            }
        }
        if (rc == LIQ_OK) {
            rc = liq_perp_rows_push(out, &capacity);
        }
        if (rc == LIQ_OK) {
            out->market[out->count] = market;
            out->size[out->count] = is_long ? size : -size;
            out->entry[out->count] = entry;
            out->leverage[out->count] = lev;
            out->count++;
        }
    }
    free(line);
    fclose(f);
    if (rc == LIQ_OK && number == 0) {
        rc = liq_error_set(LIQ_EINVAL, "%s: empty file; expected a header line", path);
    }
    if (rc != LIQ_OK) {
        liq_perp_rows_free(out);
    }
    return rc;
}
