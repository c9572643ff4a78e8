/*
 * The two benchmark ecosystems. Both are the demo's world (WETH collateral
 * against USDC debt, a USD 40M WETH/USDC pool, Chainlink-style oracles, an
 * Aave-like and a Compound-like lender) at any number of accounts:
 *
 * - calm: health uniform in [1.05, 3] (no account within 5% of liquidation)
 *   and a driftless GBM of 50% annual volatility, 0.03% per 12 s round, so
 *   that over a 1,000-round run no account becomes liquidatable. A full scan
 *   still reads every account every round; an index should read almost none.
 * - cascade: health lognormal (median 1.6, sigma 0.3: about 6% of accounts
 *   start below 1), a 5% crash in round 1 and then a GBM falling 0.06% a
 *   round with 100% volatility, sold into the shallow pool. The Aave-like
 *   lender liquidates at most accounts/500 a round, so a queue of stalled
 *   accounts forms: rounds 1 to about 60 each hold 3 to 8% of all accounts
 *   liquidatable and about 500 of the 1,000 rounds liquidate something
 *   (measured at 10^5 accounts with the liqnet program).
 *
 * Account values are lognormal (sigma 1) with median 1e8/accounts USD and
 * keepers have no gas cost, so the dynamics are the same at every size.
 */
#include "bench_scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"

int liq_bench_kind_parse(const char *name)
{
    if (strcmp(name, "calm") == 0) {
        return LIQ_BENCH_CALM;
    }
    if (strcmp(name, "cascade") == 0) {
        return LIQ_BENCH_CASCADE;
    }
    return -1;
}

const char *liq_bench_kind_name(liq_bench_kind_t kind)
{
    return kind == LIQ_BENCH_CALM ? "calm" : "cascade";
}

static const char liq_bench_yaml_format[] =
    "name: bench-%s\n"
    "rounds: %lld\n"
    "round_seconds: 12\n"
    "seed: 7\n"
    "output: {flush_every: 100}\n"
    "assets:\n"
    "  - {name: WETH, price: 2000, market_depth: 50000, market_resilience: 0.02}\n"
    "  - {name: USDC, price: 1}\n"
    "pools:\n"
    "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 10000, reserve1: 2.0e7,\n"
    "     fee: 0.003, arbitrage: 0.5}\n"
    "oracles:\n"
    "  - {name: ETH/USD, source: market, asset: WETH, heartbeat: 1h, deviation: 0.005}\n"
    "  - {name: USDC/USD, source: market, asset: USDC, heartbeat: 1d, deviation: 0.001}\n"
    "protocols:\n"
    "  - name: AaveLike\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USDC/USD\n"
    "    insurance_fund: 2.0e6\n"
    "    keepers: {gas_cost: 0, max_liquidations: %lld}\n"
    "    markets:\n"
    "      - {asset: WETH, oracle: ETH/USD, route: WETH-USDC, liquidation_threshold: 0.83,\n"
    "         liquidation_bonus: 0.05, close_factor: 0.5, full_close_health: 0.95}\n"
    "  - name: CompoundLike\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USDC/USD\n"
    "    insurance_fund: 1.0e6\n"
    "    keepers: {gas_cost: 0}\n"
    "    markets:\n"
    "      - {asset: WETH, oracle: ETH/USD, route: WETH-USDC, liquidation_threshold: 0.895,\n"
    "         liquidation_bonus: 0.0526, close_factor: 1.0, full_close_health: 1.0}\n"
    "accounts:\n"
    "  - protocol: AaveLike\n"
    "    market: WETH\n"
    "    count: %lld\n"
    "    size: {distribution: lognormal, median: %.17g, sigma: 1.0}\n"
    "    health: %s\n"
    "  - protocol: CompoundLike\n"
    "    market: WETH\n"
    "    count: %lld\n"
    "    size: {distribution: lognormal, median: %.17g, sigma: 1.0}\n"
    "    health: %s\n"
    "shocks:\n"
    "%s";

static const char liq_bench_calm_health[] = "{distribution: uniform, min: 1.05, max: 3.0}";
static const char liq_bench_cascade_health[] = "{distribution: lognormal, median: 1.6, sigma: 0.3}";
static const char liq_bench_calm_shocks[] = "  - {type: gbm, asset: WETH, volatility: 0.5}\n";
static const char liq_bench_cascade_shocks[] =
    "  - type: schedule\n"
    "    asset: WETH\n"
    "    steps:\n"
    "      - {round: 1, return: -0.05}\n"
    "  - {type: gbm, asset: WETH, drift: -1500, volatility: 1.0}\n";

int liq_bench_scenario_yaml(char **out, liq_bench_kind_t kind, int64_t accounts, int64_t rounds)
{
    *out = NULL;
    const long long first = (long long)(accounts * 6 / 10);
    const long long second = (long long)accounts - first;
    const long long throughput = accounts / 500 > 1 ? (long long)(accounts / 500) : 1;
    const double median = 1e8 / (double)(accounts > 0 ? accounts : 1);
    const char *health = kind == LIQ_BENCH_CALM ? liq_bench_calm_health : liq_bench_cascade_health;
    const char *shocks = kind == LIQ_BENCH_CALM ? liq_bench_calm_shocks : liq_bench_cascade_shocks;
    const char *name = liq_bench_kind_name(kind);
    const int len = snprintf(NULL, 0, liq_bench_yaml_format, name, (long long)rounds, throughput,
                             first, median, health, second, median, health, shocks);
    if (len < 0) {
        return liq_error_set(LIQ_EINVAL, "benchmark scenario: formatting failed");
    }
    char *text = malloc((size_t)len + 1);
    if (text == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for a benchmark scenario");
    }
    snprintf(text, (size_t)len + 1, liq_bench_yaml_format, name, (long long)rounds, throughput,
             first, median, health, second, median, health, shocks);
    *out = text;
    return LIQ_OK;
}

int liq_bench_scenario(liq_scenario_t **out, liq_bench_kind_t kind, int64_t accounts,
                       int64_t rounds)
{
    *out = NULL;
    char *text = NULL;
    int rc = liq_bench_scenario_yaml(&text, kind, accounts, rounds);
    if (rc != LIQ_OK) {
        return rc;
    }
    rc = liq_scenario_parse(out, text, strlen(text), "bench.yaml", NULL);
    free(text);
    return rc;
}
