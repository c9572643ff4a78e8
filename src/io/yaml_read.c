/*
 * Typed accessors over a libyaml document (see yaml_read.h).
 *
 * Scenario files are small (a few hundred to a few thousand nodes), so every
 * lookup is a linear scan of a mapping's pairs: simpler than a hash table and
 * far below the cost of reading the file. What matters here is that every
 * rejected value produces one precise line for the user.
 */
#define _POSIX_C_SOURCE 200809L

#include "io/yaml_read.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "liqnet/error.h"

/* Room for one formatted message before it is prefixed with the location. */
#define LIQ_YMSG_MAX 768

/* A rounds count computed from seconds that is within this relative distance
 * of a whole number is that whole number: 0.3h / 12 s is 90 rounds, even
 * though 0.3 * 3600 / 12 is not exactly 90 in binary floating point. Without
 * it ceil() would turn representation noise into an extra round. */
#define LIQ_DURATION_REL_TOL 1e-9

/* Largest rounds count a duration may give; beyond it int64 would overflow. */
#define LIQ_DURATION_MAX_ROUNDS 4.0e18

static int liq_ydoc_verror(const liq_ydoc_t *d, int code, const yaml_node_t *at, const char *fmt,
                           va_list ap)
{
    char what[LIQ_YMSG_MAX];
    vsnprintf(what, sizeof(what), fmt, ap);
    const size_t line = at != NULL ? at->start_mark.line + 1 : 1;
    const size_t column = at != NULL ? at->start_mark.column + 1 : 1;
    const char *origin = NULL;
    if (at != NULL && d->loaded) {
        const int node = (int)(at - d->doc.nodes.start) + 1;
        for (size_t k = 0; k < d->n_origins; k++) {
            if (d->origins[k].node == node) {
                origin = d->origins[k].text;
            }
        }
    }
    if (origin != NULL) {
        return liq_error_set(code, "%s:%zu:%zu: %s: %s (from %s)", d->file, line, column,
                             liq_ypath(d), what, origin);
    }
    return liq_error_set(code, "%s:%zu:%zu: %s: %s", d->file, line, column, liq_ypath(d), what);
}

int liq_ydoc_set_origin(liq_ydoc_t *d, int node, const char *text)
{
    if (d->n_origins == d->cap_origins) {
        const size_t grown = d->cap_origins > 0 ? 2 * d->cap_origins : 16;
        liq_yorigin_t *o = realloc(d->origins, grown * sizeof(*o));
        if (o == NULL) {
            return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading YAML", d->file);
        }
        d->origins = o;
        d->cap_origins = grown;
    }
    char *copy = strdup(text);
    if (copy == NULL) {
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading YAML", d->file);
    }
    d->origins[d->n_origins++] = (liq_yorigin_t){node, copy};
    return LIQ_OK;
}

int liq_ydoc_error(const liq_ydoc_t *d, int code, const yaml_node_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int rc = liq_ydoc_verror(d, code, at, fmt, ap);
    va_end(ap);
    return rc;
}

/* 1-based line and column of a byte offset, for reader errors, which libyaml
 * reports as an offset only. */
static void liq_offset_position(const char *text, size_t len, size_t offset, size_t *line,
                                size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

static int liq_ydoc_syntax_error(const yaml_parser_t *parser, const char *text, size_t len,
                                 const char *file)
{
    if (parser->error == YAML_MEMORY_ERROR) {
        /* libyaml refuses to grow any of its stacks past 1 GiB (INT_MAX / 2
         * bytes), whatever the memory: the document's node list (96 bytes a
         * node) stops at about 16.7 million keys, values and items. */
        return liq_error_set(LIQ_ENOMEM,
                             "%s: out of memory while reading YAML (%.0f MB of text): libyaml "
                             "holds at most about 16 million YAML nodes (keys, values, items) "
                             "in one document, whatever the memory; larger networks need fewer "
                             "markets or account generators per file",
                             file, (double)len / 1e6);
    }
    size_t line = parser->problem_mark.line + 1;
    size_t column = parser->problem_mark.column + 1;
    if (parser->error == YAML_READER_ERROR) {
        liq_offset_position(text, len, parser->problem_offset, &line, &column);
    }
    const char *problem = parser->problem != NULL ? parser->problem : "unknown problem";
    if (parser->context != NULL) {
        return liq_error_set(LIQ_EPARSE, "%s:%zu:%zu: YAML syntax error: %s (%s)", file, line,
                             column, problem, parser->context);
    }
    return liq_error_set(LIQ_EPARSE, "%s:%zu:%zu: YAML syntax error: %s", file, line, column,
                         problem);
}

int liq_ydoc_load(liq_ydoc_t *d, const char *text, size_t len, const char *file)
{
    memset(d, 0, sizeof(*d));
    d->file = file;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading YAML", file);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    int rc = LIQ_OK;
    /* On failure yaml_parser_load deletes the partial document itself. */
    if (!yaml_parser_load(&parser, &d->doc)) {
        rc = liq_ydoc_syntax_error(&parser, text, len, file);
        goto cleanup;
    }
    d->loaded = true;

    /* A second document would be silently ignored by the document API; a
     * scenario is one document, so say so instead. */
    yaml_document_t next;
    if (!yaml_parser_load(&parser, &next)) {
        rc = liq_ydoc_syntax_error(&parser, text, len, file);
        goto cleanup;
    }
    const yaml_node_t *next_root = yaml_document_get_root_node(&next);
    if (next_root != NULL) {
        rc = liq_error_set(LIQ_EPARSE,
                           "%s:%zu:%zu: YAML syntax error: a second document starts here; "
                           "expected exactly one document",
                           file, next_root->start_mark.line + 1, next_root->start_mark.column + 1);
    }
    yaml_document_delete(&next);

cleanup:
    yaml_parser_delete(&parser);
    return rc;
}

void liq_ydoc_destroy(liq_ydoc_t *d)
{
    if (d != NULL && d->loaded) {
        yaml_document_delete(&d->doc);
        d->loaded = false;
    }
    if (d != NULL) {
        for (size_t k = 0; k < d->n_origins; k++) {
            free(d->origins[k].text);
        }
        free(d->origins);
        d->origins = NULL;
        d->n_origins = d->cap_origins = 0;
    }
}

yaml_node_t *liq_ydoc_root(liq_ydoc_t *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

yaml_node_t *liq_ydoc_node(liq_ydoc_t *d, int index)
{
    return yaml_document_get_node(&d->doc, index);
}

/* ------------------------------------------------------------ key paths */

size_t liq_ypath_push_key(liq_ydoc_t *d, const char *key)
{
    const size_t saved = d->path_len;
    const size_t room = sizeof(d->path) - d->path_len;
    const int n = snprintf(d->path + d->path_len, room, "%s%s", d->path_len > 0 ? "." : "", key);
    if (n > 0) {
        d->path_len += (size_t)n < room ? (size_t)n : room - 1;
    }
    return saved;
}

size_t liq_ypath_push_index(liq_ydoc_t *d, size_t index)
{
    const size_t saved = d->path_len;
    const size_t room = sizeof(d->path) - d->path_len;
    const int n = snprintf(d->path + d->path_len, room, "[%zu]", index);
    if (n > 0) {
        d->path_len += (size_t)n < room ? (size_t)n : room - 1;
    }
    return saved;
}

void liq_ypath_pop(liq_ydoc_t *d, size_t saved)
{
    d->path_len = saved;
    d->path[saved] = '\0';
}

const char *liq_ypath(const liq_ydoc_t *d)
{
    return d->path_len > 0 ? d->path : "(top level)";
}

/* --------------------------------------------------------------- nodes */

const char *liq_yscalar(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

void liq_ydoc_excerpt(char *buf, size_t size, const yaml_node_t *scalar)
{
    /* 48 bytes show any sensible value whole; longer ones are cut with "...". */
    const size_t limit = 48;
    const char *text = liq_yscalar(scalar);
    const size_t len = scalar->data.scalar.length;
    size_t out = 0;
    for (size_t i = 0; i < len && i < limit && out + 1 < size; i++) {
        const unsigned char c = (unsigned char)text[i];
        buf[out++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (len > limit && out + 4 < size) {
        memcpy(buf + out, "...", 3);
        out += 3;
    }
    buf[out] = '\0';
}

const char *liq_ynode_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_NO_NODE:
        break;
    }
    return "nothing";
}

bool liq_ynode_is_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return false;
    }
    const char *s = liq_yscalar(node);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

static bool liq_yscalar_is_quoted(const yaml_node_t *node)
{
    return node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
           node->data.scalar.style != YAML_ANY_SCALAR_STYLE;
}

static bool liq_yscalar_is_bool(const yaml_node_t *node)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off"};
    if (liq_yscalar_is_quoted(node)) {
        return false;
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcasecmp(liq_yscalar(node), words[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* "found a list" / "found a scalar 'x'" for wrong-kind messages. */
static void liq_ydescribe(char *buf, size_t size, const yaml_node_t *node)
{
    if (node->type == YAML_SCALAR_NODE) {
        char excerpt[64];
        liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
        snprintf(buf, size, "a scalar '%s'", excerpt);
    } else {
        snprintf(buf, size, "%s", liq_ynode_kind(node));
    }
}

/* ------------------------------------------------------------- mappings */

/* "name, price, market_depth" from a NULL-terminated key list. */
static void liq_yjoin(char *buf, size_t size, const char *const *words)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *const *w = words; *w != NULL && used < size; w++) {
        const int n = snprintf(buf + used, size - used, "%s%s", w == words ? "" : ", ", *w);
        used += n > 0 ? (size_t)n : 0;
    }
}

int liq_ymap_check(liq_ydoc_t *d, const yaml_node_t *map, const char *const *allowed)
{
    /* The list of keys is short (at most twenty); it is spelled out so that
     * a typo is obvious next to the right spelling. It is joined only for a
     * message: a generated ecosystem checks 10^6 mappings. */
    char list[LIQ_YMSG_MAX / 2];
    if (liq_ynode_is_null(map)) {
        return LIQ_OK; /* "key:" with nothing after it is an empty mapping */
    }
    if (map->type != YAML_MAPPING_NODE) {
        char found[96];
        liq_ydescribe(found, sizeof(found), map);
        liq_yjoin(list, sizeof(list), allowed);
        return liq_ydoc_error(d, LIQ_EINVAL, map, "found %s; expected a mapping with keys %s",
                              found, list);
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *key = liq_ydoc_node(d, p->key);
        if (key->type != YAML_SCALAR_NODE) {
            liq_yjoin(list, sizeof(list), allowed);
            return liq_ydoc_error(d, LIQ_EKEY, key, "found %s as a key; expected one of %s",
                                  liq_ynode_kind(key), list);
        }
        bool known = false;
        for (const char *const *a = allowed; *a != NULL; a++) {
            if (strcmp(liq_yscalar(key), *a) == 0) {
                known = true;
                break;
            }
        }
        if (!known) {
            char excerpt[64];
            liq_ydoc_excerpt(excerpt, sizeof(excerpt), key);
            liq_yjoin(list, sizeof(list), allowed);
            return liq_ydoc_error(d, LIQ_EKEY, key, "unknown key '%s'; expected one of %s", excerpt,
                                  list);
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            const yaml_node_t *earlier = liq_ydoc_node(d, q->key);
            if (earlier->type == YAML_SCALAR_NODE &&
                strcmp(liq_yscalar(earlier), liq_yscalar(key)) == 0) {
                char excerpt[64];
                liq_ydoc_excerpt(excerpt, sizeof(excerpt), key);
                return liq_ydoc_error(d, LIQ_EKEY, key,
                                      "duplicate key '%s' (first given at line %zu); expected "
                                      "each key at most once",
                                      excerpt, earlier->start_mark.line + 1);
            }
        }
    }
    return LIQ_OK;
}

yaml_node_t *liq_ymap_get(liq_ydoc_t *d, const yaml_node_t *map, const char *key)
{
    if (map->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = liq_ydoc_node(d, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(k), key) == 0) {
            return liq_ydoc_node(d, p->value);
        }
    }
    return NULL;
}

int liq_ymap_require(liq_ydoc_t *d, const yaml_node_t *map, const char *key, yaml_node_t **out)
{
    *out = liq_ymap_get(d, map, key);
    if (*out == NULL) {
        return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
    }
    return LIQ_OK;
}

/* -------------------------------------------------------------- numbers */

bool liq_yparse_double(const char *text, double *out, bool *is_nan)
{
    *is_nan = false;
    const char *s = text;
    double sign = 1.0;
    if (*s == '+' || *s == '-') {
        sign = *s == '-' ? -1.0 : 1.0;
        s++;
    }
    const char *word = *s == '.' ? s + 1 : s;
    if (strcasecmp(word, "inf") == 0 || strcasecmp(word, "infinity") == 0) {
        *out = sign * (double)INFINITY;
        return true;
    }
    if (strcasecmp(word, "nan") == 0) {
        *is_nan = true;
        return false;
    }
    /* Only decimal notation: strtod would also take hex floats and
     * "nan(...)", which no YAML reader would call a number. */
    if (text[0] == '\0' || text[strspn(text, "0123456789+-.eE")] != '\0' ||
        strpbrk(text, "0123456789") == NULL) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    const double v = strtod(text, &end);
    if (end == text || *end != '\0') {
        return false;
    }
    *out = v; /* ERANGE overflow gives +-inf, which the range check reports */
    return true;
}

/* Reads a scalar number for `expected`; every failure is a message. */
static int liq_ynode_double(liq_ydoc_t *d, const yaml_node_t *node, const char *expected,
                            double *out)
{
    char excerpt[64];
    if (node->type != YAML_SCALAR_NODE) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "found %s; expected %s", liq_ynode_kind(node),
                              expected);
    }
    if (liq_ynode_is_null(node)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value is empty; expected %s", expected);
    }
    liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
    if (liq_yscalar_is_quoted(node)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node,
                              "'%s' is a quoted string, not a number; "
                              "expected %s",
                              excerpt, expected);
    }
    if (liq_yscalar_is_bool(node)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' is a boolean, not a number; expected %s",
                              excerpt, expected);
    }
    bool is_nan = false;
    if (!liq_yparse_double(liq_yscalar(node), out, &is_nan)) {
        if (is_nan) {
            return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is not finite; expected %s",
                                  excerpt, expected);
        }
        return liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' is not a number; expected %s", excerpt,
                              expected);
    }
    return LIQ_OK;
}

static int liq_ycheck_range(liq_ydoc_t *d, const yaml_node_t *node, const liq_yrange_t *range,
                            double v)
{
    char excerpt[64];
    liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
    if (isinf(v) && !(v > 0.0 && range->allow_inf)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is not finite; expected %s", excerpt,
                              range->expected);
    }
    if (isinf(v)) {
        return LIQ_OK;
    }
    const bool below = range->lo_open ? !(v > range->lo) : !(v >= range->lo);
    const bool above = range->hi_open ? !(v < range->hi) : !(v <= range->hi);
    if (below && v < 0.0 && range->lo >= 0.0) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is negative; expected %s", excerpt,
                              range->expected);
    }
    if (below || above) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is out of range; expected %s", excerpt,
                              range->expected);
    }
    return LIQ_OK;
}

int liq_yget_double(liq_ydoc_t *d, const yaml_node_t *map, const char *key,
                    const liq_yrange_t *range, bool required, double dflt, double *out)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
        }
        *out = dflt;
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    int rc = liq_ynode_double(d, node, range->expected, out);
    if (rc == LIQ_OK) {
        rc = liq_ycheck_range(d, node, range, *out);
    }
    liq_ypath_pop(d, saved);
    return rc;
}

/* An integer written as digits, or as a float with an integral value (1e6):
 * counts are often written in exponent form and mean the same thing. */
static int liq_ynode_int(liq_ydoc_t *d, const yaml_node_t *node, const char *expected,
                         const char *not_integer, int64_t *out)
{
    double v = 0.0;
    int rc = liq_ynode_double(d, node, expected, &v);
    if (rc != LIQ_OK) {
        return rc;
    }
    char excerpt[64];
    liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
    const char *text = liq_yscalar(node);
    if (text[strspn(text, "+-0123456789")] == '\0') {
        /* Pure digits: strtoll keeps every digit of values above 2^53. */
        errno = 0;
        const long long n = strtoll(text, NULL, 10);
        if (errno == ERANGE) {
            return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is out of range; expected %s",
                                  excerpt, expected);
        }
        *out = (int64_t)n;
        return LIQ_OK;
    }
    if (isinf(v)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is not finite; expected %s", excerpt,
                              expected);
    }
    if (v != floor(v)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is not %s; expected %s", excerpt,
                              not_integer, expected);
    }
    /* 2^63 is exact in double; anything at or beyond it does not fit. */
    if (!(v < 9223372036854775808.0 && v >= -9223372036854775808.0)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is out of range; expected %s", excerpt,
                              expected);
    }
    *out = (int64_t)v;
    return LIQ_OK;
}

int liq_yget_int(liq_ydoc_t *d, const yaml_node_t *map, const char *key, int64_t lo, int64_t hi,
                 const char *expected, bool required, int64_t dflt, int64_t *out)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
        }
        *out = dflt;
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    int rc = liq_ynode_int(d, node, expected, "an integer", out);
    if (rc == LIQ_OK && (*out < lo || *out > hi)) {
        char excerpt[64];
        liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
        rc = liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is %s; expected %s", excerpt,
                            *out < 0 && lo >= 0 ? "negative" : "out of range", expected);
    }
    liq_ypath_pop(d, saved);
    return rc;
}

/* -------------------------------------------------------------- strings */

static bool liq_has_control(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

int liq_yget_string(liq_ydoc_t *d, const yaml_node_t *map, const char *key, bool required,
                    const char *dflt, const char **out)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
        }
        *out = dflt;
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    int rc = LIQ_OK;
    if (node->type != YAML_SCALAR_NODE) {
        rc = liq_ydoc_error(d, LIQ_EINVAL, node, "found %s; expected a string",
                            liq_ynode_kind(node));
    } else if (liq_ynode_is_null(node) || node->data.scalar.length == 0) {
        rc = liq_ydoc_error(d, LIQ_EINVAL, node, "value is empty; expected a non-empty string");
    } else if (liq_has_control(liq_yscalar(node), node->data.scalar.length)) {
        /* Names and paths end up in one-line messages and in the dump. */
        rc = liq_ydoc_error(d, LIQ_EINVAL, node,
                            "the string contains a control character; expected printable text");
    } else {
        *out = liq_yscalar(node);
    }
    liq_ypath_pop(d, saved);
    return rc;
}

int liq_yget_enum(liq_ydoc_t *d, const yaml_node_t *map, const char *key, const char *const *names,
                  const char *what, bool required, int dflt, int *out)
{
    const char *value = NULL;
    int rc = liq_yget_string(d, map, key, required, NULL, &value);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (value == NULL) {
        *out = dflt;
        return LIQ_OK;
    }
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = i;
            return LIQ_OK;
        }
    }
    char list[LIQ_YMSG_MAX / 2];
    liq_yjoin(list, sizeof(list), names);
    const yaml_node_t *node = liq_ymap_get(d, map, key);
    char excerpt[64];
    liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
    const size_t saved = liq_ypath_push_key(d, key);
    rc = liq_ydoc_error(d, LIQ_EINVAL, node, "unknown %s '%s'; expected %s%s", what, excerpt,
                        names[1] != NULL ? "one of " : "", list);
    liq_ypath_pop(d, saved);
    return rc;
}

/* ------------------------------------------------------------ durations */

/* A duration in whole `word` (rounds, or seconds with round_seconds 1). */
static int liq_ynode_duration(liq_ydoc_t *d, const yaml_node_t *node, double round_seconds,
                              int64_t min_rounds, const char *word, int64_t *out)
{
    char expected[160];
    snprintf(expected, sizeof(expected),
             "a whole number of %s >= %lld, or <number><unit> with unit s, min, h or d", word,
             (long long)min_rounds);
    if (node->type != YAML_SCALAR_NODE || liq_ynode_is_null(node) || liq_yscalar_is_bool(node)) {
        /* Reuse the number reader's wording for wrong kinds and empties. */
        double unused = 0.0;
        const int rc = liq_ynode_double(d, node, expected, &unused);
        return rc != LIQ_OK ? rc : liq_ydoc_error(d, LIQ_EINVAL, node, "expected %s", expected);
    }
    char excerpt[64];
    liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
    const char *text = liq_yscalar(node);
    bool is_nan = false;
    double v = 0.0;
    const bool is_number = liq_yparse_double(text, &v, &is_nan);
    if (!liq_yscalar_is_quoted(node) && (is_number || is_nan)) {
        /* A bare number is a count of rounds (seconds) and must be whole. */
        int64_t rounds = 0;
        char whole[48];
        snprintf(whole, sizeof(whole), "a whole number of %s", word);
        const int rc = liq_ynode_int(d, node, expected, whole, &rounds);
        if (rc != LIQ_OK) {
            return rc;
        }
        if (rounds < min_rounds) {
            return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is %s; expected %s", excerpt,
                                  rounds < 0 ? "negative" : "out of range", expected);
        }
        *out = rounds;
        return LIQ_OK;
    }
    /* "<number><unit>": the number is the longest prefix of number
     * characters; no unit starts with 'e', so "1e3s" splits correctly. */
    const size_t span = strspn(text, "0123456789+-.eE");
    char number[64];
    if (span == 0 || span >= sizeof(number)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' is not a duration; expected %s", excerpt,
                              expected);
    }
    memcpy(number, text, span);
    number[span] = '\0';
    const char *unit = text + span;
    double seconds_per_unit = 0.0;
    if (strcmp(unit, "s") == 0) {
        seconds_per_unit = 1.0;
    } else if (strcmp(unit, "min") == 0) {
        seconds_per_unit = 60.0;
    } else if (strcmp(unit, "h") == 0) {
        seconds_per_unit = 3600.0;
    } else if (strcmp(unit, "d") == 0) {
        seconds_per_unit = 86400.0;
    } else if (unit[0] == '\0') {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' has no unit; expected %s", excerpt,
                              expected);
    } else {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' has an unknown unit '%s'; expected %s",
                              excerpt, unit, expected);
    }
    if (!liq_yparse_double(number, &v, &is_nan)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' is not a duration; expected %s", excerpt,
                              expected);
    }
    if (v < 0.0) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is negative; expected %s", excerpt,
                              expected);
    }
    const double q = v * seconds_per_unit / round_seconds;
    if (!(q <= LIQ_DURATION_MAX_ROUNDS)) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is out of range; expected %s", excerpt,
                              expected);
    }
    /* MODEL.md s3: durations in seconds round up to whole rounds. */
    const double nearest = round(q);
    const double rounds = fabs(q - nearest) <= LIQ_DURATION_REL_TOL * nearest ? nearest : ceil(q);
    if (rounds < (double)min_rounds) {
        return liq_ydoc_error(d, LIQ_EINVAL, node, "value %s is %.0f %s; expected %s", excerpt,
                              rounds, word, expected);
    }
    *out = (int64_t)rounds;
    return LIQ_OK;
}

int liq_yget_duration(liq_ydoc_t *d, const yaml_node_t *map, const char *key, double round_seconds,
                      int64_t min_rounds, bool required, int64_t dflt, int64_t *out)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
        }
        *out = dflt;
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    const int rc = liq_ynode_duration(d, node, round_seconds, min_rounds, "rounds", out);
    liq_ypath_pop(d, saved);
    return rc;
}

int liq_yget_seconds(liq_ydoc_t *d, const yaml_node_t *map, const char *key, int64_t min_seconds,
                     bool required, int64_t dflt, int64_t *out)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
        }
        *out = dflt;
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    const int rc = liq_ynode_duration(d, node, 1.0, min_seconds, "seconds", out);
    liq_ypath_pop(d, saved);
    return rc;
}

/* ---------------------------------------------------------------- lists */

int liq_yget_seq(liq_ydoc_t *d, const yaml_node_t *map, const char *key, bool required,
                 bool nonempty, const char *what, yaml_node_item_t **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(d, LIQ_EKEY, map, "missing key '%s'", key);
        }
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    int rc = LIQ_OK;
    if (node->type == YAML_SEQUENCE_NODE) {
        *items = node->data.sequence.items.start;
        *n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    } else if (!liq_ynode_is_null(node)) {
        char found[96];
        liq_ydescribe(found, sizeof(found), node);
        rc = liq_ydoc_error(d, LIQ_EINVAL, node, "found %s; expected a list of %s", found, what);
    }
    if (rc == LIQ_OK && nonempty && *n == 0) {
        rc = liq_ydoc_error(d, LIQ_EINVAL, node, "the list is empty; expected at least one of %s",
                            what);
    }
    liq_ypath_pop(d, saved);
    return rc;
}
