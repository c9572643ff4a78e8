/*
 * Reading a calibration file (docs/calibration.md) into its definition
 * (calibrate_internal.h): the scenario, the seeds, the parameters (scenario
 * key paths with bounds), the targets (a summary or per-round variable of
 * the run file, its real value and source), the data split and the
 * optimiser. Every message names the calibration file's line and key
 * (io/yaml_read.h); the parameters' paths and bounds are then checked
 * against the scenario by reading it at each parameter's start and bounds.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlopt.h>

#include "experiment/calibrate_internal.h"
#include "experiment/sweep_internal.h"
#include "io/text_file.h"
#include "io/h5_layout.h"
#include "io/yaml_read.h"
#include "liqnet/error.h"
#include "liqnet/io.h"

/* Derivative-free NLopt algorithms the calibration accepts (the objective
 * has no gradient): local ones, and global ones for an optional first
 * search over the whole box. */
static const char *const liq_local_algorithms[] = {"LN_BOBYQA", "LN_NELDERMEAD", "LN_SBPLX",
                                                   "LN_COBYLA", NULL};
static const char *const liq_global_algorithms[] = {"GN_DIRECT_L", "GN_DIRECT_L_RAND", "GN_CRS2_LM",
                                                    "GN_ISRES",    "GN_ESCH",          NULL};

static int liq_calib_nomem(const liq_calib_t *cal)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the calibration",
                         cal->name != NULL ? cal->name : "calibration");
}

/* A plain scalar true/false; absent: false. */
static int liq_get_flag(liq_ydoc_t *d, const yaml_node_t *map, const char *key, bool *out)
{
    *out = false;
    yaml_node_t *node = liq_ymap_get(d, map, key);
    if (node == NULL) {
        return LIQ_OK;
    }
    if (node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (strcmp(liq_yscalar(node), "true") == 0 || strcmp(liq_yscalar(node), "false") == 0)) {
        *out = strcmp(liq_yscalar(node), "true") == 0;
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, key);
    const int rc = liq_ydoc_error(d, LIQ_EINVAL, node, "not a boolean; expected true or false");
    liq_ypath_pop(d, saved);
    return rc;
}

/* A finite plain number. */
static bool liq_number(const yaml_node_t *node, double *out)
{
    bool is_nan = false;
    return node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           liq_yparse_double(liq_yscalar(node), out, &is_nan) && isfinite(*out);
}

/* Rounds "start:stop:step" (Python's slice, stop excluded, each part
 * optional) or "N" (round N alone) within 0 .. rounds: *first, *last
 * (inclusive) and *step; false when malformed or empty. */
static bool liq_parse_rounds(const char *text, int64_t rounds, int64_t *first, int64_t *last,
                             int64_t *step)
{
    liq_slice_t s;
    if (!liq_slice_parse(text, &s)) {
        return false;
    }
    const int64_t stop = s.stop < 0 ? rounds + 1 : s.stop;
    if (stop > rounds + 1 || s.start >= stop) {
        return false;
    }
    *first = s.start;
    *step = s.step;
    *last = s.start + (stop - 1 - s.start) / s.step * s.step;
    return true;
}

/* A string key read as rounds (above); `what` for the message. */
static int liq_get_rounds(liq_ydoc_t *d, const yaml_node_t *map, const char *key, int64_t rounds,
                          int64_t *first, int64_t *last, int64_t *step)
{
    yaml_node_t *node = liq_ymap_get(d, map, key);
    const size_t saved = liq_ypath_push_key(d, key);
    int rc = LIQ_OK;
    if (node->type != YAML_SCALAR_NODE ||
        !liq_parse_rounds(liq_yscalar(node), rounds, first, last, step)) {
        char excerpt[64] = "";
        if (node->type == YAML_SCALAR_NODE) {
            liq_ydoc_excerpt(excerpt, sizeof(excerpt), node);
        }
        rc = liq_ydoc_error(d, LIQ_EINVAL, node,
                            "'%s' is not a range of rounds; expected \"start:stop\" or "
                            "\"start:stop:step\" (stop excluded, each part optional) or a round, "
                            "within 0 to %lld",
                            excerpt, (long long)rounds);
    }
    liq_ypath_pop(d, saved);
    return rc;
}

/* ---------------------------------------------------------- parameters */

static const char *const liq_param_keys[] = {"path", "name", "bounds", "start", "log", NULL};

static int liq_read_param(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *map,
                          liq_calib_param_t *p)
{
    int rc = liq_ymap_check(d, map, liq_param_keys);
    const char *path = NULL, *name = NULL;
    if (rc == LIQ_OK) {
        rc = liq_yget_string(d, map, "path", true, NULL, &path);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_string(d, map, "name", false, path, &name);
    }
    if (rc == LIQ_OK) {
        rc = liq_get_flag(d, map, "log", &p->log);
    }
    yaml_node_item_t *b = NULL;
    size_t nb = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_seq(d, map, "bounds", true, true, "numbers", &b, &nb);
    }
    if (rc == LIQ_OK && (nb != 2 || !liq_number(liq_ydoc_node(d, b[0]), &p->lower) ||
                         !liq_number(liq_ydoc_node(d, b[1]), &p->upper) || !(p->lower < p->upper) ||
                         (p->log && !(p->lower > 0.0)))) {
        const size_t saved = liq_ypath_push_key(d, "bounds");
        rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ymap_get(d, map, "bounds"),
                            "expected [lower, upper], two finite numbers with lower < upper%s",
                            p->log ? " and lower > 0 (log: true)" : "");
        liq_ypath_pop(d, saved);
    }
    /* The default start: the middle of the range (in log for log: true). */
    const double mid = p->log ? sqrt(p->lower * p->upper) : 0.5 * (p->lower + p->upper);
    if (rc == LIQ_OK) {
        char expected[160];
        snprintf(expected, sizeof(expected), "a number within the bounds [%.17g, %.17g]", p->lower,
                 p->upper);
        const liq_yrange_t range = {p->lower, p->upper, false, false, false, expected};
        rc = liq_yget_double(d, map, "start", &range, false, mid, &p->start);
    }
    if (rc == LIQ_OK) {
        const yaml_node_t *node = liq_ymap_get(d, map, "path");
        char origin[512];
        snprintf(origin, sizeof(origin), "%s:%zu:%zu", d->file, node->start_mark.line + 1,
                 node->start_mark.column + 1);
        p->path = strdup(path);
        p->name = strdup(name);
        p->origin = strdup(origin);
        if (p->path == NULL || p->name == NULL || p->origin == NULL) {
            rc = liq_calib_nomem(cal);
        }
    }
    return rc;
}

static int liq_read_params(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(d, root, "parameters", true, true, "parameters", &items, &n);
    if (rc == LIQ_OK && n > LIQ_CALIB_MAX_PARAMS) {
        const size_t saved = liq_ypath_push_key(d, "parameters");
        rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ymap_get(d, root, "parameters"),
                            "%zu parameters; expected at most %d (a calibration fits a few "
                            "declared parameters)",
                            n, LIQ_CALIB_MAX_PARAMS);
        liq_ypath_pop(d, saved);
    }
    const size_t s0 = liq_ypath_push_key(d, "parameters");
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t s1 = liq_ypath_push_index(d, k);
        rc = liq_read_param(cal, d, liq_ydoc_node(d, items[k]), &cal->params[k]);
        cal->n_params = k + 1;
        for (size_t j = 0; rc == LIQ_OK && j < k; j++) {
            if (strcmp(cal->params[j].name, cal->params[k].name) == 0 ||
                strcmp(cal->params[j].path, cal->params[k].path) == 0) {
                rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ydoc_node(d, items[k]),
                                    "parameter '%s' repeats parameters[%zu]; expected each path "
                                    "and name once",
                                    cal->params[k].name, j);
            }
        }
        liq_ypath_pop(d, s1);
    }
    liq_ypath_pop(d, s0);
    return rc;
}

/* ------------------------------------------------------------- targets */

static const char *const liq_target_keys[] = {"name",  "summary", "series", "entity",
                                              "round", "rounds",  "reduce", "real",
                                              "scale", "weight",  "source", NULL};

/* The names of the entities of a dimension, and their count. */
static size_t liq_dim_count(const liq_scenario_t *sc, int dim)
{
    switch (dim) {
    case LIQ_DIM_ASSET:
        return sc->n_assets;
    case LIQ_DIM_POOL:
        return sc->n_pools;
    case LIQ_DIM_ORACLE:
        return sc->n_oracles;
    case LIQ_DIM_PROTOCOL:
        return sc->n_protocols;
    case LIQ_DIM_CHAIN:
        return sc->n_chains;
    default:
        return sc->n_bridges;
    }
}

static const char *liq_dim_entity(const liq_scenario_t *sc, int dim, size_t i)
{
    switch (dim) {
    case LIQ_DIM_ASSET:
        return sc->assets[i].name;
    case LIQ_DIM_POOL:
        return sc->pools[i].name;
    case LIQ_DIM_ORACLE:
        return sc->oracles[i].name;
    case LIQ_DIM_PROTOCOL:
        return sc->protocols[i].name;
    case LIQ_DIM_CHAIN:
        return sc->chains[i].name;
    default:
        return sc->bridges[i].name;
    }
}

static const char *const liq_dim_words[LIQ_N_DIMS] = {"asset",    "pool",  "oracle",
                                                      "protocol", "chain", "bridge"};

/* `entity`: a name of the variable's dimension; absent: every entity. */
static int liq_read_entity(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *map,
                           const liq_scenario_t *sc, liq_calib_target_t *t)
{
    const char *entity = NULL;
    int rc = liq_yget_string(d, map, "entity", false, NULL, &entity);
    t->entity_index = -1;
    if (rc != LIQ_OK || entity == NULL) {
        return rc;
    }
    const size_t saved = liq_ypath_push_key(d, "entity");
    const yaml_node_t *node = liq_ymap_get(d, map, "entity");
    if (t->dim < 0) {
        rc = liq_ydoc_error(d, LIQ_EINVAL, node,
                            "'%s' has no entities; expected no entity for a scalar variable",
                            t->variable);
    } else {
        const size_t n = liq_dim_count(sc, t->dim);
        char names[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < n && t->entity_index < 0; i++) {
            const char *name = liq_dim_entity(sc, t->dim, i);
            if (strcmp(name, entity) == 0) {
                t->entity_index = (int32_t)i;
            } else if (used + strlen(name) + 8 < sizeof(names)) {
                used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
                                         used > 0 ? ", " : "", name);
            }
        }
        if (t->entity_index < 0) {
            rc = liq_ydoc_error(d, LIQ_EREF, node, "no %s named '%s'; %ss: %s",
                                liq_dim_words[t->dim], entity, liq_dim_words[t->dim], names);
        } else if ((t->entity = strdup(entity)) == NULL) {
            rc = liq_calib_nomem(cal);
        }
    }
    liq_ypath_pop(d, saved);
    return rc;
}

/* `summary: NAME` or `series: NAME` with its rounds. */
static int liq_read_quantity(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *map,
                             liq_calib_target_t *t)
{
    const yaml_node_t *summary = liq_ymap_get(d, map, "summary");
    const yaml_node_t *series = liq_ymap_get(d, map, "series");
    if ((summary == NULL) == (series == NULL)) {
        return liq_ydoc_error(d, LIQ_EKEY, map,
                              "%s; expected exactly one of summary (a summary variable of the "
                              "run file) and series (a per-round variable)",
                              summary == NULL ? "neither summary nor series"
                                              : "both summary and series");
    }
    t->kind = summary != NULL ? LIQ_TARGET_SUMMARY : LIQ_TARGET_SERIES;
    const char *key = summary != NULL ? "summary" : "series";
    const char *name = NULL;
    int rc = liq_yget_string(d, map, key, true, NULL, &name);
    if (rc != LIQ_OK) {
        return rc;
    }
    bool found = false;
    char names[1200] = "";
    if (t->kind == LIQ_TARGET_SUMMARY) {
        size_t used = 0;
        for (size_t k = 0; k < liq_summary_defs_count; k++) {
            if (strcmp(liq_summary_defs[k].name, name) == 0) {
                found = true;
                t->def = k;
                t->dim = liq_summary_defs[k].dim;
                t->integer = liq_summary_defs[k].integer;
                t->offset = liq_summary_defs[k].offset;
            }
            if (used + 64 < sizeof(names)) {
                used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
                                         k > 0 ? ", " : "", liq_summary_defs[k].name);
            }
        }
    } else {
        liq_h5_dim_t dim = LIQ_DIM_ASSET;
        found = liq_h5_series_find(name, &dim, &t->integer, &t->offset);
        t->dim = (int)dim;
        liq_h5_series_names(names, sizeof(names));
    }
    if (!found) {
        const size_t saved = liq_ypath_push_key(d, key);
        rc = liq_ydoc_error(d, LIQ_EKEY, liq_ymap_get(d, map, key),
                            "unknown %s variable '%s'; expected one of %s",
                            t->kind == LIQ_TARGET_SUMMARY ? "summary" : "per-round", name, names);
        liq_ypath_pop(d, saved);
        return rc;
    }
    t->variable = strdup(name);
    return t->variable != NULL ? LIQ_OK : liq_calib_nomem(cal);
}

/* The rounds of a target: a summary uses every round; a series `round: N`
 * (its value) or `rounds` with `reduce`. */
static int liq_read_target_rounds(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *map,
                                  liq_calib_target_t *t)
{
    const yaml_node_t *round = liq_ymap_get(d, map, "round");
    const yaml_node_t *rounds = liq_ymap_get(d, map, "rounds");
    t->first_round = 0;
    t->last_round = cal->rounds;
    t->step = 1;
    if (t->kind == LIQ_TARGET_SUMMARY) {
        const char *bad = round != NULL                            ? "round"
                          : rounds != NULL                         ? "rounds"
                          : liq_ymap_get(d, map, "reduce") != NULL ? "reduce"
                                                                   : NULL;
        if (bad != NULL) {
            const size_t saved = liq_ypath_push_key(d, bad);
            const int rc = liq_ydoc_error(d, LIQ_EKEY, liq_ymap_get(d, map, bad),
                                          "not allowed with summary (a summary covers the whole "
                                          "run); expected it with series");
            liq_ypath_pop(d, saved);
            return rc;
        }
        return LIQ_OK;
    }
    if ((round == NULL) == (rounds == NULL)) {
        return liq_ydoc_error(d, LIQ_EKEY, map,
                              "%s; expected exactly one of round (the value at that round) and "
                              "rounds (a range, reduced by reduce)",
                              round == NULL ? "neither round nor rounds" : "both round and rounds");
    }
    if (round != NULL) {
        if (liq_ymap_get(d, map, "reduce") != NULL) {
            const size_t saved = liq_ypath_push_key(d, "reduce");
            const int rc = liq_ydoc_error(d, LIQ_EKEY, liq_ymap_get(d, map, "reduce"),
                                          "not allowed with round; expected it with rounds");
            liq_ypath_pop(d, saved);
            return rc;
        }
        char expected[64];
        snprintf(expected, sizeof(expected), "a round from 0 to %lld", (long long)cal->rounds);
        t->reduce = LIQ_REDUCE_VALUE;
        const int rc =
            liq_yget_int(d, map, "round", 0, cal->rounds, expected, true, 0, &t->first_round);
        t->last_round = t->first_round;
        return rc;
    }
    int rc =
        liq_get_rounds(d, map, "rounds", cal->rounds, &t->first_round, &t->last_round, &t->step);
    static const char *const reduces[] = {"sum", "mean", "max", "min", NULL};
    int reduce = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(d, map, "reduce", reduces, "reduction", false, 0, &reduce);
    }
    t->reduce = (liq_target_reduce_t)(reduce + 1);
    return rc;
}

/* The readable description of a target's quantity. */
static int liq_describe_target(liq_calib_t *cal, liq_calib_target_t *t)
{
    static const char *const reduce_words[] = {"value at round", "sum over rounds",
                                               "mean over rounds", "max over rounds",
                                               "min over rounds"};
    char entity[160] = "";
    if (t->dim >= 0) {
        snprintf(entity, sizeof(entity), "[%s]", t->entity != NULL ? t->entity : "all, summed");
    }
    char buf[512];
    if (t->kind == LIQ_TARGET_SUMMARY) {
        snprintf(buf, sizeof(buf), "summary %s%s", t->variable, entity);
    } else if (t->reduce == LIQ_REDUCE_VALUE) {
        snprintf(buf, sizeof(buf), "series %s%s, value at round %lld", t->variable, entity,
                 (long long)t->first_round);
    } else {
        char every[48] = "";
        if (t->step > 1) {
            snprintf(every, sizeof(every), " every %lld", (long long)t->step);
        }
        snprintf(buf, sizeof(buf), "series %s%s, %s %lld to %lld%s", t->variable, entity,
                 reduce_words[t->reduce], (long long)t->first_round, (long long)t->last_round,
                 every);
    }
    t->quantity = strdup(buf);
    return t->quantity != NULL ? LIQ_OK : liq_calib_nomem(cal);
}

static int liq_read_target(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *map,
                           const liq_scenario_t *sc, liq_calib_target_t *t)
{
    int rc = liq_ymap_check(d, map, liq_target_keys);
    const char *name = NULL, *source = NULL;
    if (rc == LIQ_OK) {
        rc = liq_yget_string(d, map, "name", true, NULL, &name);
    }
    if (rc == LIQ_OK && (t->name = strdup(name)) == NULL) {
        rc = liq_calib_nomem(cal);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_quantity(cal, d, map, t);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_entity(cal, d, map, sc, t);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_target_rounds(cal, d, map, t);
    }
    const liq_yrange_t finite = {-INFINITY, INFINITY, true, true, false, "a finite number"};
    if (rc == LIQ_OK) {
        rc = liq_yget_double(d, map, "real", &finite, true, 0.0, &t->real);
    }
    const liq_yrange_t positive = {0.0, INFINITY, true, true, false, "a finite number > 0"};
    if (rc == LIQ_OK && liq_ymap_get(d, map, "scale") == NULL && t->real == 0.0) {
        const size_t saved = liq_ypath_push_key(d, "real");
        rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ymap_get(d, map, "real"),
                            "0 without scale; expected scale (> 0) to divide the error by, "
                            "since the relative error of 0 is not defined");
        liq_ypath_pop(d, saved);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(d, map, "scale", &positive, false, fabs(t->real), &t->scale);
    }
    const liq_yrange_t weight = {0.0, INFINITY, false, true, false, "a finite number >= 0"};
    if (rc == LIQ_OK) {
        rc = liq_yget_double(d, map, "weight", &weight, false, 1.0, &t->weight);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_string(d, map, "source", true, NULL, &source);
    }
    if (rc == LIQ_OK && (t->source = strdup(source)) == NULL) {
        rc = liq_calib_nomem(cal);
    }
    if (rc == LIQ_OK) {
        rc = liq_describe_target(cal, t);
    }
    return rc;
}

static int liq_read_targets(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root,
                            const liq_scenario_t *sc)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(d, root, "targets", true, true, "targets", &items, &n);
    if (rc == LIQ_OK) {
        cal->targets = calloc(n, sizeof(*cal->targets));
        if (cal->targets == NULL) {
            return liq_calib_nomem(cal);
        }
    }
    const size_t s0 = liq_ypath_push_key(d, "targets");
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t s1 = liq_ypath_push_index(d, k);
        cal->n_targets = k + 1;
        rc = liq_read_target(cal, d, liq_ydoc_node(d, items[k]), sc, &cal->targets[k]);
        for (size_t j = 0; rc == LIQ_OK && j < k; j++) {
            if (strcmp(cal->targets[j].name, cal->targets[k].name) == 0) {
                rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ydoc_node(d, items[k]),
                                    "target '%s' repeats targets[%zu]; expected each name once",
                                    cal->targets[k].name, j);
            }
        }
        liq_ypath_pop(d, s1);
    }
    liq_ypath_pop(d, s0);
    return rc;
}

/* ------------------------------------------------- split and optimizer */

static int liq_read_split(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root)
{
    cal->fit_start = 0;
    cal->fit_stop = cal->rounds + 1;
    const yaml_node_t *split = liq_ymap_get(d, root, "split");
    if (split == NULL) {
        return LIQ_OK;
    }
    static const char *const keys[] = {"fit_rounds", NULL};
    const size_t s0 = liq_ypath_push_key(d, "split");
    int rc = liq_ymap_check(d, split, keys);
    int64_t last = 0, step = 1;
    if (rc == LIQ_OK && liq_ymap_get(d, split, "fit_rounds") != NULL) {
        rc = liq_get_rounds(d, split, "fit_rounds", cal->rounds, &cal->fit_start, &last, &step);
        if (rc == LIQ_OK && step != 1) {
            const size_t s1 = liq_ypath_push_key(d, "fit_rounds");
            rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ymap_get(d, split, "fit_rounds"),
                                "a step of %lld; expected a window of consecutive rounds "
                                "\"start:stop\"",
                                (long long)step);
            liq_ypath_pop(d, s1);
        }
        cal->fit_stop = last + 1;
    }
    liq_ypath_pop(d, s0);
    return rc;
}

/* Which targets are fitted, and how many rounds the runs make. */
static int liq_assign_roles(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root)
{
    size_t n_fit = 0;
    cal->fit_rounds_run = 0;
    cal->all_rounds_run = 0;
    for (size_t k = 0; k < cal->n_targets; k++) {
        liq_calib_target_t *t = &cal->targets[k];
        t->fit = t->first_round >= cal->fit_start && t->last_round < cal->fit_stop;
        n_fit += t->fit ? 1 : 0;
        if (t->fit && t->last_round > cal->fit_rounds_run) {
            cal->fit_rounds_run = t->last_round;
        }
        if (t->last_round > cal->all_rounds_run) {
            cal->all_rounds_run = t->last_round;
        }
    }
    if (n_fit == 0) {
        return liq_ydoc_error(d, LIQ_EINVAL, root,
                              "no target lies in the fit rounds %lld to %lld; expected at least "
                              "one target to fit",
                              (long long)cal->fit_start, (long long)cal->fit_stop - 1);
    }
    if (n_fit < cal->n_params) {
        return liq_ydoc_error(d, LIQ_EINVAL, root,
                              "%zu parameters and %zu target%s in the fit rounds; expected at "
                              "least as many fitted targets as parameters (else the fit is not "
                              "determined)",
                              cal->n_params, n_fit, n_fit == 1 ? "" : "s");
    }
    return LIQ_OK;
}

static int liq_read_algorithm(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *map,
                              const char *key, const char *const *names, bool required, char **out)
{
    int which = 0;
    const int rc = liq_yget_enum(d, map, key, names, "algorithm", false, 0, &which);
    if (rc != LIQ_OK || (!required && liq_ymap_get(d, map, key) == NULL)) {
        return rc;
    }
    *out = strdup(names[which]);
    return *out != NULL ? LIQ_OK : liq_calib_nomem(cal);
}

static int liq_read_optimizer(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root)
{
    static const char *const keys[] = {"algorithm",       "global", "global_evaluations",
                                       "max_evaluations", "xtol",   "ftol",
                                       "initial_step",    "seed",   NULL};
    const yaml_node_t *map = liq_ymap_get(d, root, "optimizer");
    static const yaml_node_t empty = {.type = YAML_MAPPING_NODE};
    const size_t s0 = liq_ypath_push_key(d, "optimizer");
    int rc = map != NULL ? liq_ymap_check(d, map, keys) : LIQ_OK;
    if (map == NULL) {
        map = &empty;
    }
    if (rc == LIQ_OK) {
        rc = liq_read_algorithm(cal, d, map, "algorithm", liq_local_algorithms, true,
                                &cal->algorithm);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_algorithm(cal, d, map, "global", liq_global_algorithms, false, &cal->global);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_int(d, map, "global_evaluations", 1, INT32_MAX, "an integer >= 1",
                          cal->global != NULL, 0, &cal->global_evaluations);
    }
    if (rc == LIQ_OK && cal->global == NULL && cal->global_evaluations > 0) {
        const size_t s1 = liq_ypath_push_key(d, "global_evaluations");
        rc = liq_ydoc_error(d, LIQ_EKEY, liq_ymap_get(d, map, "global_evaluations"),
                            "not allowed without global; expected global too");
        liq_ypath_pop(d, s1);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_int(d, map, "max_evaluations", 1, INT32_MAX, "an integer >= 1", false, 200,
                          &cal->max_evaluations);
    }
    const liq_yrange_t tol = {0.0, 1.0, false, true, false, "a number in [0, 1)"};
    if (rc == LIQ_OK) {
        rc = liq_yget_double(d, map, "xtol", &tol, false, 1e-4, &cal->xtol);
    }
    const liq_yrange_t ftol = {0.0, INFINITY, false, true, false, "a finite number >= 0"};
    if (rc == LIQ_OK) {
        rc = liq_yget_double(d, map, "ftol", &ftol, false, 0.0, &cal->ftol);
    }
    const liq_yrange_t step = {0.0, 1.0, true, false, false, "a number in (0, 1]"};
    if (rc == LIQ_OK) {
        rc = liq_yget_double(d, map, "initial_step", &step, false, 0.25, &cal->initial_step);
    }
    int64_t seed = 1;
    if (rc == LIQ_OK) {
        rc = liq_yget_int(d, map, "seed", 0, INT64_MAX, "an integer >= 0", false, 1, &seed);
        cal->optimizer_seed = (uint64_t)seed;
    }
    liq_ypath_pop(d, s0);
    return rc;
}

static int liq_read_seeds(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root,
                          uint64_t scenario_seed)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(d, root, "seeds", false, true, "seeds", &items, &n);
    cal->n_seeds = n > 0 ? n : 1;
    cal->seeds = calloc(cal->n_seeds, sizeof(*cal->seeds));
    if (rc != LIQ_OK || cal->seeds == NULL) {
        return rc != LIQ_OK ? rc : liq_calib_nomem(cal);
    }
    cal->seeds[0] = scenario_seed;
    const size_t s0 = liq_ypath_push_key(d, "seeds");
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const yaml_node_t *node = liq_ydoc_node(d, items[k]);
        double v = 0.0;
        if (!liq_number(node, &v) || v < 0.0 || v != floor(v) || v >= 9.2e18) {
            const size_t s1 = liq_ypath_push_index(d, k);
            rc = liq_ydoc_error(d, LIQ_EINVAL, node, "expected an integer >= 0");
            liq_ypath_pop(d, s1);
        } else {
            cal->seeds[k] = strtoull(liq_yscalar(node), NULL, 10);
        }
    }
    liq_ypath_pop(d, s0);
    return rc;
}

/* ------------------------------------------------------------- the file */

static const char *const liq_top_keys[] = {"scenario", "seeds",     "parameters", "targets",
                                           "split",    "optimizer", NULL};

/* The scenario, relative to the calibration file, read once as it is. */
static int liq_read_scenario(liq_calib_t *cal, liq_ydoc_t *d, const yaml_node_t *root,
                             const char *base_dir, liq_scenario_t **sc)
{
    const char *path = NULL;
    int rc = liq_yget_string(d, root, "scenario", true, NULL, &path);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (path[0] == '/' || base_dir == NULL) {
        cal->scenario_path = strdup(path);
    } else if ((cal->scenario_path = malloc(strlen(base_dir) + strlen(path) + 2)) != NULL) {
        sprintf(cal->scenario_path, "%s/%s", base_dir, path);
    }
    if (cal->scenario_path == NULL) {
        return liq_calib_nomem(cal);
    }
    cal->scenario_dir = liq_path_dir(cal->scenario_path);
    int err = 0;
    const int got =
        liq_text_file_read(cal->scenario_path, &cal->scenario_text, &cal->scenario_len, &err);
    if (got != LIQ_OK) {
        const size_t saved = liq_ypath_push_key(d, "scenario");
        rc = liq_ydoc_error(d, got, liq_ymap_get(d, root, "scenario"), "cannot read '%s': %s",
                            cal->scenario_path, strerror(got == LIQ_ENOMEM ? ENOMEM : err));
        liq_ypath_pop(d, saved);
        return rc;
    }
    rc = liq_scenario_parse(sc, cal->scenario_text, cal->scenario_len, cal->scenario_path,
                            cal->scenario_dir);
    if (rc != LIQ_OK) {
        char inner[1024];
        snprintf(inner, sizeof(inner), "%s", liq_errmsg());
        return liq_error_set(rc, "%s: scenario: %s", cal->name, inner);
    }
    cal->rounds = (*sc)->rounds;
    return liq_scenario_dump(&cal->scenario_yaml, *sc);
}

static int liq_read_calib(liq_calib_t *cal, liq_ydoc_t *d, const char *base_dir)
{
    yaml_node_t *root = liq_ydoc_root(d);
    if (root == NULL || liq_ynode_is_null(root)) {
        return liq_ydoc_error(d, LIQ_EINVAL, root,
                              "the document is empty; expected a mapping with scenario, "
                              "parameters and targets");
    }
    int rc = liq_ymap_check(d, root, liq_top_keys);
    liq_scenario_t *sc = NULL;
    if (rc == LIQ_OK) {
        rc = liq_read_scenario(cal, d, root, base_dir, &sc);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_seeds(cal, d, root, sc->seed);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_params(cal, d, root);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_targets(cal, d, root, sc);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_split(cal, d, root);
    }
    if (rc == LIQ_OK) {
        rc = liq_assign_roles(cal, d, root);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_optimizer(cal, d, root);
    }
    liq_scenario_destroy(sc);
    return rc;
}

/* Reads the scenario with every parameter at its start, then each one at
 * its lower and upper bound (the others at their start): a path that leads
 * nowhere, a key the scenario does not have or a bound it refuses is
 * reported now, naming the parameter. */
static int liq_check_params(liq_calib_t *cal)
{
    double values[LIQ_CALIB_MAX_PARAMS];
    for (size_t k = 0; k < cal->n_params; k++) {
        values[k] = cal->params[k].start;
    }
    for (size_t k = 0; k <= cal->n_params; k++) {
        for (int side = 0; side < (k < cal->n_params ? 2 : 1); side++) {
            const char *what = k == cal->n_params ? "start" : side == 0 ? "lower" : "upper";
            if (k < cal->n_params) {
                values[k] = side == 0 ? cal->params[k].lower : cal->params[k].upper;
            }
            liq_scenario_t *sc = NULL;
            const int rc = liq_calib_scenario(&sc, cal, values, cal->seeds[0]);
            liq_scenario_destroy(sc);
            if (k < cal->n_params) {
                values[k] = cal->params[k].start;
            }
            if (rc == LIQ_OK) {
                continue;
            }
            char inner[1024];
            snprintf(inner, sizeof(inner), "%s", liq_errmsg());
            const size_t len = strlen(cal->name);
            if (strncmp(inner, cal->name, len) == 0 && inner[len] == ':') {
                return liq_error_set(rc, "%s", inner); /* a path error, at its line */
            }
            if (k == cal->n_params) {
                return liq_error_set(rc, "%s: the parameters at their start: %s", cal->name, inner);
            }
            return liq_error_set(rc, "%s: %s: parameter '%s' at its %s bound %.17g: %s",
                                 cal->params[k].origin, cal->params[k].path, cal->params[k].name,
                                 what, side == 0 ? cal->params[k].lower : cal->params[k].upper,
                                 inner);
        }
    }
    return LIQ_OK;
}

int liq_calib_parse(liq_calib_t **out, const char *text, size_t len, const char *name,
                    const char *base_dir)
{
    assert(out != NULL && text != NULL);
    *out = NULL;
    liq_calib_t *cal = calloc(1, sizeof(*cal));
    if (cal == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory while reading the calibration");
    }
    cal->final_row = SIZE_MAX;
    cal->best_objective = INFINITY;
    cal->name = strdup(name != NULL ? name : "<string>");
    cal->text = strndup(text, len);
    if (cal->name == NULL || cal->text == NULL) {
        liq_calib_destroy(cal);
        return liq_error_set(LIQ_ENOMEM, "out of memory while reading the calibration");
    }
    liq_ydoc_t doc;
    int rc = liq_ydoc_load(&doc, text, len, cal->name);
    if (rc == LIQ_OK) {
        rc = liq_read_calib(cal, &doc, base_dir);
    }
    liq_ydoc_destroy(&doc);
    if (rc == LIQ_OK) {
        rc = liq_check_params(cal);
    }
    if (rc != LIQ_OK) {
        liq_calib_destroy(cal);
        return rc;
    }
    *out = cal;
    return LIQ_OK;
}

int liq_calib_load(liq_calib_t **out, const char *path)
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
    const int rc = liq_calib_parse(out, text, len, path, dir);
    free(dir);
    free(text);
    return rc;
}

void liq_calib_destroy(liq_calib_t *cal)
{
    if (cal == NULL) {
        return;
    }
    for (size_t k = 0; k < LIQ_CALIB_MAX_PARAMS; k++) {
        free(cal->params[k].name);
        free(cal->params[k].path);
        free(cal->params[k].origin);
    }
    for (size_t k = 0; cal->targets != NULL && k < cal->n_targets; k++) {
        liq_calib_target_t *t = &cal->targets[k];
        free(t->name);
        free(t->source);
        free(t->quantity);
        free(t->variable);
        free(t->entity);
    }
    for (size_t r = 0; r < cal->n_rows; r++) {
        free(cal->rows[r].params);
        free(cal->rows[r].targets);
    }
    free(cal->rows);
    free(cal->targets);
    free(cal->seeds);
    free(cal->algorithm);
    free(cal->global);
    free(cal->scenario_yaml);
    free(cal->scenario_text);
    free(cal->scenario_path);
    free(cal->scenario_dir);
    free(cal->text);
    free(cal->name);
    free(cal);
}
