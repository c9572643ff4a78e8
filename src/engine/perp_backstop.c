/*
 * Hyperliquid's liquidation rules for the perp engine (src/engine/perp.c),
 * each off unless its protocol declares it (docs/scenario.md "Hyperliquid's
 * liquidation rules", docs/model-notes.md):
 *
 * - Partial liquidation. "For liquidatable positions larger than 100k USDC
 *   ... only 20% of the position will be sent as a market liquidation order
 *   to the book. After a block where any position of a user is partially
 *   liquidated, there is a cooldown period of 30 seconds. During this
 *   cooldown period, all market liquidation orders for that user will be for
 *   the entire position" (Hyperliquid, partial liquidations announcement;
 *   hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations). A partial
 *   liquidation closes partial_share of each position at the mark, realises
 *   its PnL into the margin and pays the liquidation fee on the closed part.
 *
 * - The backstop liquidator vault. "If the account equity drops below 2/3
 *   of the maintenance margin without successful liquidation through the
 *   book, a backstop liquidation happens through the liquidator vault ...
 *   the trader's cross positions and cross margin are all transferred to the
 *   liquidator ... the maintenance margin is not returned to the user" (same
 *   page). The vault takes the positions at the mark together with the
 *   account's equity (which may be negative), holds them and closes
 *   vault_unwind of its inventory each round through the route. "The
 *   liquidator has one last option to avoid liquidations that would cause a
 *   sufficiently large drawdown, at which point auto-deleveraging is
 *   triggered" (.../trading/auto-deleveraging): the vault refuses an account
 *   whose takeover would bring its loss past vault_max_drawdown x
 *   vault_capital; such an account is closed by perp.c as before (insurance
 *   fund, then ADL at its bankruptcy price).
 *
 * - The ADL ranking: "the users on the opposite side of the position are
 *   ranked by unrealized pnl and leverage used" (.../auto-deleveraging); the
 *   sort key of Hyperliquid-based venues' copies of that page is
 *   (mark_price / entry_price) x (notional_position / account_value)
 *   (docs.hyperodd.com/trading/adl), read for a short as entry / mark (the
 *   price ratio in the position's favour).
 *
 * Vault accounting in USD: cash = the equities taken over plus the PnL it
 * realised; loss = -(cash + sum_k q_k (O_k - e_k)) over its inventory q_k at
 * average entry e_k. Serial, in account order; O(markets) a round plus
 * O(positions) per account handled.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/events.h"
#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/perp.h"

int liq_perp_rules_alloc(liq_perp_t *pp, const liq_scenario_t *sc)
{
    bool partial = false, backstop = false, book = false;
    for (size_t p = 0; p < sc->n_protocols; p++) {
        partial = partial || sc->protocols[p].has_partial_liquidation;
        backstop = backstop || sc->protocols[p].has_backstop;
        book = book || sc->protocols[p].perp_fill == LIQ_PERP_FILL_BOOK;
    }
    if (book) {
        pp->book_fill = liq_calloc(pp->n_markets, sizeof(double));
        if (pp->book_fill == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for the book fills");
        }
    }
    if (partial) {
        pp->cooldown_until = liq_calloc(pp->n_accounts, sizeof(int64_t));
        if (pp->cooldown_until == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for %zu perp accounts' cooldowns",
                                 pp->n_accounts);
        }
        for (size_t a = 0; a < pp->n_accounts; a++) {
            pp->cooldown_until[a] = -1;
        }
    }
    if (backstop) {
        pp->vault_q = liq_calloc(pp->n_markets, sizeof(double));
        pp->vault_entry = liq_calloc(pp->n_markets, sizeof(double));
        pp->vault_cash = liq_calloc(sc->n_protocols, sizeof(double));
        pp->vault_taken = liq_calloc(sc->n_protocols, sizeof(int64_t));
        pp->vault_covered = liq_calloc(sc->n_protocols, sizeof(double));
        pp->vault_loss_now = liq_calloc(sc->n_protocols, sizeof(double));
        if (pp->vault_q == NULL || pp->vault_entry == NULL || pp->vault_cash == NULL ||
            pp->vault_taken == NULL || pp->vault_covered == NULL || pp->vault_loss_now == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for the liquidator vaults");
        }
    }
    return LIQ_OK;
}

void liq_perp_rules_free(liq_perp_t *pp)
{
    free(pp->cooldown_until);
    free(pp->vault_q);
    free(pp->vault_entry);
    free(pp->vault_cash);
    free(pp->vault_taken);
    free(pp->vault_covered);
    free(pp->vault_loss_now);
    free(pp->book_fill);
}

double liq_perp_adl_score(int rank, double position, double entry, double mark, double notional,
                          double equity)
{
    if (!(equity > 0.0)) {
        return -(double)INFINITY; /* no equity left: ranks last */
    }
    if (rank == LIQ_ADL_RANK_HYPERLIQUID) {
        const double ratio = position > 0.0 ? mark / entry : entry / mark;
        return ratio * (notional / equity);
    }
    return liq_perp_pnl(position, entry, mark) * (notional / equity);
}

/* The vault's loss of protocol p at the round's marks, USD. */
double liq_perp_vault_loss(const liq_perp_t *pp, size_t p)
{
    double value = pp->vault_cash[p];
    for (size_t k = pp->market_offset[p]; k < pp->market_offset[p + 1]; k++) {
        if (pp->vault_q[k] != 0.0) {
            value += liq_perp_pnl(pp->vault_q[k], pp->vault_entry[k], pp->mark[k]);
        }
    }
    return -value;
}

/* Adds q units bought (q > 0) or sold (q < 0) at `price` to the vault's
 * inventory of market k: a trade on the same side averages the entry, one
 * on the other side realises PnL on the units it closes. */
static void liq_vault_trade(liq_perp_t *pp, size_t p, size_t k, double q, double price)
{
    const double held = pp->vault_q[k];
    if (held == 0.0 || (held > 0.0) == (q > 0.0)) {
        pp->vault_entry[k] = (held * pp->vault_entry[k] + q * price) / (held + q);
        pp->vault_q[k] = held + q;
        return;
    }
    const double closed = fabs(q) < fabs(held) ? fabs(q) : fabs(held);
    pp->vault_cash[p] += (held > 0.0 ? closed : -closed) * (price - pp->vault_entry[k]);
    pp->vault_q[k] = fabs(q) == fabs(held) ? 0.0 : held + q;
    if (pp->vault_q[k] == 0.0) {
        pp->vault_entry[k] = 0.0;
    } else if ((pp->vault_q[k] > 0.0) != (held > 0.0)) {
        pp->vault_entry[k] = price; /* flipped side: the rest opened at price */
    }
}

void liq_perp_vault_unwind(struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    liq_perp_t *pp = sim->perp;
    if (!proto->has_backstop || !(proto->vault_unwind > 0.0)) {
        return;
    }
    const bool book = proto->perp_fill == LIQ_PERP_FILL_BOOK;
    for (size_t k = pp->market_offset[p]; k < pp->market_offset[p + 1]; k++) {
        const double q = pp->vault_q[k] * proto->vault_unwind;
        if (q == 0.0) {
            continue;
        }
        /* With book fills the unwind realises what the book pays; a buy the
         * pool cannot pay waits for a deeper pool. */
        const double price = book ? liq_perp_book_fill(sim, k, q, 0.0) : pp->mark[k];
        if (!isfinite(price)) {
            continue;
        }
        liq_vault_trade(pp, p, k, -q, price);
        if (q > 0.0) {
            pp->sell[k] += q;
        } else {
            pp->buy[k] -= q;
        }
    }
}

/* The vault takes account a whole at the marks: its positions join the
 * inventory, its equity the vault's cash. */
static void liq_vault_take(struct liq_sim *sim, size_t p, size_t a, double equity, double notional)
{
    liq_perp_t *pp = sim->perp;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double q = pp->position[j];
        if (q != 0.0) {
            const size_t k = (size_t)pp->position_market[j];
            liq_vault_trade(pp, p, k, q, pp->mark[k]);
            pp->position[j] = 0.0;
        }
    }
    pp->vault_cash[p] += equity;
    pp->vault_taken[p]++;
    pp->margin[a] = 0.0;
    sim->books.liquidations[p]++;
    pp->liquidations[p]++;
    sim->books.seized_value[p] += notional;
    pp->liquidated_notional[p] += notional;
    const liq_liquidation_event_t row = liq_events_liquidation_row(sim, p, a, 0.0, notional, NAN);
    liq_events_liquidation(sim, p, &row);
}

/* Whether account a's partial close can go to the book: every buy can be
 * paid by its pool, and the fills leave the account's value (the closed
 * part at the fills, the rest at the marks) at zero or more; otherwise the
 * account is liquidated whole, where a shortfall is paid for (perp_book.c). */
static bool liq_partial_fills(const struct liq_sim *sim, size_t a, double share, double equity)
{
    const liq_perp_t *pp = sim->perp;
    double value = equity;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double q = pp->position[j] * share;
        if (q == 0.0) {
            continue;
        }
        const int32_t k = pp->position_market[j];
        value -= q * (pp->mark[k] - liq_perp_book_fill(sim, (size_t)k, q, 0.0));
    }
    return value >= 0.0; /* false for a buy the pool cannot pay (-INFINITY, NaN) */
}

/* Closes partial_share of each position of account a (equity > 0) at the
 * marks (with book fills: at the book, liq_perp_book_fill) through the
 * routes; the fee on the closed notional, up to the equity, goes to the
 * insurance fund. */
static void liq_partial_close(struct liq_sim *sim, size_t p, size_t a, double equity,
                              double notional)
{
    liq_perp_t *pp = sim->perp;
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const double price_margin = sim->oracles.price[proto->debt_oracle];
    const double share = proto->partial_share;
    const bool book = proto->perp_fill == LIQ_PERP_FILL_BOOK;
    double fee = 0.0, slippage = 0.0;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double q = pp->position[j] * share;
        if (q == 0.0) {
            continue;
        }
        const size_t k = (size_t)pp->position_market[j];
        const double mark = pp->mark[k];
        const double price = book ? liq_perp_book_fill(sim, k, q, 0.0) : mark;
        pp->margin[a] += liq_perp_pnl(q, pp->entry[j], price) / price_margin;
        slippage += q * (mark - price); /* 0 at the mark */
        pp->position[j] -= q;
        fee += fabs(q) * mark * pp->market_config[k]->liquidation_fee;
        if (q > 0.0) {
            pp->sell[k] += q;
        } else {
            pp->buy[k] -= q;
        }
    }
    /* The fee up to the equity the close left (the book's slippage is gone). */
    const double left = equity - slippage > 0.0 ? equity - slippage : 0.0;
    const double paid = fee < left ? fee : left;
    pp->margin[a] -= paid / price_margin;
    sim->books.insurance_fund[p] += paid;
    pp->fee[p] += paid;
    pp->cooldown_until[a] = sim->round + proto->partial_cooldown;
    sim->books.liquidations[p]++;
    pp->liquidations[p]++;
    sim->books.seized_value[p] += share * notional;
    pp->liquidated_notional[p] += share * notional;
    const liq_liquidation_event_t row =
        liq_events_liquidation_row(sim, p, a, 0.0, share * notional, NAN);
    liq_events_liquidation(sim, p, &row);
}

bool liq_perp_rules(struct liq_sim *sim, size_t p, size_t a, double equity, double maintenance,
                    double notional)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    liq_perp_t *pp = sim->perp;
    if (proto->has_backstop && equity < proto->backstop_ratio * maintenance) {
        const double loss = liq_perp_vault_loss(pp, p) - equity;
        if (loss <= proto->vault_max_drawdown * proto->vault_capital) {
            liq_vault_take(sim, p, a, equity, notional);
            return true;
        }
        return false; /* past the vault's drawdown: closed whole, fund then ADL */
    }
    if (proto->has_partial_liquidation && equity > 0.0 && notional > proto->partial_above &&
        sim->round > pp->cooldown_until[a] &&
        (proto->perp_fill != LIQ_PERP_FILL_BOOK ||
         liq_partial_fills(sim, a, proto->partial_share, equity))) {
        liq_partial_close(sim, p, a, equity, notional);
        return true;
    }
    return false;
}
