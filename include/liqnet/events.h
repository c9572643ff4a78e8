/*
 * Event tables of a run (issue 13 item 7): one row per liquidation, per
 * auction that ended, and per borrower action, as the engine's event log
 * (src/engine/events.c) collected them in a round. The record phase hands
 * them to the recorders in the state view (liq_state_view_t.events); the
 * HDF5 writer appends them to the group /events of the run file
 * (docs/hdf5-schema.md "Group events").
 *
 * Order: the rows of a round are in protocol order, and within a protocol
 * in the order the engine executed them; so the tables do not depend on the
 * thread count. USD values are at the oracle prices of the round the row
 * happened in.
 */
#ifndef LIQNET_EVENTS_H
#define LIQNET_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The keeper of a liquidation when the protocol has no competing
 * liquidators (keepers.liquidators): its keepers as a whole. */
#define LIQ_KEEPER_POOLED INT32_C(-1)

/* A liquidation executed (64 bytes). For a Dutch or English auction
 * protocol it is the kick (bark, bite): the vault's seizure into a new
 * auction; the auction's own row follows in the auction table when it
 * ends. */
typedef struct {
    int64_t round;
    int64_t account; /* isolated: the global account index; cross-margin: n_accounts + j;
                        perp: the perp account index */
    int32_t protocol;
    int32_t keeper;       /* the winner's index in keepers.liquidators, or LIQ_KEEPER_POOLED */
    double repaid_value;  /* debt repaid (or taken into the auction), USD at O_b */
    double seized_value;  /* collateral seized, USD at O_a; perps: notional closed at the mark */
    double price;         /* O_a, USD per unit of collateral; NaN for cross-margin and perps */
    double gas_paid;      /* USD the liquidation's transaction paid for gas (on a chain), else
                             the protocol's gas cost of the round (keepers.gas_cost with
                             congestion); 0 where the protocol has none */
    double builder_share; /* USD paid to the block's builder: gas x priority fee of a
                             liquidator's transaction; 0 without keepers.liquidators */
} liq_liquidation_event_t;

/* An auction that ended (80 bytes): an English auction dealt (flip.sol's
 * deal). Running auctions get their row when they end. */
typedef struct {
    int64_t id;      /* the protocol's auction number, in kick order from 0 */
    int64_t account; /* the vault whose collateral was sold */
    int64_t kick_round;
    int64_t end_round; /* the round of the deal */
    int64_t bids;      /* tends and dents that ran on it */
    int32_t protocol;
    int32_t zero_bid;   /* 1 when the winning bid was at most 10 rad (1e-44 DAI) */
    double tab;         /* debt units the auction had to raise (debt x chop) */
    double lot;         /* collateral units auctioned at the kick */
    double winning_bid; /* debt units the winner paid */
    double sold_lot;    /* collateral units the winner received */
} liq_auction_event_t;

/* What a borrower did (56 bytes): a top-up or a repayment that landed or
 * failed (src/engine/borrowers.c). */

typedef struct {
    int64_t round;
    int64_t account; /* global account index */
    int32_t protocol;
    int32_t kind;     /* a liq_borrower_action_t (liqnet/scenario.h): 0 top-up, 1 repayment */
    double amount;    /* collateral units added or debt units repaid (decided amount if failed) */
    double value;     /* amount in USD at the round's oracle prices */
    double gas_paid;  /* USD at the gas asset's reference price; 0 off a chain or if dropped */
    int32_t included; /* 1: it landed; 0: it failed (liquidated first, or dropped) */
    int32_t reserved; /* 0 */
} liq_borrower_action_event_t;

/* One round's rows (the state view's `events`). */
typedef struct {
    size_t n_liquidations;
    const liq_liquidation_event_t *liquidations;
    size_t n_auctions;
    const liq_auction_event_t *auctions;
    size_t n_borrower_actions;
    const liq_borrower_action_event_t *borrower_actions;
} liq_events_view_t;

/* The account count under which `output.events` defaults to true. */
#define LIQ_EVENTS_DEFAULT_MAX_ACCOUNTS ((size_t)1000000)

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_EVENTS_H */
