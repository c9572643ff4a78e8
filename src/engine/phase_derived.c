/*
 * Phase 6 of the round, derived quantities (MODEL.md s3): the balance
 * sheets of issued tokens and holdings (src/engine/balance.c: holdings
 * written down, losses drawn from the insurance fund, the issuers'
 * redemption ratios that next round's market phase prices issued tokens
 * with), then the check that prices and reserves stayed finite and
 * positive. Breakers, which MODEL.md also lists here, are evaluated in the
 * oracles phase (src/engine/phase_oracles.c; docs/model-notes.md says why).
 *
 *   reads:  reference prices, the protocols' deficits and funds after the
 *           margin engines, reserves after the venues;
 *   writes: impairment, holdings_value, insurance_fund, deficit, redemption.
 */
#include <math.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

/* ---------------------------------------------------------------- round */

/* Prices and reserves must stay finite and positive. They can leave that
 * range only when the model's own feedback diverges: arbitrage flow moves
 * the reference price, which moves the pool, whose next flow is larger
 * (roughly when kappa times a pool's reserve of an asset exceeds twice that
 * asset's market_depth, see docs/model-notes.md). The run stops there with
 * a message rather than recording NaN. O(assets + pools). */
static int liq_check_state(const struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    for (size_t a = 0; a < sim->n_assets; a++) {
        const double s = sim->market.reference_price[a];
        if (!(isfinite(s) && s > 0.0)) {
            return liq_error_set(LIQ_ENUMERIC,
                                 "round %lld: the reference price of asset '%s' became %g: the "
                                 "feedback between arbitrage and market impact diverged; its "
                                 "market_depth (%g) is too small for the flows it receives",
                                 (long long)sim->round, sc->assets[a].name, s,
                                 sc->assets[a].market_depth);
        }
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        const double x = sim->venues.reserve0[p], y = sim->venues.reserve1[p];
        if (!(isfinite(x) && x > 0.0 && isfinite(y) && y > 0.0)) {
            return liq_error_set(LIQ_ENUMERIC,
                                 "round %lld: the reserves of pool '%s' became %g and %g: the "
                                 "feedback between arbitrage and market impact diverged",
                                 (long long)sim->round, sc->pools[p].name, x, y);
        }
    }
    return LIQ_OK;
}

int liq_phase_derived(struct liq_sim *sim)
{
    liq_balance_step(sim);
    return liq_check_state(sim);
}
