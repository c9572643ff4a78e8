/*
 * Concentrated-liquidity pools in float64 (liqnet/concentrated.h, the
 * liq_cl_* layer): the ranges built from positions, the swap across them
 * with UniswapV3Pool.swap's structure (a computeSwapStep to each initialised
 * tick, the tick's liquidityNet applied on crossing, slot0.tick kept as the
 * contract keeps it), arbitrage, depth and quotes, v3's TWAP observations,
 * and liquidity distributions.
 *
 * Workload: a venue phase swaps each pool once or twice a round and the
 * routing of a sale quotes it a few hundred times; a swap that crosses no
 * tick costs one binary search and one step (benchmarks/venues_bench.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/concentrated.h"
#include "liqnet/error.h"
#include "model/u256.h"

/* ------------------------------------------------------------- ticks */

double liq_cl_sqrt_price_at_tick(int32_t tick)
{
    if (tick < LIQ_V3_MIN_TICK) {
        tick = LIQ_V3_MIN_TICK;
    } else if (tick > LIQ_V3_MAX_TICK) {
        tick = LIQ_V3_MAX_TICK;
    }
    liq_u256_t x96;
    liq_v3_sqrt_ratio_at_tick(&x96, tick);
    /* Exact scaling by a power of two after one rounding to nearest. */
    return ldexp(liq_u256_to_double(x96), -96);
}

int32_t liq_cl_tick_at_sqrt_price(double sqrt_price)
{
    if (!(sqrt_price > LIQ_CL_MIN_SQRT_PRICE)) {
        return LIQ_V3_MIN_TICK;
    }
    if (!(sqrt_price < LIQ_CL_MAX_SQRT_PRICE)) {
        return LIQ_V3_MAX_TICK - 1;
    }
    /* The tick is floor(log(sqrt_price) / log(sqrt(1.0001))), here a number
     * of magnitude below 887273 computed with an error under 1e-9 ticks (an
     * ulp of a logarithm below 45, over 5e-5). The contract's answer can
     * differ from it only within that error of a tick boundary, or within
     * the Q64.96 rounding of the price and of TickMath's boundary (a unit of
     * 2^-96 each, 2^-96 / (sqrt_price 5e-5) ticks, which matters only below
     * sqrt prices of 1e-15). Outside that margin the fast answer is the
     * contract's; inside it (a price within 1e-6 tick of a boundary) the
     * integer path decides, at about half a microsecond. */
    const double ticks = log(sqrt_price) / 4.999750016665417e-05;
    const double whole = floor(ticks);
    const double margin = 1e-6 + 4.0 * ldexp(1.0, -96) / (sqrt_price * 4.999750016665417e-05);
    if (ticks - whole > margin && ticks - whole < 1.0 - margin) {
        return (int32_t)whole;
    }
    liq_u256_t x96 = liq_u256_from_double(ldexp(sqrt_price, 96));
    /* The nearest doubles of MIN and MAX_SQRT_RATIO can land outside the
     * contract's range by a few units of 2^-96. */
    const liq_u256_t lo = liq_u256_u64(4295128739ull);
    if (liq_u256_lt(x96, lo)) {
        x96 = lo;
    }
    int32_t tick;
    if (liq_v3_tick_at_sqrt_ratio(&tick, x96) != LIQ_OK) {
        return LIQ_V3_MAX_TICK - 1;
    }
    return tick;
}

double liq_cl_tick_price(int32_t tick)
{
    /* The square of the pool's own sqrt price at the tick, so that a pool
     * sitting on a tick and a TWAP of that tick report the same price. */
    const double s = liq_cl_sqrt_price_at_tick(tick);
    return s * s;
}

/* ----------------------------------------------------------- ranges */

int liq_cl_positions_check(size_t n, const liq_cl_position_t *positions, int32_t tick_spacing,
                           size_t *bad)
{
    if (tick_spacing < 1 || tick_spacing >= 16384) {
        return liq_error_set(LIQ_EINVAL,
                             "tick_spacing: value %d is out of range; expected an integer in "
                             "[1, 16384)",
                             (int)tick_spacing);
    }
    for (size_t i = 0; i < n; i++) {
        const liq_cl_position_t *p = &positions[i];
        if (bad) {
            *bad = i;
        }
        const int32_t ends[2] = {p->tick_lower, p->tick_upper};
        const char *names[2] = {"tick_lower", "tick_upper"};
        for (int e = 0; e < 2; e++) {
            if (ends[e] < LIQ_V3_MIN_TICK || ends[e] > LIQ_V3_MAX_TICK) {
                return liq_error_set(LIQ_EINVAL,
                                     "positions[%zu].%s: value %d is outside the tick range; "
                                     "expected a tick in [%d, %d]",
                                     i, names[e], (int)ends[e], LIQ_V3_MIN_TICK, LIQ_V3_MAX_TICK);
            }
            if (ends[e] % tick_spacing != 0) {
                return liq_error_set(LIQ_EINVAL,
                                     "positions[%zu].%s: value %d is not a multiple of the tick "
                                     "spacing %d; expected a tick on the spacing",
                                     i, names[e], (int)ends[e], (int)tick_spacing);
            }
        }
        if (p->tick_lower >= p->tick_upper) {
            return liq_error_set(LIQ_EINVAL,
                                 "positions[%zu].tick_upper: value %d is not above tick_lower %d; "
                                 "expected tick_lower < tick_upper",
                                 i, (int)p->tick_upper, (int)p->tick_lower);
        }
        if (!(p->liquidity >= 0.0) || !isfinite(p->liquidity)) {
            return liq_error_set(LIQ_EINVAL,
                                 "positions[%zu].liquidity: value %.17g is negative or not finite; "
                                 "expected a finite number >= 0",
                                 i, p->liquidity);
        }
    }
    return LIQ_OK;
}

/* One end of a position, for the sweep that builds the ranges. */
typedef struct {
    int32_t tick;
    int32_t upper; /* 0: the position starts here, 1: it ends here */
    size_t position;
} liq_cl_event_t;

/* A total order (tick, position, end), so the sums over one tick are made in
 * the same order whatever qsort does with equal keys. */
static int liq_cl_event_cmp(const void *a, const void *b)
{
    const liq_cl_event_t *x = a, *y = b;
    if (x->tick != y->tick) {
        return x->tick < y->tick ? -1 : 1;
    }
    if (x->position != y->position) {
        return x->position < y->position ? -1 : 1;
    }
    return (x->upper > y->upper) - (x->upper < y->upper);
}

void liq_cl_pool_destroy(liq_cl_pool_t *pool)
{
    if (!pool) {
        return;
    }
    free(pool->ticks);
    memset(pool, 0, sizeof(*pool));
}

int liq_cl_pool_init(liq_cl_pool_t *pool, int32_t tick_spacing, double fee, size_t n,
                     const liq_cl_position_t *positions)
{
    memset(pool, 0, sizeof(*pool));
    int rc = liq_cl_positions_check(n, positions, tick_spacing, NULL);
    if (rc) {
        return rc;
    }
    if (!(fee >= 0.0 && fee < 1.0)) {
        return liq_error_set(LIQ_EINVAL, "fee: value %.17g is out of range; expected [0, 1)", fee);
    }
    pool->tick_spacing = tick_spacing;
    pool->fee = fee;
    /* Zero-liquidity positions initialise nothing (mint requires amount > 0). */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        m += positions[i].liquidity > 0.0 ? 2 : 0;
    }
    if (m == 0) {
        return LIQ_OK;
    }
    liq_cl_event_t *ev = malloc(m * sizeof(*ev));
    pool->ticks = malloc(m * sizeof(*pool->ticks));
    if (!ev || !pool->ticks) {
        free(ev);
        liq_cl_pool_destroy(pool);
        return liq_error_set(LIQ_ENOMEM, "liq_cl_pool_init: out of memory for %zu ticks", m);
    }
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        if (positions[i].liquidity > 0.0) {
            ev[e++] = (liq_cl_event_t){positions[i].tick_lower, 0, i};
            ev[e++] = (liq_cl_event_t){positions[i].tick_upper, 1, i};
        }
    }
    qsort(ev, m, sizeof(*ev), liq_cl_event_cmp);
    /* Sweep: a Neumaier-compensated running sum of the deltas gives the
     * active liquidity of each range; the count of open positions makes it
     * exactly 0 where none is open. */
    double sum = 0.0, comp = 0.0;
    long open = 0;
    size_t k = 0;
    for (size_t i = 0; i < m;) {
        const int32_t tick = ev[i].tick;
        double net = 0.0;
        for (; i < m && ev[i].tick == tick; i++) {
            const double d = ev[i].upper ? -positions[ev[i].position].liquidity
                                         : positions[ev[i].position].liquidity;
            net += d;
            const double t = sum + d;
            comp += fabs(sum) >= fabs(d) ? (sum - t) + d : (d - t) + sum;
            sum = t;
            open += ev[i].upper ? -1 : 1;
        }
        const double above = sum + comp;
        pool->ticks[k].tick = tick;
        pool->ticks[k].sqrt_price = liq_cl_sqrt_price_at_tick(tick);
        pool->ticks[k].liquidity_net = net;
        pool->ticks[k].liquidity_above = open > 0 && above > 0.0 ? above : 0.0;
        k++;
    }
    pool->n_ticks = k;
    free(ev);
    return LIQ_OK;
}

/* The number of initialised ticks <= tick: the current range is the one
 * above ticks[k - 1] (none below the first tick). O(log n). */
static size_t liq_cl_count_le(const liq_cl_pool_t *pool, int32_t tick)
{
    size_t lo = 0, hi = pool->n_ticks;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (pool->ticks[mid].tick <= tick) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* The state's range if it matches its tick (O(1), the ticks a swap reads
 * first anyway), else the search. */
static size_t liq_cl_range(const liq_cl_pool_t *pool, const liq_cl_state_t *state)
{
    const size_t k = (size_t)state->range, n = pool->n_ticks;
    if (state->range >= 0 && k <= n && (k == 0 || pool->ticks[k - 1].tick <= state->tick) &&
        (k == n || state->tick < pool->ticks[k].tick)) {
        return k;
    }
    return liq_cl_count_le(pool, state->tick);
}

static double liq_cl_active(const liq_cl_pool_t *pool, size_t k)
{
    return k > 0 ? pool->ticks[k - 1].liquidity_above : 0.0;
}

liq_cl_state_t liq_cl_state_at(const liq_cl_pool_t *pool, double sqrt_price)
{
    liq_cl_state_t st;
    if (!(sqrt_price > LIQ_CL_MIN_SQRT_PRICE)) {
        sqrt_price = LIQ_CL_MIN_SQRT_PRICE;
    } else if (!(sqrt_price < LIQ_CL_MAX_SQRT_PRICE)) {
        sqrt_price = nextafter(LIQ_CL_MAX_SQRT_PRICE, 0.0);
    }
    st.sqrt_price = sqrt_price;
    st.tick = liq_cl_tick_at_sqrt_price(sqrt_price);
    const size_t k = liq_cl_count_le(pool, st.tick);
    st.liquidity = liq_cl_active(pool, k);
    st.range = (int32_t)k;
    return st;
}

double liq_cl_spot_price(const liq_cl_state_t *state)
{
    return state->sqrt_price * state->sqrt_price;
}

void liq_cl_reserves(const liq_cl_pool_t *pool, const liq_cl_state_t *state, double *reserve0,
                     double *reserve1)
{
    const double s = state->sqrt_price;
    double r0 = 0.0, r1 = 0.0;
    for (size_t i = 0; i + 1 < pool->n_ticks; i++) {
        const double L = pool->ticks[i].liquidity_above;
        if (L == 0.0) {
            continue;
        }
        const double a = pool->ticks[i].sqrt_price, b = pool->ticks[i + 1].sqrt_price;
        const double lo = s < a ? a : s > b ? b : s; /* the price clamped into [a, b] */
        r0 += L * (b - lo) / (lo * b);
        r1 += L * (lo - a);
    }
    *reserve0 = r0;
    *reserve1 = r1;
}

/* ------------------------------------------------------------- swaps */

liq_cl_step_t liq_cl_swap_step(double sqrt_current, double sqrt_target, double liquidity,
                               double amount_remaining, bool exact_input, double fee)
{
    const double s = sqrt_current, t = sqrt_target, L = liquidity;
    const bool zero_for_one = t <= s;
    const double keep = 1.0 - fee;
    liq_cl_step_t st = {s, 0.0, 0.0, 0.0, false};
    /* What the whole way to the target takes in and pays out. */
    const double full_in = zero_for_one ? L * (s - t) / (s * t) : L * (t - s);
    const double full_out = zero_for_one ? L * (s - t) : L * (t - s) / (s * t);
    if (exact_input) {
        const double less_fee = amount_remaining * keep;
        if (less_fee >= full_in) {
            st.sqrt_price_next = t;
            st.amount_in = full_in;
            st.amount_out = full_out;
            st.fee_amount = full_in * fee / keep;
            st.reached = true;
            return st;
        }
        /* L > 0 here (else full_in = 0). The amounts follow from the input
         * itself: token0 in: s' = L s / (L + in s), out = in s s'; token1
         * in: s' = s + in / L, out = in / (s s'). */
        double next = zero_for_one ? L * s / (L + less_fee * s) : s + less_fee / L;
        next = zero_for_one ? fmax(next, t) : fmin(next, t);
        st.sqrt_price_next = next;
        st.amount_in = less_fee;
        st.amount_out = zero_for_one ? less_fee * s * next : less_fee / (s * next);
        /* The contract keeps the rest of the input as the fee. */
        st.fee_amount = amount_remaining - less_fee;
        st.reached = next == t;
        return st;
    }
    if (amount_remaining >= full_out) {
        st.sqrt_price_next = t;
        st.amount_in = full_in;
        st.amount_out = full_out;
        st.reached = true;
    } else {
        /* token1 out: s' = s - out / L, in = out / (s s'); token0 out:
         * s' = L s / (L - out s), in = out s s'. */
        const double out = amount_remaining;
        double next = zero_for_one ? s - out / L : L * s / (L - out * s);
        next = zero_for_one ? fmax(next, t) : fmin(next, t);
        st.sqrt_price_next = next;
        st.amount_out = out;
        st.amount_in = zero_for_one ? out / (s * next) : out * s * next;
        st.reached = next == t;
    }
    st.fee_amount = st.amount_in * fee / keep;
    return st;
}

/* A swap's totals, with what is left of the amount when it stops. */
typedef struct {
    liq_cl_trade_t trade;
    double remaining;
} liq_cl_run_t;

static liq_cl_run_t liq_cl_run(const liq_cl_pool_t *pool, liq_cl_state_t *state, bool zero_for_one,
                               double amount, bool exact_input, double limit, double fee)
{
    liq_cl_run_t run = {{0.0, 0.0, 0.0, 0}, amount};
    /* The default limits are the first prices inside the contract's
     * range, which swaps may approach but not reach. */
    const double lowest = nextafter(LIQ_CL_MIN_SQRT_PRICE, INFINITY);
    const double highest = nextafter(LIQ_CL_MAX_SQRT_PRICE, 0.0);
    if (!(limit > 0.0)) {
        limit = zero_for_one ? lowest : highest;
    }
    limit = limit < lowest ? lowest : limit > highest ? highest : limit;
    double s = state->sqrt_price, L = state->liquidity;
    if (!(amount > 0.0) || (zero_for_one ? !(limit < s) : !(limit > s))) {
        return run;
    }
    int32_t tick = state->tick;
    size_t k = liq_cl_range(pool, state);
    const size_t n = pool->n_ticks;
    double remaining = amount, total_in = 0.0, total_out = 0.0, total_fee = 0.0;
    int32_t crossed = 0;
    while (remaining > 0.0 && s != limit) {
        const double start = s;
        bool initialized;
        int32_t tick_next;
        double next;
        if (zero_for_one) {
            initialized = k > 0;
            tick_next = initialized ? pool->ticks[k - 1].tick : LIQ_V3_MIN_TICK;
            next = initialized ? pool->ticks[k - 1].sqrt_price : LIQ_CL_MIN_SQRT_PRICE;
        } else {
            initialized = k < n;
            tick_next = initialized ? pool->ticks[k].tick : LIQ_V3_MAX_TICK;
            next = initialized ? pool->ticks[k].sqrt_price : LIQ_CL_MAX_SQRT_PRICE;
        }
        const double target =
            zero_for_one ? (next < limit ? limit : next) : (next > limit ? limit : next);
        const liq_cl_step_t step = liq_cl_swap_step(s, target, L, remaining, exact_input, fee);
        s = step.sqrt_price_next;
        total_fee += step.fee_amount;
        total_in += step.amount_in + step.fee_amount;
        total_out += step.amount_out;
        /* A step that stops short of its target has used all the amount. */
        if (!step.reached) {
            remaining = 0.0;
        } else {
            remaining -= exact_input ? step.amount_in + step.fee_amount : step.amount_out;
        }
        if (s == next) {
            if (initialized) {
                /* Crossing: the active liquidity of the range entered,
                 * read rather than accumulated, so it never drifts. */
                if (zero_for_one) {
                    k--;
                } else {
                    k++;
                }
                L = liq_cl_active(pool, k);
                crossed++;
            }
            tick = zero_for_one ? tick_next - 1 : tick_next;
        } else if (s != start) {
            /* Inside the range: the contract's tick of the new price, kept
             * within the range the liquidity belongs to. */
            tick = liq_cl_tick_at_sqrt_price(s);
            const int32_t lo = k > 0 ? pool->ticks[k - 1].tick : LIQ_V3_MIN_TICK;
            const int32_t hi = k < n ? pool->ticks[k].tick - 1 : LIQ_V3_MAX_TICK - 1;
            tick = tick < lo ? lo : tick > hi ? hi : tick;
        }
    }
    state->sqrt_price = s;
    state->liquidity = L;
    state->tick = tick;
    state->range = (int32_t)k;
    run.remaining = remaining > 0.0 ? remaining : 0.0;
    run.trade.fee = total_fee;
    run.trade.ticks_crossed = crossed;
    run.trade.amount0 = zero_for_one ? total_in : -total_out;
    run.trade.amount1 = zero_for_one ? -total_out : total_in;
    return run;
}

liq_cl_trade_t liq_cl_swap(const liq_cl_pool_t *pool, liq_cl_state_t *state, bool zero_for_one,
                           double amount, bool exact_input, double sqrt_price_limit)
{
    return liq_cl_run(pool, state, zero_for_one, amount, exact_input, sqrt_price_limit, pool->fee)
        .trade;
}

liq_cl_trade_t liq_cl_swap_to_price(const liq_cl_pool_t *pool, liq_cl_state_t *state,
                                    double sqrt_target, bool with_fee)
{
    /* An unbounded exact input stopped by the limit: every step reaches its
     * target, so the amounts are the ranges' full amounts up to the price. */
    const bool zero_for_one = sqrt_target < state->sqrt_price;
    return liq_cl_run(pool, state, zero_for_one, INFINITY, true, sqrt_target,
                      with_fee ? pool->fee : 0.0)
        .trade;
}

liq_cl_trade_t liq_cl_arbitrage(const liq_cl_pool_t *pool, liq_cl_state_t *state,
                                double target_price, double kappa)
{
    const liq_cl_trade_t none = {0.0, 0.0, 0.0, 0};
    if (kappa <= 0.0) {
        return none;
    }
    const double price = liq_cl_spot_price(state);
    /* P' = P^(1-kappa) P*^kappa in logs, with the end point exact so that a
     * fully efficient arbitrage lands on the target (as liq_cp_arbitrage). */
    const double goal =
        kappa >= 1.0 ? target_price : exp((1.0 - kappa) * log(price) + kappa * log(target_price));
    const double sqrt_goal = sqrt(goal);
    if (sqrt_goal == state->sqrt_price) {
        return none;
    }
    return liq_cl_swap_to_price(pool, state, sqrt_goal, false);
}

double liq_cl_input_to_price(const liq_cl_pool_t *pool, const liq_cl_state_t *state,
                             double sqrt_target)
{
    liq_cl_state_t st = *state;
    if (sqrt_target == st.sqrt_price) {
        return 0.0;
    }
    const liq_cl_trade_t t = liq_cl_swap_to_price(pool, &st, sqrt_target, true);
    return sqrt_target < state->sqrt_price ? t.amount0 : t.amount1;
}

double liq_cl_depth(const liq_cl_pool_t *pool, const liq_cl_state_t *state, double move)
{
    if (!(move > -1.0)) {
        return INFINITY;
    }
    return liq_cl_input_to_price(pool, state, state->sqrt_price * sqrt(1.0 + move));
}

double liq_cl_amount_out(const liq_cl_pool_t *pool, const liq_cl_state_t *state, bool zero_for_one,
                         double amount_in)
{
    liq_cl_state_t st = *state;
    const liq_cl_trade_t t = liq_cl_swap(pool, &st, zero_for_one, amount_in, true, 0.0);
    return zero_for_one ? -t.amount1 : -t.amount0;
}

double liq_cl_marginal_out(const liq_cl_pool_t *pool, const liq_cl_state_t *state,
                           bool zero_for_one, double amount_in)
{
    liq_cl_state_t st = *state;
    const liq_cl_run_t run = liq_cl_run(pool, &st, zero_for_one, amount_in, true, 0.0, pool->fee);
    if (run.remaining > 0.0) {
        return 0.0; /* the liquidity on this side is exhausted */
    }
    const double price = liq_cl_spot_price(&st);
    return zero_for_one ? (1.0 - pool->fee) * price : (1.0 - pool->fee) / price;
}

/* ------------------------------------------------------- observations */

liq_cl_observation_t liq_cl_observation_next(liq_cl_observation_t last, int64_t time, int32_t tick)
{
    const liq_cl_observation_t o = {time,
                                    last.tick_cumulative + (int64_t)tick * (time - last.time)};
    return o;
}

int64_t liq_cl_tick_cumulative_at(liq_cl_observation_t before, liq_cl_observation_t after,
                                  int64_t time)
{
    if (time == before.time) {
        return before.tick_cumulative;
    }
    if (time == after.time) {
        return after.tick_cumulative;
    }
    /* The contract divides first, truncating toward zero (int56). */
    return before.tick_cumulative +
           ((after.tick_cumulative - before.tick_cumulative) / (after.time - before.time)) *
               (time - before.time);
}

int32_t liq_cl_mean_tick(int64_t tick_cumulative_delta, int64_t seconds)
{
    int64_t mean = tick_cumulative_delta / seconds;
    if (tick_cumulative_delta < 0 && tick_cumulative_delta % seconds != 0) {
        mean--; /* always toward negative infinity */
    }
    return (int32_t)mean;
}

/* ------------------------------------------------------ distributions */

static int32_t liq_floor_div(int32_t a, int32_t b)
{
    int32_t q = a / b;
    if (a % b != 0 && (a < 0) != (b < 0)) {
        q--;
    }
    return q;
}

static int liq_cl_distribution_check(const liq_cl_distribution_t *d)
{
    if (d->tick_spacing < 1 || d->tick_spacing >= 16384) {
        return liq_error_set(LIQ_EINVAL,
                             "tick_spacing: value %d is out of range; expected an integer in "
                             "[1, 16384)",
                             (int)d->tick_spacing);
    }
    if (d->kind != LIQ_CL_DIST_UNIFORM && d->kind != LIQ_CL_DIST_GAUSSIAN &&
        d->kind != LIQ_CL_DIST_NESTED) {
        return liq_error_set(LIQ_EINVAL,
                             "kind: value %d is unknown; expected uniform, gaussian or nested",
                             (int)d->kind);
    }
    if (d->centre_tick < LIQ_V3_MIN_TICK || d->centre_tick > LIQ_V3_MAX_TICK) {
        return liq_error_set(LIQ_EINVAL,
                             "centre_tick: value %d is outside the tick range; expected a tick in "
                             "[%d, %d]",
                             (int)d->centre_tick, LIQ_V3_MIN_TICK, LIQ_V3_MAX_TICK);
    }
    if (d->n_ranges < 1 || d->n_ranges > 100000) {
        return liq_error_set(LIQ_EINVAL,
                             "n_ranges: value %d is out of range; expected an integer in "
                             "[1, 100000]",
                             (int)d->n_ranges);
    }
    if (d->width_ticks < 1 || d->width_ticks > 2 * LIQ_V3_MAX_TICK) {
        return liq_error_set(LIQ_EINVAL,
                             "width_ticks: value %d is out of range; expected an integer in "
                             "[1, %d]",
                             (int)d->width_ticks, 2 * LIQ_V3_MAX_TICK);
    }
    if (d->kind == LIQ_CL_DIST_GAUSSIAN && !(d->sigma_ticks > 0.0 && isfinite(d->sigma_ticks))) {
        return liq_error_set(LIQ_EINVAL,
                             "sigma_ticks: value %.17g is not positive; expected a finite number "
                             "> 0",
                             d->sigma_ticks);
    }
    if (!(d->total_liquidity >= 0.0) || !isfinite(d->total_liquidity)) {
        return liq_error_set(LIQ_EINVAL,
                             "total_liquidity: value %.17g is negative or not finite; expected a "
                             "finite number >= 0",
                             d->total_liquidity);
    }
    if (!(d->full_range_share >= 0.0 && d->full_range_share < 1.0)) {
        return liq_error_set(LIQ_EINVAL,
                             "full_range_share: value %.17g is out of range; expected [0, 1)",
                             d->full_range_share);
    }
    return LIQ_OK;
}

size_t liq_cl_distribution_count(const liq_cl_distribution_t *dist)
{
    return (size_t)(dist->n_ranges > 0 ? dist->n_ranges : 0) +
           (dist->full_range_share > 0.0 ? 1 : 0);
}

int liq_cl_distribution_positions(const liq_cl_distribution_t *d, size_t cap,
                                  liq_cl_position_t *positions, size_t *n)
{
    *n = 0;
    int rc = liq_cl_distribution_check(d);
    if (rc) {
        return rc;
    }
    if (cap < liq_cl_distribution_count(d)) {
        return liq_error_set(LIQ_EINVAL,
                             "positions: room for %zu; expected at least %zu "
                             "(liq_cl_distribution_count)",
                             cap, liq_cl_distribution_count(d));
    }
    const int32_t s = d->tick_spacing;
    /* The usable tick range in units of the spacing (getMinTick, getMaxTick). */
    const int32_t lo_c = -(LIQ_V3_MAX_TICK / s), hi_c = LIQ_V3_MAX_TICK / s;
    const int32_t c = liq_floor_div(d->centre_tick, s);
    const int32_t nr = d->n_ranges;
    const double ranged = d->total_liquidity * (1.0 - d->full_range_share);
    /* Adjacent ranges: b spacings each, b = max(1, W / (n s)), the block
     * centred on c. */
    int64_t b = d->width_ticks / ((int64_t)nr * s);
    b = b < 1 ? 1 : b;
    const int64_t first = (int64_t)c - (b * nr) / 2;
    /* Two passes: the weights' total over the ranges kept, then the
     * positions, each weight over that total. */
    double total_weight = 0.0;
    size_t out = 0;
    for (int pass = 0; pass < 2; pass++) {
        out = 0;
        for (int32_t k = 0; k < nr; k++) {
            int64_t lower, upper;
            if (d->kind == LIQ_CL_DIST_NESTED) {
                /* Half-width ceil((k + 1) W / (2 n)) ticks, rounded up to the spacing. */
                const int64_t half_ticks =
                    ((int64_t)(k + 1) * d->width_ticks + 2 * nr - 1) / (2 * (int64_t)nr);
                const int64_t half_c = (half_ticks + s - 1) / s;
                lower = (int64_t)c - half_c;
                upper = (int64_t)c + half_c;
            } else {
                lower = first + k * b;
                upper = lower + b;
            }
            lower = lower < lo_c ? lo_c : lower;
            upper = upper > hi_c ? hi_c : upper;
            if (lower >= upper) {
                continue; /* clamped to nothing at the tick limits */
            }
            double w = 1.0;
            if (d->kind == LIQ_CL_DIST_GAUSSIAN) {
                const double mid = 0.5 * (double)(lower + upper) * s;
                const double z = (mid - d->centre_tick) / d->sigma_ticks;
                w = exp(-0.5 * z * z);
            }
            if (pass == 0) {
                total_weight += w;
            } else {
                const double l = total_weight > 0.0 ? ranged * (w / total_weight) : 0.0;
                positions[out] = (liq_cl_position_t){(int32_t)(lower * s), (int32_t)(upper * s), l};
            }
            out++;
        }
    }
    if (d->full_range_share > 0.0) {
        positions[out++] =
            (liq_cl_position_t){lo_c * s, hi_c * s, d->total_liquidity * d->full_range_share};
    }
    *n = out;
    return LIQ_OK;
}
