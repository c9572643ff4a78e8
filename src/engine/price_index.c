/*
 * The liquidation-price index (MODEL.md s8: "accounts indexed by the price
 * at which they become liquidatable"): which isolated accounts of a market
 * the margin engine must test this round.
 *
 * Each market's accounts are kept sorted by the price ratio O_a / O_b
 * below which they become liquidatable, theta = d / (c LT). A round
 * binary-searches the current ratio and tests only the accounts above it,
 * so a calm round costs O(log n + accounts near liquidation) instead of the
 * full scan's O(n) (src/engine/candidates.c). A liquidation changes an
 * account's theta; the new value goes to a small per-market list of recent
 * updates, searched linearly, and the market is re-sorted (radix sort,
 * O(n), src/engine/radix_sort.c) when that list fills up. Old entries of
 * updated accounts stay in the sorted array until then: they can only add
 * accounts to the tested set, never hide one, because every account's
 * current theta is in the sorted array or in the recent list. When stale
 * entries cost too much (see liq_recent_capacity), the market is re-sorted
 * at the end of the round; during a cascade it switches to the full scan
 * instead (liq_index_update).
 *
 * Keys are float32 rounded up and the search threshold is lowered by a
 * relative 1e-12, far more than the few ulps of error in computing HF, so the
 * index never misses an account the exact test HF < 1 would catch; the exact
 * test then decides, with the same expression as the full scan. Both paths
 * give the same candidates in the same order (account order), so the
 * trajectories are bit-identical (tests/test_engine.c).
 *
 * Memory per account: 8 bytes of sorted (key, offset) entries and 8.1 bytes
 * of sort scratch and recent list, beside the account store's 16: about 32
 * bytes in all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/margin.h"
#include "engine/stability.h"
#include "engine/radix_sort.h"
#include "liqnet/error.h"

/* Lowest relative margin between the search threshold and the current
 * price ratio; see the file comment. */
#define LIQ_INDEX_MARGIN 1e-12

/* When a market is re-sorted. A re-sort costs about ten full scans of the
 * market (key pass plus four radix passes over 8-byte entries), so it waits
 * until stale entries cost a comparable amount: when the recent list (read
 * every round) holds a 64th of the market's accounts, or when a round
 * gathered more than a 256th of them that were no longer liquidatable
 * (entries made stale by earlier liquidations, or accounts just above the
 * threshold). In between, stale work per round stays below ~2% of a scan. */
#define LIQ_INDEX_SLACK_MIN 1024

static size_t liq_recent_capacity(size_t accounts)
{
    return accounts / 64 > LIQ_INDEX_SLACK_MIN ? accounts / 64 : LIQ_INDEX_SLACK_MIN;
}

static size_t liq_wasted_limit(size_t accounts)
{
    return accounts / 256 > LIQ_INDEX_SLACK_MIN ? accounts / 256 : LIQ_INDEX_SLACK_MIN;
}

/* theta = d / (c LT) as float32 bits, rounded up; 0 for an account without
 * debt (it can never be liquidated), +inf for debt without collateral.
 * Non-negative floats order like their bit patterns. */
static uint32_t liq_index_key(double collateral, double debt, double liquidation_threshold)
{
    if (!(debt > 0.0)) {
        return 0u;
    }
    const double theta = debt / (collateral * liquidation_threshold);
    const float f = (float)theta;
    uint32_t bits;
    memcpy(&bits, &f, sizeof(bits));
    /* Rounded up: one step up the bit pattern is the next float up, for any
     * finite non-negative f (and FLT_MAX steps to +inf). */
    return bits + (uint32_t)((double)f < theta);
}

/* Float32 bits of the search threshold: the price ratio lowered by the
 * margin, rounded down. */
static uint32_t liq_index_threshold(double price_collateral, double price_debt)
{
    const double t = price_collateral / price_debt * (1.0 - LIQ_INDEX_MARGIN);
    float f = (float)t;
    if ((double)f > t) {
        f = nextafterf(f, 0.0f);
    }
    uint32_t bits;
    memcpy(&bits, &f, sizeof(bits));
    return bits;
}

/* Re-sorts market m's index from the accounts' current state: keys in
 * parallel, then a serial radix sort. O(n_m). Called outside parallel
 * regions. */
static void liq_index_rebuild(struct liq_sim *sim, size_t m)
{
    const size_t first = sim->accounts.market_begin[m];
    const size_t n = liq_market_size(sim, m);
    const double lt = sim->books.markets[m].config.liquidation_threshold;
    uint64_t *entry = sim->index.entry + first;
    const double *collateral = sim->accounts.collateral + first;
    const double *debt = sim->accounts.debt + first;
    if (sim->threads > 1 && n >= LIQ_PARALLEL_MIN_ACCOUNTS) {
#pragma omp parallel for default(none) shared(entry, collateral, debt) firstprivate(n, lt)         \
    schedule(static) num_threads(sim->threads)
        for (size_t k = 0; k < n; k++) {
            entry[k] = ((uint64_t)liq_index_key(collateral[k], debt[k], lt) << 32) | (uint64_t)k;
        }
    } else { /* outside the OpenMP runtime: see src/engine/radix_sort_template.h */
        for (size_t k = 0; k < n; k++) {
            entry[k] = ((uint64_t)liq_index_key(collateral[k], debt[k], lt) << 32) | (uint64_t)k;
        }
    }
    /* Split over the threads from 16 LIQ_PARALLEL_MIN_ACCOUNTS entries on. */
    const int blocks = n >= LIQ_PARALLEL_MIN_ACCOUNTS * 16 ? sim->threads : 1;
    liq_radix_sort64(entry, (uint64_t *)sim->index.scratch + sim->index.scratch_begin[m], n, 32,
                     blocks);
    sim->index.recent_count[m] = 0;
    sim->index.stale[m] = 0;
}

/* Re-sorts every market whose index is stale, unless it is in scan mode. */
static void liq_index_refresh(struct liq_sim *sim)
{
    for (size_t m = 0; m < sim->n_markets; m++) {
        if (sim->index.stale[m] && !sim->index.market_scan[m]) {
            liq_index_rebuild(sim, m);
        }
    }
}

/* The index entry (key, offset) of account `offset` of market m as it is. */
uint64_t liq_index_entry(const struct liq_sim *sim, size_t m, size_t offset)
{
    const size_t i = sim->accounts.market_begin[m] + offset;
    const uint32_t key = liq_index_key(sim->accounts.collateral[i], sim->accounts.debt[i],
                                       sim->books.markets[m].config.liquidation_threshold);
    return ((uint64_t)key << 32) | (uint64_t)offset;
}

/* Records that account `offset` of market m changed. */
void liq_index_note(struct liq_sim *sim, size_t m, size_t offset)
{
    if (sim->full_scan || sim->index.stale[m]) {
        return; /* no index, or re-sorted from scratch before it is used again */
    }
    if (sim->index.recent_count[m] == sim->index.recent_capacity[m]) {
        sim->index.stale[m] = 1;
        return;
    }
    sim->index.recent[sim->index.recent_begin[m] + sim->index.recent_count[m]++] =
        liq_index_entry(sim, m, offset);
}

void liq_margin_note(struct liq_sim *sim, size_t m, size_t offset)
{
    liq_index_note(sim, m, offset);
}

/* The gathered offsets g[0..n) of market m, sorted, keep each liquidatable
 * account once, at the front; returns how many. With threads > 1, one pass
 * tests each offset once, in fixed blocks, copying the kept ones to the
 * tail (which the sort no longer needs; UINT32_MAX, never an offset, for
 * the others) and counting them per block; a second places them in order
 * at the front: the same list as the serial loop's. */
static size_t liq_index_keep(struct liq_sim *sim, size_t m, uint32_t *gathered, size_t g, double pc,
                             double pd, int threads)
{
    const size_t first = sim->accounts.market_begin[m];
    const double lt = sim->books.markets[m].config.liquidation_threshold;
    size_t kept = 0;
    if (threads <= 1) {
        for (size_t k = 0; k < g; k++) {
            if (k > 0 && gathered[k] == gathered[k - 1]) {
                continue;
            }
            const size_t i = first + gathered[k];
            if (liq_is_liquidatable(sim->accounts.collateral[i], sim->accounts.debt[i], pc, pd,
                                    lt)) {
                gathered[kept++] = gathered[k];
            }
        }
        return kept;
    }
    const double *collateral = sim->accounts.collateral + first, *debt = sim->accounts.debt + first;
    const size_t n_blocks = (g + LIQ_CUT_BLOCK - 1) / LIQ_CUT_BLOCK;
    size_t *block = sim->index.gather_block;
    uint32_t *tail = gathered + g;
#pragma omp parallel default(none) shared(gathered, collateral, debt, block, tail, kept)           \
    firstprivate(g, n_blocks, pc, pd, lt) num_threads(threads)
    {
#pragma omp for schedule(static)
        for (size_t b = 0; b < n_blocks; b++) {
            const size_t end = (b + 1) * LIQ_CUT_BLOCK < g ? (b + 1) * LIQ_CUT_BLOCK : g;
            size_t count = 0;
            for (size_t k = b * LIQ_CUT_BLOCK; k < end; k++) {
                const uint32_t i = gathered[k];
                const bool keep = (k == 0 || i != gathered[k - 1]) &&
                                  liq_is_liquidatable(collateral[i], debt[i], pc, pd, lt);
                tail[k] = keep ? i : UINT32_MAX;
                count += keep;
            }
            block[b] = count;
        }
#pragma omp single
        for (size_t b = 0; b < n_blocks; b++) {
            const size_t here = block[b];
            block[b] = kept;
            kept += here;
        }
#pragma omp for schedule(static)
        for (size_t b = 0; b < n_blocks; b++) {
            const size_t end = (b + 1) * LIQ_CUT_BLOCK < g ? (b + 1) * LIQ_CUT_BLOCK : g;
            size_t place = block[b];
            for (size_t k = b * LIQ_CUT_BLOCK; k < end; k++) {
                if (tail[k] != UINT32_MAX) {
                    gathered[place++] = tail[k];
                }
            }
        }
    }
    return kept;
}

/* Index, pass 1 (per market): gather the accounts whose key is above the
 * threshold, from the sorted array and the recent list, into the market's
 * scratch; sort by account and drop duplicates; keep those that are
 * liquidatable. Returns how many. With threads > 1, a gather of
 * LIQ_PARALLEL_MIN_ACCOUNTS offsets or more is copied, sorted and tested by
 * all of them (fixed blocks; the kept list is the same): a cascade's first
 * rounds gather hundreds of thousands of accounts of one market, which one
 * thread took while the other waited. */
size_t liq_index_gather(struct liq_sim *sim, size_t m, int threads)
{
    const size_t first = sim->accounts.market_begin[m];
    const size_t n = liq_market_size(sim, m);
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const uint64_t threshold = (uint64_t)liq_index_threshold(pc, pd);
    const uint64_t *entry = sim->index.entry + first;
    /* First sorted entry whose key exceeds the threshold. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if ((entry[mid] >> 32) > threshold) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    uint32_t *gathered = (uint32_t *)((uint64_t *)sim->index.scratch + sim->index.scratch_begin[m]);
    const bool parallel = threads > 1 && n - lo >= LIQ_PARALLEL_MIN_ACCOUNTS;
    if (parallel) {
#pragma omp parallel for default(none) shared(gathered, entry) firstprivate(lo, n)                 \
    schedule(static) num_threads(threads)
        for (size_t k = lo; k < n; k++) {
            gathered[k - lo] = (uint32_t)entry[k];
        }
    } else { /* outside the OpenMP runtime: see src/engine/radix_sort_template.h */
        for (size_t k = lo; k < n; k++) {
            gathered[k - lo] = (uint32_t)entry[k];
        }
    }
    size_t g = n - lo;
    const uint64_t *recent = sim->index.recent + sim->index.recent_begin[m];
    for (size_t k = 0; k < sim->index.recent_count[m]; k++) {
        if ((recent[k] >> 32) > threshold) {
            gathered[g++] = (uint32_t)recent[k];
        }
    }
    if (g == 0) {
        return 0;
    }
    /* Sort the offsets (radix into the tail of the scratch, which is at least
     * as long as the gathered part), then keep each liquidatable account
     * once. */
    if (g > 64) {
        /* Split over the threads from LIQ_PARALLEL_MIN_ACCOUNTS offsets on. */
        const int blocks = parallel && g >= LIQ_PARALLEL_MIN_ACCOUNTS ? threads : 1;
        liq_radix_sort32(gathered, gathered + g, g, blocks);
    } else {
        for (size_t i = 1; i < g; i++) {
            const uint32_t v = gathered[i];
            size_t j = i;
            while (j > 0 && gathered[j - 1] > v) {
                gathered[j] = gathered[j - 1];
                j--;
            }
            gathered[j] = v;
        }
    }
    const size_t kept = liq_index_keep(sim, m, gathered, g, pc, pd, parallel ? threads : 1);
    /* Duplicates and accounts no longer liquidatable were gathered for
     * nothing. */
    if (g - kept > liq_wasted_limit(n)) {
        sim->index.stale[m] = 1; /* re-sorted at the end of this round */
    }
    return kept;
}

/* Index, pass 2: writes market m's candidates (offsets gathered by
 * liq_index_gather) with their health, with `threads` threads. */
void liq_index_list(struct liq_sim *sim, size_t m, int threads)
{
    const size_t first = sim->accounts.market_begin[m];
    const size_t found = sim->margin.market_found[m];
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const double lt = sim->books.markets[m].config.liquidation_threshold;
    const uint32_t *gathered =
        (const uint32_t *)((const uint64_t *)sim->index.scratch + sim->index.scratch_begin[m]);
    liq_candidate_t *out = sim->margin.candidates + sim->margin.market_candidates[m];
    if (threads > 1 && found >= LIQ_PARALLEL_MIN_CANDIDATES) {
#pragma omp parallel for default(none) shared(sim, gathered, out)                                  \
    firstprivate(first, found, pc, pd, lt) schedule(static) num_threads(threads)
        for (size_t k = 0; k < found; k++) {
            const size_t i = first + gathered[k];
            out[k] = (liq_candidate_t){
                i, liq_health(sim->accounts.collateral[i], sim->accounts.debt[i], pc, pd, lt)};
        }
    } else { /* outside the OpenMP runtime: see src/engine/radix_sort_template.h */
        for (size_t k = 0; k < found; k++) {
            const size_t i = first + gathered[k];
            out[k] = (liq_candidate_t){
                i, liq_health(sim->accounts.collateral[i], sim->accounts.debt[i], pc, pd, lt)};
        }
    }
}

/* After the liquidations: a market whose index went stale while many of its
 * accounts are liquidatable (a cascade) switches to the parallel full scan
 * rather than re-sorting every round, and returns to its index, re-sorted,
 * once a round finds few liquidatable accounts. Either way the candidates
 * are the same; only the cost differs. Measured on 1e8 accounts in one
 * market: see benchmarks/README.md. */
void liq_index_update(struct liq_sim *sim)
{
    for (size_t m = 0; m < sim->n_markets; m++) {
        if (sim->stability != NULL && sim->stability->market[m]) {
            continue; /* scanned by src/engine/stability.c every round, never indexed */
        }
        const size_t n = liq_market_size(sim, m);
        const bool hot = sim->margin.market_found[m] > liq_wasted_limit(n);
        if (sim->index.market_scan[m]) {
            /* The index went stale when the market switched to the scan; it
             * is re-sorted when the cascade has cooled to a quarter of the
             * level that switched it, so that a market hovering around that
             * level does not re-sort every other round. */
            sim->index.market_scan[m] = sim->margin.market_found[m] > liq_wasted_limit(n) / 4;
        } else if (sim->index.stale[m] && hot) {
            sim->index.market_scan[m] = 1;
        }
    }
    liq_index_refresh(sim);
}

int liq_build_index(struct liq_sim *sim)
{
    const size_t nm = sim->n_markets;
    sim->index.recent_begin = liq_calloc(nm + 1, sizeof(size_t));
    sim->index.recent_capacity = liq_calloc(nm, sizeof(size_t));
    sim->index.recent_count = liq_calloc(nm, sizeof(size_t));
    sim->index.scratch_begin = liq_calloc(nm + 1, sizeof(size_t));
    sim->index.stale = liq_calloc(nm, sizeof(int));
    if (!sim->index.recent_begin || !sim->index.recent_capacity || !sim->index.recent_count ||
        !sim->index.scratch_begin || !sim->index.stale) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the liquidation index");
    }
    /* A market's scratch (in 8-byte units: n + recent capacity) holds either
     * the tmp array of a re-sort (n entries of 8 bytes) or the gathered
     * 4-byte offsets (at most n + recent capacity) and as many behind them
     * for their radix sort. */
    for (size_t m = 0; m < nm; m++) {
        const size_t n = liq_market_size(sim, m);
        if (n > UINT32_MAX) {
            return liq_error_set(LIQ_EINVAL,
                                 "market %zu holds %zu accounts; the liquidation index takes at "
                                 "most 2^32 - 1 per market (split it, or use the full scan)",
                                 m, n);
        }
        sim->index.recent_capacity[m] = liq_recent_capacity(n);
        sim->index.recent_begin[m + 1] = sim->index.recent_begin[m] + sim->index.recent_capacity[m];
        sim->index.scratch_begin[m + 1] =
            sim->index.scratch_begin[m] + n + sim->index.recent_capacity[m];
        sim->index.stale[m] = 1;
    }
    size_t widest = 0; /* most offsets one market's gather can hold */
    for (size_t m = 0; m < nm; m++) {
        const size_t w = sim->index.scratch_begin[m + 1] - sim->index.scratch_begin[m];
        widest = w > widest ? w : widest;
    }
    sim->index.gather_block = liq_calloc(widest / LIQ_CUT_BLOCK + 2, sizeof(size_t));
    if (sim->index.gather_block == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the liquidation index");
    }
    sim->index.entry = liq_calloc(sim->accounts.n_accounts, sizeof(uint64_t));
    sim->index.recent = liq_calloc(sim->index.recent_begin[nm], sizeof(uint64_t));
    sim->index.scratch = malloc(
        (sim->index.scratch_begin[nm] > 0 ? sim->index.scratch_begin[nm] : 1) * sizeof(uint64_t));
    if (!sim->index.entry || !sim->index.recent || !sim->index.scratch) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the liquidation index of %zu accounts",
                             sim->accounts.n_accounts);
    }
    liq_index_refresh(sim);
    return LIQ_OK;
}

void liq_price_index_destroy(struct liq_price_index *x)
{
    if (x == NULL) {
        return;
    }
    void *arrays[] = {x->entry, x->recent,  x->recent_begin,  x->recent_capacity, x->recent_count,
                      x->stale, x->scratch, x->scratch_begin, x->gather_block,    x->market_scan};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(x, 0, sizeof(*x));
}
