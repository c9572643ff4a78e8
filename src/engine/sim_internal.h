/*
 * Private layout of a simulation (see liqnet/sim.h for the contract).
 *
 * Hot and cold data are apart: the scenario holds names and configuration;
 * the arrays here hold the numbers a round touches, one array per quantity
 * and entity kind (struct of arrays). A simulation is a few subsystems
 * (below: the market, venues, oracles, risk controls, the protocols' books,
 * the account store, the liquidation-price index, cross margin, the margin
 * engines' work, auctions, stability pools, perps, balance sheets, the
 * adversary), each with its state, its init and destroy, and its memory
 * per entity. The account store is two float64 arrays, 16 bytes per
 * account, grouped by protocol then market, so that a market's accounts are
 * one contiguous range and the margin-engine scan is a unit-stride stream
 * over memory.
 */
#ifndef LIQ_ENGINE_SIM_INTERNAL_H
#define LIQ_ENGINE_SIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/arena.h"
#include "engine/events.h"
#include "liqnet/amm.h"
#include "liqnet/chain.h"
#include "liqnet/flip.h"
#include "liqnet/lending.h"
#include "liqnet/oracle.h"
#include "liqnet/rng.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* Accounts per scan chunk. Chunks never cross a market boundary and their
 * partial results are combined in chunk order, so sums and candidate lists
 * do not depend on the thread count. 4096 accounts = 64 KiB of account data,
 * large enough to amortise scheduling, small enough to balance two cores on
 * markets of a few chunks. */
#define LIQ_CHUNK_ACCOUNTS 4096

/* Smallest work worth a parallel region: a region costs microseconds on an
 * idle machine and a scheduler time slice on a loaded one, so loops over few
 * entities, accounts or candidates run on the calling thread. */
#define LIQ_PARALLEL_MIN_ENTITIES 64
#define LIQ_PARALLEL_MIN_ACCOUNTS ((size_t)1 << 16)
#define LIQ_PARALLEL_MIN_CANDIDATES ((size_t)4096)

/* RNG stream namespaces: the high 32 bits say what the stream is for, the
 * low bits which item of the scenario list it belongs to. */
#define LIQ_STREAM_SHOCK ((uint64_t)1 << 32)
#define LIQ_STREAM_GENERATOR ((uint64_t)2 << 32)
#define LIQ_STREAM_BORROWER ((uint64_t)3 << 32) /* | generator: who acts, their gas bid */
#define LIQ_STREAM_FLOW ((uint64_t)4 << 32)     /* | generator: a perp flow's arrivals, closes */

/* A liquidatable account found by the scan or the index (16 bytes). The
 * quote is recomputed when it is applied: storing it would double the size
 * of the candidate list, which in a cascade can hold many accounts. */
typedef struct {
    size_t account; /* global account index; n_accounts + j for cross account j */
    double health;  /* HF at the round's oracle prices */
} liq_candidate_t;

/* One Dutch auction (48 bytes; a handful are active at a time). */
typedef struct {
    size_t account; /* the seized vault's global account index */
    size_t market;
    double lot;    /* collateral units left to sell */
    double tab;    /* debt units left to raise */
    double owed;   /* debt units of the vault's debt not yet raised; < 0: penalty raised */
    double top;    /* start price of the current run, debt units per collateral unit */
    int64_t start; /* round of the kick or of the last reset */
} liq_auction_t;

typedef struct {
    int32_t protocol;
    int32_t asset;
    int32_t oracle;
    liq_market_config_t config;
} liq_market_t;

/* A field of a protocol's record (src/engine/partition.c), indexed by one
 * word per protocol, one per market of the protocol (in each of `blocks`
 * blocks of n_markets words: auction_units), or one per perp market. */
typedef enum { LIQ_FIELD_PROTOCOL, LIQ_FIELD_MARKET, LIQ_FIELD_PERP_MARKET } liq_field_kind_t;

typedef struct {
    void *base; /* 8-byte words: double or int64_t */
    liq_field_kind_t kind;
    size_t blocks;
} liq_record_field_t;

#define LIQ_RECORD_MAX_FIELDS 48

/*
 * The subsystems of a simulation. Each holds the state of one part of the
 * model as struct-of-arrays (one array per quantity, indexed by entity),
 * is embedded by value in struct liq_sim (no pointer to follow in a hot
 * loop), and has its own init, which allocates it once the sizes it needs
 * exist, and destroy, which frees it and accepts NULL. Memory is given per
 * entity; "8" is one float64 or size_t. The mechanisms that are off in a
 * scenario allocate nothing (their `enabled` is 0 and their arrays NULL),
 * except where noted.
 */

/* The external market (MODEL.md s4 "Assets"; src/engine/phase_market.c):
 * 32 bytes an asset, plus the incidence lists (8 a shock, 16 a pool) and
 * the history rings that oracles read for latency and TWAP: value of asset
 * (pool) e at round u is asset_hist (pool_hist)[e hist_len + u % hist_len],
 * 8 hist_len bytes an asset and a pool. */
struct liq_asset_market {
    double *exogenous_price; /* [n_assets] E_a(t) */
    double *impact;          /* [n_assets] I_a(t) */
    double *reference_price; /* [n_assets] S_a(t) */
    double *log_return;      /* [n_assets] r_a(t) */
    size_t *shock_offset;    /* [n_assets + 1] CSR into shock */
    size_t *shock;           /* shock indices, in scenario order */
    size_t *shock_cursor;    /* [n_shocks] next step of a SCHEDULE/PATH shock */
    size_t *pool_offset;     /* [n_assets + 1] CSR into pool_side */
    size_t *pool_side;       /* 2 * pool + (0 if the asset is token0 else 1), pool order */
    double dt_years;         /* round_seconds in years, for the GBM shocks */
    int64_t hist_len;        /* rounds the rings reach back: longest latency + window */
    double *asset_hist;      /* [n_assets hist_len] S_a */
    double *pool_hist;       /* [n_pools hist_len] spot after arbitrage */
};

/* Pools and the routes into them (MODEL.md s4 "Pools", s5 routing;
 * src/engine/phase_arbitrage.c, phase_venues.c, pools.c): 56 bytes a pool
 * and 16 (its CSR entry and offset) plus 40 a route, plus 48 a route of
 * scratch for best-price routing. */
struct liq_venues {
    double *reserve0, *reserve1, *pool_price; /* [n_pools] x, y, spot y / x (or the mid) */
    double *arb_sold0,
        *arb_sold1;            /* [n_pools] arbitrageurs' external sales in the last arbitrage */
    double *liq_in0, *liq_in1; /* [n_pools] liquidation orders executed this round */
    double *liq_rate0, *liq_rate1; /* [n_pools] the round's liquidation swap of token0 (token1):
                                      amount out per unit in, 0 when none */
    size_t *pool_route_offset;     /* [n_pools + 1] CSR into pool_route_entry */
    size_t *pool_route_entry;      /* routes into the pool (index r below), in edge order */
    /* routes [n_routes]: market m sells on routes market_route_offset[m] ..
     * market_route_offset[m+1]-1, in its scenario order */
    size_t n_routes;
    size_t *market_route_offset; /* [n_markets + 1] */
    int32_t *route_pool;
    size_t *route_market;
    int *route_sell_token;    /* 0 or 1: which token of the pool is the collateral */
    double *route_share;      /* share of the market's sale this round */
    liq_venue_t *route_venue; /* scratch for best-price routing */
    int best_price_routing;   /* any market routes by best price */
};

/* Oracles (MODEL.md s4 "Oracles"; src/engine/phase_oracles.c): 16 bytes an
 * oracle, plus 8 a median input of sorting scratch (a slice per oracle, so
 * that oracles step in parallel). */
struct liq_oracles {
    double *price;         /* [n_oracles] O(t) */
    int64_t *last_publish; /* [n_oracles] round of the last publication */
    size_t *scratch_begin; /* [n_oracles + 1] median oracles' slices of scratch */
    double *scratch;       /* one value per median input, sorted each round */
};

/* The protocols' books and their markets (MODEL.md s4: what each margin
 * engine did this round and holds; src/engine/phase_margin.c): 88 bytes a
 * protocol (8 of market_offset and ten results), 24 of totals, 32 of terms
 * and the market's configuration (about 140) a market. These are the
 * numbers a distributed run exchanges (src/engine/partition.c). */
struct liq_books {
    size_t *market_offset;           /* [n_protocols + 1] protocol p's markets */
    int64_t *liquidations, *stalled; /* [n_protocols] this round */
    int64_t *found; /* [n_protocols] liquidatable accounts the margin engine listed this round */
    double *repaid_value, *seized_value, *bad_debt, *insurance_fund, *deficit;
    double *collateral_value, *debt_value;
    liq_market_t *markets;            /* [n_markets], flattened in protocol order */
    double *market_seized;            /* [n_markets] collateral units sold this round */
    double *market_collateral;        /* [n_markets] collateral units held by accounts */
    double *market_debt;              /* [n_markets] debt units owed by isolated accounts */
    liq_market_terms_t *market_terms; /* [n_markets] this round's (bonus scaled by risk) */
};

/* The account store (MODEL.md s8; src/engine/accounts.c). Isolated
 * accounts: two float64 arrays, 16 bytes an account, grouped by protocol
 * then market, so that a market's accounts are one contiguous range and
 * the full scan is a unit-stride stream; the scan walks them in fixed
 * chunks of LIQ_CHUNK_ACCOUNTS (24 bytes a chunk). Cross-margin accounts
 * [n_cross] (MODEL.md s5; none unless the scenario has some), grouped by
 * protocol: protocol p's are cross_begin[p] .. cross_begin[p+1]-1; account
 * j owes cross_debt[j] and holds, for each of the protocol's K_p markets k,
 * cross_collateral[cross_block[p] + (j - cross_begin[p]) K_p + k] units of
 * market k's collateral: a dense block per protocol, 8 (K_p + 1) bytes an
 * account (24 with two markets), no index. */
struct liq_account_store {
    size_t n_accounts;
    size_t *market_begin; /* [n_markets + 1] account ranges */
    double *collateral;   /* [n_accounts] c_i, units of the market's collateral asset */
    double *debt;         /* [n_accounts] d_i, units of the protocol's debt asset */
    size_t n_chunks;      /* scan chunks, in market order, never crossing a market */
    size_t *chunk_begin;  /* chunk k is accounts chunk_begin[k] .. chunk_end[k]-1 */
    size_t *chunk_end;
    size_t *chunk_market;
    size_t *market_chunk_offset; /* [n_markets + 1] first chunk of each market */
    size_t n_cross;
    int has_cross;            /* the scenario has cross accounts, held here or not */
    size_t *cross_begin;      /* [n_protocols + 1] */
    size_t *cross_block;      /* [n_protocols] */
    double *cross_debt;       /* [n_cross] d, units of the protocol's debt asset */
    double *cross_collateral; /* [sum_p (accounts of p) K_p] c_k, units of market k's asset */
};

/* Cross margin in the margin engines (MODEL.md s5; src/engine/candidates.c,
 * liquidate.c): per protocol 40 bytes (debt units and value, liquidations,
 * found), per market 16 (this round's O_k, contiguous per protocol, and a
 * liquidation's seizure), and the cross store's scan chunks, which never
 * cross a protocol boundary (40 bytes a chunk). Allocated for every
 * scenario (per protocol and market), empty without cross accounts. */
struct liq_cross_margin {
    double *debt_units;    /* [n_protocols] sum of cross_debt, kept like market_debt */
    double *debt_value;    /* [n_protocols] debt_units O_b after the round */
    int64_t *liquidations; /* [n_protocols] cross accounts liquidated this round */
    size_t *found;         /* [n_protocols] liquidatable cross accounts this round */
    double *market_price;  /* [n_markets] O_k of the round, contiguous per protocol */
    double *seize;         /* [n_markets] a liquidation's s_k, protocol p's at market_offset[p] */
    size_t n_chunks;
    size_t *chunk_begin; /* [n_chunks] chunk k is cross accounts begin .. end-1 */
    size_t *chunk_end;
    size_t *chunk_protocol;
    size_t *chunk_found;  /* liquidatable cross accounts found in the chunk this round */
    size_t *chunk_offset; /* where the chunk's candidates go */
};

/* The liquidation-price index (src/engine/price_index.c), unless
 * full_scan: 8 bytes an account of sorted (key, offset) entries and 8.1 of
 * sort and gather scratch and recent list, 40 bytes a market. */
struct liq_price_index {
    uint64_t *entry;         /* [n_accounts] per market, sorted: key << 32 | offset */
    uint64_t *recent;        /* recent updates, market m at recent_begin[m] */
    size_t *recent_begin;    /* [n_markets + 1] */
    size_t *recent_capacity; /* [n_markets] */
    size_t *recent_count;    /* [n_markets] */
    int *stale;              /* [n_markets] re-sort before the next round */
    void *scratch; /* sort and gather scratch, market m at scratch_begin[m] (8-byte units) */
    size_t *scratch_begin; /* [n_markets + 1] */
    size_t *gather_block;  /* block counts of a parallel gather */
    int *market_scan;      /* [n_markets] 1: this market's candidates come from the full scan
                              (always with full_scan; during cascades otherwise); allocated
                              with full_scan too */
};

/* The margin engines' work of a round (src/engine/candidates.c, cut.c,
 * liquidate_large.c): the candidates, in account order (protocol p's are
 * its markets' isolated ones in market order, then its cross accounts',
 * which end where the next protocol's first market starts), and what the
 * keepers' decision, the cut and the parallel liquidation need beside
 * them. The lists sized by the round's candidates (about 33 bytes a
 * candidate: 16, rank 8, eligible 1 and the chunk sums) come from the
 * round's arena and are valid during the margin phase only; the rest is
 * 24 bytes a market, 32 a scan chunk and the cut's histograms (32 KiB a
 * thread). */
struct liq_margin_work {
    size_t *chunk_found;         /* [n_chunks] liquidatable accounts in the chunk this round */
    size_t *chunk_offset;        /* [n_chunks + 1] where its candidates go */
    double *chunk_sum;           /* [2 n_chunks] scratch for ordered reductions (set-up) */
    size_t *market_candidates;   /* [n_markets + 1] market m's candidates start here */
    size_t *market_found;        /* [n_markets] candidates found this round */
    size_t max_protocol_markets; /* most markets of one protocol */
    size_t *cut_hist;            /* [threads * LIQ_CUT_BINS] the cut's per-thread histograms */
    size_t *market_selected;     /* [n_markets + 1] where each market's liquidations start in
                                    the list of a large protocol being liquidated */
    /* from the arena, [candidates of the round] unless said: */
    liq_candidate_t *candidates;
    size_t *rank;      /* the throughput cut's list */
    uint8_t *eligible; /* the keepers' decision per candidate (1 byte, not the 8 of rank,
                          so the cut can list into rank while reading it) */
    size_t *cut_block; /* [candidates / LIQ_CUT_BLOCK + 2] counts, then offsets */
    struct liq_apply_chunk *apply_chunk; /* [candidates / LIQ_APPLY_CHUNK + 1] */
    struct liq_apply_slot *apply_slot;   /* [that + max_protocol_markets] */
};

/* Dutch auctions (MODEL.md s5; src/engine/auction.c). Protocol p owns
 * slots begin[p] .. begin[p+1]-1, one per isolated account of its markets
 * that had debt at creation: a seized account never owes again, so it is
 * auctioned at most once and the pool never grows. Its active auctions are
 * the first count[p] slots, in creation order. 48 bytes a slot, 80 a
 * protocol, 32 a market; nothing unless some protocol auctions. */
struct liq_auctions {
    int enabled;            /* some protocol liquidates by Dutch auction */
    size_t *begin;          /* [n_protocols + 1] */
    size_t *count;          /* [n_protocols] active auctions */
    liq_auction_t *slot;    /* [begin[n_protocols]] */
    int64_t *started;       /* [n_protocols] kicks this round */
    int64_t *active;        /* [n_protocols] active after the round */
    double *sold_value;     /* [n_protocols] collateral bought by keepers, USD at O_a */
    double *raised;         /* [n_protocols] debt units raised this round */
    double *keeper_rewards; /* [n_protocols] tip + chip tab paid this round, USD */
    double *bad_debt;       /* [n_protocols] cumulative, USD (also in the books' bad_debt) */
    double *tab;            /* [n_protocols] tab outstanding after the round, debt units */
    double *units;          /* [4 n_markets] cumulative seized, sold, returned units, and
                               units in auctions now, per market (liq_auction_view_t) */
};

/* English auctions (issue 13; src/engine/flip.c): one auction of a
 * protocol, flip.sol's record and what the engine keeps beside it (136
 * bytes; a cascade runs a few to a few thousand at once). */
typedef struct {
    liq_flip_t auction; /* bid, lot, tab, guy (a bidder, or LIQ_FLIP_CAT), tic, end, usr, gal */
    int64_t id;         /* the protocol's auction number, in kick order */
    size_t account;     /* the bitten vault's global account index (also auction.usr) */
    size_t market;
    double debt;      /* debt units the bite took off the vault: what the protocol must raise */
    uint64_t pending; /* bit b: bidder b has a call on this auction waiting for a block */
    /* for its row of the event table (events.h), when it is dealt */
    int64_t kick_round;
    int64_t bids; /* tends and dents that ran */
    double tab;   /* auction.tab at the kick (the deal clears the record) */
    double lot;   /* auction.lot at the kick */
} liq_flip_slot_t;

/* A call on an English auction: what a bidder decided, run at once without
 * a chain, or a transaction's payload on one (40 bytes + 8 of fee). */
typedef struct {
    int64_t id; /* the auction */
    double lot; /* tend, dent: the lot bid for */
    double bid; /* tend, dent: DAI */
    int32_t bidder;
    int32_t kind;     /* LIQ_FLIP_CALL_* (src/engine/flip.c) */
    int32_t protocol; /* whose auction */
    int32_t dropped;  /* included list: 1 when a block dropped it (it only frees its reserve) */
    int64_t fee_wei;  /* included list: paid per gas */
} liq_flip_call_t;

/* A protocol's English auctions and bidders. Only its margin-engine step
 * touches it (in parallel with the other protocols'), but for the chains'
 * serial send, which reads `out`. */
typedef struct {
    liq_flip_slot_t *slot; /* [n] running auctions, in kick order (ids increase) */
    size_t n, cap;
    int64_t next_id;
    double *free_capital; /* [bidders] DAI not in bids, debt units; INFINITY: unlimited */
    double *reserved;     /* [bidders] DAI of its tends and dents waiting for a block */
    liq_flip_call_t *out; /* [n_out] this round's calls to send, in decision order */
    size_t n_out, cap_out;
    struct liq_resell_lot *lots; /* [n_lots] lots won by bidders that resell (keepers.c) */
    size_t n_lots, cap_lots;
} liq_flip_book_t;

/* English auctions (issue 13; src/engine/flip.c): per protocol its book
 * and what it did this round; on a declared chain, the calls waiting in
 * pending pools (payload = index into `tx`, freed when a block includes or
 * drops it) and those the round's blocks included, grouped by protocol.
 * Nothing unless some protocol liquidates by English auction. */
struct liq_flips {
    int enabled;
    liq_flip_book_t *book; /* [n_protocols]; empty for the others */
    liq_flip_call_t *tx;   /* [n_tx] calls in pending pools; a free one has kind -1 */
    size_t n_tx, cap_tx;
    size_t *free_tx; /* [n_free] indices of free entries of tx */
    size_t n_free, cap_free;
    liq_flip_call_t *inc; /* [n_inc] the round's included (and dropped) calls, by protocol */
    size_t n_inc, cap_inc;
    size_t *inc_offset; /* [n_protocols + 1] */
    /* the round's record, [n_protocols] each */
    int64_t *kicked, *active, *bids, *deals, *zero_wins;
    double *raised, *sold_units, *sold_value;
    double *bad_debt; /* cumulative, USD (also in the books' bad_debt) */
};

/* Risk controls and keeper economics (MODEL.md s5; src/engine/risk.c): 48
 * bytes a protocol, 8 a chain, and a ring of the published oracle prices,
 * 8 ring_len bytes an oracle. Allocated for every scenario (the margin
 * engines read penalty_scale, breaker_active and gas_now), evaluated only
 * when enabled. */
struct liq_risk_controls {
    int enabled;             /* any breaker, dynamic penalty or gas congestion */
    int64_t ring_len;        /* R: longest window + 1 */
    double *oracle_ring;     /* [n_oracles x R] published O(u) at slot u % R */
    double *penalty_scale;   /* [n_protocols] scale on every market's bonus this round */
    int64_t *breaker_until;  /* [n_protocols] last round of the current pause, -1 if none */
    int64_t *breaker_active; /* [n_protocols] 1 while the breaker holds this round */
    double *gas_now;         /* [n_protocols] USD per liquidation this round */
    size_t *protocol_chain;  /* [n_protocols] chain id, 0 = the default chain */
    size_t n_chains;
    int64_t *chain_attempts; /* [n_chains] liquidatable accounts found in the round before */
};

/* Balance sheets: issued tokens and holdings (MODEL.md s5;
 * src/engine/balance.c): 12 bytes an asset, 32 a protocol. Allocated for
 * every scenario (the market phase reads the issuers). */
struct liq_balance_sheets {
    int enabled;            /* any protocol issues or holds an asset */
    int32_t *asset_issuer;  /* [n_assets] issuing protocol, -1 if none */
    double *price_low;      /* [n_assets] lowest S_a over rounds 0..t */
    double *liabilities;    /* [n_protocols] sum of supply x initial price of its issues, USD */
    double *redemption;     /* [n_protocols] redemption ratio of its issues; NaN if none */
    double *impairment;     /* [n_protocols] cumulative write-down of its holdings, USD */
    double *holdings_value; /* [n_protocols] sum of amount x S_a over its holdings, USD */
};

/* The adversary (MODEL.md s5; src/engine/adversary.c): what its attack
 * round did. No arrays. */
struct liq_adversary {
    double out;                /* units of the other token its first sale paid */
    double back;               /* units of the sold token its sale back paid */
    int64_t liquidations;      /* liquidations of its round */
    double liquidation_profit; /* USD: seized at S_a - repaid - gas */
    double round_trip;         /* USD: (back - amount) x S of the sold token */
    double fee;                /* USD: flash_fee x amount x S of the sold token */
};

/* A liquidation a block included, to run in this round's margin phase. */
typedef struct {
    size_t account;  /* global isolated account index */
    int64_t fee_wei; /* paid per gas: the block's base fee + the effective tip */
    int32_t protocol;
    int64_t tip_wei; /* of which the effective tip, to the block's builder */
} liq_included_tx_t;

/* Chains and their transactions (issue 13; src/engine/chains.c): the
 * declared chains' fee markets and pending pools, what their blocks of the
 * round included, and per protocol the liquidations its keepers send. 72
 * bytes a chain, 1 an account of a protocol on a chain, 40 a protocol;
 * nothing without declared chains (n == 0). */
struct liq_chains {
    size_t n;
    struct liq_chain **chain; /* [n] */
    int64_t *blocks_built;    /* [n] the next block is at (blocks_built + 1) block_seconds */
    int64_t *clearing_tip;    /* [n] the last block's, wei per gas */
    int64_t *base_fee;        /* [n] of the next block, wei per gas */
    /* the round's record, [n] each */
    double *gas_price_gwei; /* base fee + clearing tip of the round's last block */
    double *base_fee_gwei;  /* base fee of the round's last block */
    double *gas_used;       /* share of the gas limit, mean over the round's blocks; NaN: none */
    int64_t *included;      /* liquidations the round's blocks included */
    int64_t *pending;       /* liquidations waiting after them */
    int64_t *dropped;       /* liquidations their senders gave up on in them */
    /* per account and protocol */
    unsigned char *waiting; /* [n_accounts] 1 while the account's liquidation is pending */
    liq_included_tx_t *inc; /* [n_inc] the round's included liquidations, by protocol, then
                               in block order */
    size_t n_inc, cap_inc;
    size_t *inc_offset; /* [n_protocols + 1] */
    size_t *send_begin; /* [n_protocols] this round's sends: candidates */
    size_t *send_count; /* [n_protocols]   rank[send_begin .. + send_count] */
    double *gas_paid;   /* [n_protocols] USD the round's included liquidations paid */
    int64_t *reverted;  /* [n_protocols] included liquidations that found the account safe */
};

/* Bridges and the liquidators' capital per chain (src/engine/bridges.c,
 * issue 13 item 6). Every array NULL (n 0, stock 0) without bridges and
 * without a chain that keeps a capital stock. */
struct liq_bridges {
    size_t n;                   /* bridges */
    struct liq_bridge **bridge; /* [n] liqnet/bridge.h */
    /* the round's record, units of the bridge's asset, [n] each */
    double *sent, *delivered, *fees;                   /* in the round */
    double *in_flight;                                 /* after the round */
    double *total_sent, *total_delivered, *total_fees; /* since round 0 */
    /* the liquidators' capital, USD */
    int stock;        /* some chain keeps a finite stock */
    double *capital;  /* [n_chains] free capital after the round; INFINITY: unlimited */
    double *target;   /* [n_chains] what rebalancing aims at */
    double *unmet;    /* [n_chains] the round's repayments the capital could not pay for */
    double *reserved; /* [n_accounts] held for the account's pending liquidation */
    double *returned; /* [n_protocols] the round's settlements of protocol p, merged into its
                         chain's capital serially in protocol order */
};

/* MEV-aware liquidation (issue 13 item 4; src/engine/mev.c): protocols on
 * a chain with keepers.liquidators. Per liquidator 8 bytes, per protocol
 * 16, per account 28; every array NULL (enabled 0) when no protocol has
 * liquidators. */
struct liq_mev {
    int enabled;
    size_t *first;           /* [n_protocols + 1] protocol p's liquidators: first[p] .. */
    double *capital_left;    /* [liquidators] debt units left this round */
    double *profit;          /* [n_protocols] USD the round's liquidations made the winners */
    double *builder_revenue; /* [n_protocols] USD they paid the builders */
    int32_t *winner;         /* [n_accounts] the liquidator of its pending liquidation */
    int64_t *tip;            /* [n_accounts] that transaction's priority fee, wei per gas */
    int64_t *since;          /* [n_accounts] first round of its current liquidatable spell */
    int64_t *last_seen;      /* [n_accounts] last round it was a candidate; -1: never */
};

/* Oracles that are OSMs or send their updates to a chain (src/engine/
 * oracle_tx.c): per oracle, 42 bytes; every array NULL (enabled 0) when no
 * oracle is either. */
struct liq_oracle_tx {
    int enabled;
    liq_osm_t *osm;          /* [n_oracles] an OSM's cur, nxt, zzz */
    double *carried;         /* [n_oracles] a push update's value, read when sent */
    unsigned char *pending;  /* [n_oracles] 1 while its update or poke waits */
    unsigned char *send;     /* [n_oracles] 1: send one after this round's oracle step */
    int64_t *included_round; /* [n_oracles] round whose block included its last one */
    int64_t *included_time;  /* [n_oracles] that block's time, whole seconds */
};

/* A borrower's call a block included or dropped, for the margin phase. */
typedef struct {
    size_t account;
    int64_t fee_wei; /* per gas paid; 0 when dropped */
    int dropped;
    int behind; /* a liquidation of the account came earlier in this round's blocks */
} liq_borrower_tx_t;

/* Borrowers who act (src/engine/borrowers.c): 53 bytes an isolated account
 * and 40 a protocol when some generator has `borrowers`, else nothing
 * (enabled 0, arrays NULL). */
struct liq_borrowers {
    int enabled;
    int32_t *generator;   /* [n_accounts] the generator whose rules it follows; -1: passive */
    double *scale;        /* [n_accounts] exp(gas_spread Z) on its bid */
    double *capital;      /* [n_accounts] USD it can still spend */
    double *amount;       /* [n_accounts] its decided action, units */
    double *debt_at;      /* [n_accounts] its debt when it decided */
    int64_t *ready;       /* [n_accounts] round it sends (chain) or lands (none) */
    unsigned char *state; /* [n_accounts] 0 idle, 1 decided, 2 sent */
    int64_t *liquidated;  /* [n_accounts] last round a block included its liquidation; -1 */
    size_t n_ranges;      /* acting generators' account ranges */
    size_t *range_begin, *range_end, *range_market;
    /* the round's record per protocol */
    int64_t *included, *failed;
    double *included_value, *failed_value, *gas_paid;
    liq_borrower_tx_t *txs; /* the round's blocks' borrower calls, in block order */
    size_t n_txs, cap_txs;
};

struct liq_sim {
    const liq_scenario_t *scenario;
    int threads;
    int full_scan; /* 1: margin engines scan every account (no index) */
    liq_rng_key_t key;
    int64_t round;
    /* the network's sizes; markets flattened over protocols in protocol order */
    size_t n_assets, n_pools, n_oracles, n_protocols, n_markets;

    /* The round (src/engine/round.c): a distributed run's exchange, the
     * hooks of the liq_sim_run in progress (NULL outside one), and the wall
     * seconds of each phase summed over rounds. */
    liq_sim_exchange_fn exchange;
    void *exchange_context;
    const liq_run_hooks_t *run_hooks;
    int time_phases;
    double phase_seconds[LIQ_PHASE_COUNT];
    double exchange_seconds;
    int64_t timed_rounds;
    liq_arena_t arena; /* the round's scratch, empty between rounds (src/engine/arena.h) */
    /* Distributed runs (src/engine/partition.c): owned[p] != 0 for the
     * protocols whose accounts this process holds and whose margin and
     * perp engines it steps; NULL (one process) owns them all. Everything
     * else is replicated and stepped by every process. */
    unsigned char *owned;
    liq_record_field_t record_field[LIQ_RECORD_MAX_FIELDS]; /* liq_record_init */
    size_t n_record_fields;

    /* The subsystems, in the order of the round's phases that step them. */
    struct liq_asset_market market;    /* phase 1 */
    struct liq_venues venues;          /* phases 2 and 5 */
    struct liq_oracles oracles;        /* phase 3 */
    struct liq_risk_controls risk;     /* phase 3, read by 4 */
    struct liq_books books;            /* phase 4 */
    struct liq_account_store accounts; /* phase 4 */
    struct liq_price_index index;      /* phase 4 */
    struct liq_cross_margin cross;     /* phase 4 */
    struct liq_margin_work margin;     /* phase 4 */
    struct liq_auctions auction;       /* phase 4 */
    struct liq_stability *stability;   /* phase 4; NULL unless a protocol has a pool */
    struct liq_perp *perp;             /* phase 4; NULL without perp protocols */
    struct liq_balance_sheets balance; /* phase 6 */
    struct liq_chains chains;          /* phases 1 (blocks) and 4 (liquidations) */
    struct liq_bridges bridges;        /* phase 4 (capital, transfers) */
    struct liq_flips flip;             /* phase 4 (and its calls in phase 1's blocks) */
    struct liq_mev mev;                /* phase 4, with the chains' liquidations */
    struct liq_oracle_tx otx;          /* phase 3 (and its calls in phase 1's blocks) */
    struct liq_borrowers borrowers;    /* phase 4 (and its calls in phase 1's blocks) */
    struct liq_adversary adversary;    /* phases 2 and 5 */
    struct liq_event_log events;       /* phase 4 appends, phase 7 merges (events.h) */
};

/* Each subsystem's init (allocating it once the sizes it needs exist; a
 * failure leaves what it allocated for its destroy) and destroy (freeing it;
 * accepts NULL). Their files: phase_market.c, pools.c, phase_oracles.c,
 * phase_margin.c (books, margin work), candidates.c (cross margin),
 * price_index.c, accounts.c, risk.c, auction.c, balance.c. */
int liq_asset_market_init(struct liq_sim *sim);
void liq_asset_market_destroy(struct liq_asset_market *market);
int liq_venues_init(struct liq_sim *sim); /* after liq_books_init: routes leave markets */
void liq_venues_destroy(struct liq_venues *venues);
int liq_oracles_init(struct liq_sim *sim);
void liq_oracles_destroy(struct liq_oracles *oracles);
int liq_books_init(struct liq_sim *sim);
void liq_books_destroy(struct liq_books *books);
int liq_cross_margin_init(struct liq_sim *sim);
void liq_cross_margin_destroy(struct liq_cross_margin *cross);
void liq_margin_work_destroy(struct liq_margin_work *work);
void liq_price_index_destroy(struct liq_price_index *index);
void liq_account_store_destroy(struct liq_account_store *store);
void liq_risk_destroy(struct liq_risk_controls *risk);
void liq_auctions_destroy(struct liq_auctions *auctions);
void liq_balance_destroy(struct liq_balance_sheets *balance);

/* Chains (src/engine/chains.c). init: once the accounts exist (LIQ_EINVAL
 * for cross-margin accounts of a protocol on a chain, a gas series that
 * ends before the run does, or a partitioned run); blocks: the market
 * phase's last step, building the round's blocks and listing what they
 * included, and the keepers' gas this round; transact: the margin engine
 * of protocol p on a chain (its included liquidations, then its sends);
 * send: after the margin engines, the round's sends in protocol order. */
int liq_chains_init(struct liq_sim *sim);
void liq_chains_destroy(struct liq_chains *chains);
int liq_chains_blocks(struct liq_sim *sim);
void liq_protocol_transact(struct liq_sim *sim, size_t p, size_t begin, size_t end);
int liq_chains_send(struct liq_sim *sim);

/* What chains.c shares with the other senders: the bidding strategy of a
 * transaction table, its bid prices times `scale` (1 for keepers), and
 * what a sender sees of chain c's fee market. */
liq_bid_strategy_t liq_tx_strategy(const liq_tx_config_t *tx, double scale);
liq_fee_view_t liq_chain_fee_view(const struct liq_sim *sim, size_t c);
/* The base fee chain c's next block will ask, wei per gas: a fixed price,
 * a given series' price at the block's time, or EIP-1559's from the last
 * block. */
int64_t liq_chain_next_base_fee(const struct liq_sim *sim, size_t c);

/* MEV-aware liquidation (src/engine/mev.c), for protocols on a chain with
 * keepers.liquidators (liq_mev_on). init: once the chains exist; begin:
 * protocol p's margin step starts (its round's sums and capital); execute:
 * an included liquidation of p's (its winner pays, the builder is paid),
 * returns 1 if it liquidated, 0 if it reverted; auctions: the liquidators
 * compete for p's sends rank[0 .. *n_send) (compacted to the winners to
 * send), back-running what an oracle update of this round's blocks made
 * liquidatable, and returns the number of back-runs; tx: the bid and gas
 * of account i's liquidation to send. */
int liq_mev_init(struct liq_sim *sim);
void liq_mev_destroy(struct liq_mev *mev);
static inline int liq_mev_on(const struct liq_sim *sim, size_t p)
{
    return sim->mev.enabled && sim->scenario->protocols[p].n_liquidators > 0;
}
void liq_mev_begin(struct liq_sim *sim, size_t p, size_t begin, size_t end);
int liq_mev_execute(struct liq_sim *sim, size_t p, const liq_included_tx_t *tx,
                    double *repaid_value, double *seized_value, double *bad_value);
size_t liq_mev_auctions(struct liq_sim *sim, size_t p, size_t *rank, size_t *n_send,
                        double *repaid_value, double *seized_value, double *bad_value);
void liq_mev_tx(const struct liq_sim *sim, size_t p, size_t i, liq_tx_t *tx);

/* Bridges and the liquidators' capital (src/engine/bridges.c). init: after
 * the chains; release: a block dropped account i's liquidation (its
 * reserve goes back, serial); settle: protocol p's included liquidation of
 * account i ran (repaid and seized USD) or reverted (0, 0), from the
 * protocol's margin engine (parallel over protocols: writes p's slot);
 * cut: protocol p's sends rank[0..n) (account order), kept while the
 * chain's free capital pays for them, lowest health first, each reserving
 * its repayment; returns how many (serial, in protocol order); step: after
 * every send, the round's settlements merged, the rebalancing transfers
 * sent and the round's arrivals delivered (serial). */
int liq_bridges_init(struct liq_sim *sim);
void liq_bridges_destroy(struct liq_bridges *b);
void liq_bridges_release(struct liq_sim *sim, size_t p, size_t i);
void liq_bridges_settle(struct liq_sim *sim, size_t p, size_t i, double repaid, double seized);
size_t liq_bridges_cut(struct liq_sim *sim, size_t p, size_t *rank, size_t n);
int liq_bridges_step(struct liq_sim *sim);

/* Oracles as transactions and OSMs (src/engine/oracle_tx.c). init: once
 * the oracles hold their round-0 prices; step: oracle i's round when it is
 * an OSM or on a chain (parallel over oracles, writes its own slots);
 * send: after the oracle step, its sends in oracle order; block: a block's
 * included or dropped update (chains.c, serial). */
int liq_oracle_tx_init(struct liq_sim *sim);
void liq_oracle_tx_destroy(struct liq_oracle_tx *otx);
void liq_oracle_tx_step(struct liq_sim *sim, size_t i);
int liq_oracle_tx_send(struct liq_sim *sim);
void liq_oracle_tx_block(struct liq_sim *sim, const liq_tx_t *tx, int64_t seconds, int dropped);
/* Whether oracle i is stepped by liq_oracle_tx_step. */
static inline int liq_oracle_is_tx(const struct liq_sim *sim, size_t i)
{
    return sim->otx.enabled &&
           (sim->scenario->oracles[i].has_osm || sim->scenario->oracles[i].chain >= 0);
}

/* Borrowers who act (src/engine/borrowers.c). init: once the accounts and
 * the index exist (LIQ_EINVAL in a partitioned run); step: the margin
 * phase's first step (landings, then decisions), serial; send: after the
 * keepers' sends, in protocol then account order; block: a block's
 * included or dropped call (chains.c); strategy: account i's bid. */
int liq_borrowers_init(struct liq_sim *sim);
void liq_borrowers_destroy(struct liq_borrowers *b);
int liq_borrowers_step(struct liq_sim *sim);
int liq_borrowers_send(struct liq_sim *sim);
int liq_borrowers_block(struct liq_sim *sim, const liq_tx_t *tx, int64_t fee_wei, int dropped);
liq_bid_strategy_t liq_borrower_strategy(const struct liq_sim *sim, size_t i);
/* A block included a liquidation of account i (chains.c, in block order). */
static inline void liq_borrowers_note_liquidation(struct liq_sim *sim, size_t i)
{
    if (sim->borrowers.enabled) {
        sim->borrowers.liquidated[i] = sim->round;
    }
}

/* Builds the account store: counts accounts per market, allocates, fills
 * generated accounts (parallel, counter-based RNG) and file positions. */
int liq_sim_build_accounts(struct liq_sim *sim, const liq_positions_t *positions);

/* Lists the fields of a protocol's record, once every array exists
 * (src/engine/partition.c). */
void liq_record_init(struct liq_sim *sim);

/* Builds the scan chunks, the market totals and (unless full_scan) the
 * liquidation-price index, once the accounts exist (src/engine/phase_margin.c). */
int liq_margin_init(struct liq_sim *sim);

/* The phases of a round (src/engine/round.c lists them, in order): each
 * returns LIQ_OK or an error that ends the round. */
int liq_phase_market(struct liq_sim *sim);    /* src/engine/phase_market.c */
int liq_phase_arbitrage(struct liq_sim *sim); /* src/engine/phase_arbitrage.c */
int liq_phase_oracles(struct liq_sim *sim);   /* src/engine/phase_oracles.c */
int liq_phase_margin(struct liq_sim *sim);    /* src/engine/phase_margin.c */
int liq_phase_venues(struct liq_sim *sim);    /* src/engine/phase_venues.c */
int liq_phase_derived(struct liq_sim *sim);   /* src/engine/phase_derived.c */

/* Value of oracle i's source(s) at round u, and whether oracle i's anchor
 * (if any) accepts `value` read at round u (src/engine/phase_oracles.c). */
double liq_oracle_source_value(const struct liq_sim *sim, size_t i, int64_t u);
bool liq_oracle_anchor_accepts(const struct liq_sim *sim, size_t i, int64_t u, double value);

/* Pools (src/engine/pools.c): the spot price of a pool of any kind (token1
 * per token0), and a sale of `amount` of token `sell` into pool p that
 * updates its state and returns what it paid in the other token. */
double liq_pool_spot(const liq_pool_config_t *pool, double x, double y);
double liq_pool_trade(struct liq_sim *sim, size_t p, int sell, double amount);

/* The adversary's steps (src/engine/adversary.c): its first sale (end of
 * arbitrage), its liquidations (start of venues), its close (end of
 * venues), in its round only. */
void liq_attack_open(struct liq_sim *sim);
void liq_attack_liquidations(struct liq_sim *sim);
void liq_attack_close(struct liq_sim *sim);

/* Whether this round is the adversary's. */
static inline int liq_attack_round(const struct liq_sim *sim)
{
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    return adv->enabled && sim->round == adv->round;
}

/* Dutch auctions (src/engine/auction.c). auction_init sizes the pool once
 * the accounts exist (LIQ_EINVAL for a protocol that auctions and has
 * cross-margin accounts); auction_kick seizes account i of market m into a
 * new auction unless the protocol's hole is full (returns 0 then);
 * auction_step advances protocol p's auctions by one round and returns the
 * bad debt (USD) of the auctions that ran out of collateral. Both run
 * inside the margin phase, for protocol p only. */
int liq_auction_init(struct liq_sim *sim);
int liq_auction_kick(struct liq_sim *sim, size_t p, size_t m, size_t i, double *repaid_value,
                     double *seized_value);
double liq_auction_step(struct liq_sim *sim, size_t p);
/* Draws a cost of protocol p (USD) from its insurance fund, the rest into its deficit. */
void liq_protocol_charge(struct liq_sim *sim, size_t p, double cost);
/* liq_index_note for other engine files (src/engine/price_index.c). */
void liq_margin_note(struct liq_sim *sim, size_t m, size_t offset);

/* English auctions (src/engine/flip.c). init: once the accounts exist
 * (LIQ_EINVAL for cross-margin accounts of a protocol that flips, or a
 * partitioned run); begin: the start of protocol p's margin step (its
 * round's record to 0); bite: Cat.bite of account i of market m (1, or 0
 * when out of memory); step: on a chain, the included calls, then the bidders' choices,
 * which run at once without a chain or wait in `out` for liq_flip_send;
 * returns the bad debt (USD) of the auctions dealt. block_call: a block's
 * included or dropped call (chains.c, serial); group: after the round's
 * blocks; send: protocol p's calls to its chain, in liq_chains_send's
 * protocol order. */
int liq_flip_init(struct liq_sim *sim);
void liq_flips_destroy(struct liq_flips *flips, size_t n_protocols);
void liq_flip_begin(struct liq_sim *sim, size_t p);
int liq_flip_bite(struct liq_sim *sim, size_t p, size_t m, size_t i, double *repaid_value,
                  double *seized_value);
double liq_flip_step(struct liq_sim *sim, size_t p);
int liq_flip_block_call(struct liq_sim *sim, int64_t payload, int64_t fee_wei, int dropped);
int liq_flip_group(struct liq_sim *sim);
int liq_flip_send(struct liq_sim *sim, size_t p, struct liq_chain *chain,
                  const liq_bid_t *keeper_bid);

/* Issued tokens and holdings (src/engine/balance.c). balance_init allocates
 * the balance sheets and sets the issuers, liabilities and round-0 values;
 * balance_step is the derived phase's first step: holdings are marked
 * down, losses drawn from the insurance fund, then the issuers' redemption
 * ratios that the next round's market phase prices issued tokens with. */
int liq_balance_init(struct liq_sim *sim);
void liq_balance_step(struct liq_sim *sim);

/* Exogenous price of an issued asset a in round t: its initial price times
 * its issuer's redemption ratio after round t-1, never below
 * LIQ_REDEMPTION_FLOOR of it (a pool cannot trade at price 0). */
#define LIQ_REDEMPTION_FLOOR 1e-9

/* Pool p as a venue for selling its token `sell` (0 or 1), as it stands
 * (src/engine/pools.c); used by routing and by keepers' anticipation. */
void liq_pool_venue(const struct liq_sim *sim, size_t p, int sell, liq_venue_t *venue);

/* Risk controls (src/engine/risk.c): init once the oracles hold their
 * round-0 prices; round is the last step of the oracles phase. */
int liq_risk_init(struct liq_sim *sim);
void liq_risk_round(struct liq_sim *sim);

/* Collateral and debt value of protocol p at this round's oracle prices. */
void liq_protocol_values(struct liq_sim *sim, size_t p);

/* Collateral of cross account j (global cross index) of protocol p: K_p
 * values, one per market of the protocol. */
static inline double *liq_cross_account(const struct liq_sim *sim, size_t p, size_t j)
{
    const size_t k = sim->books.market_offset[p + 1] - sim->books.market_offset[p];
    return sim->accounts.cross_collateral + sim->accounts.cross_block[p] +
           (j - sim->accounts.cross_begin[p]) * k;
}

/* Whether this process holds and steps protocol p's accounts. */
static inline int liq_owns(const struct liq_sim *sim, size_t p)
{
    return sim->owned == NULL || sim->owned[p];
}

/* calloc that never asks for zero bytes, so that NULL always means out of
 * memory (entity counts may be 0). */
static inline void *liq_calloc(size_t count, size_t size)
{
    return calloc(count > 0 ? count : 1, size);
}

/* Oracle prices a market sees this round. */
static inline void liq_market_prices(const struct liq_sim *sim, size_t m, double *price_collateral,
                                     double *price_debt)
{
    const liq_market_t *mk = &sim->books.markets[m];
    *price_collateral = sim->oracles.price[mk->oracle];
    *price_debt = sim->oracles.price[sim->scenario->protocols[mk->protocol].debt_oracle];
}

/* Copies every market's oracle price O_k into market_price, so that a
 * cross account's K prices are one contiguous array. O(markets). */
static inline void liq_market_prices_update(struct liq_sim *sim)
{
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->cross.market_price[m] = sim->oracles.price[sim->books.markets[m].oracle];
    }
}

#endif /* LIQ_ENGINE_SIM_INTERNAL_H */
