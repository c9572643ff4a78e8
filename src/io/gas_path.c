/*
 * The gas price series reader (gas_path.h). A chain's series is read once
 * per scenario; a day at one point a minute is 1440 rows (0.5 MB of indented
 * pandas JSON), so the file is read whole and parsed in one pass. CSV goes
 * through libcsv one physical line at a time, as the price-path reader does,
 * so that every message names its line; JSON goes through libyaml (JSON is
 * YAML's flow syntax), whose marks give each value's line and column. Both
 * hand their rows to one checker, so the two formats accept the same times
 * and prices and say the same things about them.
 */
#define _POSIX_C_SOURCE 200809L

#include "io/gas_path.h"

#include <assert.h>
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/text_file.h"
#include "io/yaml_read.h"
#include "liqnet/error.h"

/* Column lists in messages stop after this many bytes ("..." follows). */
#define LIQ_GAS_NAMES_MAX 200

/* Values quoted in messages are cut after this many bytes ("..." follows). */
#define LIQ_GAS_SHOWN_MAX 48

/* Room for a quoted value: LIQ_GAS_SHOWN_MAX bytes, "..." and the NUL. */
#define LIQ_GAS_SHOWN_SIZE 64

/* Numeric times beyond 2^62 s (1.5e11 years) are no times: the difference
 * of two of them must fit an int64. */
#define LIQ_GAS_TIME_MAX 4611686018427387904.0

/* 2^63: the first double an int64 cannot hold. */
#define LIQ_GAS_WEI_LIMIT 9223372036854775808.0

#define LIQ_GAS_EXPECTED_TIME                                                                      \
    "expected an ISO 8601 date-time such as 2020-03-12T00:00:00Z or a number of seconds"
#define LIQ_GAS_EXPECTED_PRICE "expected a finite price >= 0"

/* A point in time: whole seconds since 1970-01-01T00:00:00Z and the fraction
 * of the next second, in [0, 1). Kept apart so that the difference of two
 * whole-second times is exact: as one double, 1.6e9 s keeps only about 7
 * decimal digits below the second. */
typedef struct {
    int64_t sec;
    double frac;
} liq_gas_time_t;

/* One value of a row as either format hands it to the row checker. */
typedef struct {
    const char *text;    /* NUL-terminated; may hold NULs before len (caught) */
    size_t len;          /* bytes */
    size_t line, column; /* 1-based, for messages */
    bool missing;        /* JSON null or an empty CSV field: no observation */
    bool quoted;         /* a JSON string */
} liq_gas_cell_t;

/* State of one read: the settings, the rows so far and the series built. */
typedef struct {
    const liq_chain_config_t *chain;
    const char *where; /* begins messages about the settings */
    const char *path;  /* the file, for messages about its content */
    bool have_start;
    liq_gas_time_t start; /* the time of round 0 */
    size_t rows;          /* data rows checked, those without a price included */
    liq_gas_time_t prev;  /* the last row's time, its text and line */
    char prev_shown[LIQ_GAS_SHOWN_SIZE];
    size_t prev_line;
    size_t n, capacity;
    double *seconds;
    int64_t *wei;
    bool real;      /* a price series (liq_time_series_read): values, not wei */
    double *values; /* real: finite prices > 0 */
} liq_gas_reader_t;

void liq_gas_series_clear(liq_gas_series_t *s)
{
    if (s == NULL) {
        return;
    }
    free(s->seconds);
    free(s->wei);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------- messages */

static int liq_gas_error(const liq_gas_reader_t *r, int code, size_t line, size_t column,
                         const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* "PATH:LINE:COLUMN: KEY: message", about the file's content. */
static int liq_gas_error(const liq_gas_reader_t *r, int code, size_t line, size_t column,
                         const char *key, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return liq_error_set(code, "%s:%zu:%zu: %s: %s", r->path, line, column, key, what);
}

static int liq_gas_nomem(const liq_gas_reader_t *r)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading %s", r->where, r->path);
}

/* A copy of a value for messages: at most LIQ_GAS_SHOWN_MAX bytes, on one
 * line (control bytes become '?'). `buf` holds LIQ_GAS_SHOWN_SIZE bytes. */
static void liq_gas_shown(char *buf, const char *text, size_t len)
{
    size_t n = 0;
    for (; n < len && n < LIQ_GAS_SHOWN_MAX; n++) {
        const unsigned char ch = (unsigned char)text[n];
        buf[n] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (n < len) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
}

/* Appends ", name" (or "name" first) to a list of at most
 * LIQ_GAS_NAMES_MAX bytes; a list that is full ends in "...". */
static void liq_gas_names_add(char *list, const char *name, size_t len)
{
    size_t used = strlen(list);
    if (used >= 3 && strcmp(list + used - 3, "...") == 0) {
        return;
    }
    char shown[LIQ_GAS_SHOWN_SIZE];
    liq_gas_shown(shown, name, len);
    const size_t sep = used > 0 ? 2 : 0;
    /* Room is kept for a final ", ..." and its NUL (6 bytes). */
    if (used + sep + strlen(shown) + 6 > LIQ_GAS_NAMES_MAX) {
        memcpy(list + used, used > 0 ? ", ..." : "...", used > 0 ? 6 : 4);
        return;
    }
    snprintf(list + used, LIQ_GAS_NAMES_MAX - used, "%s%s", sep > 0 ? ", " : "", shown);
}

/* A byte below 0x20 or DEL inside a value: no time, price or column name
 * holds one, and a NUL would silently cut the text C functions see. */
static int liq_gas_check_text(const liq_gas_reader_t *r, const char *text, size_t len, size_t line,
                              size_t column, const char *key)
{
    for (size_t i = 0; i < len; i++) {
        const unsigned char ch = (unsigned char)text[i];
        if (ch < 0x20 || ch == 0x7f) {
            return liq_gas_error(r, LIQ_EPARSE, line, column, key,
                                 "a control character (byte 0x%02x) at byte %zu of the value; "
                                 "expected text without control characters",
                                 ch, i + 1);
        }
    }
    return LIQ_OK;
}

/* ---------------------------------------------------------------- times */

/* n decimal digits at s; false at anything else, the NUL included. */
static bool liq_gas_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = 10 * v + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar: Howard Hinnant's days_from_civil
 * (https://howardhinnant.github.io/date_algorithms.html). Unlike timegm it
 * depends on no locale, TZ variable or time_t width. */
static int64_t liq_gas_days_from_civil(int64_t year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int liq_gas_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/*
 * YYYY-MM-DD, 'T' (or 't' or a space), hh:mm, optionally :ss and a fraction
 * (after '.' or ','), then nothing (UTC), Z, or an offset +hh:mm, +hhmm or
 * +hh (or -). Seconds 60 (a leap second) are refused: Unix time has none.
 */
static bool liq_gas_parse_iso(const char *s, liq_gas_time_t *out)
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!liq_gas_digits(s, 4, &year) || s[4] != '-' || !liq_gas_digits(s + 5, 2, &month) ||
        s[7] != '-' || !liq_gas_digits(s + 8, 2, &day) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !liq_gas_digits(s + 11, 2, &hour) ||
        s[13] != ':' || !liq_gas_digits(s + 14, 2, &minute)) {
        return false;
    }
    const char *p = s + 16;
    double frac = 0.0;
    if (*p == ':') {
        if (!liq_gas_digits(p + 1, 2, &second)) {
            return false;
        }
        p += 3;
        if (*p == '.' || *p == ',') {
            /* Only digits: strtod on the text would also take an exponent. */
            char digits[40] = "0.";
            size_t n = 0;
            p++;
            while (p[n] >= '0' && p[n] <= '9') {
                if (n + 3 < sizeof(digits)) {
                    digits[n + 2] = p[n];
                }
                n++;
            }
            if (n == 0) {
                return false;
            }
            frac = strtod(digits, NULL);
            if (frac >= 1.0) {
                frac = nextafter(1.0, 0.0); /* .99999999999999999999 rounds up */
            }
            p += n;
        }
    }
    int offset = 0; /* seconds east of UTC */
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        const int sign = *p == '-' ? -1 : 1;
        int off_hour = 0, off_minute = 0;
        if (!liq_gas_digits(p + 1, 2, &off_hour)) {
            return false;
        }
        p += 3;
        if (*p == ':') {
            p++;
        }
        if (*p != '\0') {
            if (!liq_gas_digits(p, 2, &off_minute)) {
                return false;
            }
            p += 2;
        }
        if (off_hour > 23 || off_minute > 59) {
            return false;
        }
        offset = sign * (3600 * off_hour + 60 * off_minute);
    }
    if (*p != '\0' || month < 1 || month > 12 || day < 1 ||
        day > liq_gas_days_in_month(year, month) || hour > 23 || minute > 59 || second > 59) {
        return false;
    }
    out->sec = 86400 * liq_gas_days_from_civil(year, month, day) + 3600 * hour + 60 * minute +
               second - offset;
    out->frac = frac;
    return true;
}

/* An ISO 8601 date-time or a number of seconds since 1970-01-01T00:00:00Z. */
static bool liq_gas_parse_time(const char *text, liq_gas_time_t *out)
{
    if (liq_gas_parse_iso(text, out)) {
        return true;
    }
    double v = 0.0;
    bool is_nan = false;
    if (!liq_yparse_double(text, &v, &is_nan) || !(fabs(v) < LIQ_GAS_TIME_MAX)) {
        return false;
    }
    const double whole = floor(v);
    out->sec = (int64_t)whole;
    out->frac = v - whole;
    return true;
}

static bool liq_gas_time_before(liq_gas_time_t a, liq_gas_time_t b)
{
    return a.sec < b.sec || (a.sec == b.sec && a.frac < b.frac);
}

/* --------------------------------------------------------------- prices */

/* The price of a cell that holds one, in whole wei per gas. */
static int liq_gas_price(const liq_gas_reader_t *r, const liq_gas_cell_t *cell, int64_t *out)
{
    const char *key = r->chain->price_column;
    const bool gwei = r->chain->gas_unit == 1;
    char shown[LIQ_GAS_SHOWN_SIZE];
    liq_gas_shown(shown, cell->text, cell->len);
    if (cell->quoted) {
        return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                             "\"%s\" is a string; expected a number: a finite price >= 0", shown);
    }
    /* Whole wei are read as integers, exact beyond 2^53 where a double is not. */
    const char *digits = cell->text[0] == '+' ? cell->text + 1 : cell->text;
    if (!gwei && digits[0] != '\0' && digits[strspn(digits, "0123456789")] == '\0') {
        errno = 0;
        const long long v = strtoll(digits, NULL, 10);
        if (errno != ERANGE) {
            *out = (int64_t)v;
            return LIQ_OK;
        }
    } else {
        double v = 0.0;
        bool is_nan = false;
        if (!liq_yparse_double(cell->text, &v, &is_nan)) {
            if (is_nan) {
                return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                                     "value %s is not finite; " LIQ_GAS_EXPECTED_PRICE, shown);
            }
            return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                                 "'%s' is not a number; " LIQ_GAS_EXPECTED_PRICE, shown);
        }
        if (isinf(v)) {
            return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                                 "value %s is not finite; " LIQ_GAS_EXPECTED_PRICE, shown);
        }
        if (v < 0.0) {
            return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                                 "value %s is negative; " LIQ_GAS_EXPECTED_PRICE, shown);
        }
        const double wei = gwei ? v * 1e9 : v;
        /* Every double below 2^63 rounds to an int64: near 2^63 doubles are
         * 1024 apart, so none lies within 0.5 of it. */
        if (wei < LIQ_GAS_WEI_LIMIT) {
            *out = (int64_t)llround(wei);
            return LIQ_OK;
        }
    }
    return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                         "value %s %s is above %lld wei per gas, the most liqnet holds; "
                         "expected a smaller price",
                         shown, gwei ? "gwei" : "wei", (long long)INT64_MAX);
}

/* ----------------------------------------------------------------- rows */

static int liq_gas_append(liq_gas_reader_t *r, double seconds, int64_t wei, double value)
{
    if (r->n == r->capacity) {
        const size_t capacity = r->capacity > 0 ? 2 * r->capacity : 256;
        double *grown_seconds = realloc(r->seconds, capacity * sizeof(*grown_seconds));
        if (grown_seconds == NULL) {
            return liq_gas_nomem(r);
        }
        r->seconds = grown_seconds;
        if (r->real) {
            double *grown = realloc(r->values, capacity * sizeof(*grown));
            if (grown == NULL) {
                return liq_gas_nomem(r);
            }
            r->values = grown;
        } else {
            int64_t *grown_wei = realloc(r->wei, capacity * sizeof(*grown_wei));
            if (grown_wei == NULL) {
                return liq_gas_nomem(r);
            }
            r->wei = grown_wei;
        }
        r->capacity = capacity;
    }
    r->seconds[r->n] = seconds;
    if (r->real) {
        r->values[r->n] = value;
    } else {
        r->wei[r->n] = wei;
    }
    r->n++;
    return LIQ_OK;
}

/* A price of a price series: a plain number, finite and > 0. */
static int liq_gas_value(const liq_gas_reader_t *r, const liq_gas_cell_t *cell, double *out)
{
    const char *key = r->chain->price_column;
    char shown[LIQ_GAS_SHOWN_SIZE];
    liq_gas_shown(shown, cell->text, cell->len);
    double v = 0.0;
    bool is_nan = false;
    if (cell->quoted || !liq_yparse_double(cell->text, &v, &is_nan)) {
        return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                             "'%s' is not a number; expected a finite price > 0", shown);
    }
    if (!(isfinite(v) && v > 0.0)) {
        return liq_gas_error(r, LIQ_EINVAL, cell->line, cell->column, key,
                             "value %s is not a finite price > 0; expected a finite price > 0",
                             shown);
    }
    *out = v;
    return LIQ_OK;
}

/*
 * Checks one data row and adds its point: the time parses and comes after
 * the previous row's; a row without a price (JSON null, an empty CSV field:
 * pandas' NaN) is a time without an observation and adds no point, so the
 * previous price holds through it. The first point fixes the start when
 * the settings give none, and must be at or before it when they do.
 */
static int liq_gas_row(liq_gas_reader_t *r, const liq_gas_cell_t *time, const liq_gas_cell_t *price)
{
    const liq_chain_config_t *chain = r->chain;
    int rc =
        liq_gas_check_text(r, time->text, time->len, time->line, time->column, chain->time_column);
    if (rc == LIQ_OK) {
        rc = liq_gas_check_text(r, price->text, price->len, price->line, price->column,
                                chain->price_column);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    char shown[LIQ_GAS_SHOWN_SIZE];
    liq_gas_shown(shown, time->text, time->len);
    liq_gas_time_t t;
    if (!liq_gas_parse_time(time->text, &t)) {
        return liq_gas_error(r, LIQ_EINVAL, time->line, time->column, chain->time_column,
                             "'%s' is not a time; " LIQ_GAS_EXPECTED_TIME, shown);
    }
    if (r->rows > 0 && !liq_gas_time_before(r->prev, t)) {
        return liq_gas_error(r, LIQ_EINVAL, time->line, time->column, chain->time_column,
                             "%s is not after %s on line %zu; expected times that increase "
                             "strictly from row to row",
                             shown, r->prev_shown, r->prev_line);
    }
    r->rows++;
    r->prev = t;
    memcpy(r->prev_shown, shown, sizeof(shown));
    r->prev_line = time->line;
    if (price->missing) {
        return LIQ_OK;
    }
    int64_t wei = 0;
    double value = 0.0;
    rc = r->real ? liq_gas_value(r, price, &value) : liq_gas_price(r, price, &wei);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (r->n == 0 && !r->have_start) {
        r->start = t;
        r->have_start = true;
    } else if (r->n == 0 && liq_gas_time_before(r->start, t)) {
        char start_shown[LIQ_GAS_SHOWN_SIZE];
        liq_gas_shown(start_shown, chain->start, strlen(chain->start));
        return liq_error_set(LIQ_EINVAL,
                             "%s: start: %s is before the first price in %s (%s, line %zu); "
                             "expected a start at or after the series' first time",
                             r->where, start_shown, r->path, shown, time->line);
    }
    const double seconds = (double)(t.sec - r->start.sec) + (t.frac - r->start.frac);
    return liq_gas_append(r, seconds, wei, value);
}

/* ------------------------------------------------------------------ CSV */

/* A field's text kept until its record ends (libcsv reuses its buffer). */
typedef struct {
    char *text;
    size_t len, capacity;
} liq_gas_field_t;

/* State of the CSV parse, shared with libcsv's callbacks. */
typedef struct {
    liq_gas_reader_t *r;
    int rc;        /* first error; later callbacks do nothing */
    size_t line;   /* 1-based physical line being fed to libcsv */
    size_t record; /* records completed (0: in the header) */
    size_t field;  /* 0-based field within the current record */
    size_t n_cols;
    size_t time_col, price_col; /* 0-based; SIZE_MAX until the header names them */
    char **names;               /* the header's n_cols column names */
    size_t names_capacity;
    liq_gas_field_t time_field, price_field;
} liq_gas_csv_t;

static void liq_gas_csv_nomem(liq_gas_csv_t *c)
{
    c->rc = liq_gas_nomem(c->r);
}

static int liq_gas_field_keep(liq_gas_field_t *f, const char *data, size_t len)
{
    if (len + 1 > f->capacity) {
        const size_t capacity = len + 1 > 64 ? 2 * len + 2 : 64;
        char *grown = realloc(f->text, capacity);
        if (grown == NULL) {
            return LIQ_ENOMEM;
        }
        f->text = grown;
        f->capacity = capacity;
    }
    memcpy(f->text, data, len);
    f->text[len] = '\0';
    f->len = len;
    return LIQ_OK;
}

/* A header field: a column name, compared with the two the settings name. */
static void liq_gas_csv_header_field(liq_gas_csv_t *c, const char *text, size_t len)
{
    const liq_chain_config_t *chain = c->r->chain;
    c->rc = liq_gas_check_text(c->r, text, len, c->line, c->field + 1, "header");
    if (c->rc != LIQ_OK) {
        return;
    }
    for (size_t k = 0; k < c->field; k++) {
        if (strcmp(c->names[k], text) == 0 &&
            (strcmp(text, chain->time_column) == 0 || strcmp(text, chain->price_column) == 0)) {
            char shown[LIQ_GAS_SHOWN_SIZE];
            liq_gas_shown(shown, text, len);
            c->rc = liq_gas_error(c->r, LIQ_EINVAL, c->line, c->field + 1, "header",
                                  "column '%s' repeats column %zu; expected each column once",
                                  shown, k + 1);
            return;
        }
    }
    if (c->field == c->names_capacity) {
        const size_t capacity = c->names_capacity > 0 ? 2 * c->names_capacity : 8;
        char **grown = realloc(c->names, capacity * sizeof(*grown));
        if (grown == NULL) {
            liq_gas_csv_nomem(c);
            return;
        }
        c->names = grown;
        c->names_capacity = capacity;
    }
    c->names[c->field] = strdup(text);
    if (c->names[c->field] == NULL) {
        liq_gas_csv_nomem(c);
        return;
    }
    if (strcmp(text, chain->time_column) == 0) {
        c->time_col = c->field;
    }
    if (strcmp(text, chain->price_column) == 0) {
        c->price_col = c->field;
    }
    c->n_cols = c->field + 1;
}

/* LIQ_EKEY at the settings when the header lacks one of the two columns. */
static int liq_gas_missing_column(const liq_gas_reader_t *r, const char *setting,
                                  const char *column, const char *list)
{
    char shown[LIQ_GAS_SHOWN_SIZE];
    liq_gas_shown(shown, column, strlen(column));
    return liq_error_set(LIQ_EKEY, "%s: %s: no column '%s' in %s; columns: %s", r->where, setting,
                         shown, r->path, list);
}

static void liq_gas_csv_header_end(liq_gas_csv_t *c)
{
    if (c->time_col != SIZE_MAX && c->price_col != SIZE_MAX) {
        return;
    }
    char list[LIQ_GAS_NAMES_MAX] = "";
    for (size_t k = 0; k < c->n_cols; k++) {
        liq_gas_names_add(list, c->names[k], strlen(c->names[k]));
    }
    const bool time_missing = c->time_col == SIZE_MAX;
    c->rc = liq_gas_missing_column(
        c->r, time_missing ? "time_column" : "price_column",
        time_missing ? c->r->chain->time_column : c->r->chain->price_column, list);
}

static void liq_gas_csv_on_field(void *data, size_t len, void *ctx)
{
    liq_gas_csv_t *c = ctx;
    if (c->rc != LIQ_OK) {
        return;
    }
    const char *text = data != NULL ? data : "";
    if (c->record == 0) {
        liq_gas_csv_header_field(c, text, len);
    } else if (c->field >= c->n_cols) {
        c->rc = liq_gas_error(c->r, LIQ_EINVAL, c->line, c->field + 1, "row",
                              "more fields than the header's %zu; expected one value per "
                              "header column",
                              c->n_cols);
    } else {
        c->rc = liq_gas_check_text(c->r, text, len, c->line, c->field + 1, c->names[c->field]);
        if (c->rc == LIQ_OK && c->field == c->time_col) {
            c->rc = liq_gas_field_keep(&c->time_field, text, len);
        }
        if (c->rc == LIQ_OK && c->field == c->price_col) {
            c->rc = liq_gas_field_keep(&c->price_field, text, len);
        }
        if (c->rc == LIQ_ENOMEM) {
            liq_gas_csv_nomem(c);
        }
    }
    c->field++;
}

static void liq_gas_csv_on_record(int terminator, void *ctx)
{
    liq_gas_csv_t *c = ctx;
    (void)terminator;
    if (c->rc != LIQ_OK) {
        return;
    }
    if (c->record == 0) {
        liq_gas_csv_header_end(c);
    } else if (c->field != c->n_cols) {
        c->rc = liq_gas_error(c->r, LIQ_EINVAL, c->line, c->field + 1, "row",
                              "%zu fields; expected %zu as in the header", c->field, c->n_cols);
    } else {
        const liq_gas_cell_t time = {c->time_field.text, c->time_field.len,      c->line,
                                     c->time_col + 1,    c->time_field.len == 0, false};
        const liq_gas_cell_t price = {c->price_field.text, c->price_field.len,      c->line,
                                      c->price_col + 1,    c->price_field.len == 0, false};
        c->rc = liq_gas_row(c->r, &time, &price);
    }
    c->record++;
    c->field = 0;
}

static void liq_gas_csv_syntax(liq_gas_csv_t *c, struct csv_parser *parser)
{
    if (c->rc == LIQ_OK) {
        c->rc = liq_gas_error(c->r, LIQ_EPARSE, c->line, c->field + 1, "csv",
                              "CSV syntax error: %s", csv_strerror(csv_error(parser)));
    }
}

/* Feeds the file to libcsv one physical line at a time, so that callbacks
 * know the line they are on (libcsv itself counts no lines). */
static void liq_gas_csv_feed(liq_gas_csv_t *c, struct csv_parser *parser, const char *text,
                             size_t len)
{
    size_t begin = 0;
    c->line = 1;
    while (begin < len && c->rc == LIQ_OK) {
        const char *nl = memchr(text + begin, '\n', len - begin);
        const size_t end = nl != NULL ? (size_t)(nl - text) + 1 : len;
        if (csv_parse(parser, text + begin, end - begin, liq_gas_csv_on_field,
                      liq_gas_csv_on_record, c) != end - begin) {
            liq_gas_csv_syntax(c, parser);
            return;
        }
        begin = end;
        if (nl != NULL && begin < len) {
            c->line++;
        }
    }
    if (c->rc == LIQ_OK && csv_fini(parser, liq_gas_csv_on_field, liq_gas_csv_on_record, c) != 0) {
        liq_gas_csv_syntax(c, parser);
    }
}

static int liq_gas_read_csv(liq_gas_reader_t *r, const char *text, size_t len)
{
    liq_gas_csv_t c = {.r = r, .time_col = SIZE_MAX, .price_col = SIZE_MAX};
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        return liq_gas_nomem(r);
    }
    liq_gas_csv_feed(&c, &parser, text, len);
    csv_free(&parser);
    for (size_t k = 0; k < c.n_cols; k++) {
        free(c.names[k]);
    }
    free(c.names);
    free(c.time_field.text);
    free(c.price_field.text);
    return c.rc;
}

/* ----------------------------------------------------------------- JSON */

static const yaml_node_t *liq_gas_json_get(liq_ydoc_t *d, const yaml_node_t *map, const char *key)
{
    return map != NULL && map->type == YAML_MAPPING_NODE ? liq_ymap_get(d, map, key) : NULL;
}

/* "missing" for an absent node, else what was found ("a mapping"). */
static const char *liq_gas_json_found(const yaml_node_t *node)
{
    return node == NULL ? "nothing" : liq_ynode_kind(node);
}

/* The column names of schema.fields into `list` (for messages), checking
 * that the two the settings name are among them. */
static int liq_gas_json_columns(liq_gas_reader_t *r, liq_ydoc_t *d, const yaml_node_t *root)
{
    const yaml_node_t *schema = liq_gas_json_get(d, root, "schema");
    const yaml_node_t *fields = liq_gas_json_get(d, schema, "fields");
    if (fields == NULL || fields->type != YAML_SEQUENCE_NODE) {
        const yaml_node_t *at = fields != NULL ? fields : schema != NULL ? schema : root;
        return liq_gas_error(r, LIQ_EINVAL, at->start_mark.line + 1, at->start_mark.column + 1,
                             "schema.fields",
                             "found %s; expected the list of columns, {\"name\": ...} each",
                             liq_gas_json_found(fields));
    }
    char list[LIQ_GAS_NAMES_MAX] = "";
    bool has_time = false, has_price = false;
    size_t k = 0;
    for (const yaml_node_item_t *item = fields->data.sequence.items.start;
         item < fields->data.sequence.items.top; item++, k++) {
        const yaml_node_t *field = liq_ydoc_node(d, *item);
        const yaml_node_t *name = liq_gas_json_get(d, field, "name");
        if (name == NULL || name->type != YAML_SCALAR_NODE) {
            char key[64];
            snprintf(key, sizeof(key), "schema.fields[%zu]", k);
            return liq_gas_error(
                r, LIQ_EINVAL, field->start_mark.line + 1, field->start_mark.column + 1, key,
                "found %s%s; expected {\"name\": ...}",
                field->type == YAML_MAPPING_NODE ? "no name in " : "", liq_ynode_kind(field));
        }
        char key[64];
        snprintf(key, sizeof(key), "schema.fields[%zu].name", k);
        const int rc =
            liq_gas_check_text(r, liq_yscalar(name), name->data.scalar.length,
                               name->start_mark.line + 1, name->start_mark.column + 1, key);
        if (rc != LIQ_OK) {
            return rc;
        }
        const char *text = liq_yscalar(name);
        liq_gas_names_add(list, text, name->data.scalar.length);
        has_time = has_time || strcmp(text, r->chain->time_column) == 0;
        has_price = has_price || strcmp(text, r->chain->price_column) == 0;
    }
    if (!has_time) {
        return liq_gas_missing_column(r, "time_column", r->chain->time_column, list);
    }
    if (!has_price) {
        return liq_gas_missing_column(r, "price_column", r->chain->price_column, list);
    }
    return LIQ_OK;
}

/* A row's value of `column` as a cell, or an error at the row. */
static int liq_gas_json_cell(liq_gas_reader_t *r, liq_ydoc_t *d, const yaml_node_t *row,
                             size_t index, const char *column, liq_gas_cell_t *cell)
{
    const yaml_node_t *value = liq_ymap_get(d, row, column);
    if (value == NULL) {
        char key[64];
        snprintf(key, sizeof(key), "data[%zu]", index);
        return liq_gas_error(r, LIQ_EKEY, row->start_mark.line + 1, row->start_mark.column + 1, key,
                             "no '%s'; expected every row to hold the columns '%s' and '%s'",
                             column, r->chain->time_column, r->chain->price_column);
    }
    if (value->type != YAML_SCALAR_NODE) {
        return liq_gas_error(r, LIQ_EINVAL, value->start_mark.line + 1,
                             value->start_mark.column + 1, column, "found %s; expected %s",
                             liq_ynode_kind(value),
                             strcmp(column, r->chain->time_column) == 0 ? "a time" : "a price");
    }
    *cell = (liq_gas_cell_t){
        .text = liq_yscalar(value),
        .len = value->data.scalar.length,
        .line = value->start_mark.line + 1,
        .column = value->start_mark.column + 1,
        .missing = liq_ynode_is_null(value),
        .quoted = value->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
                  value->data.scalar.style != YAML_ANY_SCALAR_STYLE,
    };
    return LIQ_OK;
}

static int liq_gas_json_rows(liq_gas_reader_t *r, liq_ydoc_t *d, const yaml_node_t *root)
{
    /* A bare list of records (pandas' orient="records") is its own data. */
    const yaml_node_t *data =
        root->type == YAML_SEQUENCE_NODE ? root : liq_gas_json_get(d, root, "data");
    if (data == NULL || data->type != YAML_SEQUENCE_NODE) {
        const yaml_node_t *at = data != NULL ? data : root;
        return liq_gas_error(r, LIQ_EINVAL, at->start_mark.line + 1, at->start_mark.column + 1,
                             "data", "found %s; expected the list of rows",
                             liq_gas_json_found(data));
    }
    if (data->data.sequence.items.start == data->data.sequence.items.top) {
        return liq_gas_error(r, LIQ_EINVAL, data->start_mark.line + 1, data->start_mark.column + 1,
                             "data",
                             "an empty list; expected at least one row of a time and a price");
    }
    size_t k = 0;
    for (const yaml_node_item_t *item = data->data.sequence.items.start;
         item < data->data.sequence.items.top; item++, k++) {
        const yaml_node_t *row = liq_ydoc_node(d, *item);
        if (row->type != YAML_MAPPING_NODE) {
            char key[64];
            snprintf(key, sizeof(key), "data[%zu]", k);
            return liq_gas_error(
                r, LIQ_EINVAL, row->start_mark.line + 1, row->start_mark.column + 1, key,
                "found %s; expected a row {\"column\": value, ...}", liq_ynode_kind(row));
        }
        liq_gas_cell_t time, price;
        int rc = liq_gas_json_cell(r, d, row, k, r->chain->time_column, &time);
        if (rc == LIQ_OK) {
            rc = liq_gas_json_cell(r, d, row, k, r->chain->price_column, &price);
        }
        if (rc == LIQ_OK) {
            rc = liq_gas_row(r, &time, &price);
        }
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* A table as pandas' DataFrame.to_json(orient="table") writes it:
 * {"schema": {"fields": [{"name": ...}, ...], ...}, "data": [{...}, ...]}. */
static int liq_gas_read_json(liq_gas_reader_t *r, const char *text, size_t len)
{
    liq_ydoc_t d;
    int rc = liq_ydoc_load(&d, text, len, r->path);
    const yaml_node_t *root = rc == LIQ_OK ? liq_ydoc_root(&d) : NULL;
    if (rc == LIQ_OK &&
        (root == NULL || (root->type != YAML_MAPPING_NODE && root->type != YAML_SEQUENCE_NODE))) {
        const size_t line = root != NULL ? root->start_mark.line + 1 : 1;
        const size_t column = root != NULL ? root->start_mark.column + 1 : 1;
        rc = liq_gas_error(r, LIQ_EINVAL, line, column, "(top level)",
                           "found %s; expected a table as pandas' to_json(orient=\"table\") "
                           "writes it, {\"schema\": {\"fields\": [...]}, \"data\": [...]}, "
                           "or a list of records [{...}, ...]",
                           liq_gas_json_found(root));
    }
    if (rc == LIQ_OK && root->type == YAML_MAPPING_NODE) {
        rc = liq_gas_json_columns(r, &d, root);
    }
    if (rc == LIQ_OK) {
        rc = liq_gas_json_rows(r, &d, root);
    }
    liq_ydoc_destroy(&d);
    return rc;
}

/* ---------------------------------------------------------------- entry */

/* Reads r->chain's file into r's series; on failure the arrays are freed. */
static int liq_gas_read_file(liq_gas_reader_t *r)
{
    const liq_chain_config_t *chain = r->chain;
    const char *where = r->where;
    if (chain->start != NULL) {
        if (!liq_gas_parse_time(chain->start, &r->start)) {
            char shown[LIQ_GAS_SHOWN_SIZE];
            liq_gas_shown(shown, chain->start, strlen(chain->start));
            return liq_error_set(
                LIQ_EINVAL, "%s: start: '%s' is not a time; " LIQ_GAS_EXPECTED_TIME, where, shown);
        }
        r->have_start = true;
    }

    char *text = NULL;
    size_t len = 0;
    int err = 0;
    int rc = liq_text_file_read(r->path, &text, &len, &err);
    if (rc == LIQ_EIO) {
        return liq_error_set(LIQ_EIO, "%s: cannot read %s: %s", where, r->path, strerror(err));
    }
    if (rc != LIQ_OK) {
        return liq_gas_nomem(r);
    }
    /* The first byte that is not blank tells the format: a JSON table is an
     * object, a list of records a list; a CSV header starts with a column
     * name. Spreadsheets often start a CSV file with a UTF-8 byte order
     * mark. */
    const size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const size_t first = bom + strspn(text + bom, " \t\r\n");
    if (first >= len) {
        rc = liq_gas_error(r, LIQ_EINVAL, 1, 1, "header",
                           "the file is empty; expected a header row naming the columns '%s' "
                           "and '%s', or a JSON table",
                           chain->time_column, chain->price_column);
    } else if (text[first] == '{' || text[first] == '[') {
        rc = liq_gas_read_json(r, text, len);
    } else {
        rc = liq_gas_read_csv(r, text + bom, len - bom);
    }
    free(text);
    if (rc == LIQ_OK && r->rows == 0) {
        rc = liq_error_set(LIQ_EINVAL,
                           "%s: no data rows; expected at least one row of a time "
                           "and a price",
                           r->path);
    } else if (rc == LIQ_OK && r->n == 0) {
        rc = liq_error_set(LIQ_EINVAL,
                           "%s: no prices: every row's '%s' is empty or null; expected at "
                           "least one price",
                           r->path, chain->price_column);
    }
    if (rc != LIQ_OK) {
        free(r->seconds);
        free(r->wei);
        free(r->values);
    }
    return rc;
}

int liq_gas_path_read(liq_chain_config_t *chain, const char *where)
{
    assert(chain != NULL && where != NULL);
    assert(chain->gas_file != NULL && chain->time_column != NULL && chain->price_column != NULL);
    assert(chain->gas_unit == 0 || chain->gas_unit == 1);
    liq_gas_series_clear(&chain->gas_series);
    liq_gas_reader_t r = {.chain = chain, .where = where, .path = chain->gas_file};
    const int rc = liq_gas_read_file(&r);
    if (rc != LIQ_OK) {
        return rc;
    }
    chain->gas_series = (liq_gas_series_t){.n = r.n, .seconds = r.seconds, .wei = r.wei};
    return LIQ_OK;
}

int liq_time_series_read(const char *file, const char *time_column, const char *price_column,
                         const char *start, const char *where, size_t *n, double **seconds,
                         double **values)
{
    assert(file != NULL && time_column != NULL && price_column != NULL && where != NULL);
    /* The settings as a chain's, which is what the messages read. */
    const liq_chain_config_t settings = {.gas_file = (char *)(uintptr_t)file,
                                         .time_column = (char *)(uintptr_t)time_column,
                                         .price_column = (char *)(uintptr_t)price_column,
                                         .start = (char *)(uintptr_t)start};
    liq_gas_reader_t r = {.chain = &settings, .where = where, .path = file, .real = true};
    *n = 0;
    *seconds = NULL;
    *values = NULL;
    const int rc = liq_gas_read_file(&r);
    if (rc != LIQ_OK) {
        return rc;
    }
    *n = r.n;
    *seconds = r.seconds;
    *values = r.values;
    return LIQ_OK;
}
