/*
 * Phase 4 of the round, the margin engines (MODEL.md s3, s4): each protocol
 * (and, inside it, its accounts in parallel) finds its liquidatable
 * accounts, applies its keepers' rules and its throughput limit,
 * liquidates, books bad debt, and leaves one sell order per market
 * (market_seized) for the venues; auctions advance; the perp engines run
 * last (src/engine/perp.c).
 *
 *   reads:  the oracle prices and risk controls of this round (phase 3),
 *           the pools after this round's arbitrage (keepers' anticipation),
 *           the account store, the index;
 *   writes: accounts, per-protocol results (liquidations, stalled, found,
 *           repaid and seized value, bad debt, insurance fund, deficit,
 *           collateral and debt value), per-market seized collateral and
 *           totals, auctions, stability pools, perps, the index.
 *
 * Under a distributed run each process steps only the protocols it owns;
 * the exchange that follows the phase copies their results everywhere.
 *
 * The files of the phase: candidates.c (finding liquidatable accounts),
 * price_index.c (the liquidation-price index), radix_sort.c, cut.c (the
 * throughput cut), liquidate.c and liquidate_large.c (applying
 * liquidations), stability.c and auction.c (the other liquidation modes),
 * perp.c (perpetual futures).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/margin.h"
#include "engine/perp.h"
#include "engine/stability.h"
#include "liqnet/error.h"

/* The market whose candidate range holds candidate k (binary search). */
static size_t liq_candidate_market(const struct liq_sim *sim, size_t k)
{
    size_t lo = 0, hi = sim->n_markets;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (sim->margin.market_candidates[mid] <= k) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* The keepers' decision for every candidate, in parallel across all of
 * them (not per protocol, which left one thread idle in single-protocol
 * cascades), into sim->margin.eligible[k]. Measured: benchmarks' cascade at 1e7
 * accounts, 2 threads against 1: median round x1.38 before, see the commit
 * for after. */
static void liq_mark_eligible(struct liq_sim *sim)
{
    const size_t total = sim->margin.market_candidates[sim->n_markets];
#pragma omp parallel for default(none) shared(sim) firstprivate(total) schedule(static)            \
    num_threads(sim->threads) if (total >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t k = 0; k < total; k++) {
        const size_t m = liq_candidate_market(sim, k);
        bool eligible;
        if (sim->margin.candidates[k].account >= sim->accounts.n_accounts) {
            liq_cross_liquidation_t quote;
            eligible = liq_cross_candidate_quote(sim, (size_t)sim->books.markets[m].protocol,
                                                 &sim->margin.candidates[k], NULL, &quote);
        } else {
            (void)liq_candidate_quote(sim, m, &sim->margin.candidates[k], &eligible);
        }
        /* A tripped breaker in pause mode stops every liquidation. */
        const size_t p = (size_t)sim->books.markets[m].protocol;
        if (sim->risk.breaker_active[p] && sim->scenario->protocols[p].breaker_cap == 0) {
            eligible = false;
        }
        sim->margin.eligible[k] = eligible;
    }
}

int liq_phase_margin(struct liq_sim *sim)
{
    if (sim->accounts.n_cross > 0) {
        liq_market_prices_update(sim);
    }
    /* Borrowers' top-ups and repayments land before anyone looks for
     * liquidatable accounts (src/engine/borrowers.c). */
    int rc = liq_borrowers_step(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    rc = liq_find_candidates(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_mark_eligible(sim);
    const size_t n = sim->n_protocols;
    for (size_t p = 0; p < n; p++) {
        sim->books.found[p] =
            (int64_t)(sim->margin.market_candidates[sim->books.market_offset[p + 1]] -
                      sim->margin.market_candidates[sim->books.market_offset[p]]);
    }
    const size_t found = sim->margin.market_candidates[sim->n_markets];
    /* Large protocols one at a time, each with all threads; then the others,
     * one thread each. */
    size_t small_found = found;
    for (size_t p = 0; p < n; p++) {
        const size_t begin = sim->margin.market_candidates[sim->books.market_offset[p]];
        const size_t end = sim->margin.market_candidates[sim->books.market_offset[p + 1]];
        if (liq_owns(sim, p) && sim->scenario->protocols[p].chain_index < 0 &&
            liq_protocol_is_large(sim, p, begin, end)) {
            liq_protocol_liquidate_large(sim, p, begin, end);
            liq_protocol_values(sim, p);
            small_found -= end - begin;
        }
    }
#pragma omp parallel for default(none) shared(sim) firstprivate(n) schedule(dynamic, 1)            \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES ||                                \
                                  (n >= 2 && small_found >= LIQ_PARALLEL_MIN_CANDIDATES))
    for (size_t p = 0; p < n; p++) {
        const size_t begin = sim->margin.market_candidates[sim->books.market_offset[p]];
        const size_t end = sim->margin.market_candidates[sim->books.market_offset[p + 1]];
        const int on_chain = sim->scenario->protocols[p].chain_index >= 0;
        if (!liq_owns(sim, p) || (!on_chain && liq_protocol_is_large(sim, p, begin, end))) {
            continue; /* held by another process, or done above */
        }
        if (on_chain) {
            liq_protocol_transact(sim, p, begin, end); /* src/engine/chains.c */
        } else if (sim->stability != NULL && sim->scenario->protocols[p].has_stability_pool) {
            liq_stability_liquidate(sim, p);
        } else {
            liq_protocol_liquidate(sim, p, begin, end);
        }
        liq_protocol_values(sim, p);
    }
    int sent = liq_chains_send(sim); /* the keepers' transactions, in protocol order */
    if (sent == LIQ_OK) {
        sent = liq_borrowers_send(sim); /* then the borrowers' */
    }
    if (sent == LIQ_OK) {
        sent = liq_bridges_step(sim); /* the liquidators' capital moves (bridges.c) */
    }
    if (sent != LIQ_OK) {
        return sent;
    }
    if (!sim->full_scan) {
        liq_index_update(sim);
    }
    if (sim->perp != NULL) {
        liq_phase_perp(sim); /* the perp exchanges' margin engines */
    }
    return LIQ_OK;
}

/* --------------------------------------------------------- construction */

/* Ordered sum of account values: per-chunk partial sums in parallel,
 * combined serially in chunk order into the market totals. */
static void liq_market_totals(struct liq_sim *sim)
{
    const size_t n_chunks = sim->accounts.n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(static)         \
    num_threads(sim->threads)
    for (size_t k = 0; k < n_chunks; k++) {
        double c = 0.0, d = 0.0;
        for (size_t i = sim->accounts.chunk_begin[k]; i < sim->accounts.chunk_end[k]; i++) {
            c += sim->accounts.collateral[i];
            d += sim->accounts.debt[i];
        }
        sim->margin.chunk_sum[2 * k] = c;
        sim->margin.chunk_sum[2 * k + 1] = d;
    }
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->books.market_collateral[m] = 0.0;
        sim->books.market_debt[m] = 0.0;
    }
    for (size_t k = 0; k < n_chunks; k++) {
        sim->books.market_collateral[sim->accounts.chunk_market[k]] += sim->margin.chunk_sum[2 * k];
        sim->books.market_debt[sim->accounts.chunk_market[k]] += sim->margin.chunk_sum[2 * k + 1];
    }
}

static int liq_build_chunks(struct liq_sim *sim)
{
    size_t n_chunks = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        n_chunks += (liq_market_size(sim, m) + LIQ_CHUNK_ACCOUNTS - 1) / LIQ_CHUNK_ACCOUNTS;
    }
    sim->accounts.n_chunks = n_chunks;
    sim->accounts.chunk_begin = liq_calloc(n_chunks, sizeof(*sim->accounts.chunk_begin));
    sim->accounts.chunk_end = liq_calloc(n_chunks, sizeof(*sim->accounts.chunk_end));
    sim->accounts.chunk_market = liq_calloc(n_chunks, sizeof(*sim->accounts.chunk_market));
    sim->margin.chunk_found = liq_calloc(n_chunks, sizeof(*sim->margin.chunk_found));
    sim->margin.chunk_offset = liq_calloc(n_chunks + 1, sizeof(*sim->margin.chunk_offset));
    sim->margin.chunk_sum = liq_calloc(2 * n_chunks, sizeof(*sim->margin.chunk_sum));
    sim->accounts.market_chunk_offset = liq_calloc(sim->n_markets + 1, sizeof(size_t));
    sim->margin.market_candidates = liq_calloc(sim->n_markets + 1, sizeof(size_t));
    sim->margin.market_found = liq_calloc(sim->n_markets, sizeof(size_t));
    sim->index.market_scan = liq_calloc(sim->n_markets, sizeof(int));
    if (!sim->accounts.chunk_begin || !sim->accounts.chunk_end || !sim->accounts.chunk_market ||
        !sim->margin.chunk_found || !sim->margin.chunk_offset || !sim->margin.chunk_sum ||
        !sim->accounts.market_chunk_offset || !sim->margin.market_candidates ||
        !sim->margin.market_found || !sim->index.market_scan) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu scan chunks", n_chunks);
    }
    size_t k = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->accounts.market_chunk_offset[m] = k;
        const size_t end = sim->accounts.market_begin[m + 1];
        for (size_t i = sim->accounts.market_begin[m]; i < end; i += LIQ_CHUNK_ACCOUNTS) {
            sim->accounts.chunk_begin[k] = i;
            sim->accounts.chunk_end[k] =
                end - i > LIQ_CHUNK_ACCOUNTS ? i + LIQ_CHUNK_ACCOUNTS : end;
            sim->accounts.chunk_market[k] = m;
            k++;
        }
    }
    sim->accounts.market_chunk_offset[sim->n_markets] = k;
    return LIQ_OK;
}

/* Scan chunks of the cross store, and its totals: each market's collateral
 * units gain the cross accounts' (after the isolated ones), and each
 * protocol's cross debt is summed, serially in account order (once). */
static int liq_build_cross_chunks(struct liq_sim *sim)
{
    size_t n_chunks = 0;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const size_t n = sim->accounts.cross_begin[p + 1] - sim->accounts.cross_begin[p];
        n_chunks += (n + LIQ_CHUNK_ACCOUNTS - 1) / LIQ_CHUNK_ACCOUNTS;
    }
    sim->cross.n_chunks = n_chunks;
    sim->cross.chunk_begin = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross.chunk_end = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross.chunk_protocol = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross.chunk_found = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross.chunk_offset = liq_calloc(n_chunks, sizeof(size_t));
    if (!sim->cross.chunk_begin || !sim->cross.chunk_end || !sim->cross.chunk_protocol ||
        !sim->cross.chunk_found || !sim->cross.chunk_offset) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu cross-margin scan chunks",
                             n_chunks);
    }
    size_t k = 0;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const size_t end = sim->accounts.cross_begin[p + 1];
        for (size_t j = sim->accounts.cross_begin[p]; j < end; j += LIQ_CHUNK_ACCOUNTS) {
            sim->cross.chunk_begin[k] = j;
            sim->cross.chunk_end[k] = end - j > LIQ_CHUNK_ACCOUNTS ? j + LIQ_CHUNK_ACCOUNTS : end;
            sim->cross.chunk_protocol[k] = p;
            k++;
        }
        const size_t m0 = sim->books.market_offset[p];
        const size_t n_markets = sim->books.market_offset[p + 1] - m0;
        for (size_t j = sim->accounts.cross_begin[p]; j < end; j++) {
            const double *c = liq_cross_account(sim, p, j);
            for (size_t a = 0; a < n_markets; a++) {
                sim->books.market_collateral[m0 + a] += c[a];
            }
            sim->cross.debt_units[p] += sim->accounts.cross_debt[j];
        }
    }
    return LIQ_OK;
}

int liq_margin_init(struct liq_sim *sim)
{
    int rc = liq_build_chunks(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_market_totals(sim);
    rc = liq_build_cross_chunks(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->index.market_scan[m] = sim->full_scan;
    }
    sim->margin.cut_hist =
        malloc((size_t)sim->threads * LIQ_CUT_BINS * sizeof(*sim->margin.cut_hist));
    sim->margin.market_selected =
        liq_calloc(sim->n_markets + 1, sizeof(*sim->margin.market_selected));
    if (sim->margin.cut_hist == NULL || sim->margin.market_selected == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the throughput cut's histograms");
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const size_t markets = sim->books.market_offset[p + 1] - sim->books.market_offset[p];
        sim->margin.max_protocol_markets =
            markets > sim->margin.max_protocol_markets ? markets : sim->margin.max_protocol_markets;
    }
    if (!sim->full_scan) {
        rc = liq_build_index(sim);
    }
    return rc;
}

/* The books of every protocol and its markets: allocates them, flattens
 * the markets in protocol order and sets their terms (the risk controls
 * scale the bonus each round). */
int liq_books_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_books *b = &sim->books;
    const size_t nr = sim->n_protocols, nm = sim->n_markets;
    b->market_offset = liq_calloc(nr + 1, sizeof(size_t));
    b->liquidations = liq_calloc(nr, sizeof(int64_t));
    b->stalled = liq_calloc(nr, sizeof(int64_t));
    b->found = liq_calloc(nr, sizeof(int64_t));
    b->repaid_value = liq_calloc(nr, sizeof(double));
    b->seized_value = liq_calloc(nr, sizeof(double));
    b->bad_debt = liq_calloc(nr, sizeof(double));
    b->insurance_fund = liq_calloc(nr, sizeof(double));
    b->deficit = liq_calloc(nr, sizeof(double));
    b->collateral_value = liq_calloc(nr, sizeof(double));
    b->debt_value = liq_calloc(nr, sizeof(double));
    b->markets = liq_calloc(nm, sizeof(liq_market_t));
    b->market_seized = liq_calloc(nm, sizeof(double));
    b->market_collateral = liq_calloc(nm, sizeof(double));
    b->market_debt = liq_calloc(nm, sizeof(double));
    b->market_terms = liq_calloc(nm, sizeof(liq_market_terms_t));
    if (!b->market_offset || !b->liquidations || !b->stalled || !b->found || !b->repaid_value ||
        !b->seized_value || !b->bad_debt || !b->insurance_fund || !b->deficit ||
        !b->collateral_value || !b->debt_value || !b->markets || !b->market_seized ||
        !b->market_collateral || !b->market_debt || !b->market_terms) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the protocols' books");
    }
    size_t m = 0;
    for (size_t p = 0; p < nr; p++) {
        const liq_protocol_config_t *proto = &sc->protocols[p];
        b->market_offset[p] = m;
        for (size_t j = 0; j < proto->n_markets; j++, m++) {
            const liq_market_config_t *cfg = &proto->markets[j];
            b->markets[m] = (liq_market_t){(int32_t)p, cfg->asset, cfg->oracle, *cfg};
            b->market_terms[m] =
                (liq_market_terms_t){cfg->liquidation_threshold, cfg->liquidation_bonus,
                                     cfg->close_factor, cfg->full_close_health};
        }
    }
    b->market_offset[nr] = m;
    return LIQ_OK;
}

void liq_books_destroy(struct liq_books *b)
{
    if (b == NULL) {
        return;
    }
    void *arrays[] = {b->market_offset, b->liquidations,      b->stalled,     b->found,
                      b->repaid_value,  b->seized_value,      b->bad_debt,    b->insurance_fund,
                      b->deficit,       b->collateral_value,  b->debt_value,  b->markets,
                      b->market_seized, b->market_collateral, b->market_debt, b->market_terms};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(b, 0, sizeof(*b));
}

void liq_margin_work_destroy(struct liq_margin_work *w)
{
    if (w == NULL) {
        return;
    }
    void *arrays[] = {w->chunk_found,  w->chunk_offset, w->chunk_sum,      w->market_candidates,
                      w->market_found, w->cut_hist,     w->market_selected};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(w, 0, sizeof(*w));
}
