/*
 * Bridges between chains (include/liqnet/bridge.h): a FIFO queue of
 * transfers with a latency, a capacity per round and a fee.
 *
 * Workload: a few transfers sent and delivered per round per bridge, and in
 * a cascade a backlog of up to thousands behind a capacity that binds. The
 * queue is an array with a moving head: sends append, deliveries advance
 * the head, and the live part moves to the front only when the head has
 * passed half the array, so both are amortised O(1) and the array is always
 * contiguous (liq_bridge_queue). Buffers only grow.
 */
#include "liqnet/bridge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"

struct liq_bridge {
    liq_bridge_params_t params;
    liq_transfer_t *queue;       /* [head, tail) in flight, by id */
    liq_delivery_t *deliveries;  /* the last round's parts, at most one a transfer */
    size_t head, tail, capacity; /* capacity of both buffers */
    int64_t next_id;
    int64_t last_send;    /* round of the last send, INT64_MIN before any */
    int64_t last_deliver; /* round of the last delivery, INT64_MIN before any */
    double sent, delivered, fees;
    size_t allocations;
};

int liq_bridge_create(liq_bridge_t **out, const liq_bridge_params_t *params)
{
    *out = NULL;
    if (params->latency < 0) {
        return liq_error_set(LIQ_EINVAL, "bridge: latency %lld rounds is negative",
                             (long long)params->latency);
    }
    if (!(params->capacity > 0.0)) {
        return liq_error_set(LIQ_EINVAL, "bridge: capacity %g units a round must be > 0",
                             params->capacity);
    }
    if (!(params->fee >= 0.0 && params->fee < 1.0)) {
        return liq_error_set(LIQ_EINVAL, "bridge: fee %g outside [0, 1)", params->fee);
    }
    liq_bridge_t *bridge = calloc(1, sizeof(*bridge));
    if (bridge == NULL) {
        return liq_error_set(LIQ_ENOMEM, "bridge: no memory");
    }
    bridge->params = *params;
    bridge->last_send = INT64_MIN;
    bridge->last_deliver = INT64_MIN;
    *out = bridge;
    return LIQ_OK;
}

void liq_bridge_destroy(liq_bridge_t *bridge)
{
    if (bridge == NULL) {
        return;
    }
    free(bridge->queue);
    free(bridge->deliveries);
    free(bridge);
}

/* Makes room for `n` transfers in flight after the tail: first by moving the
 * live part to the front when the head has passed half the array (each such
 * move is paid for by the deliveries that advanced the head), else by
 * doubling. */
static int make_room(liq_bridge_t *b, size_t n)
{
    const size_t live = b->tail - b->head;
    if (n < live) {
        n = live;
    }
    if (b->tail + (n - live) <= b->capacity) {
        return LIQ_OK;
    }
    if (n <= b->capacity && b->head >= b->capacity / 2) {
        memmove(b->queue, b->queue + b->head, live * sizeof(*b->queue));
        b->head = 0;
        b->tail = live;
        return LIQ_OK;
    }
    size_t capacity = b->capacity < 16 ? 16 : 2 * b->capacity;
    if (capacity < n) {
        capacity = n;
    }
    if (capacity > SIZE_MAX / sizeof(liq_transfer_t)) {
        return liq_error_set(LIQ_ENOMEM, "bridge: %zu transfers in flight", n);
    }
    b->allocations++;
    liq_transfer_t *queue = realloc(b->queue, capacity * sizeof(*queue));
    if (queue != NULL) {
        b->queue = queue;
    }
    liq_delivery_t *deliveries = realloc(b->deliveries, capacity * sizeof(*deliveries));
    if (deliveries != NULL) {
        b->deliveries = deliveries;
    }
    if (queue == NULL || deliveries == NULL) {
        return liq_error_set(LIQ_ENOMEM, "bridge: no memory for %zu transfers", capacity);
    }
    b->capacity = capacity;
    memmove(b->queue, b->queue + b->head, live * sizeof(*b->queue));
    b->head = 0;
    b->tail = live;
    return LIQ_OK;
}

int liq_bridge_reserve(liq_bridge_t *bridge, size_t n)
{
    return make_room(bridge, n);
}

int liq_bridge_send(liq_bridge_t *bridge, int64_t round, double amount, int64_t recipient,
                    int64_t *id)
{
    if (!(isfinite(amount) && amount > 0.0)) {
        return liq_error_set(LIQ_EINVAL, "bridge: transfer of %g units (must be finite, > 0)",
                             amount);
    }
    if (round < bridge->last_send || round < bridge->last_deliver) {
        return liq_error_set(LIQ_EINVAL,
                             "bridge: transfer sent in round %lld after a round %lld send or "
                             "delivery",
                             (long long)round,
                             (long long)(bridge->last_send > bridge->last_deliver
                                             ? bridge->last_send
                                             : bridge->last_deliver));
    }
    const int rc = make_room(bridge, bridge->tail - bridge->head + 1);
    if (rc != LIQ_OK) {
        return rc;
    }
    /* The fee is kept when the transfer is sent; the rest travels. */
    const double fee = amount * bridge->params.fee;
    liq_transfer_t *t = &bridge->queue[bridge->tail++];
    *t = (liq_transfer_t){bridge->next_id++, round, recipient, amount, amount - fee};
    bridge->sent += amount;
    bridge->fees += fee;
    bridge->last_send = round;
    if (id != NULL) {
        *id = t->id;
    }
    return LIQ_OK;
}

int liq_bridge_deliver(liq_bridge_t *bridge, int64_t round, const liq_delivery_t **deliveries,
                       size_t *n)
{
    *deliveries = bridge->deliveries;
    *n = 0;
    if (round <= bridge->last_deliver) {
        return liq_error_set(LIQ_EINVAL, "bridge: delivery of round %lld after that of round %lld",
                             (long long)round, (long long)bridge->last_deliver);
    }
    bridge->last_deliver = round;
    double budget = bridge->params.capacity;
    size_t parts = 0;
    /* Sends are in round order, so the first transfer not yet due ends the
     * round: nothing behind it is due either. */
    while (bridge->head < bridge->tail && budget > 0.0) {
        liq_transfer_t *t = &bridge->queue[bridge->head];
        if (t->sent > round - bridge->params.latency) {
            break;
        }
        const bool complete = t->remaining <= budget;
        const double part = complete ? t->remaining : budget;
        bridge->deliveries[parts++] = (liq_delivery_t){t->id, t->recipient, part, complete};
        bridge->delivered += part;
        budget -= part;
        if (complete) {
            t->remaining = 0.0;
            bridge->head++;
        } else {
            t->remaining -= part;
        }
    }
    *n = parts;
    return LIQ_OK;
}

const liq_transfer_t *liq_bridge_queue(const liq_bridge_t *bridge, size_t *n)
{
    *n = bridge->tail - bridge->head;
    return bridge->queue + bridge->head;
}

liq_bridge_totals_t liq_bridge_totals(const liq_bridge_t *bridge)
{
    liq_bridge_totals_t totals = {bridge->sent, bridge->delivered, 0.0, bridge->fees,
                                  bridge->tail - bridge->head};
    for (size_t i = bridge->head; i < bridge->tail; i++) {
        totals.in_flight += bridge->queue[i].remaining;
    }
    return totals;
}

size_t liq_bridge_allocations(const liq_bridge_t *bridge)
{
    return bridge->allocations;
}
