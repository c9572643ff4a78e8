/*
 * The network object and the attribute schema shared by its builder
 * (network.c), its reader and writers (network_io.c) and the protocol
 * projection (protocol_graph.c).
 */
#ifndef LIQNET_GRAPH_NETWORK_INTERNAL_H
#define LIQNET_GRAPH_NETWORK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <igraph.h>

#include "liqnet/network.h"

#define LIQ_N_VERTEX_KINDS 4
#define LIQ_N_EDGE_KINDS 7

/* The range a value of an attribute must lie in (docs/scenario.md). */
typedef enum {
    LIQ_CHECK_NAME,               /* non-empty string */
    LIQ_CHECK_CHOICE,             /* one of the spec's choices */
    LIQ_CHECK_POSITIVE,           /* finite > 0 */
    LIQ_CHECK_POSITIVE_OR_INF,    /* > 0 or inf */
    LIQ_CHECK_UNIT,               /* [0, 1] */
    LIQ_CHECK_UNIT_HALF_OPEN,     /* [0, 1) */
    LIQ_CHECK_UNIT_POSITIVE,      /* (0, 1] */
    LIQ_CHECK_NONNEGATIVE,        /* finite >= 0 */
    LIQ_CHECK_NONNEGATIVE_OR_INF, /* >= 0 or inf */
    LIQ_CHECK_FINITE,             /* finite */
    LIQ_CHECK_ROUNDS_POSITIVE,    /* integer >= 1 */
    LIQ_CHECK_ROUNDS_NONNEGATIVE, /* integer >= 0 */
    LIQ_CHECK_LIMIT               /* integer >= 1 or inf (unlimited) */
} liq_check_t;

typedef struct {
    const char *name;
    int is_string;
    liq_check_t check;
    const char *const *choices; /* LIQ_CHECK_CHOICE: NULL-terminated */
} liq_attr_spec_t;

typedef struct {
    const liq_attr_spec_t *attrs;
    size_t n_attrs;
} liq_kind_spec_t;

extern const liq_kind_spec_t liq_vertex_specs[LIQ_N_VERTEX_KINDS];
/* Edge attributes required of every edge of the kind; a market edge of role
 * collateral also needs liq_market_collateral_spec. */
extern const liq_kind_spec_t liq_edge_specs[LIQ_N_EDGE_KINDS];
extern const liq_kind_spec_t liq_market_collateral_spec;
/* Attributes only some vertices or edges of a kind have (a stableswap
 * pool's amplification, an issuer's recovery, a median input's source...):
 * the reader decides for each vertex or edge whether one is required,
 * optional or not allowed (network_io.c). Market: collateral edges only. */
extern const liq_kind_spec_t liq_vertex_conditional[LIQ_N_VERTEX_KINDS];
extern const liq_kind_spec_t liq_edge_conditional[LIQ_N_EDGE_KINDS];

/* The vertex kinds an edge kind joins: bit k set when kind k is allowed. */
extern const unsigned liq_edge_from_kinds[LIQ_N_EDGE_KINDS];
extern const unsigned liq_edge_to_kinds[LIQ_N_EDGE_KINDS];

struct liq_network {
    igraph_t graph; /* directed, C attributes (igraph_cattribute_table) */
    int has_graph;
    size_t n_vertices, n_edges;
    uint8_t *vertex_kind; /* [n_vertices] liq_vertex_kind_t */
    uint8_t *edge_kind;   /* [n_edges] liq_edge_kind_t */
    size_t count[LIQ_N_VERTEX_KINDS];
    /* The attributes the graph has, in igraph's order, with their types
     * (igraph_attribute_type_t): the writers and accessors use them. */
    size_t n_vertex_attrs, n_edge_attrs;
    char **vertex_attr_name;
    int *vertex_attr_type;
    char **edge_attr_name;
    int *edge_attr_type;
};

/* A network with no graph yet; NULL when out of memory. */
liq_network_t *liq_network_alloc(void);

/* Fills n_vertices, n_edges, count and the attribute lists from the graph
 * and vertex_kind/edge_kind (already set). Inside an igraph scope. */
int liq_network_index(liq_network_t *net);

/* The igraph_attribute_type_t of a named attribute, or -1 when absent. */
int liq_network_vertex_attr_type(const liq_network_t *net, const char *name);
int liq_network_edge_attr_type(const liq_network_t *net, const char *name);

/* "vertex 4 (pool 'WETH-USDC')" or "edge 7 (market 'AaveLike' -> 'WETH')":
 * how messages name a vertex (is_edge 0) or an edge (1). */
void liq_describe(char *buf, size_t size, const liq_network_t *net, int is_edge, size_t i);

/* The shortest decimal form of x that reads back to x; "Inf", "-Inf". */
void liq_format_number(char *buf, size_t size, double x);

#endif /* LIQNET_GRAPH_NETWORK_INTERNAL_H */
