/*
 * Best-price routing of one sale over several venues (MODEL.md s5,
 * cross-venue routing). Every venue's output is concave in its input, so the
 * split that maximises the total output equalises the marginal outputs of the
 * venues used: find the common marginal output lambda such that the inputs
 * q_i(lambda) add up to the amount.
 */
#include "liqnet/amm.h"

#include <math.h>

#include "liqnet/concentrated.h"

#define LIQ_ROUTE_STEPS 200

double liq_venue_amount_out(const liq_venue_t *v, double amount_in)
{
    double mid;
    switch (v->kind) {
    case LIQ_VENUE_STABLESWAP:
        return liq_ss_amount_out(amount_in, v->reserve_in, v->reserve_out, v->fee, v->amp);
    case LIQ_VENUE_BOOK_BIDS:
        return liq_book_sell0(amount_in, v->reserve_in, v->reserve_out, v->fee, &mid);
    case LIQ_VENUE_BOOK_ASKS:
        return liq_book_sell1(amount_in, v->reserve_in, v->reserve_out, v->fee, &mid);
    case LIQ_VENUE_CONCENTRATED_SELL0:
    case LIQ_VENUE_CONCENTRATED_SELL1:
        return liq_cl_amount_out(v->cl_pool, v->cl_state, v->kind == LIQ_VENUE_CONCENTRATED_SELL0,
                                 amount_in);
    case LIQ_VENUE_STABLESWAP_N:
        return liq_ssn_amount_out(v->n_coins, v->balances, v->coin_in, v->coin_out, amount_in,
                                  v->fee, v->amp);
    case LIQ_VENUE_CONSTANT_PRODUCT:
        break;
    }
    return liq_cp_amount_out(amount_in, v->reserve_in, v->reserve_out, v->fee);
}

double liq_venue_marginal_out(const liq_venue_t *v, double amount_in)
{
    if (v->kind == LIQ_VENUE_CONCENTRATED_SELL0 || v->kind == LIQ_VENUE_CONCENTRATED_SELL1) {
        return liq_cl_marginal_out(v->cl_pool, v->cl_state, v->kind == LIQ_VENUE_CONCENTRATED_SELL0,
                                   amount_in);
    }
    if (v->kind == LIQ_VENUE_STABLESWAP_N) {
        return liq_ssn_marginal_out(v->n_coins, v->balances, v->coin_in, v->coin_out, amount_in,
                                    v->fee, v->amp);
    }
    const double g = 1.0 - v->fee;
    if (v->kind == LIQ_VENUE_BOOK_BIDS) {
        /* The bid reached after q' = g q: P - slope q', none below 0. */
        const double bid = v->reserve_in - v->reserve_out * g * amount_in;
        return bid > 0.0 ? g * bid : 0.0;
    }
    if (v->kind == LIQ_VENUE_BOOK_ASKS) {
        /* dq/dy for q = (sqrt(P^2 + 2 slope g y) - P) / slope. */
        return g / sqrt(v->reserve_in * v->reserve_in + 2.0 * v->reserve_out * g * amount_in);
    }
    if (v->kind == LIQ_VENUE_STABLESWAP) {
        /* (1 - phi) times the marginal price after the sale, on the same D. */
        const double d = liq_ss_get_d(v->reserve_in, v->reserve_out, v->amp);
        const double x = v->reserve_in + amount_in;
        const double y = liq_ss_get_y(x, d, v->amp);
        const double ann = 2.0 * v->amp, d3 = d * d * d / 4.0;
        return (1.0 - v->fee) * (ann + d3 / (x * x * y)) / (ann + d3 / (x * y * y));
    }
    /* out = y g q / (x + g q), g = 1 - phi: out' = g x y / (x + g q)^2. */
    const double den = v->reserve_in + g * amount_in;
    return g * v->reserve_in * v->reserve_out / (den * den);
}

/* The input q >= 0 at which venue v's marginal output falls to lambda. */
static double liq_venue_input_at(const liq_venue_t *v, double lambda)
{
    if (liq_venue_marginal_out(v, 0.0) <= lambda) {
        return 0.0;
    }
    if (v->kind == LIQ_VENUE_BOOK_BIDS) {
        /* g (P - slope g q) = lambda. */
        const double g = 1.0 - v->fee;
        return (v->reserve_in - lambda / g) / (v->reserve_out * g);
    }
    if (v->kind == LIQ_VENUE_BOOK_ASKS) {
        /* g / sqrt(P^2 + 2 slope g y) = lambda. */
        const double g = 1.0 - v->fee;
        const double s = g / lambda;
        return (s * s - v->reserve_in * v->reserve_in) / (2.0 * v->reserve_out * g);
    }
    if (v->kind == LIQ_VENUE_CONCENTRATED_SELL0 || v->kind == LIQ_VENUE_CONCENTRATED_SELL1) {
        /* The marginal output is (1 - fee) P' selling token0 and
         * (1 - fee) / P' selling token1, P' the price reached: the input is
         * the one that moves the price to where that equals lambda. */
        const double g = 1.0 - v->cl_pool->fee;
        const double sqrt_target =
            v->kind == LIQ_VENUE_CONCENTRATED_SELL0 ? sqrt(lambda / g) : sqrt(g / lambda);
        return liq_cl_input_to_price(v->cl_pool, v->cl_state, sqrt_target);
    }
    if (v->kind == LIQ_VENUE_CONSTANT_PRODUCT) {
        const double g = 1.0 - v->fee;
        const double q = (sqrt(g * v->reserve_in * v->reserve_out / lambda) - v->reserve_in) / g;
        return q > 0.0 ? q : 0.0;
    }
    double lo = 0.0, hi = v->reserve_in;
    for (int i = 0; i < 2000 && liq_venue_marginal_out(v, hi) > lambda; i++) {
        lo = hi;
        hi *= 2.0;
    }
    for (int i = 0; i < LIQ_ROUTE_STEPS; i++) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) {
            break;
        }
        if (liq_venue_marginal_out(v, mid) > lambda) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

static double liq_route_total(size_t n, const liq_venue_t *venues, double lambda, double *split)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        split[i] = liq_venue_input_at(&venues[i], lambda);
        total += split[i];
    }
    return total;
}

void liq_route_best_price(size_t n, const liq_venue_t *venues, double amount, double *split)
{
    /* lambda lies between 0 (everything sold) and the best marginal output
     * at zero input; bisect on log lambda, where the total is monotone. */
    double top = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double m = liq_venue_marginal_out(&venues[i], 0.0);
        top = m > top ? m : top;
    }
    double hi = log(top), lo = hi - 1.0;
    while (liq_route_total(n, venues, exp(lo), split) < amount && lo > -1400.0) {
        hi = lo;
        lo -= 2.0 * (hi - lo + 1.0);
    }
    for (int i = 0; i < LIQ_ROUTE_STEPS; i++) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) {
            break;
        }
        if (liq_route_total(n, venues, exp(mid), split) > amount) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    const double total = liq_route_total(n, venues, exp(0.5 * (lo + hi)), split);
    for (size_t i = 0; i < n; i++) {
        split[i] = total > 0.0 ? split[i] * (amount / total) : amount / (double)n;
    }
}
