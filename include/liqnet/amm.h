/*
 * Constant-product pools (Uniswap v2), StableSwap pools (Curve) and the
 * arbitrage of model R0.
 *
 * Pure functions of their arguments: no allocation, no global state, safe to
 * call from any thread. Reserves are in token units; the spot price is
 * P = reserve1 / reserve0 (units of token1 per unit of token0).
 */
#ifndef LIQNET_AMM_H
#define LIQNET_AMM_H

#include <stddef.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Output of a swap selling amount_in of one token into reserves
 * (reserve_in, reserve_out) with fee phi charged on the input:
 *   out = reserve_out * in (1 - phi) / (reserve_in + in (1 - phi)).
 * Uniswap v2 reference: in 1 into (5, 10) at phi 0.003 gives 1.6624979156...
 * amount_in >= 0; returns 0 for amount_in == 0. O(1).
 */
LIQ_API double liq_cp_amount_out(double amount_in, double reserve_in, double reserve_out,
                                 double fee);

/* Result of one arbitrage step of a constant-product pool. */
typedef struct {
    double reserve0; /* x' = sqrt(k / P') */
    double reserve1; /* y' = sqrt(k P') */
    double sold0;    /* x - x': units of token0 the arbitrageurs sell outside (< 0: buy) */
    double sold1;    /* y - y': units of token1 the arbitrageurs sell outside */
} liq_arbitrage_t;

/*
 * Arbitrage of MODEL.md section 4: with target price P* = S0 / S1 and
 * efficiency kappa in [0, 1], the new price is P' = P^(1-kappa) P*^kappa and
 * the reserves are re-set on the same k = x y. Fees are ignored. O(1).
 */
LIQ_API liq_arbitrage_t liq_cp_arbitrage(double reserve0, double reserve1, double target_price,
                                         double kappa);

/*
 * StableSwap pools of two tokens (Curve; MODEL.md s5), in real arithmetic
 * with the contract's conventions: `amp` is the contract's A (what
 * governance sets; stableswap-ng stores it times A_PRECISION = 100) and
 * Ann = amp * n with n = 2. The invariant is
 *   Ann (x + y) + D = Ann D + D^3 / (4 x y),
 * which is the whitepaper's A n^n S + D = A D n^n + D^(n+1) / (n^n P) with
 * A n^n = Ann. Reserves are in units whose values are near parity (a pegged
 * pair); the spot price is token1 per token0 at the margin.
 */

/* The invariant D of reserves (x, y) > 0, by the contract's Newton
 * iteration from D = x + y, to a relative 1e-15. Reference (stableswap-ng
 * get_D([1e23, 1e18], 1000) with A_PRECISION 100, so amp 10):
 * 9010395375710532394006. Returns NaN if it does not converge in 255 steps. */
LIQ_API double liq_ss_get_d(double x, double y, double amp);

/* The reserve y that keeps D when the other reserve is x > 0, by the
 * contract's get_y iteration y <- (y^2 + c) / (2 y + b - D). NaN if it does
 * not converge in 255 steps. */
LIQ_API double liq_ss_get_y(double x, double d, double amp);

/* Output of selling amount_in >= 0 into reserves (reserve_in, reserve_out),
 * as Curve's exchange does: dy = reserve_out - get_y(reserve_in + in), then
 * the fee phi is taken from dy. O(Newton steps). */
LIQ_API double liq_ss_amount_out(double amount_in, double reserve_in, double reserve_out,
                                 double fee, double amp);

/* Marginal price of token0 in token1 at reserves (x, y): -dy/dx along the
 * invariant, (Ann + D^3 / (4 x^2 y)) / (Ann + D^3 / (4 x y^2)). 1 when x = y. */
LIQ_API double liq_ss_spot_price(double x, double y, double amp);

/*
 * The arbitrage of MODEL.md s4 on a StableSwap pool: the new marginal price
 * is P' = P^(1-kappa) P*^kappa, reached along the invariant (D kept; fees
 * ignored, as for constant product). x' is found by bisection on log x,
 * where the price is monotone, to the last bit of x'; then y' = get_y(x').
 */
LIQ_API liq_arbitrage_t liq_ss_arbitrage(double reserve0, double reserve1, double target_price,
                                         double kappa, double amp);

/*
 * StableSwap pools of n coins, 2 <= n <= LIQ_SS_MAX_COINS (Curve's 3pool
 * StableSwap3Pool.vy and stableswap-ng), in real arithmetic with the same
 * conventions as the two-coin functions above: `amp` is the contract's A,
 * Ann = amp n, and the invariant is
 *   Ann S + D = Ann D + D^(n+1) / (n^n prod x),
 * with balances xp[0..n) > 0 in units near parity. Coins are numbered
 * 0..n-1; i is the coin sold (or priced), j the coin bought (or the unit).
 * With n = 2 each function performs the very same floating-point operations
 * as its two-coin counterpart, in the order written here: liq_ssn_get_d(2,
 * {x, y}) is liq_ss_get_d(x, y), liq_ssn_get_y(2, xp, 0, 1, x, d) is
 * liq_ss_get_y(x, d), liq_ssn_amount_out(2, {a, b}, 0, 1, ...) is
 * liq_ss_amount_out(in, a, b, ...) and liq_ssn_spot_price(2, {x, y}, 0, 1)
 * is liq_ss_spot_price(x, y), bit for bit. Bad arguments (n outside 2..8,
 * i or j out of range or equal) give NaN; readers check data with
 * liq_ssn_check first. Pure functions, O(n) per Newton step.
 */
#define LIQ_SS_MAX_COINS 8

/* LIQ_EINVAL with the key, value and expectation when n is outside
 * [2, LIQ_SS_MAX_COINS], a balance is not a finite number > 0, or amp is not;
 * LIQ_OK otherwise. */
LIQ_API int liq_ssn_check(size_t n, const double *balances, double amp);

/* The invariant D, by get_D's Newton iteration from D = S (to a relative
 * 1e-15; 0 for empty balances). Where rounding keeps the iterate from
 * getting within 1e-15 (the two-coin functions then give NaN), the iterate
 * of the 255th step is accepted if that step moved it by at most 1e-9 of
 * itself; NaN otherwise. */
LIQ_API double liq_ssn_get_d(size_t n, const double *xp, double amp);

/* The balance of coin j that keeps D when coin i holds x and the others
 * keep xp (get_y's iteration y <- (y^2 + c) / (2 y + b - D), stopped as
 * liq_ssn_get_d's). The fallback matters here: 2 y + b - D cancels when y is
 * small against D, and the two-coin liq_ss_get_y gives NaN there (a 1e6 :
 * 1e4 pool at A 1000, for one). */
LIQ_API double liq_ssn_get_y(size_t n, const double *xp, size_t i, size_t j, double x, double d,
                             double amp);

/* Output of selling amount_in >= 0 of coin i for coin j, as exchange does:
 * dy = xp[j] - get_y(i, j, xp[i] + in), then the fee is taken from dy. */
LIQ_API double liq_ssn_amount_out(size_t n, const double *xp, size_t i, size_t j, double amount_in,
                                  double fee, double amp);

/* Marginal price of coin i in units of coin j: -dx_j/dx_i along the
 * invariant, (Ann + K/x_i) / (Ann + K/x_j), K = D^(n+1) / (n^n prod x). */
LIQ_API double liq_ssn_spot_price(size_t n, const double *xp, size_t i, size_t j, double amp);

/* d out / d in after amount_in of coin i has been sold for coin j: (1 - fee)
 * times the marginal price there (on the same D). */
LIQ_API double liq_ssn_marginal_out(size_t n, const double *xp, size_t i, size_t j,
                                    double amount_in, double fee, double amp);

/*
 * Linear order books (MODEL.md s2 and s5, a CEX-like venue): resting orders
 * of even density around the mid price P (token1 per token0), so the price
 * moves by `slope` (token1 per token0, per token0 traded) for every unit
 * traded, up or down. Selling q token0 (q' = q (1 - phi) after the fee on
 * the input) fills the bids from P down to P - slope q' and pays
 * P q' - slope q'^2 / 2; selling y token1 (y' after the fee) fills the asks
 * from P up to P + slope q and pays q = (sqrt(P^2 + 2 slope y') - P) / slope
 * token0. A sale and its reverse cancel, as on an AMM's curve. A sale of
 * P / slope or more sweeps every bid: it pays P^2 / (2 slope) and the mid
 * ends at LIQ_BOOK_FLOOR P (the excess fetches nothing). *new_mid gets the
 * mid after the trade. Pure functions.
 */
#define LIQ_BOOK_FLOOR 1e-9

LIQ_API double liq_book_sell0(double amount_in, double mid, double slope, double fee,
                              double *new_mid);
LIQ_API double liq_book_sell1(double amount_in, double mid, double slope, double fee,
                              double *new_mid);

/* ---------------------------------------------------------- routing */

/* One venue a sale can go to, seen from the seller: the reserve of the token
 * sold and of the token bought. */
typedef enum {
    LIQ_VENUE_CONSTANT_PRODUCT = 0,
    LIQ_VENUE_STABLESWAP = 1,
    LIQ_VENUE_BOOK_BIDS = 2,          /* a linear book, selling token0 into its bids */
    LIQ_VENUE_BOOK_ASKS = 3,          /* a linear book, selling token1 into its asks */
    LIQ_VENUE_CONCENTRATED_SELL0 = 4, /* a concentrated pool, selling token0 */
    LIQ_VENUE_CONCENTRATED_SELL1 = 5, /* a concentrated pool, selling token1 */
    LIQ_VENUE_STABLESWAP_N = 6        /* an n-coin StableSwap, coin_in for coin_out */
} liq_venue_kind_t;

/* liqnet/concentrated.h: a concentrated pool's ranges and state. */
struct liq_cl_pool;
struct liq_cl_state;

/*
 * A venue is a value the caller fills for one quote or one routing: two
 * reserves describe the first four kinds; the others point at state that
 * must outlive the venue and that nothing changes while it is quoted. The
 * trailing fields are read only for their kinds, so initialisers of the
 * first four kinds may leave them out.
 */
typedef struct {
    liq_venue_kind_t kind;
    double reserve_in;                   /* pools: reserve of the token sold; books: the mid P;
                                            n-coin StableSwap: balances[coin_in] (brackets the search) */
    double reserve_out;                  /* pools: reserve of the token bought; books: the slope;
                                            n-coin StableSwap: balances[coin_out] */
    double fee;                          /* phi, as the venue's own function takes it (concentrated
                                            venues take cl_pool->fee) */
    double amp;                          /* StableSwap: the contract's A */
    const struct liq_cl_pool *cl_pool;   /* concentrated: the pool's ranges */
    const struct liq_cl_state *cl_state; /* concentrated: its price, tick and liquidity */
    const double *balances;              /* n-coin StableSwap: its n_coins balances */
    size_t n_coins;
    size_t coin_in;
    size_t coin_out;
} liq_venue_t;

/* Output of selling amount_in >= 0 into one venue. */
LIQ_API double liq_venue_amount_out(const liq_venue_t *venue, double amount_in);

/* Marginal output d out / d in after amount_in >= 0 has been sold. */
LIQ_API double liq_venue_marginal_out(const liq_venue_t *venue, double amount_in);

/*
 * Best-price routing: splits `amount` > 0 over n >= 1 venues so that every
 * venue that receives a part ends at the same marginal output, and no venue
 * left out would pay more at the margin (the split that maximises the total
 * output of concave venues). split[i] >= 0 and the parts add up to `amount`
 * (up to rounding). Bisection on the common marginal output, to the last
 * bit; for a StableSwap venue each part is itself found by bisection, for a
 * concentrated one it is the input that moves the price to where the
 * marginal output is the common one (O(ticks crossed)).
 */
LIQ_API void liq_route_best_price(size_t n, const liq_venue_t *venues, double amount,
                                  double *split);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_AMM_H */
