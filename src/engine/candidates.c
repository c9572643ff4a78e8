/*
 * Finding the round's liquidatable accounts (MODEL.md s4, "margin engines
 * find underwater accounts"), the only part of a round whose cost grows
 * with the number of accounts. The list, in account order, is what the
 * keepers' rules, the throughput cut and the liquidations read
 * (src/engine/phase_margin.c).
 *
 * Two paths per market give the same candidates in the same order, so
 * everything downstream is shared and the trajectories are bit-identical:
 *
 *  - the full scan tests every account every round: two float64 loads and
 *    no division per account, over fixed chunks of LIQ_CHUNK_ACCOUNTS, in
 *    parallel; it streams 16 bytes an account and runs at memory bandwidth;
 *
 *  - the liquidation-price index (src/engine/price_index.c, the default)
 *    tests only the accounts whose price of liquidation the current oracle
 *    ratio has passed.
 *
 * Cross-margin accounts have no index (their threshold moves with several
 * prices) and are scanned in full every round, listed after their
 * protocol's isolated candidates.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/margin.h"
#include "engine/stability.h"
#include "liqnet/error.h"
#include "liqnet/lending.h"

/* The hot loop: how many of n accounts are liquidatable. 16 bytes and four
 * floating-point operations an account: memory-bound. One core streams about
 * 19 GB/s through it on the development machine (an AMD EPYC; gcc 12, -O3,
 * baseline x86-64, where the count is not vectorised and need not be), and
 * two cores about 35 GB/s of reads (benchmarks/README.md). */
static size_t liq_count_liquidatable(const double *restrict c, const double *restrict d, size_t n,
                                     double pc, double pd, double lt)
{
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        found += (size_t)liq_is_liquidatable(c[i], d[i], pc, pd, lt);
    }
    return found;
}

/* Full scan, pass 1: count liquidatable accounts per chunk of the markets
 * in scan mode. */
static void liq_scan_count(struct liq_sim *sim)
{
    size_t scanned = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        scanned += sim->index.market_scan[m] ? liq_market_size(sim, m) : 0;
    }
    if (scanned == 0) {
        return;
    }
    const size_t n_chunks = sim->accounts.n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (scanned >= LIQ_PARALLEL_MIN_ACCOUNTS)
    for (size_t k = 0; k < n_chunks; k++) {
        const size_t m = sim->accounts.chunk_market[k];
        if (!sim->index.market_scan[m] || (sim->stability != NULL && sim->stability->market[m])) {
            sim->margin.chunk_found[k] = 0; /* stability-pool markets: src/engine/stability.c */
            continue;
        }
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        const double lt = sim->books.markets[m].config.liquidation_threshold;
        const size_t first = sim->accounts.chunk_begin[k];
        sim->margin.chunk_found[k] =
            liq_count_liquidatable(sim->accounts.collateral + first, sim->accounts.debt + first,
                                   sim->accounts.chunk_end[k] - first, pc, pd, lt);
    }
}

/* Full scan, pass 2: list the liquidatable accounts of the chunks that have
 * any, in account order. */
static void liq_scan_list(struct liq_sim *sim, size_t found)
{
    if (found == 0) {
        return;
    }
    const size_t n_chunks = sim->accounts.n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (found >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t k = 0; k < n_chunks; k++) {
        const size_t m = sim->accounts.chunk_market[k];
        if (!sim->index.market_scan[m] || sim->margin.chunk_found[k] == 0) {
            continue;
        }
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        const double lt = sim->books.markets[m].config.liquidation_threshold;
        liq_candidate_t *out = sim->margin.candidates + sim->margin.chunk_offset[k];
        for (size_t i = sim->accounts.chunk_begin[k]; i < sim->accounts.chunk_end[k]; i++) {
            if (liq_is_liquidatable(sim->accounts.collateral[i], sim->accounts.debt[i], pc, pd,
                                    lt)) {
                out->account = i;
                out->health =
                    liq_health(sim->accounts.collateral[i], sim->accounts.debt[i], pc, pd, lt);
                out++;
            }
        }
    }
}

/* The round's lists sized by its `count` candidates, from the round's
 * arena (src/engine/arena.h): the candidates, the keepers' decisions, the
 * cut's ranks and block counts, and the parallel liquidation's chunk and
 * slot sums. Valid until the round ends. */
static int liq_margin_scratch(struct liq_sim *sim, size_t count)
{
    struct liq_margin_work *w = &sim->margin;
    liq_arena_t *arena = &sim->arena;
    const size_t chunks = count / LIQ_APPLY_CHUNK + 1;
    w->candidates = liq_arena_alloc(arena, count * sizeof(*w->candidates));
    w->rank = liq_arena_alloc(arena, count * sizeof(*w->rank));
    w->eligible = liq_arena_alloc(arena, count * sizeof(*w->eligible));
    w->cut_block = liq_arena_alloc(arena, (count / LIQ_CUT_BLOCK + 2) * sizeof(*w->cut_block));
    w->apply_chunk = liq_arena_alloc(arena, chunks * sizeof(*w->apply_chunk));
    w->apply_slot =
        liq_arena_alloc(arena, (chunks + w->max_protocol_markets) * sizeof(*w->apply_slot));
    if (!w->candidates || !w->rank || !w->eligible || !w->cut_block || !w->apply_chunk ||
        !w->apply_slot) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu liquidation candidates", count);
    }
    return LIQ_OK;
}

/* ------------------------------------------------------- cross margin */

/* sum_k c_k O_k LT_k in market order, written as liq_cross_health writes its
 * numerator, so that the test below decides exactly as HF < 1 (see
 * liq_is_liquidatable for why the division can go). */
static double liq_cross_weighted(size_t n, const double *c, const double *price,
                                 const liq_market_terms_t *terms)
{
    double weighted = 0.0;
    for (size_t k = 0; k < n; k++) {
        weighted += c[k] * price[k] * terms[k].liquidation_threshold;
    }
    return weighted;
}

/* Cross accounts have no liquidation-price index: their threshold moves
 * with K prices at once. Every round scans them all, in chunks of
 * LIQ_CHUNK_ACCOUNTS within one protocol, 8 (K + 1) bytes an account. */
static size_t liq_cross_count_chunk(const struct liq_sim *sim, size_t k)
{
    const size_t p = sim->cross.chunk_protocol[k];
    const size_t m0 = sim->books.market_offset[p];
    const size_t n_markets = sim->books.market_offset[p + 1] - m0;
    const double pd = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const double *price = sim->cross.market_price + m0;
    const liq_market_terms_t *terms = sim->books.market_terms + m0;
    size_t found = 0;
    for (size_t j = sim->cross.chunk_begin[k]; j < sim->cross.chunk_end[k]; j++) {
        const double d = sim->accounts.cross_debt[j];
        const double weighted =
            liq_cross_weighted(n_markets, liq_cross_account(sim, p, j), price, terms);
        found += (size_t)((d > 0.0) & (weighted < d * pd));
    }
    return found;
}

/* Cross scan, pass 1: liquidatable cross accounts per chunk. */
static void liq_cross_count(struct liq_sim *sim)
{
    const size_t n_chunks = sim->cross.n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (sim->accounts.n_cross >= LIQ_PARALLEL_MIN_ACCOUNTS / 4)
    for (size_t k = 0; k < n_chunks; k++) {
        sim->cross.chunk_found[k] = liq_cross_count_chunk(sim, k);
    }
}

/* Cross scan, pass 2: list them, in account order, where the offsets put
 * them (after their protocol's isolated candidates). */
static void liq_cross_list(struct liq_sim *sim)
{
    const size_t n_chunks = sim->cross.n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (sim->accounts.n_cross >= LIQ_PARALLEL_MIN_ACCOUNTS / 4)
    for (size_t k = 0; k < n_chunks; k++) {
        if (sim->cross.chunk_found[k] == 0) {
            continue;
        }
        const size_t p = sim->cross.chunk_protocol[k];
        const size_t m0 = sim->books.market_offset[p];
        const size_t n_markets = sim->books.market_offset[p + 1] - m0;
        const double pd = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
        const double *price = sim->cross.market_price + m0;
        const liq_market_terms_t *terms = sim->books.market_terms + m0;
        liq_candidate_t *out = sim->margin.candidates + sim->cross.chunk_offset[k];
        for (size_t j = sim->cross.chunk_begin[k]; j < sim->cross.chunk_end[k]; j++) {
            const double d = sim->accounts.cross_debt[j];
            const double *c = liq_cross_account(sim, p, j);
            if ((d > 0.0) & (liq_cross_weighted(n_markets, c, price, terms) < d * pd)) {
                out->account = sim->accounts.n_accounts + j;
                out->health = liq_cross_health(n_markets, c, price, terms, d, pd);
                out++;
            }
        }
    }
}

/* After the isolated candidates of protocol p's last market, which start
 * at `start`: places p's cross candidates there (chunk offsets from
 * *chunk on) and returns how many there are. */
static size_t liq_cross_place(struct liq_sim *sim, size_t p, size_t start, size_t *chunk)
{
    size_t found = 0;
    for (; *chunk < sim->cross.n_chunks && sim->cross.chunk_protocol[*chunk] == p; (*chunk)++) {
        sim->cross.chunk_offset[*chunk] = start + found;
        found += sim->cross.chunk_found[*chunk];
    }
    sim->cross.found[p] = found;
    return found;
}

/* Markets whose index gather and listing use every thread in turn. */
static bool liq_market_is_big(const struct liq_sim *sim, size_t m)
{
    return liq_market_size(sim, m) >= 16 * LIQ_PARALLEL_MIN_ACCOUNTS;
}

/* Lists the round's liquidatable accounts in account order: markets in
 * scan mode by the chunked full scan, the others through their index. */
int liq_find_candidates(struct liq_sim *sim)
{
    const size_t n_markets = sim->n_markets;
    /* Several markets' index searches run in parallel only when they can be
     * worth a parallel region (a few microseconds; far more on a loaded
     * machine, where a thread may wait for a time slice at the barrier). */
    const int parallel_markets =
        n_markets >= LIQ_PARALLEL_MIN_ENTITIES ||
        (n_markets >= 2 && sim->accounts.n_accounts >= 16 * LIQ_PARALLEL_MIN_ACCOUNTS);
    liq_scan_count(sim);
    liq_cross_count(sim);
    /* Markets of a million accounts or more one at a time with every thread
     * (liq_index_gather), the others one thread each. */
#pragma omp parallel for default(none) shared(sim) firstprivate(n_markets) schedule(dynamic, 1)    \
    num_threads(sim->threads) if (parallel_markets)
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->index.market_scan[m] && !liq_market_is_big(sim, m)) {
            sim->margin.market_found[m] = liq_index_gather(sim, m, 1);
        }
    }
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->index.market_scan[m] && liq_market_is_big(sim, m)) {
            sim->margin.market_found[m] = liq_index_gather(sim, m, sim->threads);
        }
    }
    /* Offsets: markets in order; a scanned market's chunks in order inside. */
    sim->margin.market_candidates[0] = 0;
    size_t cross_chunk = 0;
    for (size_t m = 0; m < n_markets; m++) {
        if (sim->index.market_scan[m]) {
            size_t found = 0;
            for (size_t k = sim->accounts.market_chunk_offset[m];
                 k < sim->accounts.market_chunk_offset[m + 1]; k++) {
                sim->margin.chunk_offset[k] = sim->margin.market_candidates[m] + found;
                found += sim->margin.chunk_found[k];
            }
            sim->margin.market_found[m] = found;
        }
        sim->margin.market_candidates[m + 1] =
            sim->margin.market_candidates[m] + sim->margin.market_found[m];
        const size_t p = (size_t)sim->books.markets[m].protocol;
        if (sim->accounts.n_cross > 0 && m + 1 == sim->books.market_offset[p + 1]) {
            sim->margin.market_candidates[m + 1] +=
                liq_cross_place(sim, p, sim->margin.market_candidates[m + 1], &cross_chunk);
        }
    }
    const int rc = liq_margin_scratch(sim, sim->margin.market_candidates[n_markets]);
    if (rc != LIQ_OK) {
        return rc;
    }
    const size_t found = sim->margin.market_candidates[n_markets];
    liq_scan_list(sim, found);
    liq_cross_list(sim);
#pragma omp parallel for default(none) shared(sim) firstprivate(n_markets) schedule(dynamic, 1)    \
    num_threads(sim->threads) if (parallel_markets && found >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->index.market_scan[m] && !liq_market_is_big(sim, m)) {
            liq_index_list(sim, m, 1);
        }
    }
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->index.market_scan[m] && liq_market_is_big(sim, m)) {
            liq_index_list(sim, m, sim->threads);
        }
    }
    return LIQ_OK;
}

/* The cross-margin state per protocol and market, before the accounts
 * exist (generated cross accounts read market_price); the scan chunks come
 * with the margin engines' set-up (liq_margin_init). */
int liq_cross_margin_init(struct liq_sim *sim)
{
    struct liq_cross_margin *c = &sim->cross;
    const size_t nr = sim->n_protocols, nm = sim->n_markets;
    c->debt_units = liq_calloc(nr, sizeof(double));
    c->debt_value = liq_calloc(nr, sizeof(double));
    c->liquidations = liq_calloc(nr, sizeof(int64_t));
    c->found = liq_calloc(nr, sizeof(size_t));
    c->market_price = liq_calloc(nm, sizeof(double));
    c->seize = liq_calloc(nm, sizeof(double));
    if (!c->debt_units || !c->debt_value || !c->liquidations || !c->found || !c->market_price ||
        !c->seize) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the cross-margin state");
    }
    return LIQ_OK;
}

void liq_cross_margin_destroy(struct liq_cross_margin *c)
{
    if (c == NULL) {
        return;
    }
    void *arrays[] = {c->debt_units,     c->debt_value,  c->liquidations, c->found,
                      c->market_price,   c->seize,       c->chunk_begin,  c->chunk_end,
                      c->chunk_protocol, c->chunk_found, c->chunk_offset};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(c, 0, sizeof(*c));
}
