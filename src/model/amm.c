/*
 * Constant-product pool maths (Uniswap v2, UniswapV2Library.getAmountOut in
 * real arithmetic) and the log-linear arbitrage of model R0 (MODEL.md s4).
 */
#include "liqnet/amm.h"

#include <math.h>

double liq_cp_amount_out(double amount_in, double reserve_in, double reserve_out, double fee)
{
    if (amount_in <= 0.0) {
        return 0.0;
    }
    const double in_after_fee = amount_in * (1.0 - fee);
    return reserve_out * in_after_fee / (reserve_in + in_after_fee);
}

liq_arbitrage_t liq_cp_arbitrage(double reserve0, double reserve1, double target_price,
                                 double kappa)
{
    const double k = reserve0 * reserve1;
    const double price = reserve1 / reserve0;
    /* P' = P^(1-kappa) P*^kappa, in logs; the end points are taken exactly
     * so that a fully efficient arbitrage lands on the target price. */
    double new_price;
    if (kappa >= 1.0) {
        new_price = target_price;
    } else if (kappa <= 0.0) {
        new_price = price;
    } else {
        new_price = exp((1.0 - kappa) * log(price) + kappa * log(target_price));
    }
    liq_arbitrage_t a;
    a.reserve0 = sqrt(k / new_price);
    a.reserve1 = sqrt(k * new_price);
    a.sold0 = reserve0 - a.reserve0;
    a.sold1 = reserve1 - a.reserve1;
    return a;
}
