/*
 * Bridges between chains (issue 13, item 6): one direction of a bridge is a
 * first-in, first-out queue of transfers of one asset with
 *   a latency: a transfer sent in round t may arrive from round t + latency;
 *   a capacity: at most `capacity` units arrive per round (a rate limit in
 *     the spirit of the per-period outflow limits some bridges enforce); a
 *     transfer larger than what is left of a round's capacity arrives in
 *     parts, and none behind it arrives before its last part;
 *   a fee: a share of each transfer the bridge keeps when it is sent.
 * Conservation: units sent = delivered + in flight + fees, at every round.
 * A two-way bridge is two of these. The model is this project's own
 * abstraction; no one bridge's contract is reproduced.
 *
 * Units are the asset's units (float64); rounds are the engine's. The
 * queue's buffers only grow, so a bridge in steady state allocates nothing.
 * No global state: a bridge is an object; one thread uses it at a time.
 */
#ifndef LIQNET_BRIDGE_H
#define LIQNET_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int64_t latency; /* rounds from sending to the first round of arrival, >= 0 */
    double capacity; /* units delivered per round at most, > 0; INFINITY: no limit */
    double fee;      /* share of each transfer kept by the bridge, in [0, 1) */
} liq_bridge_params_t;

/* A transfer in flight. */
typedef struct {
    int64_t id;        /* 0, 1, 2, ... in sending order */
    int64_t sent;      /* round it was sent */
    int64_t recipient; /* the engine's id of who receives it on the other chain */
    double amount;     /* units sent, the fee included */
    double remaining;  /* units still to arrive: amount less the fee less parts delivered */
} liq_transfer_t;

/* What arrives in one round: a transfer's part. */
typedef struct {
    int64_t id;
    int64_t recipient;
    double amount; /* units arriving this round */
    bool complete; /* this part is the transfer's last */
} liq_delivery_t;

/* Cumulative units since creation. sent = delivered + in_flight + fees up to
 * rounding (exactly when the amounts and fee are dyadic). */
typedef struct {
    double sent;
    double delivered;
    double in_flight; /* sum of the queue's remaining units */
    double fees;
    size_t n_in_flight; /* transfers not yet complete */
} liq_bridge_totals_t;

typedef struct liq_bridge liq_bridge_t;

/* Creates an empty bridge. LIQ_EINVAL for a negative latency, a capacity
 * not > 0 (NaN included) or a fee outside [0, 1), LIQ_ENOMEM; *out is NULL
 * on failure. Release with liq_bridge_destroy. O(1). */
LIQ_API int liq_bridge_create(liq_bridge_t **out, const liq_bridge_params_t *params);

/* Releases a bridge; NULL is allowed. */
LIQ_API void liq_bridge_destroy(liq_bridge_t *bridge);

/* Grows the buffers to hold `n` transfers in flight now. LIQ_OK or LIQ_ENOMEM. O(n). */
LIQ_API int liq_bridge_reserve(liq_bridge_t *bridge, size_t n);

/*
 * Sends `amount` units in round `round` to `recipient`; the fee amount x fee
 * is kept at once, the rest queues. Writes the transfer's id to *id when not
 * NULL. LIQ_EINVAL for an amount not finite or not > 0, or a round before
 * the last send or the last delivery round (the queue is in time order).
 * Amortised O(1).
 */
LIQ_API int liq_bridge_send(liq_bridge_t *bridge, int64_t round, double amount, int64_t recipient,
                            int64_t *id);

/*
 * Delivers round `round`: from the head of the queue, transfers sent by
 * round - latency, in order, up to the capacity; a transfer the capacity
 * cuts arrives in part and stays at the head. Rounds must increase from
 * call to call (each round's capacity is spent once; LIQ_EINVAL otherwise).
 * *deliveries points to [*n] parts in order, owned by the bridge and valid
 * until its next send, deliver or destroy. O(parts delivered), no
 * allocation.
 */
LIQ_API int liq_bridge_deliver(liq_bridge_t *bridge, int64_t round,
                               const liq_delivery_t **deliveries, size_t *n);

/* The queue in sending order ([*n] transfers in flight, the head first; valid
 * until the next send, deliver or destroy). O(1). */
LIQ_API const liq_transfer_t *liq_bridge_queue(const liq_bridge_t *bridge, size_t *n);

/* Totals since creation; in_flight is summed over the queue. O(in flight). */
LIQ_API liq_bridge_totals_t liq_bridge_totals(const liq_bridge_t *bridge);

/* How many times the bridge has (re)allocated its buffers: flat in steady state. O(1). */
LIQ_API size_t liq_bridge_allocations(const liq_bridge_t *bridge);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_BRIDGE_H */
