/*
 * liqnet scenarios: the fully resolved description of one simulation.
 *
 * A scenario is read from a YAML file (see docs/scenario.md and
 * src/io/scenario_yaml.c) into these plain structs. Every default is filled
 * in and every name is resolved into an index, so the engine never looks a
 * name up and never sees a missing value. Names and file paths are cold data;
 * the engine copies the numbers it touches each round into its own arrays.
 *
 * Ownership: a liq_scenario_t owns every string and array it points to and is
 * released with liq_scenario_destroy(). Indices are 0-based positions in the
 * arrays of the same scenario; -1 means "none".
 */
#ifndef LIQNET_SCENARIO_H
#define LIQNET_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/auction.h"
#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- assets */

typedef struct {
    char *name;
    double price;             /* E_a(0), USD per unit, finite and > 0 */
    double market_depth;      /* D_a, units per e-fold of impact, > 0; INFINITY = no impact */
    double market_resilience; /* rho_a in [0, 1]: share of impact that decays each round */
} liq_asset_config_t;

/* ----------------------------------------------------------------- pools */

typedef enum {
    LIQ_POOL_CONSTANT_PRODUCT = 0, /* Uniswap v2: x y = k */
    LIQ_POOL_STABLESWAP = 1,       /* Curve, two tokens near parity (liqnet/amm.h) */
    LIQ_POOL_LINEAR_BOOK = 2       /* an order book of even depth (liqnet/amm.h): reserve0 is
                                      its depth D, reserve1 / reserve0 its mid */
} liq_pool_kind_t;

typedef struct {
    char *name;
    liq_pool_kind_t kind;
    int32_t token0;       /* asset index of token0 (the "a" of P = y/x) */
    int32_t token1;       /* asset index of token1, != token0 */
    double reserve0;      /* x, units of token0, finite and > 0 */
    double reserve1;      /* y, units of token1, finite and > 0 */
    double fee;           /* phi in [0, 1): swap fee, charged on the input */
    double arbitrage;     /* kappa in [0, 1]: share (in log price) of the gap closed each round */
    double amplification; /* STABLESWAP: the contract's A > 0; NaN for other kinds */
} liq_pool_config_t;

/* ---------------------------------------------------------- transactions */

/* How an actor on a declared chain sends its calls (issue 13; liqnet/chain.h
 * bidding): keepers' liquidations (keepers.transaction), an oracle's
 * updates and pokes (an oracle's `transaction`), borrowers' top-ups and
 * repayments (borrowers.transaction). One table of keys reads all three
 * (docs/scenario.md "transaction"); gas and deadline default per use. */
typedef struct {
    int bid;          /* a liq_bid_kind_t: fixed, capped or adaptive */
    double gas_price; /* fixed: gwei per gas */
    double tip;       /* capped, adaptive: gwei over the last block's clearing tip */
    double fee_cap;   /* capped, adaptive: gwei per gas at most; INFINITY: none */
    int64_t gas;      /* gas the call uses, also when it reverts, >= 21000 */
    int64_t deadline; /* rounds it waits for a block before its sender drops it, >= 1 */
} liq_tx_config_t;

/* --------------------------------------------------------------- oracles */

typedef enum {
    LIQ_ORACLE_MARKET = 0,    /* reference price S_a of an asset */
    LIQ_ORACLE_POOL_SPOT = 1, /* spot price of a pool after arbitrage (token1 per token0) */
    LIQ_ORACLE_POOL_TWAP = 2, /* arithmetic mean of a pool's spot over `window` rounds */
    LIQ_ORACLE_MEDIAN = 3     /* median of several of the above (`inputs`) */
} liq_oracle_source_t;

/* One price source an oracle reads: MARKET, POOL_SPOT or POOL_TWAP. */
typedef struct {
    liq_oracle_source_t source;
    int32_t asset;  /* MARKET: asset index; else -1 */
    int32_t pool;   /* pool sources: pool index; else -1 */
    int64_t window; /* POOL_TWAP: rounds >= 1; 1 for the others */
} liq_price_source_t;

typedef struct {
    char *name;
    liq_oracle_source_t source;
    int32_t asset;     /* LIQ_ORACLE_MARKET: asset index; else -1 */
    int32_t pool;      /* pool sources: pool index; else -1 */
    int64_t heartbeat; /* H, rounds >= 1: publish when t - t_pub >= H */
    double deviation;  /* delta >= 0: publish when |v/O - 1| >= delta; INFINITY = never */
    int64_t latency;   /* L, rounds >= 0: read the source as of round max(0, t - L) */
    int64_t window;    /* TWAP window in rounds >= 1 (1 for other sources) */
    size_t n_inputs;   /* LIQ_ORACLE_MEDIAN: sources whose median is the value (>= 1) */
    liq_price_source_t *inputs;
    int has_anchor;            /* 1: a value outside the anchor band is not published */
    liq_price_source_t anchor; /* with has_anchor: the second source */
    double anchor_band;        /* with has_anchor: largest accepted |v / anchor - 1|, >= 0 */
    /* On a declared chain (chain >= 0) each update is a transaction of the
     * oracle's updater, sent as `tx` says, and takes effect once a block
     * includes it (src/engine/oracle_tx.c). */
    int32_t chain;       /* index into the scenario's chains, or -1: updates land at once */
    int has_transaction; /* `transaction` was given */
    liq_tx_config_t tx;  /* gas 100000, deadline 10 rounds by default */
    /* MakerDAO's Oracle Security Module (makerdao/osm src/osm.sol): the
     * published value is the source's value of the poke before last, and a
     * poke is allowed once the time reaches zzz + hop. */
    int has_osm;
    int64_t osm_hop; /* seconds >= 1 (3600 on 12 March 2020) */
    /* An oracle on chain `chain` reading a source that lives on another
     * chain, `source_chain` (issue 13 item 6): it sees the source
     * message_latency rounds late on top of `latency`, message_latency
     * being the least latency of the bridges from source_chain to chain
     * (filled when the scenario is read). -1 and 0 without. */
    int32_t source_chain;
    int64_t message_latency;
} liq_oracle_config_t;

/* ------------------------------------------------------------- protocols */

typedef enum {
    LIQ_PROTOCOL_LENDING = 0,
    LIQ_PROTOCOL_PERP = 1 /* perpetual futures exchange (MODEL.md s5; liqnet/perp.h) */
} liq_protocol_kind_t;

/* One maintenance-margin tier of a perp market: a position whose notional
 * |q| O_a (USD) is at most notional_up_to (and above the previous tier's)
 * needs maintenance margin |q| O_a mmr, the whole position at this rate. */
typedef struct {
    double notional_up_to; /* USD > 0, strictly increasing; the last is INFINITY */
    double mmr;            /* maintenance margin rate in (0, 1), non-decreasing */
} liq_perp_tier_t;

/* One perp market of a perp protocol: positions in `asset`, marked by
 * `oracle` and closed through `pool` (which trades the asset against the
 * protocol's margin asset). */
typedef struct {
    int32_t asset;  /* underlying asset index */
    int32_t oracle; /* mark price oracle (O_a, USD) */
    int32_t pool;   /* route pool: constant product, tokens asset and margin asset */
    size_t n_tiers; /* >= 1 */
    liq_perp_tier_t *tiers;
    double liquidation_fee; /* share of the closed notional paid to the insurance fund, [0, 1) */
} liq_perp_market_config_t;

/* How a market's seized collateral is split over its route pools. */
typedef enum {
    LIQ_ROUTING_WEIGHT = 0,    /* fixed shares, the routes' weights */
    LIQ_ROUTING_BEST_PRICE = 1 /* equal marginal output, each round (liq_route_best_price) */
} liq_routing_t;

typedef struct {
    int32_t pool;  /* pool index; trades the market's collateral and the debt asset */
    double weight; /* WEIGHT: share of the sale, the weights adding up to 1; else NaN */
} liq_route_config_t;

/* One collateral market of a lending protocol: collateral asset a against the
 * protocol's debt asset b. */
typedef struct {
    int32_t asset;              /* collateral asset index a */
    int32_t oracle;             /* oracle index pricing a (O_a) */
    int32_t route;              /* the first of `routes` (the only one in R0) */
    size_t n_routes;            /* >= 1: pools where seized a is sold, each trading a and b */
    liq_route_config_t *routes; /* owned by the scenario */
    liq_routing_t routing;
    double liquidation_threshold; /* LT in (0, 1] */
    double liquidation_bonus;     /* beta >= 0 (0.05 = 5%) */
    double close_factor;          /* CF in (0, 1] */
    double full_close_health;     /* h_full in [0, 1]: HF below it repays the whole debt */
} liq_market_config_t;

/* What holders of an issuer's tokens recover once the issuer is insolvent
 * (MODEL.md s5, issued tokens): the redemption value of each token. */
typedef enum {
    LIQ_RECOVERY_PRO_RATA = 0, /* min(1, (L + F0 - losses) / L): the assets left per unit */
    LIQ_RECOVERY_ZERO = 1      /* nothing: the token is worthless once the issuer has a deficit */
} liq_recovery_t;

/* An asset the protocol issues (stablecoin, receipt token, LST): its
 * exogenous price E_a(t) is its initial price times the issuer's redemption
 * ratio of the round before. */
typedef struct {
    int32_t asset; /* asset index; each asset has at most one issuer */
    double supply; /* units outstanding, finite > 0: the issuer's liabilities */
} liq_issue_config_t;

/* An asset on the protocol's own balance sheet (treasury, deposits in
 * another protocol's token). Its fall in value is a loss of the protocol. */
typedef struct {
    int32_t asset;
    double amount; /* units held, finite > 0 */
} liq_holding_config_t;

/* A Liquity v1-style stability pool (MODEL.md s5; src/engine/stability.c,
 * docs/model-notes.md): a liquidated trove's debt is offset against the
 * pool's deposits, which take the matching collateral, and the rest is
 * redistributed to the other troves in proportion to their collateral.
 * The protocol has one market; its MCR is 1 / LT of that market. */
typedef struct {
    double deposits;               /* initial deposits, debt-asset units, finite >= 0 */
    double gas_compensation;       /* debt-asset units paid to the keeper per liquidation, >= 0 */
    double gas_compensation_share; /* share of the liquidated collateral to the keeper, [0, 1) */
    double sell_share; /* share of the pool's collateral its depositors sell each round, [0, 1] */
    int has_recovery_mode; /* 1: recovery mode when TCR < ccr */
    double ccr;            /* with has_recovery_mode: critical collateral ratio, > MCR */
} liq_stability_pool_config_t;

/* How a protocol liquidates (MODEL.md s5): R0's instant liquidation,
 * MakerDAO Liquidations 2.0 Dutch auctions (src/engine/auction.c), or
 * Liquidations 1.2 English auctions (src/engine/flip.c, liqnet/flip.h). */
typedef enum {
    LIQ_LIQUIDATION_INSTANT = 0,       /* R0: repay, seize with a bonus, sell at once */
    LIQ_LIQUIDATION_DUTCH_AUCTION = 1, /* seize the whole vault, auction it (clip.sol) */
    LIQ_LIQUIDATION_ENGLISH = 2        /* bite up to lump, tend then dent (cat.sol, flip.sol) */
} liq_liquidation_mode_t;

/* The clipper's parameters (dog.sol, clip.sol, abaci.sol); used only with
 * mode DUTCH_AUCTION, but chop, which ENGLISH shares, and the Flipper's
 * (beg, ttl, flip_tau, lump), used only with ENGLISH. Prices and tabs are in
 * units of the debt asset. */
typedef struct {
    liq_liquidation_mode_t mode;
    double chop;               /* tab = debt x chop, finite >= 1 */
    double buf;                /* top = O_a / O_b x buf, finite > 0 */
    int64_t tail;              /* rounds; reset when more have passed since the start, >= 1 */
    double cusp;               /* reset when price / top < cusp, in [0, 1) */
    double tip;                /* keeper reward per kick or reset, USD >= 0 */
    double chip;               /* keeper reward share of the tab, in [0, 1) */
    liq_auction_curve_t curve; /* the price curve (liqnet/auction.h) */
    double hole;               /* most tab in auctions at once, > 0; INFINITY = no limit */
    double keeper_capital;     /* USD keepers spend on purchases per round, > 0; INFINITY */
    /* ENGLISH (flip.sol's file()able parameters, cat.sol's lump): */
    double beg;       /* minimum bid increase factor, finite >= 1 */
    int64_t ttl;      /* seconds a bid lives, >= 1 */
    int64_t flip_tau; /* seconds an auction lasts from its kick or tick, >= 1 */
    double lump;      /* collateral units per bite, > 0; INFINITY: the whole vault */
} liq_auction_config_t;

/* A bidder in a protocol's English auctions (keepers.bidders). */
typedef struct {
    char *name;
    double capital;   /* debt units it can have in bids at once, > 0; INFINITY */
    double margin;    /* it bids up to value x (1 - margin), value at reference prices, [0, 1) */
    double gas_price; /* gwei per gas of a fixed bid; NaN: the keepers' transaction strategy */
    int zero;         /* 1: bids LIQ_FLIP_MIN_BID on every auction without a bid, nothing else */
    /* Off by default (src/engine/keepers.c): */
    int bites;            /* 1: sends its own bite of every unsafe vault, at its gas price */
    int count_gas;        /* 1: skips a tend or dent whose profit at reference prices does not
                             cover the gas it pays */
    int has_resell;       /* 1: sells each lot it wins, resell_delay rounds after the deal */
    int64_t resell_delay; /* rounds from the deal to the sale, >= 0 */
    int resell_via;       /* a liq_resell_via_t */
    double resell_cost;   /* MARKET: share of the value lost to the sale, [0, 1) */
} liq_flip_bidder_config_t;

/* A competing liquidator of a protocol on a declared chain
 * (keepers.liquidators; issue 13 item 4, src/engine/mev.c): each
 * liquidatable account goes to the best bid in the chain's `auction`. */
typedef struct {
    char *name;
    double capital;  /* debt units it repays per round at most, finite > 0 */
    double cost;     /* USD per liquidation besides gas (infrastructure), finite >= 0 */
    int64_t latency; /* rounds after an account becomes liquidatable before it sees it, >= 0 */
    int64_t gas;     /* gas of its liquidation transaction, >= 21000 */
} liq_liquidator_config_t;
/* Where a bidder that resells sells its lots. */
typedef enum {
    LIQ_RESELL_POOL = 0,  /* on its market's route pools, in the venues phase, as seizures */
    LIQ_RESELL_MARKET = 1 /* at the reference price less resell_cost, moving no pool */
} liq_resell_via_t;

typedef struct {
    char *name;
    liq_protocol_kind_t kind;
    int32_t debt_asset;       /* asset index b */
    int32_t debt_oracle;      /* oracle index pricing b (O_b) */
    double insurance_fund;    /* initial fund, USD >= 0 */
    double gas_cost;          /* g, USD per liquidation >= 0 */
    double min_profit;        /* pi_min, USD (may be negative) */
    int64_t max_liquidations; /* M per round >= 1; INT64_MAX = unlimited */
    size_t n_markets;
    liq_market_config_t *markets;
    size_t n_issues; /* assets the protocol issues (may be 0) */
    liq_issue_config_t *issues;
    liq_recovery_t recovery; /* with n_issues > 0 */
    size_t n_holdings;       /* assets on its balance sheet (may be 0) */
    liq_holding_config_t *holdings;

    /* Keeper economics (MODEL.md s5), off by default. */
    char *chain;             /* NULL: the default chain, shared by every protocol without one */
    double gas_congestion;   /* gamma >= 0: gas cost x (1 + gamma x attempts on the chain in the
                                round before) */
    int anticipate_slippage; /* 1: keepers count what the seizure fetches on the route pools */
    double keeper_capital;   /* USD of debt repaid per round at most; INFINITY = unlimited */
    /* On a declared chain (chain_index >= 0) every liquidation is a
     * transaction sent as keeper_tx says; gas_cost is then what it pays. */
    int32_t chain_index;        /* index into the scenario's chains, or -1 */
    int has_keeper_transaction; /* keepers.transaction was given */
    liq_tx_config_t keeper_tx;  /* gas 300000, deadline 10 rounds by default */

    /* Circuit breaker (MODEL.md s5): trips when a collateral oracle's price is
     * more than breaker_drop below its highest of the last breaker_window
     * rounds, for breaker_pause rounds, in which liquidations stop or, with
     * breaker_cap >= 1, are capped at breaker_cap per round. */
    int has_breaker;
    double breaker_drop;    /* theta in (0, 1) */
    int64_t breaker_window; /* W, rounds >= 1 */
    int64_t breaker_pause;  /* P, rounds >= 1 */
    int64_t breaker_cap;    /* 0: pause; >= 1: liquidations per round while tripped */

    /* Dynamic penalty (MODEL.md s5): every market's bonus times
     * min(max_scale, max(1, sigma / reference_volatility)), sigma the largest
     * root-mean-square log change of its collateral oracles over the last
     * volatility_window rounds. */
    int has_dynamic_penalty;
    double reference_volatility; /* sigma_ref > 0, per round */
    int64_t volatility_window;   /* rounds >= 1 */
    double max_penalty_scale;    /* >= 1 */

    int has_stability_pool; /* 0 (default): R0 liquidations */
    liq_stability_pool_config_t stability_pool;
    liq_auction_config_t liquidation; /* mode INSTANT (R0) unless the scenario says otherwise */
    size_t n_flip_bidders;            /* liquidation mode ENGLISH: >= 1 (a default one) */
    liq_flip_bidder_config_t *flip_bidders;
    /* On a declared chain, instant mode: competing liquidators (none: the
     * protocol's keepers as a whole, as before). */
    size_t n_liquidators;
    liq_liquidator_config_t *liquidators;

    /* LIQ_PROTOCOL_PERP: n_markets is 0, debt_asset / debt_oracle are the
     * margin asset and its oracle, and these are its perp markets. */
    size_t n_perp_markets;
    liq_perp_market_config_t *perp_markets;
    /* LIQ_PROTOCOL_PERP: open positions from a positions file (`positions`),
     * one isolated account each, after the generated accounts. */
    char *perp_positions_path;      /* resolved path; NULL: none */
    double perp_positions_leverage; /* for rows without leverage_ratio; NaN: none */
    size_t n_perp_positions;
    int32_t *perp_position_market;  /* index into perp_markets */
    double *perp_position_size;     /* signed units of the asset (> 0 long) */
    double *perp_position_entry;    /* USD per unit; NaN: the market's initial mark */
    double *perp_position_leverage; /* notional / margin at entry, > 0 */

    /* LIQ_PROTOCOL_PERP, Hyperliquid's liquidation rules
     * (src/engine/perp_backstop.c, docs/model-notes.md), all off by default.
     * Partial liquidation: a book liquidation of an account whose notional
     * exceeds partial_above closes only partial_share of each position, and
     * its book liquidations in the partial_cooldown rounds after are whole. */
    int has_partial_liquidation;
    double partial_above;     /* USD notional, finite > 0 */
    double partial_share;     /* (0, 1) */
    int64_t partial_cooldown; /* rounds >= 1 */
    /* Backstop: an account with equity < backstop_ratio x maintenance is
     * taken over whole by the liquidator vault, at the mark, while the vault's
     * loss stays within vault_max_drawdown x vault_capital; past that it is
     * closed as before (insurance fund, then ADL). The vault closes
     * vault_unwind of its inventory each round through the route. */
    int has_backstop;
    double backstop_ratio;     /* (0, 1) */
    double vault_capital;      /* USD, finite > 0 */
    double vault_max_drawdown; /* (0, 1] */
    double vault_unwind;       /* [0, 1] */
    int adl_rank;              /* a liq_adl_rank_t */
    /* The price a close through the route fills at (src/engine/perp_book.c):
     * LIQ_PERP_FILL_MARK (default) or LIQ_PERP_FILL_BOOK. */
    int perp_fill; /* a liq_perp_fill_t */
} liq_protocol_config_t;

/* The ADL ranking of a perp protocol's opposite positions (MODEL.md s5). */
typedef enum {
    LIQ_ADL_RANK_PNL_LEVERAGE = 0, /* unrealised PnL (USD) x notional / equity */
    LIQ_ADL_RANK_HYPERLIQUID = 1   /* price ratio in the position's favour x notional / equity */
} liq_adl_rank_t;

/* Where a perp protocol's closes through the route realise their PnL. */
typedef enum {
    LIQ_PERP_FILL_MARK = 0, /* at the mark O_a; the route pool trades them at the round's end */
    LIQ_PERP_FILL_BOOK = 1  /* at the route pool's average execution price of the close */
} liq_perp_fill_t;

/* -------------------------------------------------------------- accounts */

typedef enum { LIQ_SIZE_PARETO = 0, LIQ_SIZE_LOGNORMAL = 1 } liq_size_dist_t;
typedef enum { LIQ_HEALTH_UNIFORM = 0, LIQ_HEALTH_LOGNORMAL = 1 } liq_health_dist_t;

/* Isolated margin (R0): one collateral market per account. Cross margin
 * (MODEL.md s5): one account holds collateral in several of its protocol's
 * markets against one debt. */
typedef enum { LIQ_MARGIN_ISOLATED = 0, LIQ_MARGIN_CROSS = 1 } liq_margin_t;

/* What a borrower does when its health falls below its trigger. */
typedef enum {
    LIQ_BORROWER_TOP_UP = 0, /* adds collateral (Vat.frob with dink > 0) */
    LIQ_BORROWER_REPAY = 1   /* repays debt (Vat.frob with dart < 0) */
} liq_borrower_action_t;

/* Borrowers who act (issue 13 item 3; src/engine/borrowers.c): a share of
 * a generator's accounts watch their health and, below `trigger`, add
 * collateral or repay debt back to health `target` with their own capital,
 * after `latency` rounds; on a chain the call is a transaction. */
typedef struct {
    double share;      /* chance that an account acts, [0, 1] */
    double trigger;    /* health below which it acts, > 0 */
    double target;     /* health its action restores, > trigger */
    int action;        /* a liq_borrower_action_t */
    double capital;    /* USD it may spend over the run, as a multiple of its V, >= 0 */
    int64_t latency;   /* rounds from seeing to sending (without a chain: to landing), >= 0 */
    double gas_spread; /* sigma >= 0: a borrower's gas price (fixed) or tip is x exp(sigma Z) */
    int has_transaction;
    liq_tx_config_t tx; /* gas 150000, deadline 10 rounds by default */
} liq_borrowers_config_t;

/* A perp generator's living population (issue 14 item 3; src/engine/
 * perp_flow.c, docs/scenario.md "accounts[i].flow"): after each round's
 * liquidations, each open position of the generator closes with probability
 * 1 / holding, and new positions arrive (Poisson with mean `inflow`, or
 * exactly floor(t inflow) - floor((t-1) inflow) in round t), each opened at
 * the round's mark with a size, leverage and side drawn from the generator's
 * distributions, into a free one of `capacity` account slots (arrivals that
 * find none are refused and counted). Off unless `flow` is given. */
typedef enum { LIQ_FLOW_POISSON = 0, LIQ_FLOW_FIXED = 1 } liq_flow_process_t;

typedef struct {
    double inflow;    /* mean new positions per round, >= 0 (Poisson: <= 700) */
    int process;      /* a liq_flow_process_t */
    int64_t holding;  /* mean holding time in rounds, >= 1; 0: held until liquidated */
    int64_t capacity; /* account slots of the generator, >= count */
} liq_perp_flow_config_t;

/* Accounts drawn from distributions, with the run's seed. The collateral
 * value V (USD at the initial oracle price) is heavy-tailed; the initial
 * health factor h sets the debt: d = c * O_a(0) * LT / (h * O_b(0)).
 * A cross-margin generator splits V over the protocol's markets in
 * proportion to collateral_weight: V_k = V w_k / sum w, c_k = V_k / O_k(0),
 * and d = sum_k V_k LT_k / (h O_b(0)), so that the initial HF is h. */
typedef struct {
    int32_t protocol;
    int32_t market; /* index into that protocol's markets; -1 for cross margin */
    liq_margin_t margin;
    double *collateral_weight; /* cross: [protocol's n_markets] w_k >= 0, sum > 0; else NULL */
    int64_t count;             /* number of accounts >= 0 */
    liq_size_dist_t size_dist;
    double size_a;   /* pareto: tail index alpha > 0; lognormal: median USD > 0 */
    double size_b;   /* pareto: minimum value USD > 0; lognormal: sigma >= 0 */
    double size_max; /* values above are capped, USD; INFINITY = no cap */
    liq_health_dist_t health_dist;
    double health_a; /* uniform: min > 0; lognormal: median > 0 */
    double health_b; /* uniform: max >= min; lognormal: sigma >= 0 */
    /* Perp protocols: `market` indexes its perp_markets, collateral_weight
     * (cross) weighs them, the size is the notional |q| O_a(0) (USD), the
     * health distribution draws the leverage (notional / margin, >= 1 is not
     * required) and long_share is the chance that a position is long, in
     * [0, 1]. NaN for lending protocols. */
    double long_share;
    uint64_t stream;   /* RNG stream id of this source (its position in the list) */
    int has_borrowers; /* `borrowers` was given: some accounts act */
    liq_borrowers_config_t borrowers;
    int has_flow; /* `flow` was given (perp protocols): positions keep opening and closing */
    liq_perp_flow_config_t flow;
} liq_account_generator_t;

typedef enum { LIQ_POSITIONS_CSV = 0, LIQ_POSITIONS_HDF5 = 1 } liq_positions_format_t;

/* Accounts read from a file of positions (protocol, collateral_asset,
 * collateral, debt), one row per account, or with an optional `account`
 * column one row per collateral of a cross-margin account; see
 * docs/scenario.md. */
typedef struct {
    char *path; /* as resolved against the scenario file's directory */
    liq_positions_format_t format;
} liq_positions_source_t;

/* ---------------------------------------------------------------- shocks */

typedef enum {
    LIQ_SHOCK_SCHEDULE = 0, /* given log returns at given rounds */
    LIQ_SHOCK_PATH = 1,     /* log returns of a price path read from CSV */
    LIQ_SHOCK_GBM = 2       /* geometric Brownian motion with lognormal jumps */
} liq_shock_kind_t;

typedef struct {
    liq_shock_kind_t kind;
    int32_t asset;
    /* SCHEDULE and PATH: n_steps log returns applied at rounds round[k]. */
    size_t n_steps;
    int64_t *round;     /* strictly increasing, >= 1 */
    double *log_return; /* r_a(round[k]), finite */
    /* GBM: r = (mu - sigma^2/2) dt + sigma sqrt(dt) Z + jumps, in rounds [start, end]. */
    double drift;          /* mu, per year */
    double volatility;     /* sigma >= 0, per sqrt(year) */
    double jump_intensity; /* lambda >= 0, jumps per year */
    double jump_mean;      /* mean log jump size */
    double jump_stdev;     /* standard deviation of a log jump >= 0 */
    int64_t start, end;    /* first and last round of the process, 1 <= start <= end */
    uint64_t stream;       /* RNG stream id (position in the shock list) */
    char *path;            /* PATH: the CSV file it came from, for the record */
    /* PATH from a time series (price_column set): the file's columns and the
     * time of round 0 (NULL: the first row's); NULL for a round-per-row CSV. */
    char *price_column;
    char *time_column;
    char *series_start;
} liq_shock_t;

/* ------------------------------------------------------------- adversary */

/* A flash-loan attacker (MODEL.md s5): in round `round` it sells `amount` of
 * one token of `pool` right after the arbitrage phase (so oracles reading the
 * pool see the pushed price), takes every liquidation of the round as its
 * own, and after the round's liquidation orders sells back what the first
 * sale paid it; docs/model-notes.md. */
typedef struct {
    int enabled;
    int64_t round;    /* >= 1 */
    int32_t pool;     /* pool index */
    int sell_token;   /* 0 or 1: the token of `pool` it sells first */
    double amount;    /* units of that token, flash-borrowed, finite > 0 */
    double flash_fee; /* share of the loan paid as the flash-loan fee, in [0, 1) */
} liq_adversary_config_t;

/* ---------------------------------------------------------------- chains */

/* How a declared chain prices its block space (issue 13, docs/scenario.md
 * "chains"). */
typedef enum {
    LIQ_GAS_FIXED = 0,  /* one price for every block */
    LIQ_GAS_GIVEN = 1,  /* a series over time: the price a transaction must bid to get in */
    LIQ_GAS_EIP1559 = 2 /* EIP-1559's base fee, moved by how full the blocks are */
} liq_gas_model_t;

/* A gas price series read from a file: n points, seconds[k] after the
 * chain's start time (strictly increasing, seconds[0] <= 0 so the series
 * covers round 0), each price holding until the next point; the last holds
 * for the spacing of the last two points (or forever when n == 1). */
typedef struct {
    size_t n;
    double *seconds;
    int64_t *wei; /* wei per gas, >= 0 */
} liq_gas_series_t;

/*
 * A chain (issue 13): blocks every block_seconds of market time, each with
 * room for gas_limit gas, filled by priority fee; transactions sent in a
 * round can be included from the next block on. Gas is paid in gas_asset,
 * so its USD cost moves with that asset's reference price.
 */
/* The auction for the right to a liquidation (docs/model-notes.md "MEV"). */
typedef enum {
    LIQ_MEV_PRIORITY_GAS = 0, /* public mempool: first price, in priority fee per gas */
    LIQ_MEV_BUILDER = 1       /* sealed bids to the builder: second price, reserve s x bonus */
} liq_mev_auction_t;

typedef struct {
    char *name;
    double block_seconds; /* > 0 */
    int64_t gas_limit;    /* gas per block, >= 2 */
    int32_t gas_asset;    /* asset index */
    liq_gas_model_t gas_model;
    double gas_price;        /* FIXED: gwei per gas >= 0 */
    double initial_base_fee; /* EIP1559: gwei per gas >= 0 */
    double background_gas;   /* EIP1559: share of each block's limit others fill, [0, 1] */
    double background_tip;   /* EIP1559: gwei per gas the others offer the builder, >= 0 */
    /* GIVEN: the file, its columns and the time of round 0. */
    char *gas_file;     /* resolved path */
    char *time_column;  /* ISO 8601 times or seconds */
    char *price_column; /* price per gas in `gas_unit` */
    int gas_unit;       /* 0: wei, 1: gwei */
    char *start;        /* the time of round 0 as written; NULL: the first row's */
    int gas_after_end;  /* past the series' end: 0 the run is refused, 1 the last price holds */
    liq_gas_series_t gas_series;
    /* The liquidators' capital held on the chain (issue 13 item 6), USD:
     * at round 0 (INFINITY: unlimited, no stock is kept), and the amount
     * they rebalance toward through the bridges (NaN: keeper_capital). */
    double keeper_capital;
    double keeper_target;
    /* How its protocols' liquidators compete for a liquidation (`auction`;
     * used only by protocols with keepers.liquidators). */
    int has_auction;
    int auction_kind;     /* a liq_mev_auction_t */
    double builder_share; /* BUILDER: the builder's reserve, a share of the bonus, [0, 1] */
} liq_chain_config_t;

/*
 * A bridge (issue 13 item 6, liqnet/bridge.h): one direction between two
 * declared chains, carrying `asset`. A transfer sent in round t arrives
 * from round t + latency, at most `capacity` units a round, less the fee
 * kept at sending. The liquidators move their capital through it
 * (docs/scenario.md "bridges"); an oracle reading a source on `from` from
 * chain `to` sees it `latency` rounds late.
 */
typedef struct {
    char *name;
    int32_t asset;    /* asset index */
    int32_t from, to; /* chain indices, from != to */
    int64_t latency;  /* rounds >= 0 */
    double capacity;  /* units a round > 0; INFINITY: no limit */
    double fee;       /* share of a transfer the bridge keeps, [0, 1) */
} liq_bridge_config_t;

/* -------------------------------------------------------------- scenario */

typedef struct {
    char *name;
    char *source_path;    /* the YAML file, as given */
    int64_t rounds;       /* T >= 1 */
    double round_seconds; /* market time per round, > 0 */
    uint64_t seed;
    int64_t flush_every; /* rounds between HDF5 flushes >= 1 */
    int output_events;   /* event tables (/events): 1 on, 0 off, -1 (default) on under
                            LIQ_EVENTS_DEFAULT_MAX_ACCOUNTS accounts (liqnet/events.h) */

    size_t n_assets;
    liq_asset_config_t *assets;
    size_t n_pools;
    liq_pool_config_t *pools;
    size_t n_oracles;
    liq_oracle_config_t *oracles;
    size_t n_chains; /* 0: one implicit chain where every transaction lands at once */
    liq_chain_config_t *chains;
    size_t n_bridges; /* 0: no bridges (they need declared chains) */
    liq_bridge_config_t *bridges;
    size_t n_protocols;
    liq_protocol_config_t *protocols;

    size_t n_generators;
    liq_account_generator_t *generators;
    size_t n_positions;
    liq_positions_source_t *positions;

    size_t n_shocks;
    liq_shock_t *shocks;

    liq_adversary_config_t adversary; /* enabled = 0: none */
} liq_scenario_t;

/*
 * Reads and validates a scenario file. On error returns a liq_error_t code
 * and sets liq_errmsg() to "FILE:LINE:COL: KEY: message"; *out is then NULL.
 * Relative file paths inside the scenario are resolved against the directory
 * of `path`.
 */
LIQ_API int liq_scenario_load(liq_scenario_t **out, const char *path);

/* As liq_scenario_load, from a string; `name` stands for the file in messages
 * and `base_dir` resolves relative paths (NULL: the working directory). */
LIQ_API int liq_scenario_parse(liq_scenario_t **out, const char *text, size_t len, const char *name,
                               const char *base_dir);

/*
 * One change to a scenario's YAML tree, applied before the scenario is read
 * (so a key left at its default can be set too). `path` is dotted keys with
 * list selectors: `protocols[AaveLike].markets[WETH].liquidation_bonus`,
 * `accounts[0].count`. `[N]` is item N of a list; `[NAME]` the item whose
 * `name` is NAME or, for items without a name (markets), whose `asset` is.
 * A key that is absent is added (with any missing mappings on the way); a
 * list item that does not exist is an error. `value` is a YAML scalar as it
 * would be written in the scenario ("0.05", "unlimited", "1h"); `quoted`
 * makes it a string. With `scale` set, `value` is a factor that multiplies
 * the number already at `path`. `origin` ("sweep.yaml:12:5") starts the
 * message of a path error; NULL uses the scenario's name.
 */
typedef struct {
    const char *path;
    const char *value;
    int quoted;
    int scale;
    const char *origin;
} liq_override_t;

/*
 * As liq_scenario_parse, with `overrides` (n of them, may be 0) applied in
 * order to the document before it is read and validated. A path that does
 * not lead anywhere is LIQ_EKEY (no such list item, an index out of range,
 * a key under a scalar) naming origin, the path and what exists at that
 * level; a value the scenario rejects is reported as in liq_scenario_parse.
 */
LIQ_API int liq_scenario_parse_with(liq_scenario_t **out, const char *text, size_t len,
                                    const char *name, const char *base_dir,
                                    const liq_override_t *overrides, size_t n);

/*
 * Writes the fully resolved scenario as YAML (every default explicit, every
 * duration in rounds) into a newly allocated string *out (free with free()).
 * Parsing the result gives a scenario that runs bit-identically.
 */
LIQ_API int liq_scenario_dump(char **out, const liq_scenario_t *scenario);

/* Index of the named entity, or -1. Linear in the number of entities. */
LIQ_API int32_t liq_scenario_asset_index(const liq_scenario_t *scenario, const char *name);
LIQ_API int32_t liq_scenario_pool_index(const liq_scenario_t *scenario, const char *name);
LIQ_API int32_t liq_scenario_oracle_index(const liq_scenario_t *scenario, const char *name);
LIQ_API int32_t liq_scenario_protocol_index(const liq_scenario_t *scenario, const char *name);

/* The asset an oracle prices: a market source's asset, a pool source's
 * token0, a median's first input's. */
LIQ_API int32_t liq_oracle_priced_asset(const liq_scenario_t *scenario,
                                        const liq_oracle_config_t *oracle);

/* Releases a scenario and everything it owns; accepts NULL. */
LIQ_API void liq_scenario_destroy(liq_scenario_t *scenario);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_SCENARIO_H */
