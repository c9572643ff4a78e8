/*
 * Private layout of a simulation (see liqnet/sim.h for the contract).
 *
 * Hot and cold data are apart: the scenario holds names and configuration;
 * the arrays here hold the numbers a round touches, one array per quantity
 * and entity kind (struct of arrays). The account store is two float64
 * arrays, 16 bytes per account, grouped by protocol then market, so that a
 * market's accounts are one contiguous range and the margin-engine scan is a
 * unit-stride stream over memory.
 */
#ifndef LIQ_ENGINE_SIM_INTERNAL_H
#define LIQ_ENGINE_SIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "liqnet/amm.h"
#include "liqnet/lending.h"
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

struct liq_sim {
    const liq_scenario_t *scenario;
    int threads;
    /* The round (src/engine/round.c): a distributed run's exchange, the
     * hooks of the liq_sim_run in progress (NULL outside one), and the wall
     * seconds of each phase summed over rounds. */
    liq_sim_exchange_fn exchange;
    void *exchange_context;
    const liq_run_hooks_t *run_hooks;
    double phase_seconds[LIQ_PHASE_COUNT];
    double exchange_seconds;
    int64_t timed_rounds;
    /* Distributed runs (src/engine/partition.c): owned[p] != 0 for the
     * protocols whose accounts this process holds and whose margin and
     * perp engines it steps; NULL (one process) owns them all. Everything
     * else is replicated and stepped by every process. */
    unsigned char *owned;
    liq_record_field_t record_field[LIQ_RECORD_MAX_FIELDS]; /* liq_record_init */
    size_t n_record_fields;
    int full_scan; /* 1: margin engines scan every account (no index) */
    liq_rng_key_t key;
    int64_t round;
    double dt_years; /* round_seconds in years, for the GBM shocks */

    /* assets [n_assets] */
    size_t n_assets;
    double *exogenous_price;    /* E_a(t) */
    double *impact;             /* I_a(t) */
    double *reference_price;    /* S_a(t) */
    double *log_return;         /* r_a(t) */
    size_t *asset_shock_offset; /* [n_assets + 1] CSR into asset_shock */
    size_t *asset_shock;        /* shock indices, in scenario order */
    size_t *shock_cursor;       /* [n_shocks] next step of a SCHEDULE/PATH shock */
    size_t *asset_pool_offset;  /* [n_assets + 1] CSR into asset_pool_side */
    size_t *asset_pool_side;    /* 2 * pool + (0 if the asset is token0 else 1), pool order */

    /* pools [n_pools] */
    size_t n_pools;
    double *reserve0, *reserve1, *pool_price;
    double *arb_sold0, *arb_sold1; /* arbitrageurs' external sales in the last arbitrage */
    double *liq_in0, *liq_in1;     /* liquidation orders executed this round */
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

    /* history rings for oracle latency and TWAP: value of entity e at round
     * u is hist[e * hist_len + u % hist_len] */
    int64_t hist_len;
    double *asset_hist; /* S_a */
    double *pool_hist;  /* spot after arbitrage */

    /* oracles [n_oracles] */
    size_t n_oracles;
    double *oracle_price;
    int64_t *oracle_last_publish;
    size_t *oracle_scratch_begin; /* [n_oracles + 1] median oracles' slices of oracle_scratch */
    double *oracle_scratch;       /* one value per median input, sorted each round */

    /* protocols [n_protocols] */
    size_t n_protocols;
    size_t *market_offset; /* [n_protocols + 1] */
    int64_t *liquidations, *stalled;
    int64_t *found; /* liquidatable accounts the margin engine listed this round */
    double *repaid_value, *seized_value, *bad_debt, *insurance_fund, *deficit;
    double *collateral_value, *debt_value;

    /* balance sheets (src/engine/balance.c): issued tokens and holdings */
    int has_balance_sheets; /* any protocol issues or holds an asset */
    int32_t *asset_issuer;  /* [n_assets] issuing protocol, -1 if none */
    double *price_low;      /* [n_assets] lowest S_a over rounds 0..t */
    double *liabilities;    /* [n_protocols] sum of supply x initial price of its issues, USD */
    double *redemption;     /* [n_protocols] redemption ratio of its issues; NaN if none */
    double *impairment;     /* [n_protocols] cumulative write-down of its holdings, USD */
    double *holdings_value; /* [n_protocols] sum of amount x S_a over its holdings, USD */

    /* the adversary (src/engine/sim.c): what its attack round did */
    double attack_out;  /* units of the other token its first sale paid */
    double attack_back; /* units of the sold token its sale back paid */
    int64_t attack_liquidations;
    double attack_liquidation_profit; /* USD: seized at S_a - repaid - gas */
    double attack_round_trip;         /* USD: (back - amount) x S of the sold token */
    double attack_fee;                /* USD: flash_fee x amount x S of the sold token */

    /* risk controls and keeper economics (src/engine/risk.c) */
    int has_risk_controls;   /* any breaker, dynamic penalty or gas congestion */
    int64_t risk_ring_len;   /* R: longest window + 1 */
    double *oracle_ring;     /* [n_oracles x R] published O(u) at slot u % R */
    double *penalty_scale;   /* [n_protocols] scale on every market's bonus this round */
    int64_t *breaker_until;  /* [n_protocols] last round of the current pause, -1 if none */
    int64_t *breaker_active; /* [n_protocols] 1 while the breaker holds this round */
    double *gas_now;         /* [n_protocols] USD per liquidation this round */
    size_t *protocol_chain;  /* [n_protocols] chain id, 0 = the default chain */
    size_t n_chains;
    int64_t *chain_attempts; /* [n_chains] liquidatable accounts found in the round before */

    /* stability pools (src/engine/stability.c): NULL unless a protocol has one */
    int *market_stability; /* [n_markets] 1: liquidated by stability.c, never indexed */
    struct liq_stability *stability;

    /* Dutch auctions (src/engine/auction.c; MODEL.md s5). Protocol p owns
     * slots auction_begin[p] .. auction_begin[p+1]-1, one per isolated
     * account of its markets that had debt at creation: a seized account
     * never owes again, so it is auctioned at most once and the pool never
     * grows. Its active auctions are the first auction_count[p] slots, in
     * creation order. All NULL when no protocol auctions. */
    int has_auctions;
    size_t *auction_begin;      /* [n_protocols + 1] */
    size_t *auction_count;      /* [n_protocols] active auctions */
    liq_auction_t *auctions;    /* [auction_begin[n_protocols]] */
    int64_t *auction_started;   /* [n_protocols] kicks this round */
    int64_t *auction_active;    /* [n_protocols] active after the round */
    double *auction_sold_value; /* [n_protocols] collateral bought by keepers, USD at O_a */
    double *auction_raised;     /* [n_protocols] debt units raised this round */
    double *keeper_rewards;     /* [n_protocols] tip + chip tab paid this round, USD */
    double *auction_bad_debt;   /* [n_protocols] cumulative, USD (also in bad_debt) */
    double *auction_tab;        /* [n_protocols] tab outstanding after the round, debt units */
    double *auction_units;      /* [4 n_markets] cumulative seized, sold, returned units, and
                                   units in auctions now, per market (liq_auction_view_t) */

    /* perpetual futures (src/engine/perp.c): NULL without perp protocols */
    struct liq_perp *perp;

    /* markets [n_markets], flattened in protocol order */
    size_t n_markets;
    liq_market_t *markets;
    size_t *market_begin; /* [n_markets + 1] account ranges */
    double *market_seized, *market_collateral, *market_debt;

    /* accounts [n_accounts] */
    size_t n_accounts;
    double *collateral; /* c_i, units of the market's collateral asset */
    double *debt;       /* d_i, units of the protocol's debt asset */

    /* Cross-margin accounts [n_cross] (MODEL.md s5; none unless the
     * scenario has some), grouped by protocol: protocol p's are
     * cross_begin[p] .. cross_begin[p+1]-1. Account j of protocol p owes
     * cross_debt[j] and holds, for each of the protocol's K_p markets k,
     * cross_collateral[cross_block[p] + (j - cross_begin[p]) K_p + k] units
     * of market k's collateral: a dense block per protocol, 8 (K_p + 1)
     * bytes an account (24 with two markets), no index. They are scanned
     * in full every round, in chunks of LIQ_CHUNK_ACCOUNTS accounts that
     * never cross a protocol boundary. */
    size_t n_cross;
    int has_cross;               /* the scenario has cross accounts, held here or not */
    size_t *cross_begin;         /* [n_protocols + 1] */
    size_t *cross_block;         /* [n_protocols] */
    double *cross_debt;          /* [n_cross] d, units of the protocol's debt asset */
    double *cross_collateral;    /* [sum_p (accounts of p) K_p] c_k, units of market k's asset */
    double *cross_debt_units;    /* [n_protocols] sum of cross_debt, kept like market_debt */
    double *cross_debt_value;    /* [n_protocols] cross_debt_units O_b after the round */
    int64_t *cross_liquidations; /* [n_protocols] cross accounts liquidated this round */
    double *market_price;        /* [n_markets] O_k of the round, contiguous per protocol */
    liq_market_terms_t *market_terms; /* [n_markets] */
    double *cross_seize; /* [n_markets] a liquidation's s_k, protocol p's at market_offset[p] */
    size_t n_cross_chunks;
    size_t *cross_chunk_begin; /* [n_cross_chunks] chunk k is cross accounts begin .. end-1 */
    size_t *cross_chunk_end;
    size_t *cross_chunk_protocol;
    size_t *cross_chunk_found;  /* liquidatable cross accounts found in the chunk this round */
    size_t *cross_chunk_offset; /* where the chunk's candidates go */
    size_t *cross_found;        /* [n_protocols] liquidatable cross accounts this round */

    /* scan chunks [n_chunks], in market order */
    size_t n_chunks;
    size_t *chunk_begin; /* chunk k is accounts chunk_begin[k] .. chunk_end[k]-1 */
    size_t *chunk_end;
    size_t *chunk_market;
    size_t *chunk_found;         /* liquidatable accounts found in the chunk this round */
    size_t *chunk_offset;        /* [n_chunks + 1] prefix sums of chunk_found */
    double *chunk_sum;           /* [2 * n_chunks] scratch for ordered reductions */
    size_t *market_chunk_offset; /* [n_markets + 1] first chunk of each market */

    /* liquidation-price index (src/engine/price_index.c), unless full_scan */
    uint64_t *index_entry;   /* [n_accounts] per market, sorted: key << 32 | offset */
    uint64_t *recent;        /* recent updates, market m at recent_begin[m] */
    size_t *recent_begin;    /* [n_markets + 1] */
    size_t *recent_capacity; /* [n_markets] */
    size_t *recent_count;    /* [n_markets] */
    int *index_stale;        /* [n_markets] re-sort before the next round */
    void *index_scratch; /* sort and gather scratch, market m at scratch_begin[m] (8-byte units) */
    size_t *scratch_begin; /* [n_markets + 1] */
    size_t *market_found;  /* [n_markets] candidates found this round */
    int *market_scan;      /* [n_markets] 1: this market's candidates come from the full scan
                              (always with full_scan; during cascades otherwise) */

    /* candidates of the round, in account order; grows, never shrinks.
     * Protocol p's candidates are its markets' (isolated) ones in market
     * order, then its cross accounts' ones, which end where the next
     * protocol's first market starts. */
    size_t *market_candidates; /* [n_markets + 1] market m's candidates start here */
    liq_candidate_t *candidates;
    size_t candidates_capacity;
    size_t *rank;      /* scratch for the throughput cut, same capacity */
    uint8_t *eligible; /* [capacity] the keepers' decision per candidate (1 byte, not the
                          8 of rank, so the cut can list into rank while reading it) */
    /* Scratch of the parallel throughput cut and liquidation of one large
     * protocol at a time (src/engine/cut.c, liquidate_large.c); grows with the candidates. */
    size_t *cut_block;                   /* [capacity / LIQ_CUT_BLOCK + 2] counts, then offsets */
    struct liq_apply_chunk *apply_chunk; /* [capacity / LIQ_APPLY_CHUNK + 1] */
    struct liq_apply_slot *apply_slot;   /* [capacity / LIQ_APPLY_CHUNK + 1 + max markets] */
    size_t max_protocol_markets;         /* most markets of one protocol */
    size_t *cut_hist;        /* [threads * LIQ_CUT_BINS] the cut's per-thread histograms */
    size_t *gather_block;    /* block counts of a parallel index gather (price_index.c) */
    size_t *market_selected; /* [n_markets + 1] where each market's liquidations start in
                                the list of a large protocol being liquidated */
};

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

/* Value of oracle i's source(s) at round u (src/engine/phase_oracles.c). */
double liq_oracle_source_value(const struct liq_sim *sim, size_t i, int64_t u);

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

/* Issued tokens and holdings (src/engine/balance.c). balance_init sets the
 * issuers, liabilities and round-0 values once the arrays exist;
 * balance_step is the derived phase's first step: holdings are marked
 * down, losses drawn from the insurance fund, then the issuers' redemption
 * ratios that the next round's market phase prices issued tokens with. */
void liq_balance_init(struct liq_sim *sim);
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
    const size_t k = sim->market_offset[p + 1] - sim->market_offset[p];
    return sim->cross_collateral + sim->cross_block[p] + (j - sim->cross_begin[p]) * k;
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
    const liq_market_t *mk = &sim->markets[m];
    *price_collateral = sim->oracle_price[mk->oracle];
    *price_debt = sim->oracle_price[sim->scenario->protocols[mk->protocol].debt_oracle];
}

/* Copies every market's oracle price O_k into market_price, so that a
 * cross account's K prices are one contiguous array. O(markets). */
static inline void liq_market_prices_update(struct liq_sim *sim)
{
    for (size_t m = 0; m < sim->n_markets; m++) {
        sim->market_price[m] = sim->oracle_price[sim->markets[m].oracle];
    }
}

#endif /* LIQ_ENGINE_SIM_INTERNAL_H */
