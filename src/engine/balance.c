/*
 * Balance sheets: the second contagion channel of MODEL.md s5, issued tokens
 * and exposures.
 *
 * A protocol may issue assets (a stablecoin, a receipt token, an LST) and may
 * hold assets on its own balance sheet. Its liabilities are the supply of
 * what it issues at the initial price, L = sum supply x E_a(0). Its losses
 * are the bad debt of its accounts plus the write-down of its holdings; both
 * are drawn from the insurance fund first and the rest is its deficit. The
 * redemption value of its tokens is
 *
 *   pro_rata:  rho = min(1, (L + F0 - losses) / L) = 1 - deficit / L  (>= 0)
 *   zero:      rho = 1 while the deficit is 0, then 0
 *
 * (the backing of the supply is the supply itself at the start, so
 * "collateral value + insurance fund" of MODEL.md is L + F0 less the losses
 * realised so far; docs/model-notes.md). The market phase of the next round
 * prices each issued token at E_a(0) x rho, which its pool, its oracles and
 * every protocol that accepts or holds it then see.
 *
 * Holdings are marked at the reference price S_a and written down to the
 * lowest S_a seen so far: the write-down amount x (S_a(0) - min S_a) never
 * reverses, so a loss once taken stays taken, as a deficit does.
 *
 * The phase runs after the venues, per protocol, reading only prices of this
 * round and its own balances: bit-identical for every thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

int liq_balance_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_balance_sheets *b = &sim->balance;
    const size_t na = sim->n_assets, nr = sim->n_protocols;
    b->asset_issuer = liq_calloc(na, sizeof(int32_t));
    b->price_low = liq_calloc(na, sizeof(double));
    b->liabilities = liq_calloc(nr, sizeof(double));
    b->redemption = liq_calloc(nr, sizeof(double));
    b->impairment = liq_calloc(nr, sizeof(double));
    b->holdings_value = liq_calloc(nr, sizeof(double));
    if (!b->asset_issuer || !b->price_low || !b->liabilities || !b->redemption || !b->impairment ||
        !b->holdings_value) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the balance sheets");
    }
    for (size_t a = 0; a < sim->n_assets; a++) {
        sim->balance.asset_issuer[a] = -1;
        sim->balance.price_low[a] = sc->assets[a].price;
    }
    sim->balance.enabled = 0;
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const liq_protocol_config_t *proto = &sc->protocols[p];
        double liabilities = 0.0;
        for (size_t k = 0; k < proto->n_issues; k++) {
            const int32_t a = proto->issues[k].asset;
            sim->balance.asset_issuer[a] = (int32_t)p;
            liabilities += proto->issues[k].supply * sc->assets[a].price;
        }
        double value = 0.0;
        for (size_t k = 0; k < proto->n_holdings; k++) {
            value += proto->holdings[k].amount * sc->assets[proto->holdings[k].asset].price;
        }
        sim->balance.liabilities[p] = liabilities;
        sim->balance.redemption[p] = proto->n_issues > 0 ? 1.0 : (double)NAN;
        sim->balance.impairment[p] = 0.0;
        sim->balance.holdings_value[p] = value;
        sim->balance.enabled |= proto->n_issues > 0 || proto->n_holdings > 0;
    }
    return LIQ_OK;
}

void liq_balance_step(struct liq_sim *sim)
{
    if (!sim->balance.enabled) {
        return;
    }
    const liq_scenario_t *sc = sim->scenario;
    const size_t n = sim->n_protocols;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(n) schedule(static)            \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t p = 0; p < n; p++) {
        const liq_protocol_config_t *proto = &sc->protocols[p];
        if (proto->n_holdings > 0) {
            double value = 0.0, written_down = 0.0;
            for (size_t k = 0; k < proto->n_holdings; k++) {
                const liq_holding_config_t *h = &proto->holdings[k];
                value += h->amount * sim->market.reference_price[h->asset];
                written_down +=
                    h->amount * (sc->assets[h->asset].price - sim->balance.price_low[h->asset]);
            }
            /* price_low only falls, so every term (>= 0: price_low starts at
             * the initial price) and their ordered sum only grow. */
            const double loss = written_down - sim->balance.impairment[p];
            if (loss > 0.0) {
                const double covered =
                    loss < sim->books.insurance_fund[p] ? loss : sim->books.insurance_fund[p];
                sim->books.insurance_fund[p] -= covered;
                sim->books.deficit[p] += loss - covered;
                sim->balance.impairment[p] = written_down;
            }
            sim->balance.holdings_value[p] = value;
        }
        if (proto->n_issues > 0) {
            if (proto->recovery == LIQ_RECOVERY_ZERO) {
                sim->balance.redemption[p] = sim->books.deficit[p] > 0.0 ? 0.0 : 1.0;
            } else {
                const double rho = 1.0 - sim->books.deficit[p] / sim->balance.liabilities[p];
                sim->balance.redemption[p] = rho > 0.0 ? rho : 0.0;
            }
        }
    }
}

void liq_balance_destroy(struct liq_balance_sheets *b)
{
    if (b == NULL) {
        return;
    }
    free(b->asset_issuer);
    free(b->price_low);
    free(b->liabilities);
    free(b->redemption);
    free(b->impairment);
    free(b->holdings_value);
    memset(b, 0, sizeof(*b));
}
