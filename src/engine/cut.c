/*
 * The throughput cut (MODEL.md s4: "at most M liquidations per protocol per
 * round: the eligible accounts of lowest HF first, ties by account index")
 * and keeper capital (s5: the debt keepers can repay in a round).
 *
 * A protocol with few candidates selects its M first by quickselect on one
 * thread (liq_select_first). A large protocol (src/engine/liquidate_large.c)
 * finds the M-th candidate in rank order by a parallel radix selection over
 * the health keys (liq_cut_last) and lists the candidates up to it in
 * account order (liq_cut_list); both paths select the same set, since the
 * rank order (health, then account) is a strict total order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/margin.h"

static void liq_swap(size_t *v, size_t i, size_t j)
{
    const size_t t = v[i];
    v[i] = v[j];
    v[j] = t;
}

/* Reorders v[0..n) (candidate indices) so that v[0..k) are the k first in
 * rank order, by quickselect with a median-of-three pivot: O(n) on average
 * where sorting the eligible candidates took O(n log n). Measured on 1e7
 * accounts in the benchmarks' cascade (about 6e5 liquidatable a round behind a cut
 * of 1.2e4), one thread: the median round fell from 156 to 50 ms. */
void liq_select_first(size_t *v, size_t n, size_t k, const liq_candidate_t *cand)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        /* Median of v[lo], v[mid], v[hi-1] moved to hi-1 as the pivot. */
        if (liq_rank_less(cand, v[mid], v[lo])) {
            liq_swap(v, mid, lo);
        }
        if (liq_rank_less(cand, v[hi - 1], v[lo])) {
            liq_swap(v, hi - 1, lo);
        }
        if (liq_rank_less(cand, v[mid], v[hi - 1])) {
            liq_swap(v, mid, hi - 1);
        }
        const size_t pivot = v[hi - 1];
        size_t store = lo;
        for (size_t i = lo; i < hi - 1; i++) {
            if (liq_rank_less(cand, v[i], pivot)) {
                liq_swap(v, i, store++);
            }
        }
        liq_swap(v, store, hi - 1);
        /* v[lo..store) rank before the pivot, v[store+1..hi) after it. */
        if (store == k || store + 1 == k) {
            return;
        }
        if (store < k) {
            lo = store + 1;
        } else {
            hi = store;
        }
    }
}

int liq_index_compare(const void *pa, const void *pb)
{
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

/* qsort's comparator for candidate indices in the throughput cut's order
 * (lowest health first, ties by account). qsort takes no context, so the
 * candidate list is a per-thread pointer: protocols are liquidated in
 * parallel, each on one thread. */
static _Thread_local const liq_candidate_t *liq_health_order_cand;

static int liq_health_compare(const void *pa, const void *pb)
{
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (a == b) {
        return 0;
    }
    return liq_rank_less(liq_health_order_cand, a, b) ? -1 : 1;
}

/* Debt value (USD at the debt oracle) candidate q would repay. */
double liq_candidate_repay_value(const struct liq_sim *sim, size_t p, const liq_candidate_t *q)
{
    if (q->account >= sim->accounts.n_accounts) {
        liq_cross_liquidation_t quote;
        (void)liq_cross_candidate_quote(sim, p, q, NULL, &quote);
        return quote.repay * sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    }
    const size_t m = liq_market_of(sim, p, q->account);
    bool eligible;
    const liq_liquidation_t quote = liq_candidate_quote(sim, m, q, &eligible);
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    return quote.repay * pd;
}

/* Keeper capital (MODEL.md s5): the keepers of protocol p repay at most
 * keeper_capital USD of debt a round. They take the selected candidates
 * lowest health first and stop at the first one the capital left cannot
 * pay for; the rest stall. rank[0..n) is in account order on entry and on
 * return. Returns the number kept. */
size_t liq_capital_cut(const struct liq_sim *sim, size_t p, size_t *rank, size_t n)
{
    if (n == 0) {
        return 0; /* nothing to cut */
    }
    const liq_candidate_t *cand = sim->margin.candidates;
    liq_health_order_cand = cand; /* this thread's protocol's candidates */
    qsort(rank, n, sizeof(*rank), liq_health_compare);
    double left = sim->scenario->protocols[p].keeper_capital;
    size_t kept = 0;
    for (; kept < n; kept++) {
        const double value = liq_candidate_repay_value(sim, p, &cand[rank[kept]]);
        if (value > left) {
            break;
        }
        left -= value;
    }
    qsort(rank, kept, sizeof(*rank), liq_index_compare);
    return kept;
}

/* The throughput limit of protocol p this round: max_liquidations, or a
 * tripped breaker's cap when lower. */
size_t liq_protocol_max(const struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    int64_t max = proto->max_liquidations;
    if (sim->risk.breaker_active[p] && proto->breaker_cap > 0 && proto->breaker_cap < max) {
        max = proto->breaker_cap; /* a tripped breaker in cap mode */
    }
    return max > 0 ? (size_t)max : 0;
}

/* Lists into out[0..) the eligible candidates among [begin, end) that do not
 * rank after candidate `last` (all eligible ones when last is SIZE_MAX), in
 * account order, and returns how many. Two parallel passes over fixed blocks
 * of LIQ_CUT_BLOCK candidates: count, then place at the block's offset. The
 * result is the ordered filter of the input, whatever the thread count.
 * out must not overlap sim->margin.eligible or the candidates. */
size_t liq_cut_list(struct liq_sim *sim, size_t begin, size_t end, size_t last, size_t *out)
{
    const size_t n_blocks = (end - begin + LIQ_CUT_BLOCK - 1) / LIQ_CUT_BLOCK;
    size_t *block = sim->margin.cut_block;
    const uint8_t *eligible = sim->margin.eligible;
    const liq_candidate_t *cand = sim->margin.candidates;
    size_t total = 0;
#pragma omp parallel default(none) shared(block, eligible, cand, out, total)                       \
    firstprivate(begin, end, last, n_blocks) num_threads(sim->threads) if (n_blocks > 1)
    {
#pragma omp for schedule(static)
        for (size_t b = 0; b < n_blocks; b++) {
            const size_t hi =
                begin + (b + 1) * LIQ_CUT_BLOCK < end ? begin + (b + 1) * LIQ_CUT_BLOCK : end;
            size_t count = 0;
            for (size_t k = begin + b * LIQ_CUT_BLOCK; k < hi; k++) {
                count += eligible[k] && (last == SIZE_MAX || !liq_rank_less(cand, last, k));
            }
            block[b] = count;
        }
#pragma omp single
        {
            for (size_t b = 0; b < n_blocks; b++) {
                const size_t count = block[b];
                block[b] = total;
                total += count;
            }
        }
#pragma omp for schedule(static)
        for (size_t b = 0; b < n_blocks; b++) {
            const size_t hi =
                begin + (b + 1) * LIQ_CUT_BLOCK < end ? begin + (b + 1) * LIQ_CUT_BLOCK : end;
            size_t *o = out + block[b];
            for (size_t k = begin + b * LIQ_CUT_BLOCK; k < hi; k++) {
                if (eligible[k] && (last == SIZE_MAX || !liq_rank_less(cand, last, k))) {
                    *o++ = k;
                }
            }
        }
    }
    return total;
}

/* The cut's order on health as an unsigned key: the bits of a non-negative
 * double order like its value, and adding +0.0 turns -0.0 into +0.0, which
 * liq_rank_less holds equal. Health is never NaN: a candidate passed an
 * ordered comparison. */
static uint64_t liq_cut_key(double health)
{
    const double h = health + 0.0;
    uint64_t bits;
    memcpy(&bits, &h, sizeof(bits));
    return bits >> 63 ? ~bits : bits | (uint64_t)1 << 63;
}

/* The throughput cut of a large protocol: returns the `max`-th of its n > max
 * eligible candidates among [begin, end) in rank order (health, then
 * account), whose key bounds are lo and hi. A radix selection over the
 * health keys: each pass counts the candidates still in play by the next 12
 * key bits, from the highest bit in which lo and hi differ, in parallel
 * (integer counts: the same for any thread count), and keeps the bin that
 * holds the max-th; when that bin holds at most LIQ_CUT_GATHER candidates
 * (or the keys are exhausted: equal health), they are gathered and one
 * thread quickselects among them. Each pass streams the candidates once,
 * where a quickselect over the eligible made about 2.5 passes of random
 * reads on one thread: see the commit for the gain. */
size_t liq_cut_last(struct liq_sim *sim, size_t begin, size_t end, size_t max, uint64_t lo,
                    uint64_t hi)
{
    const liq_candidate_t *cand = sim->margin.candidates;
    const uint8_t *eligible = sim->margin.eligible;
    size_t *hist = sim->margin.cut_hist;
    const bool parallel = end - begin >= LIQ_PARALLEL_MIN_CANDIDATES;
    uint64_t fixed = 0, prefix = 0; /* key bits decided so far, and their values */
    size_t wanted = max;            /* rank of the one sought among those in play */
    int top = lo == hi ? -1 : 63 - __builtin_clzll(lo ^ hi);
    if (top < 63) {
        fixed = ~(uint64_t)0 << (top + 1);
        prefix = lo & fixed;
    }
    while (top >= 0) {
        const int shift = top >= LIQ_CUT_BITS - 1 ? top - (LIQ_CUT_BITS - 1) : 0;
        const uint64_t digit_mask = ((uint64_t)1 << (top - shift + 1)) - 1;
        int team = 1;
#pragma omp parallel default(none) shared(cand, eligible, hist, team)                              \
    firstprivate(begin, end, fixed, prefix, shift, digit_mask)                                     \
        num_threads(sim->threads) if (parallel)
        {
            size_t *h = hist + (size_t)omp_get_thread_num() * LIQ_CUT_BINS;
            memset(h, 0, LIQ_CUT_BINS * sizeof(*h));
#pragma omp for schedule(static)
            for (size_t k = begin; k < end; k++) {
                const uint64_t key = liq_cut_key(cand[k].health);
                if (eligible[k] && (key & fixed) == prefix) {
                    h[(key >> shift) & digit_mask]++;
                }
            }
#pragma omp single
            team = omp_get_num_threads();
        }
        for (int t = 1; t < team; t++) {
            for (size_t d = 0; d < LIQ_CUT_BINS; d++) {
                hist[d] += hist[(size_t)t * LIQ_CUT_BINS + d];
            }
        }
        size_t d = 0;
        while (hist[d] < wanted) {
            wanted -= hist[d++];
        }
        fixed |= digit_mask << shift;
        prefix |= (uint64_t)d << shift;
        if (hist[d] <= LIQ_CUT_GATHER) {
            break;
        }
        top = shift - 1;
    }
    /* Gather those in play into rank[begin..] (any order: the selection
     * below does not depend on it), then select among them. */
    size_t *buf = sim->margin.rank + begin;
    size_t gathered = 0;
#pragma omp parallel for default(none) shared(cand, eligible, buf, gathered)                       \
    firstprivate(begin, end, fixed, prefix) schedule(static)                                       \
        num_threads(sim->threads) if (parallel)
    for (size_t k = begin; k < end; k++) {
        if (eligible[k] && (liq_cut_key(cand[k].health) & fixed) == prefix) {
            size_t slot;
#pragma omp atomic capture
            slot = gathered++;
            buf[slot] = k;
        }
    }
    liq_select_first(buf, gathered, wanted, cand);
    size_t last = buf[0];
    for (size_t j = 1; j < wanted; j++) {
        last = liq_rank_less(cand, last, buf[j]) ? buf[j] : last;
    }
    return last;
}

/* How many of the candidates [begin, end) are eligible, and the bounds of
 * their health keys (liq_cut_key); one parallel pass. */
size_t liq_cut_count(const struct liq_sim *sim, size_t begin, size_t end, uint64_t *lo,
                     uint64_t *hi)
{
    const liq_candidate_t *cand = sim->margin.candidates;
    const uint8_t *eligible = sim->margin.eligible;
    size_t count = 0;
    uint64_t kmin = UINT64_MAX, kmax = 0;
#pragma omp parallel for default(none) shared(cand, eligible) firstprivate(begin, end)            \
    reduction(+ : count) reduction(min : kmin) reduction(max : kmax) schedule(static)              \
    num_threads(sim->threads) if (end - begin >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t k = begin; k < end; k++) {
        if (eligible[k]) {
            const uint64_t key = liq_cut_key(cand[k].health);
            count++;
            kmin = key < kmin ? key : kmin;
            kmax = key > kmax ? key : kmax;
        }
    }
    *lo = kmin;
    *hi = kmax;
    return count;
}
