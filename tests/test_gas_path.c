/*
 * Tests of the gas price series reader (src/io/gas_path.c): small CSV and
 * JSON files written by the tests, with every rejected file's message
 * asserted whole, and the Black Thursday series (shared data, read in place)
 * against values extracted from it independently with Python's json module.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/gas_path.h"
#include "liq_test.h"
#include "liq_test_dir.h"

/* Where messages about the settings begin, as the scenario reader will
 * give it. */
#define WHERE "s.yaml:12:5: chains[0].gas_price"

#define EXPECTED_TIME                                                                              \
    "expected an ISO 8601 date-time such as 2020-03-12T00:00:00Z or a number of seconds"
#define EXPECTED_PRICE "expected a finite price >= 0"

/* ------------------------------------------------------------- helpers */

static void write_bytes(const char *name, const char *text, size_t len)
{
    FILE *f = fopen(name, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

/* A chain whose gas price is `given` by `file`. The strings are borrowed. */
static liq_chain_config_t given_chain(const char *file, const char *time_column,
                                      const char *price_column, int gas_unit, const char *start)
{
    liq_chain_config_t chain;
    memset(&chain, 0, sizeof(chain));
    chain.name = (char *)"ethereum";
    chain.gas_model = LIQ_GAS_GIVEN;
    chain.gas_file = (char *)file;
    chain.time_column = (char *)time_column;
    chain.price_column = (char *)price_column;
    chain.gas_unit = gas_unit;
    chain.start = (char *)start;
    return chain;
}

static void assert_empty(const liq_gas_series_t *s)
{
    assert_int_equal(s->n, 0);
    assert_null(s->seconds);
    assert_null(s->wei);
}

static void read_ok(liq_chain_config_t *chain)
{
    const int rc = liq_gas_path_read(chain, WHERE);
    if (rc != LIQ_OK) {
        fail_msg("read failed: %d '%s'", rc, liq_errmsg());
    }
}

/* Fails unless reading the chain's file fails with `code` and exactly
 * `message`, leaving the series empty. */
static void expect_chain_error(liq_chain_config_t *chain, int code, const char *message)
{
    const int rc = liq_gas_path_read(chain, WHERE);
    if (rc != code || strcmp(liq_errmsg(), message) != 0) {
        fail_msg("got %d '%s'\nexpected %d '%s'", rc, liq_errmsg(), code, message);
    }
    assert_empty(&chain->gas_series);
}

/* Writes `text` to `name` and expects reading it (columns time and price,
 * wei, the given start) to fail with `code` and `message`. */
static void expect_file_error(const char *name, const char *text, const char *start, int code,
                              const char *message)
{
    write_text(name, text);
    liq_chain_config_t chain = given_chain(name, "time", "price", 0, start);
    expect_chain_error(&chain, code, message);
}

/* ----------------------------------------------------------------- CSV */

/* Quoted fields, other columns, CRLF line ends and a byte order mark; the
 * ISO forms; gwei. 00:02:30.25 is 150.25 s after the first row, and
 * 01:03+01:00 is 00:03Z, 180 s. */
static void test_csv_gwei(void **state)
{
    (void)state;
    write_text("gas.csv", "\xEF\xBB\xBF"
                          "\"time\",other,\"gas price\"\r\n"
                          "2020-03-12T00:00:00.000Z,x,6.5\r\n"
                          "\"2020-03-12T00:01:00Z\",\"y, z\",\"7\"\r\n"
                          "2020-03-12 00:02:30.25,,0\r\n"
                          "2020-03-12t01:03+01:00, w ,0.000000001\r\n");
    liq_chain_config_t chain = given_chain("gas.csv", "time", "gas price", 1, NULL);
    read_ok(&chain);
    const liq_gas_series_t *s = &chain.gas_series;
    assert_int_equal(s->n, 4);
    const double seconds[4] = {0.0, 60.0, 150.25, 180.0};
    const int64_t wei[4] = {6500000000, 7000000000, 0, 1};
    for (size_t k = 0; k < 4; k++) {
        assert_true(s->seconds[k] == seconds[k]);
        assert_int_equal(s->wei[k], wei[k]);
    }
    liq_gas_series_clear(&chain.gas_series);
    assert_empty(&chain.gas_series);
    liq_gas_series_clear(NULL);
}

/* Wei: rounding to nearest (halves away from zero, as llround), whole
 * numbers read exactly beyond 2^53 up to INT64_MAX; times in seconds and a
 * start between rows' times; the series replaces what the chain held. */
static void test_csv_wei_seconds(void **state)
{
    (void)state;
    write_text("wei.csv", "t,p\n"
                          "1584000000,2.5\n"
                          "1584000000.5,1.49\n"
                          "1584000060,9007199254740993\n"
                          "1584000120,+9223372036854775807\n"
                          "1584000180,1e3\n");
    liq_chain_config_t chain = given_chain("wei.csv", "t", "p", 0, "1584000030");
    read_ok(&chain);
    read_ok(&chain); /* again: the first series is freed (ASan would see a leak) */
    const liq_gas_series_t *s = &chain.gas_series;
    assert_int_equal(s->n, 5);
    const double seconds[5] = {-30.0, -29.5, 30.0, 90.0, 150.0};
    const int64_t wei[5] = {3, 1, 9007199254740993, INT64_MAX, 1000};
    for (size_t k = 0; k < 5; k++) {
        assert_true(s->seconds[k] == seconds[k]);
        assert_int_equal(s->wei[k], wei[k]);
    }
    /* A failed read leaves the series empty, not as it was. */
    chain.price_column = (char *)"q";
    expect_chain_error(&chain, LIQ_EKEY,
                       WHERE ": price_column: no column 'q' in wei.csv; columns: t, p");
    liq_gas_series_clear(&chain.gas_series);

    /* The ISO start and numeric rows meet on the Unix epoch. */
    /* 1584000000 s is 2020-03-12T08:00:00Z (Python: calendar.timegm). */
    chain = given_chain("wei.csv", "t", "p", 0, "2020-03-12T08:00:00Z");
    read_ok(&chain);
    assert_true(chain.gas_series.seconds[0] == 0.0);
    liq_gas_series_clear(&chain.gas_series);
}

/* A row without a price (an empty field: pandas' NaN) keeps its time
 * checked and adds no point; the first price fixes the start. */
static void test_csv_missing_prices(void **state)
{
    (void)state;
    write_text("gaps.csv", "time,price\n"
                           "2020-03-12T00:00:00Z,\n"
                           "2020-03-12T00:01:00Z,5\n"
                           "2020-03-12T00:02:00Z,\"\"\n"
                           "2020-03-12T00:03:00Z,6\n");
    liq_chain_config_t chain = given_chain("gaps.csv", "time", "price", 0, NULL);
    read_ok(&chain);
    assert_int_equal(chain.gas_series.n, 2);
    assert_true(chain.gas_series.seconds[0] == 0.0);
    assert_true(chain.gas_series.seconds[1] == 120.0);
    assert_int_equal(chain.gas_series.wei[0], 5);
    assert_int_equal(chain.gas_series.wei[1], 6);
    liq_gas_series_clear(&chain.gas_series);

    /* The start is checked against the first price, not the first row. */
    chain = given_chain("gaps.csv", "time", "price", 0, "2020-03-12T00:00:30Z");
    expect_chain_error(&chain, LIQ_EINVAL,
                       WHERE ": start: 2020-03-12T00:00:30Z is before the first price in "
                             "gaps.csv (2020-03-12T00:01:00Z, line 3); expected a start at or "
                             "after the series' first time");

    expect_file_error("none.csv", "time,price\n2020-03-12T00:00:00Z,\n", NULL, LIQ_EINVAL,
                      "none.csv: no prices: every row's 'price' is empty or null; expected at "
                      "least one price");
    /* Times are checked in rows without a price too. */
    expect_file_error("gap_order.csv",
                      "time,price\n2020-03-12T00:01:00Z,5\n2020-03-12T00:00:00Z,\n", NULL,
                      LIQ_EINVAL,
                      "gap_order.csv:3:1: time: 2020-03-12T00:00:00Z is not after "
                      "2020-03-12T00:01:00Z on line 2; expected times that increase strictly "
                      "from row to row");
}

static void test_csv_errors(void **state)
{
    (void)state;
    const char *head = "time,price\n2020-03-12T00:00:00Z,1\n";
    char text[512];

    /* Times that do not increase: equal, then earlier. */
    snprintf(text, sizeof(text), "%s2020-03-12T00:00:00.000Z,2\n", head);
    expect_file_error("same.csv", text, NULL, LIQ_EINVAL,
                      "same.csv:3:1: time: 2020-03-12T00:00:00.000Z is not after "
                      "2020-03-12T00:00:00Z on line 2; expected times that increase strictly "
                      "from row to row");
    snprintf(text, sizeof(text), "%s2020-03-12T01:00:00+02:00,2\n", head);
    expect_file_error("back.csv", text, NULL, LIQ_EINVAL,
                      "back.csv:3:1: time: 2020-03-12T01:00:00+02:00 is not after "
                      "2020-03-12T00:00:00Z on line 2; expected times that increase strictly "
                      "from row to row");

    /* Prices: negative, NaN, infinite, text, a JSON-style null word, too big. */
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z,-5\n", head);
    expect_file_error("neg.csv", text, NULL, LIQ_EINVAL,
                      "neg.csv:3:2: price: value -5 is negative; " EXPECTED_PRICE);
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z,NaN\n", head);
    expect_file_error("nan.csv", text, NULL, LIQ_EINVAL,
                      "nan.csv:3:2: price: value NaN is not finite; " EXPECTED_PRICE);
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z,inf\n", head);
    expect_file_error("inf.csv", text, NULL, LIQ_EINVAL,
                      "inf.csv:3:2: price: value inf is not finite; " EXPECTED_PRICE);
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z,12 gwei\n", head);
    expect_file_error("text.csv", text, NULL, LIQ_EINVAL,
                      "text.csv:3:2: price: '12 gwei' is not a number; " EXPECTED_PRICE);
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z,9223372036854775808\n", head);
    expect_file_error("big.csv", text, NULL, LIQ_EINVAL,
                      "big.csv:3:2: price: value 9223372036854775808 wei is above "
                      "9223372036854775807 wei per gas, the most liqnet holds; expected a "
                      "smaller price");
    write_text("big_gwei.csv", "time,price\n2020-03-12T00:00:00Z,1e10\n");
    liq_chain_config_t chain = given_chain("big_gwei.csv", "time", "price", 1, NULL);
    expect_chain_error(&chain, LIQ_EINVAL,
                       "big_gwei.csv:2:2: price: value 1e10 gwei is above 9223372036854775807 "
                       "wei per gas, the most liqnet holds; expected a smaller price");

    /* Times that are not ISO 8601 date-times or numbers. */
    static const char *const bad_times[] = {
        "2020-02-30T00:00:00Z",      /* no 30 February */
        "2021-02-29T00:00:00Z",      /* 2021 is not a leap year */
        "2020-03-12T24:00:00Z",      /* hours 0-23 */
        "2020-03-12T00:00:60Z",      /* no leap seconds in Unix time */
        "2020-03-12T00:00:00+1:00",  /* two-digit offset hours */
        "2020-03-12T00:00:00+24:00", /* offsets below a day */
        "2020-03-12T00:00:00.Z",     /* a fraction needs digits */
        "2020-03-12T00:00:00.5e3Z",  /* ... and only digits */
        "2020-03-12",                /* a date without a time */
        "12/03/2020 00:00",
        "2020-03-12T00:00:00 UTC",
        "1e30",
        "",
    };
    for (size_t k = 0; k < sizeof(bad_times) / sizeof(bad_times[0]); k++) {
        char message[512];
        snprintf(text, sizeof(text), "%s\"%s\",2\n", head, bad_times[k]);
        snprintf(message, sizeof(message), "time.csv:3:1: time: '%s' is not a time; %s",
                 bad_times[k], EXPECTED_TIME);
        expect_file_error("time.csv", text, NULL, LIQ_EINVAL, message);
    }

    /* The settings: a start that is no time, or after the first row. */
    expect_file_error("start.csv", head, "2020-13-01T00:00:00Z", LIQ_EINVAL,
                      WHERE ": start: '2020-13-01T00:00:00Z' is not a time; " EXPECTED_TIME);
    expect_file_error("start.csv", head, "2020-03-11T23:59:59.999Z", LIQ_EINVAL,
                      WHERE ": start: 2020-03-11T23:59:59.999Z is before the first price in "
                            "start.csv (2020-03-12T00:00:00Z, line 2); expected a start at or "
                            "after the series' first time");
    /* ... at the first row's time is fine. */
    write_text("start.csv", head);
    chain = given_chain("start.csv", "time", "price", 0, "2020-03-12T01:00:00+01:00");
    read_ok(&chain);
    assert_int_equal(chain.gas_series.n, 1);
    assert_true(chain.gas_series.seconds[0] == 0.0);
    liq_gas_series_clear(&chain.gas_series);

    /* Columns the header does not have. */
    write_text("cols.csv", "timestamp,\"30.0 Perc\",doc_count\n2020-03-12T00:00:00Z,1,2\n");
    chain = given_chain("cols.csv", "time", "30.0 Perc", 0, NULL);
    expect_chain_error(&chain, LIQ_EKEY,
                       WHERE ": time_column: no column 'time' in cols.csv; columns: timestamp, "
                             "30.0 Perc, doc_count");
    chain = given_chain("cols.csv", "timestamp", "30 Perc", 0, NULL);
    expect_chain_error(&chain, LIQ_EKEY,
                       WHERE ": price_column: no column '30 Perc' in cols.csv; columns: "
                             "timestamp, 30.0 Perc, doc_count");
    expect_file_error("twice.csv", "time,price,time\n", NULL, LIQ_EINVAL,
                      "twice.csv:1:3: header: column 'time' repeats column 1; expected each "
                      "column once");

    /* Rows of the wrong width. */
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z\n", head);
    expect_file_error("short.csv", text, NULL, LIQ_EINVAL,
                      "short.csv:3:2: row: 1 fields; expected 2 as in the header");
    snprintf(text, sizeof(text), "%s2020-03-12T00:01:00Z,1,2\n", head);
    expect_file_error("long.csv", text, NULL, LIQ_EINVAL,
                      "long.csv:3:3: row: more fields than the header's 2; expected one value "
                      "per header column");

    /* Empty files, a header alone, a quote left open. */
    expect_file_error("empty.csv", "", NULL, LIQ_EINVAL,
                      "empty.csv:1:1: header: the file is empty; expected a header row naming "
                      "the columns 'time' and 'price', or a JSON table");
    expect_file_error("blank.csv", " \r\n\n", NULL, LIQ_EINVAL,
                      "blank.csv:1:1: header: the file is empty; expected a header row naming "
                      "the columns 'time' and 'price', or a JSON table");
    expect_file_error("header.csv", "time,price\n", NULL, LIQ_EINVAL,
                      "header.csv: no data rows; expected at least one row of a time and a "
                      "price");
    snprintf(text, sizeof(text), "%s\"2020-03-12T00:01:00Z,1\n", head);
    expect_file_error("quote.csv", text, NULL, LIQ_EPARSE,
                      "quote.csv:3:1: csv: CSV syntax error: error parsing data while strict "
                      "checking enabled");
}

/* NUL and other control bytes inside a field, wherever the field is. */
static void test_csv_control_bytes(void **state)
{
    (void)state;
    static const char nul[] = "time,price\n2020-03-12T00:00:00Z,1\0002\n";
    write_bytes("nul.csv", nul, sizeof(nul) - 1);
    liq_chain_config_t chain = given_chain("nul.csv", "time", "price", 0, NULL);
    expect_chain_error(&chain, LIQ_EPARSE,
                       "nul.csv:2:2: price: a control character (byte 0x00) at byte 2 of the "
                       "value; expected text without control characters");

    static const char other[] = "time,note,price\n2020-03-12T00:00:00Z,\"a\001b\",1\n";
    write_bytes("other.csv", other, sizeof(other) - 1);
    chain = given_chain("other.csv", "time", "price", 0, NULL);
    expect_chain_error(&chain, LIQ_EPARSE,
                       "other.csv:2:2: note: a control character (byte 0x01) at byte 2 of the "
                       "value; expected text without control characters");

    /* A quoted line break in a header name: reported on the line the field
     * ends on, the line libcsv is reading when it hands the field over. */
    expect_file_error("newline.csv", "\"ti\nme\",price\n", NULL, LIQ_EPARSE,
                      "newline.csv:2:1: header: a control character (byte 0x0a) at byte 3 of "
                      "the value; expected text without control characters");
}

/* A file that cannot be read: LIQ_EIO with the system's reason. */
static void test_unreadable(void **state)
{
    (void)state;
    char message[512];
    liq_chain_config_t chain = given_chain("absent.csv", "time", "price", 0, NULL);
    snprintf(message, sizeof(message), WHERE ": cannot read absent.csv: %s", strerror(ENOENT));
    expect_chain_error(&chain, LIQ_EIO, message);
    chain = given_chain(".", "time", "price", 0, NULL);
    snprintf(message, sizeof(message), WHERE ": cannot read .: %s", strerror(EISDIR));
    expect_chain_error(&chain, LIQ_EIO, message);
}

/* ---------------------------------------------------------------- JSON */

/* What pandas 1.5.3 writes for
 *   pd.DataFrame({"timestamp": pd.to_datetime([...], utc=True), "gwei": [6.5, nan, 21],
 *                 "a/b": ["x", "y", "z"]}).to_json(orient="table")
 * on one line, "/" escaped, NaN as null. Named .csv: the content decides. */
static const char pandas_json[] =
    "{\"schema\":{\"fields\":[{\"name\":\"index\",\"type\":\"integer\"},{\"name\":\"timestamp\","
    "\"type\":\"datetime\",\"tz\":\"UTC\"},{\"name\":\"gwei\",\"type\":\"number\"},{\"name\":"
    "\"a\\/b\",\"type\":\"string\"}],\"primaryKey\":[\"index\"],\"pandas_version\":\"1.4.0\"},"
    "\"data\":[{\"index\":0,\"timestamp\":\"2020-03-12T00:00:00.000Z\",\"gwei\":6.5,\"a\\/b\":"
    "\"x\"},{\"index\":1,\"timestamp\":\"2020-03-12T00:01:00.000Z\",\"gwei\":null,\"a\\/b\":"
    "\"y\"},{\"index\":2,\"timestamp\":\"2020-03-12T00:02:00.000Z\",\"gwei\":21.0,\"a\\/"
    "b\":\"z\"}]}";

static void test_json_pandas(void **state)
{
    (void)state;
    write_text("pandas.csv", pandas_json);
    liq_chain_config_t chain = given_chain("pandas.csv", "timestamp", "gwei", 1, NULL);
    read_ok(&chain);
    assert_int_equal(chain.gas_series.n, 2);
    assert_true(chain.gas_series.seconds[0] == 0.0);
    assert_true(chain.gas_series.seconds[1] == 120.0);
    assert_int_equal(chain.gas_series.wei[0], 6500000000);
    assert_int_equal(chain.gas_series.wei[1], 21000000000);
    liq_gas_series_clear(&chain.gas_series);

    /* The column list comes from schema.fields, "\/" unescaped. */
    chain = given_chain("pandas.csv", "timestamp", "price", 1, NULL);
    expect_chain_error(&chain, LIQ_EKEY,
                       WHERE ": price_column: no column 'price' in pandas.csv; columns: index, "
                             "timestamp, gwei, a/b");
    /* A column of strings is no price. Column 296: the value's offset in the
     * line above (text.index('"x"') + 1 in Python). */
    chain = given_chain("pandas.csv", "timestamp", "a/b", 1, NULL);
    char message[256];
    snprintf(message, sizeof(message),
             "pandas.csv:1:%zu: a/b: \"x\" is a string; expected a number: a finite price >= 0",
             (size_t)(strstr(pandas_json, "\"x\"") - pandas_json) + 1);
    expect_chain_error(&chain, LIQ_EINVAL, message);
    assert_int_equal(strstr(pandas_json, "\"x\"") - pandas_json + 1, 296);
}

/* One row a line, so that positions are easy to check by eye: line 4 is
 * the first row, line 5 the second, whose timestamp value starts at column
 * 29 and whose price at column 66 (Python: line.index(value) + 1). */
#define JSON_HEAD                                                                                  \
    "{\"schema\": {\"fields\": [{\"name\": \"index\"}, {\"name\": \"timestamp\"},\n"               \
    "                       {\"name\": \"price\"}]},\n"                                            \
    " \"data\": [\n"
#define JSON_ROW0 "  {\"index\": 0, \"timestamp\": \"2020-03-12T00:00:00.000Z\", \"price\": 6},\n"
#define JSON_ROW1(time, price)                                                                     \
    "  {\"index\": 1, \"timestamp\": " time ", \"price\": " price "}\n ]}\n"
#define JSON_TIME1 "\"2020-03-12T00:01:00.000Z\""

/* Writes a JSON table and expects reading it (timestamp, price, wei) to
 * fail with `code` and `message`. */
static void expect_json_error(const char *text, int code, const char *message)
{
    write_text("gas.json", text);
    liq_chain_config_t chain = given_chain("gas.json", "timestamp", "price", 0, NULL);
    expect_chain_error(&chain, code, message);
}

static void test_json_errors(void **state)
{
    (void)state;
    /* Rows: time order, prices, times, missing values, wrong kinds. */
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1("\"2020-03-12T00:00:00.000Z\"", "7"),
                      LIQ_EINVAL,
                      "gas.json:5:29: timestamp: 2020-03-12T00:00:00.000Z is not after "
                      "2020-03-12T00:00:00.000Z on line 4; expected times that increase "
                      "strictly from row to row");
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1(JSON_TIME1, "-7"), LIQ_EINVAL,
                      "gas.json:5:66: price: value -7 is negative; " EXPECTED_PRICE);
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1(JSON_TIME1, "NaN"), LIQ_EINVAL,
                      "gas.json:5:66: price: value NaN is not finite; " EXPECTED_PRICE);
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1(JSON_TIME1, "\"7\""), LIQ_EINVAL,
                      "gas.json:5:66: price: \"7\" is a string; expected a number: a finite "
                      "price >= 0");
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1(JSON_TIME1, "{\"gwei\": 7}"), LIQ_EINVAL,
                      "gas.json:5:66: price: found a mapping; expected a price");
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1("null", "7"), LIQ_EINVAL,
                      "gas.json:5:29: timestamp: 'null' is not a time; " EXPECTED_TIME);
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1("\"2020-03-12T00:01:00+0100\"", "7"),
                      LIQ_EINVAL,
                      "gas.json:5:29: timestamp: 2020-03-12T00:01:00+0100 is not after "
                      "2020-03-12T00:00:00.000Z on line 4; expected times that increase "
                      "strictly from row to row");
    expect_json_error(JSON_HEAD JSON_ROW0 JSON_ROW1("\"2020-03-12T00:01:00\\u0000Z\"", "7"),
                      LIQ_EPARSE,
                      "gas.json:5:29: timestamp: a control character (byte 0x00) at byte 20 of "
                      "the value; expected text without control characters");
    expect_json_error(JSON_HEAD JSON_ROW0 "  {\"index\": 1, \"timestamp\": " JSON_TIME1 "}\n]}\n",
                      LIQ_EKEY,
                      "gas.json:5:3: data[1]: no 'price'; expected every row to hold the "
                      "columns 'timestamp' and 'price'");
    expect_json_error(JSON_HEAD JSON_ROW0 "  [1, " JSON_TIME1 ", 7]\n]}\n", LIQ_EINVAL,
                      "gas.json:5:3: data[1]: found a list; expected a row {\"column\": value, "
                      "...}");
    expect_json_error(JSON_HEAD "  {\"index\": 0, \"timestamp\": " JSON_TIME1
                                ", \"price\": null}\n]}\n",
                      LIQ_EINVAL,
                      "gas.json: no prices: every row's 'price' is empty or null; expected at "
                      "least one price");

    /* The table's frame. */
    expect_json_error("{\"schema\": {\"fields\": [{\"name\": \"timestamp\"}, {\"name\": "
                      "\"price\"}]}, \"data\": []}",
                      LIQ_EINVAL,
                      "gas.json:1:76: data: an empty list; expected at least one row of a time "
                      "and a price");
    expect_json_error("{\"schema\": {\"fields\": [{\"name\": \"timestamp\"}, {\"name\": "
                      "\"price\"}]}}",
                      LIQ_EINVAL, "gas.json:1:1: data: found nothing; expected the list of rows");
    expect_json_error("\n  {\"data\": []}", LIQ_EINVAL,
                      "gas.json:2:3: schema.fields: found nothing; expected the list of "
                      "columns, {\"name\": ...} each");
    expect_json_error("{\"schema\": {\"fields\": [{\"name\": \"price\\u0000\"}]}}", LIQ_EPARSE,
                      "gas.json:1:33: schema.fields[0].name: a control character (byte 0x00) at "
                      "byte 6 of the value; expected text without control characters");
    expect_json_error("{\"schema\": {\"fields\": [{\"type\": \"x\"}]}, \"data\": []}", LIQ_EINVAL,
                      "gas.json:1:24: schema.fields[0]: found no name in a mapping; expected "
                      "{\"name\": ...}");
    /* Cut short: libyaml's message (liqnet reads JSON as YAML), where the text ends. */
    expect_json_error(JSON_HEAD JSON_ROW0, LIQ_EPARSE,
                      "gas.json:5:1: YAML syntax error: did not find expected node content "
                      "(while parsing a flow node)");
    write_text("gas.json", JSON_HEAD JSON_ROW0 JSON_ROW1(JSON_TIME1, "7"));
    liq_chain_config_t chain = given_chain("gas.json", "time", "price", 0, NULL);
    expect_chain_error(&chain, LIQ_EKEY,
                       WHERE ": time_column: no column 'time' in gas.json; columns: index, "
                             "timestamp, price");
}

/* -------------------------------------------------------- the real file */

/* Black Thursday's gas prices, one row a minute (shared data, read where
 * it lies). The expected numbers were extracted with /usr/bin/python3:
 *
 *   d = json.load(open(path)); rows = d["data"]          # 1440 rows
 *   kept = [r for r in rows if r["30.0 Perc"] is not None]   # 1433
 *   wei = [int(Decimal(r["30.0 Perc"]).to_integral_value(ROUND_HALF_UP))
 *          for r in kept]                                # llround's halves
 *   t = [timegm(strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")) - t0 ...]
 *
 * Rows 37, 238, 501, 719, 723, 892 and 924 (00:37, 03:58, 08:21, 11:59,
 * 12:03, 14:52 and 15:24 UTC) have doc_count 0 and null prices, so 1433
 * points remain. Three prices end in exactly .5 wei, so the sum is that of
 * halves rounded away from zero (Python's round() would give one less). */
#define REAL_FILE LIQ_SHARED_DIR "/data/events/black-thursday-2020-03-12/gas_1min.json"

static bool real_file_present(void)
{
    if (access(REAL_FILE, R_OK) != 0) {
        print_message("skipped: %s is not there (shared data absent)\n", REAL_FILE);
        return false;
    }
    return true;
}

static void test_black_thursday(void **state)
{
    (void)state;
    if (!real_file_present()) {
        skip();
    }
    liq_chain_config_t chain = given_chain(REAL_FILE, "timestamp", "30.0 Perc", 0, NULL);
    read_ok(&chain);
    const liq_gas_series_t *s = &chain.gas_series;
    assert_int_equal(s->n, 1433);
    /* 00:00 UTC: the first row, round 0. */
    assert_true(s->seconds[0] == 0.0);
    assert_int_equal(s->wei[0], 6000000000);
    /* Index 2 (00:02): 1827238095.2380943 in the file. */
    assert_true(s->seconds[2] == 120.0);
    assert_int_equal(s->wei[2], 1827238095);
    /* 12:00 UTC is point 716 (four null rows before it). */
    assert_true(s->seconds[716] == 43200.0);
    assert_int_equal(s->wei[716], 100000000000);
    /* The maximum, 227169999999.99997 at 16:00 UTC (point 953). */
    int64_t max = 0;
    size_t argmax = 0;
    int64_t sum = 0;
    double seconds_sum = 0.0;
    for (size_t k = 0; k < s->n; k++) {
        if (s->wei[k] > max) {
            max = s->wei[k];
            argmax = k;
        }
        sum += s->wei[k];
        seconds_sum += s->seconds[k];
        if (k > 0) {
            assert_true(s->seconds[k] > s->seconds[k - 1]);
        }
    }
    assert_int_equal(max, 227170000000);
    assert_int_equal(argmax, 953);
    assert_true(s->seconds[953] == 57600.0);
    assert_int_equal(sum, 90354968105477);
    assert_true(seconds_sum == 61922760.0);
    /* 23:59 UTC: the last row. */
    assert_true(s->seconds[1432] == 86340.0);
    assert_int_equal(s->wei[1432], 80000000000);
    liq_gas_series_clear(&chain.gas_series);

    /* Round 0 at 06:00 UTC: the series starts six hours before it. */
    chain = given_chain(REAL_FILE, "timestamp", "30.0 Perc", 0, "2020-03-12T06:00:00Z");
    read_ok(&chain);
    assert_int_equal(chain.gas_series.n, 1433);
    assert_true(chain.gas_series.seconds[0] == -21600.0);
    assert_true(chain.gas_series.seconds[716] == 21600.0);
    assert_int_equal(chain.gas_series.wei[716], 100000000000);
    liq_gas_series_clear(&chain.gas_series);
}

/* The file's "datetime" column is a 12-hour clock without AM or PM
 * (00:00 UTC is "2020-03-12 12:00:00"), so it goes back at 01:00 UTC: row
 * 60, whose datetime is on line 641 at column 25 (the previous row's on
 * line 631), found with Python from the file's lines. */
static void test_black_thursday_errors(void **state)
{
    (void)state;
    if (!real_file_present()) {
        skip();
    }
    liq_chain_config_t chain = given_chain(REAL_FILE, "datetime", "30.0 Perc", 0, NULL);
    expect_chain_error(&chain, LIQ_EINVAL,
                       REAL_FILE ":641:25: datetime: 2020-03-12 01:00:00 is not after "
                                 "2020-03-12 12:59:00 on line 631; expected times that "
                                 "increase strictly from row to row");
    chain = given_chain(REAL_FILE, "timestamp", "30 Perc", 0, NULL);
    expect_chain_error(&chain, LIQ_EKEY,
                       WHERE ": price_column: no column '30 Perc' in " REAL_FILE
                             "; columns: datetime, timestamp, doc_count, avgGasDay, 30.0 Perc, "
                             "60.0 Perc, 90.0 Perc, 100.0 Perc");
    chain = given_chain(REAL_FILE, "timestamp", "30.0 Perc", 0, "2020-03-11T23:59:00Z");
    expect_chain_error(&chain, LIQ_EINVAL,
                       WHERE ": start: 2020-03-11T23:59:00Z is before the first price in " REAL_FILE
                             " (2020-03-12T00:00:00.000Z, line 42); expected a start at or after "
                             "the series' first time");
}

int main(void)
{
    char dir[] = "/tmp/liq_test_gas_path_XXXXXX";
    liq_test_enter_dir(dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_gwei),           cmocka_unit_test(test_csv_wei_seconds),
        cmocka_unit_test(test_csv_missing_prices), cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_control_bytes),  cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_json_pandas),        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_black_thursday),     cmocka_unit_test(test_black_thursday_errors),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    liq_test_leave_dir(dir);
    return failed;
}
