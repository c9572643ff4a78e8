/*
 * Private store and phase of the perpetual-futures engine (MODEL.md s5;
 * src/engine/perp.c). A simulation without perp protocols has no store
 * (sim->perp is NULL) and runs exactly as before.
 *
 * Layout (struct of arrays, built once, nothing allocated per round):
 * accounts are grouped by protocol (protocol p's are account_begin[p] ..
 * account_begin[p+1]-1) and each account owns the positions
 * position_begin[a] .. position_begin[a+1]-1: one for an isolated account,
 * one per perp market of its protocol for a cross-margin account, which
 * shares one margin balance. Per account 16 bytes (margin, position_begin),
 * per position 20 (q, entry, market), plus the round's scratch.
 */
#ifndef LIQ_ENGINE_PERP_H
#define LIQ_ENGINE_PERP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/rng.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

struct liq_sim;

/* One opposite position in the ADL ranking of a bankrupt position. */
typedef struct {
    double score;    /* unrealised PnL x the account's leverage (notional / equity) */
    size_t position; /* global position index */
} liq_adl_entry_t;

typedef struct liq_perp {
    /* perp markets [n_markets], flattened in protocol order */
    size_t n_markets;
    size_t *market_offset; /* [n_protocols + 1] */
    const liq_perp_market_config_t **market_config;
    double *mark;       /* O_a of the round, USD */
    double *sell;       /* units of the asset sold into the route this round (closing longs) */
    double *buy;        /* units of the asset bought from the route this round (closing shorts) */
    double *pool_sell0; /* [n_pools] units of token0 sold by perp closes this round */
    double *pool_sell1; /* [n_pools] units of token1 */
    double *pool_buy0;  /* [n_pools] units of token0 bought by perp closes this round */
    double *pool_buy1;  /* [n_pools] units of token1 */
    double *pool_paid0; /* [n_pools] units of token0 paid for token1 bought this round */
    double *pool_paid1; /* [n_pools] units of token1 paid for token0 bought this round */

    /* accounts [n_accounts] */
    size_t n_accounts;
    size_t *account_begin;  /* [n_protocols + 1] */
    double *margin;         /* m, units of the protocol's margin asset */
    size_t *position_begin; /* [n_accounts + 1] */
    double *ratio;          /* equity / maintenance at the round's marks; INFINITY if flat */
    void *candidate;        /* scratch: the round's liquidatable accounts (liq_candidate_t) */

    /* positions [n_positions] */
    size_t n_positions;
    double *position;         /* q, signed units of the market's asset (> 0 long) */
    double *entry;            /* e, USD per unit */
    int32_t *position_market; /* global perp market index */
    size_t *position_account; /* the account holding it */
    liq_adl_entry_t *adl;     /* ADL queues, (market k, side) at adl_offset[2k + (side > 0)] */
    size_t *adl_offset;       /* [2 n_markets + 1] */
    size_t *adl_size;         /* [2 n_markets] entries of the queue built this round */
    size_t *adl_cursor;       /* [2 n_markets] first entry not yet used up */
    int64_t *adl_built;       /* [2 n_markets] round the queue was built; -1 never */

    /* per protocol [n_protocols], this round unless cumulative */
    int64_t *liquidations;       /* perp accounts liquidated */
    int64_t *adl_count;          /* positions reduced by ADL */
    double *adl_volume;          /* notional reduced by ADL at the mark, USD */
    double *liquidated_notional; /* notional closed by liquidations at the mark, USD */
    double *fee;                 /* liquidation fees paid into the insurance fund, USD */
    double *adl_covered;         /* cumulative losses covered by ADL, USD */
    double *fund_covered;        /* cumulative losses paid by the insurance fund, USD */
    double *open_long;           /* open long notional at the mark after the round, USD */
    double *open_short;          /* open short notional at the mark after the round, USD */

    /* Hyperliquid's rules (src/engine/perp_backstop.c); NULL when no
     * protocol declares them. */
    int64_t *cooldown_until; /* [n_accounts] last round of the partial-liquidation cooldown */
    double *vault_q;         /* [n_markets] the liquidator vault's inventory, signed units */
    double *vault_entry;     /* [n_markets] its average entry, USD per unit */
    double *vault_cash;      /* [n_protocols] equities taken over + PnL realised - shortfalls
                                paid, USD */
    double *vault_covered;   /* [n_protocols] cumulative book-fill shortfalls the vault paid, USD */
    double *vault_loss_now;  /* [n_protocols] the vault's loss after the round, USD (output) */
    double *book_fill;       /* [n_markets] scratch of liq_perp_liquidate_book; NULL without
                                book fills */
    int64_t *vault_taken;    /* [n_protocols] accounts taken over, cumulative */

    /* The living population (src/engine/perp_flow.c); NULL when no
     * generator declares a flow. */
    struct liq_perp_flow *flow;
} liq_perp_t;

/* A perp generator's living population (src/engine/perp_flow.c). Its
 * accounts are `capacity` slots from first: the `count` drawn at round 0,
 * then empty ones; a slot is free while its position is 0. */
typedef struct liq_perp_flow {
    size_t n_generators;                 /* generators with a flow held here */
    const liq_account_generator_t **gen; /* [n_generators] */
    size_t *first;                       /* [n_generators] first account slot */
    /* per protocol [n_protocols], this round */
    int64_t *opened;          /* positions opened by arrivals */
    int64_t *closed;          /* positions closed by their owners */
    int64_t *refused;         /* arrivals that found no free slot */
    double *liquidated_long;  /* long notional closed by liquidations, at the mark, USD */
    double *liquidated_short; /* short notional closed by liquidations, at the mark, USD */
    double before_long;       /* the account being liquidated: long notional before, USD */
    double before_short;      /* its short notional before, USD */
} liq_perp_flow_t;

/* Builds sim->perp for the scenario's perp protocols and generators (none:
 * it stays NULL) from round-0 oracle prices, once the oracles exist. */
int liq_perp_create(struct liq_sim *sim);
void liq_perp_destroy(liq_perp_t *perp);

/* Points the view's perp series at the store (NULL series without one). */
void liq_perp_view(const liq_perp_t *perp, liq_state_view_t *view);

/* The perp phase: right after the margin engines. Finds accounts with
 * equity < maintenance, liquidates them within each protocol's throughput,
 * books fund, ADL and deficit, and leaves the route orders in pool_sell* /
 * pool_buy* for the venues phase. */
void liq_phase_perp(struct liq_sim *sim);

/* Right after the venues phase: each pool executes the perp closes routed to
 * it, their sales as one swap (added to the pool's liquidation inflow), then
 * their buys as one exact-output swap. LIQ_ENUMERIC when a pool cannot pay
 * the amount bought. O(pools + perp markets), serial. */
int liq_perp_venues(struct liq_sim *sim);

/* Equity, maintenance margin and notional of account a at the round's
 * marks (USD; the margin valued at price_margin). */
void liq_perp_account(const liq_perp_t *pp, size_t a, double price_margin, double *equity,
                      double *maintenance, double *notional);

/* Auto-deleverages up to `target` units of position j of a bankrupt
 * account of protocol p against the opposite positions of its market, in
 * ADL order, at `price`; returns the units placed. */
double liq_perp_adl(struct liq_sim *sim, size_t p, size_t j, double target, double price);

/* ---- Book fills (src/engine/perp_book.c) ---- */

/* The average price, USD per unit, at which closing q units of market k's
 * asset through its route pool fills this round (q > 0 sells them: a long's
 * close; q < 0 buys them: a short's): the pool's segment of the round's
 * one swap per direction, after the closes already routed to it this round
 * and `extra` more units of the same direction. INFINITY for a buy the pool
 * cannot pay. */
double liq_perp_book_fill(const struct liq_sim *sim, size_t k, double q, double extra);

/* Liquidates account a of protocol p (liquidation_fill: book) through the
 * book: its positions fill at the book; a shortfall below zero is paid by
 * the insurance fund, then the liquidator vault, and what they cannot pay
 * is auto-deleveraged at the bankruptcy price. `equity`, `notional` at the
 * marks. */
void liq_perp_liquidate_book(struct liq_sim *sim, size_t p, size_t a, double equity,
                             double notional);

/* Notional V (USD) and leverage of a perp generator's account from the
 * counter (stream, entity, index): V from its size distribution (capped at
 * size_max), the leverage from its `leverage` distribution. */
void liq_perp_draw(const liq_account_generator_t *g, liq_rng_key_t key, uint64_t stream,
                   uint64_t entity, uint64_t index, double *notional, double *leverage);

/* ---- The living population (src/engine/perp_flow.c) ---- */

/* Account slots of generator g in the store: its flow's capacity, else its
 * count. */
size_t liq_perp_flow_slots(const liq_account_generator_t *g);

/* Allocates pp->flow when some generator of a perp protocol held here has a
 * flow (`here` says which protocols are); nothing otherwise. */
int liq_perp_flow_alloc(liq_perp_t *pp, const liq_scenario_t *sc, const bool *here);
void liq_perp_flow_free(liq_perp_t *pp);

/* Records generator g's slots (its accounts from a0, positions from q0) and
 * lays out its empty slots after the `count` drawn ones. */
void liq_perp_flow_layout(liq_perp_t *pp, const liq_account_generator_t *g, size_t a0, size_t q0);

/* ADL queue room: a flow slot can hold either side over the run, so each
 * counts in both of its market's queues ([2 n_markets + 1], before the
 * prefix sum; the other counts are there already). */
void liq_perp_flow_adl_room(const liq_perp_t *pp, size_t *adl_count);

/* Around each liquidation of account a of protocol p: the side split of the
 * notional it closed (liquidated_long / liquidated_short). */
void liq_perp_flow_reset(liq_perp_t *pp, size_t p);
void liq_perp_flow_before(liq_perp_t *pp, size_t a);
void liq_perp_flow_after(liq_perp_t *pp, size_t p, size_t a);

/* After protocol p's liquidations: owners close, then arrivals open at the
 * round's marks. Serial, O(slots of its flow generators). */
void liq_perp_flow_step(struct liq_sim *sim, size_t p);

/* ---- Hyperliquid's liquidation rules (src/engine/perp_backstop.c) ---- */

/* Allocates the cooldowns and vaults the scenario's protocols use. */
int liq_perp_rules_alloc(liq_perp_t *pp, const liq_scenario_t *sc);
void liq_perp_rules_free(liq_perp_t *pp);

/* The ADL score of a position (larger is deleveraged first): rank
 * LIQ_ADL_RANK_PNL_LEVERAGE is q (O - e) x N / E, LIQ_ADL_RANK_HYPERLIQUID
 * (O / e for a long, e / O for a short) x N / E, N and E the account's
 * notional and equity; -INFINITY when E <= 0. */
double liq_perp_adl_score(int rank, double position, double entry, double mark, double notional,
                          double equity);

/* The loss of protocol p's liquidator vault at the round's marks, USD. */
double liq_perp_vault_loss(const liq_perp_t *pp, size_t p);

/* The vault closes its unwind share of each inventory at the marks through
 * the routes (adds to sell / buy). Nothing without a backstop. */
void liq_perp_vault_unwind(struct liq_sim *sim, size_t p);

/* Applies the backstop and partial liquidation to liquidatable account a
 * (equity, maintenance, notional at the marks). True when it handled the
 * account; false when perp.c closes it whole as before. */
bool liq_perp_rules(struct liq_sim *sim, size_t p, size_t a, double equity, double maintenance,
                    double notional);

#endif /* LIQ_ENGINE_PERP_H */
