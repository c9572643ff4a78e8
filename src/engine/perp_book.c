/*
 * Book fills for the perp engine (`liquidation_fill: book`; off by default,
 * docs/scenario.md "Hyperliquid's liquidation rules", docs/model-notes.md).
 *
 * Hyperliquid sends a liquidatable position to the order book as a market
 * order: "the positions are attempted to be entirely closed by sending
 * market orders to the book" (hyperliquid.gitbook.io/hyperliquid-docs/
 * trading/liquidations). A market order sweeping a thin book fills below
 * the mark, and the account's realised value is what it fetched. With book
 * fills a close through the route realises its PnL at the pool's average
 * execution price of that close instead of the mark:
 *
 *   the route pool executes the round's perp closes of one direction as one
 *   swap at the end of the round (liq_perp_venues); the close of u units
 *   after S units already routed there this round is the segment (S, S + u]
 *   of that swap. For a constant-product pool (reserves R_in of the asset
 *   sold, R_out of the margin asset, fee phi, g = 1 - phi) the segment pays
 *     out(S + u) - out(S) = R_out R_in g u / ((R_in + (S + u) g)(R_in + S g)),
 *   out(x) = R_out x g / (R_in + x g) (liq_cp_amount_out); a buy of u units
 *   of the asset after B costs
 *     in(B + u) - in(B) = R_in R_out u / ((R_out - B - u)(R_out - B) g),
 *   in(x) = R_in x / ((R_out - x) g) (liq_cp_amount_in). The fill is that
 *   over u, times the margin asset's oracle price O_b. Written without the
 *   difference, so a small close after a large one keeps its precision;
 *   the segments of a round add up to the pool's one swap.
 *
 * Approximations, each exact for a pool that only perp closes of one
 * direction trade in a round (the replay's books): the segments start from
 * the reserves as arbitrage left them (phase 2), while the venues phase
 * executes the round's lending sales into the same pool first; and a pool
 * executes the round's sales before its buys, so a buy's fill ignores the
 * sales of the same round.
 *
 * The shortfall. Closing all positions of account a (margin m, positions
 * q_k at entries e_k) at fills F_k leaves it E_book = m O_b + sum q_k (F_k -
 * e_k). Below zero, -E_book is a loss, and Hyperliquid's order is: the
 * insurance fund (liqnet's generic fund; Hyperliquid has none besides HLP),
 * then the liquidator vault ("The liquidator has one last option to avoid
 * liquidations that would cause a sufficiently large drawdown, at which
 * point auto-deleveraging is triggered", .../trading/auto-deleveraging),
 * then ADL: "the users on the opposite side of the position are ranked by
 * unrealized pnl and leverage used. Those traders' positions are closed ...
 * against the now underwater user" (same page), at the bankruptcy price
 * (issue 14: "executed at the bankrupt position's price").
 *
 * ADL needs units of the bankrupt position, so it takes a share s of each
 * position instead of the book: the book gets r = 1 - s of it, the rest is
 * taken over at the bankruptcy price P_k (liq_perp_bankruptcy_price, from
 * the equity E and notional N at the marks), at which sum_k q_k (P_k - e_k)
 * = -m O_b: that share leaves the account exactly nothing. The account then
 * ends with r E_book(r), E_book(r) at the fills of the smaller sweep, and
 * its shortfall L(r) = max(0, -r E_book(r)) decreases as s grows (fewer
 * units, better fills). s is the least share whose L(r) the fund and the
 * vault's room can pay: s = 0 when they pay the whole sweep's shortfall,
 * else found by bisection (60 halvings of [0, 1], deterministic; the
 * bisection's remainder, below 1e-18 of the account, is deficit).
 *
 * Books (USD): bad_debt += L + the ADL'd share's loss at the marks (s times
 * -E when E < 0: what the counterparties bear against the mark); the fund
 * and the vault pay L (fund_covered, vault_covered; the vault's cash falls),
 * adl_covered gets the ADL part, deficit what ADL could not place (those
 * units go to the book after the rest; their shortfall against P_k) and the
 * bisection's remainder: bad_debt = fund + vault + adl_covered + deficit.
 * Serial, in account order; O(positions^2) per account (positions sharing a
 * pool), times 60 for the bisection.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/events.h"
#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/perp.h"

/* Units of market k's asset the round's perp closes already sell (side > 0)
 * or buy (side < 0) on its route pool, summed over the markets routing the
 * same asset there, in market order. */
static double liq_book_routed(const liq_perp_t *pp, size_t k, double side)
{
    const liq_perp_market_config_t *cfg = pp->market_config[k];
    double total = 0.0;
    for (size_t i = 0; i < pp->n_markets; i++) {
        const liq_perp_market_config_t *c = pp->market_config[i];
        if (c->pool == cfg->pool && c->asset == cfg->asset) {
            total += side > 0.0 ? pp->sell[i] : pp->buy[i];
        }
    }
    return total;
}

double liq_perp_book_fill(const struct liq_sim *sim, size_t k, double q, double extra)
{
    const liq_perp_t *pp = sim->perp;
    const liq_perp_market_config_t *cfg = pp->market_config[k];
    const liq_pool_config_t *pool = &sim->scenario->pools[cfg->pool];
    const bool asset0 = pool->token0 == cfg->asset;
    const double r_asset =
        asset0 ? sim->venues.reserve0[cfg->pool] : sim->venues.reserve1[cfg->pool];
    const double r_margin =
        asset0 ? sim->venues.reserve1[cfg->pool] : sim->venues.reserve0[cfg->pool];
    /* The margin asset's oracle: the protocol's, found from the market. */
    size_t p = 0;
    while (pp->market_offset[p + 1] <= k) {
        p++;
    }
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const double g = 1.0 - pool->fee;
    const double u = fabs(q);
    const double before = liq_book_routed(pp, k, q) + extra;
    if (q > 0.0) {
        const double per_unit =
            r_margin * r_asset * g / ((r_asset + (before + u) * g) * (r_asset + before * g));
        return per_unit * price_margin;
    }
    const double left = r_asset - before;
    if (!(left - u > 0.0)) {
        return (double)INFINITY; /* the pool cannot pay it */
    }
    const double per_unit = r_margin * r_asset / ((left - u) * left * g);
    return per_unit * price_margin;
}

/* E_book(r): account a's value if r of each position fills at the book
 * and the whole position is valued there; each position's fill in fill[]
 * (positions sharing a pool and direction sweep it one after another). */
static double liq_book_value(const struct liq_sim *sim, size_t a, double price_margin, double r,
                             double *fill)
{
    const liq_perp_t *pp = sim->perp;
    const size_t b = pp->position_begin[a], e = pp->position_begin[a + 1];
    double value = pp->margin[a] * price_margin;
    for (size_t j = b; j < e; j++) {
        const double q = pp->position[j];
        if (q == 0.0) {
            continue;
        }
        const int32_t k = pp->position_market[j];
        double extra = 0.0;
        for (size_t i = b; i < j; i++) {
            const int32_t ki = pp->position_market[i];
            if ((pp->position[i] > 0.0) == (q > 0.0) && pp->position[i] != 0.0 &&
                pp->market_config[ki]->pool == pp->market_config[k]->pool &&
                pp->market_config[ki]->asset == pp->market_config[k]->asset) {
                extra += r * fabs(pp->position[i]);
            }
        }
        fill[j - b] = liq_perp_book_fill(sim, (size_t)k, r * q, extra);
        value += liq_perp_pnl(q, pp->entry[j], fill[j - b]);
    }
    return value;
}

/* The shortfall L(r) = max(0, -r E_book(r)) of routing r to the book. */
static double liq_book_shortfall(const struct liq_sim *sim, size_t a, double price_margin, double r,
                                 double *fill)
{
    const double value = liq_book_value(sim, a, price_margin, r, fill);
    return value < 0.0 ? -r * value : 0.0;
}

/* The room the vault of protocol p has for shortfalls, USD. */
static double liq_book_vault_room(const struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    if (!proto->has_backstop) {
        return 0.0;
    }
    const double room =
        proto->vault_max_drawdown * proto->vault_capital - liq_perp_vault_loss(sim->perp, p);
    return room > 0.0 ? room : 0.0;
}

/* The share r of account a that goes to the book: 1 when the fund and the
 * vault can pay the whole sweep's shortfall, else the largest r whose
 * shortfall they can (bisection; L is decreasing as r falls, L(0) = 0). */
static double liq_book_share(const struct liq_sim *sim, size_t a, double price_margin,
                             double capacity, double *fill)
{
    if (!(liq_book_shortfall(sim, a, price_margin, 1.0, fill) > capacity)) {
        return 1.0;
    }
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 60; it++) {
        const double mid = 0.5 * (lo + hi);
        if (liq_book_shortfall(sim, a, price_margin, mid, fill) > capacity) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    return lo;
}

/* The books of a shortfall L: the fund pays first, then the vault. Returns
 * what neither could pay. */
static double liq_book_pay(struct liq_sim *sim, size_t p, double loss)
{
    liq_perp_t *pp = sim->perp;
    const double fund = sim->books.insurance_fund[p];
    const double by_fund = loss < fund ? loss : fund;
    sim->books.insurance_fund[p] -= by_fund;
    pp->fund_covered[p] += by_fund;
    const double room = liq_book_vault_room(sim, p);
    const double rest = loss - by_fund;
    const double by_vault = rest < room ? rest : room;
    if (by_vault > 0.0) {
        pp->vault_cash[p] -= by_vault;
        pp->vault_covered[p] += by_vault;
    }
    return rest - by_vault;
}

/* Sends q units of position j's market to the book (q > 0 a sale). */
static void liq_book_route(liq_perp_t *pp, size_t j, double q)
{
    const int32_t k = pp->position_market[j];
    if (q > 0.0) {
        pp->sell[k] += q;
    } else {
        pp->buy[k] -= q;
    }
}

/* ADL of share s of account a's positions at their bankruptcy prices (from
 * equity and notional at the marks); units ADL cannot place go to the book
 * after the rest. Adds the counterparties' loss against the marks to
 * *adl_loss and the unplaced units' shortfall against P_k to *deficit (a
 * gain goes to the insurance fund). */
static void liq_book_adl(struct liq_sim *sim, size_t p, size_t a, double s, double equity,
                         double notional, double *adl_loss, double *deficit)
{
    liq_perp_t *pp = sim->perp;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double q = pp->position[j];
        if (q == 0.0) {
            continue;
        }
        const int32_t k = pp->position_market[j];
        const double side = q > 0.0 ? 1.0 : -1.0;
        const double price = liq_perp_bankruptcy_price(q, pp->mark[k], equity, notional);
        const double target = s * fabs(q);
        const double placed = liq_perp_adl(sim, p, j, target, price);
        const double moved = placed * side * (price - pp->mark[k]);
        if (moved > 0.0) {
            *adl_loss += moved;
        }
        const double unplaced = target - placed;
        if (unplaced > 0.0) {
            const double fill = liq_perp_book_fill(sim, (size_t)k, side * unplaced, 0.0);
            liq_book_route(pp, j, side * unplaced);
            const double short_by = unplaced * side * (price - fill);
            if (short_by > 0.0) {
                *deficit += short_by;
            } else {
                sim->books.insurance_fund[p] -= short_by;
            }
        }
    }
}

void liq_perp_liquidate_book(struct liq_sim *sim, size_t p, size_t a, double equity,
                             double notional)
{
    liq_perp_t *pp = sim->perp;
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const size_t b = pp->position_begin[a], e = pp->position_begin[a + 1];
    double *fill = pp->book_fill; /* [n_markets] >= the account's positions */
    const double capacity = sim->books.insurance_fund[p] + liq_book_vault_room(sim, p);
    const double r = liq_book_share(sim, a, price_margin, capacity, fill);
    const double value = liq_book_value(sim, a, price_margin, r, fill);
    sim->books.liquidations[p]++;
    pp->liquidations[p]++;
    sim->books.seized_value[p] += notional;
    pp->liquidated_notional[p] += notional;
    liq_liquidation_event_t row = liq_events_liquidation_row(sim, p, a, 0.0, notional, NAN);
    if (e - b == 1 && r > 0.0) {
        row.price = fill[0]; /* one position: its fill */
    }
    liq_events_liquidation(sim, p, &row);
    if (r == 1.0 && value >= 0.0) {
        /* Closed at the book with value left: the fee up to it. */
        double fee = 0.0;
        for (size_t j = b; j < e; j++) {
            const int32_t k = pp->position_market[j];
            fee += fabs(pp->position[j]) * pp->mark[k] * pp->market_config[k]->liquidation_fee;
        }
        const double paid = fee < value ? fee : value;
        sim->books.insurance_fund[p] += paid;
        pp->fee[p] += paid;
    }
    for (size_t j = b; j < e; j++) {
        if (pp->position[j] != 0.0 && r > 0.0) {
            liq_book_route(pp, j, r * pp->position[j]);
        }
    }
    const double loss = value < 0.0 ? -r * value : 0.0;
    const double unpaid = loss > 0.0 ? liq_book_pay(sim, p, loss) : 0.0;
    double adl_loss = 0.0, unplaced = 0.0;
    if (r < 1.0) {
        liq_book_adl(sim, p, a, 1.0 - r, equity, notional, &adl_loss, &unplaced);
    }
    sim->books.bad_debt[p] += loss + adl_loss + unplaced;
    sim->books.deficit[p] += unpaid + unplaced;
    pp->adl_covered[p] += adl_loss;
    for (size_t j = b; j < e; j++) {
        pp->position[j] = 0.0;
    }
    pp->margin[a] = 0.0;
}
