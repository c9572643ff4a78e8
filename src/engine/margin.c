/*
 * The margin-engine phase (MODEL.md s4, lending protocols): find the
 * liquidatable accounts, apply the keepers' rules and the throughput cut,
 * liquidate, book bad debt, and emit one sell order per market.
 *
 * Finding the liquidatable accounts is the only part of a round whose cost
 * grows with the number of accounts. Two paths give the same candidates in
 * the same order (account order), so everything downstream is shared and the
 * trajectories are bit-identical:
 *
 *  - the full scan tests every account every round: two float64 loads and a
 *    division per account over fixed chunks of LIQ_CHUNK_ACCOUNTS, in
 *    parallel; it streams 16 bytes an account and runs at memory bandwidth;
 *
 *  - the liquidation-price index (the default) keeps each market's accounts
 *    sorted by the price ratio O_a / O_b below which they become
 *    liquidatable, theta = d / (c LT). A round binary-searches the current
 *    ratio and tests only the accounts above it, so a calm round costs
 *    O(log n + accounts near liquidation) instead of O(n). A liquidation
 *    changes an account's theta; the new value goes to a small per-market
 *    list of recent updates, searched linearly, and the market is re-sorted
 *    (radix sort, O(n)) when that list fills up. Old entries of updated
 *    accounts stay in the sorted array until then: they can only add
 *    accounts to the tested set, never hide one, because every account's
 *    current theta is in the sorted array or in the recent list. When stale
 *    entries cost too much (see liq_recent_capacity), the market is
 *    re-sorted at the end of the round.
 *
 * Keys are float32 rounded up and the search threshold is lowered by a
 * relative 1e-12, far more than the few ulps of error in computing HF, so the
 * index never misses an account the exact test HF < 1 would catch; the exact
 * test then decides, with the same expression as the full scan.
 *
 * Memory per account: 16 bytes of account data, plus for the index 8 bytes
 * of sorted (key, offset) entries and 8.1 bytes of sort scratch and recent
 * list: about 32 bytes in all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "engine/stability.h"
#include "liqnet/auction.h"
#include "liqnet/error.h"
#include "liqnet/lending.h"

/* Lowest relative margin between the search threshold and the current
 * price ratio; see the file comment. */
#define LIQ_INDEX_MARGIN 1e-12

/* The parallel throughput cut lists candidates in blocks of LIQ_CUT_BLOCK
 * (the list does not depend on it), and the parallel liquidation of a large
 * protocol sums in chunks of LIQ_APPLY_CHUNK selected candidates: fixed, so
 * that the sums do not depend on the thread count, and large, so that a
 * round liquidating up to LIQ_APPLY_CHUNK accounts of a protocol sums
 * exactly as one loop would (see liq_apply_large). */
#define LIQ_CUT_BLOCK ((size_t)4096)

/* The radix selection of the cut (liq_cut_last): 12 key bits a pass, and
 * one thread finishes once at most LIQ_CUT_GATHER candidates are in play. */
#define LIQ_CUT_BITS 12
#define LIQ_CUT_BINS ((size_t)1 << LIQ_CUT_BITS)
#define LIQ_CUT_GATHER ((size_t)4096)
#define LIQ_APPLY_CHUNK ((size_t)2048)

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

/* ------------------------------------------------------------ sorting */

/* Serial passes of the radix sorts below, for arrays too short to split:
 * they never enter the OpenMP runtime, which even for a team of one (or a
 * false `if` clause) costs a call and, with Debian's gcc 12 libgomp, a
 * futex system call. Called per market and round, that was 85,000 system
 * calls a round in a 10^4-protocol ecosystem. */
static void liq_radix_pass64(const uint64_t *src, uint64_t *dst, size_t n, unsigned s)
{
    size_t c[256] = {0};
    for (size_t i = 0; i < n; i++) {
        c[(src[i] >> s) & 0xffu]++;
    }
    for (size_t d = 0, place = 0; d < 256; d++) {
        const size_t here = c[d];
        c[d] = place;
        place += here;
    }
    for (size_t i = 0; i < n; i++) {
        dst[c[(src[i] >> s) & 0xffu]++] = src[i];
    }
}

static void liq_radix_pass32(const uint32_t *src, uint32_t *dst, size_t n, unsigned s)
{
    size_t c[256] = {0};
    for (size_t i = 0; i < n; i++) {
        c[(src[i] >> s) & 0xffu]++;
    }
    for (size_t d = 0, place = 0; d < 256; d++) {
        const size_t here = c[d];
        c[d] = place;
        place += here;
    }
    for (size_t i = 0; i < n; i++) {
        dst[c[(src[i] >> s) & 0xffu]++] = src[i];
    }
}

/* Stable LSD radix sort of n 64-bit values by bits [shift, shift + 32),
 * 8 bits a pass, using tmp (n values) as scratch; O(n). Each pass splits the
 * array into one contiguous block per thread: the threads count their
 * blocks' digits, every (digit, block) gets its place in digit-major order,
 * and each thread scatters its block. The result of a stable sort is unique,
 * so it does not depend on the number of threads. Measured on the index
 * re-sort of 1.2e7 entries (2 threads against 1): see the commit. */
static void liq_radix_sort(uint64_t *a, uint64_t *tmp, size_t n, unsigned shift, int threads)
{
    enum { LIQ_RADIX_MAX_BLOCKS = 64 };
    const int blocks = n >= LIQ_PARALLEL_MIN_ACCOUNTS * 16
                           ? (threads < LIQ_RADIX_MAX_BLOCKS ? threads : LIQ_RADIX_MAX_BLOCKS)
                           : 1;
    size_t count[LIQ_RADIX_MAX_BLOCKS][256];
    uint64_t *src = a, *dst = tmp;
    for (unsigned pass = 0; pass < 4; pass++) {
        const unsigned s = shift + 8u * pass;
        if (blocks == 1) {
            liq_radix_pass64(src, dst, n, s);
            uint64_t *t = src;
            src = dst;
            dst = t;
            continue;
        }
#pragma omp parallel default(none) shared(count, src, dst) firstprivate(n, s, blocks)              \
    num_threads(blocks)
        {
            /* The team may be smaller than asked for: split by its size. */
            const size_t nb = (size_t)omp_get_num_threads();
            const size_t b = (size_t)omp_get_thread_num();
            const size_t lo = n * b / nb, hi = n * (b + 1) / nb;
            size_t *c = count[b];
            for (size_t d = 0; d < 256; d++) {
                c[d] = 0;
            }
            for (size_t i = lo; i < hi; i++) {
                c[(src[i] >> s) & 0xffu]++;
            }
#pragma omp barrier
#pragma omp single
            {
                size_t place = 0;
                for (size_t d = 0; d < 256; d++) {
                    for (size_t t = 0; t < nb; t++) {
                        const size_t here = count[t][d];
                        count[t][d] = place;
                        place += here;
                    }
                }
            }
            for (size_t i = lo; i < hi; i++) {
                dst[c[(src[i] >> s) & 0xffu]++] = src[i];
            }
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
}

/* The same for n 32-bit values (account offsets), all 32 bits, split over
 * up to `threads` blocks from LIQ_PARALLEL_MIN_ACCOUNTS values on. */
static void liq_radix_sort32(uint32_t *a, uint32_t *tmp, size_t n, int threads)
{
    enum { LIQ_RADIX_MAX_BLOCKS = 64 };
    const int blocks = n >= LIQ_PARALLEL_MIN_ACCOUNTS
                           ? (threads < LIQ_RADIX_MAX_BLOCKS ? threads : LIQ_RADIX_MAX_BLOCKS)
                           : 1;
    size_t count[LIQ_RADIX_MAX_BLOCKS][256];
    uint32_t *src = a, *dst = tmp;
    for (unsigned s = 0; s < 32; s += 8) {
        if (blocks == 1) {
            liq_radix_pass32(src, dst, n, s);
            uint32_t *t = src;
            src = dst;
            dst = t;
            continue;
        }
#pragma omp parallel default(none) shared(count, src, dst) firstprivate(n, s, blocks)              \
    num_threads(blocks)
        {
            const size_t nb = (size_t)omp_get_num_threads();
            const size_t b = (size_t)omp_get_thread_num();
            const size_t lo = n * b / nb, hi = n * (b + 1) / nb;
            size_t *c = count[b];
            for (size_t d = 0; d < 256; d++) {
                c[d] = 0;
            }
            for (size_t i = lo; i < hi; i++) {
                c[(src[i] >> s) & 0xffu]++;
            }
#pragma omp barrier
#pragma omp single
            {
                size_t place = 0;
                for (size_t d = 0; d < 256; d++) {
                    for (size_t t = 0; t < nb; t++) {
                        const size_t here = count[t][d];
                        count[t][d] = place;
                        place += here;
                    }
                }
            }
            for (size_t i = lo; i < hi; i++) {
                dst[c[(src[i] >> s) & 0xffu]++] = src[i];
            }
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
}

/* ------------------------------------------------------------- index */

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

static size_t liq_market_size(const struct liq_sim *sim, size_t m)
{
    return sim->market_begin[m + 1] - sim->market_begin[m];
}

/* Re-sorts market m's index from the accounts' current state: keys in
 * parallel, then a serial radix sort. O(n_m). Called outside parallel
 * regions. */
static void liq_index_rebuild(struct liq_sim *sim, size_t m)
{
    const size_t first = sim->market_begin[m];
    const size_t n = liq_market_size(sim, m);
    const double lt = sim->markets[m].config.liquidation_threshold;
    uint64_t *entry = sim->index_entry + first;
    const double *collateral = sim->collateral + first;
    const double *debt = sim->debt + first;
    if (sim->threads > 1 && n >= LIQ_PARALLEL_MIN_ACCOUNTS) {
#pragma omp parallel for default(none) shared(entry, collateral, debt) firstprivate(n, lt)         \
    schedule(static) num_threads(sim->threads)
        for (size_t k = 0; k < n; k++) {
            entry[k] = ((uint64_t)liq_index_key(collateral[k], debt[k], lt) << 32) | (uint64_t)k;
        }
    } else { /* outside the OpenMP runtime: see liq_radix_pass64 */
        for (size_t k = 0; k < n; k++) {
            entry[k] = ((uint64_t)liq_index_key(collateral[k], debt[k], lt) << 32) | (uint64_t)k;
        }
    }
    liq_radix_sort(entry, (uint64_t *)sim->index_scratch + sim->scratch_begin[m], n, 32,
                   sim->threads);
    sim->recent_count[m] = 0;
    sim->index_stale[m] = 0;
}

/* Re-sorts every market whose index is stale, unless it is in scan mode. */
static void liq_index_refresh(struct liq_sim *sim)
{
    for (size_t m = 0; m < sim->n_markets; m++) {
        if (sim->index_stale[m] && !sim->market_scan[m]) {
            liq_index_rebuild(sim, m);
        }
    }
}

/* The index entry (key, offset) of account `offset` of market m as it is. */
static uint64_t liq_index_entry(const struct liq_sim *sim, size_t m, size_t offset)
{
    const size_t i = sim->market_begin[m] + offset;
    const uint32_t key = liq_index_key(sim->collateral[i], sim->debt[i],
                                       sim->markets[m].config.liquidation_threshold);
    return ((uint64_t)key << 32) | (uint64_t)offset;
}

/* Records that account `offset` of market m changed. */
static void liq_index_note(struct liq_sim *sim, size_t m, size_t offset)
{
    if (sim->full_scan || sim->index_stale[m]) {
        return; /* no index, or re-sorted from scratch before it is used again */
    }
    if (sim->recent_count[m] == sim->recent_capacity[m]) {
        sim->index_stale[m] = 1;
        return;
    }
    sim->recent[sim->recent_begin[m] + sim->recent_count[m]++] = liq_index_entry(sim, m, offset);
}

void liq_margin_note(struct liq_sim *sim, size_t m, size_t offset)
{
    liq_index_note(sim, m, offset);
}

/* ------------------------------------------------------------ scanning */

/* HF < 1 with d > 0, exactly as liq_health's quotient compares with 1, but
 * without its division: for positive a and b, the correctly rounded a / b is
 * below 1 if and only if a < b (a < b gives a / b <= 1 - ulp(b) / b, which
 * rounds to at most the largest double below 1), and zero, infinite or NaN
 * operands compare false both ways. Dropping the division made the full scan
 * of 1e7 accounts (one thread, -O2) go from 13.8 to 8.6 ms a round. */
static int liq_is_liquidatable(double c, double d, double pc, double pd, double lt)
{
    return (d > 0.0) & (c * pc * lt < d * pd);
}

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
        scanned += sim->market_scan[m] ? liq_market_size(sim, m) : 0;
    }
    if (scanned == 0) {
        return;
    }
    const size_t n_chunks = sim->n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (scanned >= LIQ_PARALLEL_MIN_ACCOUNTS)
    for (size_t k = 0; k < n_chunks; k++) {
        const size_t m = sim->chunk_market[k];
        if (!sim->market_scan[m] || (sim->market_stability && sim->market_stability[m])) {
            sim->chunk_found[k] = 0; /* stability-pool markets: src/engine/stability.c */
            continue;
        }
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        const double lt = sim->markets[m].config.liquidation_threshold;
        const size_t first = sim->chunk_begin[k];
        sim->chunk_found[k] = liq_count_liquidatable(sim->collateral + first, sim->debt + first,
                                                     sim->chunk_end[k] - first, pc, pd, lt);
    }
}

/* Full scan, pass 2: list the liquidatable accounts of the chunks that have
 * any, in account order. */
static void liq_scan_list(struct liq_sim *sim, size_t found)
{
    if (found == 0) {
        return;
    }
    const size_t n_chunks = sim->n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (found >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t k = 0; k < n_chunks; k++) {
        const size_t m = sim->chunk_market[k];
        if (!sim->market_scan[m] || sim->chunk_found[k] == 0) {
            continue;
        }
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        const double lt = sim->markets[m].config.liquidation_threshold;
        liq_candidate_t *out = sim->candidates + sim->chunk_offset[k];
        for (size_t i = sim->chunk_begin[k]; i < sim->chunk_end[k]; i++) {
            if (liq_is_liquidatable(sim->collateral[i], sim->debt[i], pc, pd, lt)) {
                out->account = i;
                out->health = liq_health(sim->collateral[i], sim->debt[i], pc, pd, lt);
                out++;
            }
        }
    }
}

/* Grows *p to count elements of size bytes; NULL on failure, *p unchanged. */
static void *liq_grow(void *p, size_t count, size_t size)
{
    return realloc(p, (count > 0 ? count : 1) * size);
}

static int liq_reserve_candidates(struct liq_sim *sim, size_t count)
{
    if (count <= sim->candidates_capacity) {
        return LIQ_OK;
    }
    size_t capacity = sim->candidates_capacity > 0 ? sim->candidates_capacity : 1024;
    while (capacity < count) {
        capacity *= 2;
    }
    liq_candidate_t *cand = liq_grow(sim->candidates, capacity, sizeof(*cand));
    if (cand == NULL) {
        goto nomem;
    }
    sim->candidates = cand;
    size_t *rank = liq_grow(sim->rank, capacity, sizeof(*rank));
    if (rank == NULL) {
        goto nomem;
    }
    sim->rank = rank;
    uint8_t *eligible = liq_grow(sim->eligible, capacity, sizeof(*eligible));
    if (eligible == NULL) {
        goto nomem;
    }
    sim->eligible = eligible;
    size_t *cut_block = liq_grow(sim->cut_block, capacity / LIQ_CUT_BLOCK + 2, sizeof(*cut_block));
    if (cut_block == NULL) {
        goto nomem;
    }
    sim->cut_block = cut_block;
    const size_t chunks = capacity / LIQ_APPLY_CHUNK + 1;
    struct liq_apply_chunk *apply_chunk = liq_grow(sim->apply_chunk, chunks, sizeof(*apply_chunk));
    if (apply_chunk == NULL) {
        goto nomem;
    }
    sim->apply_chunk = apply_chunk;
    struct liq_apply_slot *apply_slot =
        liq_grow(sim->apply_slot, chunks + sim->max_protocol_markets, sizeof(*apply_slot));
    if (apply_slot == NULL) {
        goto nomem;
    }
    sim->apply_slot = apply_slot;
    sim->candidates_capacity = capacity;
    return LIQ_OK;
nomem:
    return liq_error_set(LIQ_ENOMEM, "out of memory for %zu liquidation candidates", count);
}

/* Index, pass 1 (per market): gather the accounts whose key is above the
 * threshold, from the sorted array and the recent list, into the market's
 * scratch; sort by account and drop duplicates; keep those that are
 * liquidatable. Returns how many. With threads > 1, a gather of
 * LIQ_PARALLEL_MIN_ACCOUNTS offsets or more is copied, sorted and tested by
 * all of them (fixed blocks; the kept list is the same): a cascade's first
 * rounds gather hundreds of thousands of accounts of one market, which one
 * thread took while the other waited. */
static size_t liq_index_gather(struct liq_sim *sim, size_t m, int threads)
{
    const size_t first = sim->market_begin[m];
    const size_t n = liq_market_size(sim, m);
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const double lt = sim->markets[m].config.liquidation_threshold;
    const uint64_t threshold = (uint64_t)liq_index_threshold(pc, pd);
    const uint64_t *entry = sim->index_entry + first;
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
    uint32_t *gathered = (uint32_t *)((uint64_t *)sim->index_scratch + sim->scratch_begin[m]);
    const bool parallel = threads > 1 && n - lo >= LIQ_PARALLEL_MIN_ACCOUNTS;
    if (parallel) {
#pragma omp parallel for default(none) shared(gathered, entry) firstprivate(lo, n)                 \
    schedule(static) num_threads(threads)
        for (size_t k = lo; k < n; k++) {
            gathered[k - lo] = (uint32_t)entry[k];
        }
    } else { /* outside the OpenMP runtime: see liq_radix_pass64 */
        for (size_t k = lo; k < n; k++) {
            gathered[k - lo] = (uint32_t)entry[k];
        }
    }
    size_t g = n - lo;
    const uint64_t *recent = sim->recent + sim->recent_begin[m];
    for (size_t k = 0; k < sim->recent_count[m]; k++) {
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
        liq_radix_sort32(gathered, gathered + g, g, parallel ? threads : 1);
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
    size_t kept = 0;
    if (parallel) {
        /* One pass tests each offset once, in fixed blocks, copying the
         * kept ones to the tail (which the sort no longer needs; UINT32_MAX,
         * never an offset, for the others) and counting them per block; a
         * second places them in order at the front. */
        const double *collateral = sim->collateral + first, *debt = sim->debt + first;
        const size_t n_blocks = (g + LIQ_CUT_BLOCK - 1) / LIQ_CUT_BLOCK;
        size_t *block = sim->gather_block;
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
    } else {
        for (size_t k = 0; k < g; k++) {
            if (k > 0 && gathered[k] == gathered[k - 1]) {
                continue;
            }
            const size_t i = first + gathered[k];
            if (liq_is_liquidatable(sim->collateral[i], sim->debt[i], pc, pd, lt)) {
                gathered[kept++] = gathered[k];
            }
        }
    }
    /* Duplicates and accounts no longer liquidatable were gathered for
     * nothing. */
    if (g - kept > liq_wasted_limit(n)) {
        sim->index_stale[m] = 1; /* re-sorted at the end of this round */
    }
    return kept;
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
    const size_t p = sim->cross_chunk_protocol[k];
    const size_t m0 = sim->market_offset[p];
    const size_t n_markets = sim->market_offset[p + 1] - m0;
    const double pd = sim->oracle_price[sim->scenario->protocols[p].debt_oracle];
    const double *price = sim->market_price + m0;
    const liq_market_terms_t *terms = sim->market_terms + m0;
    size_t found = 0;
    for (size_t j = sim->cross_chunk_begin[k]; j < sim->cross_chunk_end[k]; j++) {
        const double d = sim->cross_debt[j];
        const double weighted =
            liq_cross_weighted(n_markets, liq_cross_account(sim, p, j), price, terms);
        found += (size_t)((d > 0.0) & (weighted < d * pd));
    }
    return found;
}

/* Cross scan, pass 1: liquidatable cross accounts per chunk. */
static void liq_cross_count(struct liq_sim *sim)
{
    const size_t n_chunks = sim->n_cross_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (sim->n_cross >= LIQ_PARALLEL_MIN_ACCOUNTS / 4)
    for (size_t k = 0; k < n_chunks; k++) {
        sim->cross_chunk_found[k] = liq_cross_count_chunk(sim, k);
    }
}

/* Cross scan, pass 2: list them, in account order, where the offsets put
 * them (after their protocol's isolated candidates). */
static void liq_cross_list(struct liq_sim *sim)
{
    const size_t n_chunks = sim->n_cross_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(dynamic, 4)     \
    num_threads(sim->threads) if (sim->n_cross >= LIQ_PARALLEL_MIN_ACCOUNTS / 4)
    for (size_t k = 0; k < n_chunks; k++) {
        if (sim->cross_chunk_found[k] == 0) {
            continue;
        }
        const size_t p = sim->cross_chunk_protocol[k];
        const size_t m0 = sim->market_offset[p];
        const size_t n_markets = sim->market_offset[p + 1] - m0;
        const double pd = sim->oracle_price[sim->scenario->protocols[p].debt_oracle];
        const double *price = sim->market_price + m0;
        const liq_market_terms_t *terms = sim->market_terms + m0;
        liq_candidate_t *out = sim->candidates + sim->cross_chunk_offset[k];
        for (size_t j = sim->cross_chunk_begin[k]; j < sim->cross_chunk_end[k]; j++) {
            const double d = sim->cross_debt[j];
            const double *c = liq_cross_account(sim, p, j);
            if ((d > 0.0) & (liq_cross_weighted(n_markets, c, price, terms) < d * pd)) {
                out->account = sim->n_accounts + j;
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
    for (; *chunk < sim->n_cross_chunks && sim->cross_chunk_protocol[*chunk] == p; (*chunk)++) {
        sim->cross_chunk_offset[*chunk] = start + found;
        found += sim->cross_chunk_found[*chunk];
    }
    sim->cross_found[p] = found;
    return found;
}

/* Markets whose index gather and listing use every thread in turn. */
static bool liq_market_is_big(const struct liq_sim *sim, size_t m)
{
    return liq_market_size(sim, m) >= 16 * LIQ_PARALLEL_MIN_ACCOUNTS;
}

/* Index, pass 2: writes market m's candidates (offsets gathered by
 * liq_index_gather) with their health, with `threads` threads. */
static void liq_index_list(struct liq_sim *sim, size_t m, int threads)
{
    const size_t first = sim->market_begin[m];
    const size_t found = sim->market_found[m];
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const double lt = sim->markets[m].config.liquidation_threshold;
    const uint32_t *gathered =
        (const uint32_t *)((const uint64_t *)sim->index_scratch + sim->scratch_begin[m]);
    liq_candidate_t *out = sim->candidates + sim->market_candidates[m];
    if (threads > 1 && found >= LIQ_PARALLEL_MIN_CANDIDATES) {
#pragma omp parallel for default(none) shared(sim, gathered, out)                                  \
    firstprivate(first, found, pc, pd, lt) schedule(static) num_threads(threads)
        for (size_t k = 0; k < found; k++) {
            const size_t i = first + gathered[k];
            out[k] = (liq_candidate_t){i, liq_health(sim->collateral[i], sim->debt[i], pc, pd, lt)};
        }
    } else { /* outside the OpenMP runtime: see liq_radix_pass64 */
        for (size_t k = 0; k < found; k++) {
            const size_t i = first + gathered[k];
            out[k] = (liq_candidate_t){i, liq_health(sim->collateral[i], sim->debt[i], pc, pd, lt)};
        }
    }
}

/* Lists the round's liquidatable accounts in account order: markets in
 * scan mode by the chunked full scan, the others through their index. */
static int liq_find_candidates(struct liq_sim *sim)
{
    const size_t n_markets = sim->n_markets;
    /* Several markets' index searches run in parallel only when they can be
     * worth a parallel region (a few microseconds; far more on a loaded
     * machine, where a thread may wait for a time slice at the barrier). */
    const int parallel_markets =
        n_markets >= LIQ_PARALLEL_MIN_ENTITIES ||
        (n_markets >= 2 && sim->n_accounts >= 16 * LIQ_PARALLEL_MIN_ACCOUNTS);
    liq_scan_count(sim);
    liq_cross_count(sim);
    /* Markets of a million accounts or more one at a time with every thread
     * (liq_index_gather), the others one thread each. */
#pragma omp parallel for default(none) shared(sim) firstprivate(n_markets) schedule(dynamic, 1)    \
    num_threads(sim->threads) if (parallel_markets)
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->market_scan[m] && !liq_market_is_big(sim, m)) {
            sim->market_found[m] = liq_index_gather(sim, m, 1);
        }
    }
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->market_scan[m] && liq_market_is_big(sim, m)) {
            sim->market_found[m] = liq_index_gather(sim, m, sim->threads);
        }
    }
    /* Offsets: markets in order; a scanned market's chunks in order inside. */
    sim->market_candidates[0] = 0;
    size_t cross_chunk = 0;
    for (size_t m = 0; m < n_markets; m++) {
        if (sim->market_scan[m]) {
            size_t found = 0;
            for (size_t k = sim->market_chunk_offset[m]; k < sim->market_chunk_offset[m + 1]; k++) {
                sim->chunk_offset[k] = sim->market_candidates[m] + found;
                found += sim->chunk_found[k];
            }
            sim->market_found[m] = found;
        }
        sim->market_candidates[m + 1] = sim->market_candidates[m] + sim->market_found[m];
        const size_t p = (size_t)sim->markets[m].protocol;
        if (sim->n_cross > 0 && m + 1 == sim->market_offset[p + 1]) {
            sim->market_candidates[m + 1] +=
                liq_cross_place(sim, p, sim->market_candidates[m + 1], &cross_chunk);
        }
    }
    const int rc = liq_reserve_candidates(sim, sim->market_candidates[n_markets]);
    if (rc != LIQ_OK) {
        return rc;
    }
    const size_t found = sim->market_candidates[n_markets];
    liq_scan_list(sim, found);
    liq_cross_list(sim);
#pragma omp parallel for default(none) shared(sim) firstprivate(n_markets) schedule(dynamic, 1)    \
    num_threads(sim->threads) if (parallel_markets && found >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->market_scan[m] && !liq_market_is_big(sim, m)) {
            liq_index_list(sim, m, 1);
        }
    }
    for (size_t m = 0; m < n_markets; m++) {
        if (!sim->market_scan[m] && liq_market_is_big(sim, m)) {
            liq_index_list(sim, m, sim->threads);
        }
    }
    return LIQ_OK;
}

/* After the liquidations: a market whose index went stale while many of its
 * accounts are liquidatable (a cascade) switches to the parallel full scan
 * rather than re-sorting every round, and returns to its index, re-sorted,
 * once a round finds few liquidatable accounts. Either way the candidates
 * are the same; only the cost differs. Measured on 1e8 accounts in one
 * market: see benchmarks/README.md. */
static void liq_index_update(struct liq_sim *sim)
{
    for (size_t m = 0; m < sim->n_markets; m++) {
        if (sim->market_stability != NULL && sim->market_stability[m]) {
            continue; /* scanned by src/engine/stability.c every round, never indexed */
        }
        const size_t n = liq_market_size(sim, m);
        const bool hot = sim->market_found[m] > liq_wasted_limit(n);
        if (sim->market_scan[m]) {
            /* The index went stale when the market switched to the scan; it
             * is re-sorted when the cascade has cooled to a quarter of the
             * level that switched it, so that a market hovering around that
             * level does not re-sort every other round. */
            sim->market_scan[m] = sim->market_found[m] > liq_wasted_limit(n) / 4;
        } else if (sim->index_stale[m] && hot) {
            sim->market_scan[m] = 1;
        }
    }
    liq_index_refresh(sim);
}

/* ---------------------------------------------------------- liquidation */

/* What `seize` units of market m's collateral fetch, in debt units, sold on
 * its route pools as they stand (keepers anticipating their own slippage):
 * split by the route weights, or, for best-price routing, on the one route
 * that pays most for the whole amount (docs/model-notes.md). */
static double liq_anticipated_proceeds(const struct liq_sim *sim, size_t m, double seize)
{
    const liq_market_config_t *cfg = &sim->markets[m].config;
    double total = 0.0;
    for (size_t r = sim->market_route_offset[m]; r < sim->market_route_offset[m + 1]; r++) {
        liq_venue_t venue;
        liq_pool_venue(sim, (size_t)sim->route_pool[r], sim->route_sell_token[r], &venue);
        if (cfg->routing == LIQ_ROUTING_WEIGHT) {
            total += liq_venue_amount_out(&venue, sim->route_share[r] * seize);
        } else {
            const double out = liq_venue_amount_out(&venue, seize);
            total = out > total ? out : total;
        }
    }
    return total;
}

/* The keepers' decision and the quote of candidate q, market m. The terms
 * carry this round's bonus (the dynamic penalty's scale) and the gas this
 * round's (src/engine/risk.c). */
static liq_liquidation_t liq_candidate_quote(const struct liq_sim *sim, size_t m,
                                             const liq_candidate_t *q, bool *eligible)
{
    const liq_market_t *mk = &sim->markets[m];
    const liq_protocol_config_t *proto = &sim->scenario->protocols[mk->protocol];
    const liq_market_terms_t terms = sim->market_terms[m];
    const double gas = sim->gas_now[mk->protocol];
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const liq_liquidation_t quote = liq_liquidation_quote(
        sim->collateral[q->account], sim->debt[q->account], pc, pd, q->health, &terms);
    if (proto->anticipate_slippage) {
        /* Profit = what the seizure fetches on the route - the debt repaid
         * - gas, all at the debt oracle's price. */
        const double proceeds = liq_anticipated_proceeds(sim, m, quote.seize);
        *eligible = (proceeds - quote.repay) * pd - gas >= proto->min_profit;
    } else {
        *eligible =
            liq_keeper_profit(quote.repay, pd, terms.liquidation_bonus, gas) >= proto->min_profit;
    }
    const liq_auction_config_t *auction = &proto->liquidation;
    if (auction->mode == LIQ_LIQUIDATION_DUTCH_AUCTION) {
        /* A keeper kicks an auction for its reward, tip + chip tab, net of gas. */
        const double tab = sim->debt[q->account] * auction->chop;
        *eligible = liq_auction_keeper_reward(auction->tip, auction->chip, tab, pd) - gas >=
                    proto->min_profit;
    }
    return quote;
}

/* The keepers' decision and the quote of cross candidate q of protocol p:
 * they act when sum_k r_k O_b beta_k - g >= pi_min, R0's test summed over
 * the slices. `seize` (K entries or NULL) receives the units seized. */
static bool liq_cross_candidate_quote(const struct liq_sim *sim, size_t p, const liq_candidate_t *q,
                                      double *seize, liq_cross_liquidation_t *quote)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const size_t j = q->account - sim->n_accounts;
    const size_t m0 = sim->market_offset[p];
    const double pd = sim->oracle_price[proto->debt_oracle];
    *quote = liq_cross_liquidation_quote(
        sim->market_offset[p + 1] - m0, liq_cross_account(sim, p, j), sim->market_price + m0,
        sim->market_terms + m0, sim->cross_debt[j], pd, q->health, seize);
    return quote->keeper_bonus - sim->gas_now[p] >= proto->min_profit;
}

/* Liquidates cross candidate q of protocol p: seizes each market's slice
 * (added to the market's sell order like an isolated seizure), repays, and
 * writes the account off when no collateral is left. */
static void liq_cross_liquidate(struct liq_sim *sim, size_t p, const liq_candidate_t *q,
                                double *repaid_value, double *seized_value, double *bad_value)
{
    const size_t j = q->account - sim->n_accounts;
    const size_t m0 = sim->market_offset[p];
    const size_t n_markets = sim->market_offset[p + 1] - m0;
    const double pd = sim->oracle_price[sim->scenario->protocols[p].debt_oracle];
    double *seize = sim->cross_seize + m0;
    liq_cross_liquidation_t quote;
    (void)liq_cross_candidate_quote(sim, p, q, seize, &quote);
    double *c = liq_cross_account(sim, p, j);
    bool empty = true;
    for (size_t k = 0; k < n_markets; k++) {
        if (seize[k] > 0.0) {
            c[k] -= seize[k];
            sim->market_seized[m0 + k] += seize[k];
            sim->market_collateral[m0 + k] -= seize[k];
            *seized_value += seize[k] * sim->market_price[m0 + k];
        }
        empty = empty && !(c[k] > 0.0);
    }
    sim->cross_debt[j] -= quote.repay;
    sim->cross_debt_units[p] -= quote.repay;
    *repaid_value += quote.repay * pd;
    if (empty && sim->cross_debt[j] > 0.0) {
        *bad_value += sim->cross_debt[j] * pd;
        sim->cross_debt_units[p] -= sim->cross_debt[j];
        sim->cross_debt[j] = 0.0;
    }
    sim->cross_liquidations[p]++;
}

/* The throughput cut's order: lowest health first, ties by account index.
 * Accounts are unique, so this is a strict total order and the set of the M
 * first candidates does not depend on how it is found. */
static bool liq_rank_less(const liq_candidate_t *cand, size_t a, size_t b)
{
    if (cand[a].health != cand[b].health) {
        return cand[a].health < cand[b].health;
    }
    return cand[a].account < cand[b].account;
}

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
static void liq_select_first(size_t *v, size_t n, size_t k, const liq_candidate_t *cand)
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

static int liq_index_compare(const void *pa, const void *pb)
{
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

static size_t liq_market_of(const struct liq_sim *sim, size_t p, size_t account)
{
    size_t m = sim->market_offset[p];
    while (account >= sim->market_begin[m + 1]) {
        m++;
    }
    return m;
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
static double liq_candidate_repay_value(const struct liq_sim *sim, size_t p,
                                        const liq_candidate_t *q)
{
    if (q->account >= sim->n_accounts) {
        liq_cross_liquidation_t quote;
        (void)liq_cross_candidate_quote(sim, p, q, NULL, &quote);
        return quote.repay * sim->oracle_price[sim->scenario->protocols[p].debt_oracle];
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
static size_t liq_capital_cut(const struct liq_sim *sim, size_t p, size_t *rank, size_t n)
{
    if (n == 0) {
        return 0; /* rank may then be NULL: no candidate list yet */
    }
    const liq_candidate_t *cand = sim->candidates;
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
static size_t liq_protocol_max(const struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    int64_t max = proto->max_liquidations;
    if (sim->breaker_active[p] && proto->breaker_cap > 0 && proto->breaker_cap < max) {
        max = proto->breaker_cap; /* a tripped breaker in cap mode */
    }
    return max > 0 ? (size_t)max : 0;
}

/* Liquidates isolated candidate q of market m (market prices pc, pd): the
 * account's update, and the running sums of its market (slot: seized,
 * collateral, debt) and of its protocol, in this order, which is the order
 * every path below keeps. */
static void liq_apply_one(struct liq_sim *sim, size_t m, const liq_candidate_t *q, double pc,
                          double pd, double *seized, double *collateral, double *debt,
                          double *repaid_value, double *seized_value, double *bad_value)
{
    bool eligible;
    const liq_liquidation_t quote = liq_candidate_quote(sim, m, q, &eligible);
    const size_t i = q->account;
    sim->collateral[i] -= quote.seize;
    sim->debt[i] -= quote.repay;
    *seized += quote.seize;
    *collateral -= quote.seize;
    *debt -= quote.repay;
    *repaid_value += quote.repay * pd;
    *seized_value += quote.seize * pc;
    /* An account left with no collateral and some debt is written off. */
    if (sim->collateral[i] <= 0.0 && sim->debt[i] > 0.0) {
        *bad_value += sim->debt[i] * pd;
        *debt -= sim->debt[i];
        sim->debt[i] = 0.0;
        sim->collateral[i] = 0.0;
    }
}

/* Books protocol p's round: counts, the value sums, and bad debt against
 * the insurance fund. */
static void liq_protocol_book(struct liq_sim *sim, size_t p, size_t candidates, size_t done,
                              double repaid_value, double seized_value, double bad_value)
{
    sim->liquidations[p] = (int64_t)done;
    sim->stalled[p] = (int64_t)(candidates - done);
    sim->repaid_value[p] = repaid_value;
    sim->seized_value[p] = seized_value;
    if (bad_value > 0.0) {
        /* The insurance fund pays bad debt while it lasts; the rest is the
         * protocol's deficit. */
        const double covered =
            bad_value < sim->insurance_fund[p] ? bad_value : sim->insurance_fund[p];
        sim->insurance_fund[p] -= covered;
        sim->deficit[p] += bad_value - covered;
        sim->bad_debt[p] += bad_value;
    }
}

/* Applies the margin engine of protocol p to its candidates [begin, end),
 * which are in account order, on the calling thread: the path of
 * protocols with few candidates (liq_protocol_liquidate_large gives the
 * same results for the others, with all threads). */
static void liq_protocol_liquidate(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_candidate_t *cand = sim->candidates;

    /* Throughput: at most M liquidations, the eligible accounts of lowest
     * health first. rank[begin..] lists the candidates to liquidate in
     * account order; ranking happens only when the cut binds. */
    size_t *rank = sim->rank + begin;
    size_t n_selected = 0;
    for (size_t k = begin; k < end; k++) {
        if (sim->eligible[k]) { /* the keepers' decision (liq_mark_eligible) */
            rank[n_selected++] = k;
        }
    }
    const size_t max = liq_protocol_max(sim, p);
    if (n_selected > max) {
        liq_select_first(rank, n_selected, max, cand);
        n_selected = max;
        qsort(rank, n_selected, sizeof(*rank), liq_index_compare);
    }
    if (!isinf(proto->keeper_capital)) {
        n_selected = liq_capital_cut(sim, p, rank, n_selected);
    }

    /* Apply in account order; every sum below runs in that fixed order. */
    double repaid_value = 0.0, seized_value = 0.0, bad_value = 0.0;
    const bool auction = proto->liquidation.mode == LIQ_LIQUIDATION_DUTCH_AUCTION;
    size_t done = n_selected; /* accounts liquidated, or auctions started */
    if (auction) {
        done = 0;
        sim->auction_started[p] = 0;
        sim->auction_sold_value[p] = 0.0;
        sim->auction_raised[p] = 0.0;
        sim->keeper_rewards[p] = 0.0;
    }
    for (size_t mm = sim->market_offset[p]; mm < sim->market_offset[p + 1]; mm++) {
        sim->market_seized[mm] = 0.0;
    }
    sim->cross_liquidations[p] = 0;
    for (size_t j = 0; j < n_selected; j++) {
        const liq_candidate_t *q = &cand[rank[j]];
        if (q->account >= sim->n_accounts) {
            liq_cross_liquidate(sim, p, q, &repaid_value, &seized_value, &bad_value);
            continue;
        }
        const size_t m = liq_market_of(sim, p, q->account);
        if (auction) {
            done += (size_t)liq_auction_kick(sim, p, m, q->account, &repaid_value, &seized_value);
            continue;
        }
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        liq_apply_one(sim, m, q, pc, pd, &sim->market_seized[m], &sim->market_collateral[m],
                      &sim->market_debt[m], &repaid_value, &seized_value, &bad_value);
        liq_index_note(sim, m, q->account - sim->market_begin[m]);
    }
    if (auction) {
        bad_value += liq_auction_step(sim, p);
    }
    liq_protocol_book(sim, p, end - begin, done, repaid_value, seized_value, bad_value);
}

/* ------------------------------------- the cut and liquidation, parallel */

/* Protocols with this many candidates or more take the parallel path below,
 * one protocol at a time with all threads, instead of one thread each. The
 * benchmarks' cascade has two such protocols of very unequal work (at 1e7
 * accounts, a cut of 2e4 among 3.7e5 eligible, and 3.2e4 liquidations with
 * no cut): one thread each left the other idle for most of the phase.
 * Measured there (liqnet_bench scaling, 2 threads against 1, load 1.3):
 * median round x1.64 before, x1.73 to x1.77 after; total x1.61 -> x1.69. */
static bool liq_protocol_is_large(const struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    return end - begin >= LIQ_PARALLEL_MIN_CANDIDATES &&
           proto->liquidation.mode != LIQ_LIQUIDATION_DUTCH_AUCTION &&
           !(sim->stability != NULL && proto->has_stability_pool);
}

/* Lists into out[0..) the eligible candidates among [begin, end) that do not
 * rank after candidate `last` (all eligible ones when last is SIZE_MAX), in
 * account order, and returns how many. Two parallel passes over fixed blocks
 * of LIQ_CUT_BLOCK candidates: count, then place at the block's offset. The
 * result is the ordered filter of the input, whatever the thread count.
 * out must not overlap sim->eligible or the candidates. */
static size_t liq_cut_list(struct liq_sim *sim, size_t begin, size_t end, size_t last, size_t *out)
{
    const size_t n_blocks = (end - begin + LIQ_CUT_BLOCK - 1) / LIQ_CUT_BLOCK;
    size_t *block = sim->cut_block;
    const uint8_t *eligible = sim->eligible;
    const liq_candidate_t *cand = sim->candidates;
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
static size_t liq_cut_last(struct liq_sim *sim, size_t begin, size_t end, size_t max, uint64_t lo,
                           uint64_t hi)
{
    const liq_candidate_t *cand = sim->candidates;
    const uint8_t *eligible = sim->eligible;
    size_t *hist = sim->cut_hist;
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
    size_t *buf = sim->rank + begin;
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
static size_t liq_cut_count(const struct liq_sim *sim, size_t begin, size_t end, uint64_t *lo,
                            uint64_t *hi)
{
    const liq_candidate_t *cand = sim->candidates;
    const uint8_t *eligible = sim->eligible;
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

/* Starts the slot of market m in a chunk whose candidates begin at rank[j]. */
static void liq_apply_slot_open(const struct liq_sim *sim, struct liq_apply_slot *slot, size_t m,
                                const size_t *rank, size_t j)
{
    slot->used = 1;
    slot->first = j == 0 || sim->candidates[rank[j - 1]].account < sim->market_begin[m];
    slot->seized = 0.0;
    slot->collateral = slot->first ? sim->market_collateral[m] : 0.0;
    slot->debt = slot->first ? sim->market_debt[m] : 0.0;
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
    const size_t m0 = sim->market_offset[p];
    const size_t m_end = sim->market_offset[p + 1];
    struct liq_apply_chunk *chunk = sim->apply_chunk;
    struct liq_apply_slot *slot = sim->apply_slot;
    /* Where each market's candidates start in rank[0..n): the recent-list
     * slot of each liquidated account is its market's count plus its place
     * there, as the serial loop's notes would have appended it. */
    size_t *first = sim->market_selected;
    for (size_t m = m0; m <= m_end; m++) {
        size_t lo = m == m0 ? 0 : first[m - 1], hi = n;
        const size_t begin = m < m_end ? sim->market_begin[m] : SIZE_MAX;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (sim->candidates[rank[mid]].account < begin) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        first[m] = lo;
    }
#pragma omp parallel for default(none) shared(sim, chunk, slot, rank, first)                       \
    firstprivate(p, n, n_chunks, m0) schedule(dynamic, 1)                                          \
        num_threads(sim->threads) if (n_chunks > 1)
    for (size_t c = 0; c < n_chunks; c++) {
        const size_t lo = c * LIQ_APPLY_CHUNK;
        const size_t hi = lo + LIQ_APPLY_CHUNK < n ? lo + LIQ_APPLY_CHUNK : n;
        const liq_candidate_t *cand = sim->candidates;
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
        bool note = !sim->full_scan && !sim->index_stale[m];
        for (size_t j = lo; j < hi; j++) {
            const liq_candidate_t *q = &cand[rank[j]];
            if (q->account >= sim->market_begin[m + 1]) {
                slot[c + m - m0] = s;
                do {
                    m++;
                    slot[c + m - m0].used = 0; /* a market with no candidate here */
                } while (q->account >= sim->market_begin[m + 1]);
                liq_apply_slot_open(sim, &s, m, rank, j);
                liq_market_prices(sim, m, &pc, &pd);
                note = !sim->full_scan && !sim->index_stale[m];
            }
            liq_apply_one(sim, m, q, pc, pd, &s.seized, &s.collateral, &s.debt, &ch.repaid_value,
                          &ch.seized_value, &ch.bad_value);
            const size_t place = note ? sim->recent_count[m] + (j - first[m]) : SIZE_MAX;
            if (note && place < sim->recent_capacity[m]) { /* no index arrays with full_scan */
                sim->recent[sim->recent_begin[m] + place] =
                    liq_index_entry(sim, m, q->account - sim->market_begin[m]);
            }
        }
        slot[c + m - m0] = s;
        ch.last_market = m;
        chunk[c] = ch;
    }
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
                sim->market_seized[m] = s->seized;
                sim->market_collateral[m] = s->collateral;
                sim->market_debt[m] = s->debt;
            } else {
                sim->market_seized[m] += s->seized;
                sim->market_collateral[m] += s->collateral;
                sim->market_debt[m] += s->debt;
            }
        }
    }
    /* The recent lists' counts, as liq_index_note keeps them: a list that
     * would overflow marks its market stale (to be re-sorted). */
    for (size_t m = m0; m < m_end && !sim->full_scan; m++) {
        const size_t noted = first[m + 1] - first[m];
        if (sim->index_stale[m] || noted == 0) {
            continue;
        }
        if (sim->recent_count[m] + noted > sim->recent_capacity[m]) {
            sim->recent_count[m] = sim->recent_capacity[m];
            sim->index_stale[m] = 1;
        } else {
            sim->recent_count[m] += noted;
        }
    }
}

/* liq_protocol_liquidate for a large protocol (liq_protocol_is_large), with
 * every thread on its cut and its liquidations; the same results. Keeper
 * capital (rare, and a sort by health) and cross-margin accounts (after the
 * isolated ones in account order) stay on one thread. */
static void liq_protocol_liquidate_large(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_candidate_t *cand = sim->candidates;
    size_t *rank = sim->rank + begin;
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

    for (size_t mm = sim->market_offset[p]; mm < sim->market_offset[p + 1]; mm++) {
        sim->market_seized[mm] = 0.0;
    }
    sim->cross_liquidations[p] = 0;
    /* Isolated candidates first (account order), then the cross ones. */
    size_t n_isolated = 0, hi = n_selected;
    while (n_isolated < hi) {
        const size_t mid = n_isolated + (hi - n_isolated) / 2;
        if (cand[rank[mid]].account < sim->n_accounts) {
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

void liq_protocol_values(struct liq_sim *sim, size_t p)
{
    double collateral_value = 0.0, debt_units = 0.0, pd = 0.0;
    for (size_t m = sim->market_offset[p]; m < sim->market_offset[p + 1]; m++) {
        double pc;
        liq_market_prices(sim, m, &pc, &pd);
        collateral_value += sim->market_collateral[m] * pc;
        debt_units += sim->market_debt[m];
    }
    if (sim->has_cross) {
        debt_units += sim->cross_debt_units[p];
        sim->cross_debt_value[p] = sim->cross_debt_units[p] * pd;
    }
    sim->collateral_value[p] = collateral_value;
    sim->debt_value[p] = debt_units * pd;
}

/* The market whose candidate range holds candidate k (binary search). */
static size_t liq_candidate_market(const struct liq_sim *sim, size_t k)
{
    size_t lo = 0, hi = sim->n_markets;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (sim->market_candidates[mid] <= k) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* The keepers' decision for every candidate, in parallel across all of
 * them (not per protocol, which left one thread idle in single-protocol
 * cascades), into sim->eligible[k]. Measured: benchmarks' cascade at 1e7
 * accounts, 2 threads against 1: median round x1.38 before, see the commit
 * for after. */
static void liq_mark_eligible(struct liq_sim *sim)
{
    const size_t total = sim->market_candidates[sim->n_markets];
#pragma omp parallel for default(none) shared(sim) firstprivate(total) schedule(static)            \
    num_threads(sim->threads) if (total >= LIQ_PARALLEL_MIN_CANDIDATES)
    for (size_t k = 0; k < total; k++) {
        const size_t m = liq_candidate_market(sim, k);
        bool eligible;
        if (sim->candidates[k].account >= sim->n_accounts) {
            liq_cross_liquidation_t quote;
            eligible = liq_cross_candidate_quote(sim, (size_t)sim->markets[m].protocol,
                                                 &sim->candidates[k], NULL, &quote);
        } else {
            (void)liq_candidate_quote(sim, m, &sim->candidates[k], &eligible);
        }
        /* A tripped breaker in pause mode stops every liquidation. */
        const size_t p = (size_t)sim->markets[m].protocol;
        if (sim->breaker_active[p] && sim->scenario->protocols[p].breaker_cap == 0) {
            eligible = false;
        }
        sim->eligible[k] = eligible;
    }
}

int liq_phase_margin(struct liq_sim *sim)
{
    liq_risk_round(sim);
    if (sim->n_cross > 0) {
        liq_market_prices_update(sim);
    }
    const int rc = liq_find_candidates(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_mark_eligible(sim);
    const size_t n = sim->n_protocols;
    for (size_t p = 0; p < n; p++) {
        sim->found[p] = (int64_t)(sim->market_candidates[sim->market_offset[p + 1]] -
                                  sim->market_candidates[sim->market_offset[p]]);
    }
    const size_t found = sim->market_candidates[sim->n_markets];
    /* Large protocols one at a time, each with all threads; then the others,
     * one thread each. */
    size_t small_found = found;
    for (size_t p = 0; p < n; p++) {
        const size_t begin = sim->market_candidates[sim->market_offset[p]];
        const size_t end = sim->market_candidates[sim->market_offset[p + 1]];
        if (liq_owns(sim, p) && liq_protocol_is_large(sim, p, begin, end)) {
            liq_protocol_liquidate_large(sim, p, begin, end);
            liq_protocol_values(sim, p);
            small_found -= end - begin;
        }
    }
#pragma omp parallel for default(none) shared(sim) firstprivate(n) schedule(dynamic, 1)            \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES ||                                \
                                  (n >= 2 && small_found >= LIQ_PARALLEL_MIN_CANDIDATES))
    for (size_t p = 0; p < n; p++) {
        const size_t begin = sim->market_candidates[sim->market_offset[p]];
        const size_t end = sim->market_candidates[sim->market_offset[p + 1]];
        if (!liq_owns(sim, p) || liq_protocol_is_large(sim, p, begin, end)) {
            continue; /* held by another process, or done above */
        }
        if (sim->stability != NULL && sim->scenario->protocols[p].has_stability_pool) {
            liq_stability_liquidate(sim, p);
        } else {
            liq_protocol_liquidate(sim, p, begin, end);
        }
        liq_protocol_values(sim, p);
    }
    if (!sim->full_scan) {
        liq_index_update(sim);
    }
    return LIQ_OK;
}

/* --------------------------------------------------------- construction */

/* Ordered sum of account values: per-chunk partial sums in parallel,
 * combined serially in chunk order into the market totals. */
static void liq_market_totals(struct liq_sim *sim)
{
    const size_t n_chunks = sim->n_chunks;
#pragma omp parallel for default(none) shared(sim) firstprivate(n_chunks) schedule(static)         \
    num_threads(sim->threads)
    for (size_t k = 0; k < n_chunks; k++) {
        double c = 0.0, d = 0.0;
        for (size_t i = sim->chunk_begin[k]; i < sim->chunk_end[k]; i++) {
            c += sim->collateral[i];
            d += sim->debt[i];
        }
        sim->chunk_sum[2 * k] = c;
        sim->chunk_sum[2 * k + 1] = d;
    }
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->market_collateral[m] = 0.0;
        sim->market_debt[m] = 0.0;
    }
    for (size_t k = 0; k < n_chunks; k++) {
        sim->market_collateral[sim->chunk_market[k]] += sim->chunk_sum[2 * k];
        sim->market_debt[sim->chunk_market[k]] += sim->chunk_sum[2 * k + 1];
    }
}

static int liq_build_chunks(struct liq_sim *sim)
{
    size_t n_chunks = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        n_chunks += (liq_market_size(sim, m) + LIQ_CHUNK_ACCOUNTS - 1) / LIQ_CHUNK_ACCOUNTS;
    }
    sim->n_chunks = n_chunks;
    sim->chunk_begin = liq_calloc(n_chunks, sizeof(*sim->chunk_begin));
    sim->chunk_end = liq_calloc(n_chunks, sizeof(*sim->chunk_end));
    sim->chunk_market = liq_calloc(n_chunks, sizeof(*sim->chunk_market));
    sim->chunk_found = liq_calloc(n_chunks, sizeof(*sim->chunk_found));
    sim->chunk_offset = liq_calloc(n_chunks + 1, sizeof(*sim->chunk_offset));
    sim->chunk_sum = liq_calloc(2 * n_chunks, sizeof(*sim->chunk_sum));
    sim->market_chunk_offset = liq_calloc(sim->n_markets + 1, sizeof(size_t));
    sim->market_candidates = liq_calloc(sim->n_markets + 1, sizeof(size_t));
    sim->market_found = liq_calloc(sim->n_markets, sizeof(size_t));
    sim->market_scan = liq_calloc(sim->n_markets, sizeof(int));
    if (!sim->chunk_begin || !sim->chunk_end || !sim->chunk_market || !sim->chunk_found ||
        !sim->chunk_offset || !sim->chunk_sum || !sim->market_chunk_offset ||
        !sim->market_candidates || !sim->market_found || !sim->market_scan) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu scan chunks", n_chunks);
    }
    size_t k = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->market_chunk_offset[m] = k;
        const size_t end = sim->market_begin[m + 1];
        for (size_t i = sim->market_begin[m]; i < end; i += LIQ_CHUNK_ACCOUNTS) {
            sim->chunk_begin[k] = i;
            sim->chunk_end[k] = end - i > LIQ_CHUNK_ACCOUNTS ? i + LIQ_CHUNK_ACCOUNTS : end;
            sim->chunk_market[k] = m;
            k++;
        }
    }
    sim->market_chunk_offset[sim->n_markets] = k;
    return LIQ_OK;
}

static int liq_build_index(struct liq_sim *sim)
{
    const size_t nm = sim->n_markets;
    sim->recent_begin = liq_calloc(nm + 1, sizeof(size_t));
    sim->recent_capacity = liq_calloc(nm, sizeof(size_t));
    sim->recent_count = liq_calloc(nm, sizeof(size_t));
    sim->scratch_begin = liq_calloc(nm + 1, sizeof(size_t));
    sim->index_stale = liq_calloc(nm, sizeof(int));
    if (!sim->recent_begin || !sim->recent_capacity || !sim->recent_count || !sim->scratch_begin ||
        !sim->index_stale) {
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
        sim->recent_capacity[m] = liq_recent_capacity(n);
        sim->recent_begin[m + 1] = sim->recent_begin[m] + sim->recent_capacity[m];
        sim->scratch_begin[m + 1] = sim->scratch_begin[m] + n + sim->recent_capacity[m];
        sim->index_stale[m] = 1;
    }
    size_t widest = 0; /* most offsets one market's gather can hold */
    for (size_t m = 0; m < nm; m++) {
        const size_t w = sim->scratch_begin[m + 1] - sim->scratch_begin[m];
        widest = w > widest ? w : widest;
    }
    sim->gather_block = liq_calloc(widest / LIQ_CUT_BLOCK + 2, sizeof(size_t));
    if (sim->gather_block == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the liquidation index");
    }
    sim->index_entry = liq_calloc(sim->n_accounts, sizeof(uint64_t));
    sim->recent = liq_calloc(sim->recent_begin[nm], sizeof(uint64_t));
    sim->index_scratch =
        malloc((sim->scratch_begin[nm] > 0 ? sim->scratch_begin[nm] : 1) * sizeof(uint64_t));
    if (!sim->index_entry || !sim->recent || !sim->index_scratch) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the liquidation index of %zu accounts",
                             sim->n_accounts);
    }
    liq_index_refresh(sim);
    return LIQ_OK;
}

/* Scan chunks of the cross store, and its totals: each market's collateral
 * units gain the cross accounts' (after the isolated ones), and each
 * protocol's cross debt is summed, serially in account order (once). */
static int liq_build_cross_chunks(struct liq_sim *sim)
{
    size_t n_chunks = 0;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const size_t n = sim->cross_begin[p + 1] - sim->cross_begin[p];
        n_chunks += (n + LIQ_CHUNK_ACCOUNTS - 1) / LIQ_CHUNK_ACCOUNTS;
    }
    sim->n_cross_chunks = n_chunks;
    sim->cross_chunk_begin = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross_chunk_end = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross_chunk_protocol = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross_chunk_found = liq_calloc(n_chunks, sizeof(size_t));
    sim->cross_chunk_offset = liq_calloc(n_chunks, sizeof(size_t));
    if (!sim->cross_chunk_begin || !sim->cross_chunk_end || !sim->cross_chunk_protocol ||
        !sim->cross_chunk_found || !sim->cross_chunk_offset) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu cross-margin scan chunks",
                             n_chunks);
    }
    size_t k = 0;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const size_t end = sim->cross_begin[p + 1];
        for (size_t j = sim->cross_begin[p]; j < end; j += LIQ_CHUNK_ACCOUNTS) {
            sim->cross_chunk_begin[k] = j;
            sim->cross_chunk_end[k] = end - j > LIQ_CHUNK_ACCOUNTS ? j + LIQ_CHUNK_ACCOUNTS : end;
            sim->cross_chunk_protocol[k] = p;
            k++;
        }
        const size_t m0 = sim->market_offset[p];
        const size_t n_markets = sim->market_offset[p + 1] - m0;
        for (size_t j = sim->cross_begin[p]; j < end; j++) {
            const double *c = liq_cross_account(sim, p, j);
            for (size_t a = 0; a < n_markets; a++) {
                sim->market_collateral[m0 + a] += c[a];
            }
            sim->cross_debt_units[p] += sim->cross_debt[j];
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
        sim->market_scan[m] = sim->full_scan;
    }
    sim->cut_hist = malloc((size_t)sim->threads * LIQ_CUT_BINS * sizeof(*sim->cut_hist));
    sim->market_selected = liq_calloc(sim->n_markets + 1, sizeof(*sim->market_selected));
    if (sim->cut_hist == NULL || sim->market_selected == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the throughput cut's histograms");
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const size_t markets = sim->market_offset[p + 1] - sim->market_offset[p];
        sim->max_protocol_markets =
            markets > sim->max_protocol_markets ? markets : sim->max_protocol_markets;
    }
    if (!sim->full_scan) {
        rc = liq_build_index(sim);
    }
    return rc;
}
