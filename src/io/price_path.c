/*
 * The price-path CSV reader (price_path.h). A path of 10^6 rounds is read
 * once per scenario; the text is fed to libcsv one physical line at a time
 * so that every message can name its line, and the field number is the
 * column a spreadsheet shows.
 */
#define _POSIX_C_SOURCE 200809L

#include "io/price_path.h"

#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/yaml_read.h"
#include "liqnet/error.h"
#include "model/scenario_facts.h"

/* Name lists in messages stop after this many bytes ("..." follows). */
#define LIQ_NAME_LIST_MAX 200

/* State of one path CSV parse, shared with libcsv's callbacks. */
typedef struct {
    const liq_scenario_t *sc;
    const char *scenario_file; /* for out-of-memory messages */
    const char *path;          /* resolved path, for messages */
    size_t line;               /* 1-based physical line being fed to libcsv */
    size_t record;             /* records completed (0: in the header) */
    size_t field;              /* 0-based field within the current record */
    int rc;                    /* first error; later callbacks do nothing */
    bool done;                 /* a row beyond `rounds` was seen: ignore the rest */
    size_t n_cols;             /* header fields, "round" included */
    size_t col_capacity;
    int32_t *col_asset; /* asset of each column; col_asset[0] unused */
    size_t n_rows;      /* data rows kept (rounds 0..n_rows-1) */
    size_t row_capacity;
    double *prices; /* n_rows x (n_cols - 1), row-major */
    double *row;    /* the row being read, n_cols - 1 prices */
} liq_path_csv_t;

static int liq_csv_nomem(liq_path_csv_t *c)
{
    c->rc =
        liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario", c->scenario_file);
    return c->rc;
}

static int liq_csv_error(liq_path_csv_t *c, int code, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "PATH:LINE:FIELD: KEY: message": for CSV the column is the 1-based field
 * number, which is what a spreadsheet shows. */
static int liq_csv_error(liq_path_csv_t *c, int code, const char *key, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    c->rc = liq_error_set(code, "%s:%zu:%zu: %s: %s", c->path, c->line, c->field + 1, key, what);
    return c->rc;
}

static const char *liq_csv_key(const liq_path_csv_t *c)
{
    if (c->field == 0) {
        return "round";
    }
    return c->sc->assets[c->col_asset[c->field]].name;
}

static void liq_csv_header_field(liq_path_csv_t *c, const char *text, const char *shown)
{
    const liq_scenario_t *sc = c->sc;
    if (c->field == 0) {
        if (strcmp(text, "round") != 0) {
            liq_csv_error(c, LIQ_EINVAL, "header", "first column is '%s'; expected round", shown);
        }
        return;
    }
    const int32_t asset = liq_scenario_asset_index(sc, text);
    if (asset < 0) {
        char list[LIQ_NAME_LIST_MAX];
        liq_scenario_names(list, sizeof(list), sc->assets, sizeof(*sc->assets), sc->n_assets);
        liq_csv_error(c, LIQ_EREF, "header", "no asset named '%s'; defined assets: %s", shown,
                      list);
        return;
    }
    const int32_t issuer = liq_scenario_issuer(sc, sc->n_protocols, asset);
    if (issuer >= 0) {
        liq_csv_error(c, LIQ_EINVAL, "header",
                      "column '%s': the asset is issued by protocol '%s' and its price follows "
                      "the issuer's solvency; expected an asset that no protocol issues",
                      shown, sc->protocols[issuer].name);
        return;
    }
    for (size_t k = 1; k < c->field; k++) {
        if (c->col_asset[k] == asset) {
            liq_csv_error(c, LIQ_EINVAL, "header",
                          "column '%s' repeats column %zu; expected each asset once", shown, k + 1);
            return;
        }
    }
    if (c->field >= c->col_capacity) {
        const size_t capacity = c->col_capacity > 0 ? 2 * c->col_capacity : 8;
        int32_t *grown = realloc(c->col_asset, capacity * sizeof(*grown));
        if (grown == NULL) {
            c->rc = liq_csv_nomem(c);
            return;
        }
        c->col_asset = grown;
        c->col_capacity = capacity;
    }
    c->col_asset[c->field] = asset;
}

static void liq_csv_data_field(liq_path_csv_t *c, const char *text, const char *shown)
{
    if (c->field >= c->n_cols) {
        liq_csv_error(c, LIQ_EINVAL, "row",
                      "more fields than the header's %zu; expected one "
                      "price per header column",
                      c->n_cols);
        return;
    }
    double v = 0.0;
    bool is_nan = false;
    const bool number = liq_yparse_double(text, &v, &is_nan);
    if (c->field == 0) {
        const double expected_round = (double)(c->record - 1);
        if (!number || v != expected_round) {
            liq_csv_error(c, LIQ_EINVAL, "round",
                          "'%s' is not the next round; expected %zu "
                          "(rounds run 0, 1, 2, ... one per row)",
                          shown, c->record - 1);
            return;
        }
        if (v > (double)c->sc->rounds) {
            c->done = true; /* rows beyond the run are not needed */
        }
        return;
    }
    const char *key = liq_csv_key(c);
    if (is_nan || (number && isinf(v))) {
        liq_csv_error(c, LIQ_EINVAL, key, "value %s is not finite; expected a finite price > 0",
                      shown);
    } else if (!number) {
        liq_csv_error(c, LIQ_EINVAL, key, "'%s' is not a number; expected a finite price > 0",
                      shown);
    } else if (!(v > 0.0)) {
        liq_csv_error(c, LIQ_EINVAL, key, "value %s is %s; expected a finite price > 0", shown,
                      v < 0.0 ? "negative" : "zero");
    } else {
        c->row[c->field - 1] = v;
    }
}

static void liq_csv_on_field(void *data, size_t len, void *ctx)
{
    liq_path_csv_t *c = ctx;
    if (c->rc != LIQ_OK || c->done) {
        return;
    }
    /* Messages quote a field, so they get a copy that is short and on one
     * line; the checks use the field itself. */
    const char *field = data != NULL ? data : "";
    char shown[64];
    size_t n = 0;
    for (; n < len && n < 48; n++) {
        const unsigned char ch = (unsigned char)field[n];
        shown[n] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (n < len) {
        memcpy(shown + n, "...", 3);
        n += 3;
    }
    shown[n] = '\0';
    if (c->record == 0) {
        liq_csv_header_field(c, field, shown);
    } else {
        liq_csv_data_field(c, field, shown);
    }
    c->field++;
}

static void liq_csv_on_record(int terminator, void *ctx)
{
    liq_path_csv_t *c = ctx;
    (void)terminator;
    if (c->rc != LIQ_OK || c->done) {
        return;
    }
    if (c->record == 0) {
        c->n_cols = c->field;
        if (c->n_cols < 2) {
            c->field = 0;
            liq_csv_error(c, LIQ_EINVAL, "header",
                          "no asset columns; expected round,<asset>,<asset>...");
            return;
        }
        c->row = calloc(c->n_cols - 1, sizeof(*c->row));
        if (c->row == NULL) {
            c->rc = liq_csv_nomem(c);
            return;
        }
    } else if (c->field != c->n_cols) {
        liq_csv_error(c, LIQ_EINVAL, "row", "%zu fields; expected %zu as in the header", c->field,
                      c->n_cols);
        return;
    } else {
        const size_t width = c->n_cols - 1;
        if (c->n_rows == c->row_capacity) {
            const size_t capacity = c->row_capacity > 0 ? 2 * c->row_capacity : 64;
            double *grown = realloc(c->prices, capacity * width * sizeof(*grown));
            if (grown == NULL) {
                c->rc = liq_csv_nomem(c);
                return;
            }
            c->prices = grown;
            c->row_capacity = capacity;
        }
        memcpy(c->prices + c->n_rows * width, c->row, width * sizeof(*c->row));
        c->n_rows++;
    }
    c->record++;
    c->field = 0;
}

/* Feeds the file to libcsv one physical line at a time, so that callbacks
 * know the line they are on (libcsv itself counts no lines). */
static void liq_csv_feed(struct csv_parser *parser, liq_path_csv_t *c, const char *text, size_t len)
{
    size_t start = 0;
    c->line = 1;
    while (start < len && c->rc == LIQ_OK && !c->done) {
        const char *nl = memchr(text + start, '\n', len - start);
        const size_t end = nl != NULL ? (size_t)(nl - text) + 1 : len;
        if (csv_parse(parser, text + start, end - start, liq_csv_on_field, liq_csv_on_record, c) !=
            end - start) {
            if (c->rc == LIQ_OK) {
                c->field = 0;
                liq_csv_error(c, LIQ_EPARSE, "csv", "CSV syntax error: %s",
                              csv_strerror(csv_error(parser)));
            }
            return;
        }
        start = end;
        if (nl != NULL && start < len) {
            c->line++;
        }
    }
    if (c->rc == LIQ_OK && !c->done &&
        csv_fini(parser, liq_csv_on_field, liq_csv_on_record, c) != 0 && c->rc == LIQ_OK) {
        c->field = 0;
        liq_csv_error(c, LIQ_EPARSE, "csv", "CSV syntax error: %s",
                      csv_strerror(csv_error(parser)));
    }
}

int liq_price_path_parse(liq_price_path_t *out, const char *text, size_t len, const char *path,
                         const liq_scenario_t *sc, const char *scenario_file)
{
    memset(out, 0, sizeof(*out));
    liq_path_csv_t c = {.sc = sc, .scenario_file = scenario_file, .path = path};
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        return liq_csv_nomem(&c);
    }
    /* Spreadsheets often start a CSV file with a UTF-8 byte order mark. */
    const size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    liq_csv_feed(&parser, &c, text + bom, len - bom);
    int rc = c.rc;
    csv_free(&parser);
    if (rc == LIQ_OK && c.record == 0) {
        c.line = 1;
        c.field = 0;
        rc = liq_csv_error(&c, LIQ_EINVAL, "header",
                           "the file is empty; expected a header round,<asset>,<asset>...");
    } else if (rc == LIQ_OK && c.n_rows == 0) {
        c.field = 0;
        rc = liq_csv_error(&c, LIQ_EINVAL, "round",
                           "no data rows; expected a row for round 0, then 1, 2, ...");
    }
    free(c.row);
    if (rc != LIQ_OK) {
        free(c.col_asset);
        free(c.prices);
        return rc;
    }
    /* Column 0 is the round: the asset columns are 1 .. n_cols - 1. */
    memmove(c.col_asset, c.col_asset + 1, (c.n_cols - 1) * sizeof(*c.col_asset));
    out->n_assets = c.n_cols - 1;
    out->asset = c.col_asset;
    out->n_rows = c.n_rows;
    out->price = c.prices;
    return LIQ_OK;
}

void liq_price_path_release(liq_price_path_t *path)
{
    free(path->asset);
    free(path->price);
    memset(path, 0, sizeof(*path));
}
