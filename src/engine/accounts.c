/*
 * The account store: generated accounts (heavy-tailed sizes, a spread of
 * initial health) and accounts read from positions files, placed as
 * struct-of-arrays grouped by protocol, then market.
 *
 * Generation is parallel and deterministic: account k of generator g draws
 * from the counter (stream g, entity 0, index k), whatever thread makes it.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

/* The two draws of generated account `index`: its collateral value V (USD
 * at round-0 oracle prices) and its initial health h. */
static void liq_draw_account(const liq_account_generator_t *g, liq_rng_key_t key, uint64_t index,
                             double *value_out, double *health_out)
{
    double z[2], u[2];
    liq_rng_normal2(key, LIQ_STREAM_GENERATOR | g->stream, 0, index, z, u);
    double value;
    if (g->size_dist == LIQ_SIZE_PARETO) {
        /* Inverse CDF of Pareto(alpha, x_min): x_min u^(-1/alpha). */
        value = g->size_b * pow(u[0], -1.0 / g->size_a);
    } else {
        value = g->size_a * exp(g->size_b * z[0]);
    }
    if (value > g->size_max) {
        value = g->size_max;
    }
    double health;
    if (g->health_dist == LIQ_HEALTH_UNIFORM) {
        health = g->health_a + (g->health_b - g->health_a) * u[1];
    } else {
        health = g->health_a * exp(g->health_b * z[1]);
    }
    *value_out = value;
    *health_out = health;
}

/* One generated isolated account: c = V / O_a and d = V LT / (h O_b). */
static void liq_generate_account(const liq_account_generator_t *g, liq_rng_key_t key,
                                 uint64_t index, double price_collateral, double price_debt,
                                 double liquidation_threshold, double *collateral, double *debt)
{
    double value, health;
    liq_draw_account(g, key, index, &value, &health);
    *collateral = value / price_collateral;
    *debt = value * liquidation_threshold / (health * price_debt);
}

/* One generated cross account over K markets: V_k = V w_k / W with W the
 * sum of the weights, c_k = V_k / O_k, d = sum_k V_k LT_k / (h O_b). */
static void liq_generate_cross_account(const liq_account_generator_t *g, liq_rng_key_t key,
                                       uint64_t index, size_t n_markets, double weight_total,
                                       const double *price_collateral,
                                       const liq_market_terms_t *terms, double price_debt,
                                       double *collateral, double *debt)
{
    double value, health;
    liq_draw_account(g, key, index, &value, &health);
    double weighted = 0.0;
    for (size_t k = 0; k < n_markets; k++) {
        const double part = value * g->collateral_weight[k] / weight_total;
        collateral[k] = part / price_collateral[k];
        weighted += part * terms[k].liquidation_threshold;
    }
    *debt = weighted / (health * price_debt);
}

/* Perp generators' accounts live in the perp store (src/engine/perp.c). */
static bool liq_generator_is_perp(const liq_scenario_t *sc, size_t g)
{
    return sc->protocols[sc->generators[g].protocol].kind == LIQ_PROTOCOL_PERP;
}

static bool liq_position_is_cross(const liq_positions_t *positions, size_t k)
{
    return positions->account != NULL && positions->account[k] >= 0;
}

/* Whether generator g makes isolated accounts that this process holds. */
static bool liq_generator_isolated_here(const struct liq_sim *sim, size_t g)
{
    const liq_account_generator_t *gen = &sim->scenario->generators[g];
    return gen->margin != LIQ_MARGIN_CROSS && !liq_generator_is_perp(sim->scenario, g) &&
           liq_owns(sim, (size_t)gen->protocol);
}

/* Whether generator g makes cross-margin accounts of a lending protocol. */
static bool liq_generator_is_cross(const liq_scenario_t *sc, size_t g)
{
    return sc->generators[g].margin == LIQ_MARGIN_CROSS && !liq_generator_is_perp(sc, g);
}

static int liq_check_position(const liq_sim_t *sim, const liq_positions_t *positions, size_t k)
{
    const liq_scenario_t *sc = sim->scenario;
    const int32_t p = positions->protocol[k];
    if (p < 0 || (size_t)p >= sc->n_protocols || positions->market[k] < 0 ||
        (size_t)positions->market[k] >= sc->protocols[p].n_markets) {
        return liq_error_set(LIQ_EINVAL, "positions row %zu: protocol %d market %d does not exist",
                             k + 1, (int)p, (int)positions->market[k]);
    }
    const double c = positions->collateral[k];
    const double d = positions->debt[k];
    if (!isfinite(c) || c < 0.0 || !isfinite(d) || d < 0.0) {
        return liq_error_set(LIQ_EINVAL,
                             "positions row %zu: collateral %g and debt %g; expected finite "
                             "numbers >= 0",
                             k + 1, c, d);
    }
    return LIQ_OK;
}

/* Where a generator's accounts go: its first account in the flat order of
 * all generated accounts (generator order), its first slot in the store,
 * and the round-0 values its accounts are built with. */
typedef struct {
    size_t start;
    size_t slot;
    double price_collateral, price_debt, liquidation_threshold;
} liq_gen_block_t;

/* Generated accounts per parallel work item: large enough that a chunk's
 * binary search and scheduling cost nothing next to its draws. */
#define LIQ_GEN_CHUNK 4096

/* A cross row of a positions table, for grouping rows into accounts. */
typedef struct {
    int32_t protocol;
    int64_t account;
    size_t row;
} liq_cross_row_t;

static int liq_cross_row_compare(const void *pa, const void *pb)
{
    const liq_cross_row_t *a = pa, *b = pb;
    if (a->protocol != b->protocol) {
        return (a->protocol > b->protocol) - (a->protocol < b->protocol);
    }
    if (a->account != b->account) {
        return (a->account > b->account) - (a->account < b->account);
    }
    return (a->row > b->row) - (a->row < b->row);
}

/* The cross-margin store: per protocol its generated cross accounts
 * (generators in list order), then the file's cross accounts by account id
 * (rows of one account in file order). Built once; the grouping of file
 * rows sorts a temporary list of the cross rows, O(r log r). */
static int liq_build_cross(struct liq_sim *sim, const liq_positions_t *positions)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t np = sim->n_protocols;
    size_t n_rows = 0;
    const size_t rows = positions != NULL ? positions->count : 0;
    /* Whether the scenario has cross accounts decides the output's series,
     * so it counts the protocols other processes hold too. */
    for (size_t g = 0; g < sc->n_generators; g++) {
        sim->accounts.has_cross |= liq_generator_is_cross(sc, g) && sc->generators[g].count > 0;
    }
    for (size_t k = 0; k < rows; k++) {
        if (liq_position_is_cross(positions, k)) {
            sim->accounts.has_cross = 1;
            n_rows += liq_owns(sim, (size_t)positions->protocol[k]) ? 1 : 0;
        }
    }
    liq_cross_row_t *row = liq_calloc(n_rows, sizeof(*row));
    size_t *next = liq_calloc(np, sizeof(*next)); /* per protocol: the next account to fill */
    if (row == NULL || next == NULL) {
        free(row);
        free(next);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the cross-margin accounts");
    }
    for (size_t k = 0, r = 0; k < rows; k++) {
        if (liq_position_is_cross(positions, k) && liq_owns(sim, (size_t)positions->protocol[k])) {
            row[r].protocol = positions->protocol[k];
            row[r].account = positions->account[k];
            row[r].row = k;
            r++;
        }
    }
    if (n_rows > 1) {
        qsort(row, n_rows, sizeof(*row), liq_cross_row_compare);
    }
    /* Accounts per protocol: generated, then one per distinct file id. */
    size_t *count = sim->accounts.cross_begin + 1;
    for (size_t g = 0; g < sc->n_generators; g++) {
        const size_t p = (size_t)sc->generators[g].protocol;
        if (liq_generator_is_cross(sc, g) && liq_owns(sim, p)) {
            count[p] += (size_t)sc->generators[g].count;
        }
    }
    for (size_t r = 0; r < n_rows; r++) {
        if (r == 0 || row[r].protocol != row[r - 1].protocol ||
            row[r].account != row[r - 1].account) {
            count[row[r].protocol]++;
        }
    }
    size_t slots = 0;
    for (size_t p = 0; p < np; p++) {
        sim->accounts.cross_block[p] = slots;
        slots += count[p] * (sim->books.market_offset[p + 1] - sim->books.market_offset[p]);
        sim->accounts.cross_begin[p + 1] += sim->accounts.cross_begin[p];
    }
    sim->accounts.n_cross = sim->accounts.cross_begin[np];
    sim->accounts.cross_debt = liq_calloc(sim->accounts.n_cross, sizeof(*sim->accounts.cross_debt));
    sim->accounts.cross_collateral = liq_calloc(slots, sizeof(*sim->accounts.cross_collateral));
    if (sim->accounts.cross_debt == NULL || sim->accounts.cross_collateral == NULL) {
        free(row);
        free(next);
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu cross-margin accounts (%zu bytes)",
                             sim->accounts.n_cross,
                             (sim->accounts.n_cross + slots) * sizeof(double));
    }

    /* Generated cross accounts, each generator's block in parallel. */
    for (size_t p = 0; p < np; p++) {
        size_t j = sim->accounts.cross_begin[p];
        const size_t m0 = sim->books.market_offset[p];
        const size_t n_markets = sim->books.market_offset[p + 1] - m0;
        const double pd = sim->oracles.price[sc->protocols[p].debt_oracle];
        for (size_t g = 0; g < sc->n_generators; g++) {
            const liq_account_generator_t *gen = &sc->generators[g];
            if ((size_t)gen->protocol != p || !liq_generator_is_cross(sc, g) || !liq_owns(sim, p)) {
                continue;
            }
            double weight_total = 0.0;
            for (size_t k = 0; k < n_markets; k++) {
                weight_total += gen->collateral_weight[k];
            }
            const size_t first = j;
            const int64_t n = gen->count;
            const liq_rng_key_t key = sim->key;
            const double *price = sim->cross.market_price + m0;
            const liq_market_terms_t *terms = sim->books.market_terms + m0;
            struct liq_sim *s = sim;
#pragma omp parallel for default(none) shared(s)                                                   \
    firstprivate(gen, key, first, n, p, n_markets, weight_total, price, terms, pd)                 \
        schedule(static) num_threads(sim->threads)
            for (int64_t k = 0; k < n; k++) {
                const size_t a = first + (size_t)k;
                liq_generate_cross_account(gen, key, (uint64_t)k, n_markets, weight_total, price,
                                           terms, pd, liq_cross_account(s, p, a),
                                           &s->accounts.cross_debt[a]);
            }
            j += (size_t)n;
        }
        next[p] = j;
    }
    /* File cross accounts: one per (protocol, id), rows in file order. */
    for (size_t r = 0; r < n_rows; r++) {
        const size_t p = (size_t)row[r].protocol;
        if (r > 0 &&
            (row[r].protocol != row[r - 1].protocol || row[r].account != row[r - 1].account)) {
            next[(size_t)row[r - 1].protocol]++;
        }
        const size_t k = row[r].row;
        const size_t j = next[p];
        liq_cross_account(sim, p, j)[positions->market[k]] += positions->collateral[k];
        sim->accounts.cross_debt[j] += positions->debt[k];
    }
    free(row);
    free(next);
    return LIQ_OK;
}

/* Generated isolated accounts, in one parallel loop over all of them. The first
 * version ran one parallel region per generator: a generated ecosystem
 * of 2x10^5 generators averaging 47 accounts spent most of liq_sim_create
 * forking and joining threads (53% of its samples in libgomp). Account k
 * of generator g still draws from counter (g, k) and lands in the same
 * slot, so the store is the same bits as before for any thread count. */
static int liq_generate_isolated(struct liq_sim *sim, size_t *cursor)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t n_gen = sc->n_generators;
    liq_gen_block_t *block = malloc((n_gen > 0 ? n_gen : 1) * sizeof(*block));
    if (block == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the account store");
    }
    size_t total = 0;
    for (size_t g = 0; g < n_gen; g++) {
        const liq_account_generator_t *gen = &sc->generators[g];
        if (!liq_generator_isolated_here(sim, g)) {
            /* Built by liq_build_cross (perp accounts by liq_perp_create),
             * or held by another process: an empty block here, which the
             * walk below steps over like a generator of no accounts. */
            block[g] = (liq_gen_block_t){.start = total};
            continue;
        }
        const size_t m = sim->books.market_offset[gen->protocol] + (size_t)gen->market;
        const liq_market_t *mk = &sim->books.markets[m];
        block[g] = (liq_gen_block_t){
            .start = total,
            .slot = cursor[m],
            .price_collateral = sim->oracles.price[mk->oracle],
            .price_debt = sim->oracles.price[sc->protocols[gen->protocol].debt_oracle],
            .liquidation_threshold = mk->config.liquidation_threshold};
        total += (size_t)gen->count;
        cursor[m] += (size_t)gen->count;
    }
    const size_t n_chunks = (total + LIQ_GEN_CHUNK - 1) / LIQ_GEN_CHUNK;
    const liq_rng_key_t key = sim->key;
    const liq_account_generator_t *gens = sc->generators;
    double *collateral = sim->accounts.collateral;
    double *debt = sim->accounts.debt;
#pragma omp parallel for default(none) shared(block, gens, collateral, debt)                       \
    firstprivate(key, n_gen, total, n_chunks) schedule(static) num_threads(sim->threads)
    for (size_t c = 0; c < n_chunks; c++) {
        const size_t lo = c * LIQ_GEN_CHUNK;
        const size_t hi = lo + LIQ_GEN_CHUNK < total ? lo + LIQ_GEN_CHUNK : total;
        /* The last generator starting at or before lo (empty ones skipped
         * by the walk below). */
        size_t left = 0, right = n_gen;
        while (right - left > 1) {
            const size_t mid = left + (right - left) / 2;
            if (block[mid].start <= lo) {
                left = mid;
            } else {
                right = mid;
            }
        }
        size_t g = left;
        for (size_t k = lo; k < hi; k++) {
            while (g + 1 < n_gen && block[g + 1].start <= k) {
                g++;
            }
            const size_t index = k - block[g].start;
            liq_generate_account(&gens[g], key, (uint64_t)index, block[g].price_collateral,
                                 block[g].price_debt, block[g].liquidation_threshold,
                                 &collateral[block[g].slot + index], &debt[block[g].slot + index]);
        }
    }
    free(block);
    return LIQ_OK;
}

int liq_sim_build_accounts(struct liq_sim *sim, const liq_positions_t *positions)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t nm = sim->n_markets;
    sim->accounts.market_begin = liq_calloc(nm + 1, sizeof(size_t));
    sim->accounts.cross_begin = liq_calloc(sim->n_protocols + 1, sizeof(size_t));
    sim->accounts.cross_block = liq_calloc(sim->n_protocols, sizeof(size_t));
    if (!sim->accounts.market_begin || !sim->accounts.cross_begin || !sim->accounts.cross_block) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the account store");
    }
    size_t *cursor = calloc(nm + 1, sizeof(*cursor));
    if (cursor == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the account store");
    }
    /* Count accounts per market. */
    for (size_t g = 0; g < sc->n_generators; g++) {
        const liq_account_generator_t *gen = &sc->generators[g];
        if (!liq_generator_isolated_here(sim, g)) {
            continue;
        }
        const size_t m = sim->books.market_offset[gen->protocol] + (size_t)gen->market;
        sim->accounts.market_begin[m + 1] += (size_t)gen->count;
    }
    const size_t n_rows = positions != NULL ? positions->count : 0;
    for (size_t k = 0; k < n_rows; k++) {
        int rc = liq_check_position(sim, positions, k);
        if (rc != LIQ_OK) {
            free(cursor);
            return rc;
        }
        if (liq_position_is_cross(positions, k) || !liq_owns(sim, (size_t)positions->protocol[k])) {
            continue;
        }
        const size_t m =
            sim->books.market_offset[positions->protocol[k]] + (size_t)positions->market[k];
        sim->accounts.market_begin[m + 1]++;
    }
    for (size_t m = 0; m < nm; m++) {
        sim->accounts.market_begin[m + 1] += sim->accounts.market_begin[m];
        cursor[m] = sim->accounts.market_begin[m];
    }
    sim->accounts.n_accounts = sim->accounts.market_begin[nm];
    const size_t n = sim->accounts.n_accounts;
    sim->accounts.collateral = malloc((n > 0 ? n : 1) * sizeof(*sim->accounts.collateral));
    sim->accounts.debt = malloc((n > 0 ? n : 1) * sizeof(*sim->accounts.debt));
    if (sim->accounts.collateral == NULL || sim->accounts.debt == NULL) {
        free(cursor);
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu accounts (%zu bytes)", n,
                             n * 2 * sizeof(double));
    }

    int rc = liq_generate_isolated(sim, cursor);
    if (rc != LIQ_OK) {
        free(cursor);
        return rc;
    }
    /* File positions, in file order within each market. */
    for (size_t k = 0; k < n_rows; k++) {
        if (liq_position_is_cross(positions, k) || !liq_owns(sim, (size_t)positions->protocol[k])) {
            continue;
        }
        const size_t m =
            sim->books.market_offset[positions->protocol[k]] + (size_t)positions->market[k];
        sim->accounts.collateral[cursor[m]] = positions->collateral[k];
        sim->accounts.debt[cursor[m]] = positions->debt[k];
        cursor[m]++;
    }
    free(cursor);
    return liq_build_cross(sim, positions);
}

void liq_account_store_destroy(struct liq_account_store *a)
{
    if (a == NULL) {
        return;
    }
    void *arrays[] = {a->market_begin,        a->collateral,      a->debt,
                      a->chunk_begin,         a->chunk_end,       a->chunk_market,
                      a->market_chunk_offset, a->cross_begin,     a->cross_block,
                      a->cross_debt,          a->cross_collateral};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(a, 0, sizeof(*a));
}
