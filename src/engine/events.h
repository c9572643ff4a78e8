/*
 * The engine's event log (issue 13 item 7; src/engine/events.c): the rows
 * of the event tables (liqnet/events.h) that a round produces, collected
 * where they happen and handed to the record phase.
 *
 * Threads. Rows are kept per protocol: every append names its protocol, and
 * a protocol's margin step (liquidations, auctions, borrowers) runs on one
 * thread at a time, so appends need no lock. The one place a protocol's
 * rows are made by several threads at once, the parallel liquidations of a
 * large protocol (liquidate_large.c), reserves its rows first and each
 * thread fills the slots of its own candidates. The record phase merges the
 * protocols' rows in protocol order: the tables do not depend on the
 * thread count.
 *
 * Memory: 64 bytes a liquidation, 80 an auction row and 56 a borrower
 * action, twice (the protocol's buffer and the merged round), for the rows
 * of one round only: the buffers are emptied when a round starts and keep
 * their capacity. Nothing when the log is off (`output.events`; its
 * `enabled` is 0 and every append returns at once).
 *
 * Errors: an append that cannot grow its buffer marks the log failed
 * (inside a parallel region no error can be returned); the merge of the
 * record phase then fails the round with LIQ_ENOMEM.
 */
#ifndef LIQ_ENGINE_EVENTS_H
#define LIQ_ENGINE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/events.h"

struct liq_sim;

/* One protocol's rows of the round. */
struct liq_event_rows {
    liq_liquidation_event_t *liquidation;
    size_t n_liquidation, cap_liquidation;
    liq_auction_event_t *auction;
    size_t n_auction, cap_auction;
    liq_borrower_action_event_t *borrower;
    size_t n_borrower, cap_borrower;
    int failed; /* an append ran out of memory */
};

struct liq_event_log {
    int enabled;
    size_t n_protocols;
    struct liq_event_rows *protocol; /* [n_protocols] */
    struct liq_event_rows merged;    /* the round's rows in protocol order */
    liq_events_view_t view;          /* of `merged` */
};

/* Creates the log when the scenario's `output.events` (or its default: on
 * under LIQ_EVENTS_DEFAULT_MAX_ACCOUNTS accounts) asks for it, else leaves
 * it off. Off also in a run partitioned over processes, whose protocols'
 * rows are not exchanged. */
int liq_events_init(struct liq_sim *sim);
void liq_events_destroy(struct liq_event_log *log);

/* Empties every protocol's rows: the start of a round. */
void liq_events_begin_round(struct liq_sim *sim);
/* Merges the round's rows in protocol order (serial; the record phase). */
int liq_events_merge(struct liq_sim *sim);
/* The merged rows, or NULL when the log is off. */
const liq_events_view_t *liq_events_view(const struct liq_sim *sim);

/* Appends: round and protocol are set from sim and p. */
void liq_events_liquidation(struct liq_sim *sim, size_t p, const liq_liquidation_event_t *row);
void liq_events_auction(struct liq_sim *sim, size_t p, const liq_auction_event_t *row);
/* For borrowers' top-ups and repayments: call from protocol p's margin
 * step or from a serial part of the round. */
void liq_events_borrower_action(struct liq_sim *sim, size_t p,
                                const liq_borrower_action_event_t *row);

/* Sets the gas paid of protocol p's last liquidation row, if any (a bite
 * on a chain: the row is made by flip.c, the gas known to chains.c). */
void liq_events_last_gas(struct liq_sim *sim, size_t p, double gas_paid);

/* n liquidation rows of protocol p to fill in parallel (slot j by the
 * thread that executes the j-th liquidation); NULL when the log is off or
 * out of memory. The rows keep the order of their slots. */
liq_liquidation_event_t *liq_events_reserve_liquidations(struct liq_sim *sim, size_t p, size_t n);

/* A liquidation row of isolated account i of protocol p at collateral price
 * pc: repaid and seized value, and the protocol's gas cost of the round. */
liq_liquidation_event_t liq_events_liquidation_row(const struct liq_sim *sim, size_t p, size_t i,
                                                   double repaid_value, double seized_value,
                                                   double pc);

#endif /* LIQ_ENGINE_EVENTS_H */
