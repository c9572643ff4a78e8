/*
 * MEV-aware liquidation (issue 13 item 4; docs/model-notes.md "MEV-aware
 * liquidation"): a protocol on a declared chain with keepers.liquidators
 * has several liquidators, each with its capital per round, its cost per
 * liquidation, its latency and its transaction's gas, and the right to each
 * liquidation goes to the best bid in the chain's `auction`.
 *
 * Each round, in the protocol's margin step (src/engine/chains.c,
 * liq_protocol_transact), the candidates the keepers' selection sends are
 * auctioned one by one in account order. For account i the liquidator k
 * values the liquidation at
 *
 *   v_k = G - gas_k x base fee x S - cost_k       (USD)
 *
 * G the gross value at the round's oracle prices (the bonus: seized value
 * less repaid value; with keepers.anticipate_slippage what the seizure
 * fetches on the route less the repaid debt), S the gas asset's reference
 * price; v_k is the most it can give the block's builder and break even.
 * It bids if it sees the account (liquidatable for at least latency_k
 * rounds), has the capital left for the debt repaid, and v_k covers the
 * price of getting in (the last block's clearing tip). Its best priority fee
 * is m_k = floor(v_k / (gas_k S 1e-18)) wei per gas.
 *
 *   priority_gas: the public pool's open first-price auction with complete
 *     information (Daian et al. 2019, "Flash Boys 2.0": bidders see and
 *     outbid each other's pending transactions). The highest m_k wins (ties:
 *     the first listed) and pays one wei per gas above the runner-up's best,
 *     at most its own best: tip = min(m_1, m_2 + 1), the clearing tip when
 *     alone. With symmetric competitors the winner's margin G - gas paid
 *     falls to its cost (Bertrand).
 *   builder: sealed bids to the builder (Flashbots bundles paying the
 *     builder), second price with a reserve: the builder takes at least
 *     builder_share x the bonus's value B. Bidders with v_k below the reserve
 *     stay out; the highest v_k wins (ties: the first listed) and pays
 *     max(reserve, v_2), at least the clearing tip, as a priority fee
 *     rounded up to the wei per gas (at most m_1).
 *
 * The winner's transaction goes to the chain with that priority fee (max
 * fee: 2 x base fee + tip, ethers' default) and runs in the round whose
 * block includes it; the fee it pays above the base fee is the builder's
 * revenue. Capital is spent when the liquidator wins, per round.
 *
 * Back-running: an account that became liquidatable this round because an
 * oracle on the protocol's chain had its update (or OSM poke) included in
 * this round's blocks is auctioned among the liquidators of latency 0 and
 * liquidated at once, as the transaction right behind the update in its
 * block, at that block's base fee with no clearing tip to beat.
 *
 * Threads: a protocol's margin step runs on one thread, and every array
 * written here is the protocol's own (its liquidators, its accounts, its
 * sums): the result does not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/margin.h"
#include "liqnet/error.h"

#define LIQ_WEI 1e-18 /* ether per wei */

int liq_mev_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_mev *mev = &sim->mev;
    const size_t np = sim->n_protocols, na = sim->accounts.n_accounts;
    size_t total = 0;
    for (size_t p = 0; p < np; p++) {
        total += sc->protocols[p].n_liquidators;
    }
    if (total == 0) {
        return LIQ_OK;
    }
    mev->first = liq_calloc(np + 1, sizeof(size_t));
    mev->capital_left = liq_calloc(total, sizeof(double));
    mev->profit = liq_calloc(np, sizeof(double));
    mev->builder_revenue = liq_calloc(np, sizeof(double));
    mev->winner = liq_calloc(na, sizeof(int32_t));
    mev->tip = liq_calloc(na, sizeof(int64_t));
    mev->since = liq_calloc(na, sizeof(int64_t));
    mev->last_seen = liq_calloc(na, sizeof(int64_t));
    if (!mev->first || !mev->capital_left || !mev->profit || !mev->builder_revenue ||
        !mev->winner || !mev->tip || !mev->since || !mev->last_seen) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu liquidators", total);
    }
    for (size_t p = 0; p < np; p++) {
        mev->first[p + 1] = mev->first[p] + sc->protocols[p].n_liquidators;
    }
    for (size_t i = 0; i < na; i++) {
        mev->winner[i] = -1;
        mev->last_seen[i] = -1;
    }
    mev->enabled = 1;
    return LIQ_OK;
}

void liq_mev_destroy(struct liq_mev *mev)
{
    void *arrays[] = {mev->first,  mev->capital_left, mev->profit, mev->builder_revenue,
                      mev->winner, mev->tip,          mev->since,  mev->last_seen};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        free(arrays[k]);
    }
    memset(mev, 0, sizeof(*mev));
}

void liq_mev_begin(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    struct liq_mev *mev = &sim->mev;
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const int64_t t = sim->round;
    mev->profit[p] = 0.0;
    mev->builder_revenue[p] = 0.0;
    for (size_t k = 0; k < proto->n_liquidators; k++) {
        mev->capital_left[mev->first[p] + k] = proto->liquidators[k].capital;
    }
    /* A liquidatable spell starts in a round whose account was no
     * candidate the round before. */
    for (size_t k = begin; k < end; k++) {
        const size_t i = sim->margin.candidates[k].account;
        if (mev->last_seen[i] < t - 1) {
            mev->since[i] = t;
        }
        mev->last_seen[i] = t;
    }
}

/* USD per unit of the gas asset of protocol p's chain. */
static double liq_mev_gas_usd(const struct liq_sim *sim, size_t p)
{
    const liq_scenario_t *sc = sim->scenario;
    return sim->market.reference_price[sc->chains[sc->protocols[p].chain_index].gas_asset];
}

/* What liquidating account i of market m at the round's oracle prices
 * brings its liquidator before gas and its cost, USD (G above); *bonus the
 * bonus's value B, seized less repaid at oracle prices; *repay the debt
 * units repaid. */
static double liq_mev_gross(const struct liq_sim *sim, size_t m, size_t i, double *bonus,
                            double *repay)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[sim->books.markets[m].protocol];
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const double c = sim->accounts.collateral[i], d = sim->accounts.debt[i];
    const liq_candidate_t q = {
        i, liq_health(c, d, pc, pd, sim->books.market_terms[m].liquidation_threshold)};
    bool eligible;
    const liq_liquidation_t quote = liq_candidate_quote(sim, m, &q, &eligible);
    *bonus = quote.seize * pc - quote.repay * pd;
    *repay = quote.repay;
    if (proto->anticipate_slippage) {
        return (liq_anticipated_proceeds(sim, m, quote.seize) - quote.repay) * pd;
    }
    return *bonus;
}

int liq_mev_execute(struct liq_sim *sim, size_t p, const liq_included_tx_t *tx,
                    double *repaid_value, double *seized_value, double *bad_value)
{
    struct liq_mev *mev = &sim->mev;
    struct liq_chains *ch = &sim->chains;
    const size_t i = tx->account;
    const int32_t w = mev->winner[i];
    const liq_liquidator_config_t *l = &sim->scenario->protocols[p].liquidators[w];
    const double usd = liq_mev_gas_usd(sim, p);
    const double gas = (double)l->gas * (double)tx->fee_wei * LIQ_WEI * usd;
    const double tip = (double)l->gas * (double)tx->tip_wei * LIQ_WEI * usd;
    ch->gas_paid[p] += gas;
    mev->builder_revenue[p] += tip;
    const size_t m = liq_market_of(sim, p, i);
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const liq_market_terms_t *terms = &sim->books.market_terms[m];
    const double c = sim->accounts.collateral[i], d = sim->accounts.debt[i];
    if (!liq_is_liquidatable(c, d, pc, pd, terms->liquidation_threshold)) {
        ch->reverted[p]++;
        mev->profit[p] -= gas; /* a reverted call pays for its gas */
        return 0;
    }
    double bonus, repay;
    const double gross = liq_mev_gross(sim, m, i, &bonus, &repay);
    const liq_candidate_t q = {i, liq_health(c, d, pc, pd, terms->liquidation_threshold)};
    liq_liquidation_event_t *event = liq_events_reserve_liquidations(sim, p, 1);
    liq_apply_one(sim, m, &q, pc, pd, &sim->books.market_seized[m],
                  &sim->books.market_collateral[m], &sim->books.market_debt[m], repaid_value,
                  seized_value, bad_value, event);
    if (event != NULL) {
        event->gas_paid = gas;
        event->keeper = w;
        event->builder_share = tip;
    }
    liq_index_note(sim, m, i - sim->accounts.market_begin[m]);
    ch->waiting[i] = 2; /* liquidated now: not sent again this round */
    mev->profit[p] += gross - gas - l->cost;
    return 1;
}

/* Whether an oracle of market m (its collateral's or its protocol's debt
 * oracle) on protocol p's chain had an update or poke included this round. */
static bool liq_mev_oracle_landed(const struct liq_sim *sim, size_t p, size_t m)
{
    if (!sim->otx.enabled) {
        return false;
    }
    const liq_scenario_t *sc = sim->scenario;
    const int32_t oracles[2] = {sim->books.markets[m].oracle, sc->protocols[p].debt_oracle};
    for (int k = 0; k < 2; k++) {
        const size_t o = (size_t)oracles[k];
        if (sc->oracles[o].chain == sc->protocols[p].chain_index &&
            sim->otx.included_round[o] == sim->round) {
            return true;
        }
    }
    return false;
}

/* What one auction is for: account i, its gross value and bonus (USD),
 * the debt it repays, the base fee the winner pays and the least tip that
 * gets in (wei per gas), and whether it is a back-run. */
typedef struct {
    size_t account;
    double gross, bonus, repay;
    int64_t base_fee, floor_tip;
    bool backrun;
} liq_mev_lot_t;

/* wei per gas -> int64, rounded down, clamped to [-1, 2^62]. */
static int64_t liq_mev_per_gas(double x)
{
    if (!(x >= 0.0)) {
        return -1;
    }
    return x >= 4.6e18 ? INT64_C(1) << 62 : (int64_t)floor(x);
}

/* The auction of `lot` among protocol p's liquidators: the winner's index
 * and its priority fee in *tip, or -1 when none bids. */
static int32_t liq_mev_auction(const struct liq_sim *sim, size_t p, const liq_mev_lot_t *lot,
                               int64_t *tip)
{
    const struct liq_mev *mev = &sim->mev;
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_chain_config_t *chain = &sim->scenario->chains[proto->chain_index];
    const bool builder = chain->auction_kind == LIQ_MEV_BUILDER;
    const double reserve = builder ? chain->builder_share * lot->bonus : 0.0;
    const double usd = liq_mev_gas_usd(sim, p);
    const int64_t age = sim->round - mev->since[lot->account];
    int32_t best = -1;
    int64_t m1 = -1, m2 = -1;              /* best and runner-up's wei per gas */
    double v1 = -INFINITY, v2 = -INFINITY; /* best and runner-up's value, USD */
    for (size_t k = 0; k < proto->n_liquidators; k++) {
        const liq_liquidator_config_t *l = &proto->liquidators[k];
        if (age < l->latency || mev->capital_left[mev->first[p] + k] < lot->repay) {
            continue; /* it does not see the account yet, or cannot pay the debt */
        }
        const double per_wei = (double)l->gas * LIQ_WEI * usd; /* USD per wei per gas */
        const double v = lot->gross - (double)lot->base_fee * per_wei - l->cost;
        const int64_t mk = liq_mev_per_gas(v / per_wei);
        if (mk < lot->floor_tip || (builder && v < reserve)) {
            continue; /* it cannot break even at the price of getting in */
        }
        const bool better = builder ? v > v1 : mk > m1;
        if (better) {
            m2 = m1;
            v2 = v1;
            m1 = mk;
            v1 = v;
            best = (int32_t)k;
        } else {
            m2 = mk > m2 ? mk : m2;
            v2 = v > v2 ? v : v2;
        }
    }
    if (best < 0) {
        return -1;
    }
    int64_t bid;
    if (builder) {
        const double pay = v2 > reserve ? v2 : reserve; /* second price, the reserve at least */
        const double per_wei = (double)proto->liquidators[best].gas * LIQ_WEI * usd;
        bid = liq_mev_per_gas(ceil(pay / per_wei));
        bid = bid > m1 ? m1 : bid;
    } else {
        bid = m2 < 0 ? lot->floor_tip : (m2 + 1 < m1 ? m2 + 1 : m1);
    }
    *tip = bid > lot->floor_tip ? bid : lot->floor_tip;
    return best;
}

size_t liq_mev_auctions(struct liq_sim *sim, size_t p, size_t *rank, size_t *n_send,
                        double *repaid_value, double *seized_value, double *bad_value)
{
    struct liq_mev *mev = &sim->mev;
    const struct liq_chains *ch = &sim->chains;
    const size_t c = (size_t)sim->scenario->protocols[p].chain_index;
    /* The base fee of the round's last block, as chains.c recorded it in
     * gwei (exact: fees stay far below 2^53 wei), for a back-run; the next
     * block's base fee and the last block's clearing tip for the rest. */
    const int64_t block_base_fee = llround(ch->base_fee_gwei[c] * 1e9);
    const int64_t next_base_fee = liq_chain_next_base_fee(sim, c);
    size_t kept = 0, backruns = 0;
    for (size_t j = 0; j < *n_send; j++) {
        const size_t i = sim->margin.candidates[rank[j]].account;
        const size_t m = liq_market_of(sim, p, i);
        liq_mev_lot_t lot = {.account = i};
        lot.backrun = mev->since[i] == sim->round && liq_mev_oracle_landed(sim, p, m);
        lot.base_fee = lot.backrun ? block_base_fee : next_base_fee;
        lot.floor_tip = lot.backrun ? 0 : ch->clearing_tip[c];
        lot.gross = liq_mev_gross(sim, m, i, &lot.bonus, &lot.repay);
        int64_t tip = 0;
        const int32_t w = liq_mev_auction(sim, p, &lot, &tip);
        if (w < 0) {
            continue; /* no liquidator bids: it waits */
        }
        mev->capital_left[mev->first[p] + (size_t)w] -= lot.repay;
        mev->winner[i] = w;
        mev->tip[i] = tip;
        if (lot.backrun) {
            const liq_included_tx_t tx = {i, lot.base_fee + tip, (int32_t)p, tip};
            backruns += (size_t)liq_mev_execute(sim, p, &tx, repaid_value, seized_value, bad_value);
            continue;
        }
        rank[kept++] = rank[j];
    }
    *n_send = kept;
    return backruns;
}

void liq_mev_tx(const struct liq_sim *sim, size_t p, size_t i, liq_tx_t *tx)
{
    const struct liq_mev *mev = &sim->mev;
    const int64_t base =
        liq_chain_next_base_fee(sim, (size_t)sim->scenario->protocols[p].chain_index);
    const int64_t tip = mev->tip[i];
    /* ethers v5 getFeeData's default max fee, 2 x base fee + priority fee,
     * saturating. */
    const int64_t room = INT64_MAX - tip;
    const int64_t max_fee = base > room / 2 ? INT64_MAX : 2 * base + tip;
    tx->bid = (liq_bid_t){max_fee, tip};
    tx->gas = sim->scenario->protocols[p].liquidators[mev->winner[i]].gas;
}
