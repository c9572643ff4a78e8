/*
 * The engine's event log (src/engine/events.h): per-protocol rows of the
 * round's liquidations, auctions ended and borrower actions, merged in
 * protocol order by the record phase.
 */
#include "engine/events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"

/* Grows *array (`size` bytes an element, capacity *cap) to hold n + extra. */
static int liq_events_grow(void **array, size_t *cap, size_t n, size_t extra, size_t size)
{
    if (n + extra <= *cap) {
        return LIQ_OK;
    }
    size_t next = *cap < 64 ? 64 : *cap;
    while (next < n + extra) {
        next *= 2;
    }
    void *grown = realloc(*array, next * size);
    if (grown == NULL) {
        return LIQ_ENOMEM;
    }
    *array = grown;
    *cap = next;
    return LIQ_OK;
}

/* The accounts of every kind: isolated, cross-margin and perp. */
static size_t liq_events_accounts(const struct liq_sim *sim)
{
    const size_t perp = sim->perp != NULL ? sim->perp->n_accounts : 0;
    return sim->accounts.n_accounts + sim->accounts.n_cross + perp;
}

int liq_events_init(struct liq_sim *sim)
{
    struct liq_event_log *log = &sim->events;
    const int asked = sim->scenario->output_events;
    const int on = asked >= 0 ? asked : liq_events_accounts(sim) < LIQ_EVENTS_DEFAULT_MAX_ACCOUNTS;
    if (on && sim->owned != NULL && asked == 1) {
        /* Each process holds only its own protocols' rows; they are not
         * exchanged, so a split run would write a part of each table. */
        return liq_error_set(LIQ_EINVAL,
                             "output.events: true: a run split over several processes writes no "
                             "event tables (their rows are not exchanged between processes); set "
                             "output.events: false, or run in one process");
    }
    if (!on || sim->owned != NULL) {
        return LIQ_OK; /* off, or split over processes (the default then: none) */
    }
    log->protocol = liq_calloc(sim->n_protocols, sizeof(*log->protocol));
    if (log->protocol == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the event log of %zu protocols",
                             sim->n_protocols);
    }
    log->n_protocols = sim->n_protocols;
    log->enabled = 1;
    return LIQ_OK;
}

static void liq_event_rows_free(struct liq_event_rows *rows)
{
    free(rows->liquidation);
    free(rows->auction);
    free(rows->borrower);
    memset(rows, 0, sizeof(*rows));
}

void liq_events_destroy(struct liq_event_log *log)
{
    if (log == NULL) {
        return;
    }
    for (size_t p = 0; p < log->n_protocols && log->protocol != NULL; p++) {
        liq_event_rows_free(&log->protocol[p]);
    }
    free(log->protocol);
    liq_event_rows_free(&log->merged);
    memset(log, 0, sizeof(*log));
}

void liq_events_begin_round(struct liq_sim *sim)
{
    struct liq_event_log *log = &sim->events;
    if (!log->enabled) {
        return;
    }
    for (size_t p = 0; p < log->n_protocols; p++) {
        struct liq_event_rows *rows = &log->protocol[p];
        rows->n_liquidation = 0;
        rows->n_auction = 0;
        rows->n_borrower = 0;
    }
}

/* Appends n rows of `size` bytes at `src` to *dst (count *n_dst, capacity
 * *cap). */
static int liq_events_copy(void **dst, size_t *n_dst, size_t *cap, const void *src, size_t n,
                           size_t size)
{
    if (n == 0) {
        return LIQ_OK;
    }
    if (liq_events_grow(dst, cap, *n_dst, n, size) != LIQ_OK) {
        return LIQ_ENOMEM;
    }
    memcpy((char *)*dst + *n_dst * size, src, n * size);
    *n_dst += n;
    return LIQ_OK;
}

int liq_events_merge(struct liq_sim *sim)
{
    struct liq_event_log *log = &sim->events;
    if (!log->enabled) {
        return LIQ_OK;
    }
    struct liq_event_rows *m = &log->merged;
    m->n_liquidation = 0;
    m->n_auction = 0;
    m->n_borrower = 0;
    int rc = LIQ_OK;
    for (size_t p = 0; p < log->n_protocols && rc == LIQ_OK; p++) {
        const struct liq_event_rows *r = &log->protocol[p];
        rc = r->failed ? LIQ_ENOMEM : LIQ_OK;
        if (rc == LIQ_OK) {
            rc = liq_events_copy((void **)&m->liquidation, &m->n_liquidation, &m->cap_liquidation,
                                 r->liquidation, r->n_liquidation, sizeof(*r->liquidation));
        }
        if (rc == LIQ_OK) {
            rc = liq_events_copy((void **)&m->auction, &m->n_auction, &m->cap_auction, r->auction,
                                 r->n_auction, sizeof(*r->auction));
        }
        if (rc == LIQ_OK) {
            rc = liq_events_copy((void **)&m->borrower, &m->n_borrower, &m->cap_borrower,
                                 r->borrower, r->n_borrower, sizeof(*r->borrower));
        }
    }
    if (rc != LIQ_OK) {
        return liq_error_set(LIQ_ENOMEM, "round %lld: out of memory for the event tables",
                             (long long)sim->round);
    }
    log->view = (liq_events_view_t){m->n_liquidation, m->liquidation, m->n_auction,
                                    m->auction,       m->n_borrower,  m->borrower};
    return LIQ_OK;
}

const liq_events_view_t *liq_events_view(const struct liq_sim *sim)
{
    return sim->events.enabled ? &sim->events.view : NULL;
}

void liq_events_liquidation(struct liq_sim *sim, size_t p, const liq_liquidation_event_t *row)
{
    if (!sim->events.enabled) {
        return;
    }
    struct liq_event_rows *r = &sim->events.protocol[p];
    if (liq_events_grow((void **)&r->liquidation, &r->cap_liquidation, r->n_liquidation, 1,
                        sizeof(*r->liquidation)) != LIQ_OK) {
        r->failed = 1;
        return;
    }
    liq_liquidation_event_t *e = &r->liquidation[r->n_liquidation++];
    *e = *row;
    e->round = sim->round;
    e->protocol = (int32_t)p;
}

liq_liquidation_event_t *liq_events_reserve_liquidations(struct liq_sim *sim, size_t p, size_t n)
{
    if (!sim->events.enabled) {
        return NULL;
    }
    struct liq_event_rows *r = &sim->events.protocol[p];
    if (liq_events_grow((void **)&r->liquidation, &r->cap_liquidation, r->n_liquidation, n,
                        sizeof(*r->liquidation)) != LIQ_OK) {
        r->failed = 1;
        return NULL;
    }
    liq_liquidation_event_t *rows = r->liquidation + r->n_liquidation;
    r->n_liquidation += n;
    return rows;
}

void liq_events_last_gas(struct liq_sim *sim, size_t p, double gas_paid)
{
    if (!sim->events.enabled || sim->events.protocol[p].n_liquidation == 0) {
        return;
    }
    struct liq_event_rows *r = &sim->events.protocol[p];
    r->liquidation[r->n_liquidation - 1].gas_paid = gas_paid;
}

void liq_events_auction(struct liq_sim *sim, size_t p, const liq_auction_event_t *row)
{
    if (!sim->events.enabled) {
        return;
    }
    struct liq_event_rows *r = &sim->events.protocol[p];
    if (liq_events_grow((void **)&r->auction, &r->cap_auction, r->n_auction, 1,
                        sizeof(*r->auction)) != LIQ_OK) {
        r->failed = 1;
        return;
    }
    liq_auction_event_t *e = &r->auction[r->n_auction++];
    *e = *row;
    e->end_round = sim->round;
    e->protocol = (int32_t)p;
}

void liq_events_borrower_action(struct liq_sim *sim, size_t p,
                                const liq_borrower_action_event_t *row)
{
    if (!sim->events.enabled) {
        return;
    }
    struct liq_event_rows *r = &sim->events.protocol[p];
    if (liq_events_grow((void **)&r->borrower, &r->cap_borrower, r->n_borrower, 1,
                        sizeof(*r->borrower)) != LIQ_OK) {
        r->failed = 1;
        return;
    }
    liq_borrower_action_event_t *e = &r->borrower[r->n_borrower++];
    *e = *row;
    e->round = sim->round;
    e->protocol = (int32_t)p;
    e->reserved = 0;
}

liq_liquidation_event_t liq_events_liquidation_row(const struct liq_sim *sim, size_t p, size_t i,
                                                   double repaid_value, double seized_value,
                                                   double pc)
{
    return (liq_liquidation_event_t){.round = sim->round,
                                     .account = (int64_t)i,
                                     .protocol = (int32_t)p,
                                     .keeper = LIQ_KEEPER_POOLED,
                                     .repaid_value = repaid_value,
                                     .seized_value = seized_value,
                                     .price = pc,
                                     .gas_paid = sim->risk.gas_now[p],
                                     .builder_share = 0.0};
}
