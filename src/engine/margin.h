/*
 * What the files of the margin-engine phase share (src/engine/phase_margin.c
 * lists them): constants of the parallel cut and liquidation, the exact
 * liquidation test, and the functions one file calls in another. Private to
 * src/engine.
 */
#ifndef LIQ_ENGINE_MARGIN_H
#define LIQ_ENGINE_MARGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/sim_internal.h"
#include "liqnet/lending.h"

/* The parallel throughput cut lists candidates in blocks of LIQ_CUT_BLOCK
 * (the list does not depend on it), and the parallel liquidation of a large
 * protocol sums in chunks of LIQ_APPLY_CHUNK selected candidates: fixed, so
 * that the sums do not depend on the thread count, and large, so that a
 * round liquidating up to LIQ_APPLY_CHUNK accounts of a protocol sums
 * exactly as one loop would (see liq_apply_large). A parallel index gather
 * tests its offsets in blocks of LIQ_CUT_BLOCK too. */
#define LIQ_CUT_BLOCK ((size_t)4096)
#define LIQ_APPLY_CHUNK ((size_t)2048)

/* The radix selection of the cut (liq_cut_last): 12 key bits a pass, and
 * one thread finishes once at most LIQ_CUT_GATHER candidates are in play. */
#define LIQ_CUT_BITS 12
#define LIQ_CUT_BINS ((size_t)1 << LIQ_CUT_BITS)
#define LIQ_CUT_GATHER ((size_t)4096)

/* Partial sums of one chunk of LIQ_APPLY_CHUNK selected candidates (see
 * liq_apply_large): the protocol's value sums from zero, and the range of
 * markets its candidates belong to. */
struct liq_apply_chunk {
    double repaid_value, seized_value, bad_value;
    size_t first_market, last_market;
};

/* One market's part of one chunk: its market sums. A market's first part
 * (the chunk holding its first selected candidate) starts from the market's
 * totals, exactly as the serial loop would; later parts start from zero. */
struct liq_apply_slot {
    double seized, collateral, debt;
    int used, first;
};

/* Isolated accounts of market m. */
static inline size_t liq_market_size(const struct liq_sim *sim, size_t m)
{
    return sim->accounts.market_begin[m + 1] - sim->accounts.market_begin[m];
}

/* HF < 1 with d > 0, exactly as liq_health's quotient compares with 1, but
 * without its division: for positive a and b, the correctly rounded a / b is
 * below 1 if and only if a < b (a < b gives a / b <= 1 - ulp(b) / b, which
 * rounds to at most the largest double below 1), and zero, infinite or NaN
 * operands compare false both ways. Dropping the division made the full scan
 * of 1e7 accounts (one thread, -O2) go from 13.8 to 8.6 ms a round. */
static inline int liq_is_liquidatable(double c, double d, double pc, double pd, double lt)
{
    return (d > 0.0) & (c * pc * lt < d * pd);
}

/* The throughput cut's order: lowest health first, ties by account index.
 * Accounts are unique, so this is a strict total order and the set of the M
 * first candidates does not depend on how it is found. */
static inline bool liq_rank_less(const liq_candidate_t *cand, size_t a, size_t b)
{
    if (cand[a].health != cand[b].health) {
        return cand[a].health < cand[b].health;
    }
    return cand[a].account < cand[b].account;
}

/* The market of protocol p that holds isolated account `account`. */
static inline size_t liq_market_of(const struct liq_sim *sim, size_t p, size_t account)
{
    size_t m = sim->books.market_offset[p];
    while (account >= sim->accounts.market_begin[m + 1]) {
        m++;
    }
    return m;
}

/* ---------------------------------------- the index (price_index.c) */

/* Allocates the index and sorts every market (unless full_scan). */
int liq_build_index(struct liq_sim *sim);
/* The index entry (key, offset) of account `offset` of market m as it is. */
uint64_t liq_index_entry(const struct liq_sim *sim, size_t m, size_t offset);
/* Records that account `offset` of market m changed. */
void liq_index_note(struct liq_sim *sim, size_t m, size_t offset);
/* Gathers market m's liquidatable accounts into its scratch, in account
 * order, with `threads` threads; returns how many. */
size_t liq_index_gather(struct liq_sim *sim, size_t m, int threads);
/* Writes market m's gathered candidates with their health. */
void liq_index_list(struct liq_sim *sim, size_t m, int threads);
/* After the liquidations: switches markets between index and scan, and
 * re-sorts stale indexes. */
void liq_index_update(struct liq_sim *sim);

/* ---------------------------------- finding candidates (candidates.c) */

/* Lists the round's liquidatable accounts in account order into
 * sim->margin.candidates, per market from market_candidates[m]. */
int liq_find_candidates(struct liq_sim *sim);

/* ----------------------------------------------------- the cut (cut.c) */

/* Reorders v[0..n) so that v[0..k) are the k first in rank order. */
void liq_select_first(size_t *v, size_t n, size_t k, const liq_candidate_t *cand);
/* qsort comparator of size_t indices, ascending. */
int liq_index_compare(const void *pa, const void *pb);
/* Keeper capital: keeps the first of rank[0..n) (account order) that the
 * capital pays for, lowest health first; returns how many. */
size_t liq_capital_cut(const struct liq_sim *sim, size_t p, size_t *rank, size_t n);
/* The debt value (USD at the debt oracle) candidate q of protocol p would
 * repay at this round's prices. */
double liq_candidate_repay_value(const struct liq_sim *sim, size_t p, const liq_candidate_t *q);
/* The throughput limit of protocol p this round. */
size_t liq_protocol_max(const struct liq_sim *sim, size_t p);
/* The parallel cut of a large protocol: listing, the max-th in rank order,
 * and the count and key bounds of the eligible candidates. */
size_t liq_cut_list(struct liq_sim *sim, size_t begin, size_t end, size_t last, size_t *out);
size_t liq_cut_last(struct liq_sim *sim, size_t begin, size_t end, size_t max, uint64_t lo,
                    uint64_t hi);
size_t liq_cut_count(const struct liq_sim *sim, size_t begin, size_t end, uint64_t *lo,
                     uint64_t *hi);

/* --------------------------------------- liquidation (liquidate.c) */

/* What `seize` units of market m's collateral fetch on its route pools as
 * they stand, in debt units (keepers.anticipate_slippage). */
double liq_anticipated_proceeds(const struct liq_sim *sim, size_t m, double seize);
/* The keepers' decision and the quote of isolated candidate q, market m. */
liq_liquidation_t liq_candidate_quote(const struct liq_sim *sim, size_t m, const liq_candidate_t *q,
                                      bool *eligible);
/* The keepers' decision and the quote of cross candidate q of protocol p. */
bool liq_cross_candidate_quote(const struct liq_sim *sim, size_t p, const liq_candidate_t *q,
                               double *seize, liq_cross_liquidation_t *quote);
/* Liquidates cross candidate q of protocol p. */
void liq_cross_liquidate(struct liq_sim *sim, size_t p, const liq_candidate_t *q,
                         double *repaid_value, double *seized_value, double *bad_value);
/* Liquidates isolated candidate q of market m, updating the running sums;
 * `event` (NULL: none) receives its row of the event table. */
void liq_apply_one(struct liq_sim *sim, size_t m, const liq_candidate_t *q, double pc, double pd,
                   double *seized, double *collateral, double *debt, double *repaid_value,
                   double *seized_value, double *bad_value, liq_liquidation_event_t *event);
/* Books protocol p's round against its insurance fund. */
void liq_protocol_book(struct liq_sim *sim, size_t p, size_t candidates, size_t done,
                       double repaid_value, double seized_value, double bad_value);
/* The keepers' selection of protocol p among its candidates [begin, end):
 * into sim->margin.rank[begin ..] in account order; returns how many. */
size_t liq_protocol_select(struct liq_sim *sim, size_t p, size_t begin, size_t end);
/* The margin engine of protocol p on its candidates [begin, end), on the
 * calling thread. */
void liq_protocol_liquidate(struct liq_sim *sim, size_t p, size_t begin, size_t end);

/* ------------------------ large protocols (liquidate_large.c) */

bool liq_protocol_is_large(const struct liq_sim *sim, size_t p, size_t begin, size_t end);
void liq_protocol_liquidate_large(struct liq_sim *sim, size_t p, size_t begin, size_t end);

#endif /* LIQ_ENGINE_MARGIN_H */
