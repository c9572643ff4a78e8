/*
 * The readers of the keys the tables leave to code (LIQ_KEY_CUSTOM,
 * scenario_read.h): a market's `route` or `routes`, a cross-margin
 * generator's weights keyed by market asset, a schedule's steps (parallel
 * arrays), a perp protocol's positions file, the accounts (generators and
 * positions files in one list), the shocks (one table per type; a path
 * file gives one shock per column) and the adversary's `sell` (a token of
 * its pool). Each reads what it can through the generic reader and keeps
 * only what the tables cannot say.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/gas_path.h"
#include "io/perp_positions.h"
#include "io/price_path.h"
#include "io/scenario_read.h"
#include "io/text_file.h"
#include "liqnet/error.h"
#include "model/scenario_facts.h"

/* The row of `entity` read by custom reader `custom`. */
static const liq_key_t *liq_custom_row(const liq_entity_t *entity, liq_key_custom_t custom)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        if (entity->keys[k].type == LIQ_KEY_CUSTOM && entity->keys[k].custom == custom) {
            return &entity->keys[k];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------- routes */

/* A market's `route` (one pool, sold by weight 1 or best price) or
 * `routes` (a list of {pool, weight}), never both; `routing` is read. */
int liq_read_route(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                   const liq_key_ctx_t *ctx, void *obj)
{
    liq_market_config_t *mk = obj;
    const liq_key_t *many_row = liq_custom_row(&liq_market_entity, LIQ_CUSTOM_ROUTES);
    const yaml_node_t *one = liq_ymap_get(&r->doc, map, key->name);
    const yaml_node_t *many = liq_ymap_get(&r->doc, map, many_row->name);
    if (one == NULL && many == NULL) {
        return liq_ydoc_error(&r->doc, LIQ_EKEY, map,
                              "missing key '%s'; expected either %s (one pool) or %s (a list)",
                              key->name, key->name, many_row->name);
    }
    if (one != NULL && many != NULL) {
        return liq_ydoc_error(&r->doc, LIQ_EINVAL, map,
                              "both %s and %s; expected either %s (one pool) or %s (a list)",
                              key->name, many_row->name, key->name, many_row->name);
    }
    int rc = LIQ_OK;
    liq_key_problem_t problem;
    if (one != NULL) {
        /* One pool: the route entity's `pool`, given under this key. */
        const liq_key_t pool = {.name = key->name,
                                .type = LIQ_KEY_REF,
                                .flags = LIQ_KEY_REQUIRED,
                                .offset = offsetof(liq_route_config_t, pool),
                                .ref = LIQ_REF_POOL};
        rc = liq_read_alloc(r, (void **)&mk->routes, 1, sizeof(*mk->routes));
        if (rc == LIQ_OK) {
            mk->n_routes = 1;
            mk->routes[0].weight = mk->routing == LIQ_ROUTING_WEIGHT ? 1.0 : (double)NAN;
            rc = liq_read_row(r, map, &liq_route_entity, &pool, ctx, &mk->routes[0]);
        }
        if (rc == LIQ_OK && liq_key_route_pool(ctx->sc, ctx->parent, mk->asset, mk->routes[0].pool,
                                               key->name, &problem) != LIQ_OK) {
            rc = liq_read_problem(r, map, &problem);
        }
    } else {
        const liq_key_t list = {.name = many_row->name,
                                .type = LIQ_KEY_LIST,
                                .flags = LIQ_KEY_REQUIRED,
                                .offset = offsetof(liq_market_config_t, routes),
                                .count_offset = offsetof(liq_market_config_t, n_routes),
                                .entity = many_row->entity};
        rc = liq_read_row(r, map, &liq_market_entity, &list, ctx, mk);
        if (rc == LIQ_OK && liq_key_routes_total(mk, &problem) != LIQ_OK) {
            rc = liq_read_problem(r, map, &problem);
        }
    }
    if (rc == LIQ_OK) {
        mk->route = mk->routes[0].pool;
    }
    return rc;
}

/* ------------------------------------------------------------ weights */

/* A cross-margin generator's weights: a mapping from the assets of its
 * protocol's markets to numbers in the row's range; absent markets weigh
 * 0. The row applies here only when required (margin: cross). */
int liq_read_weights(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                     const liq_key_ctx_t *ctx, void *obj)
{
    liq_account_generator_t *g = obj;
    yaml_node_t *node = NULL;
    int rc = liq_ymap_require(&r->doc, map, key->name, &node);
    if (rc != LIQ_OK) {
        return rc;
    }
    const liq_protocol_config_t *p = &r->sc->protocols[g->protocol];
    const size_t n_markets = liq_protocol_market_count(p);
    const char **keys = calloc(n_markets + 1, sizeof(*keys));
    g->collateral_weight = calloc(n_markets > 0 ? n_markets : 1, sizeof(*g->collateral_weight));
    if (keys == NULL || g->collateral_weight == NULL) {
        free(keys);
        return liq_read_nomem(r);
    }
    for (size_t m = 0; m < n_markets; m++) {
        keys[m] = r->sc->assets[liq_protocol_market_asset(p, m)].name;
    }
    const size_t saved = liq_ypath_push_key(&r->doc, key->name);
    rc = liq_ymap_check(&r->doc, node, keys);
    const liq_yrange_t range = {key->lo,      key->hi,        key->lo_open,
                                key->hi_open, key->allow_inf, key->expected};
    for (size_t m = 0; rc == LIQ_OK && m < n_markets; m++) {
        rc = liq_yget_double(&r->doc, node, keys[m], &range, false, 0.0, &g->collateral_weight[m]);
    }
    free(keys);
    liq_key_problem_t problem;
    if (rc == LIQ_OK && liq_key_weights_total(ctx, g, &problem) != LIQ_OK) {
        rc = liq_read_problem(r, node, &problem);
    }
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

/* -------------------------------------------------------------- steps */

/* A schedule's steps, each read as a liq_step_t (its rule checks the
 * order of the rounds and the return given) into the shock's arrays. */
int liq_read_steps(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                   const liq_key_ctx_t *ctx, void *obj)
{
    liq_shock_t *s = obj;
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, map, key->name, true, true, key->name, &items, &n);
    if (rc == LIQ_OK) {
        rc = liq_read_alloc(r, (void **)&s->round, n, sizeof(*s->round));
    }
    if (rc == LIQ_OK) {
        rc = liq_read_alloc(r, (void **)&s->log_return, n, sizeof(*s->log_return));
    }
    if (rc == LIQ_OK) {
        s->n_steps = n;
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t saved = liq_ypath_push_key(&r->doc, key->name);
        liq_ypath_push_index(&r->doc, k);
        const liq_key_ctx_t sub = {ctx->sc, s, ctx->parent, k, n};
        liq_step_t step = {0, (double)NAN, (double)NAN};
        rc = liq_read_entity(r, liq_ydoc_node(&r->doc, items[k]), key->entity, &sub, &step);
        s->round[k] = step.round;
        s->log_return[k] = step.log_return;
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* ------------------------------------------------- perp positions file */

/* protocols[i].positions of a perp protocol: {file, leverage}. The file is
 * read here, so its errors come with the scenario's. */
int liq_read_perp_positions(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                            const liq_key_ctx_t *ctx, void *obj)
{
    liq_protocol_config_t *p = obj;
    p->perp_positions_leverage = NAN;
    const yaml_node_t *node = liq_ymap_get(&r->doc, map, key->name);
    if (node == NULL) {
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(&r->doc, key->name);
    const liq_key_ctx_t sub = {ctx->sc, p, ctx->parent, ctx->index, ctx->count};
    int rc = liq_read_entity(r, node, key->entity, &sub, p);
    if (rc == LIQ_OK && access(p->perp_positions_path, R_OK) != 0) {
        rc = liq_read_file_error(r, node, p->perp_positions_path, errno);
    }
    liq_perp_rows_t rows;
    if (rc == LIQ_OK) {
        rc = liq_perp_positions_read(&rows, p->perp_positions_path, r->sc, p,
                                     p->perp_positions_leverage);
    }
    if (rc == LIQ_OK) {
        p->n_perp_positions = rows.count;
        p->perp_position_market = rows.market;
        p->perp_position_size = rows.size;
        p->perp_position_entry = rows.entry;
        p->perp_position_leverage = rows.leverage;
    }
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

/* ----------------------------------------------------------- accounts */

/* accounts[i] with a `file`: a positions file, read later
 * (liq_positions_load); an unreadable file is still reported here, against
 * the line that names it. */
static int liq_read_positions_file(liq_reader_t *r, const yaml_node_t *map,
                                   const liq_key_ctx_t *ctx)
{
    liq_scenario_t *sc = r->sc;
    liq_positions_source_t *src = &sc->positions[sc->n_positions++];
    src->format = (liq_positions_format_t)-1;
    int rc = liq_read_entity(r, map, &liq_positions_entity, ctx, src);
    if (rc == LIQ_OK && access(src->path, R_OK) != 0) {
        rc = liq_read_file_error(r, map, src->path, errno);
    }
    return rc;
}

static int liq_read_generator(liq_reader_t *r, const yaml_node_t *map, const liq_key_ctx_t *ctx)
{
    liq_scenario_t *sc = r->sc;
    liq_account_generator_t *g = &sc->generators[sc->n_generators];
    const int rc = liq_read_entity(r, map, &liq_generator_entity, ctx, g);
    if (rc == LIQ_OK) {
        sc->n_generators++;
    } else {
        /* Only counted generators are released by liq_scenario_destroy. */
        free(g->collateral_weight);
        g->collateral_weight = NULL;
    }
    return rc;
}

/* The accounts: generators, and positions files (the items with a
 * `file`), in one list whose positions are the generators' streams. */
int liq_read_accounts(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                      const liq_key_ctx_t *ctx, void *obj)
{
    liq_scenario_t *sc = obj;
    const char *file = liq_positions_entity.keys[0].name;
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, map, key->name, false, false, "account sources", &items, &n);
    size_t n_files = 0;
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        n_files += liq_ymap_get(&r->doc, item, file) != NULL ? 1 : 0;
    }
    if (rc == LIQ_OK) {
        rc = liq_read_alloc(r, (void **)&sc->generators, n - n_files, sizeof(*sc->generators));
    }
    if (rc == LIQ_OK) {
        rc = liq_read_alloc(r, (void **)&sc->positions, n_files, sizeof(*sc->positions));
    }
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        const size_t saved = liq_ypath_push_key(&r->doc, key->name);
        liq_ypath_push_index(&r->doc, i);
        const liq_key_ctx_t sub = {ctx->sc, sc, NULL, i, n};
        if (liq_ymap_get(&r->doc, item, file) != NULL) {
            rc = liq_read_positions_file(r, item, &sub);
        } else {
            rc = liq_read_generator(r, item, &sub);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* ------------------------------------------------------------- shocks */

/* One PATH shock per asset column: log returns ln(P(t)/P(t-1)), t >= 1. */
static int liq_path_shocks(liq_reader_t *r, const liq_price_path_t *pp, const char *path,
                           size_t item)
{
    const size_t width = pp->n_assets;
    const size_t n_steps = pp->n_rows - 1;
    for (size_t col = 0; col < width; col++) {
        liq_shock_t *s = NULL;
        int rc = liq_read_push_shock(r, &s);
        if (rc != LIQ_OK) {
            return rc;
        }
        s->kind = LIQ_SHOCK_PATH;
        s->asset = pp->asset[col];
        s->stream = (uint64_t)item;
        s->path = strdup(path);
        if (s->path == NULL) {
            return liq_read_nomem(r);
        }
        rc = liq_read_alloc(r, (void **)&s->round, n_steps, sizeof(*s->round));
        if (rc == LIQ_OK) {
            rc = liq_read_alloc(r, (void **)&s->log_return, n_steps, sizeof(*s->log_return));
        }
        if (rc != LIQ_OK) {
            return rc;
        }
        s->n_steps = n_steps;
        for (size_t t = 1; t <= n_steps; t++) {
            s->round[t - 1] = (int64_t)t;
            s->log_return[t - 1] =
                log(pp->price[t * width + col] / pp->price[(t - 1) * width + col]);
        }
    }
    return LIQ_OK;
}

/* The price of a time series at `seconds`: the last point at or before. */
static double liq_series_at(size_t n, const double *seconds, const double *values, double at)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (seconds[mid] <= at) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return values[lo];
}

/*
 * shocks[i] of type path with a price_column: the time series is read now
 * (io/gas_path.h, the gas series' reader) and sampled at each round's time
 * t x round_seconds after its start, the last price at or before it holding
 * (as a given gas price does); one shock of log returns ln(P(t)/P(t-1)),
 * t = 1 .. rounds. The series must cover the run: its last point plus the
 * spacing before it reaches the last round's time.
 */
static int liq_read_path_series(liq_reader_t *r, const yaml_node_t *map, liq_shock_t *head,
                                size_t item)
{
    const liq_scenario_t *sc = r->sc;
    char where[512];
    snprintf(where, sizeof(where), "%s:%zu:%zu: shocks[%zu]", r->doc.file,
             (size_t)map->start_mark.line + 1, (size_t)map->start_mark.column + 1, item);
    if (head->time_column == NULL) { /* the row's default */
        head->time_column = strdup(liq_entity_key(&liq_path_entity, "time_column")->sdflt);
        if (head->time_column == NULL) {
            return liq_read_nomem(r);
        }
    }
    size_t n = 0;
    double *seconds = NULL, *values = NULL;
    int rc = liq_time_series_read(head->path, head->time_column, head->price_column,
                                  head->series_start, where, &n, &seconds, &values);
    const double run_end = (double)sc->rounds * sc->round_seconds;
    const double covered =
        n >= 2 ? seconds[n - 1] + (seconds[n - 1] - seconds[n - 2]) : (double)INFINITY;
    if (rc == LIQ_OK && covered < run_end) {
        rc = liq_error_set(LIQ_EINVAL,
                           "%s: the price series from %s ends %.17g s after round 0, before the "
                           "run's last round at %.17g s; expected a series that covers the run",
                           where, head->path, covered, run_end);
    }
    liq_shock_t *s = NULL;
    if (rc == LIQ_OK) {
        rc = liq_read_push_shock(r, &s);
    }
    if (rc == LIQ_OK) {
        *s = *head; /* kind, asset, the file and its columns: now the shock's */
        memset(head, 0, sizeof(*head));
        s->kind = LIQ_SHOCK_PATH;
        s->stream = (uint64_t)item;
        rc = liq_read_alloc(r, (void **)&s->round, (size_t)sc->rounds, sizeof(*s->round));
    }
    if (rc == LIQ_OK) {
        rc = liq_read_alloc(r, (void **)&s->log_return, (size_t)sc->rounds, sizeof(*s->log_return));
    }
    if (rc == LIQ_OK) {
        s->n_steps = (size_t)sc->rounds;
        double before = liq_series_at(n, seconds, values, 0.0);
        for (int64_t t = 1; t <= sc->rounds; t++) {
            const double now = liq_series_at(n, seconds, values, (double)t * sc->round_seconds);
            s->round[t - 1] = t;
            s->log_return[t - 1] = log(now / before);
            before = now;
        }
    }
    free(seconds);
    free(values);
    return rc;
}

/* shocks[i] of type path: the CSV file is read now, one shock per column;
 * or a time series of one asset (price_column). */
static int liq_read_path(liq_reader_t *r, const yaml_node_t *map, const liq_key_ctx_t *ctx)
{
    liq_shock_t head;
    memset(&head, 0, sizeof(head));
    int rc = liq_read_entity(r, map, &liq_path_entity, ctx, &head);
    if (rc == LIQ_OK && head.price_column != NULL) {
        rc = liq_read_path_series(r, map, &head, ctx->index);
        free(head.path);
        free(head.price_column);
        free(head.time_column);
        free(head.series_start);
        return rc;
    }
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    if (rc == LIQ_OK) {
        rc = liq_text_file_read(head.path, &text, &len, &err);
        if (rc == LIQ_ENOMEM) {
            rc = liq_read_nomem(r);
        } else if (rc != LIQ_OK) {
            rc = liq_read_file_error(r, map, head.path, err);
        }
    }
    liq_price_path_t pp = {0, NULL, 0, NULL};
    if (rc == LIQ_OK) {
        rc = liq_price_path_parse(&pp, text, len, head.path, r->sc, r->doc.file);
    }
    if (rc == LIQ_OK) {
        rc = liq_path_shocks(r, &pp, head.path, ctx->index);
    }
    liq_price_path_release(&pp);
    free(text);
    free(head.path);
    free(head.price_column);
    free(head.time_column);
    free(head.series_start);
    return rc;
}

/* The shocks, each read by the table of its `type`. */
int liq_read_shocks(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                    const liq_key_ctx_t *ctx, void *obj)
{
    /* In liq_shock_kind_t order, the order of the `type` choices. */
    static const liq_entity_t *const entities[] = {&liq_schedule_entity, &liq_path_entity,
                                                   &liq_gbm_entity};
    const liq_key_t *type = &liq_schedule_entity.keys[0];
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, map, key->name, false, false, key->name, &items, &n);
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        const size_t saved = liq_ypath_push_key(&r->doc, key->name);
        liq_ypath_push_index(&r->doc, i);
        if (item->type != YAML_MAPPING_NODE) {
            const char *const keys[] = {type->name, NULL};
            rc = liq_ymap_check(&r->doc, item, keys);
            if (rc == LIQ_OK) {
                rc = liq_ydoc_error(&r->doc, LIQ_EKEY, item, "missing key '%s'", type->name);
            }
        }
        const liq_key_ctx_t sub = {ctx->sc, obj, NULL, i, n};
        liq_shock_t head;
        memset(&head, 0, sizeof(head));
        if (rc == LIQ_OK) {
            rc = liq_read_row(r, item, &liq_schedule_entity, type, &sub, &head);
        }
        if (rc == LIQ_OK && head.kind == LIQ_SHOCK_PATH) {
            rc = liq_read_path(r, item, &sub);
        } else if (rc == LIQ_OK) {
            liq_shock_t *s = NULL;
            rc = liq_read_push_shock(r, &s);
            if (rc == LIQ_OK) {
                s->kind = head.kind;
                s->stream = (uint64_t)i;
                rc = liq_read_entity(r, item, entities[head.kind], &sub, s);
            }
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* ---------------------------------------------------------- adversary */

/* The asset sold first, stored where the row's rule turns it into the
 * position of that token in the adversary's pool. */
int liq_read_sell(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                  const liq_key_ctx_t *ctx, void *obj)
{
    const liq_key_t asset = {.name = key->name,
                             .type = LIQ_KEY_REF,
                             .flags = LIQ_KEY_REQUIRED,
                             .offset = key->offset,
                             .ref = key->ref};
    return liq_read_row(r, map, &liq_adversary_entity, &asset, ctx, obj);
}
