/*
 * The margin engine of a large protocol (4096 candidates or more in a
 * round) with every thread: its throughput cut (src/engine/cut.c) and its
 * liquidations in parallel, over fixed chunks of LIQ_APPLY_CHUNK selected
 * candidates whose sums are combined in chunk order, so that results do not
 * depend on the thread count. Small protocols run liq_protocol_liquidate
 * (src/engine/liquidate.c), one thread each, in parallel with each other.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <omp.h>

#include "engine/margin.h"

/* Protocols with this many candidates or more take the parallel path below,
 * one protocol at a time with all threads, instead of one thread each. The
 * benchmarks' cascade has two such protocols of very unequal work (at 1e7
 * accounts, a cut of 2e4 among 3.7e5 eligible, and 3.2e4 liquidations with
 * no cut): one thread each left the other idle for most of the phase.
 * Measured there (liqnet_bench scaling, 2 threads against 1, load 1.3):
 * median round x1.64 before, x1.73 to x1.77 after; total x1.61 -> x1.69. */
bool liq_protocol_is_large(const struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    return end - begin >= LIQ_PARALLEL_MIN_CANDIDATES &&
           proto->liquidation.mode == LIQ_LIQUIDATION_INSTANT &&
           !(sim->stability != NULL && proto->has_stability_pool);
}

/* Starts the slot of market m in a chunk whose candidates begin at rank[j]. */
static void liq_apply_slot_open(const struct liq_sim *sim, struct liq_apply_slot *slot, size_t m,
                                const size_t *rank, size_t j)
{
    slot->used = 1;
    slot->first =
        j == 0 || sim->margin.candidates[rank[j - 1]].account < sim->accounts.market_begin[m];
    slot->seized = 0.0;
    slot->collateral = slot->first ? sim->books.market_collateral[m] : 0.0;
    slot->debt = slot->first ? sim->books.market_debt[m] : 0.0;
}

/* first[m] for protocol p's markets m0 .. m_end (inclusive): where market
 * m's candidates start in the account-ordered rank[0..n) (n at m_end). */
static void liq_apply_market_starts(const struct liq_sim *sim, size_t p, const size_t *rank,
                                    size_t n, size_t *first)
{
    const size_t m0 = sim->books.market_offset[p];
    const size_t m_end = sim->books.market_offset[p + 1];
    for (size_t m = m0; m <= m_end; m++) {
        size_t lo = m == m0 ? 0 : first[m - 1], hi = n;
        const size_t begin = m < m_end ? sim->accounts.market_begin[m] : SIZE_MAX;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (sim->margin.candidates[rank[mid]].account < begin) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        first[m] = lo;
    }
}

/* The chunks' sums, combined in chunk order on one thread: the protocol's
 * value sums, and each market's totals (a market's first part replaces
 * them, since it started from them; later parts add). */
static void liq_apply_combine(struct liq_sim *sim, size_t m0, size_t n_chunks, double *repaid_value,
                              double *seized_value, double *bad_value)
{
    const struct liq_apply_chunk *chunk = sim->margin.apply_chunk;
    const struct liq_apply_slot *slot = sim->margin.apply_slot;
    for (size_t c = 0; c < n_chunks; c++) {
        const struct liq_apply_chunk *ch = &chunk[c];
        if (c == 0) {
            *repaid_value = ch->repaid_value;
            *seized_value = ch->seized_value;
            *bad_value = ch->bad_value;
        } else {
            *repaid_value += ch->repaid_value;
            *seized_value += ch->seized_value;
            *bad_value += ch->bad_value;
        }
        for (size_t m = ch->first_market; m <= ch->last_market; m++) {
            const struct liq_apply_slot *s = &slot[c + m - m0];
            if (!s->used) {
                continue;
            }
            if (s->first) {
                sim->books.market_seized[m] = s->seized;
                sim->books.market_collateral[m] = s->collateral;
                sim->books.market_debt[m] = s->debt;
            } else {
                sim->books.market_seized[m] += s->seized;
                sim->books.market_collateral[m] += s->collateral;
                sim->books.market_debt[m] += s->debt;
            }
        }
    }
}

/* The recent lists' counts after the parallel notes, as liq_index_note
 * keeps them: a list that would overflow marks its market stale (to be
 * re-sorted). */
static void liq_apply_recent_counts(struct liq_sim *sim, size_t p, const size_t *first)
{
    const size_t m0 = sim->books.market_offset[p];
    const size_t m_end = sim->books.market_offset[p + 1];
    for (size_t m = m0; m < m_end && !sim->full_scan; m++) {
        const size_t noted = first[m + 1] - first[m];
        if (sim->index.stale[m] || noted == 0) {
            continue;
        }
        if (sim->index.recent_count[m] + noted > sim->index.recent_capacity[m]) {
            sim->index.recent_count[m] = sim->index.recent_capacity[m];
            sim->index.stale[m] = 1;
        } else {
            sim->index.recent_count[m] += noted;
        }
    }
}

/* Liquidates a large protocol's n isolated selected candidates rank[0..n),
 * in account order, in parallel over chunks of LIQ_APPLY_CHUNK: each
 * account is touched once, and every sum is a running sum inside its chunk,
 * the chunks' sums then combined in chunk order on one thread. The chunks do
 * not depend on the thread count, so neither do the results; with a single
 * chunk (n <= LIQ_APPLY_CHUNK) every sum is the serial loop's, bit for bit.
 * Sets the protocol's value sums, which the cross liquidations continue. */
static void liq_apply_large(struct liq_sim *sim, size_t p, const size_t *rank, size_t n,
                            double *repaid_value, double *seized_value, double *bad_value)
{
    const size_t n_chunks = (n + LIQ_APPLY_CHUNK - 1) / LIQ_APPLY_CHUNK;
    const size_t m0 = sim->books.market_offset[p];
    struct liq_apply_chunk *chunk = sim->margin.apply_chunk;
    struct liq_apply_slot *slot = sim->margin.apply_slot;
    /* Where each market's candidates start in rank[0..n): the recent-list
     * slot of each liquidated account is its market's count plus its place
     * there, as the serial loop's notes would have appended it. */
    size_t *first = sim->margin.market_selected;
    liq_apply_market_starts(sim, p, rank, n, first);
    /* The event rows, one slot per liquidation in rank order (events.h). */
    liq_liquidation_event_t *events = liq_events_reserve_liquidations(sim, p, n);
#pragma omp parallel for default(none) shared(sim, chunk, slot, rank, first, events)               \
    firstprivate(p, n, n_chunks, m0) schedule(dynamic, 1)                                          \
        num_threads(sim->threads) if (n_chunks > 1)
    for (size_t c = 0; c < n_chunks; c++) {
        const size_t lo = c * LIQ_APPLY_CHUNK;
        const size_t hi = lo + LIQ_APPLY_CHUNK < n ? lo + LIQ_APPLY_CHUNK : n;
        const liq_candidate_t *cand = sim->margin.candidates;
        /* Chunk c's market m uses slot c + (m - m0): markets only grow along
         * the list, so the chunks' slot ranges are disjoint. The sums run in
         * locals, stored once a segment ends: neighbouring chunks' structs
         * share cache lines, and updating them in place for every account
         * (false sharing between the threads) cost more than the gain. */
        size_t m = liq_market_of(sim, p, cand[rank[lo]].account);
        struct liq_apply_chunk ch = {.first_market = m};
        struct liq_apply_slot s;
        liq_apply_slot_open(sim, &s, m, rank, lo);
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        bool note = !sim->full_scan && !sim->index.stale[m];
        for (size_t j = lo; j < hi; j++) {
            const liq_candidate_t *q = &cand[rank[j]];
            if (q->account >= sim->accounts.market_begin[m + 1]) {
                slot[c + m - m0] = s;
                do {
                    m++;
                    slot[c + m - m0].used = 0; /* a market with no candidate here */
                } while (q->account >= sim->accounts.market_begin[m + 1]);
                liq_apply_slot_open(sim, &s, m, rank, j);
                liq_market_prices(sim, m, &pc, &pd);
                note = !sim->full_scan && !sim->index.stale[m];
            }
            liq_apply_one(sim, m, q, pc, pd, &s.seized, &s.collateral, &s.debt, &ch.repaid_value,
                          &ch.seized_value, &ch.bad_value, events != NULL ? events + j : NULL);
            const size_t place = note ? sim->index.recent_count[m] + (j - first[m]) : SIZE_MAX;
            if (note &&
                place < sim->index.recent_capacity[m]) { /* no index arrays with full_scan */
                sim->index.recent[sim->index.recent_begin[m] + place] =
                    liq_index_entry(sim, m, q->account - sim->accounts.market_begin[m]);
            }
        }
        slot[c + m - m0] = s;
        ch.last_market = m;
        chunk[c] = ch;
    }
    liq_apply_combine(sim, m0, n_chunks, repaid_value, seized_value, bad_value);
    liq_apply_recent_counts(sim, p, first);
}

/* liq_protocol_liquidate for a large protocol (liq_protocol_is_large), with
 * every thread on its cut and its liquidations; the same results. Keeper
 * capital (rare, and a sort by health) and cross-margin accounts (after the
 * isolated ones in account order) stay on one thread. */
void liq_protocol_liquidate_large(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_candidate_t *cand = sim->margin.candidates;
    size_t *rank = sim->margin.rank + begin;
    const size_t max = liq_protocol_max(sim, p);
    size_t n_selected = 0;
    uint64_t key_lo = 0, key_hi = 0;
    if (max >= end - begin || liq_cut_count(sim, begin, end, &key_lo, &key_hi) <= max) {
        n_selected = liq_cut_list(sim, begin, end, SIZE_MAX, rank); /* the cut does not bind */
    } else if (max > 0) {
        const size_t last = liq_cut_last(sim, begin, end, max, key_lo, key_hi);
        n_selected = liq_cut_list(sim, begin, end, last, rank);
    }
    if (!isinf(proto->keeper_capital)) {
        n_selected = liq_capital_cut(sim, p, rank, n_selected);
    }

    for (size_t mm = sim->books.market_offset[p]; mm < sim->books.market_offset[p + 1]; mm++) {
        sim->books.market_seized[mm] = 0.0;
    }
    sim->cross.liquidations[p] = 0;
    /* Isolated candidates first (account order), then the cross ones. */
    size_t n_isolated = 0, hi = n_selected;
    while (n_isolated < hi) {
        const size_t mid = n_isolated + (hi - n_isolated) / 2;
        if (cand[rank[mid]].account < sim->accounts.n_accounts) {
            n_isolated = mid + 1;
        } else {
            hi = mid;
        }
    }
    double repaid_value = 0.0, seized_value = 0.0, bad_value = 0.0;
    if (n_isolated > 0) {
        liq_apply_large(sim, p, rank, n_isolated, &repaid_value, &seized_value, &bad_value);
    }
    for (size_t j = n_isolated; j < n_selected; j++) {
        liq_cross_liquidate(sim, p, &cand[rank[j]], &repaid_value, &seized_value, &bad_value);
    }
    liq_protocol_book(sim, p, end - begin, n_selected, repaid_value, seized_value, bad_value);
}
