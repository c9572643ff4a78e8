/*
 * The network of MODEL.md s2 as a graph, its protocol projection, contagion
 * metrics on that projection, and generated ecosystems.
 *
 * The heterogeneous network (assets, pools, oracles, protocols and the edges
 * between them) is held as an igraph graph with string and numeric attributes
 * named as in MODEL.md s2 and docs/scenario.md (docs/network.md lists them).
 * It is built from a scenario, written to GraphML or GML for Gephi, NetworkX
 * or igraph, and read back with every attribute checked. The protocol graph
 * is its projection on protocols: two protocols are linked when they share
 * collateral assets, route pools or collateral oracles, or one holds or
 * accepts what the other issues. Contagion metrics
 * (hop distance from the shock, PageRank, betweenness, failed clusters) are
 * plain functions on the protocol graph with results in caller-owned arrays.
 *
 * Threads: igraph (the Debian build has IGRAPH_THREAD_SAFE 0) is used by
 * these functions only, and they must never be called from a parallel
 * region or from two threads at once. The engine reads the graph through
 * plain arrays (the edge list of the protocol graph), never through igraph.
 * While they run, these functions install their own igraph error and warning
 * handlers (igraph errors become liqnet codes and messages, never an abort)
 * and restore the previous ones before returning; they also install igraph's
 * C attribute handler (igraph_cattribute_table), which stays installed
 * because graphs with attributes must be destroyed under the same handler.
 *
 * Indices: vertices and edges are numbered from 0 in the order documented on
 * liq_network_build; protocol i of the protocol graph is the i-th protocol
 * vertex of the network (protocol i of the scenario it was built from).
 */
#ifndef LIQNET_NETWORK_H
#define LIQNET_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* igraph's graph type, for callers that include <igraph.h> themselves
 * (struct igraph_s is igraph_t); this header does not need igraph. */
struct igraph_s;

/* ------------------------------------------------------------ the network */

typedef enum {
    LIQ_VERTEX_ASSET = 0,
    LIQ_VERTEX_POOL = 1,
    LIQ_VERTEX_ORACLE = 2,
    LIQ_VERTEX_PROTOCOL = 3
} liq_vertex_kind_t;

typedef enum {
    LIQ_EDGE_TRADES = 0,      /* pool -> asset: one of the pool's two tokens */
    LIQ_EDGE_READS = 1,       /* oracle -> asset (market source) or pool (pool sources) */
    LIQ_EDGE_USES_ORACLE = 2, /* protocol -> oracle: prices a collateral or the debt asset */
    LIQ_EDGE_MARKET = 3,      /* protocol -> asset: a collateral market, or the debt asset */
    LIQ_EDGE_ROUTES = 4,      /* protocol -> pool: seized collateral is sold there */
    LIQ_EDGE_ISSUES = 5,      /* protocol -> asset: the protocol issues it (`supply`) */
    LIQ_EDGE_HOLDS = 6        /* protocol -> asset: on its balance sheet (`amount`) */
} liq_edge_kind_t;

/* The value of the `kind` attribute ("asset", "trades", ...). */
LIQ_API const char *liq_vertex_kind_name(liq_vertex_kind_t kind);
LIQ_API const char *liq_edge_kind_name(liq_edge_kind_t kind);

typedef struct liq_network liq_network_t;

/*
 * Builds the network of a validated scenario. Vertices: the assets, then the
 * pools, the oracles and the protocols, each in scenario order (so asset a is
 * vertex a, pool p is vertex n_assets + p, and so on). Edges, in this order:
 * per pool its trades edges (token0, token1); per oracle its reads edge (a
 * median: one per input, in input order, with `price_source` and a
 * pool_twap input's `window`), then its anchor's (role anchor); per
 * protocol, for each market its market edge (role collateral, with its
 * `routing`), uses_oracle edge and one routes edge per route in route order
 * (`weight`: the route's share; none for best_price routing), then the debt
 * asset's market edge and the debt oracle's uses_oracle edge (role debt),
 * then an issues edge per issued asset (`supply`) and a holds edge per
 * holding (`amount`). A stableswap pool carries `amplification`, an oracle
 * with an anchor `anchor_band`, an issuer `recovery` (docs/network.md).
 * A protocol with mechanism settings carries them as scenario-key
 * attributes (`chain`, `keepers.capital`, `breaker.drop`, ...; only those
 * it sets, see liq_network_is_protocol_key). Protocol vertices carry `accounts`:
 * the count of the scenario's generated accounts plus the rows of
 * `positions` (may be NULL: generated accounts only). O(entities + markets).
 */
LIQ_API int liq_network_build(liq_network_t **out, const liq_scenario_t *scenario,
                              const liq_positions_t *positions);

typedef enum {
    LIQ_GRAPH_AUTO = 0,    /* reading and writing: from the file name's extension */
    LIQ_GRAPH_GRAPHML = 1, /* GraphML (.graphml, .xml) */
    LIQ_GRAPH_GML = 2      /* GML (.gml) */
} liq_graph_format_t;

/*
 * Writes the network to `path` (replaced if it exists). Numbers are written
 * in the shortest form that reads back to the same double; infinity is
 * `Infinity` in GraphML and `INF` in GML (what Java, Python and NetworkX
 * parse, as igraph does); absent values (NaN numbers, empty strings) are not written.
 * GraphML node ids are "KIND:NAME" ("asset:WETH"). LIQ_EIO if the file
 * cannot be written, LIQ_EINVAL for LIQ_GRAPH_AUTO with an unknown extension.
 */
LIQ_API int liq_network_write(const liq_network_t *net, const char *path,
                              liq_graph_format_t format);

/*
 * Reads a network written by liq_network_write (or edited by another tool:
 * attributes it does not know, such as Gephi's layout, are kept and not
 * checked). Every vertex and edge is checked: its kind, a unique name per
 * vertex kind, the attributes its kind requires and their ranges (those of
 * docs/scenario.md), the attributes only some of a kind have (required
 * where they apply, such as a stableswap pool's amplification, and
 * refused elsewhere), and the kinds of an edge's endpoints. Errors name the
 * file, the vertex or edge (index and name), the attribute, the value and
 * what was expected:
 *   net.graphml: vertex 4 (pool 'WETH-USDC'): attribute 'fee': value -0.1;
 *   expected a number in [0, 1)
 * LIQ_EIO (cannot open), LIQ_EPARSE (not GraphML/GML), LIQ_EKEY (a required
 * attribute is missing), LIQ_EINVAL (a bad value), LIQ_EREF (an edge between
 * the wrong kinds of vertex, a token0/token1/debt_asset naming no asset).
 */
LIQ_API int liq_network_read(liq_network_t **out, const char *path, liq_graph_format_t format);

/*
 * A value that fills an attribute a scenario's network leaves out (the
 * scenario key `defaults`, docs/scenario.md). is_edge 0: `kind` is a
 * liq_vertex_kind_t; 1: a liq_edge_kind_t (LIQ_EDGE_MARKET fills collateral
 * market edges; ROUTES, READS, ISSUES and HOLDS their kinds). A string attribute has
 * `string` set; a number has `string` NULL and `number`. Borrowed pointers.
 */
typedef struct {
    int is_edge;
    int kind;
    const char *attribute;
    double number;
    const char *string;
} liq_network_default_t;

/*
 * LIQ_OK when `d` may fill its attribute and its value lies in the range a
 * reader accepts. LIQ_EKEY for an attribute the kind has not, or one that
 * is never defaulted (names, token0/token1, source, debt_asset/debt_oracle,
 * roles, accounts), listing those that may be; LIQ_EINVAL for a bad value.
 * The message has no file or place ("value -1; expected a number in [0,
 * 1)"): the caller says where the default was written.
 */
LIQ_API int liq_network_default_check(const liq_network_default_t *d);

/*
 * Reads the network of a scenario (the scenario key `network`): as
 * liq_network_read, but first fills every attribute a vertex or edge leaves
 * out from `defaults` (n_defaults of them, each already accepted by
 * liq_network_default_check; a later default of the same attribute fills
 * nothing an earlier one filled), then validates. A protocol's `accounts`
 * is neither required nor checked (the scenario's accounts decide it), and
 * only pool_twap oracles need `window`. An attribute absent from both the
 * file and the defaults is LIQ_EKEY naming the file, the vertex or edge
 * and the attribute, as in liq_network_read.
 */
LIQ_API int liq_network_read_scenario(liq_network_t **out, const char *path,
                                      liq_graph_format_t format,
                                      const liq_network_default_t *defaults, size_t n_defaults);

LIQ_API size_t liq_network_vertex_count(const liq_network_t *net);
LIQ_API size_t liq_network_edge_count(const liq_network_t *net);
/* Number of vertices of one kind. */
LIQ_API size_t liq_network_count(const liq_network_t *net, liq_vertex_kind_t kind);
LIQ_API liq_vertex_kind_t liq_network_vertex_kind(const liq_network_t *net, size_t vertex);
LIQ_API liq_edge_kind_t liq_network_edge_kind(const liq_network_t *net, size_t edge);
LIQ_API const char *liq_network_vertex_name(const liq_network_t *net, size_t vertex);
LIQ_API void liq_network_edge_ends(const liq_network_t *net, size_t edge, size_t *from, size_t *to);

/*
 * Whether a protocol vertex attribute is a scenario key of the protocol
 * (docs/network.md, "Mechanism settings"): a dotted key path below the
 * protocol (`breaker.drop`, `liquidation.mode`,
 * `stability_pool.recovery_mode.ccr`), except the sources convention's
 * `cite_...`, or one of the plain keys `chain` and `preset`. liq_network_read
 * keeps such attributes unchecked; a scenario's network passes them to the
 * scenario reader, which checks them as it checks YAML.
 */
LIQ_API int liq_network_is_protocol_key(const char *attribute);

/* The types of liq_network_vertex_attr_name. */
enum { LIQ_ATTR_NUMBER = 0, LIQ_ATTR_STRING = 1, LIQ_ATTR_OTHER = 2 /* e.g. GraphML boolean */ };

/* The vertex attributes the network has, in igraph's order: their number,
 * and the name and type (*type: LIQ_ATTR_*) of the k-th. */
LIQ_API size_t liq_network_vertex_attr_count(const liq_network_t *net);
LIQ_API const char *liq_network_vertex_attr_name(const liq_network_t *net, size_t k, int *type);

/* A vertex or edge attribute by name: a number (NaN when absent or not
 * numeric) or a string ("" when absent or not a string; valid until the
 * network changes or is destroyed). */
LIQ_API double liq_network_vertex_number(const liq_network_t *net, size_t vertex,
                                         const char *attribute);
LIQ_API const char *liq_network_vertex_string(const liq_network_t *net, size_t vertex,
                                              const char *attribute);
LIQ_API double liq_network_edge_number(const liq_network_t *net, size_t edge,
                                       const char *attribute);
LIQ_API const char *liq_network_edge_string(const liq_network_t *net, size_t edge,
                                            const char *attribute);

/*
 * LIQ_OK when a and b are the same network: same vertex and edge counts, the
 * same edges in the same order, and every attribute of either equal in the
 * other (numbers bit for bit, NaN equal to NaN). Otherwise LIQ_EINVAL with a
 * message naming the first difference (vertex or edge, attribute, values).
 */
LIQ_API int liq_network_compare(const liq_network_t *a, const liq_network_t *b);

/* The igraph graph (directed; attributes as in docs/network.md), read-only. */
LIQ_API const struct igraph_s *liq_network_igraph(const liq_network_t *net);

/* Releases a network; accepts NULL. */
LIQ_API void liq_network_destroy(liq_network_t *net);

/* ----------------------------------------------------- the protocol graph */

typedef struct liq_protocol_graph liq_protocol_graph_t;

/*
 * The projection of a network on its protocols (MODEL.md s2): protocols p
 * and q are linked when they share at least one collateral asset (market
 * edges of role collateral), route pool (routes edges) or collateral oracle
 * (uses_oracle edges of role collateral). The weight of the link is the
 * number of shared assets + shared pools + shared oracles. The debt asset
 * and its oracle do not count: most protocols borrow the same stablecoin
 * priced by the same feed, which would link every pair. Every routes edge
 * counts, so all the route pools of a market do. Issued tokens (MODEL.md
 * s2: "one holds or accepts what the other issues") add shared_tokens: for
 * an issuer p and a protocol q != p, 1 for each asset p issues (issues
 * edges) that q holds (holds edges) or accepts as collateral. Cost: O(E +
 * sum over resources r of k_r^2 log), k_r the protocols sharing r.
 */
LIQ_API int liq_protocol_graph_build(liq_protocol_graph_t **out, const liq_network_t *net);

LIQ_API size_t liq_protocol_graph_vertex_count(const liq_protocol_graph_t *graph);

/* The edge list, one entry per linked pair, from < to, sorted by (from, to);
 * arrays owned by the graph. The shared_* counts add up to the weight. */
typedef struct {
    size_t n_protocols;
    size_t n_edges;
    const int64_t *from;           /* [n_edges] protocol index */
    const int64_t *to;             /* [n_edges] protocol index > from */
    const double *weight;          /* [n_edges] shared assets + pools + oracles + tokens */
    const int64_t *shared_assets;  /* [n_edges] */
    const int64_t *shared_pools;   /* [n_edges] */
    const int64_t *shared_oracles; /* [n_edges] */
    const int64_t *shared_tokens;  /* [n_edges] issued assets the other holds or accepts */
} liq_protocol_edges_t;

LIQ_API void liq_protocol_graph_edges(const liq_protocol_graph_t *graph,
                                      liq_protocol_edges_t *edges);

/* Protocol names, in index order (owned by the graph). */
LIQ_API const char *liq_protocol_graph_name(const liq_protocol_graph_t *graph, size_t protocol);

/* The igraph graph (undirected; vertex attribute `name`, edge attributes
 * `weight`, `shared_assets`, `shared_pools`, `shared_oracles`, `shared_tokens`),
 * read-only. */
LIQ_API const struct igraph_s *liq_protocol_graph_igraph(const liq_protocol_graph_t *graph);

LIQ_API void liq_protocol_graph_destroy(liq_protocol_graph_t *graph);

/* --------------------------------------------------- contagion metrics */

/*
 * Where a scenario's shocks enter: source[p] = 1 when protocol p has a
 * collateral market in, borrows, or holds (holdings) an asset that one of
 * the scenario's shocks moves; else 0. `source` has n_protocols entries.
 */
LIQ_API void liq_contagion_sources(const liq_scenario_t *scenario, uint8_t *source);

/*
 * Hop distance of every protocol from the source set (MODEL.md s6,
 * contagion reach): 0 for a source, the number of protocol-graph links to
 * the nearest source otherwise, -1 when no source is reachable (or there are
 * no sources). Multi-source breadth-first search, O(V + E); LIQ_ENOMEM
 * only when its queue cannot be allocated.
 */
LIQ_API int liq_contagion_distance(const liq_protocol_graph_t *graph, const uint8_t *source,
                                   int64_t *distance);

/*
 * PageRank of every protocol on the weighted, undirected protocol graph,
 * damping 0.85 (igraph's PRPACK solver: deterministic). The ranks add up to
 * 1; an isolated protocol jumps uniformly. `rank` has n_protocols entries.
 */
LIQ_API int liq_contagion_pagerank(const liq_protocol_graph_t *graph, double *rank);

typedef enum {
    LIQ_BETWEENNESS_HOPS = 0,          /* every link has length 1 */
    LIQ_BETWEENNESS_INVERSE_WEIGHT = 1 /* a link of weight w has length 1/w: more sharing, closer */
} liq_betweenness_mode_t;

/*
 * Betweenness of every protocol: the number of shortest paths between other
 * pairs of protocols that pass through it, each unordered pair counted once,
 * a pair with k shortest paths adding 1/k per path (igraph_betweenness,
 * not normalised). The middle of a path of 3 protocols has 1.
 */
LIQ_API int liq_contagion_betweenness(const liq_protocol_graph_t *graph,
                                      liq_betweenness_mode_t mode, double *betweenness);

/* The connected components of the subgraph induced by a failed set. */
typedef struct {
    size_t n_protocols;
    int64_t *component; /* [n_protocols] component id, -1 for a protocol not failed */
    size_t n_components;
    int64_t *size; /* [n_components] failed protocols in each component */
} liq_failed_clusters_t;

/*
 * Components of the failed protocols (failed[p] != 0) linked by the
 * protocol-graph links between failed protocols only. Components are
 * numbered 0, 1, ... in order of their lowest protocol index. The result is
 * released with liq_failed_clusters_destroy. O(V + E).
 */
LIQ_API int liq_failed_clusters(liq_failed_clusters_t *out, const liq_protocol_graph_t *graph,
                                const uint8_t *failed);

/* Releases the arrays of a result (not the struct); accepts NULL. */
LIQ_API void liq_failed_clusters_destroy(liq_failed_clusters_t *clusters);

/* ------------------------------------------ the contagion record of a run */

/* How liq_contagion_record_build computes betweenness, the one metric here
 * that is not linear in the size of the protocol graph. */
typedef enum {
    LIQ_CENTRALITY_AUTO = 0,  /* exact when V (V + E) <= betweenness_limit, else skipped */
    LIQ_CENTRALITY_EXACT = 1, /* always exact, whatever it costs */
    LIQ_CENTRALITY_SKIP = 2   /* never: betweenness is NaN */
} liq_centrality_mode_t;

/* Exact betweenness (Brandes, one breadth-first search per protocol) costs
 * about V (V + E) steps on V protocols and E links. igraph does some
 * 5 10^7 of them a second (measured: 10^4 protocols and 4.6 10^4 links,
 * V (V + E) = 5.6 10^8, took 11.6 s on one core of the project machine),
 * so the default limit keeps it near ten seconds. */
#define LIQ_CONTAGION_BETWEENNESS_LIMIT 5e8

typedef struct {
    liq_centrality_mode_t betweenness; /* LIQ_CENTRALITY_AUTO */
    double betweenness_limit;          /* V (V + E) above which AUTO skips; > 0 */
} liq_contagion_options_t;

LIQ_API void liq_contagion_options_init(liq_contagion_options_t *options);

/*
 * The contagion reach of one run (MODEL.md s6) measured on its protocol
 * graph: where the shock entered, how far each failure is from it, when
 * each protocol first failed, the centralities of the protocols, the
 * clusters of the failed set and the graph itself. A protocol has failed
 * when summary->first_failure[p] >= 0 (the summary's definition of failure,
 * over the rounds the run completed). Every array is owned by the record
 * and released by liq_contagion_record_destroy.
 */
typedef struct {
    size_t n_protocols;
    char **name;            /* [n_protocols] protocol names, scenario order */
    uint8_t *source;        /* [n_protocols] 1 where a shock enters (liq_contagion_sources) */
    int64_t *distance;      /* [n_protocols] hops to the nearest source; -1 unreachable */
    int64_t *first_failure; /* [n_protocols] round of first failure; -1 never */
    uint8_t *failed;        /* [n_protocols] 1 when first_failure >= 0 */
    int64_t *degree;        /* [n_protocols] links of the protocol */
    double *strength;       /* [n_protocols] sum of the weights of its links */
    double *pagerank;       /* [n_protocols] liq_contagion_pagerank; adds up to 1 */
    double *betweenness;    /* [n_protocols] hop betweenness; NaN when skipped */
    int64_t *cluster;       /* [n_protocols] failed cluster id; -1 not failed */
    size_t n_clusters;
    int64_t *cluster_size; /* [n_clusters] failed protocols in each cluster */
    /* The protocol graph's links, from < to, sorted (liq_protocol_graph_edges). */
    size_t n_links;
    int64_t *link_from, *link_to; /* [n_links] protocol indices */
    double *link_weight;          /* [n_links] shared assets + pools + oracles + tokens */
    int64_t *link_shared_assets;  /* [n_links] */
    int64_t *link_shared_pools;   /* [n_links] */
    int64_t *link_shared_oracles; /* [n_links] */
    int64_t *link_shared_tokens;  /* [n_links] */
    /* Scalars. */
    int64_t rounds;             /* rounds the summary covers (summary->rounds) */
    int64_t sources;            /* protocols where a shock enters */
    int64_t failed_count;       /* protocols failed */
    int64_t largest_cluster;    /* size of the largest failed cluster; 0 if none */
    int64_t reach;              /* largest distance of a failed protocol; -1 if none */
    int betweenness_computed;   /* 1 exact, 0 skipped (NaN) */
    double betweenness_cost;    /* V (V + E) of this graph */
    double betweenness_limit;   /* the limit AUTO compared it with */
    char betweenness_note[256]; /* "exact", or why it was skipped */
} liq_contagion_record_t;

/*
 * Computes the contagion record of a run of `scenario` (validated) from its
 * summary (whose n_protocols must be the scenario's). Builds the network
 * and its protocol graph (positions do not change the projection, so none
 * are needed), then: sources and hop distances (O(V + E)), degree and
 * strength, PageRank (O(E) per PRPACK iteration), failed clusters
 * (O(V + E)), and betweenness (O(V (V + E)), see liq_centrality_mode_t).
 * `options` may be NULL (defaults). Single-threaded igraph: never call from
 * a parallel region. On error the record is left empty (destroy is still
 * safe). LIQ_EINVAL for a summary of another size or a limit <= 0,
 * LIQ_ENOMEM, or an igraph error.
 */
LIQ_API int liq_contagion_record_build(liq_contagion_record_t *out, const liq_scenario_t *scenario,
                                       const liq_summary_t *summary,
                                       const liq_contagion_options_t *options);

/* Releases the arrays of a record (not the struct) and zeroes it; accepts
 * NULL and a zeroed record. */
LIQ_API void liq_contagion_record_destroy(liq_contagion_record_t *record);

/* ------------------------------------------------- generated ecosystems */

typedef enum {
    LIQ_ECOSYSTEM_ERDOS_RENYI = 0,     /* every protocol-asset pair with probability p */
    LIQ_ECOSYSTEM_BARABASI_ALBERT = 1, /* preferential attachment: popular assets gain */
    LIQ_ECOSYSTEM_BLOCKS = 2,          /* stochastic block model: clusters */
    LIQ_ECOSYSTEM_DEGREES = 3          /* configuration model: given degrees */
} liq_ecosystem_model_t;

/*
 * A synthetic ecosystem: n_protocols lending protocols borrowing one
 * stablecoin, n_assets collateral assets, each with pools_per_asset pools
 * against the stablecoin and oracles_per_asset market oracles; the
 * stablecoin has its own oracle. So the scenario has n_assets + 1 assets,
 * n_assets x pools_per_asset pools and n_assets x oracles_per_asset + 1
 * oracles. A market sells on one of its asset's pools and reads one of its
 * oracles, drawn uniformly.
 * Which protocol accepts which collateral comes from an igraph generator
 * (docs/network.md). Defaults from liq_ecosystem_options_init.
 *
 * Market depths and pool sizes are drawn independently, so with the default
 * min_depth_ratio 0 some assets have a pool reserve x larger than twice
 * their market_depth D. With full arbitrage the flow of one round moves the
 * next round's price by x / (2 D) times its own move, so such an asset's
 * price oscillates with growing amplitude once anything disturbs it, and
 * the run fails. min_depth_ratio >= 1 raises every depth to at least that
 * many times the asset's pools' reserves together (loop gain <= 1/2),
 * without changing any other draw.
 */
typedef struct {
    const char *name;                /* scenario name; "generated" */
    uint64_t seed;                   /* seeds igraph's RNG and becomes the scenario seed; 1 */
    int64_t rounds;                  /* 100 */
    size_t n_protocols;              /* >= 1; 10 */
    size_t n_assets;                 /* collateral assets >= 1; 5 */
    int64_t n_accounts;              /* total accounts >= 0; 10000 */
    double accounts_alpha;           /* Pareto tail index of accounts per protocol > 0; 1.2 */
    liq_ecosystem_model_t model;     /* LIQ_ECOSYSTEM_ERDOS_RENYI */
    double probability;              /* ERDOS_RENYI: link probability in [0, 1]; 0.3 */
    int64_t attachments;             /* BARABASI_ALBERT: links per new vertex >= 1; 2 */
    size_t n_blocks;                 /* BLOCKS: clusters >= 1, <= n_protocols and n_assets; 2 */
    double p_within;                 /* BLOCKS: protocol-asset probability in a cluster; 0.6 */
    double p_between;                /* BLOCKS: ... across clusters; 0.05 */
    const int64_t *protocol_degrees; /* DEGREES: [n_protocols] collateral assets each, >= 1 */
    const int64_t *asset_degrees;    /* DEGREES: [n_assets] protocols each; same sum */
    size_t pools_per_asset;          /* pools TKNi-USDS, TKNi-USDS-2, ... per asset, 1..1000; 1 */
    size_t oracles_per_asset;        /* oracles TKNi/USD, TKNi/USD-2, ... per asset, 1..1000; 1 */
    double min_depth_ratio;          /* market_depth >= this x its pools' reserves; 0 */
    double holdings_probability;     /* receipt tokens: each protocol holds each other's
                                        with this probability (Erdos-Renyi, directed); 0 = none */
    double holdings_exposure;        /* a holder's receipt tokens are worth this x its
                                        insurance fund, split evenly; > 0; 1 */
    double shock_return;             /* simple return of the shock; -0.2 */
    int64_t shock_round;             /* round of the shock, in [1, rounds]; 5 */
} liq_ecosystem_options_t;

LIQ_API void liq_ecosystem_options_init(liq_ecosystem_options_t *options);

/*
 * Writes the scenario YAML of a generated ecosystem into a newly allocated
 * string *yaml (free with free()); liq_scenario_parse reads it. The same
 * options give the same text, byte for byte: igraph's random numbers come
 * from a PCG32 generator of this call, seeded with options->seed through
 * igraph_rng_seed and installed as igraph's default RNG only for the call
 * (the previous default is restored). Single-threaded. LIQ_EINVAL for
 * options out of range (naming the option) or a degree sequence no simple
 * bipartite graph has.
 */
LIQ_API int liq_network_generate(char **yaml, const liq_ecosystem_options_t *options);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_NETWORK_H */
