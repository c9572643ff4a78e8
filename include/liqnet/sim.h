/*
 * The simulation: state of every asset, pool, oracle, protocol and account,
 * advanced one synchronous round at a time (MODEL.md s3, model R0 of s4).
 *
 * A liq_sim_t is a context object: it owns all its state, there is no global
 * state, and two simulations can run in one process. Within a round each
 * phase reads only what the previous phase wrote and writes only to slots
 * indexed by the entity it steps, so results are bit-identical for every
 * thread count. Accounts are stored as struct-of-arrays grouped by protocol
 * and market; nothing is allocated per account or per round once the
 * simulation exists (a round's scratch comes from an arena that grows
 * between rounds, to the largest round's need).
 */
#ifndef LIQNET_SIM_H
#define LIQNET_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/events.h"
#include "liqnet/export.h"
#include "liqnet/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct liq_sim liq_sim_t;

/*
 * The exchange of a distributed run (one network partitioned over
 * processes by protocol, liq_sim_options_t.owned). Each process steps the
 * market, arbitrage and oracle phases on replicated state and the margin
 * engines of the protocols it owns; the engine then calls the exchange with
 * the status of the round so far (LIQ_OK or the margin phase's error). It
 * must make every protocol's record (liq_sim_record_pack) reach every
 * process, so that all of them go on with the state one process would hold,
 * and return the status every process agrees on: an error stops the round
 * on every process. A one-process run has no exchange.
 */
typedef int (*liq_sim_exchange_fn)(void *context, liq_sim_t *sim, int status);

/* Positions read from files, before they are placed into a simulation.
 * Row k is one account of protocol[k], market[k] (index into that protocol's
 * markets), holding collateral[k] units of the market's asset and owing
 * debt[k] units of the protocol's debt asset. When `account` is not NULL,
 * rows with account[k] >= 0 are not accounts of their own: all rows with
 * the same protocol and account id make one cross-margin account, holding
 * each row's collateral in its market and owing the sum of the rows' debt;
 * rows with account[k] == -1 stay isolated accounts. */
typedef struct {
    size_t count;
    int32_t *protocol;
    int32_t *market;
    double *collateral;
    double *debt;
    int64_t *account; /* NULL: every row is an isolated account */
} liq_positions_t;

/* Releases a positions table; accepts NULL. */
LIQ_API void liq_positions_destroy(liq_positions_t *positions);

typedef struct {
    int threads;   /* OpenMP threads for this simulation; 0 = omp_get_max_threads() */
    uint64_t run;  /* run index in an ensemble; part of every RNG key */
    int full_scan; /* 1: the margin engines test every account every round (the
                      reference path); 0 (default): only accounts the
                      liquidation-price index marks as possibly liquidatable.
                      Both give bit-identical trajectories. */
    /* Distributed runs (one network over several processes; see
     * liq_sim_exchange_fn): owned[p] != 0 for the protocols whose accounts
     * this process holds and whose margin and perp engines it steps, one
     * byte per protocol, copied at creation. NULL (the default): all. */
    const unsigned char *owned;
    /* 1: sum each phase's wall time (liq_sim_timing). Off by default: its
     * eight clock reads a round cost about 5% of a calm round with the
     * index (0.8 us of 17 on the development machine's kvm-clock). */
    int time_phases;
    /* Distributed runs: called by every round between the margin and the
     * venues phases (NULL, the default: never). */
    liq_sim_exchange_fn exchange;
    void *exchange_context;
} liq_sim_options_t;

/*
 * Builds the simulation at round 0 from a validated scenario: generates the
 * scenario's accounts with its seed and adds `positions` (may be NULL). The
 * scenario must outlive the simulation; positions may be destroyed after.
 * Accounts are numbered by protocol, then market, then generator sources in
 * scenario order, then file rows in file order. Cross-margin accounts are
 * numbered apart, by protocol, then cross generators in scenario order, then
 * file accounts by account id. Fails with LIQ_EINVAL for
 * account values that are negative or not finite (naming the account), and
 * for cross-margin accounts in a protocol that liquidates by Dutch auction.
 */
LIQ_API int liq_sim_create(liq_sim_t **out, const liq_scenario_t *scenario,
                           const liq_positions_t *positions, const liq_sim_options_t *options);

/*
 * The phases of a round (MODEL.md s3), in the order every round runs them:
 *
 *  market     exogenous moves and last round's impact give each asset's
 *             reference price;
 *  arbitrage  each pool moves toward the reference prices (and the
 *             adversary's first sale, in its round);
 *  oracles    each feed decides whether to publish; then the protocols'
 *             risk controls (breakers, dynamic penalties, gas congestion)
 *             read what they published;
 *  margin     each protocol's margin engine finds and liquidates its
 *             liquidatable accounts and emits its orders; auctions advance;
 *             perp exchanges liquidate;
 *  venues     each pool executes the orders routed to it (the adversary's
 *             round is booked and closed here);
 *  derived    issued tokens follow their issuers' solvency, holdings are
 *             written down; prices and reserves are checked;
 *  record     the round's state goes to the recorders (liq_sim_run).
 */
typedef enum {
    LIQ_PHASE_MARKET,
    LIQ_PHASE_ARBITRAGE,
    LIQ_PHASE_ORACLES,
    LIQ_PHASE_MARGIN,
    LIQ_PHASE_VENUES,
    LIQ_PHASE_DERIVED,
    LIQ_PHASE_RECORD,
    LIQ_PHASE_COUNT
} liq_phase_t;

/* The phase's name: "market", "arbitrage", ..., "record". */
LIQ_API const char *liq_phase_name(liq_phase_t phase);

/* Advances one round, its seven phases in order (the record phase has no
 * recorders here: see liq_sim_run). O(accounts) per round at worst, far
 * less with the liquidation-price index. Fails with LIQ_ENUMERIC, naming
 * the entity, when a price or reserve leaves the finite positive range (the
 * model's feedback diverged) or LIQ_ENOMEM; liq_sim_round() is then the
 * round that failed and the state is not meaningful. */
LIQ_API int liq_sim_step(liq_sim_t *sim);

/*
 * Protocol p's record: every number its margin or perp engine wrote this
 * round (its liquidations, values, insurance fund and deficit, its
 * markets' seized collateral, which is the pool order flow, and its
 * stability-pool, auction and perp state), as 8-byte words copied bit for
 * bit. A process packs the records of the protocols it owns in its
 * exchange (and once after liq_sim_create), and every process unpacks
 * every record, so all of them hold the state a single process
 * would. The size depends only on the scenario.
 */
LIQ_API size_t liq_sim_record_words(const liq_sim_t *sim, size_t p);
LIQ_API void liq_sim_record_pack(const liq_sim_t *sim, size_t p, uint64_t *out);
LIQ_API void liq_sim_record_unpack(liq_sim_t *sim, size_t p, const uint64_t *in);

/*
 * Assigns the scenario's protocols to `ranks` processes, balancing the
 * accounts each holds (generated, perp and file accounts; a protocol is
 * never split): largest protocol first, each to the process holding the
 * fewest accounts so far, ties to the lower protocol index and rank.
 * owner[p] receives the rank; accounts[r] (may be NULL) each rank's load.
 * Deterministic; O(P log P + P ranks).
 */
LIQ_API int liq_partition_protocols(const liq_scenario_t *scenario,
                                    const liq_positions_t *positions, int ranks, int32_t *owner,
                                    uint64_t *accounts);

/* The round the state describes: 0 after creation, t after t steps. */
LIQ_API int64_t liq_sim_round(const liq_sim_t *sim);

LIQ_API const liq_scenario_t *liq_sim_scenario(const liq_sim_t *sim);

/* OpenMP threads the simulation's parallel phases use. */
LIQ_API int liq_sim_threads(const liq_sim_t *sim);

/*
 * A read-only view of the state after the current round, in the layout the
 * output records. Pointers stay valid until the next liq_sim_step.
 * Per-round quantities (liquidations, repaid/seized value, stalled) are those
 * of the round just completed (0 at round 0); bad_debt and deficit are
 * cumulative; values are in USD at the round's oracle prices.
 */
typedef struct {
    int64_t round;
    size_t n_assets, n_pools, n_oracles, n_protocols, n_markets;
    const double *exogenous_price;      /* [asset] E_a(t) */
    const double *reference_price;      /* [asset] S_a(t) */
    const double *log_return;           /* [asset] r_a(t), the exogenous move of the round */
    const double *pool_reserve0;        /* [pool] x after the venues phase */
    const double *pool_reserve1;        /* [pool] y after the venues phase */
    const double *pool_price;           /* [pool] y / x after the venues phase */
    const double *pool_liquidation_in0; /* [pool] token0 sold in by liquidations this round */
    const double *pool_liquidation_in1; /* [pool] token1 sold in by liquidations this round */
    const double *oracle_price;         /* [oracle] O(t) */
    const int64_t *liquidations;        /* [protocol] accounts liquidated this round */
    const double *repaid_value;         /* [protocol] sum r O_b this round */
    const double *seized_value;         /* [protocol] sum s O_a this round */
    const int64_t *stalled;             /* [protocol] liquidatable accounts left untouched */
    const double *bad_debt;             /* [protocol] cumulative bad debt written off */
    const double *insurance_fund;       /* [protocol] current insurance fund */
    const double *deficit;              /* [protocol] cumulative bad debt the fund did not cover */
    const double *collateral_value;     /* [protocol] sum c O_a */
    const double *debt_value;           /* [protocol] sum d O_b */
    const size_t *market_offset;        /* [protocol + 1] protocol p's markets are
                                           market_offset[p] .. market_offset[p+1]-1 */
    const double *market_seized;        /* [market] collateral units seized this round */
    const double *market_collateral;    /* [market] collateral units held by accounts,
                                           isolated and cross-margin */
    const double *market_debt;          /* [market] debt units owed by isolated accounts */
    /* NULL when the simulation has no cross-margin accounts: */
    const int64_t *cross_liquidations; /* [protocol] cross-margin accounts liquidated this round
                                          (also counted in liquidations) */
    const double *cross_debt_value;    /* [protocol] sum d O_b over cross-margin accounts (also
                                          in debt_value) */
    /* NULL when no protocol has a breaker, a dynamic penalty or gas congestion: */
    const double *penalty_scale;   /* [protocol] scale on its markets' bonus this round (>= 1) */
    const int64_t *breaker_active; /* [protocol] 1 while its circuit breaker holds */
    /* NULL when, besides, the scenario declares no chains: */
    const double *gas_cost; /* [protocol] USD per liquidation this round: keepers.gas_cost with
                               congestion; for a protocol on a chain, the gas of its keepers'
                               next bid at the round's fees and gas asset price (round 0:
                               keepers.gas_cost) */
    /* stability pools (MODEL.md s5, Liquity-style): NULL when no protocol
     * has one; protocols without a pool hold 0 (tcr NaN) */
    const double *stability_deposits;   /* [protocol] pool deposits after the round, debt units */
    const double *stability_collateral; /* [protocol] collateral units the pool holds */
    const double *stability_offset;     /* [protocol] debt units offset this round */
    const double *stability_redistributed_debt;       /* [protocol] debt units, this round */
    const double *stability_redistributed_collateral; /* [protocol] collateral units, round */
    const double *stability_sold;    /* [protocol] collateral units depositors sold this round */
    const double *stability_surplus; /* [protocol] cumulative collateral returned to owners */
    const int64_t *recovery_mode;    /* [protocol] 1: this round's liquidations in recovery mode */
    const double *tcr;               /* [protocol] total collateral ratio after the round */
    /* NULL unless some protocol liquidates by Dutch auction (MODEL.md s5);
     * 0 for the protocols that do not: */
    const int64_t *auction_started;   /* [protocol] auctions kicked this round (also counted in
                                         liquidations) */
    const int64_t *auction_active;    /* [protocol] auctions running after the round */
    const double *auction_sold_value; /* [protocol] collateral keepers bought from auctions this
                                         round, USD at O_a */
    const double *auction_raised;     /* [protocol] debt units raised by auctions this round */
    const double *keeper_rewards;     /* [protocol] tip + chip tab paid this round, USD */
    const double *auction_bad_debt;   /* [protocol] cumulative bad debt of auctions that ran
                                         out of collateral, USD (also in bad_debt) */
    const double *auction_tab;        /* [protocol] tab outstanding after the round, debt units */
    const double *auction_units;      /* [4 x market] cumulative collateral units per market:
                                         seized into auctions [m], sold from them [n_markets +
                                         m], returned to owners [2 n_markets + m], and in
                                         auctions now [3 n_markets + m] */
    /* perpetual futures (MODEL.md s5); NULL without perp protocols, and 0
     * for the other protocols of a run that has some: */
    const int64_t *perp_liquidations;  /* [protocol] perp accounts liquidated this round (also
                                          counted in liquidations) */
    const double *liquidated_notional; /* [protocol] notional closed at the mark this round, USD
                                          (also the protocol's seized_value) */
    const double *adl_volume;          /* [protocol] notional reduced by ADL this round, at the
                                          mark, USD */
    const int64_t *adl_count;          /* [protocol] positions reduced by ADL this round */
    const double *adl_covered;         /* [protocol] cumulative losses covered by ADL, USD */
    const double *open_interest_long;  /* [protocol] open long notional at the mark, USD */
    const double *open_interest_short; /* [protocol] open short notional at the mark, USD */
    /* the liquidator vaults (protocol key `backstop`); NULL unless some
     * protocol has one, and 0 for the others: */
    const double *vault_loss;    /* [protocol] the vault's loss after the round at the marks,
                                    USD */
    const int64_t *vault_taken;  /* [protocol] accounts the vault took over, cumulative */
    const double *vault_covered; /* [protocol] book-fill shortfalls the vault paid, cumulative,
                                    USD (liquidation_fill: book) */
    /* a perp generator's living population (accounts[i].flow, issue 14);
     * NULL unless some generator has a flow, 0 for protocols without one: */
    const int64_t *perp_opened;     /* [protocol] positions opened by arrivals this round */
    const int64_t *perp_closed;     /* [protocol] positions their owners closed this round */
    const int64_t *perp_refused;    /* [protocol] arrivals that found no free slot */
    const double *liquidated_long;  /* [protocol] long notional liquidated this round, at the
                                       mark, USD (part of liquidated_notional) */
    const double *liquidated_short; /* [protocol] short notional liquidated this round, USD */
    /* declared chains (issue 13; scenario `chains`): n_chains 0 and every
     * array NULL without them. A chain builds the blocks whose times fall in
     * the round's span of market time (none, one or several); at round 0 no
     * block has been built. */
    size_t n_chains;
    const double *chain_gas_price; /* [chain] gwei per gas of getting into the last block
                                      built so far: its base fee plus its clearing tip (the
                                      lowest priority fee it included when it left out
                                      transactions that could pay, for room; else 0); at
                                      round 0 the chain's initial price */
    const double *chain_base_fee;  /* [chain] gwei per gas, base fee of that block */
    const double *chain_gas_used;  /* [chain] gas used over the gas limit, mean over the
                                      round's blocks, in [0, 1]; NaN in a round without one */
    const int64_t *chain_included; /* [chain] liquidation transactions the round's blocks
                                      included (reverted ones too) */
    const int64_t *chain_pending;  /* [chain] liquidation transactions still waiting after
                                      the round's blocks (this round's sends, made in the
                                      margin phase after them, are not counted) */
    const int64_t *chain_dropped;  /* [chain] liquidation transactions the round's blocks
                                      dropped past their deadline */
    const double *chain_gas_paid;  /* [protocol] USD the round's included liquidations paid
                                      for gas (reverted ones too), at the gas asset's
                                      reference price; 0 off a chain */
    const int64_t *chain_reverted; /* [protocol] included liquidations that found their
                                      account no longer liquidatable; 0 off a chain */
    /* the liquidators' capital (issue 13 item 6; a chain's keeper_capital):
     * NULL unless some chain keeps a finite stock. */
    const double *chain_keeper_capital; /* [chain] free capital after the round, USD (less
                                           what pending liquidations hold); inf: unlimited */
    /* bridges (issue 13 item 6; scenario `bridges`): n_bridges 0 and every
     * array NULL without them. Units of the bridge's asset; for every bridge
     * and round, the sums of sent up to it = the sums of delivered and fees
     * + in_flight. */
    size_t n_bridges;
    const double *bridge_sent;      /* [bridge] sent in the round, the fee included */
    const double *bridge_delivered; /* [bridge] arrived in the round */
    const double *bridge_in_flight; /* [bridge] still on the way after the round */
    const double *bridge_fees;      /* [bridge] kept by the bridge of the round's sends */
    /* MEV-aware liquidation (issue 13 item 4; keepers.liquidators): NULL
     * unless some protocol has liquidators, 0 for protocols without. */
    const double *liquidator_profit; /* [protocol] USD the round's liquidations made their
                                        liquidators: gross value - gas paid - costs (a
                                        reverted one: - its gas) */
    const double *builder_revenue;   /* [protocol] USD they paid block builders: their gas
                                        x priority fee */
    /* borrowers who act (issue 13 item 3; an account generator's
     * `borrowers`): NULL unless some generator has them, 0 for protocols
     * without. "Failed": the account was liquidated before the action
     * landed, or (on a chain) the call was dropped at its deadline. */
    const int64_t *borrower_included;      /* [protocol] actions that landed in the round */
    const int64_t *borrower_failed;        /* [protocol] actions that failed in the round */
    const double *borrower_included_value; /* [protocol] USD they added (collateral) or repaid
                                              (debt), at the round's oracle prices */
    const double *borrower_failed_value;   /* [protocol] USD the failed ones would have */
    const double *borrower_gas_paid;       /* [protocol] USD of gas their included calls paid */
    /* balance sheets (MODEL.md s5, issued tokens and exposures) */
    const double *impairment;     /* [protocol] cumulative write-down of holdings, USD */
    const double *holdings_value; /* [protocol] sum of amount x S_a over holdings, USD */
    const double *redemption;     /* [protocol] redemption ratio of the tokens it issues, in
                                     [0, 1]; NaN for a protocol that issues none */
    /* the adversary (MODEL.md s5): -1 without one; the rest is 0 before its
     * round and that round's result after */
    int64_t adversary_round;
    int64_t adversary_liquidations;      /* liquidations of its round, all its own */
    double adversary_liquidation_profit; /* USD: seized at S_a - repaid - gas */
    double adversary_round_trip;         /* USD: (sold back - borrowed) x S of the token */
    double adversary_flash_fee;          /* USD */
    /* English auctions (MakerDAO Liquidations 1.2, flip.sol; issue 13): NULL
     * unless some protocol liquidates in mode english, and 0 for the
     * protocols that do not. "In the round" counts what ran in the round's
     * margin phase (on a declared chain: what its blocks included). */
    const int64_t *flip_kicked;    /* [protocol] auctions bitten into being in the round (also
                                      counted in liquidations) */
    const int64_t *flip_active;    /* [protocol] auctions running after the round */
    const int64_t *flip_bids;      /* [protocol] tends and dents that ran in the round */
    const int64_t *flip_deals;     /* [protocol] auctions dealt in the round */
    const int64_t *flip_zero_wins; /* [protocol] deals whose winning bid was at most
                                      10 x LIQ_FLIP_MIN_BID (1e-44 DAI) */
    const double *flip_raised;     /* [protocol] debt units tends paid to the protocol */
    const double *flip_sold_units; /* [protocol] collateral units dealt to winners in the round,
                                      summed over the protocol's markets */
    const double *flip_sold_value; /* [protocol] the same at O_a, USD */
    const double *flip_bad_debt;   /* [protocol] cumulative debt deals did not raise, USD at
                                      O_b of the deal (also in bad_debt) */
    /* The round's event rows (liqnet/events.h; empty at round 0); NULL when
     * the run writes no event tables (scenario `output.events`). */
    const liq_events_view_t *events;
} liq_state_view_t;

LIQ_API void liq_sim_view(const liq_sim_t *sim, liq_state_view_t *view);

/* A recorder: receives the state view after round 0 and after every round
 * liq_sim_run completes (the view's pointers are valid during the call
 * only). Returns LIQ_OK or an error, which ends the run. */
typedef int (*liq_record_fn)(void *context, const liq_state_view_t *view);

typedef struct {
    liq_record_fn record;
    void *context;
} liq_recorder_t;

/* What a run calls besides the phases. Every member may be 0. */
typedef struct {
    const liq_recorder_t *recorders; /* the record phase calls them in this order */
    size_t n_recorders;
    /* Asked before every round: *stop = true ends the run before it; a
     * returned error ends it as a failed round. */
    int (*check_stop)(void *context, bool *stop);
    /* Called after every round completed and recorded. */
    void (*progress)(void *context, int64_t round);
    void *context; /* of check_stop and progress */
} liq_run_hooks_t;

/* How liq_sim_run ended. */
typedef enum {
    LIQ_SIM_RUN_COMPLETE,      /* the simulation reached the round asked for */
    LIQ_SIM_RUN_STOPPED,       /* check_stop asked to stop (not an error) */
    LIQ_SIM_RUN_ROUND_FAILED,  /* a round (or the stop check) failed: its code is returned,
                                  liq_sim_round() is the failed round, not recorded */
    LIQ_SIM_RUN_RECORD_FAILED, /* a recorder failed: its code is returned */
} liq_sim_run_end_t;

/*
 * The loop over rounds: records the state when it is round 0, then until
 * liq_sim_round(sim) == rounds: asks check_stop, steps one round (its
 * record phase calls the recorders) and reports progress. Returns LIQ_OK
 * when it completed or was stopped, else the failing code; *end says which.
 * `liqnet run`, sweeps and the benchmarks all run through it.
 */
LIQ_API int liq_sim_run(liq_sim_run_end_t *end, liq_sim_t *sim, int64_t rounds,
                        const liq_run_hooks_t *hooks);

/* Wall seconds the simulation spent in each phase since its creation
 * (phase[LIQ_PHASE_RECORD] also counts round 0's recording), in the
 * exchange of a distributed run, and the rounds completed; the seconds are
 * 0 unless the simulation was created with time_phases. */
typedef struct {
    double phase[LIQ_PHASE_COUNT];
    double exchange;
    int64_t rounds;
} liq_sim_timing_t;

LIQ_API void liq_sim_timing(const liq_sim_t *sim, liq_sim_timing_t *timing);

/* The account store: account k of market m (flattened over protocols) is
 * collateral[market_begin[m] + k], k < market_begin[m+1] - market_begin[m].
 * Cross-margin account j of protocol p (cross_begin[p] <= j <
 * cross_begin[p+1]) owes cross_debt[j] and holds, in the protocol's market k
 * (k < K_p = market_offset[p+1] - market_offset[p] of liq_state_view_t),
 * cross_collateral[cross_block[p] + (j - cross_begin[p]) K_p + k] units. */
typedef struct {
    size_t n_accounts, n_markets;
    const double *collateral;   /* units of the market's collateral asset */
    const double *debt;         /* units of the protocol's debt asset */
    const size_t *market_begin; /* [n_markets + 1] */
    size_t n_cross;
    const size_t *cross_begin;      /* [n_protocols + 1] */
    const size_t *cross_block;      /* [n_protocols] */
    const double *cross_debt;       /* [n_cross] */
    const double *cross_collateral; /* dense blocks, see above */
    size_t n_perp; /* perp accounts (their positions are in the perp store, liqnet/perp.h) */
} liq_accounts_view_t;

LIQ_API void liq_sim_accounts(const liq_sim_t *sim, liq_accounts_view_t *view);

/* Releases a simulation; accepts NULL. */
LIQ_API void liq_sim_destroy(liq_sim_t *sim);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_SIM_H */
