/*
 * Reading YAML with liqnet's messages: a typed accessor layer over
 * libyaml's document API. Interface of src/io for every area that reads a
 * YAML file of its own (src/experiment's sweep files) as well as for io's
 * own readers (the scenario, overrides, a graph's keys); it knows nothing
 * of scenarios.
 *
 * The scenario reader asks questions such as "the key `price` of this mapping,
 * as a finite number > 0". Every accessor answers with LIQ_OK or an error code
 * and, on error, writes one message line of the form
 *
 *     FILE:LINE:COL: KEY: what is wrong; expected ...
 *
 * where LINE:COL (1-based) point at the offending node and KEY is the dotted
 * path of that node from the top of the document ("protocols[0].markets[1].
 * oracle"). The path is kept in the document object and grown and shrunk by
 * the caller as it descends, so accessors never need to be told where they are.
 *
 * Scalars are strings in libyaml; this layer decides what they mean. Numbers
 * are plain (unquoted) scalars that strtod consumes whole, plus the YAML
 * spellings of infinity (.inf, -.Inf, ...). A quoted "5" is a string, and
 * true / false / yes / no are booleans: both are wrong-type errors where a
 * number is expected, because silently accepting them hides typos.
 */
#ifndef LIQNET_IO_YAML_READ_H
#define LIQNET_IO_YAML_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

/* Longest key path kept for messages; longer paths are cut, never overrun. */
#define LIQ_YPATH_MAX 256

/* Where a node added to the document came from (a graph file's vertex and
 * attribute), for messages about it. */
typedef struct {
    int node; /* document index */
    char *text;
} liq_yorigin_t;

typedef struct {
    yaml_document_t doc;
    bool loaded;      /* doc holds nodes and must be deleted */
    const char *file; /* the name used at the start of every message */
    char path[LIQ_YPATH_MAX];
    size_t path_len;
    liq_yorigin_t *origins; /* liq_ydoc_set_origin; freed by liq_ydoc_destroy */
    size_t n_origins, cap_origins;
} liq_ydoc_t;

/* A closed or open interval of accepted numbers, and how to say it. */
typedef struct {
    double lo, hi;         /* bounds; -INFINITY / INFINITY for none */
    bool lo_open, hi_open; /* true: the bound itself is excluded */
    bool allow_inf;        /* +inf is accepted (it means "none" or "never") */
    const char *expected;  /* "a finite number > 0", used after "expected " */
} liq_yrange_t;

/*
 * Parses text as exactly one YAML document. `file` is borrowed for messages
 * and must outlive the object. Syntax errors give LIQ_EPARSE with libyaml's
 * problem and context; a stream with a second document is LIQ_EPARSE too.
 * An empty stream loads (root is NULL). Release with liq_ydoc_destroy, also
 * after an error.
 */
int liq_ydoc_load(liq_ydoc_t *d, const char *text, size_t len, const char *file);
void liq_ydoc_destroy(liq_ydoc_t *d);

/* The root node, or NULL for an empty document. */
yaml_node_t *liq_ydoc_root(liq_ydoc_t *d);

/* Key path: push returns the previous length, which pop restores. */
size_t liq_ypath_push_key(liq_ydoc_t *d, const char *key);
size_t liq_ypath_push_index(liq_ydoc_t *d, size_t index);
void liq_ypath_pop(liq_ydoc_t *d, size_t saved);
/* The current path, or "(top level)" at the root. */
const char *liq_ypath(const liq_ydoc_t *d);

/* Sets "FILE:LINE:COL: PATH: <fmt>" (position of `at`) and returns code;
 * " (from ORIGIN)" follows when `at` has an origin (liq_ydoc_set_origin). */
int liq_ydoc_error(const liq_ydoc_t *d, int code, const yaml_node_t *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Records where node `node` (a document index) came from: a message about
 * it ends " (from TEXT)". TEXT is copied. LIQ_ENOMEM when out of memory. */
int liq_ydoc_set_origin(liq_ydoc_t *d, int node, const char *text);

/* Copies a scalar's text for a message: at most ~48 bytes, control
 * characters replaced by '?', so a message stays one short line. */
void liq_ydoc_excerpt(char *buf, size_t size, const yaml_node_t *scalar);

/* "a mapping", "a list", "a scalar" (for wrong-kind messages). */
const char *liq_ynode_kind(const yaml_node_t *node);

/* The node with a document index (from pairs and items). */
yaml_node_t *liq_ydoc_node(liq_ydoc_t *d, int index);

/*
 * Checks that `map` (at the current path) is a mapping whose keys are
 * scalars, all in `allowed` (NULL-terminated), none repeated. A null scalar
 * ("key:" with no value) passes as an empty mapping. Errors: LIQ_EINVAL for
 * a wrong kind, LIQ_EKEY for unknown or duplicate keys.
 */
int liq_ymap_check(liq_ydoc_t *d, const yaml_node_t *map, const char *const *allowed);

/* The value of `key` in a checked mapping, or NULL if absent. */
yaml_node_t *liq_ymap_get(liq_ydoc_t *d, const yaml_node_t *map, const char *key);

/* As liq_ymap_get, but a missing key is LIQ_EKEY at the mapping. */
int liq_ymap_require(liq_ydoc_t *d, const yaml_node_t *map, const char *key, yaml_node_t **out);

/* True for a plain scalar that YAML reads as null: "", "~", "null". */
bool liq_ynode_is_null(const yaml_node_t *node);

/*
 * Typed values of a key in a checked mapping. `required` false with the key
 * absent stores `dflt` and succeeds. Every error names the key path, the
 * value as written and what was expected.
 */
int liq_yget_double(liq_ydoc_t *d, const yaml_node_t *map, const char *key,
                    const liq_yrange_t *range, bool required, double dflt, double *out);
int liq_yget_int(liq_ydoc_t *d, const yaml_node_t *map, const char *key, int64_t lo, int64_t hi,
                 const char *expected, bool required, int64_t dflt, int64_t *out);
/* A non-empty string; *out points into the document (valid until destroy). */
int liq_yget_string(liq_ydoc_t *d, const yaml_node_t *map, const char *key, bool required,
                    const char *dflt, const char **out);
/* One of `names` (NULL-terminated); *out is its position. `what` is the noun
 * for the message ("source" gives "unknown source 'x'"). */
int liq_yget_enum(liq_ydoc_t *d, const yaml_node_t *map, const char *key, const char *const *names,
                  const char *what, bool required, int dflt, int *out);
/*
 * A duration in whole rounds: a YAML integer is rounds; a string
 * "<number><unit>" with unit s, min, h or d is ceil(seconds / round_seconds).
 * The result must be >= min_rounds.
 */
int liq_yget_duration(liq_ydoc_t *d, const yaml_node_t *map, const char *key, double round_seconds,
                      int64_t min_rounds, bool required, int64_t dflt, int64_t *out);
/* A duration in whole seconds, as liq_yget_duration with 1 s rounds: a YAML
 * integer is seconds, "<number><unit>" is rounded up to whole seconds. */
int liq_yget_seconds(liq_ydoc_t *d, const yaml_node_t *map, const char *key, int64_t min_seconds,
                     bool required, int64_t dflt, int64_t *out);
/*
 * A list: *items points at its document indices (count *n). Absent or null
 * gives an empty list unless `required`; `nonempty` rejects []. `what` names
 * the items for messages ("assets").
 */
int liq_yget_seq(liq_ydoc_t *d, const yaml_node_t *map, const char *key, bool required,
                 bool nonempty, const char *what, yaml_node_item_t **items, size_t *n);

/* The scalar text of a node that is known to be a scalar. */
const char *liq_yscalar(const yaml_node_t *node);

/*
 * Parses a number as this layer reads numbers (see the file comment) from a
 * NUL-terminated string; *is_nan is set for the NaN spellings, which then
 * return false. Shared with the path-CSV reader so both accept the same text.
 */
bool liq_yparse_double(const char *text, double *out, bool *is_nan);

#endif /* LIQNET_IO_YAML_READ_H */
