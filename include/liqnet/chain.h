/*
 * Chains as fee markets (issue 13): the EIP-1559 base-fee rule, the
 * transaction record, a chain's pending pool and its block builder, and the
 * bidding strategies of the senders.
 *
 * Sources. EIP-1559 (github.com/ethereum/EIPS, EIPS/eip-1559.md, status
 * Final): the base-fee update, the effective priority fee and the
 * normalisation of legacy transactions. go-ethereum (ethereum/go-ethereum
 * 02b73d4e): consensus/misc/eip1559/eip1559.go (CalcBaseFee), miner/worker.go
 * (commitTransactions: a transaction that does not fit is skipped and
 * filling goes on), core/txpool/txorder/ordering.go (highest effective tip
 * first, ties by the time first seen), core/txpool/legacypool/list.go
 * (replacement needs both fees raised by PriceBump = 10%). ethers
 * (ethers-io/ethers.js v5.8.0 packages/abstract-provider/src.ts/index.ts
 * and 98c49d09 src.ts/providers/abstract-provider.ts, getFeeData): the
 * wallet default max fee, 2 x base fee + priority fee.
 *
 * Units. Gas in gas units; every fee is in wei per gas as an int64_t, so
 * that fees compare and tie exactly and the base fee follows the chain's
 * integer rule bit for bit (int64 holds 9.2 ETH per gas, far above any fee
 * seen). A real-valued variant of the base-fee rule is given for analyses
 * in other units (gwei). No global state: a chain is an object, and the
 * functions without one are pure.
 */
#ifndef LIQNET_CHAIN_H
#define LIQNET_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ EIP-1559 */

/* EIP-1559's constants (EIP text; go-ethereum params/protocol_params.go). */
#define LIQ_EIP1559_ELASTICITY_MULTIPLIER 2
#define LIQ_EIP1559_MAX_CHANGE_DENOMINATOR 8
#define LIQ_EIP1559_INITIAL_BASE_FEE INT64_C(1000000000) /* 1 gwei, London's first block */

/* The largest gas limit the integer rule accepts: 2^31 keeps every product
 * of liq_eip1559_next_base_fee inside int64 (mainnet's limit is 3.6e7). */
#define LIQ_EIP1559_MAX_GAS_LIMIT (INT64_C(1) << 31)

/* The two parameters of the rule; mainnet is {2, 8}. Rollups change them
 * (OP Stack chains use an elasticity of 6). */
typedef struct {
    int64_t elasticity_multiplier;  /* gas target = gas limit / this, >= 1 */
    int64_t max_change_denominator; /* the base fee moves by at most 1/this, >= 1 */
} liq_eip1559_params_t;

/*
 * The base fee of the block after a parent block with base fee `base_fee`
 * (wei per gas), gas limit `gas_limit` and gas used `gas_used`, exactly as
 * EIP-1559 and go-ethereum's CalcBaseFee compute it in integers:
 * target = gas_limit / E (integer division); equal use keeps the fee;
 * above the target the fee rises by max(1, base_fee * (used - target) /
 * target / D) (each division rounding down), below it falls by
 * base_fee * (target - used) / target / D. `params` NULL means mainnet's
 * {2, 8}. Writes *next and returns LIQ_OK, or LIQ_EINVAL (negative fee, a
 * gas limit outside [E, LIQ_EIP1559_MAX_GAS_LIMIT], gas used outside
 * [0, gas_limit], parameters below 1) or LIQ_ENUMERIC (the fee would pass
 * INT64_MAX), with a message. O(1), no allocation.
 */
LIQ_API int liq_eip1559_next_base_fee(int64_t *next, int64_t base_fee, int64_t gas_limit,
                                      int64_t gas_used, const liq_eip1559_params_t *params);

/*
 * The same rule in real arithmetic, in any unit of fee (gwei, USD per gas):
 * base_fee (1 + (gas_used - target) / (target D)) with target =
 * gas_limit / E undivided. It omits the integer rule's rounding down and its
 * 1-wei minimum increase, so it drifts from the chain by less than a wei per
 * block (a relative 1e-9 at 1 gwei): for analyses and plots; a simulated
 * chain keeps its base fee with the integer rule. Requires base_fee >= 0,
 * 0 <= gas_used <= gas_limit, gas_limit > 0 (asserted). O(1).
 */
LIQ_API double liq_eip1559_next_base_fee_real(double base_fee, double gas_limit, double gas_used,
                                              const liq_eip1559_params_t *params);

/* -------------------------------------------------------- transactions */

/* What a transaction does; the chain never looks at it, the engine does. */
typedef enum {
    LIQ_TX_OTHER = 0,
    LIQ_TX_LIQUIDATION = 1,   /* a keeper's liquidation call */
    LIQ_TX_AUCTION_BID = 2,   /* kick, tend, dent, take, deal of an auction */
    LIQ_TX_ORACLE_UPDATE = 3, /* a push, or a poke of a delayed feed (OSM) */
    LIQ_TX_ARBITRAGE = 4,
    LIQ_TX_TOP_UP = 5, /* a borrower adds collateral */
    LIQ_TX_REPAY = 6,  /* a borrower repays debt */
    LIQ_TX_FLASH_LOAN = 7,
    LIQ_TX_BRIDGE = 8
} liq_tx_kind_t;

/* A bid for block space, wei per gas. EIP-1559 transactions give both
 * fields, max_priority_fee <= max_fee; a legacy transaction with gas price
 * p is {p, p}, EIP-1559's own normalisation of legacy transactions. */
typedef struct {
    int64_t max_fee;          /* the most paid per gas, base fee included, >= 0 */
    int64_t max_priority_fee; /* the most paid per gas to the block's builder, >= 0 */
} liq_bid_t;

/* A legacy bid of gas price `gas_price` (wei per gas): {gas_price, gas_price}. O(1). */
LIQ_API liq_bid_t liq_bid_legacy(int64_t gas_price);

/*
 * A transaction, 64 bytes. Each one is independent: the model has no nonces,
 * as if every transaction came from its own account (go-ethereum orders one
 * account's transactions by nonce, so one underpriced transaction holds up
 * the account's later ones; senders here are not held up that way).
 */
typedef struct {
    liq_bid_t bid;     /* 16 B: fees, wei per gas */
    int64_t gas;       /* 8 B: gas used once included, in (0, block gas limit] */
    int64_t submitted; /* 8 B: round of submission */
    int64_t deadline;  /* 8 B: last round it may be included in; >= submitted. The
                          sender drops it from the first block after that round. */
    int64_t payload;   /* 8 B: the engine's id of what it does (an auction, an account) */
    int64_t id;        /* 8 B: set by liq_chain_submit: 0, 1, 2, ... in submission order */
    int32_t sender;    /* 4 B: who sent it (a keeper, an oracle, a borrower) */
    int32_t kind;      /* 4 B: a liq_tx_kind_t */
} liq_tx_t;

/*
 * The priority fee a transaction pays per gas in a block of base fee
 * `base_fee`: min(max_priority_fee, max_fee - base_fee) (EIP-1559), or -1
 * when max_fee < base_fee (it cannot be included). Wei per gas; O(1).
 */
LIQ_API int64_t liq_tx_effective_tip(const liq_bid_t *bid, int64_t base_fee);

/* ------------------------------------------------------------ a chain */

/* How a chain prices block space. */
typedef struct {
    int64_t gas_limit;            /* block gas limit, gas, in [E, LIQ_EIP1559_MAX_GAS_LIMIT] */
    bool london;                  /* true: EIP-1559 base fee; false: legacy first-price blocks */
    int64_t initial_base_fee;     /* london: base fee of the first block, wei per gas, >= 0 */
    liq_eip1559_params_t eip1559; /* london: {0, 0} means mainnet's {2, 8} */
    int64_t price_bump; /* percent a replacement must raise both fees by; 0 means geth's 10 */
} liq_chain_params_t;

/* One built block, as liq_chain_build_block leaves it. The arrays belong to
 * the chain and stay valid until its next submit, replace, build or destroy. */
typedef struct {
    int64_t round;         /* the round it was built in */
    int64_t base_fee;      /* of this block, wei per gas (0 before London) */
    int64_t next_base_fee; /* of the next block, by EIP-1559 from this one */
    int64_t gas_used;      /* sum of the included transactions' gas */
    int64_t gas_limit;
    const liq_tx_t *included;     /* [n_included] in block order */
    const int64_t *effective_tip; /* [n_included] priority fee paid, wei per gas */
    const liq_tx_t *dropped;      /* [n_dropped] past their deadline, in submission order */
    size_t n_included;
    size_t n_dropped;
    size_t n_pending;     /* left waiting after this block */
    size_t n_underpriced; /* of those, max fee below this block's base fee */
    size_t n_no_room;     /* of those, could pay but did not fit (skipped) */
    int64_t min_tip;      /* lowest effective tip included, -1 if the block is empty */
    /* What a sender can infer from this block about the price of getting in:
     * min_tip when transactions that could pay were left out for room, else
     * 0 (anything covering the base fee got in). */
    int64_t clearing_tip;
    double builder_fees_gwei; /* sum of gas x effective tip, gwei (1e-9 wei), in block order */
    double burned_gwei;       /* gas_used x base_fee, gwei */
} liq_block_t;

typedef struct liq_chain liq_chain_t;

/*
 * Creates a chain with an empty pending pool. Its buffers grow (doubling)
 * when the pool outgrows them and never shrink, so a chain in steady state
 * allocates nothing. Returns LIQ_OK, LIQ_EINVAL for bad parameters or
 * LIQ_ENOMEM, with a message; *out is NULL on failure. Release with
 * liq_chain_destroy. O(1).
 */
LIQ_API int liq_chain_create(liq_chain_t **out, const liq_chain_params_t *params);

/* Releases a chain; NULL is allowed. */
LIQ_API void liq_chain_destroy(liq_chain_t *chain);

/*
 * Grows the chain's buffers to hold `n` pending transactions now, so that
 * the rounds that follow allocate nothing. Returns LIQ_OK or LIQ_ENOMEM. O(n).
 */
LIQ_API int liq_chain_reserve(liq_chain_t *chain, size_t n);

/*
 * Adds a copy of `tx` to the pending pool and gives it the next id (also
 * written to *id when not NULL). Submission order is the tie-break of block
 * building, so a parallel engine must submit in a fixed order (a serial
 * merge). Refused with LIQ_EINVAL and go-ethereum's words: gas <= 0 or above
 * the block gas limit ("exceeds block gas limit"), a negative fee, a
 * priority fee above the max fee ("max priority fee per gas higher than max
 * fee per gas"), a deadline before the submission round, an EIP-1559 bid
 * (priority fee != max fee) on a chain before London. LIQ_ENOMEM when the
 * pool cannot grow. Amortised O(1).
 */
LIQ_API int liq_chain_submit(liq_chain_t *chain, const liq_tx_t *tx, int64_t *id);

/*
 * Replaces the bid of pending transaction `id` (a resubmission with the same
 * nonce), keeping its place in submission order. Accepted only as
 * go-ethereum's pool accepts it: both fees strictly higher and each at least
 * old x (100 + price_bump) / 100 (rounded down); otherwise LIQ_EINVAL
 * "replacement transaction underpriced". LIQ_EINVAL also when `id` is not
 * pending (included or dropped) or the bid is malformed as in submit.
 * O(log n).
 */
LIQ_API int liq_chain_replace(liq_chain_t *chain, int64_t id, const liq_bid_t *bid);

/*
 * Builds the block of round `round` from the pending pool:
 * 1. transactions whose deadline is before `round` are dropped (the sender
 *    gave up on them) and listed in block->dropped;
 * 2. of the rest, those with max fee >= the base fee are ranked by
 *    effective tip, highest first, ties by submission order (go-ethereum's
 *    txByPriceAndTime); before London the tip is the gas price;
 * 3. in that order each is included if its gas fits in what is left of the
 *    gas limit; one that does not fit is skipped and filling goes on with
 *    the next (go-ethereum's commitTransactions pops it and continues; it
 *    also stops once less than 21,000 gas, params.TxGas, is left, which
 *    changes nothing when every transaction uses at least that);
 * 4. the rest wait; the base fee of the next block follows EIP-1559.
 * `round` must not be before the previous block's (LIQ_EINVAL). Writes
 * *block (arrays owned by the chain). O(n log n) in pending transactions,
 * no allocation once the buffers have grown to the pool (LIQ_ENOMEM
 * otherwise); deterministic: the result depends only on the submissions.
 */
LIQ_API int liq_chain_build_block(liq_chain_t *chain, int64_t round, liq_block_t *block);

/*
 * Sets the base fee of the next block, wei per gas (>= 0), on a London
 * chain whose price of block space is set from outside (a fixed price, a
 * series of observed prices) rather than by its own blocks: the next
 * liq_chain_build_block includes what bids at least that. LIQ_EINVAL for a
 * negative fee or a chain before London. O(1).
 */
LIQ_API int liq_chain_set_base_fee(liq_chain_t *chain, int64_t base_fee);

/* Base fee of the next block to be built, wei per gas (0 before London). O(1). */
LIQ_API int64_t liq_chain_base_fee(const liq_chain_t *chain);

/* The pending pool in submission order ([*n] transactions; valid until the
 * chain's next submit, replace, build or destroy). O(1). */
LIQ_API const liq_tx_t *liq_chain_pending(const liq_chain_t *chain, size_t *n);

/* How many times the chain has (re)allocated a buffer since its creation:
 * flat in steady state (what tests and benchmarks check). O(1). */
LIQ_API size_t liq_chain_allocations(const liq_chain_t *chain);

/* ------------------------------------------------------------- bidding */

/* What a sender sees of the fee market before it bids: the last block. */
typedef struct {
    bool london;          /* the chain has a base fee */
    int64_t base_fee;     /* of the next block (its block header gives it), wei per gas */
    int64_t clearing_tip; /* liq_block_t.clearing_tip of the last block */
} liq_fee_view_t;

typedef enum {
    /* A fixed gas price: {price, price} every time, never raised. MakerDAO's
     * 2020 keepers (pymaker FixedGasPrice) bid so. */
    LIQ_BID_FIXED = 0,
    /* The market's price up to a cap, once: priority fee p = clearing_tip +
     * tip; London: max fee min(cap, 2 base_fee + p) (the wallet default of
     * ethers v5 getFeeData: maxFeePerGas = 2 baseFee + maxPriorityFeePerGas),
     * priority min(p, max fee); legacy: gas price min(cap, p). Never raised. */
    LIQ_BID_CAPPED = 1,
    /* Starts as CAPPED; after each block that left it out, resubmits at the
     * larger of the market's price (as CAPPED computes it now) and the
     * smallest replacement go-ethereum accepts (both fees + price_bump %,
     * and + 1 wei), fieldwise; stays put once the cap forbids that. */
    LIQ_BID_ADAPTIVE = 2
} liq_bid_kind_t;

typedef struct {
    liq_bid_kind_t kind;
    int64_t price;      /* FIXED: gas price, wei per gas, >= 0 */
    int64_t tip;        /* CAPPED, ADAPTIVE: wei per gas over the clearing tip, >= 0 */
    int64_t cap;        /* CAPPED, ADAPTIVE: most paid per gas in all, >= 0 */
    int64_t price_bump; /* ADAPTIVE: the chain's replacement bump, percent; 0 means 10 */
} liq_bid_strategy_t;

/* A sender's first bid under `strategy`, given what it sees. Pure, O(1).
 * Sums saturate at INT64_MAX instead of overflowing. */
LIQ_API liq_bid_t liq_bid_first(const liq_bid_strategy_t *strategy, const liq_fee_view_t *view);

/*
 * After a block that left the sender's pending bid `last` out: true and the
 * replacement in *next when the strategy raises it (a bid that
 * liq_chain_replace accepts), false to keep waiting with `last`. FIXED and
 * CAPPED always wait. Pure, O(1).
 */
LIQ_API bool liq_bid_next(liq_bid_t *next, const liq_bid_strategy_t *strategy,
                          const liq_fee_view_t *view, const liq_bid_t *last);

/* The smallest bid go-ethereum accepts to replace `last` with a bump of
 * `price_bump` percent: each fee max(old + 1, old (100 + bump) / 100).
 * Saturates at INT64_MAX. O(1). */
LIQ_API liq_bid_t liq_bid_min_replacement(const liq_bid_t *last, int64_t price_bump);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_CHAIN_H */
