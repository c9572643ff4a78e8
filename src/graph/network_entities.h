/*
 * A scenario's entities in its network (the scenario key `network`,
 * docs/scenario.md): which vertices are its assets, pools, oracles and
 * protocols, and which edges make each oracle's sources and each
 * protocol's markets, routes, issues and holdings. Interface of src/graph
 * for src/io, whose scenario reader reads the entities' keys from these
 * vertices' and edges' attributes (io/scenario_graph.c).
 *
 * The network was validated attribute by attribute when it was read
 * (liq_network_read_scenario); liq_network_entities checks its shape: that
 * an oracle reads one source, that edges agree with the attributes that
 * name the same thing, which oracle and which pools belong to each market,
 * that a market's route weights add up to 1, that counts of rounds fit a
 * double. It runs once per scenario; the edges are bucketed by vertex
 * once, so the cost is O(V + E + sum over protocols of (its edges)^2).
 */
#ifndef LIQNET_GRAPH_NETWORK_ENTITIES_H
#define LIQNET_GRAPH_NETWORK_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/network.h"

/* No edge. */
#define LIQ_NO_EDGE SIZE_MAX

typedef struct {
    size_t count[4];   /* assets, pools, oracles, protocols (liq_vertex_kind_t) */
    size_t *vertex[4]; /* [count[k]] the vertex of each entity of kind k, in vertex order */
    size_t *index;     /* [vertices] a vertex's position among those of its kind */
    /* Oracle o: its sources input_edge[input_first[o] .. input_first[o + 1])
     * (a plain oracle's one reads edge; a median's inputs, in edge order)
     * and its anchor, anchor_edge[o] (LIQ_NO_EDGE: none). */
    size_t *input_first, *input_edge, *anchor_edge;
    /* Protocol p: its markets market_first[p] .. market_first[p + 1], in the
     * order of their market edges; market m: its market edge, its oracle's
     * vertex and its routes edges route_edge[route_first[m] ..
     * route_first[m + 1]), in edge order. Its issues and holds edges. */
    size_t *market_first, *market_edge, *market_oracle, *route_first, *route_edge;
    size_t *issue_first, *issue_edge, *holding_first, *holding_edge;
    /* Pool i's tokens and oracle o's priced asset, as asset indices. */
    int32_t *token0, *token1, *priced;
} liq_network_entities_t;

/*
 * Finds the entities of `net` (read by liq_network_read_scenario) and
 * checks their shape. Errors (LIQ_EREF, LIQ_EINVAL) name `path`, the vertex
 * or edge and what was expected, in the style of liq_network_read:
 *   /data/eth.graphml: edge 3 (market 'Lender' -> 'WETH'): 0 routes edges
 *   to a pool trading WETH and USDC; expected one (where seized WETH is sold)
 * On error *out is released.
 */
int liq_network_entities(liq_network_entities_t *out, const liq_network_t *net, const char *path);

/* Releases the arrays of `e` (not the struct); accepts a zeroed one. */
void liq_network_entities_destroy(liq_network_entities_t *e);

#endif /* LIQNET_GRAPH_NETWORK_ENTITIES_H */
