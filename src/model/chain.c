/*
 * Chains as fee markets (include/liqnet/chain.h): EIP-1559's base-fee rule
 * in integers and in reals, a pending pool with its block builder, and the
 * senders' bidding strategies.
 *
 * Workload. The engine submits a few transactions per actor per round and
 * builds one block per chain per block time; a congested cascade can keep
 * 10^4-10^6 transactions pending. Building a block ranks the pending pool
 * afresh, since every effective tip moves with the base fee: one pass to
 * rank, one sort, one pass to fill, one pass to compact, O(n log n). All
 * buffers are sized with the pool (about 160 bytes a pending slot) and only
 * grow, so building never allocates.
 *
 * Sources: EIP-1559 (ethereum/EIPs EIPS/eip-1559.md); go-ethereum 02b73d4e:
 * consensus/misc/eip1559/eip1559.go, miner/worker.go, core/txpool/txorder/
 * ordering.go, core/txpool/legacypool/list.go, core/error.go and
 * core/txpool/errors.go (the error texts); ethers getFeeData (v5.8.0
 * packages/abstract-provider/src.ts/index.ts: the default max fee
 * 2 x base fee + priority fee).
 */
#include "liqnet/chain.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"

/* go-ethereum core/txpool/legacypool: DefaultConfig.PriceBump. */
#define LIQ_DEFAULT_PRICE_BUMP 10

/* ------------------------------------------------------------ EIP-1559 */

/* floor(a * b / c) for a >= 0, 0 <= b <= 2^31 and 0 < c <= 2^31, or -1 when
 * it passes INT64_MAX. With a = q c + r (0 <= r < c), floor(a b / c) =
 * q b + floor(r b / c), and r b < 2^62 fits: exact in int64 without the
 * arbitrary-precision integers of go-ethereum. */
static int64_t mul_div_floor(int64_t a, int64_t b, int64_t c)
{
    const int64_t q = a / c, r = a % c;
    if (b != 0 && q > INT64_MAX / b) {
        return -1;
    }
    const int64_t whole = q * b, part = r * b / c;
    return whole > INT64_MAX - part ? -1 : whole + part;
}

static void eip1559_resolve(const liq_eip1559_params_t *params, int64_t *elasticity,
                            int64_t *denominator)
{
    *elasticity = LIQ_EIP1559_ELASTICITY_MULTIPLIER;
    *denominator = LIQ_EIP1559_MAX_CHANGE_DENOMINATOR;
    if (params != NULL) {
        *elasticity = params->elasticity_multiplier;
        *denominator = params->max_change_denominator;
    }
}

int liq_eip1559_next_base_fee(int64_t *next, int64_t base_fee, int64_t gas_limit, int64_t gas_used,
                              const liq_eip1559_params_t *params)
{
    int64_t elasticity, denominator;
    eip1559_resolve(params, &elasticity, &denominator);
    if (elasticity < 1 || denominator < 1) {
        return liq_error_set(LIQ_EINVAL,
                             "EIP-1559: elasticity multiplier %lld and max change denominator "
                             "%lld must be >= 1",
                             (long long)elasticity, (long long)denominator);
    }
    if (base_fee < 0) {
        return liq_error_set(LIQ_EINVAL, "EIP-1559: base fee %lld wei is negative",
                             (long long)base_fee);
    }
    if (gas_limit < elasticity || gas_limit > LIQ_EIP1559_MAX_GAS_LIMIT) {
        return liq_error_set(LIQ_EINVAL, "EIP-1559: gas limit %lld outside [%lld, %lld]",
                             (long long)gas_limit, (long long)elasticity,
                             (long long)LIQ_EIP1559_MAX_GAS_LIMIT);
    }
    if (gas_used < 0 || gas_used > gas_limit) {
        return liq_error_set(LIQ_EINVAL, "EIP-1559: gas used %lld outside [0, gas limit %lld]",
                             (long long)gas_used, (long long)gas_limit);
    }
    /* EIP-1559 validate_block; go-ethereum CalcBaseFee. The two divisions
     * round down one after the other, as both do (floor(floor(x / t) / d)
     * equals floor(x / (t d)) for non-negative integers, so the order is
     * immaterial, but this is the published text). */
    const int64_t target = gas_limit / elasticity;
    if (gas_used == target) {
        *next = base_fee;
        return LIQ_OK;
    }
    if (gas_used > target) {
        int64_t delta = mul_div_floor(base_fee, gas_used - target, target);
        if (delta < 0) {
            return liq_error_set(LIQ_ENUMERIC, "EIP-1559: base fee %lld wei overflows",
                                 (long long)base_fee);
        }
        delta /= denominator;
        if (delta < 1) {
            delta = 1; /* the spec's max(..., 1): a full block always raises the fee */
        }
        if (base_fee > INT64_MAX - delta) {
            return liq_error_set(LIQ_ENUMERIC, "EIP-1559: base fee %lld wei overflows",
                                 (long long)base_fee);
        }
        *next = base_fee + delta;
        return LIQ_OK;
    }
    /* Below the target: target - used <= target, so the product is at most
     * base_fee and never overflows; the fee falls by at most base_fee / D
     * and stays >= 0. */
    const int64_t delta = mul_div_floor(base_fee, target - gas_used, target) / denominator;
    *next = base_fee - delta;
    return LIQ_OK;
}

double liq_eip1559_next_base_fee_real(double base_fee, double gas_limit, double gas_used,
                                      const liq_eip1559_params_t *params)
{
    int64_t elasticity, denominator;
    eip1559_resolve(params, &elasticity, &denominator);
    assert(elasticity >= 1 && denominator >= 1);
    assert(base_fee >= 0.0 && gas_limit > 0.0 && gas_used >= 0.0 && gas_used <= gas_limit);
    const double target = gas_limit / (double)elasticity;
    return base_fee * (1.0 + (gas_used - target) / (target * (double)denominator));
}

/* -------------------------------------------------------- transactions */

liq_bid_t liq_bid_legacy(int64_t gas_price)
{
    return (liq_bid_t){gas_price, gas_price};
}

int64_t liq_tx_effective_tip(const liq_bid_t *bid, int64_t base_fee)
{
    if (bid->max_fee < base_fee) {
        return -1;
    }
    const int64_t room = bid->max_fee - base_fee;
    return bid->max_priority_fee < room ? bid->max_priority_fee : room;
}

/* ------------------------------------------------------------ a chain */

/* The record is one cache line; the engine may hold 10^6 of them pending. */
_Static_assert(sizeof(liq_tx_t) == 64, "liq_tx_t is 64 bytes");

/* One eligible transaction in the ranking: 24 bytes, sorted by tip then id. */
typedef struct {
    int64_t tip;  /* effective tip at this block's base fee, wei per gas */
    int64_t id;   /* submission order, the tie-break */
    size_t index; /* position in the pending array */
} liq_rank_t;

struct liq_chain {
    int64_t gas_limit;
    bool london;
    liq_eip1559_params_t eip1559; /* resolved: never {0, 0} */
    int64_t price_bump;           /* resolved: never 0 */

    int64_t base_fee;   /* of the next block */
    int64_t next_id;    /* id of the next submission */
    int64_t last_round; /* round of the last block, INT64_MIN before the first */

    /* Every buffer holds `capacity` slots, the pending pool's capacity, so
     * that a block never needs more room than the pool it is built from. */
    size_t capacity;
    size_t n_pending;
    liq_tx_t *pending; /* [n_pending] by id, ascending (appends; stable removals) */
    liq_rank_t *rank;  /* scratch: the eligible, ranked */
    bool *taken;       /* scratch: pending[i] was included */
    liq_tx_t *out;     /* the last block: included, then dropped */
    int64_t *tips;     /* the last block: effective tip of included[k] */
    size_t allocations;
};

/* Grows every buffer to at least `n` slots, doubling. A failure leaves the
 * capacity as it was (buffers already grown are merely larger). */
static int chain_grow(liq_chain_t *chain, size_t n)
{
    if (n <= chain->capacity) {
        return LIQ_OK;
    }
    size_t capacity = chain->capacity < 16 ? 16 : 2 * chain->capacity;
    if (capacity < n) {
        capacity = n;
    }
    if (capacity > SIZE_MAX / sizeof(liq_tx_t)) {
        return liq_error_set(LIQ_ENOMEM, "chain: %zu pending transactions", n);
    }
    chain->allocations++;
    liq_tx_t *pending = realloc(chain->pending, capacity * sizeof(*pending));
    if (pending != NULL) {
        chain->pending = pending;
    }
    liq_rank_t *rank = realloc(chain->rank, capacity * sizeof(*rank));
    if (rank != NULL) {
        chain->rank = rank;
    }
    bool *taken = realloc(chain->taken, capacity * sizeof(*taken));
    if (taken != NULL) {
        chain->taken = taken;
    }
    liq_tx_t *out = realloc(chain->out, capacity * sizeof(*out));
    if (out != NULL) {
        chain->out = out;
    }
    int64_t *tips = realloc(chain->tips, capacity * sizeof(*tips));
    if (tips != NULL) {
        chain->tips = tips;
    }
    if (pending == NULL || rank == NULL || taken == NULL || out == NULL || tips == NULL) {
        return liq_error_set(LIQ_ENOMEM, "chain: no memory for %zu pending transactions", capacity);
    }
    chain->capacity = capacity;
    return LIQ_OK;
}

int liq_chain_create(liq_chain_t **out, const liq_chain_params_t *params)
{
    *out = NULL;
    liq_eip1559_params_t eip1559 = params->eip1559;
    if (eip1559.elasticity_multiplier == 0 && eip1559.max_change_denominator == 0) {
        eip1559 = (liq_eip1559_params_t){LIQ_EIP1559_ELASTICITY_MULTIPLIER,
                                         LIQ_EIP1559_MAX_CHANGE_DENOMINATOR};
    }
    const int64_t bump = params->price_bump == 0 ? LIQ_DEFAULT_PRICE_BUMP : params->price_bump;
    if (eip1559.elasticity_multiplier < 1 || eip1559.max_change_denominator < 1) {
        return liq_error_set(LIQ_EINVAL,
                             "chain: elasticity multiplier %lld and max change denominator %lld "
                             "must be >= 1",
                             (long long)eip1559.elasticity_multiplier,
                             (long long)eip1559.max_change_denominator);
    }
    if (params->gas_limit < eip1559.elasticity_multiplier ||
        params->gas_limit > LIQ_EIP1559_MAX_GAS_LIMIT) {
        return liq_error_set(LIQ_EINVAL, "chain: gas limit %lld outside [%lld, %lld]",
                             (long long)params->gas_limit, (long long)eip1559.elasticity_multiplier,
                             (long long)LIQ_EIP1559_MAX_GAS_LIMIT);
    }
    if (params->london && params->initial_base_fee < 0) {
        return liq_error_set(LIQ_EINVAL, "chain: initial base fee %lld wei is negative",
                             (long long)params->initial_base_fee);
    }
    if (bump < 1) {
        return liq_error_set(LIQ_EINVAL, "chain: price bump %lld%% must be >= 1", (long long)bump);
    }
    liq_chain_t *chain = calloc(1, sizeof(*chain));
    if (chain == NULL) {
        return liq_error_set(LIQ_ENOMEM, "chain: no memory");
    }
    chain->gas_limit = params->gas_limit;
    chain->london = params->london;
    chain->eip1559 = eip1559;
    chain->price_bump = bump;
    chain->base_fee = params->london ? params->initial_base_fee : 0;
    chain->last_round = INT64_MIN;
    *out = chain;
    return LIQ_OK;
}

void liq_chain_destroy(liq_chain_t *chain)
{
    if (chain == NULL) {
        return;
    }
    free(chain->pending);
    free(chain->rank);
    free(chain->taken);
    free(chain->out);
    free(chain->tips);
    free(chain);
}

int liq_chain_reserve(liq_chain_t *chain, size_t n)
{
    return chain_grow(chain, n);
}

/* The checks a pool makes of any bid (go-ethereum's texts where it has one). */
static int check_bid(const liq_chain_t *chain, const liq_bid_t *bid)
{
    if (bid->max_fee < 0 || bid->max_priority_fee < 0) {
        return liq_error_set(LIQ_EINVAL, "transaction: negative fee (max fee %lld, priority %lld)",
                             (long long)bid->max_fee, (long long)bid->max_priority_fee);
    }
    if (bid->max_priority_fee > bid->max_fee) {
        return liq_error_set(LIQ_EINVAL,
                             "transaction: max priority fee per gas higher than max fee per gas "
                             "(%lld > %lld)",
                             (long long)bid->max_priority_fee, (long long)bid->max_fee);
    }
    if (!chain->london && bid->max_priority_fee != bid->max_fee) {
        return liq_error_set(LIQ_EINVAL,
                             "transaction: an EIP-1559 bid (max fee %lld, priority %lld) on a "
                             "chain before London; legacy bids have both equal",
                             (long long)bid->max_fee, (long long)bid->max_priority_fee);
    }
    return LIQ_OK;
}

int liq_chain_submit(liq_chain_t *chain, const liq_tx_t *tx, int64_t *id)
{
    if (tx->gas <= 0) {
        return liq_error_set(LIQ_EINVAL, "transaction: gas %lld is not positive",
                             (long long)tx->gas);
    }
    if (tx->gas > chain->gas_limit) {
        return liq_error_set(LIQ_EINVAL, "transaction: gas %lld exceeds block gas limit %lld",
                             (long long)tx->gas, (long long)chain->gas_limit);
    }
    if (tx->deadline < tx->submitted) {
        return liq_error_set(LIQ_EINVAL, "transaction: deadline round %lld before submission %lld",
                             (long long)tx->deadline, (long long)tx->submitted);
    }
    int rc = check_bid(chain, &tx->bid);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (chain->n_pending == chain->capacity) {
        rc = chain_grow(chain, chain->n_pending + 1);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    liq_tx_t *slot = &chain->pending[chain->n_pending++];
    *slot = *tx;
    slot->id = chain->next_id++;
    if (id != NULL) {
        *id = slot->id;
    }
    return LIQ_OK;
}

/* floor(x (100 + bump) / 100) + saturation, exact for any int64 x >= 0. */
static int64_t bumped(int64_t x, int64_t bump)
{
    const int64_t factor = 100 + bump;
    const int64_t q = x / 100, r = x % 100;
    if (q > (INT64_MAX - r * factor / 100) / factor) {
        return INT64_MAX;
    }
    return q * factor + r * factor / 100;
}

liq_bid_t liq_bid_min_replacement(const liq_bid_t *last, int64_t price_bump)
{
    /* go-ethereum list.Add: the new fee cap and tip must each be higher than
     * the old and at least old * (100 + bump) / 100. */
    const int64_t bump = price_bump == 0 ? LIQ_DEFAULT_PRICE_BUMP : price_bump;
    liq_bid_t next;
    next.max_fee = bumped(last->max_fee, bump);
    next.max_priority_fee = bumped(last->max_priority_fee, bump);
    if (next.max_fee <= last->max_fee && last->max_fee < INT64_MAX) {
        next.max_fee = last->max_fee + 1;
    }
    if (next.max_priority_fee <= last->max_priority_fee && last->max_priority_fee < INT64_MAX) {
        next.max_priority_fee = last->max_priority_fee + 1;
    }
    return next;
}

int liq_chain_replace(liq_chain_t *chain, int64_t id, const liq_bid_t *bid)
{
    /* Pending is sorted by id: appended in id order, removals keep order. */
    size_t lo = 0, hi = chain->n_pending;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (chain->pending[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == chain->n_pending || chain->pending[lo].id != id) {
        return liq_error_set(LIQ_EINVAL, "transaction %lld is not pending", (long long)id);
    }
    const int rc = check_bid(chain, bid);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_tx_t *tx = &chain->pending[lo];
    const liq_bid_t least = liq_bid_min_replacement(&tx->bid, chain->price_bump);
    if (bid->max_fee < least.max_fee || bid->max_priority_fee < least.max_priority_fee) {
        return liq_error_set(LIQ_EINVAL,
                             "transaction %lld: replacement transaction underpriced (max fee "
                             "%lld, priority %lld; needs at least %lld and %lld)",
                             (long long)id, (long long)bid->max_fee,
                             (long long)bid->max_priority_fee, (long long)least.max_fee,
                             (long long)least.max_priority_fee);
    }
    tx->bid = *bid;
    return LIQ_OK;
}

/* Highest tip first, then lowest id: a total order (ids are unique), so any
 * correct sort gives the same block. */
static int rank_compare(const void *a, const void *b)
{
    const liq_rank_t *x = a, *y = b;
    if (x->tip != y->tip) {
        return x->tip > y->tip ? -1 : 1;
    }
    return (x->id > y->id) - (x->id < y->id);
}

int liq_chain_build_block(liq_chain_t *chain, int64_t round, liq_block_t *block)
{
    if (round < chain->last_round) {
        return liq_error_set(LIQ_EINVAL, "chain: block of round %lld after one of round %lld",
                             (long long)round, (long long)chain->last_round);
    }
    const int64_t base_fee = chain->base_fee;
    const size_t n = chain->n_pending;

    /* Rank what can pay and has not expired. Nothing is changed before the
     * next base fee is known to be computable, so a failure leaves the
     * chain as it was. */
    size_t n_ranked = 0, n_underpriced = 0, n_expired = 0;
    for (size_t i = 0; i < n; i++) {
        const liq_tx_t *tx = &chain->pending[i];
        chain->taken[i] = false;
        if (tx->deadline < round) {
            n_expired++;
            continue;
        }
        const int64_t tip = liq_tx_effective_tip(&tx->bid, base_fee);
        if (tip < 0) {
            n_underpriced++;
            continue;
        }
        chain->rank[n_ranked++] = (liq_rank_t){tip, tx->id, i};
    }
    /* Not with 0: the ranking is NULL until the pool first holds a
     * transaction, and qsort's base must not be NULL (C11 7.22.5). */
    if (n_ranked > 1) {
        qsort(chain->rank, n_ranked, sizeof(*chain->rank), rank_compare);
    }

    /* Fill in rank order; a transaction that does not fit is skipped and the
     * next is tried (go-ethereum miner/worker.go commitTransactions). */
    int64_t room = chain->gas_limit, gas_used = 0, min_tip = -1;
    size_t n_included = 0, n_no_room = 0;
    double builder_fees = 0.0;
    for (size_t k = 0; k < n_ranked; k++) {
        const liq_rank_t *r = &chain->rank[k];
        const liq_tx_t *tx = &chain->pending[r->index];
        if (tx->gas > room) {
            n_no_room++;
            continue;
        }
        room -= tx->gas;
        gas_used += tx->gas;
        chain->taken[r->index] = true;
        chain->out[n_included] = *tx;
        chain->tips[n_included] = r->tip;
        n_included++;
        min_tip = r->tip; /* ranks fall, so the last included is the lowest */
        builder_fees += (double)tx->gas * (double)r->tip * 1e-9;
    }

    int64_t next_base_fee = 0;
    if (chain->london) {
        const int rc = liq_eip1559_next_base_fee(&next_base_fee, base_fee, chain->gas_limit,
                                                 gas_used, &chain->eip1559);
        if (rc != LIQ_OK) {
            return rc;
        }
    }

    /* Compact: dropped after the included in `out`, the rest kept in order. */
    size_t kept = 0, n_dropped = 0;
    for (size_t i = 0; i < n; i++) {
        const liq_tx_t *tx = &chain->pending[i];
        if (tx->deadline < round) {
            chain->out[n_included + n_dropped++] = *tx;
        } else if (!chain->taken[i]) {
            chain->pending[kept++] = *tx;
        }
    }
    assert(n_dropped == n_expired);
    chain->n_pending = kept;
    chain->base_fee = next_base_fee;
    chain->last_round = round;

    *block = (liq_block_t){
        .round = round,
        .base_fee = base_fee,
        .next_base_fee = next_base_fee,
        .gas_used = gas_used,
        .gas_limit = chain->gas_limit,
        .included = chain->out,
        .effective_tip = chain->tips,
        .dropped = chain->out != NULL ? chain->out + n_included : NULL, /* no buffers yet */
        .n_included = n_included,
        .n_dropped = n_dropped,
        .n_pending = kept,
        .n_underpriced = n_underpriced,
        .n_no_room = n_no_room,
        .min_tip = min_tip,
        .clearing_tip = n_no_room > 0 ? min_tip : 0,
        .builder_fees_gwei = builder_fees,
        .burned_gwei = (double)gas_used * (double)base_fee * 1e-9,
    };
    return LIQ_OK;
}

int liq_chain_set_base_fee(liq_chain_t *chain, int64_t base_fee)
{
    if (!chain->london || base_fee < 0) {
        return liq_error_set(
            LIQ_EINVAL, "chain: base fee %lld wei set on %s; expected >= 0 on a London chain",
            (long long)base_fee, chain->london ? "a London chain" : "a legacy chain");
    }
    chain->base_fee = base_fee;
    return LIQ_OK;
}

int64_t liq_chain_base_fee(const liq_chain_t *chain)
{
    return chain->base_fee;
}

const liq_tx_t *liq_chain_pending(const liq_chain_t *chain, size_t *n)
{
    *n = chain->n_pending;
    return chain->pending;
}

size_t liq_chain_allocations(const liq_chain_t *chain)
{
    return chain->allocations;
}

/* ------------------------------------------------------------- bidding */

static int64_t add_saturating(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* The market's price up to the cap (LIQ_BID_CAPPED). */
static liq_bid_t bid_capped(const liq_bid_strategy_t *s, const liq_fee_view_t *view)
{
    const int64_t priority = add_saturating(view->clearing_tip, s->tip);
    if (!view->london) {
        return liq_bid_legacy(min64(s->cap, priority));
    }
    /* ethers v5 getFeeData: maxFeePerGas = 2 baseFee + maxPriorityFeePerGas. */
    const int64_t max_fee =
        min64(s->cap, add_saturating(add_saturating(view->base_fee, view->base_fee), priority));
    return (liq_bid_t){max_fee, min64(priority, max_fee)};
}

liq_bid_t liq_bid_first(const liq_bid_strategy_t *strategy, const liq_fee_view_t *view)
{
    switch (strategy->kind) {
    case LIQ_BID_FIXED:
        return liq_bid_legacy(strategy->price);
    case LIQ_BID_CAPPED:
    case LIQ_BID_ADAPTIVE:
        return bid_capped(strategy, view);
    }
    assert(!"unknown bidding strategy");
    return liq_bid_legacy(0);
}

bool liq_bid_next(liq_bid_t *next, const liq_bid_strategy_t *strategy, const liq_fee_view_t *view,
                  const liq_bid_t *last)
{
    if (strategy->kind != LIQ_BID_ADAPTIVE) {
        return false;
    }
    const liq_bid_t want = bid_capped(strategy, view);
    const liq_bid_t least = liq_bid_min_replacement(last, strategy->price_bump);
    const liq_bid_t bid = {max64(want.max_fee, least.max_fee),
                           max64(want.max_priority_fee, least.max_priority_fee)};
    if (bid.max_fee > strategy->cap) {
        return false;
    }
    *next = bid;
    return true;
}
