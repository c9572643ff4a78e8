/*
 * Positions files: accounts read from CSV or HDF5 tables of
 * (protocol, collateral_asset, collateral, debt), one row per account, and
 * an optional `account` column whose ids group rows into cross-margin
 * accounts (docs/scenario.md, "Positions files"; include/liqnet/io.h).
 *
 * Workload: files of up to 10^8 rows naming a few protocols and markets.
 * Both formats are streamed (CSV in 64 KiB blocks, HDF5 in blocks of 64 Ki
 * rows) so memory is the output table plus a constant; protocol names are
 * found through a hash table built once per load, so a row costs O(1) plus
 * a scan of that protocol's few markets. Every error names the file, the
 * row (CSV line, or HDF5 index) and the column, with the value and what was
 * expected; the first error stops the load.
 */
#define _POSIX_C_SOURCE 200809L

#include "liqnet/io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <hdf5.h>

#include "liqnet/error.h"

enum {
    LIQ_COL_PROTOCOL = 0,
    LIQ_COL_ASSET = 1,
    LIQ_COL_COLLATERAL = 2,
    LIQ_COL_DEBT = 3,
    LIQ_COL_ACCOUNT = 4 /* optional: groups rows into cross-margin accounts */
};
#define LIQ_N_REQUIRED 4
#define LIQ_N_COLS 5

static const char *const liq_col_names[LIQ_N_COLS] = {"protocol", "collateral_asset", "collateral",
                                                      "debt", "account"};
#define LIQ_ACCOUNT_EXPECTED "expected an integer >= 0, or empty for an isolated account"
#define LIQ_COLS_TEXT "protocol, collateral_asset, collateral, debt"
#define LIQ_AMOUNT_EXPECTED "expected a finite number >= 0"

#define LIQ_CSV_BLOCK 65536
#define LIQ_H5_BLOCK_ROWS 65536
/* Room for the list of known names in a message (the message buffer of
 * error.c holds 1024 bytes in all). */
#define LIQ_NAME_LIST_MAX 512

/* ------------------------------------------------------------ the loader */

/* Where a cross-margin row came from, to name it in the check for a
 * collateral asset repeated within one account (liq_check_cross). */
typedef struct {
    size_t row;    /* index in the table */
    size_t line;   /* CSV line, or HDF5 index */
    size_t source; /* positions source of the scenario */
} liq_cross_origin_t;

typedef struct {
    const liq_scenario_t *sc;
    liq_positions_t *out;
    size_t capacity; /* rows allocated in out */
    int32_t *hash;   /* protocol index per slot, -1 empty; hash_mask + 1 slots */
    size_t hash_mask;
    size_t source;              /* the source being read */
    liq_cross_origin_t *origin; /* [n_cross] the cross rows, in table order */
    size_t n_cross, cross_capacity;
} liq_loader_t;

static int liq_nomem(const char *path)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory reading positions", path);
}

/* FNV-1a: short names, no adversary; good enough spread for a table at
 * most half full. */
static uint64_t liq_hash_name(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static int liq_loader_init(liq_loader_t *ld, const liq_scenario_t *sc)
{
    memset(ld, 0, sizeof(*ld));
    ld->sc = sc;
    size_t slots = 16;
    while (slots < 2 * sc->n_protocols) {
        slots *= 2;
    }
    ld->hash = malloc(slots * sizeof(*ld->hash));
    ld->out = calloc(1, sizeof(*ld->out));
    if (ld->hash == NULL || ld->out == NULL) {
        return LIQ_ENOMEM;
    }
    ld->hash_mask = slots - 1;
    for (size_t k = 0; k < slots; k++) {
        ld->hash[k] = -1;
    }
    for (size_t p = 0; p < sc->n_protocols; p++) {
        const char *name = sc->protocols[p].name != NULL ? sc->protocols[p].name : "";
        size_t k = (size_t)liq_hash_name(name) & ld->hash_mask;
        while (ld->hash[k] >= 0 && strcmp(sc->protocols[ld->hash[k]].name, name) != 0) {
            k = (k + 1) & ld->hash_mask;
        }
        if (ld->hash[k] < 0) { /* the first of repeated names wins, as in the reader */
            ld->hash[k] = (int32_t)p;
        }
    }
    return LIQ_OK;
}

static int32_t liq_find_protocol(const liq_loader_t *ld, const char *name)
{
    size_t k = (size_t)liq_hash_name(name) & ld->hash_mask;
    while (ld->hash[k] >= 0) {
        if (strcmp(ld->sc->protocols[ld->hash[k]].name, name) == 0) {
            return ld->hash[k];
        }
        k = (k + 1) & ld->hash_mask;
    }
    return -1;
}

/* The market of protocol p whose collateral asset is named `asset`, or -1. */
static int32_t liq_find_market(const liq_loader_t *ld, int32_t p, const char *asset)
{
    const liq_protocol_config_t *proto = &ld->sc->protocols[p];
    for (size_t m = 0; m < proto->n_markets; m++) {
        const char *name = ld->sc->assets[proto->markets[m].asset].name;
        if (name != NULL && strcmp(name, asset) == 0) {
            return (int32_t)m;
        }
    }
    return -1;
}

static void liq_list_append(char *buf, size_t size, size_t *len, const char *name)
{
    if (*len + 4 >= size) {
        return;
    }
    const int n = snprintf(buf + *len, size - *len, "%s%s", *len > 0 ? ", " : "", name);
    if (n < 0 || (size_t)n >= size - *len - 4) {
        /* cut: end the list with an ellipsis that still fits */
        snprintf(buf + (*len < size - 4 ? *len : size - 4), 4, "...");
        *len = size;
        return;
    }
    *len += (size_t)n;
}

static void liq_protocol_list(const liq_loader_t *ld, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t p = 0; p < ld->sc->n_protocols; p++) {
        liq_list_append(buf, size, &len, ld->sc->protocols[p].name);
    }
    if (len == 0) {
        snprintf(buf, size, "(none)");
    }
}

static void liq_market_list(const liq_loader_t *ld, int32_t p, char *buf, size_t size)
{
    const liq_protocol_config_t *proto = &ld->sc->protocols[p];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t m = 0; m < proto->n_markets; m++) {
        liq_list_append(buf, size, &len, ld->sc->assets[proto->markets[m].asset].name);
    }
    if (len == 0) {
        snprintf(buf, size, "(none)");
    }
}

/* Resolves the two names of a row; `where` is "PATH:LINE: column" for CSV
 * and "PATH: " + dataset[index] for HDF5, so both formats share wording. */
typedef struct {
    const char *path;
    bool csv;   /* where = "PATH:LINE: column 'X'" (else "PATH: X[ROW]") */
    size_t row; /* CSV line, or HDF5 index */
} liq_where_t;

static int liq_row_error(const liq_where_t *at, int code, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int liq_row_error(const liq_where_t *at, int code, int col, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (at->csv) {
        return liq_error_set(code, "%s:%zu: column '%s': %s", at->path, at->row, liq_col_names[col],
                             what);
    }
    return liq_error_set(code, "%s: %s[%zu]: %s", at->path, liq_col_names[col], at->row, what);
}

static int liq_resolve(const liq_loader_t *ld, const liq_where_t *at, const char *protocol,
                       const char *asset, int32_t *p_out, int32_t *m_out)
{
    const int32_t p = liq_find_protocol(ld, protocol);
    if (p < 0) {
        char list[LIQ_NAME_LIST_MAX];
        liq_protocol_list(ld, list, sizeof(list));
        return liq_row_error(at, LIQ_EREF, LIQ_COL_PROTOCOL,
                             "no protocol named '%.64s'; defined protocols: %s", protocol, list);
    }
    const int32_t m = liq_find_market(ld, p, asset);
    if (m < 0) {
        char list[LIQ_NAME_LIST_MAX];
        liq_market_list(ld, p, list, sizeof(list));
        return liq_row_error(at, LIQ_EREF, LIQ_COL_ASSET,
                             "'%.64s' is not a collateral asset of protocol '%s'; its markets: %s",
                             asset, ld->sc->protocols[p].name, list);
    }
    *p_out = p;
    *m_out = m;
    return LIQ_OK;
}

/* Checks an amount already parsed: finite and >= 0. `shown` is the value as
 * it appears in the file. */
static int liq_check_amount(const liq_where_t *at, int col, double v, const char *shown)
{
    const char *quote = at->csv ? "'" : "";
    if (!isfinite(v)) {
        return liq_row_error(at, LIQ_EINVAL, col,
                             "value %s%s%s is not finite; " LIQ_AMOUNT_EXPECTED, quote, shown,
                             quote);
    }
    if (v < 0.0) {
        return liq_row_error(at, LIQ_EINVAL, col, "value %s%s%s is negative; " LIQ_AMOUNT_EXPECTED,
                             quote, shown, quote);
    }
    return LIQ_OK;
}

/* Makes room for `more` rows. */
static int liq_reserve(liq_loader_t *ld, size_t more, const char *path)
{
    liq_positions_t *t = ld->out;
    if (t->count + more <= ld->capacity) {
        return LIQ_OK;
    }
    size_t capacity = ld->capacity > 0 ? ld->capacity : 1024;
    while (capacity < t->count + more) {
        capacity *= 2;
    }
    int32_t *protocol = realloc(t->protocol, capacity * sizeof(*protocol));
    if (protocol != NULL) {
        t->protocol = protocol;
    }
    int32_t *market = realloc(t->market, capacity * sizeof(*market));
    if (market != NULL) {
        t->market = market;
    }
    double *collateral = realloc(t->collateral, capacity * sizeof(*collateral));
    if (collateral != NULL) {
        t->collateral = collateral;
    }
    double *debt = realloc(t->debt, capacity * sizeof(*debt));
    if (debt != NULL) {
        t->debt = debt;
    }
    int64_t *account = NULL;
    if (t->account != NULL) {
        account = realloc(t->account, capacity * sizeof(*account));
        if (account != NULL) {
            t->account = account;
        }
    }
    if (protocol == NULL || market == NULL || collateral == NULL || debt == NULL ||
        (t->account != NULL && account == NULL)) {
        return liq_nomem(path);
    }
    ld->capacity = capacity;
    return LIQ_OK;
}

/* The account column exists from the first file that has it on; earlier
 * rows are isolated accounts. */
static int liq_enable_accounts(liq_loader_t *ld, const char *path)
{
    liq_positions_t *t = ld->out;
    if (t->account != NULL) {
        return LIQ_OK;
    }
    t->account = malloc((ld->capacity > 0 ? ld->capacity : 1) * sizeof(*t->account));
    if (t->account == NULL) {
        return liq_nomem(path);
    }
    for (size_t k = 0; k < t->count; k++) {
        t->account[k] = -1;
    }
    return LIQ_OK;
}

/* Records where cross row `row` came from. */
static int liq_note_cross(liq_loader_t *ld, size_t row, size_t line, const char *path)
{
    if (ld->n_cross == ld->cross_capacity) {
        const size_t capacity = ld->cross_capacity > 0 ? 2 * ld->cross_capacity : 1024;
        liq_cross_origin_t *grown = realloc(ld->origin, capacity * sizeof(*grown));
        if (grown == NULL) {
            return liq_nomem(path);
        }
        ld->origin = grown;
        ld->cross_capacity = capacity;
    }
    ld->origin[ld->n_cross++] = (liq_cross_origin_t){row, line, ld->source};
    return LIQ_OK;
}

/* ------------------------------------------------------------------- CSV */

typedef struct {
    char *text;
    size_t len, capacity;
} liq_text_t;

typedef struct {
    liq_loader_t *ld;
    const char *path;
    size_t line;                  /* 1-based physical line being fed to libcsv */
    size_t record;                /* records completed (0: in the header) */
    size_t field;                 /* 0-based field within the current record */
    int rc;                       /* first error; later callbacks do nothing */
    int col_of_field[LIQ_N_COLS]; /* header: column of each field */
    size_t n_fields;              /* fields of the header: 4, or 5 with `account` */
    liq_text_t value[LIQ_N_COLS]; /* data row: text of each column */
} liq_csv_t;

/* A copy of a field for messages: at most 48 bytes, control characters
 * replaced, so the message stays one short line. */
static void liq_shown(char *shown, const char *field, size_t len)
{
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
}

static int liq_header_error(liq_csv_t *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int liq_header_error(liq_csv_t *c, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    c->rc = liq_error_set(LIQ_EKEY, "%s:%zu: header: %s", c->path, c->line, what);
    return c->rc;
}

static void liq_csv_header_field(liq_csv_t *c, const char *text, size_t len)
{
    char shown[64];
    liq_shown(shown, text, len);
    int col = -1;
    for (int k = 0; k < LIQ_N_COLS; k++) {
        if (strcmp(text, liq_col_names[k]) == 0) {
            col = k;
        }
    }
    if (col < 0) {
        liq_header_error(c, "unknown column '%s'; expected the columns " LIQ_COLS_TEXT, shown);
        return;
    }
    /* Past the fifth field every known name is a repeat: the first five
     * were distinct known names, or loading has stopped already. */
    for (size_t k = 0; k < c->field; k++) {
        if (k >= LIQ_N_COLS || c->col_of_field[k] == col) {
            liq_header_error(
                c, "column '%s' appears twice; expected each of " LIQ_COLS_TEXT " once", shown);
            return;
        }
    }
    c->col_of_field[c->field] = col; /* field < LIQ_N_COLS here */
}

static void liq_csv_on_field(void *data, size_t len, void *ctx)
{
    liq_csv_t *c = ctx;
    if (c->rc != LIQ_OK) {
        return;
    }
    const char *text = data != NULL ? data : "";
    if (c->record == 0) {
        liq_csv_header_field(c, text, len);
    } else if (c->field < c->n_fields) {
        /* Copied, because libcsv reuses its buffer; the buffers only grow. */
        liq_text_t *v = &c->value[c->col_of_field[c->field]];
        if (len + 1 > v->capacity) {
            const size_t capacity = len + 1 > 64 ? len + 1 : 64;
            char *grown = realloc(v->text, capacity);
            if (grown == NULL) {
                c->rc = liq_nomem(c->path);
                return;
            }
            v->text = grown;
            v->capacity = capacity;
        }
        memcpy(v->text, text, len);
        v->text[len] = '\0';
        v->len = len;
    }
    c->field++;
}

/* Parses an amount: the whole field must be a decimal number (strtod's
 * hexadecimal forms are refused); inf and nan parse, to be refused as not
 * finite by the caller. */
static bool liq_parse_amount(const char *text, double *out)
{
    if (text[0] == '\0' || strchr(text, 'x') != NULL || strchr(text, 'X') != NULL) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    const double v = strtod(text, &end);
    if (end == text || *end != '\0') {
        return false;
    }
    *out = v; /* overflow gives +-HUGE_VAL: refused as not finite */
    return true;
}

/* Parses an account id: empty is -1 (an isolated account), else decimal
 * digits of an integer below 2^63. */
static bool liq_parse_account(const char *text, int64_t *out)
{
    if (text[0] == '\0') {
        *out = -1;
        return true;
    }
    int64_t v = 0;
    for (const char *s = text; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10) {
            return false;
        }
        v = 10 * v + (*s - '0');
    }
    *out = v;
    return true;
}

static void liq_csv_row(liq_csv_t *c)
{
    const liq_where_t at = {.path = c->path, .csv = true, .row = c->line};
    double amount[LIQ_N_COLS] = {0.0, 0.0, 0.0, 0.0, 0.0};
    int64_t account = -1;
    int32_t p = -1, m = -1;
    /* Columns are checked in the order of the file, so the first bad field
     * of the row is the one reported. */
    bool names_done = false;
    for (size_t f = 0; f < c->n_fields; f++) {
        const int col = c->col_of_field[f];
        const liq_text_t *v = &c->value[col];
        if (col == LIQ_COL_ACCOUNT) {
            if (!liq_parse_account(v->text, &account)) {
                char shown[64];
                liq_shown(shown, v->text, v->len);
                c->rc =
                    liq_row_error(&at, LIQ_EINVAL, col,
                                  "value '%s' is not an account id; " LIQ_ACCOUNT_EXPECTED, shown);
            }
        } else if (col == LIQ_COL_PROTOCOL || col == LIQ_COL_ASSET) {
            if (!names_done) {
                names_done = true;
                /* The market depends on both names; resolving them together
                 * still reports the protocol before the asset. */
                c->rc = liq_resolve(c->ld, &at, c->value[LIQ_COL_PROTOCOL].text,
                                    c->value[LIQ_COL_ASSET].text, &p, &m);
            }
        } else {
            char shown[64];
            liq_shown(shown, v->text, v->len);
            if (!liq_parse_amount(v->text, &amount[col])) {
                c->rc = liq_row_error(&at, LIQ_EINVAL, col,
                                      "value '%s' is not a number; " LIQ_AMOUNT_EXPECTED, shown);
            } else {
                c->rc = liq_check_amount(&at, col, amount[col], shown);
            }
        }
        if (c->rc != LIQ_OK) {
            return;
        }
    }
    c->rc = liq_reserve(c->ld, 1, c->path);
    if (c->rc != LIQ_OK) {
        return;
    }
    liq_positions_t *t = c->ld->out;
    t->protocol[t->count] = p;
    t->market[t->count] = m;
    t->collateral[t->count] = amount[LIQ_COL_COLLATERAL];
    t->debt[t->count] = amount[LIQ_COL_DEBT];
    if (t->account != NULL) {
        t->account[t->count] = account;
        if (account >= 0) {
            c->rc = liq_note_cross(c->ld, t->count, c->line, c->path);
            if (c->rc != LIQ_OK) {
                return;
            }
        }
    }
    t->count++;
}

static void liq_csv_on_record(int terminator, void *ctx)
{
    liq_csv_t *c = ctx;
    (void)terminator;
    if (c->rc != LIQ_OK) {
        return;
    }
    if (c->record == 0) {
        bool seen[LIQ_N_COLS] = {false, false, false, false, false};
        for (size_t f = 0; f < c->field; f++) {
            seen[c->col_of_field[f]] = true;
        }
        for (int k = 0; k < LIQ_N_REQUIRED; k++) {
            if (!seen[k]) {
                liq_header_error(c, "missing column '%s'; expected the columns " LIQ_COLS_TEXT,
                                 liq_col_names[k]);
                return;
            }
        }
        c->n_fields = c->field;
        if (seen[LIQ_COL_ACCOUNT]) {
            c->rc = liq_enable_accounts(c->ld, c->path);
            if (c->rc != LIQ_OK) {
                return;
            }
        }
    } else if (c->field != c->n_fields) {
        c->rc =
            liq_error_set(LIQ_EPARSE, "%s:%zu: row has %zu fields; expected %zu as in the header",
                          c->path, c->line, c->field, c->n_fields);
        return;
    } else {
        liq_csv_row(c);
    }
    c->record++;
    c->field = 0;
}

/* Feeds a block to libcsv one physical line at a time, so that callbacks
 * know the line they are on (libcsv itself counts no lines). `newline`
 * carries "the last segment fed ended a line" across blocks. */
static void liq_csv_feed(struct csv_parser *parser, liq_csv_t *c, const char *text, size_t len,
                         bool *newline)
{
    size_t start = 0;
    while (start < len && c->rc == LIQ_OK) {
        if (*newline) {
            c->line++;
            *newline = false;
        }
        const char *nl = memchr(text + start, '\n', len - start);
        const size_t end = nl != NULL ? (size_t)(nl - text) + 1 : len;
        if (csv_parse(parser, text + start, end - start, liq_csv_on_field, liq_csv_on_record, c) !=
            end - start) {
            if (c->rc == LIQ_OK) {
                c->rc = liq_error_set(LIQ_EPARSE, "%s:%zu: CSV syntax error: %s", c->path, c->line,
                                      csv_strerror(csv_error(parser)));
            }
            return;
        }
        *newline = nl != NULL;
        start = end;
    }
}

static int liq_load_csv(liq_loader_t *ld, const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return liq_error_set(LIQ_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    liq_csv_t c = {.ld = ld, .path = path, .line = 1};
    struct csv_parser parser;
    char *block = malloc(LIQ_CSV_BLOCK);
    if (block == NULL) {
        fclose(file);
        return liq_nomem(path);
    }
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(block);
        fclose(file);
        return liq_nomem(path);
    }
    bool newline = false;
    bool first = true;
    while (c.rc == LIQ_OK) {
        const size_t n = fread(block, 1, LIQ_CSV_BLOCK, file);
        if (n == 0) {
            if (ferror(file)) {
                c.rc = liq_error_set(LIQ_EIO, "%s: cannot read: %s", path, strerror(errno));
            }
            break;
        }
        /* Spreadsheets often start a CSV file with a UTF-8 byte order mark. */
        const size_t bom = first && n >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        first = false;
        liq_csv_feed(&parser, &c, block + bom, n - bom, &newline);
    }
    if (c.rc == LIQ_OK && csv_fini(&parser, liq_csv_on_field, liq_csv_on_record, &c) != 0 &&
        c.rc == LIQ_OK) {
        c.rc = liq_error_set(LIQ_EPARSE, "%s:%zu: CSV syntax error: %s", path, c.line,
                             csv_strerror(csv_error(&parser)));
    }
    if (c.rc == LIQ_OK && c.record == 0) {
        c.line = 1;
        liq_header_error(&c, "the file is empty; expected the header line "
                             "protocol,collateral_asset,collateral,debt");
    }
    csv_free(&parser);
    for (int k = 0; k < LIQ_N_COLS; k++) {
        free(c.value[k].text);
    }
    free(block);
    fclose(file);
    return c.rc;
}

/* ------------------------------------------------------------------ HDF5 */

static herr_t liq_h5_innermost(unsigned n, const H5E_error2_t *err, void *data)
{
    /* Position 0 of an upward walk is the most specific entry. */
    if (n == 0 && err->desc != NULL) {
        snprintf(data, 256, "%s", err->desc);
    }
    return 0;
}

/* "PATH: HDF5 error: WHAT: innermost HDF5 message", LIQ_EHDF5. */
static int liq_h5_fail(const char *path, const char *what, const char *dataset)
{
    char detail[256] = "";
    (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, liq_h5_innermost, detail);
    return liq_error_set(LIQ_EHDF5, "%s: HDF5 error: %s%s%s%s%s%s", path, what,
                         dataset != NULL ? " '" : "", dataset != NULL ? dataset : "",
                         dataset != NULL ? "'" : "", detail[0] != '\0' ? ": " : "", detail);
}

/* The kind of an HDF5 type, for messages. */
static void liq_h5_type_name(hid_t type, char *buf, size_t size)
{
    const H5T_class_t cls = H5Tget_class(type);
    const size_t bits = 8 * H5Tget_size(type);
    switch (cls) {
    case H5T_INTEGER:
        snprintf(buf, size, "%zu-bit integer", bits);
        break;
    case H5T_FLOAT:
        snprintf(buf, size, "float%zu", bits);
        break;
    case H5T_STRING:
        snprintf(buf, size, "string");
        break;
    default:
        snprintf(buf, size, "HDF5 type class %d", (int)cls);
        break;
    }
}

typedef struct {
    hid_t ds[LIQ_N_COLS];
    hid_t ftype[LIQ_N_COLS];
    hid_t memtype[2]; /* protocol and collateral_asset, as read */
    bool vlen[2];
    size_t fixed_size[2]; /* bytes per fixed-length string in memory, NUL included */
} liq_h5_columns_t;

/* Opens the optional `account` dataset, if there is one: 1-D integers of
 * `rows` entries. */
static int liq_h5_open_account(liq_h5_columns_t *cols, hid_t file, const char *path, hsize_t rows)
{
    const char *name = liq_col_names[LIQ_COL_ACCOUNT];
    const htri_t exists = H5Lexists(file, name, H5P_DEFAULT);
    if (exists < 0) {
        return liq_h5_fail(path, "cannot look up dataset", name);
    }
    if (exists == 0) {
        return LIQ_OK;
    }
    hid_t *ds = &cols->ds[LIQ_COL_ACCOUNT];
    *ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (*ds < 0) {
        return liq_error_set(LIQ_EINVAL, "%s: '%s' is not a dataset; expected a 1-D dataset", path,
                             name);
    }
    cols->ftype[LIQ_COL_ACCOUNT] = H5Dget_type(*ds);
    if (cols->ftype[LIQ_COL_ACCOUNT] < 0) {
        return liq_h5_fail(path, "cannot get the type of dataset", name);
    }
    if (H5Tget_class(cols->ftype[LIQ_COL_ACCOUNT]) != H5T_INTEGER) {
        char type[64];
        liq_h5_type_name(cols->ftype[LIQ_COL_ACCOUNT], type, sizeof(type));
        return liq_error_set(LIQ_EINVAL,
                             "%s: dataset '%s' is %s; expected integers (-1 for an isolated "
                             "account)",
                             path, name, type);
    }
    const hid_t space = H5Dget_space(*ds);
    if (space < 0) {
        return liq_h5_fail(path, "cannot get the dataspace of", name);
    }
    const int rank = H5Sget_simple_extent_ndims(space);
    hsize_t n = 0;
    if (rank == 1 && H5Sget_simple_extent_dims(space, &n, NULL) < 0) {
        H5Sclose(space);
        return liq_h5_fail(path, "cannot get the shape of", name);
    }
    H5Sclose(space);
    if (rank != 1) {
        return liq_error_set(LIQ_EINVAL, "%s: dataset '%s' has rank %d; expected 1-D", path, name,
                             rank);
    }
    if (n != rows) {
        return liq_error_set(
            LIQ_EINVAL, "%s: dataset '%s' has %llu rows; expected %llu like dataset '%s'", path,
            name, (unsigned long long)n, (unsigned long long)rows, liq_col_names[0]);
    }
    return LIQ_OK;
}

/* Opens the four datasets (and `account` if present) and checks type, rank
 * and length; *rows = length. */
static int liq_h5_open_columns(liq_h5_columns_t *cols, hid_t file, const char *path, hsize_t *rows)
{
    for (int k = 0; k < LIQ_N_REQUIRED; k++) {
        const char *name = liq_col_names[k];
        const htri_t exists = H5Lexists(file, name, H5P_DEFAULT);
        if (exists < 0) {
            return liq_h5_fail(path, "cannot look up dataset", name);
        }
        if (exists == 0) {
            return liq_error_set(LIQ_EKEY,
                                 "%s: missing dataset '%s'; expected 1-D datasets " LIQ_COLS_TEXT
                                 " of equal length at the root",
                                 path, name);
        }
        cols->ds[k] = H5Dopen2(file, name, H5P_DEFAULT);
        if (cols->ds[k] < 0) {
            return liq_error_set(LIQ_EINVAL, "%s: '%s' is not a dataset; expected a 1-D dataset",
                                 path, name);
        }
        cols->ftype[k] = H5Dget_type(cols->ds[k]);
        if (cols->ftype[k] < 0) {
            return liq_h5_fail(path, "cannot get the type of dataset", name);
        }
        const H5T_class_t cls = H5Tget_class(cols->ftype[k]);
        const bool is_string = k == LIQ_COL_PROTOCOL || k == LIQ_COL_ASSET;
        const bool ok =
            is_string ? cls == H5T_STRING : cls == H5T_FLOAT && H5Tget_size(cols->ftype[k]) == 8;
        if (!ok) {
            char type[64];
            liq_h5_type_name(cols->ftype[k], type, sizeof(type));
            return liq_error_set(LIQ_EINVAL, "%s: dataset '%s' is %s; expected %s", path, name,
                                 type,
                                 is_string ? "strings (fixed or variable length)" : "float64");
        }
        const hid_t space = H5Dget_space(cols->ds[k]);
        if (space < 0) {
            return liq_h5_fail(path, "cannot get the dataspace of", name);
        }
        const int rank = H5Sget_simple_extent_ndims(space);
        hsize_t n = 0;
        if (rank == 1 && H5Sget_simple_extent_dims(space, &n, NULL) < 0) {
            H5Sclose(space);
            return liq_h5_fail(path, "cannot get the shape of", name);
        }
        H5Sclose(space);
        if (rank != 1) {
            return liq_error_set(LIQ_EINVAL, "%s: dataset '%s' has rank %d; expected 1-D", path,
                                 name, rank);
        }
        if (k == 0) {
            *rows = n;
        } else if (n != *rows) {
            return liq_error_set(LIQ_EINVAL,
                                 "%s: dataset '%s' has %llu rows; expected %llu like dataset "
                                 "'%s'",
                                 path, name, (unsigned long long)n, (unsigned long long)*rows,
                                 liq_col_names[0]);
        }
    }
    /* Strings are read in the file's character set (HDF5 converts no
     * ASCII <-> UTF-8), as C strings: variable length as char *, fixed
     * length NUL-terminated in a slot one byte longer than the file's. */
    for (int k = 0; k < 2; k++) {
        const hid_t ftype = cols->ftype[k];
        const htri_t vlen = H5Tis_variable_str(ftype);
        const H5T_cset_t cset = H5Tget_cset(ftype);
        const size_t size = H5Tget_size(ftype);
        cols->memtype[k] = H5Tcopy(H5T_C_S1);
        if (vlen < 0 || cset < 0 || cols->memtype[k] < 0 ||
            H5Tset_size(cols->memtype[k], vlen > 0 ? H5T_VARIABLE : size + 1) < 0 ||
            H5Tset_cset(cols->memtype[k], cset) < 0 ||
            H5Tset_strpad(cols->memtype[k], H5T_STR_NULLTERM) < 0) {
            return liq_h5_fail(path, "cannot make a memory type for", liq_col_names[k]);
        }
        cols->vlen[k] = vlen > 0;
        cols->fixed_size[k] = size + 1;
    }
    return liq_h5_open_account(cols, file, path, *rows);
}

/* Reads rows [start, start + count) of one dataset into `buf`. */
static int liq_h5_read_block(hid_t ds, hid_t memtype, hsize_t start, hsize_t count, void *buf,
                             const char *path, const char *name)
{
    const hid_t fspace = H5Dget_space(ds);
    if (fspace < 0) {
        return liq_h5_fail(path, "cannot get the dataspace of", name);
    }
    int rc = LIQ_OK;
    const hid_t mspace = H5Screate_simple(1, &count, NULL);
    if (mspace < 0) {
        rc = liq_h5_fail(path, "cannot create a memory dataspace for", name);
    } else if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0) {
        rc = liq_h5_fail(path, "cannot select rows of", name);
    } else if (H5Dread(ds, memtype, mspace, fspace, H5P_DEFAULT, buf) < 0) {
        rc = liq_h5_fail(path, "cannot read dataset", name);
    }
    if (mspace >= 0) {
        H5Sclose(mspace);
    }
    H5Sclose(fspace);
    return rc;
}

/* Frees the strings HDF5 allocated for a block of variable-length reads. */
static void liq_h5_reclaim(hid_t memtype, hsize_t count, void *buf)
{
    const hid_t space = H5Screate_simple(1, &count, NULL);
    if (space >= 0) {
        (void)H5Dvlen_reclaim(memtype, space, H5P_DEFAULT, buf);
        H5Sclose(space);
    }
}

static const char *liq_h5_string_at(const liq_h5_columns_t *cols, int k, void *buf, size_t i)
{
    if (cols->vlen[k]) {
        const char *s = ((char **)buf)[i];
        return s != NULL ? s : "";
    }
    return (const char *)buf + i * cols->fixed_size[k];
}

static int liq_h5_rows(liq_loader_t *ld, const liq_h5_columns_t *cols, const char *path,
                       hsize_t rows)
{
    const size_t block = rows < LIQ_H5_BLOCK_ROWS ? (size_t)rows : LIQ_H5_BLOCK_ROWS;
    void *strings[2] = {NULL, NULL};
    const bool has_account = cols->ds[LIQ_COL_ACCOUNT] >= 0;
    int rc = has_account ? liq_enable_accounts(ld, path) : LIQ_OK;
    if (rc == LIQ_OK) {
        rc = liq_reserve(ld, (size_t)rows, path);
    }
    for (int k = 0; k < 2 && rc == LIQ_OK && block > 0; k++) {
        const size_t width = cols->vlen[k] ? sizeof(char *) : cols->fixed_size[k];
        strings[k] = calloc(block, width);
        if (strings[k] == NULL) {
            rc = liq_nomem(path);
        }
    }
    liq_positions_t *t = ld->out;
    for (hsize_t start = 0; start < rows && rc == LIQ_OK; start += block) {
        const hsize_t count = rows - start < block ? rows - start : block;
        const size_t base = t->count;
        bool filled[2] = {false, false};
        for (int k = 0; k < 2 && rc == LIQ_OK; k++) {
            rc = liq_h5_read_block(cols->ds[k], cols->memtype[k], start, count, strings[k], path,
                                   liq_col_names[k]);
            filled[k] = rc == LIQ_OK;
        }
        if (rc == LIQ_OK) {
            rc = liq_h5_read_block(cols->ds[LIQ_COL_COLLATERAL], H5T_NATIVE_DOUBLE, start, count,
                                   t->collateral + base, path, liq_col_names[LIQ_COL_COLLATERAL]);
        }
        if (rc == LIQ_OK) {
            rc = liq_h5_read_block(cols->ds[LIQ_COL_DEBT], H5T_NATIVE_DOUBLE, start, count,
                                   t->debt + base, path, liq_col_names[LIQ_COL_DEBT]);
        }
        if (rc == LIQ_OK && has_account) {
            rc = liq_h5_read_block(cols->ds[LIQ_COL_ACCOUNT], H5T_NATIVE_INT64, start, count,
                                   t->account + base, path, liq_col_names[LIQ_COL_ACCOUNT]);
        } else if (rc == LIQ_OK && t->account != NULL) {
            for (size_t i = 0; i < count; i++) {
                t->account[base + i] = -1;
            }
        }
        for (size_t i = 0; i < count && rc == LIQ_OK; i++) {
            const liq_where_t at = {.path = path, .csv = false, .row = (size_t)start + i};
            if (has_account && t->account[base + i] < -1) {
                rc = liq_row_error(&at, LIQ_EINVAL, LIQ_COL_ACCOUNT,
                                   "value %lld is not an account id; expected an integer >= 0, "
                                   "or -1 for an isolated account",
                                   (long long)t->account[base + i]);
                break;
            }
            if (has_account && t->account[base + i] >= 0) {
                rc = liq_note_cross(ld, base + i, (size_t)start + i, path);
                if (rc != LIQ_OK) {
                    break;
                }
            }
            rc = liq_resolve(ld, &at, liq_h5_string_at(cols, 0, strings[0], i),
                             liq_h5_string_at(cols, 1, strings[1], i), &t->protocol[base + i],
                             &t->market[base + i]);
            for (int col = LIQ_COL_COLLATERAL; col <= LIQ_COL_DEBT && rc == LIQ_OK; col++) {
                const double v =
                    col == LIQ_COL_COLLATERAL ? t->collateral[base + i] : t->debt[base + i];
                char shown[32];
                snprintf(shown, sizeof(shown), "%.17g", v);
                rc = liq_check_amount(&at, col, v, shown);
            }
        }
        for (int k = 0; k < 2; k++) {
            if (filled[k] && cols->vlen[k]) {
                liq_h5_reclaim(cols->memtype[k], count, strings[k]);
            }
        }
        if (rc == LIQ_OK) {
            t->count += (size_t)count;
        }
    }
    free(strings[0]);
    free(strings[1]);
    return rc;
}

static int liq_load_hdf5(liq_loader_t *ld, const char *path)
{
    /* Test readability with the C library first: HDF5's own message for a
     * missing file is long, and the same failure in CSV reads this way. */
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) {
        return liq_error_set(LIQ_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    fclose(probe);

    H5E_auto2_t saved_func = NULL;
    void *saved_data = NULL;
    const bool saved = H5Eget_auto2(H5E_DEFAULT, &saved_func, &saved_data) >= 0;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    liq_h5_columns_t cols;
    for (int k = 0; k < LIQ_N_COLS; k++) {
        cols.ds[k] = -1;
        cols.ftype[k] = -1;
    }
    cols.memtype[0] = cols.memtype[1] = -1;
    int rc = LIQ_OK;
    const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        rc = liq_h5_fail(path, "cannot open the file as HDF5", NULL);
    }
    hsize_t rows = 0;
    if (rc == LIQ_OK) {
        rc = liq_h5_open_columns(&cols, file, path, &rows);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_rows(ld, &cols, path, rows);
    }
    /* Close errors on a read-only file lose nothing; they are ignored. */
    for (int k = 0; k < 2; k++) {
        if (cols.memtype[k] >= 0) {
            H5Tclose(cols.memtype[k]);
        }
    }
    for (int k = 0; k < LIQ_N_COLS; k++) {
        if (cols.ftype[k] >= 0) {
            H5Tclose(cols.ftype[k]);
        }
        if (cols.ds[k] >= 0) {
            H5Dclose(cols.ds[k]);
        }
    }
    if (file >= 0) {
        H5Fclose(file);
    }
    if (saved) {
        (void)H5Eset_auto2(H5E_DEFAULT, saved_func, saved_data);
    }
    return rc;
}

/* ------------------------------------------------------- cross accounts */

typedef struct {
    int32_t protocol, market;
    int64_t account;
    size_t origin; /* index into the loader's origin list (table order) */
} liq_cross_key_t;

static int liq_cross_key_compare(const void *pa, const void *pb)
{
    const liq_cross_key_t *a = pa, *b = pb;
    if (a->protocol != b->protocol) {
        return (a->protocol > b->protocol) - (a->protocol < b->protocol);
    }
    if (a->account != b->account) {
        return (a->account > b->account) - (a->account < b->account);
    }
    if (a->market != b->market) {
        return (a->market > b->market) - (a->market < b->market);
    }
    return (a->origin > b->origin) - (a->origin < b->origin);
}

static liq_where_t liq_origin_where(const liq_loader_t *ld, const liq_cross_origin_t *o)
{
    const liq_positions_source_t *src = &ld->sc->positions[o->source];
    return (liq_where_t){
        .path = src->path, .csv = src->format == LIQ_POSITIONS_CSV, .row = o->line};
}

/* A cross-margin account holds each collateral asset in one row: sorts the
 * cross rows by (protocol, account, market) and reports the later row of
 * the first repeat, in table order. O(r log r) for r cross rows. */
static int liq_check_cross(const liq_loader_t *ld)
{
    const liq_positions_t *t = ld->out;
    if (ld->n_cross < 2) {
        return LIQ_OK;
    }
    liq_cross_key_t *key = malloc(ld->n_cross * sizeof(*key));
    if (key == NULL) {
        return liq_nomem(ld->sc->positions[0].path);
    }
    for (size_t k = 0; k < ld->n_cross; k++) {
        const size_t row = ld->origin[k].row;
        key[k] = (liq_cross_key_t){t->protocol[row], t->market[row], t->account[row], k};
    }
    qsort(key, ld->n_cross, sizeof(*key), liq_cross_key_compare);
    size_t bad = SIZE_MAX, first = 0;
    for (size_t k = 1; k < ld->n_cross; k++) {
        const liq_cross_key_t *a = &key[k - 1], *b = &key[k];
        if (a->protocol == b->protocol && a->account == b->account && a->market == b->market &&
            (bad == SIZE_MAX || b->origin < bad)) {
            bad = b->origin;
            first = a->origin;
        }
    }
    free(key);
    if (bad == SIZE_MAX) {
        return LIQ_OK;
    }
    const liq_cross_origin_t *o = &ld->origin[bad];
    const liq_cross_origin_t *f = &ld->origin[first];
    const liq_where_t at = liq_origin_where(ld, o);
    const liq_where_t was = liq_origin_where(ld, f);
    const size_t row = o->row;
    const liq_protocol_config_t *proto = &ld->sc->protocols[t->protocol[row]];
    char earlier[600];
    if (was.csv) {
        snprintf(earlier, sizeof(earlier), "%s:%zu", was.path, was.row);
    } else {
        snprintf(earlier, sizeof(earlier), "%s: %s[%zu]", was.path, liq_col_names[LIQ_COL_ASSET],
                 was.row);
    }
    return liq_row_error(&at, LIQ_EINVAL, LIQ_COL_ASSET,
                         "cross-margin account %lld of protocol '%s' already holds '%s' (%s); "
                         "expected one row per collateral asset of an account",
                         (long long)t->account[row], proto->name,
                         ld->sc->assets[proto->markets[t->market[row]].asset].name, earlier);
}

/* ---------------------------------------------------------------- public */

void liq_positions_destroy(liq_positions_t *positions)
{
    if (positions == NULL) {
        return;
    }
    free(positions->protocol);
    free(positions->market);
    free(positions->collateral);
    free(positions->debt);
    free(positions->account);
    free(positions);
}

int liq_positions_load(liq_positions_t **out, const liq_scenario_t *scenario)
{
    *out = NULL;
    if (scenario->n_positions == 0) {
        return LIQ_OK;
    }
    liq_loader_t ld;
    int rc = liq_loader_init(&ld, scenario);
    if (rc != LIQ_OK) {
        rc = liq_nomem(scenario->positions[0].path);
    }
    for (size_t s = 0; s < scenario->n_positions && rc == LIQ_OK; s++) {
        const liq_positions_source_t *src = &scenario->positions[s];
        ld.source = s;
        rc = src->format == LIQ_POSITIONS_HDF5 ? liq_load_hdf5(&ld, src->path)
                                               : liq_load_csv(&ld, src->path);
    }
    if (rc == LIQ_OK) {
        rc = liq_check_cross(&ld);
    }
    free(ld.hash);
    free(ld.origin);
    if (rc != LIQ_OK) {
        liq_positions_destroy(ld.out);
        return rc;
    }
    *out = ld.out;
    return LIQ_OK;
}
