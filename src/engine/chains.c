/*
 * Chains and their transactions (issue 13, docs/model-notes.md
 * "Transactions"): the blocks of the declared chains and the liquidations
 * the keepers of protocols on them send as transactions.
 *
 * A round spans market time ((t - 1) dt, t dt]; a chain builds the blocks
 * whose times k block_seconds (k >= 1) fall in it, at the end of the
 * market phase:
 *
 *   1. the price of block space for the block: a given series' price at
 *      the block's time, or a fixed price, becomes the block's base fee
 *      (what a transaction must bid to get in); an EIP-1559 chain keeps its
 *      own base fee, and other users' transactions (background_gas of the
 *      limit, at background_tip) compete with the keepers' for room;
 *   2. liq_chain_build_block includes by effective tip until the gas limit
 *      (model/chain.c), drops what its sender gave up on, and moves the
 *      base fee;
 *   3. an adaptive bidder raises what the block left out.
 *
 * What a round's blocks included runs in that round's margin phase, at its
 * oracle prices: the contract liquidates the account if it is still
 * liquidatable, or the transaction reverts; either way it paid for its gas.
 * Then the keepers choose as they always have (eligible, throughput,
 * capital), with the gas they will pay at today's prices, and send one
 * transaction per chosen account that has none pending; the earliest block
 * that can include it is the next round's. Sends go to the chains after
 * every margin engine, in protocol order, so that the pending pools do not
 * depend on the thread count.
 *
 * Without declared chains nothing here runs and the round is R0's: every
 * liquidation lands in the round that decides it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keepers.h"
#include "engine/margin.h"
#include "liqnet/chain.h"
#include "liqnet/error.h"

#define LIQ_WEI_PER_GWEI 1e9

/* Other users' transactions each block, as this many of equal gas. */
#define LIQ_BACKGROUND_TXS 16

liq_bid_strategy_t liq_tx_strategy(const liq_tx_config_t *tx, double scale)
{
    const double cap = tx->fee_cap * LIQ_WEI_PER_GWEI;
    return (liq_bid_strategy_t){
        .kind = (liq_bid_kind_t)tx->bid,
        .price = llround(tx->gas_price * scale * LIQ_WEI_PER_GWEI),
        .tip = llround(tx->tip * scale * LIQ_WEI_PER_GWEI),
        .cap = isinf(cap) || cap >= 9.2e18 ? INT64_MAX : llround(cap),
        .price_bump = 0,
    };
}

/* The keepers' bidding strategy of protocol p, in wei per gas. */
static liq_bid_strategy_t liq_keeper_strategy(const liq_protocol_config_t *proto)
{
    return liq_tx_strategy(&proto->keeper_tx, 1.0);
}

static liq_fee_view_t liq_fee_view(const struct liq_chains *ch, size_t c)
{
    return (liq_fee_view_t){true, ch->base_fee[c], ch->clearing_tip[c]};
}

liq_fee_view_t liq_chain_fee_view(const struct liq_sim *sim, size_t c)
{
    return liq_fee_view(&sim->chains, c);
}

/* The price of a given series at `seconds` after round 0's time. */
static int64_t liq_series_price(const liq_gas_series_t *s, double seconds)
{
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (s->seconds[mid] <= seconds) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return s->wei[lo];
}

/* The time the series covers: its last point plus the spacing before it. */
static double liq_series_end(const liq_gas_series_t *s)
{
    if (s->n < 2) {
        return INFINITY;
    }
    return s->seconds[s->n - 1] + (s->seconds[s->n - 1] - s->seconds[s->n - 2]);
}

/* ------------------------------------------------------ construction */

static int liq_chains_check(const struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    if (sim->owned != NULL) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: declared chains in a run partitioned over processes: their "
                             "pending transactions are not exchanged yet; run it on one process",
                             sc->name);
    }
    const double run_end = (double)sc->rounds * sc->round_seconds;
    for (size_t c = 0; c < sc->n_chains; c++) {
        const liq_chain_config_t *cfg = &sc->chains[c];
        if (cfg->gas_model == LIQ_GAS_GIVEN && !cfg->gas_after_end &&
            liq_series_end(&cfg->gas_series) < run_end) {
            return liq_error_set(LIQ_EINVAL,
                                 "%s: chains[%zu] (%s): the gas price series from %s ends %.17g s "
                                 "after round 0, before the run's last round at %.17g s; expected "
                                 "a series that covers the run, or gas_price.after_end: hold",
                                 sc->name, c, cfg->name, cfg->gas_file,
                                 liq_series_end(&cfg->gas_series), run_end);
        }
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        if (sc->protocols[p].chain_index >= 0 &&
            sim->accounts.cross_begin[p + 1] > sim->accounts.cross_begin[p]) {
            return liq_error_set(LIQ_EINVAL,
                                 "%s: protocol '%s' on chain '%s' has cross-margin accounts: "
                                 "their liquidations are not transactions yet; expected isolated "
                                 "accounts",
                                 sc->name, sc->protocols[p].name, sc->protocols[p].chain);
        }
    }
    return LIQ_OK;
}

int liq_chains_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_chains *ch = &sim->chains;
    if (sc->n_chains == 0) {
        return LIQ_OK;
    }
    int rc = liq_chains_check(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    const size_t n = sc->n_chains, np = sim->n_protocols;
    ch->chain = liq_calloc(n, sizeof(*ch->chain));
    ch->blocks_built = liq_calloc(n, sizeof(int64_t));
    ch->clearing_tip = liq_calloc(n, sizeof(int64_t));
    ch->base_fee = liq_calloc(n, sizeof(int64_t));
    ch->gas_price_gwei = liq_calloc(n, sizeof(double));
    ch->base_fee_gwei = liq_calloc(n, sizeof(double));
    ch->gas_used = liq_calloc(n, sizeof(double));
    ch->included = liq_calloc(n, sizeof(int64_t));
    ch->pending = liq_calloc(n, sizeof(int64_t));
    ch->dropped = liq_calloc(n, sizeof(int64_t));
    ch->waiting = liq_calloc(sim->accounts.n_accounts, 1);
    ch->inc_offset = liq_calloc(np + 1, sizeof(size_t));
    ch->send_begin = liq_calloc(np, sizeof(size_t));
    ch->send_count = liq_calloc(np, sizeof(size_t));
    ch->gas_paid = liq_calloc(np, sizeof(double));
    ch->reverted = liq_calloc(np, sizeof(int64_t));
    if (!ch->chain || !ch->blocks_built || !ch->clearing_tip || !ch->base_fee ||
        !ch->gas_price_gwei || !ch->base_fee_gwei || !ch->gas_used || !ch->included ||
        !ch->pending || !ch->dropped || !ch->waiting || !ch->inc_offset || !ch->send_begin ||
        !ch->send_count || !ch->gas_paid || !ch->reverted) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu chains", n);
    }
    ch->n = n;
    for (size_t c = 0; c < n; c++) {
        const liq_chain_config_t *cfg = &sc->chains[c];
        int64_t fee = 0;
        switch (cfg->gas_model) {
        case LIQ_GAS_FIXED:
            fee = llround(cfg->gas_price * LIQ_WEI_PER_GWEI);
            break;
        case LIQ_GAS_GIVEN:
            fee = liq_series_price(&cfg->gas_series, 0.0);
            break;
        case LIQ_GAS_EIP1559:
            fee = llround(cfg->initial_base_fee * LIQ_WEI_PER_GWEI);
            break;
        }
        const liq_chain_params_t params = {
            .gas_limit = cfg->gas_limit, .london = true, .initial_base_fee = fee};
        rc = liq_chain_create(&ch->chain[c], &params);
        if (rc != LIQ_OK) {
            return rc;
        }
        ch->base_fee[c] = fee;
        ch->gas_price_gwei[c] = (double)fee / LIQ_WEI_PER_GWEI;
        ch->base_fee_gwei[c] = ch->gas_price_gwei[c];
        ch->gas_used[c] = NAN;
    }
    return LIQ_OK;
}

void liq_chains_destroy(struct liq_chains *ch)
{
    if (ch->chain != NULL) {
        for (size_t c = 0; c < ch->n; c++) {
            liq_chain_destroy(ch->chain[c]);
        }
    }
    void *arrays[] = {ch->chain,          ch->blocks_built,  ch->clearing_tip, ch->base_fee,
                      ch->gas_price_gwei, ch->base_fee_gwei, ch->gas_used,     ch->included,
                      ch->pending,        ch->dropped,       ch->waiting,      ch->inc,
                      ch->inc_offset,     ch->send_begin,    ch->send_count,   ch->gas_paid,
                      ch->reverted};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(ch, 0, sizeof(*ch));
}

/* ------------------------------------------------------------ blocks */

static int liq_inc_push(struct liq_chains *ch, const liq_included_tx_t *tx)
{
    if (ch->n_inc == ch->cap_inc) {
        const size_t cap = ch->cap_inc < 64 ? 64 : 2 * ch->cap_inc;
        liq_included_tx_t *grown = realloc(ch->inc, cap * sizeof(*grown));
        if (grown == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for %zu included transactions", cap);
        }
        ch->inc = grown;
        ch->cap_inc = cap;
    }
    ch->inc[ch->n_inc++] = *tx;
    return LIQ_OK;
}

/* Other users' demand for block `round`'s block on an EIP-1559 chain. */
static int liq_background(struct liq_chain *chain, const liq_chain_config_t *cfg, int64_t round)
{
    const int64_t total = (int64_t)floor(cfg->background_gas * (double)cfg->gas_limit);
    const int64_t each = total / LIQ_BACKGROUND_TXS;
    const int64_t tip = llround(cfg->background_tip * LIQ_WEI_PER_GWEI);
    for (int k = 0; k < LIQ_BACKGROUND_TXS && each > 0; k++) {
        const liq_tx_t tx = {.bid = {INT64_MAX / 2, tip},
                             .gas = each,
                             .submitted = round,
                             .deadline = round,
                             .payload = -1,
                             .sender = -1,
                             .kind = LIQ_TX_OTHER};
        const int rc = liq_chain_submit(chain, &tx, NULL);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* An adaptive bidder raises each of its liquidations the block left out. */
static int liq_rebid(struct liq_sim *sim, size_t c)
{
    struct liq_chains *ch = &sim->chains;
    size_t n = 0;
    const liq_tx_t *pending = liq_chain_pending(ch->chain[c], &n);
    const liq_fee_view_t view = liq_fee_view(ch, c);
    /* Replacing does not reorder the pool: walk a snapshot of ids and bids. */
    for (size_t i = 0; i < n; i++) {
        const liq_tx_t tx = pending[i];
        liq_bid_strategy_t s;
        if (tx.kind == LIQ_TX_LIQUIDATION) {
            s = liq_keeper_strategy(&sim->scenario->protocols[tx.sender]);
        } else if (tx.kind == LIQ_TX_ORACLE_UPDATE) {
            s = liq_tx_strategy(&sim->scenario->oracles[tx.sender].tx, 1.0);
        } else if (tx.kind == LIQ_TX_TOP_UP || tx.kind == LIQ_TX_REPAY) {
            s = liq_borrower_strategy(sim, (size_t)tx.payload);
        } else {
            continue;
        }
        if (s.kind != LIQ_BID_ADAPTIVE) {
            continue;
        }
        if (tx.kind == LIQ_TX_LIQUIDATION &&
            liq_keepers_own_bites(&sim->scenario->protocols[tx.sender])) {
            continue; /* bidders' own bites keep their bids (src/engine/keepers.c) */
        }
        liq_bid_t next;
        if (liq_bid_next(&next, &s, &view, &tx.bid)) {
            const int rc = liq_chain_replace(ch->chain[c], tx.id, &next);
            if (rc != LIQ_OK) {
                return rc;
            }
            pending = liq_chain_pending(ch->chain[c], &n);
        }
    }
    return LIQ_OK;
}

/* Builds one block of chain c at block time `seconds`, in round t. */
static int liq_build(struct liq_sim *sim, size_t c, double seconds, int64_t t, double *gas_used)
{
    struct liq_chains *ch = &sim->chains;
    const liq_chain_config_t *cfg = &sim->scenario->chains[c];
    struct liq_chain *chain = ch->chain[c];
    int rc = LIQ_OK;
    if (cfg->gas_model == LIQ_GAS_GIVEN) {
        rc = liq_chain_set_base_fee(chain, liq_series_price(&cfg->gas_series, seconds));
    } else if (cfg->gas_model == LIQ_GAS_FIXED) {
        rc = liq_chain_set_base_fee(chain, llround(cfg->gas_price * LIQ_WEI_PER_GWEI));
    } else {
        rc = liq_background(chain, cfg, t);
    }
    liq_block_t block;
    if (rc == LIQ_OK) {
        rc = liq_chain_build_block(chain, t, &block);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    for (size_t k = 0; k < block.n_included; k++) {
        const liq_tx_t *tx = &block.included[k];
        if (tx->kind == LIQ_TX_AUCTION_BID) {
            rc = liq_flip_block_call(sim, tx->payload, block.base_fee + block.effective_tip[k], 0);
            if (rc != LIQ_OK) {
                return rc;
            }
            continue;
        }
        if (tx->kind == LIQ_TX_ORACLE_UPDATE) {
            liq_oracle_tx_block(sim, tx, (int64_t)floor(seconds), 0);
            continue;
        }
        if (tx->kind == LIQ_TX_TOP_UP || tx->kind == LIQ_TX_REPAY) {
            rc = liq_borrowers_block(sim, tx, block.base_fee + block.effective_tip[k], 0);
            if (rc != LIQ_OK) {
                return rc;
            }
            continue;
        }
        if (tx->kind != LIQ_TX_LIQUIDATION) {
            continue;
        }
        const liq_included_tx_t inc = {(size_t)tx->payload, block.base_fee + block.effective_tip[k],
                                       tx->sender};
        sim->chains.waiting[inc.account] = 0;
        liq_borrowers_note_liquidation(sim, inc.account);
        ch->included[c]++;
        rc = liq_inc_push(ch, &inc);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    for (size_t k = 0; k < block.n_dropped; k++) {
        const liq_tx_t *tx = &block.dropped[k];
        if (tx->kind == LIQ_TX_LIQUIDATION) {
            sim->chains.waiting[tx->payload] = 0;
            ch->dropped[c]++;
        } else if (tx->kind == LIQ_TX_AUCTION_BID) {
            rc = liq_flip_block_call(sim, tx->payload, 0, 1);
        } else if (tx->kind == LIQ_TX_ORACLE_UPDATE) {
            liq_oracle_tx_block(sim, tx, (int64_t)floor(seconds), 1);
        } else if (tx->kind == LIQ_TX_TOP_UP || tx->kind == LIQ_TX_REPAY) {
            rc = liq_borrowers_block(sim, tx, 0, 1);
        }
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    ch->base_fee[c] = liq_chain_base_fee(chain);
    ch->clearing_tip[c] = block.clearing_tip;
    ch->base_fee_gwei[c] = (double)block.base_fee / LIQ_WEI_PER_GWEI;
    ch->gas_price_gwei[c] = (double)(block.base_fee + block.clearing_tip) / LIQ_WEI_PER_GWEI;
    *gas_used += (double)block.gas_used / (double)block.gas_limit;
    return liq_rebid(sim, c);
}

/* The included liquidations, grouped by protocol in block order (a stable
 * counting sort of the round's list). */
static int liq_group_included(struct liq_sim *sim)
{
    struct liq_chains *ch = &sim->chains;
    const size_t np = sim->n_protocols;
    memset(ch->inc_offset, 0, (np + 1) * sizeof(size_t));
    for (size_t k = 0; k < ch->n_inc; k++) {
        ch->inc_offset[ch->inc[k].protocol + 1]++;
    }
    for (size_t p = 0; p < np; p++) {
        ch->inc_offset[p + 1] += ch->inc_offset[p];
    }
    if (ch->n_inc == 0) {
        return LIQ_OK;
    }
    liq_included_tx_t *sorted = liq_arena_alloc(&sim->arena, ch->n_inc * sizeof(*sorted));
    size_t *next = liq_arena_alloc(&sim->arena, np * sizeof(*next));
    if (sorted == NULL || next == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu included transactions", ch->n_inc);
    }
    memcpy(next, ch->inc_offset, np * sizeof(*next));
    for (size_t k = 0; k < ch->n_inc; k++) {
        sorted[next[ch->inc[k].protocol]++] = ch->inc[k];
    }
    memcpy(ch->inc, sorted, ch->n_inc * sizeof(*sorted));
    return LIQ_OK;
}

int liq_chains_blocks(struct liq_sim *sim)
{
    struct liq_chains *ch = &sim->chains;
    if (ch->n == 0) {
        return LIQ_OK;
    }
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const double round_end = (double)t * sc->round_seconds;
    ch->n_inc = 0;
    sim->flip.n_inc = 0;
    for (size_t c = 0; c < ch->n; c++) {
        const liq_chain_config_t *cfg = &sc->chains[c];
        ch->included[c] = 0;
        ch->dropped[c] = 0;
        double used = 0.0;
        int64_t blocks = 0;
        /* Block k is at k block_seconds; k (block_seconds) <= round_end is
         * tested on the product, as the series lookup uses it. */
        while ((double)(ch->blocks_built[c] + 1) * cfg->block_seconds <= round_end) {
            const double at = (double)(ch->blocks_built[c] + 1) * cfg->block_seconds;
            const int rc = liq_build(sim, c, at, t, &used);
            if (rc != LIQ_OK) {
                return rc;
            }
            ch->blocks_built[c]++;
            blocks++;
        }
        ch->gas_used[c] = blocks > 0 ? used / (double)blocks : (double)NAN;
        size_t n = 0;
        const liq_tx_t *pending = liq_chain_pending(ch->chain[c], &n);
        ch->pending[c] = 0;
        for (size_t i = 0; i < n; i++) {
            ch->pending[c] += pending[i].kind == LIQ_TX_LIQUIDATION;
        }
    }
    int rc = liq_group_included(sim);
    if (rc == LIQ_OK && sim->flip.enabled) {
        rc = liq_flip_group(sim);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    /* What a liquidation costs the keepers this round: the gas they will
     * pay at their first bid, in USD at the gas asset's reference price. */
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const liq_protocol_config_t *proto = &sc->protocols[p];
        if (proto->chain_index < 0) {
            continue;
        }
        const size_t c = (size_t)proto->chain_index;
        const liq_bid_strategy_t s = liq_keeper_strategy(proto);
        const liq_fee_view_t view = liq_fee_view(ch, c);
        const liq_bid_t bid = liq_bid_first(&s, &view);
        const int64_t priority = bid.max_priority_fee;
        const int64_t fee =
            bid.max_fee - view.base_fee < priority ? bid.max_fee : view.base_fee + priority;
        const double usd = sim->market.reference_price[sc->chains[c].gas_asset];
        sim->risk.gas_now[p] = (double)proto->keeper_tx.gas * (double)fee * 1e-18 * usd;
    }
    return LIQ_OK;
}

/* --------------------------------------------------- the margin phase */

/* Protocol p's included liquidations: each liquidates its account at this
 * round's prices if it is still liquidatable, or reverts; the account's
 * market sums and the protocol's value sums run in block order. */
static size_t liq_execute_included(struct liq_sim *sim, size_t p, double *repaid_value,
                                   double *seized_value, double *bad_value)
{
    struct liq_chains *ch = &sim->chains;
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const double usd =
        sim->market.reference_price[sim->scenario->chains[proto->chain_index].gas_asset];
    size_t done = 0;
    ch->gas_paid[p] = 0.0;
    ch->reverted[p] = 0;
    for (size_t k = ch->inc_offset[p]; k < ch->inc_offset[p + 1]; k++) {
        const liq_included_tx_t *tx = &ch->inc[k];
        const double gas = (double)proto->keeper_tx.gas * (double)tx->fee_wei * 1e-18 * usd;
        ch->gas_paid[p] += gas;
        const size_t i = tx->account;
        const size_t m = liq_market_of(sim, p, i);
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        const liq_market_terms_t *terms = &sim->books.market_terms[m];
        const double c = sim->accounts.collateral[i], d = sim->accounts.debt[i];
        if (!liq_is_liquidatable(c, d, pc, pd, terms->liquidation_threshold)) {
            ch->reverted[p]++;
            continue;
        }
        if (proto->liquidation.mode == LIQ_LIQUIDATION_ENGLISH) {
            /* Cat.bite: an auction of up to lump (src/engine/flip.c). */
            if (!liq_flip_bite(sim, p, m, i, repaid_value, seized_value)) {
                continue;
            }
            liq_events_last_gas(sim, p, gas); /* the bite's row: its transaction's gas */
            ch->waiting[i] = 2;
            done++;
            continue;
        }
        const liq_candidate_t q = {i, liq_health(c, d, pc, pd, terms->liquidation_threshold)};
        liq_liquidation_event_t *event = liq_events_reserve_liquidations(sim, p, 1);
        liq_apply_one(sim, m, &q, pc, pd, &sim->books.market_seized[m],
                      &sim->books.market_collateral[m], &sim->books.market_debt[m], repaid_value,
                      seized_value, bad_value, event);
        if (event != NULL) {
            event->gas_paid = gas; /* the transaction's, not the round's estimate */
        }
        liq_index_note(sim, m, i - sim->accounts.market_begin[m]);
        ch->waiting[i] = 2; /* liquidated now: not sent again this round */
        done++;
    }
    return done;
}

void liq_protocol_transact(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    struct liq_chains *ch = &sim->chains;
    for (size_t m = sim->books.market_offset[p]; m < sim->books.market_offset[p + 1]; m++) {
        sim->books.market_seized[m] = 0.0;
    }
    const bool english = sim->scenario->protocols[p].liquidation.mode == LIQ_LIQUIDATION_ENGLISH;
    if (english) {
        liq_flip_begin(sim, p);
    }
    double repaid_value = 0.0, seized_value = 0.0, bad_value = 0.0;
    const size_t done = liq_execute_included(sim, p, &repaid_value, &seized_value, &bad_value);

    /* The keepers choose among the candidates found at the start of the
     * phase, and send for those with nothing pending and untouched by this
     * round's liquidations (their health was found before them). */
    const size_t n_selected = liq_protocol_select(sim, p, begin, end);
    size_t *rank = sim->margin.rank + begin;
    size_t n_send = 0;
    for (size_t j = 0; j < n_selected; j++) {
        const size_t i = sim->margin.candidates[rank[j]].account;
        if (!ch->waiting[i]) {
            rank[n_send++] = rank[j];
        }
    }
    ch->send_begin[p] = begin;
    ch->send_count[p] = n_send;
    if (english) {
        /* The included bids, then the bidders' new calls (src/engine/flip.c). */
        bad_value += liq_flip_step(sim, p);
    }
    /* Stalled: the candidates found, less those a block liquidated now. */
    const size_t found = end - begin;
    liq_protocol_book(sim, p, found > done ? found : done, done, repaid_value, seized_value,
                      bad_value);
}

int liq_chains_send(struct liq_sim *sim)
{
    struct liq_chains *ch = &sim->chains;
    if (ch->n == 0) {
        return LIQ_OK;
    }
    const liq_scenario_t *sc = sim->scenario;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const liq_protocol_config_t *proto = &sc->protocols[p];
        if (proto->chain_index < 0) {
            continue;
        }
        const size_t c = (size_t)proto->chain_index;
        const liq_bid_strategy_t s = liq_keeper_strategy(proto);
        const liq_fee_view_t view = liq_fee_view(ch, c);
        const liq_bid_t bid = liq_bid_first(&s, &view);
        const size_t *rank = sim->margin.rank + ch->send_begin[p];
        for (size_t j = 0; j < ch->send_count[p]; j++) {
            const size_t i = sim->margin.candidates[rank[j]].account;
            /* A liquidation waits out its deadline, then is dropped from
             * the first block after it. */
            const liq_tx_t tx = {.bid = bid,
                                 .gas = proto->keeper_tx.gas,
                                 .submitted = sim->round,
                                 .deadline = sim->round + proto->keeper_tx.deadline,
                                 .payload = (int64_t)i,
                                 .sender = (int32_t)p,
                                 .kind = LIQ_TX_LIQUIDATION};
            const int rc = liq_keepers_bite(sim, p, ch->chain[c], &tx);
            if (rc != LIQ_OK) {
                return rc;
            }
            ch->waiting[i] = 1;
        }
        ch->send_count[p] = 0;
        if (proto->liquidation.mode == LIQ_LIQUIDATION_ENGLISH) {
            const int rc = liq_flip_send(sim, p, ch->chain[c], &bid);
            if (rc != LIQ_OK) {
                return rc;
            }
        }
    }
    for (size_t k = 0; k < ch->n_inc; k++) {
        if (ch->waiting[ch->inc[k].account] == 2) {
            ch->waiting[ch->inc[k].account] = 0;
        }
    }
    return LIQ_OK;
}
