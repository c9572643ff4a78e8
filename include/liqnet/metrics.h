/*
 * The summary metrics of an experiment (MODEL.md s6), accumulated online
 * from each round's state view, so that nothing but O(rounds) scalars is kept.
 */
#ifndef LIQNET_METRICS_H
#define LIQNET_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"
#include "liqnet/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t n_oracles, n_protocols;
    int64_t rounds; /* rounds completed */
    /* per oracle: max drawdown of O over the run / max drawdown of E of the
     * asset it prices (token0 for pool sources); NaN when E never fell */
    double *amplification;
    double *oracle_drawdown;     /* [oracle] max drawdown of O, in [0, 1] */
    double *exogenous_drawdown;  /* [oracle] max drawdown of that asset's E */
    int64_t last_exogenous_move; /* last round with r != 0 for any asset; 0 if none */
    int64_t
        first_liquidation; /* first round >= last_exogenous_move with a liquidation; -1 if none */
    int64_t last_liquidation; /* last round with a liquidation; -1 if none */
    int64_t cascade_length;   /* last - first + 1 (0 if none): see docs/hdf5-schema.md */
    int64_t peak_round;       /* round with the most liquidated value; -1 if none */
    double peak_value;        /* liquidated (seized) value in that round, USD */
    /* per protocol totals over the run */
    int64_t *liquidations;
    double *liquidated_value;   /* sum of seized value, USD */
    double *repaid_value;       /* USD */
    int64_t *stalled;           /* account-rounds left stalled */
    double *bad_debt;           /* cumulative at the end, USD */
    double *deficit;            /* cumulative at the end, USD */
    double *insurance_drawdown; /* initial fund - final fund, USD */
    double *impairment;         /* cumulative write-down of holdings at the end, USD */
    int64_t *breaker_rounds;    /* rounds its circuit breaker held */
    double *peak_penalty_scale; /* largest dynamic-penalty scale (1 without one) */
    int64_t *first_failure;     /* first round with bad debt or deficit > 0; -1 if none */
    /* stability pools (MODEL.md s5): 0 for protocols without one */
    double *stability_offset;   /* debt-asset units offset against the pool over the run */
    double *redistributed_debt; /* debt-asset units redistributed to troves over the run */
    double *stability_gain;     /* collateral units the pool's depositors gained over the run */
    int64_t *recovery_rounds;   /* rounds whose liquidations ran in recovery mode */
    /* per protocol, Dutch auctions (MODEL.md s5); 0 for protocols that
     * liquidate at once */
    int64_t *auctions;          /* auctions started over the run */
    double *auction_sold_value; /* collateral keepers bought, USD at oracle prices */
    double *auction_raised;     /* debt units raised */
    double *keeper_rewards;     /* tip + chip tab paid, USD */
    double *auction_bad_debt;   /* cumulative at the end, USD (also in bad_debt) */
    double *auction_tab;        /* tab outstanding in running auctions at the end, debt units */
    double *adl_volume;         /* perp notional auto-deleveraged over the run, USD (0 for
                                   protocols that are not perp exchanges) */
    /* totals over protocols, summed in protocol order */
    int64_t total_liquidations;
    double total_liquidated_value, total_bad_debt, total_deficit;
    double total_adl_volume;  /* USD */
    int64_t failed_protocols; /* protocols with bad debt or deficit > 0 */
    /* the adversary's result (MODEL.md s5): NaN (count -1) without one */
    double adversary_profit;             /* liquidation profit + round trip - flash fee, USD */
    double adversary_liquidation_profit; /* USD */
    double adversary_round_trip;         /* USD */
    double adversary_flash_fee;          /* USD */
    int64_t adversary_liquidations;
} liq_summary_t;

typedef struct liq_metrics liq_metrics_t;

/* Starts accumulating from the round-0 view. */
LIQ_API int liq_metrics_create(liq_metrics_t **out, const liq_sim_t *sim);
/* Adds the view of a completed round (round >= 1, in order). O(entities). */
LIQ_API int liq_metrics_add(liq_metrics_t *metrics, const liq_state_view_t *view);
/* liq_metrics_add as a recorder of liq_sim_run (liq_recorder_t, context:
 * the metrics): round 0, which liq_metrics_create read, is skipped. */
LIQ_API int liq_metrics_record(void *metrics, const liq_state_view_t *view);
/* The summary of every round added so far; valid until the next add or
 * destroy. */
LIQ_API const liq_summary_t *liq_metrics_summary(liq_metrics_t *metrics);
LIQ_API void liq_metrics_destroy(liq_metrics_t *metrics);

/* Deep copy of a summary: *dst gets src's scalars and newly allocated copies
 * of its arrays, released with liq_summary_release. */
LIQ_API int liq_summary_copy(liq_summary_t *dst, const liq_summary_t *src);

/* Frees the arrays of a summary made by liq_summary_copy (or owned by a
 * metrics object) and sets them to NULL; accepts NULL. */
LIQ_API void liq_summary_release(liq_summary_t *summary);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_METRICS_H */
