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
#include "model/scenario_keys.h"

#define LIQ_N_VERTEX_KINDS 4
#define LIQ_N_EDGE_KINDS 7

/* One attribute a vertex or edge of a kind may carry (docs/network.md): a
 * scenario key of the kind's table (src/model/scenario_keys.h), or one of
 * the graph's own (kind, name, role, accounts). network_schema.c. */
typedef struct {
    const char *name;
    int is_string;
    const liq_key_t *key;       /* NULL: the graph's own */
    const char *const *choices; /* a string of a fixed set of values; NULL: a name or a number */
    int64_t min_whole;          /* the graph's own numbers: whole and at least this */
} liq_attr_spec_t;

/* The most attributes one part of a kind has (a protocol vertex: 8). */
#define LIQ_ATTRS_MAX 24

typedef struct {
    liq_attr_spec_t attrs[LIQ_ATTRS_MAX];
    size_t n_attrs;
} liq_kind_spec_t;

/* The attributes every vertex or edge of a kind has (BASE), those a market
 * edge of role collateral has beside its role (COLLATERAL), and those only
 * some vertices or edges of a kind have (CONDITIONAL: a stableswap pool's
 * amplification, an issuer's recovery, a median input's source...); the
 * reader decides for each vertex or edge whether each of these is
 * required, optional or not allowed (network_io.c). */
typedef enum { LIQ_SPEC_BASE, LIQ_SPEC_COLLATERAL, LIQ_SPEC_CONDITIONAL } liq_spec_part_t;

void liq_graph_spec(liq_kind_spec_t *out, int is_edge, int kind, liq_spec_part_t part);

/* The table of the scenario keys a vertex or edge kind carries, or NULL
 * (trades and uses_oracle edges carry none). */
const liq_entity_t *liq_graph_entity(int is_edge, int kind);

/* What a value of the attribute must be ("a number > 0 or Inf", "a whole
 * number >= 1", "one of the names listed"), and whether a number is one. */
void liq_attr_expected(char *buf, size_t size, const liq_attr_spec_t *a);
int liq_attr_number_ok(const liq_attr_spec_t *a, double x);

/* Whether a scenario's `defaults` may fill the attribute: not a name, a
 * reference or a source, which give a network its shape. */
int liq_attr_defaultable(const liq_attr_spec_t *a);

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

/* Sets an unspecified *format (LIQ_GRAPH_AUTO) from the extension of
 * `path` (.graphml, .xml, .gml), or LIQ_EINVAL naming the file. */
int liq_resolve_format(liq_graph_format_t *format, const char *path);

#endif /* LIQNET_GRAPH_NETWORK_INTERNAL_H */
