/*
 * Writes a resolved scenario back as YAML (liq_scenario_dump), by the
 * tables of the scenario's keys (src/model/scenario_keys.h): each entity's
 * rows in their dump rank, then table order, each row as its type says.
 *
 * The dump is the record of what was run: it is stored with every output
 * file, so it must mean exactly the same thing when read again. Hence every
 * default is written out, every duration is a count of rounds (no
 * round_seconds conversion on re-reading), every name and path is a
 * double-quoted string (a name such as "yes" or "1.5" would otherwise change
 * type), and every number is printed with the fewest digits that strtod reads
 * back to the same double (at most 17, the %.17g bound), so that parse ->
 * dump -> parse is bit-identical. Keys of mechanisms a scenario does not
 * use (a breaker, keeper economics, balance sheets) are written only when
 * set (LIQ_KEY_DUMP_SET, presence flags), so that scenarios without them
 * dump as they always did.
 *
 * Path shocks are written as `type: path` with the resolved file rather than
 * as inline returns: a path of 10^6 rounds would make the stored record tens
 * of megabytes. Re-reading the dump therefore needs the same CSV file.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"

/* Enough for "-1.2345678901234567e-308" and a terminator. */
#define LIQ_NUMBER_MAX 32

/* The deepest indentation the resolved form has (a tier: 12 spaces). */
#define LIQ_INDENT_MAX 64

/* The highest dump rank a row has. */
#define LIQ_DUMP_RANKS 4

/* Shortest decimal form that reads back as exactly v; "inf" for infinity. */
static const char *liq_fmt_double(char buf[LIQ_NUMBER_MAX], double v)
{
    if (isinf(v)) {
        snprintf(buf, LIQ_NUMBER_MAX, "%s", v > 0.0 ? "inf" : "-inf");
        return buf;
    }
    /* Whole numbers below 2^53 as integers: "60000", not "6e+04". */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, LIQ_NUMBER_MAX, "%.0f", v);
        return buf;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, LIQ_NUMBER_MAX, "%.*g", precision, v);
        if (strtod(buf, NULL) == v) {
            break;
        }
    }
    return buf;
}

/* A YAML double-quoted scalar: backslash and quote escaped, control bytes as
 * \xHH; UTF-8 passes through unchanged. */
static void liq_put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const char *p = s; *p != '\0'; p++) {
        const unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\x%02x", (int)c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

/* Where a block of rows is written: `indent` spaces for every line but the
 * first, which starts with `first` (the indent, or a list item's "- "). */
typedef struct {
    char indent[LIQ_INDENT_MAX];
    char first[LIQ_INDENT_MAX];
} liq_dump_margin_t;

static liq_dump_margin_t liq_dump_margin(size_t spaces, bool item)
{
    liq_dump_margin_t m;
    memset(m.indent, ' ', spaces);
    m.indent[spaces] = '\0';
    memcpy(m.first, m.indent, spaces + 1);
    if (item) {
        m.first[spaces - 2] = '-';
    }
    return m;
}

static void liq_dump_block(FILE *f, size_t spaces, bool item, const liq_entity_t *entity,
                           const liq_key_ctx_t *ctx, const void *obj);
static void liq_dump_flow(FILE *f, const liq_entity_t *entity, const liq_key_ctx_t *ctx,
                          const void *obj);

/* The name of the entity a REF row refers to. */
static const char *liq_ref_name(const liq_scenario_t *sc, const liq_entity_t *entity,
                                const liq_key_t *key, const void *obj)
{
    const int32_t i = *(const int32_t *)liq_key_cfield(key, obj);
    switch (key->ref) {
    case LIQ_REF_ASSET:
        assert(i >= 0 && (size_t)i < sc->n_assets);
        return sc->assets[i].name;
    case LIQ_REF_POOL:
        assert(i >= 0 && (size_t)i < sc->n_pools);
        return sc->pools[i].name;
    case LIQ_REF_ORACLE:
        assert(i >= 0 && (size_t)i < sc->n_oracles);
        return sc->oracles[i].name;
    case LIQ_REF_PROTOCOL:
        assert(i >= 0 && (size_t)i < sc->n_protocols);
        return sc->protocols[i].name;
    case LIQ_REF_CHAIN:
        assert(i >= 0 && (size_t)i < sc->n_chains);
        return sc->chains[i].name;
    case LIQ_REF_BRIDGE:
        assert(i >= 0 && (size_t)i < sc->n_bridges);
        return sc->bridges[i].name;
    case LIQ_REF_MARKET:
        break;
    }
    /* A market is named by its asset, among the markets of the protocol the
     * entity's protocol reference names. */
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *p = &entity->keys[k];
        if (p->type == LIQ_KEY_REF && p->ref == LIQ_REF_PROTOCOL) {
            const liq_protocol_config_t *protocol =
                &sc->protocols[*(const int32_t *)liq_key_cfield(p, obj)];
            return sc->assets[liq_protocol_market_asset(protocol, (size_t)i)].name;
        }
    }
    return "";
}

/* A scalar row's value as the reader reads it back. */
static void liq_dump_value(FILE *f, const liq_scenario_t *sc, const liq_entity_t *entity,
                           const liq_key_t *key, const void *obj)
{
    const void *field = liq_key_cfield(key, obj);
    char buf[LIQ_NUMBER_MAX];
    switch (key->type) {
    case LIQ_KEY_NUMBER: {
        const double v = *(const double *)field;
        fputs((key->flags & LIQ_KEY_UNLIMITED) != 0 && isinf(v) && v > 0.0 ? "unlimited"
                                                                           : liq_fmt_double(buf, v),
              f);
        break;
    }
    case LIQ_KEY_INTEGER:
    case LIQ_KEY_DURATION: {
        const int64_t v = *(const int64_t *)field;
        if ((key->flags & LIQ_KEY_UNLIMITED) != 0 && v == INT64_MAX) {
            fputs("unlimited", f);
        } else {
            fprintf(f, "%" PRId64, v);
        }
        break;
    }
    case LIQ_KEY_ENUM:
        fputs(key->choices[*(const int *)field], f);
        break;
    case LIQ_KEY_FLAG:
        fputs(*(const int *)field ? "true" : "false", f);
        break;
    case LIQ_KEY_STRING:
    case LIQ_KEY_NAME:
    case LIQ_KEY_FILE: {
        const char *s = *(char *const *)field;
        liq_put_string(f, s != NULL ? s : key->sdflt);
        break;
    }
    case LIQ_KEY_REF:
        liq_put_string(f, liq_ref_name(sc, entity, key, obj));
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------- custom keys */

/* A market's `route` (one pool sold by weight) or `routing` and `routes`. */
static void liq_dump_route(FILE *f, const liq_key_t *key, const liq_key_ctx_t *ctx, const void *obj,
                           const liq_dump_margin_t *m)
{
    const liq_market_config_t *mk = obj;
    const liq_scenario_t *sc = ctx->sc;
    assert(mk->n_routes >= 1 && mk->route == mk->routes[0].pool);
    if (mk->n_routes == 1 && mk->routing == LIQ_ROUTING_WEIGHT) {
        fprintf(f, "%s%s: ", m->first, key->name);
        liq_put_string(f, sc->pools[mk->route].name);
        fputc('\n', f);
        return;
    }
    const liq_key_t *routing = NULL;
    const liq_key_t *routes = NULL;
    for (size_t k = 0; k < liq_market_entity.n_keys; k++) {
        const liq_key_t *row = &liq_market_entity.keys[k];
        if (row->type == LIQ_KEY_ENUM && row->offset == offsetof(liq_market_config_t, routing)) {
            routing = row;
        }
        if (row->type == LIQ_KEY_CUSTOM && row->custom == LIQ_CUSTOM_ROUTES) {
            routes = row;
        }
    }
    fprintf(f, "%s%s: ", m->first, routing->name);
    liq_dump_value(f, sc, &liq_market_entity, routing, obj);
    fprintf(f, "\n%s%s:\n", m->indent, routes->name);
    const liq_key_ctx_t sub = {sc, mk, ctx->parent, 0, mk->n_routes};
    for (size_t k = 0; k < mk->n_routes; k++) {
        liq_dump_block(f, strlen(m->indent) + 4, true, routes->entity, &sub, &mk->routes[k]);
    }
}

/* A cross-margin generator's weights, one market a line, every market. */
static void liq_dump_weights(FILE *f, const liq_key_t *key, const liq_key_ctx_t *ctx,
                             const void *obj, const liq_dump_margin_t *m)
{
    const liq_account_generator_t *g = obj;
    const liq_scenario_t *sc = ctx->sc;
    const liq_protocol_config_t *p = &sc->protocols[g->protocol];
    assert(g->collateral_weight != NULL);
    fprintf(f, "%s%s:\n", m->first, key->name);
    for (size_t k = 0; k < liq_protocol_market_count(p); k++) {
        char w[LIQ_NUMBER_MAX];
        fprintf(f, "%s  ", m->indent);
        liq_put_string(f, sc->assets[liq_protocol_market_asset(p, k)].name);
        fprintf(f, ": %s\n", liq_fmt_double(w, g->collateral_weight[k]));
    }
}

/* A schedule's steps, each as a {round, log_return} item. */
static void liq_dump_steps(FILE *f, const liq_key_t *key, const liq_key_ctx_t *ctx, const void *obj,
                           const liq_dump_margin_t *m)
{
    const liq_shock_t *s = obj;
    fprintf(f, "%s%s:%s\n", m->first, key->name, s->n_steps == 0 ? " []" : "");
    for (size_t k = 0; k < s->n_steps; k++) {
        const liq_step_t step = {s->round[k], (double)NAN, s->log_return[k]};
        const liq_key_ctx_t sub = {ctx->sc, s, ctx->parent, k, s->n_steps};
        fprintf(f, "%s  - ", m->indent);
        liq_dump_flow(f, key->entity, &sub, &step);
        fputc('\n', f);
    }
}

/* Generators and files share one list; a generator's stream is its position
 * in that list, so the positions sources fill the remaining places in order. */
static void liq_dump_accounts(FILE *f, const liq_key_t *key, const liq_key_ctx_t *ctx,
                              const liq_dump_margin_t *m)
{
    const liq_scenario_t *sc = ctx->sc;
    const size_t total = sc->n_generators + sc->n_positions;
    fprintf(f, "%s%s:%s\n", m->first, key->name, total == 0 ? " []" : "");
    const size_t spaces = strlen(m->indent) + 4;
    size_t g = 0;
    size_t p = 0;
    for (size_t item = 0; item < total; item++) {
        const bool generator_here =
            g < sc->n_generators && (sc->generators[g].stream == item || p == sc->n_positions);
        const liq_key_ctx_t sub = {sc, sc, NULL, item, total};
        if (generator_here) {
            liq_dump_block(f, spaces, true, &liq_generator_entity, &sub, &sc->generators[g++]);
        } else {
            liq_dump_block(f, spaces, true, &liq_positions_entity, &sub, &sc->positions[p++]);
        }
    }
}

/* Each shock by the table of its kind; one path file gave one shock per
 * column, all with its stream, and is written once. */
static void liq_dump_shocks(FILE *f, const liq_key_t *key, const liq_key_ctx_t *ctx,
                            const liq_dump_margin_t *m)
{
    static const liq_entity_t *const entities[] = {&liq_schedule_entity, &liq_path_entity,
                                                   &liq_gbm_entity};
    const liq_scenario_t *sc = ctx->sc;
    fprintf(f, "%s%s:%s\n", m->first, key->name, sc->n_shocks == 0 ? " []" : "");
    for (size_t i = 0; i < sc->n_shocks; i++) {
        const liq_shock_t *s = &sc->shocks[i];
        const liq_key_ctx_t sub = {sc, sc, NULL, i, sc->n_shocks};
        liq_dump_block(f, strlen(m->indent) + 4, true, entities[s->kind], &sub, s);
        while (s->kind == LIQ_SHOCK_PATH && i + 1 < sc->n_shocks &&
               sc->shocks[i + 1].kind == LIQ_SHOCK_PATH && sc->shocks[i + 1].stream == s->stream) {
            i++;
        }
    }
}

static void liq_dump_custom(FILE *f, const liq_key_t *key, const liq_key_ctx_t *ctx,
                            const void *obj, const liq_dump_margin_t *m)
{
    switch (key->custom) {
    case LIQ_CUSTOM_ROUTE:
        liq_dump_route(f, key, ctx, obj, m);
        break;
    case LIQ_CUSTOM_WEIGHTS:
        liq_dump_weights(f, key, ctx, obj, m);
        break;
    case LIQ_CUSTOM_STEPS:
        liq_dump_steps(f, key, ctx, obj, m);
        break;
    case LIQ_CUSTOM_POSITIONS:
        if (((const liq_protocol_config_t *)obj)->perp_positions_path != NULL) {
            fprintf(f, "%s%s:\n", m->first, key->name);
            liq_dump_block(f, strlen(m->indent) + 2, false, key->entity, ctx, obj);
        }
        break;
    case LIQ_CUSTOM_ACCOUNTS:
        liq_dump_accounts(f, key, ctx, m);
        break;
    case LIQ_CUSTOM_SHOCKS:
        liq_dump_shocks(f, key, ctx, m);
        break;
    case LIQ_CUSTOM_SELL: {
        const liq_adversary_config_t *adv = obj;
        const liq_pool_config_t *pool = &ctx->sc->pools[adv->pool];
        fprintf(f, "%s%s: ", m->first, key->name);
        liq_put_string(f, ctx->sc->assets[adv->sell_token == 0 ? pool->token0 : pool->token1].name);
        fputc('\n', f);
        break;
    }
    default:
        break; /* written by another row (routes), or never (the graph keys) */
    }
}

/* ---------------------------------------------------------- entities */

/* One row in a block, at margin m. */
static void liq_dump_row(FILE *f, const liq_entity_t *entity, const liq_key_t *key,
                         const liq_key_ctx_t *ctx, const void *obj, const liq_dump_margin_t *m)
{
    const liq_scenario_t *sc = ctx->sc;
    const size_t spaces = strlen(m->indent);
    switch (key->type) {
    case LIQ_KEY_MAP: {
        const void *inner = liq_key_cfield(key, obj);
        const liq_key_ctx_t sub = {sc, obj, ctx->parent, ctx->index, ctx->count};
        if (key->entity->flow) {
            fprintf(f, "%s%s: ", m->first, key->name);
            liq_dump_flow(f, key->entity, &sub, inner);
            fputc('\n', f);
        } else {
            fprintf(f, "%s%s:\n", m->first, key->name);
            liq_dump_block(f, spaces + 2, false, key->entity, &sub, inner);
        }
        break;
    }
    case LIQ_KEY_LIST: {
        const size_t n = *(const size_t *)((const char *)obj + key->count_offset);
        const char *items = *(char *const *)liq_key_cfield(key, obj);
        fprintf(f, "%s%s:%s\n", m->first, key->name, n == 0 ? " []" : "");
        for (size_t i = 0; i < n; i++) {
            const void *item = items + i * key->entity->size;
            const liq_key_ctx_t sub = {sc, obj, ctx->parent, i, n};
            if (key->entity->flow) {
                fprintf(f, "%s  - ", m->indent);
                liq_dump_flow(f, key->entity, &sub, item);
                fputc('\n', f);
            } else {
                liq_dump_block(f, spaces + 4, true, key->entity, &sub, item);
            }
        }
        break;
    }
    case LIQ_KEY_CUSTOM:
        liq_dump_custom(f, key, ctx, obj, m);
        break;
    default:
        fprintf(f, "%s%s: ", m->first, key->name);
        liq_dump_value(f, sc, entity, key, obj);
        fputc('\n', f);
        break;
    }
}

/* The rows of `obj` one a line, `spaces` deep; `item`: the first line is a
 * list item's ("- "). */
static void liq_dump_block(FILE *f, size_t spaces, bool item, const liq_entity_t *entity,
                           const liq_key_ctx_t *ctx, const void *obj)
{
    liq_dump_margin_t m = liq_dump_margin(spaces, item);
    for (int rank = 0; rank < LIQ_DUMP_RANKS; rank++) {
        for (size_t k = 0; k < entity->n_keys; k++) {
            const liq_key_t *key = &entity->keys[k];
            if (key->dump_rank != rank || !liq_key_written(key, ctx, obj)) {
                continue;
            }
            liq_dump_row(f, entity, key, ctx, obj, &m);
            memcpy(m.first, m.indent, spaces + 1);
        }
    }
}

/* The rows of `obj` as one flow mapping: {key: value, ...}. */
static void liq_dump_flow(FILE *f, const liq_entity_t *entity, const liq_key_ctx_t *ctx,
                          const void *obj)
{
    const char *sep = "";
    fputc('{', f);
    for (int rank = 0; rank < LIQ_DUMP_RANKS; rank++) {
        for (size_t k = 0; k < entity->n_keys; k++) {
            const liq_key_t *key = &entity->keys[k];
            if (key->dump_rank != rank || !liq_key_written(key, ctx, obj)) {
                continue;
            }
            fprintf(f, "%s%s: ", sep, key->name);
            liq_dump_value(f, ctx->sc, entity, key, obj);
            sep = ", ";
        }
    }
    fputc('}', f);
}

int liq_scenario_dump(char **out, const liq_scenario_t *scenario)
{
    assert(out != NULL && scenario != NULL);
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory while writing the scenario");
    }
    fprintf(f, "# liqnet scenario, resolved: every default explicit, durations in rounds.\n");
    const liq_key_ctx_t ctx = {scenario, NULL, NULL, 0, 0};
    liq_dump_block(f, 0, false, &liq_scenario_entity, &ctx, scenario);
    const bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        free(text);
        return liq_error_set(LIQ_ENOMEM, "out of memory while writing the scenario");
    }
    *out = text;
    return LIQ_OK;
}
