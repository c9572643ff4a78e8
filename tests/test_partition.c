/*
 * One network over several processes, emulated in one: N simulations of
 * the same scenario, each holding the accounts of the protocols
 * liq_partition_protocols gives it and stepping on a thread of its own,
 * exchange their protocols' records through their simulations' exchange
 * hook, between the margin and the venues phases of every round, exactly
 * as `mpirun -n N liqnet run` does (src/cli/run_group.c) but through
 * shared memory between two barriers. Every process must hold, after every
 * round, every recorded number of a single process bit for bit, for
 * N = 1 to 4, on scenarios using every mechanism that keeps per-protocol
 * state (cross margin, perps, auctions, stability pools, breakers, gas
 * congestion on a shared chain, issued tokens, median oracles, positions
 * files), and hold no account of a protocol it does not own.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* ------------------------------------------------------- the partition */

static void test_partition_balances_accounts(void **state)
{
    (void)state;
    /* Five protocols of 100, 50, 40, 30 and 10 accounts (the 40 from two
     * generators, the 30 from open perp positions) over two processes:
     * largest first to the lighter one, so 100 -> 0, 50 -> 1, 40 -> 1
     * (50 < 100), 30 -> 1 (90 < 100, now 120), 10 -> 0: loads 110, 120. */
    liq_protocol_config_t proto[5];
    memset(proto, 0, sizeof(proto));
    proto[3].n_perp_positions = 30;
    liq_account_generator_t gen[5];
    memset(gen, 0, sizeof(gen));
    const int32_t gp[5] = {1, 0, 2, 2, 4};
    const int64_t gc[5] = {50, 100, 25, 15, 10};
    for (int g = 0; g < 5; g++) {
        gen[g].protocol = gp[g];
        gen[g].count = gc[g];
    }
    liq_scenario_t sc;
    memset(&sc, 0, sizeof(sc));
    sc.protocols = proto;
    sc.n_protocols = 5;
    sc.generators = gen;
    sc.n_generators = 5;
    int32_t owner[5];
    uint64_t load[4];
    assert_int_equal(liq_partition_protocols(&sc, NULL, 2, owner, load), LIQ_OK);
    const int32_t want[5] = {0, 1, 1, 1, 0};
    for (int p = 0; p < 5; p++) {
        assert_int_equal(owner[p], want[p]);
    }
    assert_int_equal(load[0], 110);
    assert_int_equal(load[1], 120);
    /* More processes than protocols: one each, the last ones empty. */
    assert_int_equal(liq_partition_protocols(&sc, NULL, 4, owner, load), LIQ_OK);
    const int32_t want4[5] = {0, 1, 2, 3, 3};
    for (int p = 0; p < 5; p++) {
        assert_int_equal(owner[p], want4[p]);
    }
    assert_int_equal(load[3], 40);
    /* Equal protocols: ties go to the lower index and the lower rank. */
    for (int g = 0; g < 5; g++) {
        gen[g].protocol = g;
        gen[g].count = 7;
    }
    proto[3].n_perp_positions = 0;
    assert_int_equal(liq_partition_protocols(&sc, NULL, 3, owner, NULL), LIQ_OK);
    const int32_t want_tie[5] = {0, 1, 2, 0, 1};
    for (int p = 0; p < 5; p++) {
        assert_int_equal(owner[p], want_tie[p]);
    }
    assert_int_equal(liq_partition_protocols(&sc, NULL, 0, owner, NULL), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "partition over 0 processes; expected at least 1");
}

/* ------------------------------------------ state of N processes vs one */

/* The 8-byte arrays of a view with their lengths (NULL arrays included:
 * both views must agree on which are absent). */
typedef struct {
    const char *name;
    const void *data;
    size_t count;
} liq_array_t;

static size_t view_arrays(const liq_state_view_t *v, liq_array_t *a)
{
    size_t n = 0;
    const size_t na = v->n_assets, np = v->n_pools, no = v->n_oracles, nr = v->n_protocols,
                 nm = v->n_markets;
#define A(field, len) a[n++] = (liq_array_t){#field, v->field, (len)}
    A(exogenous_price, na);
    A(reference_price, na);
    A(log_return, na);
    A(pool_reserve0, np);
    A(pool_reserve1, np);
    A(pool_price, np);
    A(pool_liquidation_in0, np);
    A(pool_liquidation_in1, np);
    A(oracle_price, no);
    A(liquidations, nr);
    A(repaid_value, nr);
    A(seized_value, nr);
    A(stalled, nr);
    A(bad_debt, nr);
    A(insurance_fund, nr);
    A(deficit, nr);
    A(collateral_value, nr);
    A(debt_value, nr);
    A(market_seized, nm);
    A(market_collateral, nm);
    A(market_debt, nm);
    A(cross_liquidations, nr);
    A(cross_debt_value, nr);
    A(penalty_scale, nr);
    A(breaker_active, nr);
    A(gas_cost, nr);
    A(stability_deposits, nr);
    A(stability_collateral, nr);
    A(stability_offset, nr);
    A(stability_redistributed_debt, nr);
    A(stability_redistributed_collateral, nr);
    A(stability_sold, nr);
    A(stability_surplus, nr);
    A(recovery_mode, nr);
    A(tcr, nr);
    A(auction_started, nr);
    A(auction_active, nr);
    A(auction_sold_value, nr);
    A(auction_raised, nr);
    A(keeper_rewards, nr);
    A(auction_bad_debt, nr);
    A(auction_tab, nr);
    A(auction_units, 4 * nm);
    A(perp_liquidations, nr);
    A(liquidated_notional, nr);
    A(adl_volume, nr);
    A(adl_count, nr);
    A(adl_covered, nr);
    A(open_interest_long, nr);
    A(open_interest_short, nr);
    A(impairment, nr);
    A(holdings_value, nr);
    A(redemption, nr);
#undef A
    return n;
}

/* Writes into `failure` (size bytes) how process `rank`'s state differs
 * from one process's, and leaves it empty when every recorded number is the
 * same bits. */
static void expect_same_state_into(const liq_sim_t *ref, const liq_sim_t *sim, const char *what,
                                   int rank, char *failure, size_t size)
{
    liq_state_view_t a, b;
    liq_sim_view(ref, &a);
    liq_sim_view(sim, &b);
    liq_array_t x[64], y[64];
    const size_t n = view_arrays(&a, x);
    (void)view_arrays(&b, y);
    for (size_t i = 0; i < n; i++) {
        if ((x[i].data == NULL) != (y[i].data == NULL)) {
            snprintf(failure, size, "%s, process %d, round %lld: %s is %s in one process only",
                     what, rank, (long long)a.round, x[i].name,
                     x[i].data == NULL ? "absent" : "present");
            return;
        }
        if (x[i].data != NULL && memcmp(x[i].data, y[i].data, 8 * x[i].count) != 0) {
            snprintf(failure, size, "%s, process %d, round %lld: %s differs from one process's",
                     what, rank, (long long)a.round, x[i].name);
            return;
        }
    }
    const double sa[4] = {a.adversary_liquidation_profit, a.adversary_round_trip,
                          a.adversary_flash_fee, (double)a.adversary_liquidations};
    const double sb[4] = {b.adversary_liquidation_profit, b.adversary_round_trip,
                          b.adversary_flash_fee, (double)b.adversary_liquidations};
    if (memcmp(sa, sb, sizeof(sa)) != 0) {
        snprintf(failure, size, "%s, process %d, round %lld: the adversary's figures differ", what,
                 rank, (long long)a.round);
    }
}

static void expect_same_state(const liq_sim_t *ref, const liq_sim_t *sim, const char *what,
                              int rank)
{
    char failure[1024] = "";
    expect_same_state_into(ref, sim, what, rank, failure, sizeof(failure));
    if (failure[0] != '\0') {
        fail_msg("%s", failure);
    }
}

/* Every owner's record of every protocol to every process, as the MPI
 * run's all-gather does. */
static void exchange(liq_sim_t **sims, int ranks, const int32_t *owner, size_t n_protocols,
                     uint64_t *buffer)
{
    for (size_t p = 0; p < n_protocols; p++) {
        const size_t words = liq_sim_record_words(sims[owner[p]], p);
        for (int r = 0; r < ranks; r++) {
            assert_int_equal(liq_sim_record_words(sims[r], p), words); /* scenario-only size */
        }
        liq_sim_record_pack(sims[owner[p]], p, buffer);
        for (int r = 0; r < ranks; r++) {
            if (r != owner[p]) {
                liq_sim_record_unpack(sims[r], p, buffer);
            }
        }
    }
}

/* The emulated processes of one check. Each steps its simulation on its
 * own thread; its exchange hook packs its protocols' records into one
 * shared array (protocol p's at offset[p]), waits for every process, then
 * unpacks the others' records and waits again, as the MPI all-gather does.
 * After each round every process waits at `round` with the checking
 * thread, which compares their states with one process's, then releases
 * them for the next round (or tells them to stop). */
typedef struct {
    int ranks;
    const int32_t *owner;
    size_t n_protocols;
    size_t *offset; /* [n_protocols + 1] */
    uint64_t *records;
    int status[4];              /* each process's status of the round so far */
    pthread_barrier_t exchange; /* the processes */
    pthread_barrier_t round;    /* the processes and the checking thread */
    int64_t rounds;
    volatile int stop;
} emulation_t;

typedef struct {
    emulation_t *emulation;
    int rank;
    liq_sim_t *sim;
    int rc; /* of the last round */
    char error[512];
    pthread_t thread;
} process_t;

static int emulated_exchange(void *context, liq_sim_t *sim, int status)
{
    process_t *pr = context;
    emulation_t *e = pr->emulation;
    for (size_t p = 0; p < e->n_protocols; p++) {
        if (e->owner[p] == pr->rank) {
            liq_sim_record_pack(sim, p, e->records + e->offset[p]);
        }
    }
    e->status[pr->rank] = status;
    pthread_barrier_wait(&e->exchange);
    int agreed = LIQ_OK;
    for (int r = 0; r < e->ranks && agreed == LIQ_OK; r++) {
        agreed = e->status[r];
    }
    for (size_t p = 0; p < e->n_protocols; p++) {
        if (e->owner[p] != pr->rank) {
            liq_sim_record_unpack(sim, p, e->records + e->offset[p]);
        }
    }
    pthread_barrier_wait(&e->exchange);
    return agreed;
}

static void *emulated_process(void *arg)
{
    process_t *pr = arg;
    emulation_t *e = pr->emulation;
    for (int64_t t = 1; t <= e->rounds && !e->stop; t++) {
        pr->rc = liq_sim_step(pr->sim);
        if (pr->rc != LIQ_OK) {
            snprintf(pr->error, sizeof(pr->error), "%s", liq_errmsg());
        }
        pthread_barrier_wait(&e->round); /* checked now */
        pthread_barrier_wait(&e->round); /* released */
    }
    return NULL;
}

static void check_file(const char *dir, const char *file, int full_scan)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    liq_scenario_t *sc = NULL;
    if (liq_scenario_load(&sc, path) != LIQ_OK) {
        fail_msg("%s: %s", file, liq_errmsg());
    }
    liq_positions_t *positions = NULL;
    if (liq_positions_load(&positions, sc) != LIQ_OK) {
        fail_msg("%s: %s", file, liq_errmsg());
    }
    const size_t np = sc->n_protocols;
    liq_sim_t *ref = NULL;
    const liq_sim_options_t ref_options = {.threads = 2, .full_scan = full_scan};
    assert_int_equal(liq_sim_create(&ref, sc, positions, &ref_options), LIQ_OK);
    liq_accounts_view_t all;
    liq_sim_accounts(ref, &all);
    uint64_t *buffer = calloc(4096, sizeof(uint64_t));
    int32_t *owner = calloc(np, sizeof(int32_t));
    unsigned char *owned = calloc(np, 1);
    assert_non_null(buffer);
    assert_non_null(owner);
    assert_non_null(owned);
    emulation_t emulation = {.owner = owner, .n_protocols = np, .rounds = sc->rounds};
    emulation.offset = calloc(np + 1, sizeof(size_t));
    assert_non_null(emulation.offset);
    for (size_t p = 0; p < np; p++) {
        emulation.offset[p + 1] = emulation.offset[p] + liq_sim_record_words(ref, p);
    }
    emulation.records = calloc(emulation.offset[np] + 1, sizeof(uint64_t));
    assert_non_null(emulation.records);
    for (int ranks = 1; ranks <= 4; ranks++) {
        char what[256];
        snprintf(what, sizeof(what), "%s, %d processes%s", file, ranks,
                 full_scan ? ", full scan" : "");
        assert_int_equal(liq_partition_protocols(sc, positions, ranks, owner, NULL), LIQ_OK);
        liq_sim_t *sims[4] = {NULL};
        process_t process[4];
        memset(process, 0, sizeof(process));
        emulation.ranks = ranks;
        emulation.stop = 0;
        size_t held = 0;
        for (int r = 0; r < ranks; r++) {
            for (size_t p = 0; p < np; p++) {
                owned[p] = owner[p] == r;
            }
            process[r] = (process_t){.emulation = &emulation, .rank = r};
            const liq_sim_options_t options = {.threads = 1,
                                               .full_scan = full_scan,
                                               .owned = owned,
                                               .exchange = emulated_exchange,
                                               .exchange_context = &process[r]};
            if (liq_sim_create(&sims[r], sc, positions, &options) != LIQ_OK) {
                fail_msg("%s: process %d: %s", what, r, liq_errmsg());
            }
            process[r].sim = sims[r];
            liq_accounts_view_t acc;
            liq_sim_accounts(sims[r], &acc);
            held += acc.n_accounts + acc.n_cross;
            /* No account of a protocol another process owns. */
            liq_state_view_t v;
            liq_sim_view(sims[r], &v);
            for (size_t p = 0; p < np; p++) {
                const size_t m0 = v.market_offset[p], m1 = v.market_offset[p + 1];
                if (owner[p] != r && (acc.market_begin[m1] != acc.market_begin[m0] ||
                                      acc.cross_begin[p + 1] != acc.cross_begin[p])) {
                    fail_msg("%s: process %d holds accounts of protocol %zu", what, r, p);
                }
            }
        }
        assert_int_equal(held, all.n_accounts + all.n_cross);
        exchange(sims, ranks, owner, np, buffer);
        liq_sim_t *one = NULL;
        assert_int_equal(liq_sim_create(&one, sc, positions, &ref_options), LIQ_OK);
        for (int r = 0; r < ranks; r++) {
            expect_same_state(one, sims[r], what, r);
        }
        assert_int_equal(pthread_barrier_init(&emulation.exchange, NULL, (unsigned)ranks), 0);
        assert_int_equal(pthread_barrier_init(&emulation.round, NULL, (unsigned)ranks + 1), 0);
        for (int r = 0; r < ranks; r++) {
            assert_int_equal(
                pthread_create(&process[r].thread, NULL, emulated_process, &process[r]), 0);
        }
        /* Failures are noted, then reported once every thread has ended. */
        char failure[1024] = "";
        for (int64_t t = 1; t <= sc->rounds; t++) {
            if (liq_sim_step(one) != LIQ_OK && failure[0] == '\0') {
                snprintf(failure, sizeof(failure), "%s: one process, round %lld: %s", what,
                         (long long)t, liq_errmsg());
            }
            pthread_barrier_wait(&emulation.round);
            for (int r = 0; r < ranks && failure[0] == '\0'; r++) {
                if (process[r].rc != LIQ_OK) {
                    snprintf(failure, sizeof(failure), "%s: process %d, round %lld: %s", what, r,
                             (long long)t, process[r].error);
                } else {
                    expect_same_state_into(one, sims[r], what, r, failure, sizeof(failure));
                }
            }
            emulation.stop = failure[0] != '\0';
            pthread_barrier_wait(&emulation.round);
            if (emulation.stop) {
                break;
            }
        }
        for (int r = 0; r < ranks; r++) {
            pthread_join(process[r].thread, NULL);
        }
        pthread_barrier_destroy(&emulation.exchange);
        pthread_barrier_destroy(&emulation.round);
        if (failure[0] != '\0') {
            fail_msg("%s", failure);
        }
        liq_sim_destroy(one);
        for (int r = 0; r < ranks; r++) {
            liq_sim_destroy(sims[r]);
        }
    }
    free(buffer);
    free(owner);
    free(owned);
    free(emulation.offset);
    free(emulation.records);
    liq_sim_destroy(ref);
    liq_positions_destroy(positions);
    liq_scenario_destroy(sc);
}

static void check_scenario(const char *file, int full_scan)
{
    check_file(LIQ_TEST_DATA_DIR, file, full_scan);
}

/* The demo: 35,000 accounts in three protocols, cascade rounds with more
 * than 4096 candidates in a protocol (its margin engine then runs with all
 * threads, in chunks). */
static void test_demo(void **state)
{
    (void)state;
    check_file(LIQ_SOURCE_DIR "/graphs", "demo.yaml", 0);
}

/* Cross margin, a perp exchange, receipt tokens, gas congestion. */
static void test_cross_perp_tokens(void **state)
{
    (void)state;
    check_scenario("partition_cross_perp.yaml", 0);
    check_scenario("partition_cross_perp.yaml", 1);
}

/* Breakers, dynamic penalties, keeper capital and congestion on a shared
 * chain, Dutch auctions, a stability pool in recovery mode, presets. */
static void test_mechanisms(void **state)
{
    (void)state;
    check_scenario("network_mechanisms.yaml", 0);
}

/* StableSwap pools, several routes, median and anchored oracles, an
 * issuer with zero recovery and its holders. */
static void test_features(void **state)
{
    (void)state;
    check_scenario("network_features.yaml", 0);
}

/* Positions files (isolated and cross rows), six protocols. */
static void test_positions(void **state)
{
    (void)state;
    check_scenario("contagion_small.yaml", 0);
    check_scenario("reference_small.yaml", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition_balances_accounts),
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_cross_perp_tokens),
        cmocka_unit_test(test_mechanisms),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
