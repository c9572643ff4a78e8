/*
 * Writes a small liqnet output file through the HDF5 writer alone (no
 * simulation), for tests/check_xarray.py to open with xarray and h5netcdf.
 *
 * Usage: write_sample_h5 OUT.h5 [--no-pools]
 *
 * Two assets, one pool (none with --no-pools: the zero-length dimension
 * that netCDF readers must accept), two oracles and two protocols, 12 rounds
 * flushed every 5, so the last flush is a partial batch written by finish.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/io.h"

#define ROUNDS 12

int main(int argc, char **argv)
{
    if (argc < 2 || (argc == 3 && strcmp(argv[2], "--no-pools") != 0) || argc > 3) {
        fprintf(stderr, "usage: write_sample_h5 OUT.h5 [--no-pools]\n");
        return 2;
    }
    const size_t n_pools = argc == 3 ? 0 : 1;

    liq_asset_config_t assets[2] = {{.name = "WETH", .price = 2000.0},
                                    {.name = "USDC", .price = 1.0}};
    liq_pool_config_t pools[1] = {{.name = "WETH-USDC", .token0 = 0, .token1 = 1}};
    liq_oracle_config_t oracles[2] = {{.name = "ETH", .asset = 0, .pool = -1},
                                      {.name = "USD", .asset = 1, .pool = -1}};
    liq_protocol_config_t protocols[2] = {{.name = "Lender"}, {.name = "Ünïcode-Lender"}};
    liq_scenario_t sc = {.name = "sample",
                         .rounds = ROUNDS,
                         .flush_every = 5,
                         .n_assets = 2,
                         .assets = assets,
                         .n_pools = n_pools,
                         .pools = pools,
                         .n_oracles = 2,
                         .oracles = oracles,
                         .n_protocols = 2,
                         .protocols = protocols};

    double exo[2], ref[2], r0[1], r1[1], pp[1], orc[2];
    double repaid[2], seized[2], bad[2], fund[2], deficit[2], coll[2], debt[2];
    double impair[2] = {0.0, 0.0}, held[2] = {0.0, 0.0}, redeem[2] = {NAN, NAN};
    int64_t liqs[2], stalled[2];
    liq_state_view_t v = {.n_assets = 2,
                          .n_pools = n_pools,
                          .n_oracles = 2,
                          .n_protocols = 2,
                          .exogenous_price = exo,
                          .reference_price = ref,
                          .pool_reserve0 = r0,
                          .pool_reserve1 = r1,
                          .pool_price = pp,
                          .oracle_price = orc,
                          .liquidations = liqs,
                          .repaid_value = repaid,
                          .seized_value = seized,
                          .stalled = stalled,
                          .bad_debt = bad,
                          .insurance_fund = fund,
                          .deficit = deficit,
                          .collateral_value = coll,
                          .debt_value = debt,
                          .impairment = impair,
                          .holdings_value = held,
                          .redemption = redeem};

    liq_h5_writer_t *w = NULL;
    const liq_h5_options_t options = {
        .force = true, .flush_every = 5, .scenario_yaml = "name: sample\nrounds: 12\n", .seed = 7};
    int rc = LIQ_OK;
    for (int64_t t = 0; t <= ROUNDS && rc == LIQ_OK; t++) {
        const double drop = exp(-0.01 * (double)t);
        v.round = t;
        exo[0] = 2000.0 * drop;
        exo[1] = 1.0;
        ref[0] = exo[0] * 0.999;
        ref[1] = 1.0;
        r0[0] = 1000.0 / drop;
        r1[0] = 2.0e6 * drop;
        pp[0] = r1[0] / r0[0];
        orc[0] = ref[0];
        orc[1] = 1.0;
        for (int p = 0; p < 2; p++) {
            liqs[p] = t > 3 ? t - 3 + p : 0;
            stalled[p] = p;
            repaid[p] = 100.0 * (double)liqs[p];
            seized[p] = 105.0 * (double)liqs[p];
            bad[p] = 0.0;
            fund[p] = 1.0e5;
            deficit[p] = 0.0;
            coll[p] = 1.0e7 * drop;
            debt[p] = 6.0e6;
        }
        rc = t == 0 ? liq_h5_writer_create(&w, argv[1], &sc, &v, &options)
                    : liq_h5_writer_append(w, &v);
    }
    if (rc != LIQ_OK) {
        fprintf(stderr, "write_sample_h5: %s\n", liq_errmsg());
        liq_h5_writer_destroy(w);
        return 1;
    }

    double amplification[2] = {1.0, NAN}, oracle_dd[2] = {0.11, 0.0}, exo_dd[2] = {0.11, 0.0};
    int64_t total_liqs[2] = {45, 54}, total_stalled[2] = {0, 12}, first_failure[2] = {-1, -1};
    double liquidated[2] = {4725.0, 5670.0}, total_repaid[2] = {4500.0, 5400.0};
    double zero[2] = {0.0, 0.0}, one[2] = {1.0, 1.0};
    int64_t no_rounds[2] = {0, 0}, zero_count[2] = {0, 0}, no_auctions[2] = {0, 0};
    const liq_summary_t summary = {.n_oracles = 2,
                                   .n_protocols = 2,
                                   .rounds = ROUNDS,
                                   .amplification = amplification,
                                   .oracle_drawdown = oracle_dd,
                                   .exogenous_drawdown = exo_dd,
                                   .last_exogenous_move = ROUNDS,
                                   .first_liquidation = 4,
                                   .last_liquidation = ROUNDS,
                                   .cascade_length = ROUNDS - 3,
                                   .peak_round = ROUNDS,
                                   .peak_value = 1995.0,
                                   .liquidations = total_liqs,
                                   .liquidated_value = liquidated,
                                   .repaid_value = total_repaid,
                                   .stalled = total_stalled,
                                   .bad_debt = zero,
                                   .deficit = zero,
                                   .insurance_drawdown = zero,
                                   .impairment = zero,
                                   .breaker_rounds = no_rounds,
                                   .peak_penalty_scale = one,
                                   .first_failure = first_failure,
                                   .stability_offset = zero,
                                   .redistributed_debt = zero,
                                   .stability_gain = zero,
                                   .recovery_rounds = zero_count,
                                   .auctions = no_auctions,
                                   .auction_sold_value = zero,
                                   .auction_raised = zero,
                                   .keeper_rewards = zero,
                                   .auction_bad_debt = zero,
                                   .auction_tab = zero,
                                   .adl_volume = zero,
                                   .total_liquidations = 99,
                                   .total_liquidated_value = 10395.0,
                                   .total_bad_debt = 0.0,
                                   .total_deficit = 0.0,
                                   .failed_protocols = 0,
                                   .adversary_profit = NAN,
                                   .adversary_liquidation_profit = NAN,
                                   .adversary_round_trip = NAN,
                                   .adversary_flash_fee = NAN,
                                   .adversary_liquidations = -1};
    rc = liq_h5_writer_finish(w, &summary, "complete");
    if (rc != LIQ_OK) {
        fprintf(stderr, "write_sample_h5: %s\n", liq_errmsg());
        return 1;
    }
    return 0;
}
