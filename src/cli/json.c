#include "cli/json.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>

void liq_json_init(liq_json_t *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->has_items[0] = false;
}

static void liq_json_raw_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        switch (*c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        default:
            if (*c < 0x20) {
                fprintf(out, "\\u%04x", (unsigned)*c);
            } else {
                fputc(*c, out);
            }
        }
    }
    fputc('"', out);
}

/* The comma, line break and indentation before a value, and its key. */
static void liq_json_lead(liq_json_t *j, const char *key)
{
    if (j->has_items[j->depth]) {
        fputc(',', j->out);
    }
    if (j->depth > 0) {
        fprintf(j->out, "\n%*s", 2 * j->depth, "");
    }
    j->has_items[j->depth] = true;
    if (key != NULL) {
        liq_json_raw_string(j->out, key);
        fputs(": ", j->out);
    }
}

static void liq_json_open(liq_json_t *j, const char *key, char bracket)
{
    liq_json_lead(j, key);
    fputc(bracket, j->out);
    assert(j->depth + 1 < LIQ_JSON_MAX_DEPTH);
    j->depth++;
    j->has_items[j->depth] = false;
}

static void liq_json_close(liq_json_t *j, char bracket)
{
    assert(j->depth > 0);
    const bool had = j->has_items[j->depth];
    j->depth--;
    if (had) {
        fprintf(j->out, "\n%*s", 2 * j->depth, "");
    }
    fputc(bracket, j->out);
}

void liq_json_begin_object(liq_json_t *j, const char *key)
{
    liq_json_open(j, key, '{');
}
void liq_json_end_object(liq_json_t *j)
{
    liq_json_close(j, '}');
}
void liq_json_begin_array(liq_json_t *j, const char *key)
{
    liq_json_open(j, key, '[');
}
void liq_json_end_array(liq_json_t *j)
{
    liq_json_close(j, ']');
}

void liq_json_string(liq_json_t *j, const char *key, const char *value)
{
    liq_json_lead(j, key);
    if (value == NULL) {
        fputs("null", j->out);
    } else {
        liq_json_raw_string(j->out, value);
    }
}

void liq_json_number(liq_json_t *j, const char *key, double value)
{
    liq_json_lead(j, key);
    if (isfinite(value)) {
        /* 17 significant digits read back to the same double. */
        fprintf(j->out, "%.17g", value);
    } else {
        fputs("null", j->out);
    }
}

void liq_json_integer(liq_json_t *j, const char *key, int64_t value)
{
    liq_json_lead(j, key);
    fprintf(j->out, "%" PRId64, value);
}

void liq_json_bool(liq_json_t *j, const char *key, bool value)
{
    liq_json_lead(j, key);
    fputs(value ? "true" : "false", j->out);
}

void liq_json_finish(liq_json_t *j)
{
    assert(j->depth == 0);
    fputc('\n', j->out);
}
