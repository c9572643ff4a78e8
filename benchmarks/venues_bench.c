/*
 * venues_bench: the cost of a venue phase on concentrated-liquidity pools
 * (benchmarks/README.md, "Venues").
 *
 *   venues_bench [--pools N] [--rounds R] [--ranges K] [--threads T] [--exact-pools M]
 *   venues_bench smoke   (a second: tiny sizes, with sanity checks)
 *
 * N pools (10^4 by default, a venue phase's worth), each built from a
 * gaussian liquidity distribution of K ranges (50) around its own price
 * plus a tenth full range, so K + 3 initialised ticks. Each round every
 * pool takes one sale of token0 or token1 (drawn in advance, so the draws
 * are not timed) whose size is a log-uniform 1% to 200% of the pool's depth
 * at -2% / +2%: most sales stay in their range, the larger ones cross
 * several ticks. What is timed, each the median of R rounds:
 *   - the venue phase: liq_cl_swap on every pool (on T threads, the pools
 *     split statically as the engine's phases split them);
 *   - the arbitrage phase: liq_cl_arbitrage to a reference price 1% away;
 *   - a routing quote: liq_venue_amount_out on the pool as a venue;
 *   - the exact layer: liq_v3_pool_swap on the first M pools (1000) minted
 *     with the same positions in the contract's integers;
 *   - for scale, the constant-product swap of the same sales.
 * Figures are printed as `result,venues,<metric>,<value>,<unit>` lines and
 * '#' comments.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "liqnet/amm.h"
#include "liqnet/concentrated.h"
#include "liqnet/error.h"
#include "liqnet/rng.h"

static double venues_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int venues_cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double venues_median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), venues_cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct {
    size_t pools;
    size_t rounds;
    int ranges;
    int threads;
    size_t exact_pools;
    int smoke;
} venues_args_t;

static int venues_parse(venues_args_t *a, int argc, char **argv)
{
    *a = (venues_args_t){10000, 50, 50, 1, 1000, 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "smoke") == 0) {
            *a = (venues_args_t){200, 5, 20, 2, 50, 1};
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "venues_bench: %s needs a value\n", argv[i]);
            return 2;
        }
        const double v = strtod(argv[i + 1], NULL);
        if (!(v >= 1.0)) {
            fprintf(stderr, "venues_bench: %s %s: expected a number >= 1\n", argv[i], argv[i + 1]);
            return 2;
        }
        if (strcmp(argv[i], "--pools") == 0) {
            a->pools = (size_t)v;
        } else if (strcmp(argv[i], "--rounds") == 0) {
            a->rounds = (size_t)v;
        } else if (strcmp(argv[i], "--ranges") == 0) {
            a->ranges = (int)v;
        } else if (strcmp(argv[i], "--threads") == 0) {
            a->threads = (int)v;
        } else if (strcmp(argv[i], "--exact-pools") == 0) {
            a->exact_pools = (size_t)v;
        } else {
            fprintf(stderr,
                    "usage: venues_bench [--pools N] [--rounds R] [--ranges K] [--threads T] "
                    "[--exact-pools M] | venues_bench smoke\n");
            return 2;
        }
        i++;
    }
    if (a->exact_pools > a->pools) {
        a->exact_pools = a->pools;
    }
    return 0;
}

int main(int argc, char **argv)
{
    venues_args_t a;
    const int usage = venues_parse(&a, argc, argv);
    if (usage) {
        return usage;
    }
    const size_t n = a.pools, rounds = a.rounds;
    const liq_rng_key_t key = {2025, 19};
    liq_cl_pool_t *pools = calloc(n, sizeof(*pools));
    liq_cl_state_t *start = calloc(n, sizeof(*start));
    liq_cl_state_t *state = calloc(n, sizeof(*state));
    double *depth0 = calloc(n, sizeof(*depth0)), *depth1 = calloc(n, sizeof(*depth1));
    double *size = calloc(n * rounds, sizeof(*size));
    unsigned char *sell0 = calloc(n * rounds, 1);
    double *times = calloc(rounds, sizeof(*times));
    const size_t cap = (size_t)a.ranges + 1;
    liq_cl_position_t *pos = calloc(cap, sizeof(*pos));
    if (!pools || !start || !state || !depth0 || !depth1 || !size || !sell0 || !times || !pos) {
        fprintf(stderr, "venues_bench: out of memory\n");
        return 1;
    }
    /* The pools: a normal profile of `ranges` ranges over 4000 ticks (sd
     * 1000) around a price drawn in [0.01, 100], spacing 10, fee 0.3%. */
    size_t ticks = 0;
    for (size_t p = 0; p < n; p++) {
        double u[4];
        liq_rng_uniform4(key, 0, p, 0, u);
        const double sqrt_price = pow(10.0, -1.0 + 2.0 * u[0]);
        const int32_t centre = liq_cl_tick_at_sqrt_price(sqrt_price);
        const liq_cl_distribution_t d = {
            LIQ_CL_DIST_GAUSSIAN, centre, 10, a.ranges, 4000, 1000.0, 1e6, 0.1};
        size_t m;
        if (liq_cl_distribution_positions(&d, cap, pos, &m) != LIQ_OK ||
            liq_cl_pool_init(&pools[p], 10, 0.003, m, pos) != LIQ_OK) {
            fprintf(stderr, "venues_bench: %s\n", liq_errmsg());
            return 1;
        }
        start[p] = liq_cl_state_at(&pools[p], sqrt_price);
        depth0[p] = liq_cl_depth(&pools[p], &start[p], -0.02);
        depth1[p] = liq_cl_depth(&pools[p], &start[p], 0.02);
        ticks += pools[p].n_ticks;
    }
    for (size_t r = 0; r < rounds; r++) {
        for (size_t p = 0; p < n; p++) {
            double u[4];
            liq_rng_uniform4(key, 1, p, r, u);
            sell0[r * n + p] = u[0] < 0.5;
            size[r * n + p] = pow(10.0, -2.0 + 2.3 * u[1]) * (u[0] < 0.5 ? depth0[p] : depth1[p]);
        }
    }
    /* The machine is shared: say how busy it was (benchmarks/README.md). */
    double load = -1.0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &load) != 1) {
            load = -1.0;
        }
        fclose(f);
    }
    printf("# venues_bench: %zu pools of %.1f initialised ticks on average (%d ranges), "
           "%zu rounds, %d thread(s), load average %.2f at start\n",
           n, (double)ticks / (double)n, a.ranges, rounds, a.threads, load);

    /* The venue phase: one sale into every pool, state carried across rounds. */
    memcpy(state, start, n * sizeof(*state));
    long crossed = 0;
    double checksum = 0.0;
    for (size_t r = 0; r < rounds; r++) {
        const double t0 = venues_now();
        long round_crossed = 0;
        double round_sum = 0.0;
        const int threads = a.threads;
#pragma omp parallel for default(none) shared(pools, state, size, sell0) firstprivate(n, r)       \
    reduction(+ : round_crossed, round_sum) schedule(static) num_threads(threads)
        for (size_t p = 0; p < n; p++) {
            const liq_cl_trade_t t = liq_cl_swap(&pools[p], &state[p], sell0[r * n + p] != 0,
                                                 size[r * n + p], true, 0.0);
            round_crossed += t.ticks_crossed;
            round_sum += t.amount0 + t.amount1;
        }
        times[r] = venues_now() - t0;
        crossed += round_crossed;
        checksum += round_sum;
    }
    const double phase = venues_median(times, rounds);
    const double per_swap_ns = 1e9 * phase / (double)n;
    printf("result,venues,venue_phase,%.6g,s\n", phase);
    printf("result,venues,swap,%.4g,ns\n", per_swap_ns);
    printf("result,venues,ticks_crossed_per_swap,%.4g,ticks\n",
           (double)crossed / (double)(n * rounds));

    /* The arbitrage phase: every pool to a reference price 1% off its own. */
    memcpy(state, start, n * sizeof(*state));
    for (size_t r = 0; r < rounds; r++) {
        const double t0 = venues_now();
        for (size_t p = 0; p < n; p++) {
            const double target = liq_cl_spot_price(&start[p]) * (sell0[r * n + p] ? 0.99 : 1.01);
            const liq_cl_trade_t t = liq_cl_arbitrage(&pools[p], &state[p], target, 1.0);
            checksum += t.amount0;
        }
        times[r] = venues_now() - t0;
    }
    printf("result,venues,arbitrage,%.4g,ns\n", 1e9 * venues_median(times, rounds) / (double)n);

    /* A routing quote: the pool as a venue, the state left alone. */
    for (size_t r = 0; r < rounds; r++) {
        const double t0 = venues_now();
        for (size_t p = 0; p < n; p++) {
            const liq_venue_t v = {.kind = sell0[r * n + p] ? LIQ_VENUE_CONCENTRATED_SELL0
                                                            : LIQ_VENUE_CONCENTRATED_SELL1,
                                   .cl_pool = &pools[p],
                                   .cl_state = &start[p]};
            checksum += liq_venue_amount_out(&v, size[r * n + p]);
        }
        times[r] = venues_now() - t0;
    }
    printf("result,venues,quote,%.4g,ns\n", 1e9 * venues_median(times, rounds) / (double)n);

    /* For scale: a constant-product swap of the same sales, on the virtual
     * reserves of each pool's active range. */
    for (size_t r = 0; r < rounds; r++) {
        const double t0 = venues_now();
        for (size_t p = 0; p < n; p++) {
            const double x = start[p].liquidity / start[p].sqrt_price;
            const double y = start[p].liquidity * start[p].sqrt_price;
            checksum += sell0[r * n + p] ? liq_cp_amount_out(size[r * n + p], x, y, 0.003)
                                         : liq_cp_amount_out(size[r * n + p], y, x, 0.003);
        }
        times[r] = venues_now() - t0;
    }
    printf("result,venues,constant_product_swap,%.4g,ns\n",
           1e9 * venues_median(times, rounds) / (double)n);

    /* The exact layer on the first M pools: the same positions minted in
     * wei (liquidity x 1e12, whole numbers) and the same sales (x 1e12). */
    const size_t m_exact = a.exact_pools;
    liq_v3_pool_t *exact = calloc(m_exact, sizeof(*exact));
    if (!exact) {
        fprintf(stderr, "venues_bench: out of memory\n");
        return 1;
    }
    for (size_t p = 0; p < m_exact; p++) {
        liq_u256_t a0, a1;
        const double s96 = ldexp(start[p].sqrt_price, 96);
        if (liq_v3_pool_init(&exact[p], 3000, 10, liq_u256_from_double(s96)) != LIQ_OK) {
            fprintf(stderr, "venues_bench: %s\n", liq_errmsg());
            return 1;
        }
        for (size_t k = 0; k < pools[p].n_ticks; k++) {
            /* Re-mint the ranges: liquidity_above as positions [t_k, t_k+1). */
            if (k + 1 < pools[p].n_ticks && pools[p].ticks[k].liquidity_above > 0.0) {
                const liq_u256_t l =
                    liq_u256_from_double(floor(pools[p].ticks[k].liquidity_above * 1e12));
                if (liq_v3_pool_mint(&exact[p], pools[p].ticks[k].tick, pools[p].ticks[k + 1].tick,
                                     l, &a0, &a1) != LIQ_OK) {
                    fprintf(stderr, "venues_bench: %s\n", liq_errmsg());
                    return 1;
                }
            }
        }
    }
    int exact_steps = 0;
    size_t exact_swaps = 0;
    for (size_t r = 0; r < rounds; r++) {
        const double t0 = venues_now();
        for (size_t p = 0; p < m_exact; p++) {
            const bool z = sell0[r * n + p] != 0;
            liq_u256_t limit;
            liq_v3_sqrt_ratio_at_tick(&limit, z ? LIQ_V3_MIN_TICK + 1 : LIQ_V3_MAX_TICK - 1);
            liq_v3_swap_t res;
            if (liq_v3_pool_swap(&exact[p], &res, z, liq_u256_from_double(size[r * n + p] * 1e12),
                                 limit) == LIQ_OK) {
                exact_steps += res.steps;
                exact_swaps++;
            }
        }
        times[r] = venues_now() - t0;
    }
    const double exact_ns = 1e9 * venues_median(times, rounds) / (double)m_exact;
    printf("result,venues,exact_swap,%.4g,ns\n", exact_ns);
    printf("result,venues,exact_steps_per_swap,%.4g,steps\n",
           (double)exact_steps / (double)(exact_swaps ? exact_swaps : 1));
    printf("# memory: %.0f bytes a pool (%zu a tick for its ranges, %zu for its state)\n",
           (double)ticks / (double)n * (double)sizeof(liq_cl_tick_t) +
               (double)sizeof(liq_cl_state_t),
           sizeof(liq_cl_tick_t), sizeof(liq_cl_state_t));
    printf("# checksum %.6g\n", checksum);

    int rc = 0;
    if (a.smoke) {
        /* The benchmark measured what it says: sales crossed ticks, every
         * exact swap ran, and the amounts were finite. */
        if (!(crossed > 0) || exact_swaps != m_exact * rounds || !isfinite(checksum)) {
            fprintf(stderr, "venues_bench smoke: crossed %ld, exact %zu of %zu, checksum %g\n",
                    crossed, exact_swaps, m_exact * rounds, checksum);
            rc = 1;
        } else {
            printf("# smoke: ok\n");
        }
    }
    for (size_t p = 0; p < n; p++) {
        liq_cl_pool_destroy(&pools[p]);
    }
    for (size_t p = 0; p < m_exact; p++) {
        liq_v3_pool_destroy(&exact[p]);
    }
    free(exact);
    free(pools);
    free(start);
    free(state);
    free(depth0);
    free(depth1);
    free(size);
    free(sell0);
    free(times);
    free(pos);
    return rc;
}
