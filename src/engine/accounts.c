/*
 * The account store: generated accounts (heavy-tailed sizes, a spread of
 * initial health) and accounts read from positions files, placed as
 * struct-of-arrays grouped by protocol, then market.
 *
 * Generation is parallel and deterministic: account k of generator g draws
 * from the counter (stream g, entity 0, index k), whatever thread makes it.
 */
#include <math.h>
#include <stdlib.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

/* One generated account: collateral value V (USD at round-0 oracle prices)
 * and initial health h give c = V / O_a and d = V LT / (h O_b). */
static void liq_generate_account(const liq_account_generator_t *g, liq_rng_key_t key,
                                 uint64_t index, double price_collateral, double price_debt,
                                 double liquidation_threshold, double *collateral, double *debt)
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
    *collateral = value / price_collateral;
    *debt = value * liquidation_threshold / (health * price_debt);
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

int liq_sim_build_accounts(struct liq_sim *sim, const liq_positions_t *positions)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t nm = sim->n_markets;
    size_t *cursor = calloc(nm + 1, sizeof(*cursor));
    if (cursor == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the account store");
    }
    /* Count accounts per market. */
    for (size_t g = 0; g < sc->n_generators; g++) {
        const liq_account_generator_t *gen = &sc->generators[g];
        const size_t m = sim->market_offset[gen->protocol] + (size_t)gen->market;
        sim->market_begin[m + 1] += (size_t)gen->count;
    }
    const size_t n_rows = positions != NULL ? positions->count : 0;
    for (size_t k = 0; k < n_rows; k++) {
        int rc = liq_check_position(sim, positions, k);
        if (rc != LIQ_OK) {
            free(cursor);
            return rc;
        }
        const size_t m = sim->market_offset[positions->protocol[k]] + (size_t)positions->market[k];
        sim->market_begin[m + 1]++;
    }
    for (size_t m = 0; m < nm; m++) {
        sim->market_begin[m + 1] += sim->market_begin[m];
        cursor[m] = sim->market_begin[m];
    }
    sim->n_accounts = sim->market_begin[nm];
    const size_t n = sim->n_accounts;
    sim->collateral = malloc((n > 0 ? n : 1) * sizeof(*sim->collateral));
    sim->debt = malloc((n > 0 ? n : 1) * sizeof(*sim->debt));
    if (sim->collateral == NULL || sim->debt == NULL) {
        free(cursor);
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu accounts (%zu bytes)", n,
                             n * 2 * sizeof(double));
    }

    /* Generated accounts, in one parallel loop over all of them. The first
     * version ran one parallel region per generator: a generated ecosystem
     * of 2x10^5 generators averaging 47 accounts spent most of liq_sim_create
     * forking and joining threads (53% of its samples in libgomp). Account k
     * of generator g still draws from counter (g, k) and lands in the same
     * slot, so the store is the same bits as before for any thread count. */
    const size_t n_gen = sc->n_generators;
    liq_gen_block_t *block = malloc((n_gen > 0 ? n_gen : 1) * sizeof(*block));
    if (block == NULL) {
        free(cursor);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the account store");
    }
    size_t total = 0;
    for (size_t g = 0; g < n_gen; g++) {
        const liq_account_generator_t *gen = &sc->generators[g];
        const size_t m = sim->market_offset[gen->protocol] + (size_t)gen->market;
        const liq_market_t *mk = &sim->markets[m];
        block[g] = (liq_gen_block_t){
            .start = total,
            .slot = cursor[m],
            .price_collateral = sim->oracle_price[mk->oracle],
            .price_debt = sim->oracle_price[sc->protocols[gen->protocol].debt_oracle],
            .liquidation_threshold = mk->config.liquidation_threshold};
        total += (size_t)gen->count;
        cursor[m] += (size_t)gen->count;
    }
    const size_t n_chunks = (total + LIQ_GEN_CHUNK - 1) / LIQ_GEN_CHUNK;
    const liq_rng_key_t key = sim->key;
    const liq_account_generator_t *gens = sc->generators;
    double *collateral = sim->collateral;
    double *debt = sim->debt;
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
    /* File positions, in file order within each market. */
    for (size_t k = 0; k < n_rows; k++) {
        const size_t m = sim->market_offset[positions->protocol[k]] + (size_t)positions->market[k];
        sim->collateral[cursor[m]] = positions->collateral[k];
        sim->debt[cursor[m]] = positions->debt[k];
        cursor[m]++;
    }
    free(cursor);
    return LIQ_OK;
}
