/*
 * What every HDF5 file liqnet writes shares (io/h5_layout.h): HDF5's error
 * printing kept quiet and its innermost message in liqnet's, string and
 * scalar attributes, datasets created chunked and compressed, and the
 * per-round and summary variables of a run file. Split from h5_writer.c, which writes
 * the run file itself.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "io/h5_internal.h"
#include "liqnet/error.h"

/* zlib level of every compressed dataset. */
#define LIQ_H5_DEFLATE_LEVEL 4

/* ------------------------------------------------------ per-round variables */

#define LIQ_VIEW(field) offsetof(liq_state_view_t, field)

const liq_series_def_t liq_series_defs[LIQ_N_SERIES] = {
    {"exogenous_price", LIQ_DIM_ASSET, false, LIQ_VIEW(exogenous_price), "USD per unit",
     "exogenous price E_a(t)", LIQ_SERIES_ALWAYS},
    {"reference_price", LIQ_DIM_ASSET, false, LIQ_VIEW(reference_price), "USD per unit",
     "reference price S_a(t) = E_a(t) exp(-I_a(t)), after market impact", LIQ_SERIES_ALWAYS},
    {"pool_reserve0", LIQ_DIM_POOL, false, LIQ_VIEW(pool_reserve0), "units of token0",
     "pool reserve x of token0 after the venues phase", LIQ_SERIES_ALWAYS},
    {"pool_reserve1", LIQ_DIM_POOL, false, LIQ_VIEW(pool_reserve1), "units of token1",
     "pool reserve y of token1 after the venues phase", LIQ_SERIES_ALWAYS},
    {"pool_price", LIQ_DIM_POOL, false, LIQ_VIEW(pool_price), "token1 per token0",
     "pool spot price y/x after the venues phase", LIQ_SERIES_ALWAYS},
    {"oracle_price", LIQ_DIM_ORACLE, false, LIQ_VIEW(oracle_price), "source price units",
     "published oracle price O(t): USD per unit for market sources, token1 per token0 for "
     "pool sources",
     LIQ_SERIES_ALWAYS},
    {"liquidations", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(liquidations), "count",
     "accounts liquidated in the round", LIQ_SERIES_ALWAYS},
    {"repaid_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(repaid_value), "USD",
     "debt repaid by liquidations in the round, at oracle prices", LIQ_SERIES_ALWAYS},
    {"seized_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(seized_value), "USD",
     "collateral seized by liquidations in the round, at oracle prices", LIQ_SERIES_ALWAYS},
    {"stalled", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(stalled), "count",
     "liquidatable accounts left untouched in the round", LIQ_SERIES_ALWAYS},
    {"bad_debt", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(bad_debt), "USD",
     "cumulative bad debt written off", LIQ_SERIES_ALWAYS},
    {"insurance_fund", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(insurance_fund), "USD",
     "insurance fund after the round", LIQ_SERIES_ALWAYS},
    {"deficit", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(deficit), "USD",
     "cumulative bad debt the insurance fund did not cover", LIQ_SERIES_ALWAYS},
    {"collateral_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(collateral_value), "USD",
     "collateral held by accounts, at oracle prices after the round", LIQ_SERIES_ALWAYS},
    {"debt_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(debt_value), "USD",
     "debt owed by accounts, at oracle prices after the round", LIQ_SERIES_ALWAYS},
    {"impairment", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(impairment), "USD",
     "cumulative write-down of the protocol's holdings (amount x fall of the lowest reference "
     "price)",
     LIQ_SERIES_ALWAYS},
    {"holdings_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(holdings_value), "USD",
     "holdings at reference prices after the round", LIQ_SERIES_ALWAYS},
    {"redemption", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(redemption), "1",
     "redemption ratio of the tokens the protocol issues, in [0, 1]; NaN if it issues none",
     LIQ_SERIES_ALWAYS},
    {"penalty_scale", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(penalty_scale), "1",
     "dynamic penalty: scale on the protocol's liquidation bonuses this round (1 without one)",
     LIQ_SERIES_IF_VIEW},
    {"breaker_active", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(breaker_active), "1",
     "1 while the protocol's circuit breaker holds (liquidations paused or capped), else 0",
     LIQ_SERIES_IF_VIEW},
    {"gas_cost", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(gas_cost), "USD",
     "keepers' gas cost per liquidation this round, with the chain's congestion",
     LIQ_SERIES_IF_VIEW},
    /* Declared chains (issue 13): per protocol, then per chain. */
    {"gas_paid", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(chain_gas_paid), "USD",
     "gas paid by the liquidation transactions the round's blocks included (reverted ones too), "
     "at the gas asset's reference price; 0 for a protocol on no chain",
     LIQ_SERIES_CHAINS},
    {"tx_reverted", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(chain_reverted), "count",
     "included liquidation transactions that reverted (the account was no longer "
     "liquidatable); 0 for a protocol on no chain",
     LIQ_SERIES_CHAINS},
    {"liquidator_profit", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(liquidator_profit), "USD",
     "what the liquidations the round executed made their competing liquidators (keepers."
     "liquidators): gross value (the bonus at oracle prices, or with anticipate_slippage what "
     "the seizure fetches less the debt repaid) - gas paid - each liquidator's cost; a reverted "
     "one loses its gas; 0 for a protocol without liquidators",
     LIQ_SERIES_IF_VIEW},
    {"builder_revenue", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(builder_revenue), "USD",
     "what those liquidations paid block builders: gas x priority fee, the winning bids of the "
     "chain's auction; 0 for a protocol without liquidators",
     LIQ_SERIES_IF_VIEW},
    {"gas_price", LIQ_DIM_CHAIN, false, LIQ_VIEW(chain_gas_price), "gwei per gas",
     "price of getting into the chain's last block so far: its base fee plus its clearing tip "
     "(the lowest priority fee it included when it left out, for room, transactions that could "
     "pay; else 0)",
     LIQ_SERIES_CHAINS},
    {"base_fee", LIQ_DIM_CHAIN, false, LIQ_VIEW(chain_base_fee), "gwei per gas",
     "base fee of the chain's last block so far", LIQ_SERIES_CHAINS},
    {"block_gas_used", LIQ_DIM_CHAIN, false, LIQ_VIEW(chain_gas_used), "1",
     "gas used over the block gas limit, mean over the round's blocks; NaN in a round without "
     "a block",
     LIQ_SERIES_CHAINS},
    {"tx_included", LIQ_DIM_CHAIN, true, LIQ_VIEW(chain_included), "count",
     "liquidation transactions the round's blocks included (reverted ones too)", LIQ_SERIES_CHAINS},
    {"tx_pending", LIQ_DIM_CHAIN, true, LIQ_VIEW(chain_pending), "count",
     "liquidation transactions waiting after the round's blocks (the round's own sends, made "
     "after them, not counted)",
     LIQ_SERIES_CHAINS},
    {"tx_dropped", LIQ_DIM_CHAIN, true, LIQ_VIEW(chain_dropped), "count",
     "liquidation transactions the round's blocks dropped past their deadline", LIQ_SERIES_CHAINS},
    /* The liquidators' capital and bridges (issue 13 item 6). */
    {"keeper_capital", LIQ_DIM_CHAIN, false, LIQ_VIEW(chain_keeper_capital), "USD",
     "liquidators' free capital on the chain after the round (less what pending liquidations "
     "hold); inf where unlimited",
     LIQ_SERIES_CHAINS},
    {"bridge_sent", LIQ_DIM_BRIDGE, false, LIQ_VIEW(bridge_sent), "units of the bridge's asset",
     "sent through the bridge in the round, fee included", LIQ_SERIES_BRIDGES},
    {"bridge_delivered", LIQ_DIM_BRIDGE, false, LIQ_VIEW(bridge_delivered),
     "units of the bridge's asset", "arrived through the bridge in the round", LIQ_SERIES_BRIDGES},
    {"bridge_in_flight", LIQ_DIM_BRIDGE, false, LIQ_VIEW(bridge_in_flight),
     "units of the bridge's asset", "on the way through the bridge after the round",
     LIQ_SERIES_BRIDGES},
    {"bridge_fees", LIQ_DIM_BRIDGE, false, LIQ_VIEW(bridge_fees), "units of the bridge's asset",
     "kept by the bridge from the round's transfers", LIQ_SERIES_BRIDGES},
    {"cross_liquidations", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(cross_liquidations), "count",
     "cross-margin accounts liquidated in the round (included in liquidations)",
     LIQ_SERIES_IF_VIEW},
    {"cross_debt_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(cross_debt_value), "USD",
     "debt owed by cross-margin accounts, at oracle prices after the round (included in "
     "debt_value)",
     LIQ_SERIES_IF_VIEW},
    {"stability_deposits", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(stability_deposits),
     "debt-asset units", "stability pool deposits after the round; 0 without a pool",
     LIQ_SERIES_IF_VIEW},
    {"stability_collateral", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(stability_collateral),
     "collateral units", "collateral the stability pool's depositors hold after the round",
     LIQ_SERIES_IF_VIEW},
    {"stability_offset", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(stability_offset), "debt-asset units",
     "debt offset against the stability pool in the round", LIQ_SERIES_IF_VIEW},
    {"redistributed_debt", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(stability_redistributed_debt),
     "debt-asset units", "debt redistributed to the open troves in the round", LIQ_SERIES_IF_VIEW},
    {"redistributed_collateral", LIQ_DIM_PROTOCOL, false,
     LIQ_VIEW(stability_redistributed_collateral), "collateral units",
     "collateral redistributed to the open troves in the round", LIQ_SERIES_IF_VIEW},
    {"stability_sold", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(stability_sold), "collateral units",
     "collateral the stability pool's depositors sold on the route in the round",
     LIQ_SERIES_IF_VIEW},
    {"stability_surplus", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(stability_surplus), "collateral units",
     "cumulative collateral returned to owners by recovery-mode (capped) liquidations",
     LIQ_SERIES_IF_VIEW},
    {"recovery_mode", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(recovery_mode), "flag",
     "1 when the round's liquidations ran in recovery mode (TCR < CCR at the round's start)",
     LIQ_SERIES_IF_VIEW},
    {"tcr", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(tcr), "1",
     "total collateral ratio (collateral value / debt value) after the round; NaN without a "
     "pool",
     LIQ_SERIES_IF_VIEW},
    {"auctions_started", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(auction_started), "count",
     "Dutch auctions started in the round (included in liquidations)", LIQ_SERIES_IF_VIEW},
    {"auctions_active", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(auction_active), "count",
     "Dutch auctions running after the round", LIQ_SERIES_IF_VIEW},
    {"auction_sold_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(auction_sold_value), "USD",
     "collateral keepers bought from auctions in the round, at oracle prices", LIQ_SERIES_IF_VIEW},
    {"auction_raised", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(auction_raised), "debt units",
     "debt asset raised by auctions in the round", LIQ_SERIES_IF_VIEW},
    {"keeper_rewards", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(keeper_rewards), "USD",
     "keeper rewards tip + chip x tab paid for kicks and resets in the round", LIQ_SERIES_IF_VIEW},
    {"auction_bad_debt", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(auction_bad_debt), "USD",
     "cumulative bad debt of auctions that ran out of collateral (included in bad_debt)",
     LIQ_SERIES_IF_VIEW},
    {"auction_tab", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(auction_tab), "debt units",
     "tab still to be raised by running auctions after the round", LIQ_SERIES_IF_VIEW},
    /* English auctions (flip.sol): one block, after the Dutch auctions'. */
    {"flip_kicked", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(flip_kicked), "count",
     "English auctions bitten into being in the round (included in liquidations)",
     LIQ_SERIES_IF_VIEW},
    {"flip_active", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(flip_active), "count",
     "English auctions running after the round", LIQ_SERIES_IF_VIEW},
    {"flip_bids", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(flip_bids), "count",
     "tends and dents that ran in the round (on a chain: included and not reverted)",
     LIQ_SERIES_IF_VIEW},
    {"flip_deals", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(flip_deals), "count",
     "English auctions dealt in the round", LIQ_SERIES_IF_VIEW},
    {"flip_zero_wins", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(flip_zero_wins), "count",
     "deals in the round whose winning bid was at most 1e-44 DAI (10 x the 1e-45 minimum bid)",
     LIQ_SERIES_IF_VIEW},
    {"flip_raised", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(flip_raised), "debt units",
     "debt asset the round's tends paid to the protocol", LIQ_SERIES_IF_VIEW},
    {"flip_sold_units", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(flip_sold_units), "collateral units",
     "collateral dealt to English auctions' winners in the round, summed over markets",
     LIQ_SERIES_IF_VIEW},
    {"flip_sold_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(flip_sold_value), "USD",
     "collateral dealt to English auctions' winners in the round, at oracle prices",
     LIQ_SERIES_IF_VIEW},
    {"flip_bad_debt", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(flip_bad_debt), "USD",
     "cumulative debt English auctions' deals did not raise (included in bad_debt)",
     LIQ_SERIES_IF_VIEW},
    /* Borrowers who act (an account generator's borrowers; issue 13 item 3). */
    {"borrower_included", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(borrower_included), "count",
     "borrowers' top-ups and repayments that landed in the round", LIQ_SERIES_IF_VIEW},
    {"borrower_failed", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(borrower_failed), "count",
     "borrowers' actions that failed in the round: the account was liquidated before the action "
     "landed, or its transaction was dropped at its deadline",
     LIQ_SERIES_IF_VIEW},
    {"borrower_included_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(borrower_included_value), "USD",
     "collateral added or debt repaid by the actions that landed, at the round's oracle prices",
     LIQ_SERIES_IF_VIEW},
    {"borrower_failed_value", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(borrower_failed_value), "USD",
     "what the failed actions would have added or repaid, at the round's oracle prices",
     LIQ_SERIES_IF_VIEW},
    {"borrower_gas_paid", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(borrower_gas_paid), "USD",
     "gas the borrowers' included transactions paid, at the gas asset's reference price",
     LIQ_SERIES_IF_VIEW},
    {"perp_liquidations", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(perp_liquidations), "count",
     "perp accounts liquidated in the round (included in liquidations)", LIQ_SERIES_IF_VIEW},
    {"liquidated_notional", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(liquidated_notional), "USD",
     "perp notional closed by liquidations in the round, at the mark (also seized_value)",
     LIQ_SERIES_IF_VIEW},
    {"adl_volume", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(adl_volume), "USD",
     "perp notional reduced by auto-deleveraging in the round, at the mark", LIQ_SERIES_IF_VIEW},
    {"adl_count", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(adl_count), "count",
     "perp positions reduced by auto-deleveraging in the round", LIQ_SERIES_IF_VIEW},
    {"adl_covered", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(adl_covered), "USD",
     "cumulative perp losses covered by auto-deleveraging (bad_debt = fund payments + "
     "adl_covered + deficit)",
     LIQ_SERIES_IF_VIEW},
    {"open_interest_long", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(open_interest_long), "USD",
     "open long perp notional at the mark after the round", LIQ_SERIES_IF_VIEW},
    {"open_interest_short", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(open_interest_short), "USD",
     "open short perp notional at the mark after the round", LIQ_SERIES_IF_VIEW},
    {"vault_loss", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(vault_loss), "USD",
     "the liquidator vault's loss after the round at the marks (cash paid and taken over, "
     "inventory at the marks)",
     LIQ_SERIES_IF_VIEW},
    {"vault_taken", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(vault_taken), "count",
     "accounts the liquidator vault took over, cumulative", LIQ_SERIES_IF_VIEW},
    {"vault_covered", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(vault_covered), "USD",
     "book-fill shortfalls the liquidator vault paid, cumulative", LIQ_SERIES_IF_VIEW},
    /* A perp generator's living population (accounts[i].flow, issue 14). */
    {"perp_opened", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(perp_opened), "count",
     "perp positions opened by arrivals in the round, at the mark", LIQ_SERIES_IF_VIEW},
    {"perp_closed", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(perp_closed), "count",
     "perp positions their owners closed in the round, at the mark", LIQ_SERIES_IF_VIEW},
    {"perp_refused", LIQ_DIM_PROTOCOL, true, LIQ_VIEW(perp_refused), "count",
     "arrivals in the round that found none of their generator's capacity free",
     LIQ_SERIES_IF_VIEW},
    {"liquidated_long", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(liquidated_long), "USD",
     "long perp notional closed by liquidations in the round, at the mark (part of "
     "liquidated_notional)",
     LIQ_SERIES_IF_VIEW},
    {"liquidated_short", LIQ_DIM_PROTOCOL, false, LIQ_VIEW(liquidated_short), "USD",
     "short perp notional closed by liquidations in the round, at the mark (part of "
     "liquidated_notional)",
     LIQ_SERIES_IF_VIEW},
};

_Static_assert(sizeof(liq_series_defs) / sizeof(liq_series_defs[0]) == LIQ_N_SERIES,
               "LIQ_N_SERIES must count the rows of liq_series_defs");

bool liq_h5_series_find(const char *name, liq_h5_dim_t *dim, bool *integer, size_t *offset)
{
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        if (strcmp(liq_series_defs[s].name, name) == 0) {
            *dim = liq_series_defs[s].dim;
            *integer = liq_series_defs[s].integer;
            *offset = liq_series_defs[s].offset;
            return true;
        }
    }
    return false;
}

void liq_h5_series_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        const char *name = liq_series_defs[s].name;
        const size_t need = strlen(name) + (s > 0 ? 2 : 0);
        if (used + need + 4 >= size) {
            snprintf(buf + used, size - used, "%s...", s > 0 ? ", " : "");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", s > 0 ? ", " : "", name);
    }
}

/* ------------------------------------------------------ summary variables */

#define LIQ_SUM(field) offsetof(liq_summary_t, field)

const liq_summary_def_t liq_summary_defs[] = {
    {"amplification", LIQ_DIM_ORACLE, false, LIQ_SUM(amplification), "1",
     "max drawdown of the oracle price over max drawdown of the exogenous price of its asset "
     "(NaN when that price never fell)"},
    {"oracle_drawdown", LIQ_DIM_ORACLE, false, LIQ_SUM(oracle_drawdown), "1",
     "maximum drawdown of the oracle price over the run, in [0, 1]"},
    {"exogenous_drawdown", LIQ_DIM_ORACLE, false, LIQ_SUM(exogenous_drawdown), "1",
     "maximum drawdown of the exogenous price of the oracle's asset, in [0, 1]"},
    {"total_liquidations", LIQ_DIM_PROTOCOL, true, LIQ_SUM(liquidations), "count",
     "accounts liquidated over the run"},
    {"liquidated_value", LIQ_DIM_PROTOCOL, false, LIQ_SUM(liquidated_value), "USD",
     "collateral seized over the run, at oracle prices"},
    {"total_repaid_value", LIQ_DIM_PROTOCOL, false, LIQ_SUM(repaid_value), "USD",
     "debt repaid by liquidations over the run, at oracle prices"},
    {"total_stalled", LIQ_DIM_PROTOCOL, true, LIQ_SUM(stalled), "account-rounds",
     "liquidatable accounts left untouched, summed over rounds"},
    {"final_bad_debt", LIQ_DIM_PROTOCOL, false, LIQ_SUM(bad_debt), "USD",
     "cumulative bad debt at the end of the run"},
    {"final_deficit", LIQ_DIM_PROTOCOL, false, LIQ_SUM(deficit), "USD",
     "cumulative deficit (bad debt not covered by the fund) at the end of the run"},
    {"insurance_drawdown", LIQ_DIM_PROTOCOL, false, LIQ_SUM(insurance_drawdown), "USD",
     "initial insurance fund minus final insurance fund"},
    {"final_impairment", LIQ_DIM_PROTOCOL, false, LIQ_SUM(impairment), "USD",
     "cumulative write-down of holdings at the end of the run"},
    {"breaker_rounds", LIQ_DIM_PROTOCOL, true, LIQ_SUM(breaker_rounds), "rounds",
     "rounds in which the protocol's circuit breaker held"},
    {"peak_penalty_scale", LIQ_DIM_PROTOCOL, false, LIQ_SUM(peak_penalty_scale), "1",
     "largest scale the dynamic penalty put on the protocol's bonuses (1 without one)"},
    {"total_adl_volume", LIQ_DIM_PROTOCOL, false, LIQ_SUM(adl_volume), "USD",
     "perp notional auto-deleveraged over the run, at the mark; 0 for other protocols"},
    {"first_failure_round", LIQ_DIM_PROTOCOL, true, LIQ_SUM(first_failure), "round",
     "first round with bad debt or deficit > 0; -1 if none"},
    {"total_stability_offset", LIQ_DIM_PROTOCOL, false, LIQ_SUM(stability_offset),
     "debt-asset units", "debt offset against the stability pool over the run; 0 without a pool"},
    {"total_redistributed_debt", LIQ_DIM_PROTOCOL, false, LIQ_SUM(redistributed_debt),
     "debt-asset units", "debt redistributed to the open troves over the run; 0 without a pool"},
    {"total_stability_gain", LIQ_DIM_PROTOCOL, false, LIQ_SUM(stability_gain), "collateral units",
     "collateral the stability pool's depositors gained over the run; 0 without a pool"},
    {"recovery_rounds", LIQ_DIM_PROTOCOL, true, LIQ_SUM(recovery_rounds), "rounds",
     "rounds whose liquidations ran in recovery mode; 0 without a pool"},
    {"total_auctions", LIQ_DIM_PROTOCOL, true, LIQ_SUM(auctions), "count",
     "Dutch auctions started over the run; 0 for protocols that liquidate at once"},
    {"total_auction_sold_value", LIQ_DIM_PROTOCOL, false, LIQ_SUM(auction_sold_value), "USD",
     "collateral keepers bought from Dutch auctions over the run, at oracle prices"},
    {"total_auction_raised", LIQ_DIM_PROTOCOL, false, LIQ_SUM(auction_raised), "debt units",
     "debt asset raised by Dutch auctions over the run"},
    {"total_keeper_rewards", LIQ_DIM_PROTOCOL, false, LIQ_SUM(keeper_rewards), "USD",
     "keeper rewards (tip + chip x tab) paid over the run"},
    {"final_auction_bad_debt", LIQ_DIM_PROTOCOL, false, LIQ_SUM(auction_bad_debt), "USD",
     "bad debt of Dutch auctions whose lot ran out, at the end of the run (in final_bad_debt)"},
    {"final_auction_tab", LIQ_DIM_PROTOCOL, false, LIQ_SUM(auction_tab), "debt units",
     "tab still to raise in Dutch auctions running at the end of the run (not bad debt)"},
    {"cascade_length", -1, true, LIQ_SUM(cascade_length), "rounds",
     "last_liquidation_round - first_liquidation_round + 1; 0 if no liquidation"},
    {"first_liquidation_round", -1, true, LIQ_SUM(first_liquidation), "round",
     "first round >= last_exogenous_move_round with a liquidation; -1 if none"},
    {"last_liquidation_round", -1, true, LIQ_SUM(last_liquidation), "round",
     "last round with a liquidation; -1 if none"},
    {"last_exogenous_move_round", -1, true, LIQ_SUM(last_exogenous_move), "round",
     "last round with a nonzero exogenous log return; 0 if none"},
    {"peak_liquidation_round", -1, true, LIQ_SUM(peak_round), "round",
     "round with the largest liquidated value; -1 if none"},
    {"peak_liquidated_value", -1, false, LIQ_SUM(peak_value), "USD",
     "collateral seized in peak_liquidation_round, all protocols"},
    {"total_liquidated_value", -1, false, LIQ_SUM(total_liquidated_value), "USD",
     "collateral seized over the run, all protocols"},
    {"total_bad_debt", -1, false, LIQ_SUM(total_bad_debt), "USD",
     "bad debt at the end of the run, all protocols"},
    {"total_deficit", -1, false, LIQ_SUM(total_deficit), "USD",
     "deficit at the end of the run, all protocols"},
    {"failed_protocols", -1, true, LIQ_SUM(failed_protocols), "count",
     "protocols with bad debt or deficit > 0 at the end of the run"},
    {"ecosystem_adl_volume", -1, false, LIQ_SUM(total_adl_volume), "USD",
     "perp notional auto-deleveraged over the run, all protocols"},
    {"adversary_profit", -1, false, LIQ_SUM(adversary_profit), "USD",
     "flash-loan attacker's profit: liquidation profit + round trip - flash fee; NaN without "
     "an adversary"},
    {"adversary_liquidation_profit", -1, false, LIQ_SUM(adversary_liquidation_profit), "USD",
     "attacker's keeper profit in its round: seized collateral at reference prices - repaid "
     "debt - gas; NaN without an adversary"},
    {"adversary_round_trip", -1, false, LIQ_SUM(adversary_round_trip), "USD",
     "attacker's pool round trip: (units sold back - units borrowed) x reference price; NaN "
     "without an adversary"},
    {"adversary_flash_fee", -1, false, LIQ_SUM(adversary_flash_fee), "USD",
     "flash-loan fee paid; NaN without an adversary"},
    {"adversary_liquidations", -1, true, LIQ_SUM(adversary_liquidations), "count",
     "liquidations in the attack round, all the attacker's; -1 without an adversary"},
};

#define LIQ_N_SUMMARY (sizeof(liq_summary_defs) / sizeof(liq_summary_defs[0]))
const size_t liq_summary_defs_count = LIQ_N_SUMMARY;

/* ------------------------------------------------------------ HDF5 errors */

void liq_h5_quiet_begin(liq_h5_quiet_t *q)
{
    q->saved = H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data) >= 0;
    /* If this fails HDF5 may print to stderr; our own messages still hold. */
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void liq_h5_quiet_end(const liq_h5_quiet_t *q)
{
    if (q->saved) {
        (void)H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
    }
}

static herr_t liq_h5_innermost(unsigned n, const H5E_error2_t *err, void *data)
{
    /* The walk goes upward, so position 0 is the most specific entry: the
     * one that says what actually went wrong (errno, missing object...). */
    if (n == 0 && err->desc != NULL) {
        snprintf(data, 256, "%s", err->desc);
    }
    return 0;
}

/* "PATH: HDF5 error: WHAT: innermost HDF5 message", code LIQ_EHDF5. Must
 * run right after the failing call, before another call clears the stack. */
int liq_h5_fail(const char *path, const char *fmt, ...)
{
    char detail[256] = "";
    (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, liq_h5_innermost, detail);
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return liq_error_set(LIQ_EHDF5, "%s: HDF5 error: %s%s%s", path, what,
                         detail[0] != '\0' ? ": " : "", detail);
}

/* ------------------------------------------------------------ attributes */

/* Variable-length UTF-8 string type, the type h5py and netCDF-4 read as a
 * Python str (fixed-length strings come back as bytes). */
hid_t liq_h5_string_type(void)
{
    const hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0) {
        return type;
    }
    if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return -1;
    }
    return type;
}

/* Writes (creating it if needed) a scalar attribute of type `type`. */
int liq_h5_attr_write(const char *path, hid_t obj, const char *name, hid_t type, const void *value)
{
    const htri_t exists = H5Aexists(obj, name);
    if (exists < 0) {
        return liq_h5_fail(path, "cannot look up attribute '%s'", name);
    }
    hid_t attr = -1;
    if (exists > 0) {
        attr = H5Aopen(obj, name, H5P_DEFAULT);
    } else {
        const hid_t space = H5Screate(H5S_SCALAR);
        if (space < 0) {
            return liq_h5_fail(path, "cannot create the dataspace of attribute '%s'", name);
        }
        attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Sclose(space);
    }
    if (attr < 0) {
        return liq_h5_fail(path, "cannot create attribute '%s'", name);
    }
    int rc = LIQ_OK;
    if (H5Awrite(attr, type, value) < 0) {
        rc = liq_h5_fail(path, "cannot write attribute '%s'", name);
    }
    if (H5Aclose(attr) < 0 && rc == LIQ_OK) {
        rc = liq_h5_fail(path, "cannot close attribute '%s'", name);
    }
    return rc;
}

int liq_h5_attr_string(const char *path, hid_t obj, const char *name, const char *value)
{
    const hid_t type = liq_h5_string_type();
    if (type < 0) {
        return liq_h5_fail(path, "cannot make the string type of attribute '%s'", name);
    }
    const char *text = value != NULL ? value : "";
    const int rc = liq_h5_attr_write(path, obj, name, type, &text);
    H5Tclose(type);
    return rc;
}

int liq_h5_attr_int64(const char *path, hid_t obj, const char *name, int64_t value)
{
    return liq_h5_attr_write(path, obj, name, H5T_NATIVE_INT64, &value);
}

/* units and long_name, as CF and xarray expect them. */
int liq_h5_describe(const char *path, hid_t ds, const char *units, const char *long_name)
{
    int rc = liq_h5_attr_string(path, ds, "units", units);
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(path, ds, "long_name", long_name);
    }
    return rc;
}

/* -------------------------------------------------------------- datasets */

/* Closes a dataset id if open; returns LIQ_OK or the HDF5 error. */
int liq_h5_close_ds(const char *path, hid_t *ds, const char *name)
{
    int rc = LIQ_OK;
    if (*ds >= 0 && H5Dclose(*ds) < 0) {
        rc = liq_h5_fail(path, "cannot close dataset '%s'", name);
    }
    *ds = -1;
    return rc;
}

/*
 * Creates a dataset of `rank` (1 or 2) with current dims `dims`. Chunked
 * (chunk != NULL) datasets are extendible along axis 0 and compressed with
 * shuffle + deflate; the others are contiguous and fixed.
 */
int liq_h5_create_ds(hid_t *out, const char *path, hid_t loc, const char *name, hid_t type,
                     int rank, const hsize_t *dims, const hsize_t *chunk)
{
    *out = -1;
    hsize_t maxdims[2] = {0, 0};
    for (int k = 0; k < rank; k++) {
        maxdims[k] = dims[k];
    }
    if (chunk != NULL) {
        maxdims[0] = H5S_UNLIMITED;
        /* HDF5 wants chunk <= maxdims on fixed axes, and a chunk is never 0
         * wide; a dimension of 0 entities (no pools) gets room for 1. */
        for (int k = 1; k < rank; k++) {
            if (maxdims[k] < chunk[k]) {
                maxdims[k] = chunk[k];
            }
        }
    }
    const hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, maxdims);
    if (space < 0) {
        return liq_h5_fail(path, "cannot create the dataspace of '%s'", name);
    }
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int rc = LIQ_OK;
    if (dcpl < 0) {
        rc = liq_h5_fail(path, "cannot create the properties of '%s'", name);
    } else if (H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) <
               0) {
        rc = liq_h5_fail(path, "cannot set attribute order of '%s'", name);
    } else if (chunk != NULL && (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
                                 H5Pset_deflate(dcpl, LIQ_H5_DEFLATE_LEVEL) < 0)) {
        rc = liq_h5_fail(path, "cannot set chunking and compression of '%s'", name);
    }
    if (rc == LIQ_OK) {
        *out = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (*out < 0) {
            rc = liq_h5_fail(path, "cannot create dataset '%s'", name);
        }
    }
    if (dcpl >= 0) {
        H5Pclose(dcpl);
    }
    H5Sclose(space);
    return rc;
}
