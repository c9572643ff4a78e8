/*
 * Dutch auctions as a protocol's liquidation mode (MODEL.md s5; MakerDAO
 * Liquidations 2.0: dog.sol's bark, clip.sol's kick, redo and take).
 *
 * A liquidatable vault of a protocol in mode dutch_auction is seized whole:
 * its collateral becomes the auction's lot, its debt d the tab d chop to
 * raise, and the account is emptied. Each round every active auction, in
 * creation order, prices its lot on its curve from top = buf O_a / O_b,
 * resets when it ran longer than tail or fell below cusp top, and sells to
 * keepers who buy while the market's first route pool pays more at the
 * margin than the auction asks, net of gas, within the keepers' capital of
 * the round. What they buy joins the market's sell order of the round
 * (market_seized), so the venue phase sells it like any seizure and
 * conservation of collateral holds: seized = sold + returned + in auctions.
 *
 * Workload: a cascade starts a few to a few thousand auctions; each active
 * auction costs one curve evaluation and, when keepers buy, a bisection of
 * about 60 marginal-output evaluations. All of it runs inside the margin
 * phase's per-protocol step, on the protocol's own slots, so protocols run
 * in parallel and the results do not depend on the thread count.
 * docs/model-notes.md states the choices MODEL.md leaves open.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sim_internal.h"
#include "liqnet/auction.h"
#include "liqnet/error.h"

static const liq_auction_config_t *liq_auction_config(const struct liq_sim *sim, size_t p)
{
    return &sim->scenario->protocols[p].liquidation;
}

int liq_auction_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        if (sc->protocols[p].liquidation.mode != LIQ_LIQUIDATION_DUTCH_AUCTION) {
            continue;
        }
        sim->auction.enabled = 1;
        const size_t cross = sim->accounts.n_cross > 0
                                 ? sim->accounts.cross_begin[p + 1] - sim->accounts.cross_begin[p]
                                 : 0;
        if (cross > 0) {
            return liq_error_set(LIQ_EINVAL,
                                 "protocol '%s': liquidation mode dutch_auction seizes isolated "
                                 "vaults only, but the protocol has %zu cross-margin accounts; "
                                 "expected margin: isolated",
                                 sc->protocols[p].name, cross);
        }
    }
    if (!sim->auction.enabled) {
        return LIQ_OK;
    }
    const size_t np = sim->n_protocols;
    sim->auction.begin = liq_calloc(np + 1, sizeof(size_t));
    sim->auction.count = liq_calloc(np, sizeof(size_t));
    sim->auction.started = liq_calloc(np, sizeof(int64_t));
    sim->auction.active = liq_calloc(np, sizeof(int64_t));
    sim->auction.sold_value = liq_calloc(np, sizeof(double));
    sim->auction.raised = liq_calloc(np, sizeof(double));
    sim->auction.keeper_rewards = liq_calloc(np, sizeof(double));
    sim->auction.bad_debt = liq_calloc(np, sizeof(double));
    sim->auction.tab = liq_calloc(np, sizeof(double));
    sim->auction.units = liq_calloc(4 * sim->n_markets, sizeof(double));
    if (!sim->auction.begin || !sim->auction.count || !sim->auction.started ||
        !sim->auction.active || !sim->auction.sold_value || !sim->auction.raised ||
        !sim->auction.keeper_rewards || !sim->auction.bad_debt || !sim->auction.tab ||
        !sim->auction.units) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the Dutch auctions");
    }
    /* One slot per account that can ever be seized: those with debt now. */
    for (size_t p = 0; p < np; p++) {
        size_t slots = 0;
        if (sc->protocols[p].liquidation.mode == LIQ_LIQUIDATION_DUTCH_AUCTION) {
            const size_t first = sim->accounts.market_begin[sim->books.market_offset[p]];
            const size_t end = sim->accounts.market_begin[sim->books.market_offset[p + 1]];
            for (size_t i = first; i < end; i++) {
                slots += sim->accounts.debt[i] > 0.0;
            }
        }
        sim->auction.begin[p + 1] = sim->auction.begin[p] + slots;
    }
    sim->auction.slot = liq_calloc(sim->auction.begin[np], sizeof(*sim->auction.slot));
    if (sim->auction.slot == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu Dutch auctions",
                             sim->auction.begin[np]);
    }
    return LIQ_OK;
}

void liq_protocol_charge(struct liq_sim *sim, size_t p, double cost)
{
    const double covered =
        cost < sim->books.insurance_fund[p] ? cost : sim->books.insurance_fund[p];
    sim->books.insurance_fund[p] -= covered;
    sim->books.deficit[p] += cost - covered;
}

/* Start price of a run: top = buf O_a / O_b, in debt units per collateral unit. */
static double liq_auction_top(const struct liq_sim *sim, size_t m, double buf)
{
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    return buf * pc / pd;
}

int liq_auction_kick(struct liq_sim *sim, size_t p, size_t m, size_t i, double *repaid_value,
                     double *seized_value)
{
    const liq_auction_config_t *cfg = liq_auction_config(sim, p);
    const double lot = sim->accounts.collateral[i], debt = sim->accounts.debt[i];
    const double tab = debt * cfg->chop;
    /* dog.sol's room: the vault waits while its tab does not fit under the
     * hole (Maker would seize a part of it; see docs/model-notes.md). */
    if (sim->auction.tab[p] + tab > cfg->hole) {
        return 0;
    }
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    liq_auction_t *a = &sim->auction.slot[sim->auction.begin[p] + sim->auction.count[p]++];
    *a = (liq_auction_t){i, m, lot, tab, debt, liq_auction_top(sim, m, cfg->buf), sim->round};
    sim->accounts.collateral[i] = 0.0;
    sim->accounts.debt[i] = 0.0;
    sim->books.market_collateral[m] -= lot;
    sim->books.market_debt[m] -= debt;
    liq_margin_note(sim, m, i - sim->accounts.market_begin[m]);
    sim->auction.tab[p] += tab;
    sim->auction.started[p]++;
    sim->auction.units[m] += lot;
    sim->auction.units[3 * sim->n_markets + m] += lot;
    *repaid_value += debt * pd;
    *seized_value += lot * pc;
    const liq_liquidation_event_t row =
        liq_events_liquidation_row(sim, p, i, debt * pd, lot * pc, pc);
    liq_events_liquidation(sim, p, &row);
    const double reward = liq_auction_keeper_reward(cfg->tip, cfg->chip, tab, pd);
    sim->auction.keeper_rewards[p] += reward;
    liq_protocol_charge(sim, p, reward);
    return 1;
}

/* The keepers' view of market m's first route pool: reserves after this
 * round's arbitrage, before any order of the round. */
static liq_venue_t liq_auction_venue(const struct liq_sim *sim, size_t m)
{
    const size_t r = sim->venues.market_route_offset[m];
    liq_venue_t v;
    liq_pool_venue(sim, (size_t)sim->venues.route_pool[r], sim->venues.route_sell_token[r], &v);
    return v;
}

/* Keepers take from auction a at `price`; returns the units bought. */
static double liq_auction_take(struct liq_sim *sim, size_t p, liq_auction_t *a, double price,
                               double *capital)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    double pc, pd;
    liq_market_prices(sim, a->market, &pc, &pd);
    /* At most the lot, what raises the rest of the tab, and what the
     * capital left pays for. */
    double cap = a->lot;
    if (price > 0.0) {
        const double for_tab = a->tab / price;
        const double for_capital = *capital / (price * pd);
        cap = for_tab < cap ? for_tab : cap;
        cap = for_capital < cap ? for_capital : cap;
    }
    const liq_venue_t venue = liq_auction_venue(sim, a->market);
    const double sold = sim->books.market_seized[a->market];
    const double q = liq_auction_take_amount(&venue, sold, price, cap);
    if (!(q > 0.0) || liq_auction_take_profit(&venue, sold, price, q) * pd - proto->gas_cost <
                          proto->min_profit) {
        return 0.0;
    }
    /* A purchase that reaches the tab raises it exactly (clip.sol's take
     * then returns the rest of the lot). */
    const double raised = price > 0.0 && q >= a->tab / price ? a->tab : q * price;
    a->lot = q >= a->lot ? 0.0 : a->lot - q;
    a->tab = raised >= a->tab ? 0.0 : a->tab - raised;
    a->owed -= raised;
    *capital -= raised * pd;
    sim->books.market_seized[a->market] += q;
    sim->auction.raised[p] += raised;
    sim->auction.sold_value[p] += q * pc;
    sim->auction.units[sim->n_markets + a->market] += q;
    sim->auction.units[3 * sim->n_markets + a->market] -= q;
    return q;
}

/* Ends auction a: the rest of the lot goes back to the vault's owner (with
 * no debt), a penalty raised beyond the debt goes to the insurance fund, and
 * debt not raised is returned as bad debt in USD. */
static double liq_auction_end(struct liq_sim *sim, size_t p, const liq_auction_t *a)
{
    double pc, pd;
    liq_market_prices(sim, a->market, &pc, &pd);
    const size_t m = a->market;
    if (a->lot > 0.0) {
        sim->accounts.collateral[a->account] += a->lot;
        sim->books.market_collateral[m] += a->lot;
        sim->auction.units[2 * sim->n_markets + m] += a->lot;
        sim->auction.units[3 * sim->n_markets + m] -= a->lot;
        liq_margin_note(sim, m, a->account - sim->accounts.market_begin[m]);
    }
    if (a->owed < 0.0) {
        sim->books.insurance_fund[p] -= a->owed * pd;
        return 0.0;
    }
    return a->owed * pd;
}

double liq_auction_step(struct liq_sim *sim, size_t p)
{
    const liq_auction_config_t *cfg = liq_auction_config(sim, p);
    double capital = cfg->keeper_capital, bad_value = 0.0, tab = 0.0;
    liq_auction_t *slots = sim->auction.slot + sim->auction.begin[p];
    size_t kept = 0;
    for (size_t k = 0; k < sim->auction.count[p]; k++) {
        liq_auction_t a = slots[k];
        const int64_t elapsed = sim->round - a.start;
        double price =
            liq_auction_price(&cfg->curve, a.top, (double)elapsed * sim->scenario->round_seconds);
        if (liq_auction_needs_reset(elapsed, cfg->tail, price, a.top, cfg->cusp)) {
            double pc, pd;
            liq_market_prices(sim, a.market, &pc, &pd);
            a.top = liq_auction_top(sim, a.market, cfg->buf);
            a.start = sim->round;
            price = a.top;
            const double reward = liq_auction_keeper_reward(cfg->tip, cfg->chip, a.tab, pd);
            sim->auction.keeper_rewards[p] += reward;
            liq_protocol_charge(sim, p, reward);
        }
        (void)liq_auction_take(sim, p, &a, price, &capital);
        if (a.tab == 0.0 || a.lot == 0.0) {
            bad_value += liq_auction_end(sim, p, &a);
            continue;
        }
        tab += a.tab;
        slots[kept++] = a;
    }
    sim->auction.count[p] = kept;
    sim->auction.active[p] = (int64_t)kept;
    sim->auction.tab[p] = tab;
    sim->auction.bad_debt[p] += bad_value;
    return bad_value;
}

void liq_auctions_destroy(struct liq_auctions *a)
{
    if (a == NULL) {
        return;
    }
    void *arrays[] = {a->begin,    a->count,      a->slot,   a->started,
                      a->active,   a->sold_value, a->raised, a->keeper_rewards,
                      a->bad_debt, a->tab,        a->units};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(a, 0, sizeof(*a));
}
