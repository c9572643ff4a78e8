/*
 * Reading a sweep file (docs/sweeps.md) into its definition (sweep_internal.h):
 * the base scenario, the design and its parameters or settings, the seeds
 * and which trajectories to keep. Every message names the sweep file's line
 * and key (io/yaml_read.h, io's interface for reading YAML); the settings'
 * scenarios are then checked by sweep.c (liq_sweep_check_settings).
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/sweep_internal.h"
#include "io/text_file.h"
#include "io/yaml_read.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/rng.h"

/* A sweep larger than this is surely a mistake in the design (and its
 * summary alone would not fit in memory comfortably). */
#define LIQ_SWEEP_MAX_RUNS ((int64_t)1 << 32)

/* RNG streams of the Latin hypercube, keyed by the sweep seed; far from the
 * small stream numbers scenarios use for shocks and account generators. */
#define LIQ_STREAM_LHS_PERMUTATION UINT64_C(0x5357454550000001)
#define LIQ_STREAM_LHS_POSITION UINT64_C(0x5357454550000002)

/* Summary columns that parameters may not be named after. */
static const char *const liq_reserved_columns[] = {"run",
                                                   "setting",
                                                   "replicate",
                                                   "seed",
                                                   "status",
                                                   "error",
                                                   "total_liquidations",
                                                   "total_stalled",
                                                   "max_amplification",
                                                   NULL};

/* ------------------------------------------------------------- helpers */

static int liq_sweep_nomem(const liq_sweep_t *sw)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the sweep",
                         sw->name != NULL ? sw->name : "sweep");
}

char *liq_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return NULL;
    }
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* "FILE:LINE:COL" of a node. */
static char *liq_origin(const liq_ydoc_t *d, const yaml_node_t *node)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s:%zu:%zu", d->file, node->start_mark.line + 1,
             node->start_mark.column + 1);
    return strdup(buf);
}

/* Shortest "%.*g" text that reads back as v. */
static void liq_format_double(char *buf, size_t size, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

/* A plain scalar true/false. */
static int liq_get_bool(liq_ydoc_t *d, const yaml_node_t *map, const char *key, bool *out)
{
    *out = false;
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    int rc = LIQ_OK;
    if (node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (strcmp(liq_yscalar(node), "true") == 0 || strcmp(liq_yscalar(node), "false") == 0)) {
        *out = strcmp(liq_yscalar(node), "true") == 0;
    } else {
        char excerpt[64] = "";
        if (node->type == YAML_SCALAR_NODE) {
            liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
        }
        rc = liq_ydoc_error(d, LIQ_EINVAL, node, "'%s' is not a boolean; expected true or false",
                            excerpt);
    }
    liq_ypath_pop(d, saved);
    return rc;
}

static int liq_forbid(liq_ydoc_t *d, const yaml_node_t *map, const char *key, const char *why)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    const int rc = liq_ydoc_error(d, LIQ_EKEY, node, "not allowed %s", why);
    liq_ypath_pop(d, saved);
    return rc;
}

/* A scalar that is a finite number (plain style). */
static bool liq_scalar_number(const yaml_node_t *node, double *out)
{
    bool is_nan = false;
    return node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           liq_yparse_double(liq_yscalar(node), out, &is_nan) && isfinite(*out);
}

/* ---------------------------------------------------------- parameters */

/* The value list of one grid parameter: texts and numbers. */
typedef struct {
    size_t n;
    char **text;
    bool *quoted;
    double *value;
} liq_values_t;

static void liq_values_free(liq_values_t *v)
{
    for (size_t i = 0; i < v->n && v->text != NULL; i++) {
        free(v->text[i]);
    }
    free(v->text);
    free(v->quoted);
    free(v->value);
    memset(v, 0, sizeof(*v));
}

static int liq_values_alloc(liq_sweep_t *sw, liq_values_t *v, size_t n)
{
    v->n = n;
    v->text = calloc(n > 0 ? n : 1, sizeof(*v->text));
    v->quoted = calloc(n > 0 ? n : 1, sizeof(*v->quoted));
    v->value = calloc(n > 0 ? n : 1, sizeof(*v->value));
    return v->text != NULL && v->quoted != NULL && v->value != NULL ? LIQ_OK : liq_sweep_nomem(sw);
}

/* `values: [...]` (any scalars) or `scale: [...]` (numbers). */
static int liq_read_values(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *map, const char *key,
                           bool numbers_only, liq_sweep_param_t *p, liq_values_t *v)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(d, map, key, true, true, "values", &items, &n);
    if (rc == LIQ_OK) {
        rc = liq_values_alloc(sw, v, n);
    }
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *node = liq_ydoc_node(d, items[i]);
        const size_t saved = liq_ypath_push_key(d, key);
        liq_ypath_push_index(d, i);
        double x = NAN;
        const bool is_number = liq_scalar_number(node, &x);
        if (node->type != YAML_SCALAR_NODE || liq_ynode_is_null(node)) {
            rc = liq_ydoc_error(d, LIQ_EINVAL, node, "found %s; expected a value",
                                liq_ynode_kind(node));
        } else if (numbers_only && !is_number) {
            char excerpt[64];
            liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
            rc = liq_ydoc_error(d, LIQ_EINVAL, node,
                                "'%s' is not a number; expected a finite "
                                "factor",
                                excerpt);
        } else {
            v->text[i] = strdup(liq_yscalar(node));
            v->quoted[i] = node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            v->value[i] = is_number ? x : (double)NAN;
            if (!is_number) {
                p->numeric = false;
            }
            if (v->text[i] == NULL) {
                rc = liq_sweep_nomem(sw);
            }
        }
        liq_ypath_pop(d, saved);
    }
    return rc;
}

/* The path or paths of a parameter, and its name. */
static int liq_read_paths(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *map,
                          liq_sweep_param_t *p)
{
    const char *name = NULL;
    int rc = liq_yget_string(d, map, "name", false, NULL, &name);
    yaml_node_t *path = liq_ymap_get(d, map, "path");
    yaml_node_t *paths = liq_ymap_get(d, map, "paths");
    if (rc == LIQ_OK && (path == NULL) == (paths == NULL)) {
        return liq_ydoc_error(d, LIQ_EKEY, map, "%s; expected exactly one of path and paths",
                              path == NULL ? "neither path nor paths" : "both path and paths");
    }
    if (rc == LIQ_OK && paths != NULL && name == NULL) {
        return liq_ydoc_error(d, LIQ_EKEY, map,
                              "missing key 'name'; expected a column name with several paths");
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    if (path != NULL) {
        const char *text = NULL;
        rc = liq_yget_string(d, map, "path", true, NULL, &text);
        p->n_paths = 1;
        p->paths = calloc(1, sizeof(*p->paths));
        p->origins = calloc(1, sizeof(*p->origins));
        if (rc == LIQ_OK &&
            (p->paths == NULL || p->origins == NULL || (p->paths[0] = strdup(text)) == NULL ||
             (p->origins[0] = liq_origin(d, path)) == NULL)) {
            rc = liq_sweep_nomem(sw);
        }
    } else {
        yaml_node_item_t *items = NULL;
        size_t n = 0;
        rc = liq_yget_seq(d, map, "paths", true, true, "paths", &items, &n);
        if (rc == LIQ_OK) {
            p->n_paths = n;
            p->paths = calloc(n, sizeof(*p->paths));
            p->origins = calloc(n, sizeof(*p->origins));
            if (p->paths == NULL || p->origins == NULL) {
                rc = liq_sweep_nomem(sw);
            }
        }
        for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
            const yaml_node_t *node = liq_ydoc_node(d, items[i]);
            if (node->type != YAML_SCALAR_NODE || liq_ynode_is_null(node)) {
                const size_t saved = liq_ypath_push_key(d, "paths");
                liq_ypath_push_index(d, i);
                rc = liq_ydoc_error(d, LIQ_EINVAL, node, "found %s; expected a scenario path",
                                    liq_ynode_kind(node));
                liq_ypath_pop(d, saved);
            } else if ((p->paths[i] = strdup(liq_yscalar(node))) == NULL ||
                       (p->origins[i] = liq_origin(d, node)) == NULL) {
                rc = liq_sweep_nomem(sw);
            }
        }
    }
    if (rc == LIQ_OK) {
        p->name = strdup(name != NULL ? name : p->paths[0]);
        if (p->name == NULL) {
            rc = liq_sweep_nomem(sw);
        }
    }
    return rc;
}

/* Fills the cells of parameter k from its value list: a grid repeats value
 * i for settings (s / faster) % n, where faster is the product of the sizes
 * of the parameters after k (the first parameter varies slowest); a Latin
 * hypercube has value s in setting s. */
static int liq_fill_cells(liq_sweep_t *sw, size_t k, const liq_values_t *v, int64_t faster)
{
    for (int64_t s = 0; s < sw->n_settings; s++) {
        const size_t i = faster > 0 ? (size_t)((s / faster) % (int64_t)v->n) : (size_t)s;
        liq_sweep_cell_t *c = liq_sweep_cell(sw, s, k);
        c->text = strdup(v->text[i]);
        c->quoted = v->quoted[i];
        c->value = v->value[i];
        if (c->text == NULL) {
            return liq_sweep_nomem(sw);
        }
    }
    return LIQ_OK;
}

static int liq_check_column(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *at, size_t k)
{
    liq_sweep_param_t *p = &sw->params[k];
    p->column = strdup(p->name);
    if (p->column == NULL) {
        return liq_sweep_nomem(sw);
    }
    for (char *c = p->column; *c != '\0'; c++) {
        if (*c == '/') {
            *c = '_'; /* '/' separates groups in HDF5 names */
        }
    }
    bool clash = false;
    for (const char *const *r = liq_reserved_columns; *r != NULL; r++) {
        clash = clash || strcmp(*r, p->column) == 0;
    }
    for (size_t i = 0; i < liq_summary_defs_count; i++) {
        clash = clash ||
                (liq_summary_defs[i].dim < 0 && strcmp(liq_summary_defs[i].name, p->column) == 0);
    }
    for (size_t j = 0; j < k; j++) {
        clash = clash || strcmp(sw->params[j].column, p->column) == 0;
    }
    if (clash) {
        return liq_ydoc_error(d, LIQ_EINVAL, at,
                              "column name '%s' is taken by another parameter or a summary "
                              "variable; expected a distinct `name`",
                              p->column);
    }
    return LIQ_OK;
}

static const char *const liq_param_keys[] = {"path",  "paths", "name",    "values", "scale",
                                             "range", "log",   "integer", NULL};

/* A grid parameter: exactly one of values and scale. *settings, the grid's
 * size so far, is multiplied by the count of its values. */
static int liq_read_grid_param(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *map,
                               liq_sweep_param_t *p, liq_values_t *values, int64_t *settings)
{
    const bool has_values = liq_ymap_get(d, map, "values") != NULL;
    const bool has_scale = liq_ymap_get(d, map, "scale") != NULL;
    int rc = LIQ_OK;
    if (has_values == has_scale) {
        rc = liq_ydoc_error(d, LIQ_EKEY, map,
                            "%s; expected exactly one of values and "
                            "scale",
                            has_values ? "both values and scale"
                                       : "neither values nor "
                                         "scale");
    }
    for (const char *const *f = (const char *const[]){"range", "log", "integer", NULL};
         rc == LIQ_OK && *f != NULL; f++) {
        rc = liq_forbid(d, map, *f, "in a grid; expected values or scale");
    }
    if (rc == LIQ_OK) {
        p->scale = has_scale;
        rc = liq_read_values(sw, d, map, has_scale ? "scale" : "values", has_scale, p, values);
    }
    if (rc == LIQ_OK) {
        if (*settings > LIQ_SWEEP_MAX_RUNS / (int64_t)values->n) {
            rc = liq_ydoc_error(d, LIQ_EINVAL, map,
                                "the grid has more than %lld "
                                "settings; expected fewer",
                                (long long)LIQ_SWEEP_MAX_RUNS);
        }
        *settings *= (int64_t)values->n;
    }
    return rc;
}

/* A Latin hypercube parameter's range [*lo, *hi], and its flags log and
 * integer. */
static int liq_read_lhs_range(liq_ydoc_t *d, const yaml_node_t *map, double *lo, double *hi,
                              bool *log_scale, bool *integer)
{
    int rc = liq_forbid(d, map, "values", "in a latin_hypercube; expected range");
    if (rc == LIQ_OK) {
        rc = liq_forbid(d, map, "scale", "in a latin_hypercube; expected range");
    }
    yaml_node_item_t *r = NULL;
    size_t nr = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_seq(d, map, "range", true, true, "numbers", &r, &nr);
    }
    const yaml_node_t *range = liq_ymap_get(d, map, "range");
    if (rc == LIQ_OK && (nr != 2 || !liq_scalar_number(liq_ydoc_node(d, r[0]), lo) ||
                         !liq_scalar_number(liq_ydoc_node(d, r[1]), hi) || !(*lo < *hi))) {
        const size_t s2 = liq_ypath_push_key(d, "range");
        rc = liq_ydoc_error(d, LIQ_EINVAL, range,
                            "expected [low, high], two finite "
                            "numbers with low < high");
        liq_ypath_pop(d, s2);
    }
    if (rc == LIQ_OK) {
        rc = liq_get_bool(d, map, "log", log_scale);
    }
    if (rc == LIQ_OK) {
        rc = liq_get_bool(d, map, "integer", integer);
    }
    if (rc == LIQ_OK && *log_scale && !(*lo > 0.0)) {
        const size_t s2 = liq_ypath_push_key(d, "range");
        rc = liq_ydoc_error(d, LIQ_EINVAL, range,
                            "low %g with log: true; expected "
                            "low > 0",
                            *lo);
        liq_ypath_pop(d, s2);
    }
    return rc;
}

/* A Latin hypercube parameter k: `samples` values in its range. */
static int liq_read_lhs_param(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *map, size_t k,
                              int64_t samples, liq_values_t *values)
{
    double lo = 0.0, hi = 0.0;
    bool log_scale = false, integer = false;
    int rc = liq_read_lhs_range(d, map, &lo, &hi, &log_scale, &integer);
    if (rc == LIQ_OK) {
        rc = liq_values_alloc(sw, values, (size_t)samples);
    }
    /* Latin hypercube: stratum perm[i] of n, position uniform in it;
     * perm is a Fisher-Yates shuffle. Both from the counter-based
     * RNG keyed by the sweep seed, parameter k and the draw index. */
    size_t *perm = rc == LIQ_OK ? malloc((size_t)samples * sizeof(*perm)) : NULL;
    if (rc == LIQ_OK && perm == NULL) {
        rc = liq_sweep_nomem(sw);
    }
    const liq_rng_key_t key = {.seed = sw->seed, .run = 0};
    for (size_t i = 0; rc == LIQ_OK && i < (size_t)samples; i++) {
        perm[i] = i;
    }
    for (size_t i = (size_t)samples; rc == LIQ_OK && i-- > 1;) {
        double u[4];
        liq_rng_uniform4(key, LIQ_STREAM_LHS_PERMUTATION, k, i, u);
        const size_t j = (size_t)(u[0] * (double)(i + 1));
        const size_t t = perm[i];
        perm[i] = perm[j < i ? j : i];
        perm[j < i ? j : i] = t;
    }
    for (size_t i = 0; rc == LIQ_OK && i < (size_t)samples; i++) {
        double u[4];
        liq_rng_uniform4(key, LIQ_STREAM_LHS_POSITION, k, i, u);
        const double x = ((double)perm[i] + u[0]) / (double)samples;
        double v = log_scale ? exp(log(lo) + x * (log(hi) - log(lo))) : lo + x * (hi - lo);
        char text[64];
        if (integer) {
            v = (double)llround(v);
            snprintf(text, sizeof(text), "%lld", (long long)llround(v));
        } else {
            liq_format_double(text, sizeof(text), v);
        }
        values->value[i] = v;
        values->text[i] = strdup(text);
        if (values->text[i] == NULL) {
            rc = liq_sweep_nomem(sw);
        }
    }
    free(perm);
    return rc;
}

/* design: grid and latin_hypercube. */
static int liq_read_parameters(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *root)
{
    const bool grid = sw->design == LIQ_DESIGN_GRID;
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(d, root, "parameters", true, true, "parameters", &items, &n);
    if (rc != LIQ_OK) {
        return rc;
    }
    sw->params = calloc(n, sizeof(*sw->params));
    liq_values_t *values = calloc(n, sizeof(*values));
    if (sw->params == NULL || values == NULL) {
        free(values);
        return liq_sweep_nomem(sw);
    }
    sw->n_params = n;
    int64_t settings = 1;
    int64_t samples = 0;
    if (!grid) {
        rc = liq_yget_int(d, root, "samples", 1, 1 << 24, "an integer >= 1", true, 0, &samples);
        settings = samples;
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const yaml_node_t *map = liq_ydoc_node(d, items[k]);
        liq_sweep_param_t *p = &sw->params[k];
        p->numeric = true;
        const size_t saved = liq_ypath_push_key(d, "parameters");
        liq_ypath_push_index(d, k);
        rc = liq_ymap_check(d, map, liq_param_keys);
        if (rc == LIQ_OK) {
            rc = liq_read_paths(sw, d, map, p);
        }
        if (rc == LIQ_OK) {
            rc = liq_check_column(sw, d, map, k);
        }
        if (rc == LIQ_OK) {
            rc = grid ? liq_read_grid_param(sw, d, map, p, &values[k], &settings)
                      : liq_read_lhs_param(sw, d, map, k, samples, &values[k]);
        }
        liq_ypath_pop(d, saved);
    }
    if (rc == LIQ_OK) {
        sw->n_settings = settings;
        sw->cells = calloc((size_t)settings * n, sizeof(*sw->cells));
        if (sw->cells == NULL) {
            rc = liq_sweep_nomem(sw);
        }
    }
    int64_t faster = settings;
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        if (grid) {
            faster /= (int64_t)values[k].n;
        }
        rc = liq_fill_cells(sw, k, &values[k], grid ? faster : 0);
    }
    for (size_t k = 0; k < n; k++) {
        liq_values_free(&values[k]);
    }
    free(values);
    return rc;
}

/* design: list, pass 1: a setting's paths not seen before become columns,
 * in order of first appearance. */
static int liq_setting_columns(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *map, size_t *cap)
{
    if (map->type != YAML_MAPPING_NODE) {
        return liq_ydoc_error(d, LIQ_EINVAL, map,
                              "found %s; expected a mapping of scenario "
                              "paths to values",
                              liq_ynode_kind(map));
    }
    int rc = LIQ_OK;
    for (const yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         rc == LIQ_OK && pr < map->data.mapping.pairs.top; pr++) {
        const yaml_node_t *key = liq_ydoc_node(d, pr->key);
        const yaml_node_t *value = liq_ydoc_node(d, pr->value);
        if (key->type != YAML_SCALAR_NODE || value->type != YAML_SCALAR_NODE ||
            liq_ynode_is_null(value)) {
            return liq_ydoc_error(d, LIQ_EINVAL, key->type != YAML_SCALAR_NODE ? key : value,
                                  "found %s; expected `path: value` with a single value",
                                  liq_ynode_kind(key->type != YAML_SCALAR_NODE ? key : value));
        }
        bool known = false;
        for (size_t k = 0; k < sw->n_params; k++) {
            if (strcmp(sw->params[k].name, liq_yscalar(key)) == 0) {
                known = true;
            }
        }
        if (known) {
            continue;
        }
        if (sw->n_params == *cap) {
            *cap = *cap > 0 ? 2 * *cap : 8;
            liq_sweep_param_t *grown = realloc(sw->params, *cap * sizeof(*grown));
            if (grown == NULL) {
                return liq_sweep_nomem(sw);
            }
            sw->params = grown;
        }
        liq_sweep_param_t *p = &sw->params[sw->n_params];
        memset(p, 0, sizeof(*p));
        sw->n_params++;
        p->numeric = true;
        p->n_paths = 1;
        p->paths = calloc(1, sizeof(*p->paths));
        p->origins = calloc(1, sizeof(*p->origins));
        if (p->paths == NULL || p->origins == NULL ||
            (p->paths[0] = strdup(liq_yscalar(key))) == NULL ||
            (p->origins[0] = liq_origin(d, key)) == NULL ||
            (p->name = strdup(liq_yscalar(key))) == NULL) {
            return liq_sweep_nomem(sw);
        }
        rc = liq_check_column(sw, d, key, sw->n_params - 1);
    }
    return rc;
}

/* design: list, pass 2: setting s's cells. */
static int liq_setting_cells(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *map, size_t s)
{
    for (size_t k = 0; k < sw->n_params; k++) {
        liq_sweep_cell(sw, (int64_t)s, k)->value = NAN;
    }
    int rc = LIQ_OK;
    for (const yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         rc == LIQ_OK && pr < map->data.mapping.pairs.top; pr++) {
        const yaml_node_t *key = liq_ydoc_node(d, pr->key);
        const yaml_node_t *value = liq_ydoc_node(d, pr->value);
        size_t k = 0;
        while (strcmp(sw->params[k].name, liq_yscalar(key)) != 0) {
            k++;
        }
        liq_sweep_cell_t *c = liq_sweep_cell(sw, (int64_t)s, k);
        if (c->text != NULL) {
            const size_t saved = liq_ypath_push_key(d, "settings");
            liq_ypath_push_index(d, s);
            rc = liq_ydoc_error(d, LIQ_EKEY, key, "path '%s' given twice", liq_yscalar(key));
            liq_ypath_pop(d, saved);
            break;
        }
        double x = NAN;
        const bool is_number = liq_scalar_number(value, &x);
        c->text = strdup(liq_yscalar(value));
        c->quoted = value->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        c->value = is_number ? x : (double)NAN;
        c->origin = liq_origin(d, key);
        if (!is_number) {
            sw->params[k].numeric = false;
        }
        if (c->text == NULL || c->origin == NULL) {
            rc = liq_sweep_nomem(sw);
        }
    }
    return rc;
}

/* design: list. Columns are the paths in order of first appearance. */
static int liq_read_settings(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *root)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(d, root, "settings", true, true, "settings", &items, &n);
    if (rc != LIQ_OK) {
        return rc;
    }
    size_t cap = 0;
    for (size_t s = 0; rc == LIQ_OK && s < n; s++) {
        const size_t saved = liq_ypath_push_key(d, "settings");
        liq_ypath_push_index(d, s);
        rc = liq_setting_columns(sw, d, liq_ydoc_node(d, items[s]), &cap);
        liq_ypath_pop(d, saved);
    }
    if (rc == LIQ_OK) {
        sw->n_settings = (int64_t)n;
        sw->cells = calloc(n * (sw->n_params > 0 ? sw->n_params : 1), sizeof(*sw->cells));
        if (sw->cells == NULL) {
            rc = liq_sweep_nomem(sw);
        }
    }
    for (size_t s = 0; rc == LIQ_OK && s < n; s++) {
        rc = liq_setting_cells(sw, d, liq_ydoc_node(d, items[s]), s);
    }
    return rc;
}

/* ------------------------------------------------------- trajectories */

bool liq_slice_parse(const char *text, liq_slice_t *out)
{
    int64_t part[3] = {0, -1, 1};
    bool given[3] = {false, false, false};
    const char *p = text;
    int k = 0;
    for (;;) {
        if (*p >= '0' && *p <= '9') {
            char *end = NULL;
            errno = 0;
            const long long v = strtoll(p, &end, 10);
            if (errno != 0) {
                return false;
            }
            part[k] = v;
            given[k] = true;
            p = end;
        }
        if (*p == '\0') {
            break;
        }
        if (*p != ':' || k == 2) {
            return false;
        }
        p++;
        k++;
    }
    if (k == 0) {
        if (!given[0]) {
            return false;
        }
        part[1] = part[0] + 1;
    }
    if (k == 2 && (!given[2] || part[2] < 1)) {
        return false;
    }
    out->start = part[0];
    out->stop = given[1] || k == 0 ? part[1] : -1;
    out->step = part[2];
    return true;
}

static int liq_read_output(liq_sweep_t *sw, liq_ydoc_t *d, const yaml_node_t *root)
{
    sw->traj_mode = LIQ_TRAJ_ALL;
    sw->rounds_kept = (liq_slice_t){0, -1, 1};
    yaml_node_t *output = liq_ymap_get(d, root, "output");
    if (output == NULL) {
        return LIQ_OK;
    }
    static const char *const keys[] = {"trajectories", NULL};
    const size_t saved = liq_ypath_push_key(d, "output");
    int rc = liq_ymap_check(d, output, keys);
    yaml_node_t *t = rc == LIQ_OK ? liq_ymap_get(d, output, "trajectories") : NULL;
    if (t != NULL) {
        liq_ypath_push_key(d, "trajectories");
        if (t->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(t), "all") == 0) {
            sw->traj_mode = LIQ_TRAJ_ALL;
        } else if (t->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(t), "none") == 0) {
            sw->traj_mode = LIQ_TRAJ_NONE;
        } else if (t->type == YAML_MAPPING_NODE) {
            static const char *const tkeys[] = {"runs", "rounds", NULL};
            rc = liq_ymap_check(d, t, tkeys);
            sw->traj_mode = LIQ_TRAJ_SUBSET;
            sw->keep_run = calloc((size_t)sw->n_runs, sizeof(*sw->keep_run));
            if (rc == LIQ_OK && sw->keep_run == NULL) {
                rc = liq_sweep_nomem(sw);
            }
            yaml_node_t *runs = rc == LIQ_OK ? liq_ymap_get(d, t, "runs") : NULL;
            liq_slice_t all = {0, -1, 1};
            liq_slice_t slice = all;
            const size_t before_runs = liq_ypath_push_key(d, "runs");
            if (runs != NULL && runs->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *it = runs->data.sequence.items.start;
                     rc == LIQ_OK && it < runs->data.sequence.items.top; it++) {
                    const yaml_node_t *item = liq_ydoc_node(d, *it);
                    double v = 0.0;
                    if (!liq_scalar_number(item, &v) || v != floor(v) || v < 0 ||
                        v >= (double)sw->n_runs) {
                        rc = liq_ydoc_error(d, LIQ_EINVAL, item,
                                            "'%.48s' is not a run; expected an integer in [0, "
                                            "%lld]",
                                            item->type == YAML_SCALAR_NODE ? liq_yscalar(item) : "",
                                            (long long)sw->n_runs - 1);
                    } else {
                        sw->keep_run[(size_t)v] = true;
                    }
                }
                slice.stop = 0; /* the list alone */
            } else if (runs != NULL && (runs->type != YAML_SCALAR_NODE ||
                                        !liq_slice_parse(liq_yscalar(runs), &slice))) {
                rc =
                    liq_ydoc_error(d, LIQ_EINVAL, runs,
                                   "expected a list of run numbers or a slice \"start:stop:step\"");
            }
            for (int64_t r = 0; rc == LIQ_OK && r < sw->n_runs; r++) {
                sw->keep_run[r] = sw->keep_run[r] || liq_slice_has(&slice, r);
            }
            liq_ypath_pop(d, before_runs);
            yaml_node_t *rounds = rc == LIQ_OK ? liq_ymap_get(d, t, "rounds") : NULL;
            if (rounds != NULL && (rounds->type != YAML_SCALAR_NODE ||
                                   !liq_slice_parse(liq_yscalar(rounds), &sw->rounds_kept))) {
                liq_ypath_push_key(d, "rounds");
                rc = liq_ydoc_error(d, LIQ_EINVAL, rounds,
                                    "expected a slice of rounds \"start:stop:step\" (stop "
                                    "excluded, each part optional)");
            }
        } else {
            rc = liq_ydoc_error(d, LIQ_EINVAL, t,
                                "expected all, none or a mapping with runs and rounds");
        }
    }
    liq_ypath_pop(d, saved);
    return rc;
}

/* -------------------------------------------------------------- public */

static const char *const liq_top_keys[] = {"base",   "seed",       "seeds_per_setting", "rounds",
                                           "design", "parameters", "samples",           "settings",
                                           "output", NULL};

static int liq_read_sweep(liq_sweep_t *sw, liq_ydoc_t *d, const char *base_dir)
{
    yaml_node_t *root = liq_ydoc_root(d);
    if (root == NULL || liq_ynode_is_null(root)) {
        return liq_ydoc_error(d, LIQ_EINVAL, root,
                              "the document is empty; expected a mapping with at least base");
    }
    int rc = liq_ymap_check(d, root, liq_top_keys);
    const char *base = NULL;
    if (rc == LIQ_OK) {
        rc = liq_yget_string(d, root, "base", true, NULL, &base);
    }
    int64_t seed = 1;
    if (rc == LIQ_OK) {
        rc = liq_yget_int(d, root, "seed", 0, INT64_MAX, "an integer >= 0", false, 1, &seed);
        sw->seed = (uint64_t)seed;
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_int(d, root, "seeds_per_setting", 1, INT32_MAX, "an integer >= 1", false, 1,
                          &sw->seeds_per_setting);
    }
    if (rc == LIQ_OK) {
        rc =
            liq_yget_int(d, root, "rounds", 1, INT32_MAX, "an integer >= 1", false, 0, &sw->rounds);
        snprintf(sw->rounds_text, sizeof(sw->rounds_text), "%lld", (long long)sw->rounds);
    }
    int design = 0;
    static const char *const designs[] = {"grid", "latin_hypercube", "list", NULL};
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(d, root, "design", designs, "design", false, 0, &design);
        sw->design = (liq_design_t)design;
    }
    /* The base scenario, relative to the sweep file. */
    if (rc == LIQ_OK) {
        if (base[0] == '/' || base_dir == NULL) {
            sw->base_path = strdup(base);
        } else {
            sw->base_path = malloc(strlen(base_dir) + strlen(base) + 2);
            if (sw->base_path != NULL) {
                sprintf(sw->base_path, "%s/%s", base_dir, base);
            }
        }
        if (sw->base_path == NULL) {
            return liq_sweep_nomem(sw);
        }
        sw->base_dir = liq_path_dir(sw->base_path);
        int err = 0;
        const int got = liq_text_file_read(sw->base_path, &sw->base_text, &sw->base_len, &err);
        if (got != LIQ_OK) {
            const size_t saved = liq_ypath_push_key(d, "base");
            rc = liq_ydoc_error(d, got, liq_ymap_get(d, root, "base"), "cannot read '%s': %s",
                                sw->base_path, strerror(got == LIQ_ENOMEM ? ENOMEM : err));
            liq_ypath_pop(d, saved);
            return rc;
        }
    }
    if (rc == LIQ_OK && sw->design == LIQ_DESIGN_LIST) {
        rc = liq_forbid(d, root, "parameters", "with design list; expected settings");
        if (rc == LIQ_OK) {
            rc = liq_forbid(d, root, "samples", "with design list");
        }
        if (rc == LIQ_OK) {
            rc = liq_read_settings(sw, d, root);
        }
    } else if (rc == LIQ_OK) {
        rc = liq_forbid(d, root, "settings", "with this design; expected parameters");
        if (rc == LIQ_OK && sw->design == LIQ_DESIGN_GRID) {
            rc = liq_forbid(d, root, "samples", "with design grid");
        }
        if (rc == LIQ_OK) {
            rc = liq_read_parameters(sw, d, root);
        }
    }
    if (rc == LIQ_OK) {
        if (sw->n_settings > LIQ_SWEEP_MAX_RUNS / sw->seeds_per_setting) {
            return liq_ydoc_error(d, LIQ_EINVAL, root,
                                  "the sweep has more than %lld runs; "
                                  "expected fewer",
                                  (long long)LIQ_SWEEP_MAX_RUNS);
        }
        sw->n_runs = sw->n_settings * sw->seeds_per_setting;
        rc = liq_read_output(sw, d, root);
    }
    return rc;
}

int liq_sweep_parse(liq_sweep_t **out, const char *text, size_t len, const char *name,
                    const char *base_dir)
{
    assert(out != NULL && text != NULL);
    *out = NULL;
    liq_sweep_t *sw = calloc(1, sizeof(*sw));
    if (sw == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory while reading the sweep");
    }
    sw->name = strdup(name != NULL ? name : "<string>");
    sw->text = malloc(len + 1);
    if (sw->name == NULL || sw->text == NULL) {
        liq_sweep_destroy(sw);
        return liq_error_set(LIQ_ENOMEM, "out of memory while reading the sweep");
    }
    memcpy(sw->text, text, len);
    sw->text[len] = '\0';
    sw->len = len;
    liq_ydoc_t doc;
    int rc = liq_ydoc_load(&doc, text, len, sw->name);
    if (rc == LIQ_OK) {
        rc = liq_read_sweep(sw, &doc, base_dir);
    }
    liq_ydoc_destroy(&doc);
    if (rc == LIQ_OK) {
        rc = liq_sweep_setting_scenario(&sw->base, sw, -1);
        if (rc != LIQ_OK) {
            char inner[1024];
            snprintf(inner, sizeof(inner), "%s", liq_errmsg());
            rc = liq_error_set(rc, "%s: base scenario: %s", sw->name, inner);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_scenario_dump(&sw->base_yaml, sw->base);
    }
    if (rc == LIQ_OK) {
        rc = liq_sweep_check_settings(sw);
    }
    if (rc != LIQ_OK) {
        liq_sweep_destroy(sw);
        return rc;
    }
    *out = sw;
    return LIQ_OK;
}

int liq_sweep_load(liq_sweep_t **out, const char *path)
{
    assert(out != NULL && path != NULL);
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    const int got = liq_text_file_read(path, &text, &len, &err);
    if (got != LIQ_OK) {
        return liq_error_set(got, "%s: cannot read: %s", path,
                             strerror(got == LIQ_ENOMEM ? ENOMEM : err));
    }
    char *dir = liq_path_dir(path);
    const int rc = liq_sweep_parse(out, text, len, path, dir);
    free(dir);
    free(text);
    return rc;
}
