/*
 * Liquity-style stability pools in the engine (MODEL.md s5; the maths is in
 * liqnet/stability.h, the decisions in docs/model-notes.md). Private to
 * src/engine.
 */
#ifndef LIQ_ENGINE_STABILITY_H
#define LIQ_ENGINE_STABILITY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/sim_internal.h"

/* Per-protocol state of the stability pools, [n_protocols] each (protocols
 * without a pool keep 0, and NaN for tcr): 80 bytes a protocol, 4 a market,
 * and 16 an account of a pooled protocol. Allocated only when some
 * protocol has a pool. */
struct liq_stability {
    double *deposits;                 /* debt-asset units in the pool after the round */
    double *collateral;               /* collateral units the pool holds after the round */
    double *offset;                   /* debt units offset against the pool this round */
    double *redistributed_debt;       /* debt units redistributed this round */
    double *redistributed_collateral; /* collateral units redistributed this round */
    double *sold;                     /* collateral units the depositors sold this round */
    double *surplus;   /* cumulative collateral units returned to owners (recovery mode) */
    double *tcr;       /* total collateral ratio after the round, at its oracle prices */
    int64_t *recovery; /* 1: the round's liquidations ran in recovery mode */
    int *market;       /* [n_markets] 1: liquidated here, scanned, never indexed */
    /* Candidates of a round, protocol p's at scratch_begin[p], one slot per
     * account of its market (16 bytes an account of a pooled protocol). */
    size_t *scratch_begin; /* [n_protocols + 1] */
    liq_candidate_t *scratch;
};

/* Sets up the pools once the accounts and the scan chunks exist: checks that
 * a pooled protocol has no cross-margin accounts, allocates the state and
 * puts the pooled markets on their own scan (never the index). LIQ_EINVAL
 * naming the protocol, LIQ_ENOMEM. No-op without pools. */
int liq_stability_init(struct liq_sim *sim);

/* The margin engine of pooled protocol p for this round (replaces R0's):
 * find the troves to liquidate, offset against the pool, redistribute, and
 * emit the keepers' and depositors' collateral sales. Touches only protocol
 * p's state and its market's accounts, so protocols can run in parallel. */
void liq_stability_liquidate(struct liq_sim *sim, size_t p);

/* Frees the pools; accepts NULL. */
void liq_stability_destroy(struct liq_stability *st);

#endif /* LIQ_ENGINE_STABILITY_H */
