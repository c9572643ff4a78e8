/*
 * The flash-loan adversary (MODEL.md s5): at its round it sells into a pool
 * that an oracle reads spot, every liquidation of the round is its own, and
 * it sells back and repays its loan within the round. Three steps inside
 * the round's phases: its first sale ends the arbitrage phase, its
 * liquidations are booked at the start of the venues phase (once every
 * protocol's result is known), and its close ends the venues phase.
 */
#include "engine/sim_internal.h"

/* ------------------------------------------------------------ adversary */

/* The attacker's first sale: right after arbitrage, so this round's oracles
 * reading the pool see the pushed spot. */
void liq_attack_open(struct liq_sim *sim)
{
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    const size_t p = (size_t)adv->pool;
    const liq_pool_config_t *pool = &sim->scenario->pools[p];
    sim->adversary.out = liq_pool_trade(sim, p, adv->sell_token, adv->amount);
    sim->venues.pool_price[p] =
        liq_pool_spot(pool, sim->venues.reserve0[p], sim->venues.reserve1[p]);
    sim->market
        .pool_hist[p * (size_t)sim->market.hist_len + (size_t)(sim->round % sim->market.hist_len)] =
        sim->venues.pool_price[p];
}

/* Every liquidation of the attack round is the attacker's: its keeper
 * profit is the seized collateral at reference prices less the debt it
 * repaid and the gas it paid. Sums in market, then protocol order. */
void liq_attack_liquidations(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    double seized = 0.0, cost = 0.0;
    int64_t count = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        seized +=
            sim->books.market_seized[m] * sim->market.reference_price[sim->books.markets[m].asset];
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        cost += sim->books.repaid_value[p] +
                sc->protocols[p].gas_cost * (double)sim->books.liquidations[p];
        count += sim->books.liquidations[p];
    }
    sim->adversary.liquidations = count;
    sim->adversary.liquidation_profit = seized - cost;
}

/* After the round's liquidation orders: the attacker sells back what its
 * first sale paid, and repays the loan (buying or selling the difference at
 * the reference price) with its fee. */
void liq_attack_close(struct liq_sim *sim)
{
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    const size_t p = (size_t)adv->pool;
    const liq_pool_config_t *pool = &sim->scenario->pools[p];
    const double back = liq_pool_trade(sim, p, 1 - adv->sell_token, sim->adversary.out);
    sim->venues.pool_price[p] =
        liq_pool_spot(pool, sim->venues.reserve0[p], sim->venues.reserve1[p]);
    const int32_t sold = adv->sell_token == 0 ? pool->token0 : pool->token1;
    const double price = sim->market.reference_price[sold];
    sim->adversary.back = back;
    sim->adversary.round_trip = (back - adv->amount) * price;
    sim->adversary.fee = adv->flash_fee * adv->amount * price;
}
