/*
 * A small JSON writer for the command line's machine-readable output
 * (`liqnet run --json`, `liqnet show --json`): objects, arrays, strings
 * escaped per RFC 8259, numbers with %.17g (every double read back to the
 * same bits) and NaN or infinity, which JSON cannot hold, as null.
 * Indented two spaces a level. Strings are written byte for byte apart from
 * the escapes, so they must be UTF-8 (liqnet's names are).
 */
#ifndef LIQ_CLI_JSON_H
#define LIQ_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Deepest nesting the writer tracks; deeper is a programming error. */
#define LIQ_JSON_MAX_DEPTH 16

typedef struct {
    FILE *out;
    int depth;
    bool has_items[LIQ_JSON_MAX_DEPTH]; /* a comma is due before the next value */
} liq_json_t;

void liq_json_init(liq_json_t *j, FILE *out);
/* Each value takes `key` inside an object and NULL elsewhere. */
void liq_json_begin_object(liq_json_t *j, const char *key);
void liq_json_end_object(liq_json_t *j);
void liq_json_begin_array(liq_json_t *j, const char *key);
void liq_json_end_array(liq_json_t *j);
void liq_json_string(liq_json_t *j, const char *key, const char *value); /* NULL: null */
void liq_json_number(liq_json_t *j, const char *key, double value);
void liq_json_integer(liq_json_t *j, const char *key, int64_t value);
void liq_json_bool(liq_json_t *j, const char *key, bool value);
/* Ends the document with a newline. */
void liq_json_finish(liq_json_t *j);

#endif /* LIQ_CLI_JSON_H */
