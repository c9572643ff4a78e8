/*
 * Writes a resolved scenario back as YAML (liq_scenario_dump).
 *
 * The dump is the record of what was run: it is stored with every output
 * file, so it must mean exactly the same thing when read again. Hence every
 * default is written out, every duration is a count of rounds (no
 * round_seconds conversion on re-reading), every name and path is a
 * double-quoted string (a name such as "yes" or "1.5" would otherwise change
 * type), and every number is printed with the fewest digits that strtod reads
 * back to the same double (at most 17, the %.17g bound), so that parse ->
 * dump -> parse is bit-identical.
 *
 * Path shocks are written as `type: path` with the resolved file rather than
 * as inline returns: a path of 10^6 rounds would make the stored record tens
 * of megabytes. Re-reading the dump therefore needs the same CSV file.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <stdbool.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/scenario.h"

/* Enough for "-1.2345678901234567e-308" and a terminator. */
#define LIQ_NUMBER_MAX 32

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

/* "key: value" lines at a given indentation. */
static void liq_put_number(FILE *f, const char *indent, const char *key, double v)
{
    char buf[LIQ_NUMBER_MAX];
    fprintf(f, "%s%s: %s\n", indent, key, liq_fmt_double(buf, v));
}

static void liq_put_int(FILE *f, const char *indent, const char *key, int64_t v)
{
    fprintf(f, "%s%s: %" PRId64 "\n", indent, key, v);
}

static void liq_put_name(FILE *f, const char *indent, const char *key, const char *name)
{
    fprintf(f, "%s%s: ", indent, key);
    liq_put_string(f, name);
    fputc('\n', f);
}

static const char *liq_asset_name(const liq_scenario_t *sc, int32_t i)
{
    assert(i >= 0 && (size_t)i < sc->n_assets);
    return sc->assets[i].name;
}

static void liq_dump_assets(FILE *f, const liq_scenario_t *sc)
{
    fprintf(f, "assets:%s\n", sc->n_assets == 0 ? " []" : "");
    for (size_t i = 0; i < sc->n_assets; i++) {
        const liq_asset_config_t *a = &sc->assets[i];
        liq_put_name(f, "  - ", "name", a->name);
        liq_put_number(f, "    ", "price", a->price);
        liq_put_number(f, "    ", "market_depth", a->market_depth);
        liq_put_number(f, "    ", "market_resilience", a->market_resilience);
    }
}

static void liq_dump_pools(FILE *f, const liq_scenario_t *sc)
{
    fprintf(f, "pools:%s\n", sc->n_pools == 0 ? " []" : "");
    for (size_t i = 0; i < sc->n_pools; i++) {
        const liq_pool_config_t *p = &sc->pools[i];
        liq_put_name(f, "  - ", "name", p->name);
        static const char *const kinds[] = {"constant_product", "stableswap", "linear_book"};
        fprintf(f, "    kind: %s\n", kinds[p->kind]);
        liq_put_name(f, "    ", "token0", liq_asset_name(sc, p->token0));
        liq_put_name(f, "    ", "token1", liq_asset_name(sc, p->token1));
        liq_put_number(f, "    ", "reserve0", p->reserve0);
        liq_put_number(f, "    ", "reserve1", p->reserve1);
        liq_put_number(f, "    ", "fee", p->fee);
        liq_put_number(f, "    ", "arbitrage", p->arbitrage);
        if (p->kind == LIQ_POOL_STABLESWAP) {
            liq_put_number(f, "    ", "amplification", p->amplification);
        }
    }
}

/* A price source as a flow mapping: {source: ..., asset|pool: ..., window: ...}. */
static void liq_dump_source(FILE *f, const liq_scenario_t *sc, const liq_price_source_t *src)
{
    static const char *const sources[] = {"market", "pool_spot", "pool_twap"};
    fprintf(f, "{source: %s, ", sources[src->source]);
    if (src->source == LIQ_ORACLE_MARKET) {
        fprintf(f, "asset: ");
        liq_put_string(f, liq_asset_name(sc, src->asset));
    } else {
        assert(src->pool >= 0 && (size_t)src->pool < sc->n_pools);
        fprintf(f, "pool: ");
        liq_put_string(f, sc->pools[src->pool].name);
    }
    if (src->source == LIQ_ORACLE_POOL_TWAP) {
        fprintf(f, ", window: %lld", (long long)src->window);
    }
    fprintf(f, "}");
}

static void liq_dump_oracles(FILE *f, const liq_scenario_t *sc)
{
    static const char *const sources[] = {"market", "pool_spot", "pool_twap", "median"};
    fprintf(f, "oracles:%s\n", sc->n_oracles == 0 ? " []" : "");
    for (size_t i = 0; i < sc->n_oracles; i++) {
        const liq_oracle_config_t *o = &sc->oracles[i];
        liq_put_name(f, "  - ", "name", o->name);
        fprintf(f, "    source: %s\n", sources[o->source]);
        if (o->source == LIQ_ORACLE_MARKET) {
            liq_put_name(f, "    ", "asset", liq_asset_name(sc, o->asset));
        } else if (o->source == LIQ_ORACLE_MEDIAN) {
            fprintf(f, "    inputs:\n");
            for (size_t k = 0; k < o->n_inputs; k++) {
                fprintf(f, "      - ");
                liq_dump_source(f, sc, &o->inputs[k]);
                fprintf(f, "\n");
            }
        } else {
            assert(o->pool >= 0 && (size_t)o->pool < sc->n_pools);
            liq_put_name(f, "    ", "pool", sc->pools[o->pool].name);
        }
        liq_put_int(f, "    ", "heartbeat", o->heartbeat);
        liq_put_number(f, "    ", "deviation", o->deviation);
        liq_put_int(f, "    ", "latency", o->latency);
        if (o->source == LIQ_ORACLE_POOL_TWAP) {
            liq_put_int(f, "    ", "window", o->window);
        }
        if (o->has_anchor) {
            fprintf(f, "    anchor: ");
            liq_dump_source(f, sc, &o->anchor);
            fprintf(f, "\n");
            liq_put_number(f, "    ", "anchor_band", o->anchor_band);
        }
    }
}

/* Written only for Dutch auctions, so that R0 scenarios dump as before. */
static void liq_dump_liquidation(FILE *f, const liq_auction_config_t *a)
{
    static const char *const curves[] = {"linear", "stairstep", "exponential"};
    if (a->mode != LIQ_LIQUIDATION_DUTCH_AUCTION) {
        return;
    }
    fprintf(f, "    liquidation:\n      mode: dutch_auction\n");
    liq_put_number(f, "      ", "chop", a->chop);
    liq_put_number(f, "      ", "buf", a->buf);
    liq_put_int(f, "      ", "tail", a->tail);
    liq_put_number(f, "      ", "cusp", a->cusp);
    liq_put_number(f, "      ", "tip", a->tip);
    liq_put_number(f, "      ", "chip", a->chip);
    fprintf(f, "      curve: %s\n", curves[a->curve.kind]);
    if (a->curve.kind == LIQ_CURVE_LINEAR) {
        liq_put_number(f, "      ", "tau", a->curve.tau);
    }
    if (a->curve.kind == LIQ_CURVE_STAIRSTEP) {
        liq_put_number(f, "      ", "step", a->curve.step);
    }
    if (a->curve.kind != LIQ_CURVE_LINEAR) {
        liq_put_number(f, "      ", "cut", a->curve.cut);
    }
    if (isinf(a->hole)) {
        fprintf(f, "      hole: unlimited\n");
    } else {
        liq_put_number(f, "      ", "hole", a->hole);
    }
    if (isinf(a->keeper_capital)) {
        fprintf(f, "      keeper_capital: unlimited\n");
    } else {
        liq_put_number(f, "      ", "keeper_capital", a->keeper_capital);
    }
}

/* A perp protocol (MODEL.md s5): margin asset and oracle, fund, the
 * throughput limit and its perp markets with their tiers. */
static void liq_dump_perp_protocol(FILE *f, const liq_scenario_t *sc,
                                   const liq_protocol_config_t *p)
{
    fprintf(f, "    kind: perp\n");
    liq_put_name(f, "    ", "margin_asset", liq_asset_name(sc, p->debt_asset));
    liq_put_name(f, "    ", "margin_oracle", sc->oracles[p->debt_oracle].name);
    liq_put_number(f, "    ", "insurance_fund", p->insurance_fund);
    fprintf(f, "    keepers:\n");
    if (p->max_liquidations == INT64_MAX) {
        fprintf(f, "      max_liquidations: unlimited\n");
    } else {
        liq_put_int(f, "      ", "max_liquidations", p->max_liquidations);
    }
    fprintf(f, "    markets:\n");
    for (size_t m = 0; m < p->n_perp_markets; m++) {
        const liq_perp_market_config_t *mk = &p->perp_markets[m];
        liq_put_name(f, "      - ", "asset", liq_asset_name(sc, mk->asset));
        liq_put_name(f, "        ", "oracle", sc->oracles[mk->oracle].name);
        liq_put_name(f, "        ", "route", sc->pools[mk->pool].name);
        liq_put_number(f, "        ", "liquidation_fee", mk->liquidation_fee);
        fprintf(f, "        tiers:\n");
        for (size_t k = 0; k < mk->n_tiers; k++) {
            if (isinf(mk->tiers[k].notional_up_to)) {
                fprintf(f, "          - notional_up_to: unlimited\n");
            } else {
                liq_put_number(f, "          - ", "notional_up_to", mk->tiers[k].notional_up_to);
            }
            liq_put_number(f, "            ", "mmr", mk->tiers[k].mmr);
        }
    }
    if (p->perp_positions_path != NULL) {
        fprintf(f, "    positions:\n");
        liq_put_name(f, "      ", "file", p->perp_positions_path);
        if (!isnan(p->perp_positions_leverage)) {
            liq_put_number(f, "      ", "leverage", p->perp_positions_leverage);
        }
    }
}

static void liq_dump_protocols(FILE *f, const liq_scenario_t *sc)
{
    fprintf(f, "protocols:%s\n", sc->n_protocols == 0 ? " []" : "");
    for (size_t i = 0; i < sc->n_protocols; i++) {
        const liq_protocol_config_t *p = &sc->protocols[i];
        liq_put_name(f, "  - ", "name", p->name);
        if (p->kind == LIQ_PROTOCOL_PERP) {
            liq_dump_perp_protocol(f, sc, p);
            continue;
        }
        fprintf(f, "    kind: lending\n");
        liq_put_name(f, "    ", "debt_asset", liq_asset_name(sc, p->debt_asset));
        assert(p->debt_oracle >= 0 && (size_t)p->debt_oracle < sc->n_oracles);
        liq_put_name(f, "    ", "debt_oracle", sc->oracles[p->debt_oracle].name);
        liq_put_number(f, "    ", "insurance_fund", p->insurance_fund);
        fprintf(f, "    keepers:\n");
        liq_put_number(f, "      ", "gas_cost", p->gas_cost);
        liq_put_number(f, "      ", "min_profit", p->min_profit);
        if (p->max_liquidations == INT64_MAX) {
            fprintf(f, "      max_liquidations: unlimited\n");
        } else {
            liq_put_int(f, "      ", "max_liquidations", p->max_liquidations);
        }
        /* Keeper economics, breakers and dynamic penalties only when set,
         * so that scenarios without them dump as they always did. */
        if (p->gas_congestion != 0.0) {
            liq_put_number(f, "      ", "congestion", p->gas_congestion);
        }
        if (p->anticipate_slippage) {
            fprintf(f, "      anticipate_slippage: true\n");
        }
        if (!isinf(p->keeper_capital)) {
            liq_put_number(f, "      ", "capital", p->keeper_capital);
        }
        if (p->chain != NULL) {
            liq_put_name(f, "    ", "chain", p->chain);
        }
        if (p->has_breaker) {
            fprintf(f, "    breaker:\n");
            liq_put_number(f, "      ", "drop", p->breaker_drop);
            liq_put_int(f, "      ", "window", p->breaker_window);
            liq_put_int(f, "      ", "pause", p->breaker_pause);
            liq_put_int(f, "      ", "cap", p->breaker_cap);
        }
        if (p->has_dynamic_penalty) {
            fprintf(f, "    dynamic_penalty:\n");
            liq_put_number(f, "      ", "reference_volatility", p->reference_volatility);
            liq_put_int(f, "      ", "window", p->volatility_window);
            liq_put_number(f, "      ", "max_scale", p->max_penalty_scale);
        }
        liq_dump_liquidation(f, &p->liquidation);
        fprintf(f, "    markets:%s\n", p->n_markets == 0 ? " []" : "");
        for (size_t m = 0; m < p->n_markets; m++) {
            const liq_market_config_t *mk = &p->markets[m];
            assert(mk->oracle >= 0 && (size_t)mk->oracle < sc->n_oracles);
            assert(mk->n_routes >= 1 && mk->route == mk->routes[0].pool);
            liq_put_name(f, "      - ", "asset", liq_asset_name(sc, mk->asset));
            liq_put_name(f, "        ", "oracle", sc->oracles[mk->oracle].name);
            if (mk->n_routes == 1 && mk->routing == LIQ_ROUTING_WEIGHT) {
                liq_put_name(f, "        ", "route", sc->pools[mk->route].name);
            } else {
                fprintf(f, "        routing: %s\n",
                        mk->routing == LIQ_ROUTING_BEST_PRICE ? "best_price" : "weight");
                fprintf(f, "        routes:\n");
                for (size_t k = 0; k < mk->n_routes; k++) {
                    liq_put_name(f, "          - ", "pool", sc->pools[mk->routes[k].pool].name);
                    if (mk->routing == LIQ_ROUTING_WEIGHT) {
                        liq_put_number(f, "            ", "weight", mk->routes[k].weight);
                    }
                }
            }
            liq_put_number(f, "        ", "liquidation_threshold", mk->liquidation_threshold);
            liq_put_number(f, "        ", "liquidation_bonus", mk->liquidation_bonus);
            liq_put_number(f, "        ", "close_factor", mk->close_factor);
            liq_put_number(f, "        ", "full_close_health", mk->full_close_health);
        }
        /* Balance sheets are written only when present, so that scenarios
         * without them dump as they always did. */
        if (p->n_issues > 0) {
            fprintf(f, "    issues:\n");
            for (size_t k = 0; k < p->n_issues; k++) {
                liq_put_name(f, "      - ", "asset", liq_asset_name(sc, p->issues[k].asset));
                liq_put_number(f, "        ", "supply", p->issues[k].supply);
            }
            fprintf(f, "    recovery: %s\n",
                    p->recovery == LIQ_RECOVERY_ZERO ? "zero" : "pro_rata");
        }
        if (p->n_holdings > 0) {
            fprintf(f, "    holdings:\n");
            for (size_t k = 0; k < p->n_holdings; k++) {
                liq_put_name(f, "      - ", "asset", liq_asset_name(sc, p->holdings[k].asset));
                liq_put_number(f, "        ", "amount", p->holdings[k].amount);
            }
        }
        if (p->has_stability_pool) {
            const liq_stability_pool_config_t *sp = &p->stability_pool;
            fprintf(f, "    stability_pool:\n");
            liq_put_number(f, "      ", "deposits", sp->deposits);
            liq_put_number(f, "      ", "gas_compensation", sp->gas_compensation);
            liq_put_number(f, "      ", "gas_compensation_share", sp->gas_compensation_share);
            liq_put_number(f, "      ", "sell_share", sp->sell_share);
            if (sp->has_recovery_mode) {
                fprintf(f, "      recovery_mode:\n");
                liq_put_number(f, "        ", "ccr", sp->ccr);
            }
        }
    }
}

static void liq_dump_generator(FILE *f, const liq_scenario_t *sc, const liq_account_generator_t *g)
{
    char a[LIQ_NUMBER_MAX];
    char b[LIQ_NUMBER_MAX];
    char c[LIQ_NUMBER_MAX];
    assert(g->protocol >= 0 && (size_t)g->protocol < sc->n_protocols);
    const liq_protocol_config_t *p = &sc->protocols[g->protocol];
    liq_put_name(f, "  - ", "protocol", p->name);
    const bool perp = p->kind == LIQ_PROTOCOL_PERP;
    if (perp) {
        /* Perp generators: markets are perp markets, leverage for health. */
        if (g->margin == LIQ_MARGIN_CROSS) {
            fprintf(f, "    margin: cross\n");
            fprintf(f, "    markets:\n");
            for (size_t m = 0; m < p->n_perp_markets; m++) {
                char w[LIQ_NUMBER_MAX];
                fprintf(f, "      ");
                liq_put_string(f, liq_asset_name(sc, p->perp_markets[m].asset));
                fprintf(f, ": %s\n", liq_fmt_double(w, g->collateral_weight[m]));
            }
        } else {
            liq_put_name(f, "    ", "market", liq_asset_name(sc, p->perp_markets[g->market].asset));
        }
        liq_put_number(f, "    ", "long_share", g->long_share);
    } else if (g->margin == LIQ_MARGIN_CROSS) {
        /* Isolated generators are written without `margin`, as before cross
         * margin existed; cross ones give every market's weight. */
        assert(g->collateral_weight != NULL);
        fprintf(f, "    margin: cross\n");
        fprintf(f, "    collateral:\n");
        for (size_t m = 0; m < p->n_markets; m++) {
            char w[LIQ_NUMBER_MAX];
            fprintf(f, "      ");
            liq_put_string(f, liq_asset_name(sc, p->markets[m].asset));
            fprintf(f, ": %s\n", liq_fmt_double(w, g->collateral_weight[m]));
        }
    } else {
        assert(g->market >= 0 && (size_t)g->market < p->n_markets);
        liq_put_name(f, "    ", "market", liq_asset_name(sc, p->markets[g->market].asset));
    }
    liq_put_int(f, "    ", "count", g->count);
    liq_fmt_double(a, g->size_a);
    liq_fmt_double(b, g->size_b);
    liq_fmt_double(c, g->size_max);
    if (g->size_dist == LIQ_SIZE_PARETO) {
        fprintf(f, "    size: {distribution: pareto, alpha: %s, min: %s, max: %s}\n", a, b, c);
    } else {
        fprintf(f, "    size: {distribution: lognormal, median: %s, sigma: %s, max: %s}\n", a, b,
                c);
    }
    liq_fmt_double(a, g->health_a);
    liq_fmt_double(b, g->health_b);
    const char *health = perp ? "leverage" : "health";
    if (g->health_dist == LIQ_HEALTH_UNIFORM) {
        fprintf(f, "    %s: {distribution: uniform, min: %s, max: %s}\n", health, a, b);
    } else {
        fprintf(f, "    %s: {distribution: lognormal, median: %s, sigma: %s}\n", health, a, b);
    }
}

/* Generators and files share one list; a generator's stream is its position
 * in that list, so the positions sources fill the remaining places in order. */
static void liq_dump_accounts(FILE *f, const liq_scenario_t *sc)
{
    const size_t total = sc->n_generators + sc->n_positions;
    fprintf(f, "accounts:%s\n", total == 0 ? " []" : "");
    size_t g = 0;
    size_t p = 0;
    for (size_t item = 0; item < total; item++) {
        const bool generator_here =
            g < sc->n_generators && (sc->generators[g].stream == item || p == sc->n_positions);
        if (generator_here) {
            liq_dump_generator(f, sc, &sc->generators[g++]);
        } else {
            const liq_positions_source_t *src = &sc->positions[p++];
            liq_put_name(f, "  - ", "file", src->path);
            fprintf(f, "    format: %s\n", src->format == LIQ_POSITIONS_CSV ? "csv" : "hdf5");
        }
    }
}

static void liq_dump_shocks(FILE *f, const liq_scenario_t *sc)
{
    fprintf(f, "shocks:%s\n", sc->n_shocks == 0 ? " []" : "");
    for (size_t i = 0; i < sc->n_shocks; i++) {
        const liq_shock_t *s = &sc->shocks[i];
        char buf[LIQ_NUMBER_MAX];
        switch (s->kind) {
        case LIQ_SHOCK_SCHEDULE:
            fprintf(f, "  - type: schedule\n");
            liq_put_name(f, "    ", "asset", liq_asset_name(sc, s->asset));
            fprintf(f, "    steps:%s\n", s->n_steps == 0 ? " []" : "");
            for (size_t k = 0; k < s->n_steps; k++) {
                fprintf(f, "      - {round: %" PRId64 ", log_return: %s}\n", s->round[k],
                        liq_fmt_double(buf, s->log_return[k]));
            }
            break;
        case LIQ_SHOCK_PATH:
            /* One file item gave one shock per column, all with its stream. */
            fprintf(f, "  - type: path\n");
            liq_put_name(f, "    ", "file", s->path != NULL ? s->path : "");
            while (i + 1 < sc->n_shocks && sc->shocks[i + 1].kind == LIQ_SHOCK_PATH &&
                   sc->shocks[i + 1].stream == s->stream) {
                i++;
            }
            break;
        case LIQ_SHOCK_GBM:
            fprintf(f, "  - type: gbm\n");
            liq_put_name(f, "    ", "asset", liq_asset_name(sc, s->asset));
            liq_put_number(f, "    ", "drift", s->drift);
            liq_put_number(f, "    ", "volatility", s->volatility);
            liq_put_number(f, "    ", "jump_intensity", s->jump_intensity);
            liq_put_number(f, "    ", "jump_mean", s->jump_mean);
            liq_put_number(f, "    ", "jump_stdev", s->jump_stdev);
            liq_put_int(f, "    ", "start", s->start);
            liq_put_int(f, "    ", "end", s->end);
            break;
        }
    }
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
    const liq_scenario_t *sc = scenario;
    fprintf(f, "# liqnet scenario, resolved: every default explicit, durations in rounds.\n");
    liq_put_name(f, "", "name", sc->name != NULL ? sc->name : "scenario");
    liq_put_int(f, "", "rounds", sc->rounds);
    liq_put_number(f, "", "round_seconds", sc->round_seconds);
    fprintf(f, "seed: %" PRIu64 "\n", sc->seed);
    fprintf(f, "output:\n");
    liq_put_int(f, "  ", "flush_every", sc->flush_every);
    liq_dump_assets(f, sc);
    liq_dump_pools(f, sc);
    liq_dump_oracles(f, sc);
    liq_dump_protocols(f, sc);
    liq_dump_accounts(f, sc);
    liq_dump_shocks(f, sc);
    if (sc->adversary.enabled) {
        const liq_adversary_config_t *adv = &sc->adversary;
        const liq_pool_config_t *pool = &sc->pools[adv->pool];
        fprintf(f, "adversary:\n");
        liq_put_int(f, "  ", "round", adv->round);
        liq_put_name(f, "  ", "pool", pool->name);
        liq_put_name(f, "  ", "sell",
                     liq_asset_name(sc, adv->sell_token == 0 ? pool->token0 : pool->token1));
        liq_put_number(f, "  ", "amount", adv->amount);
        liq_put_number(f, "  ", "flash_fee", adv->flash_fee);
    }
    const bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        free(text);
        return liq_error_set(LIQ_ENOMEM, "out of memory while writing the scenario");
    }
    *out = text;
    return LIQ_OK;
}
