/*
 * Borrowers who act (issue 13 item 3; docs/model-notes.md "Borrowers who
 * act"): a share of a generator's accounts watch their health and, when it
 * falls below their trigger, add collateral or repay debt back to a target
 * health with their own capital, after a latency, and on a declared chain
 * by a transaction that must get into a block before the keepers'
 * liquidation does.
 *
 * Who acts is drawn once, with the counter-based RNG: account k of
 * generator g acts when u < share, (u, Z) the draws of counter (stream
 * LIQ_STREAM_BORROWER | g, entity 0, index k); its gas bid is the
 * transaction's price (fixed) or tip (capped, adaptive) times exp(sigma Z).
 * Its capital is `capital` x V, V its collateral value at round-0 oracle
 * prices, spent at the prices of the round each action lands.
 *
 * The round, all in account order and on one thread (so the results do not
 * depend on the thread count), at the start of the margin phase:
 *   1. on a chain, the calls this round's blocks included run (in block
 *      order) and the dropped ones fail; without one, nothing yet;
 *   2. every idle acting account with debt whose health at this round's
 *      oracle prices is below its trigger decides its action: a top-up of
 *      target d O_b / (O_a LT) - c collateral units, or a repayment of
 *      d - c O_a LT / (target O_b) debt units, each at most what its
 *      capital buys at these prices; it sends (on a chain) or lands
 *      (without one) `latency` rounds later;
 *   3. without a chain, the decisions due this round land.
 * A landing fails, and the capital stays unspent, when the account's debt
 * is below its debt at the decision: a liquidation came first. A call that
 * lands raises c (or lowers d) and the market's totals, and notes the
 * account in the liquidation-price index (price_index.c), before the
 * margin engines look for liquidatable accounts. On a chain the calls run
 * before the keepers' liquidations of the same round, as if they led the
 * block, except that one included after a liquidation of its account in
 * the round's blocks (earlier in the block, or in an earlier block) fails:
 * the keeper got there first.
 *
 * Sends go to the chain after the keepers' (liq_chains_send), in protocol
 * then account order; the earliest block that can include one is the next
 * round's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/events.h"
#include "engine/margin.h"
#include "liqnet/error.h"

enum { LIQ_BORROWER_IDLE = 0, LIQ_BORROWER_DECIDED = 1, LIQ_BORROWER_SENT = 2 };

#define LIQ_WEI_TO_ETH 1e-18

static int liq_borrowers_alloc(struct liq_sim *sim, size_t n_ranges)
{
    struct liq_borrowers *b = &sim->borrowers;
    const size_t n = sim->accounts.n_accounts, np = sim->n_protocols;
    b->generator = liq_calloc(n, sizeof(int32_t));
    b->scale = liq_calloc(n, sizeof(double));
    b->capital = liq_calloc(n, sizeof(double));
    b->amount = liq_calloc(n, sizeof(double));
    b->debt_at = liq_calloc(n, sizeof(double));
    b->ready = liq_calloc(n, sizeof(int64_t));
    b->state = liq_calloc(n, 1);
    b->liquidated = liq_calloc(n, sizeof(int64_t));
    b->range_begin = liq_calloc(n_ranges, sizeof(size_t));
    b->range_end = liq_calloc(n_ranges, sizeof(size_t));
    b->range_market = liq_calloc(n_ranges, sizeof(size_t));
    b->included = liq_calloc(np, sizeof(int64_t));
    b->failed = liq_calloc(np, sizeof(int64_t));
    b->included_value = liq_calloc(np, sizeof(double));
    b->failed_value = liq_calloc(np, sizeof(double));
    b->gas_paid = liq_calloc(np, sizeof(double));
    if (!b->generator || !b->scale || !b->capital || !b->amount || !b->debt_at || !b->ready ||
        !b->state || !b->liquidated || !b->range_begin || !b->range_end || !b->range_market ||
        !b->included || !b->failed || !b->included_value || !b->failed_value || !b->gas_paid) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the borrowers of %zu accounts", n);
    }
    return LIQ_OK;
}

/* The draws of acting generator g's accounts [slot, slot + count). */
static void liq_borrowers_draw(struct liq_sim *sim, size_t g, size_t slot, size_t m)
{
    const liq_account_generator_t *gen = &sim->scenario->generators[g];
    const liq_borrowers_config_t *cfg = &gen->borrowers;
    struct liq_borrowers *b = &sim->borrowers;
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    (void)pd;
    for (size_t k = 0; k < (size_t)gen->count; k++) {
        const size_t i = slot + k;
        double z[2], u[2];
        liq_rng_normal2(sim->key, LIQ_STREAM_BORROWER | gen->stream, 0, (uint64_t)k, z, u);
        b->generator[i] = u[0] < cfg->share ? (int32_t)g : -1;
        b->scale[i] = exp(cfg->gas_spread * z[0]);
        b->capital[i] = cfg->capital * sim->accounts.collateral[i] * pc;
    }
}

int liq_borrowers_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    size_t n_ranges = 0;
    for (size_t g = 0; g < sc->n_generators; g++) {
        n_ranges += sc->generators[g].has_borrowers;
    }
    if (n_ranges == 0) {
        return LIQ_OK;
    }
    if (sim->owned != NULL) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: borrowers who act in a run partitioned over processes: their "
                             "actions are not exchanged yet; run it on one process",
                             sc->name);
    }
    int rc = liq_borrowers_alloc(sim, n_ranges);
    if (rc != LIQ_OK) {
        return rc;
    }
    struct liq_borrowers *b = &sim->borrowers;
    for (size_t i = 0; i < sim->accounts.n_accounts; i++) {
        b->generator[i] = -1;
        b->liquidated[i] = -1;
    }
    /* Generated isolated accounts fill each market from its start, in
     * generator order (src/engine/accounts.c), before file positions. */
    size_t *cursor = liq_calloc(sim->n_markets, sizeof(size_t));
    if (cursor == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the borrowers");
    }
    memcpy(cursor, sim->accounts.market_begin, sim->n_markets * sizeof(size_t));
    for (size_t g = 0; g < sc->n_generators; g++) {
        const liq_account_generator_t *gen = &sc->generators[g];
        if (gen->margin == LIQ_MARGIN_CROSS ||
            sc->protocols[gen->protocol].kind == LIQ_PROTOCOL_PERP) {
            continue;
        }
        const size_t m = sim->books.market_offset[gen->protocol] + (size_t)gen->market;
        if (gen->has_borrowers) {
            b->range_begin[b->n_ranges] = cursor[m];
            b->range_end[b->n_ranges] = cursor[m] + (size_t)gen->count;
            b->range_market[b->n_ranges] = m;
            b->n_ranges++;
            liq_borrowers_draw(sim, g, cursor[m], m);
        }
        cursor[m] += (size_t)gen->count;
    }
    free(cursor);
    b->enabled = 1;
    return LIQ_OK;
}

void liq_borrowers_destroy(struct liq_borrowers *b)
{
    void *arrays[] = {
        b->generator,      b->scale,        b->capital,   b->amount,       b->debt_at,   b->ready,
        b->state,          b->range_begin,  b->range_end, b->range_market, b->included,  b->failed,
        b->included_value, b->failed_value, b->gas_paid,  b->txs,          b->liquidated};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------ the round */

static const liq_borrowers_config_t *liq_rules(const struct liq_sim *sim, size_t i)
{
    return &sim->scenario->generators[sim->borrowers.generator[i]].borrowers;
}

/* Account i's decided action lands (included != 0, and no liquidation came
 * first) or fails; gas_paid is USD. */
static int liq_land(struct liq_sim *sim, size_t i, int included, double gas_paid)
{
    struct liq_borrowers *b = &sim->borrowers;
    const liq_borrowers_config_t *cfg = liq_rules(sim, i);
    const size_t p = (size_t)sim->scenario->generators[b->generator[i]].protocol;
    const size_t m = liq_market_of(sim, p, i);
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const int top_up = cfg->action == LIQ_BORROWER_TOP_UP;
    const int lands = included && !(sim->accounts.debt[i] < b->debt_at[i]);
    double amount = b->amount[i];
    if (lands && top_up) {
        sim->accounts.collateral[i] += amount;
        sim->books.market_collateral[m] += amount;
    } else if (lands) {
        amount = amount < sim->accounts.debt[i] ? amount : sim->accounts.debt[i];
        sim->accounts.debt[i] -= amount;
        sim->books.market_debt[m] -= amount;
    }
    const double value = amount * (top_up ? pc : pd);
    if (lands) {
        b->capital[i] -= value;
        liq_index_note(sim, m, i - sim->accounts.market_begin[m]);
        b->included[p]++;
        b->included_value[p] += value;
    } else {
        b->failed[p]++;
        b->failed_value[p] += value;
    }
    b->gas_paid[p] += gas_paid;
    b->state[i] = LIQ_BORROWER_IDLE;
    const liq_borrower_action_event_t e = {.account = (int64_t)i,
                                           .kind = (int32_t)cfg->action,
                                           .amount = amount,
                                           .value = value,
                                           .gas_paid = gas_paid,
                                           .included = lands};
    liq_events_borrower_action(sim, p, &e);
    return LIQ_OK;
}

/* Account i of market m decides, when it is idle and below its trigger. */
static void liq_decide(struct liq_sim *sim, size_t m, size_t i)
{
    struct liq_borrowers *b = &sim->borrowers;
    if (b->generator[i] < 0 || b->state[i] != LIQ_BORROWER_IDLE || !(b->capital[i] > 0.0)) {
        return;
    }
    const double c = sim->accounts.collateral[i], d = sim->accounts.debt[i];
    if (!(d > 0.0)) {
        return;
    }
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const double lt = sim->books.market_terms[m].liquidation_threshold;
    const liq_borrowers_config_t *cfg = liq_rules(sim, i);
    if (!(liq_health(c, d, pc, pd, lt) < cfg->trigger)) {
        return;
    }
    /* HF = c O_a LT / (d O_b) = target, solved for c (top-up) or d (repay). */
    double amount, most;
    if (cfg->action == LIQ_BORROWER_TOP_UP) {
        amount = cfg->target * d * pd / (pc * lt) - c;
        most = b->capital[i] / pc;
    } else {
        amount = d - c * pc * lt / (cfg->target * pd);
        most = b->capital[i] / pd;
    }
    amount = amount < most ? amount : most;
    if (!(amount > 0.0)) {
        return;
    }
    b->amount[i] = amount;
    b->debt_at[i] = d;
    b->ready[i] = sim->round + cfg->latency;
    b->state[i] = LIQ_BORROWER_DECIDED;
}

/* The USD of gas a borrower's included call paid. */
static double liq_gas_usd(const struct liq_sim *sim, size_t i, int64_t fee_wei)
{
    const liq_borrowers_config_t *cfg = liq_rules(sim, i);
    const size_t p = (size_t)sim->scenario->generators[sim->borrowers.generator[i]].protocol;
    const liq_chain_config_t *chain =
        &sim->scenario->chains[sim->scenario->protocols[p].chain_index];
    return (double)cfg->tx.gas * (double)fee_wei * LIQ_WEI_TO_ETH *
           sim->market.reference_price[chain->gas_asset];
}

int liq_borrowers_step(struct liq_sim *sim)
{
    struct liq_borrowers *b = &sim->borrowers;
    if (!b->enabled) {
        return LIQ_OK;
    }
    const liq_scenario_t *sc = sim->scenario;
    memset(b->included, 0, sim->n_protocols * sizeof(int64_t));
    memset(b->failed, 0, sim->n_protocols * sizeof(int64_t));
    memset(b->included_value, 0, sim->n_protocols * sizeof(double));
    memset(b->failed_value, 0, sim->n_protocols * sizeof(double));
    memset(b->gas_paid, 0, sim->n_protocols * sizeof(double));
    int rc = LIQ_OK;
    /* 1. What this round's blocks included or dropped, in block order. */
    for (size_t k = 0; k < b->n_txs && rc == LIQ_OK; k++) {
        const liq_borrower_tx_t *tx = &b->txs[k];
        const double gas = tx->dropped ? 0.0 : liq_gas_usd(sim, tx->account, tx->fee_wei);
        rc = liq_land(sim, tx->account, !tx->dropped && !tx->behind, gas);
    }
    b->n_txs = 0;
    /* 2. Decisions, then 3. landings without a chain, in account order. */
    for (size_t r = 0; r < b->n_ranges && rc == LIQ_OK; r++) {
        const size_t begin = b->range_begin[r], end = b->range_end[r];
        const size_t m = b->range_market[r];
        const size_t p = (size_t)sim->books.markets[m].protocol;
        const int on_chain = sc->protocols[p].chain_index >= 0;
        for (size_t i = begin; i < end && rc == LIQ_OK; i++) {
            liq_decide(sim, m, i);
            if (!on_chain && b->state[i] == LIQ_BORROWER_DECIDED && b->ready[i] <= sim->round) {
                rc = liq_land(sim, i, 1, 0.0);
            }
        }
    }
    return rc;
}

int liq_borrowers_send(struct liq_sim *sim)
{
    struct liq_borrowers *b = &sim->borrowers;
    if (!b->enabled) {
        return LIQ_OK;
    }
    const liq_scenario_t *sc = sim->scenario;
    for (size_t r = 0; r < b->n_ranges; r++) {
        const size_t m = b->range_market[r];
        const size_t p = (size_t)sim->books.markets[m].protocol;
        const int32_t c = sc->protocols[p].chain_index;
        if (c < 0) {
            continue;
        }
        const liq_fee_view_t view = liq_chain_fee_view(sim, (size_t)c);
        for (size_t i = b->range_begin[r]; i < b->range_end[r]; i++) {
            if (b->state[i] != LIQ_BORROWER_DECIDED || b->ready[i] > sim->round) {
                continue;
            }
            const liq_borrowers_config_t *cfg = liq_rules(sim, i);
            const liq_bid_strategy_t s = liq_borrower_strategy(sim, i);
            const liq_tx_t tx = {.bid = liq_bid_first(&s, &view),
                                 .gas = cfg->tx.gas,
                                 .submitted = sim->round,
                                 .deadline = sim->round + cfg->tx.deadline,
                                 .payload = (int64_t)i,
                                 .sender = (int32_t)p,
                                 .kind = cfg->action == LIQ_BORROWER_TOP_UP ? LIQ_TX_TOP_UP
                                                                            : LIQ_TX_REPAY};
            const int rc = liq_chain_submit(sim->chains.chain[c], &tx, NULL);
            if (rc != LIQ_OK) {
                return rc;
            }
            b->state[i] = LIQ_BORROWER_SENT;
        }
    }
    return LIQ_OK;
}

int liq_borrowers_block(struct liq_sim *sim, const liq_tx_t *tx, int64_t fee_wei, int dropped)
{
    struct liq_borrowers *b = &sim->borrowers;
    if (b->n_txs == b->cap_txs) {
        const size_t cap = b->cap_txs < 64 ? 64 : 2 * b->cap_txs;
        liq_borrower_tx_t *grown = realloc(b->txs, cap * sizeof(*grown));
        if (grown == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for %zu borrower calls", cap);
        }
        b->txs = grown;
        b->cap_txs = cap;
    }
    const size_t i = (size_t)tx->payload;
    b->txs[b->n_txs++] = (liq_borrower_tx_t){i, fee_wei, dropped, b->liquidated[i] == sim->round};
    return LIQ_OK;
}

liq_bid_strategy_t liq_borrower_strategy(const struct liq_sim *sim, size_t i)
{
    return liq_tx_strategy(&liq_rules(sim, i)->tx, sim->borrowers.scale[i]);
}
