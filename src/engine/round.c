/*
 * The round (MODEL.md s3): seven phases, listed once, in the order they run
 * (as Box2D's b2SolverStage lists the stages of its solver step). Rounds
 * are synchronous supersteps: each phase steps every entity of one kind in
 * parallel, reads only what earlier phases wrote, and writes only to slots
 * indexed by the entity it steps; reductions run over fixed chunks
 * combined in a fixed order. The trajectories are therefore bit-identical
 * for any thread count.
 *
 *   1. market     src/engine/phase_market.c     reference prices; blocks (chains.c)
 *   2. arbitrage  src/engine/phase_arbitrage.c  pools toward them
 *   3. oracles    src/engine/phase_oracles.c    feeds publish; risk controls
 *   4. margin     src/engine/phase_margin.c     margin engines, auctions, perps
 *   5. venues     src/engine/phase_venues.c     pools execute the orders
 *   6. derived    src/engine/phase_derived.c    issued tokens, holdings, checks
 *   7. record     here                          the event log's rows merged
 *                                               (events.c); recorders get the state
 *
 * A distributed run (one network over several processes, partition.c)
 * gives the simulation an exchange hook, called between the margin and the
 * venues phases: the processes step the margin engines of their own
 * protocols and the hook copies every protocol's results everywhere before
 * the replicated phases go on.
 *
 * liq_sim_run is the loop over rounds that `liqnet run`, sweeps and the
 * benchmarks share: it records round 0, then asks whether to stop, steps,
 * records and reports progress, round after round.
 *
 * Workload: a few to 10^5 assets, pools, oracles and protocols, and up to
 * 10^8 accounts. Nearly all the time goes into the margin engines; the
 * entity phases are noise. With time_phases, each phase's wall time is
 * summed for liq_sim_timing (one clock read per phase boundary).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <time.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

typedef int (*liq_phase_fn)(struct liq_sim *sim);

static int liq_phase_record(struct liq_sim *sim);

/* The phases in round order, with their names. */
static const struct {
    const char *name;
    liq_phase_fn run;
} liq_phases[LIQ_PHASE_COUNT] = {
    [LIQ_PHASE_MARKET] = {"market", liq_phase_market},
    [LIQ_PHASE_ARBITRAGE] = {"arbitrage", liq_phase_arbitrage},
    [LIQ_PHASE_ORACLES] = {"oracles", liq_phase_oracles},
    [LIQ_PHASE_MARGIN] = {"margin", liq_phase_margin},
    [LIQ_PHASE_VENUES] = {"venues", liq_phase_venues},
    [LIQ_PHASE_DERIVED] = {"derived", liq_phase_derived},
    [LIQ_PHASE_RECORD] = {"record", liq_phase_record},
};

const char *liq_phase_name(liq_phase_t phase)
{
    return phase >= 0 && phase < LIQ_PHASE_COUNT ? liq_phases[phase].name : "?";
}

static double liq_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The clock of the phase timing: 0 when the simulation does not time. */
static double liq_clock(const struct liq_sim *sim)
{
    return sim->time_phases ? liq_now() : 0.0;
}

/* Phase 7: every recorder of the run gets the round's state, in order. */
static int liq_phase_record(struct liq_sim *sim)
{
    /* The round's event rows, merged in protocol order (events.c), so
     * that the view after a step holds them with or without recorders. */
    const int merged = liq_events_merge(sim);
    if (merged != LIQ_OK) {
        return merged;
    }
    const liq_run_hooks_t *hooks = sim->run_hooks;
    if (hooks == NULL || hooks->n_recorders == 0) {
        return LIQ_OK;
    }
    liq_state_view_t view;
    liq_sim_view(sim, &view);
    for (size_t k = 0; k < hooks->n_recorders; k++) {
        const liq_recorder_t *r = &hooks->recorders[k];
        const int rc = r->record(r->context, &view);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* The phases of a round in order; *failed (may be NULL) receives the phase
 * that failed. In a distributed run the exchange hook follows the margin
 * phase, also when the phase failed, so that every process learns of it. */
static int liq_round_phases(struct liq_sim *sim, liq_phase_t *failed)
{
    /* One clock read per phase boundary, and none unless asked for: a calm
     * round with the index costs about 16 us on the development machine,
     * and its eight reads of the kvm-clock took 0.8 us of it. */
    double t = liq_clock(sim);
    for (int k = 0; k < LIQ_PHASE_COUNT; k++) {
        const liq_phase_t phase = (liq_phase_t)k;
        int rc = liq_phases[phase].run(sim);
        double now = liq_clock(sim);
        sim->phase_seconds[phase] += now - t;
        t = now;
        if (phase == LIQ_PHASE_MARGIN && sim->exchange != NULL) {
            rc = sim->exchange(sim->exchange_context, sim, rc);
            now = liq_clock(sim);
            sim->exchange_seconds += now - t;
            t = now;
        }
        if (rc != LIQ_OK) {
            if (failed != NULL) {
                *failed = phase;
            }
            return rc;
        }
    }
    sim->timed_rounds++;
    return LIQ_OK;
}

/* One round: its phases, then the round's scratch is emptied. */
static int liq_round(struct liq_sim *sim, liq_phase_t *failed)
{
    sim->round++;
    liq_events_begin_round(sim); /* the event log holds one round's rows */
    const int rc = liq_round_phases(sim, failed);
    liq_arena_reset(&sim->arena); /* the round's scratch, empty after it */
    return rc;
}

int liq_sim_step(liq_sim_t *sim)
{
    return liq_round(sim, NULL);
}

int liq_sim_run(liq_sim_run_end_t *end, liq_sim_t *sim, int64_t rounds,
                const liq_run_hooks_t *hooks)
{
    static const liq_run_hooks_t none = {0};
    sim->run_hooks = hooks != NULL ? hooks : &none;
    hooks = sim->run_hooks;
    *end = LIQ_SIM_RUN_COMPLETE;
    int rc = LIQ_OK;
    if (sim->round == 0) {
        const double t = liq_clock(sim);
        rc = liq_phase_record(sim);
        sim->phase_seconds[LIQ_PHASE_RECORD] += liq_clock(sim) - t;
        if (rc != LIQ_OK) {
            *end = LIQ_SIM_RUN_RECORD_FAILED;
        }
    }
    while (rc == LIQ_OK && sim->round < rounds) {
        if (hooks->check_stop != NULL) {
            bool stop = false;
            rc = hooks->check_stop(hooks->context, &stop);
            if (rc != LIQ_OK) {
                *end = LIQ_SIM_RUN_ROUND_FAILED;
                break;
            }
            if (stop) {
                *end = LIQ_SIM_RUN_STOPPED;
                break;
            }
        }
        liq_phase_t failed = LIQ_PHASE_MARKET;
        rc = liq_round(sim, &failed);
        if (rc != LIQ_OK) {
            *end =
                failed == LIQ_PHASE_RECORD ? LIQ_SIM_RUN_RECORD_FAILED : LIQ_SIM_RUN_ROUND_FAILED;
            break;
        }
        if (hooks->progress != NULL) {
            hooks->progress(hooks->context, sim->round);
        }
    }
    sim->run_hooks = NULL;
    return rc;
}

void liq_sim_timing(const liq_sim_t *sim, liq_sim_timing_t *timing)
{
    for (int k = 0; k < LIQ_PHASE_COUNT; k++) {
        timing->phase[k] = sim->phase_seconds[k];
    }
    timing->exchange = sim->exchange_seconds;
    timing->rounds = sim->timed_rounds;
}
