/*
 * liqnet graph SCENARIO -o NET.graphml [--format graphml|gml] [--centrality auto|exact|skip]
 *              [--quiet]
 *
 * Writes the network of a scenario (MODEL.md s2; docs/network.md) as GraphML
 * or GML for Gephi, NetworkX or igraph, and prints its protocol graph: per
 * protocol its links, hop distance from where the scenario's shocks enter,
 * PageRank and betweenness. Positions files are read so that each protocol's
 * `accounts` attribute counts their rows too.
 *
 * Exact betweenness costs O(protocols x links) (Brandes' algorithm, one
 * breadth-first search per protocol): seconds for 10^4 protocols, hours for
 * a generated ecosystem of 10^5 protocols and 10^6 links. By default
 * (--centrality auto) it is computed only up to LIQ_BETWEENNESS_AUTO_LIMIT
 * and otherwise left out with a note saying so and how to ask for it.
 *
 * Exit status: 0 on success, 1 on bad input, 2 on bad usage.
 */
#include "cli/graph_cmd.h"

#include "cli/args.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"

/* Largest protocols x links for which --centrality auto computes exact
 * betweenness. igraph's Brandes visits about 10^8 (protocol, link) pairs a
 * second (measured: 10^4 protocols and 235800 links, 25.6 s), so the limit
 * keeps it near 10 s. */
#define LIQ_BETWEENNESS_AUTO_LIMIT 1e9

typedef enum {
    LIQ_GRAPH_BETWEENNESS_AUTO = 0,
    LIQ_GRAPH_BETWEENNESS_EXACT = 1,
    LIQ_GRAPH_BETWEENNESS_NONE = 2
} liq_graph_betweenness_t;

enum { LIQ_GR_OUTPUT, LIQ_GR_FORMAT, LIQ_GR_CENTRALITY, LIQ_GR_QUIET, LIQ_GR_COUNT };

static const liq_cli_option_t liq_graph_options[LIQ_GR_COUNT] = {
    [LIQ_GR_OUTPUT] = {"--output", "-o", "FILE", "the network file to write (required)", "@file"},
    [LIQ_GR_FORMAT] = {"--format", NULL, "graphml|gml",
                       "file format (default: from the file name's extension: .graphml or .xml "
                       "for GraphML, .gml for GML)",
                       "graphml gml"},
    [LIQ_GR_CENTRALITY] = {"--centrality", NULL, "auto|exact|skip",
                           "betweenness of the protocol graph: auto computes it exactly when "
                           "protocols x links <= 1e9 and otherwise leaves it out with a note "
                           "(default); exact always, O(protocols x links), hours at 10^5 x "
                           "10^6; skip never",
                           "auto exact skip"},
    [LIQ_GR_QUIET] = {"--quiet", NULL, NULL, "write the file, print nothing", NULL},
};

const liq_cli_command_t liq_graph_command = {
    .name = "graph",
    .usage = {"SCENARIO -o NET.graphml [--format graphml|gml] [--centrality auto|exact|skip] "
              "[--quiet]"},
    .summary = "write the scenario's network as GraphML or GML and print its protocol graph",
    .description = "Writes the network of SCENARIO (assets, pools, oracles and protocols; "
                   "docs/network.md) as GraphML or GML for Gephi, NetworkX or igraph, and prints "
                   "the protocol graph: per protocol its links, hop distance from where the "
                   "shocks enter, PageRank and betweenness.",
    .options = liq_graph_options,
    .n_options = LIQ_GR_COUNT,
    .files = true,
};

static int liq_graph_usage_error(const char *message, const char *arg)
{
    return liq_cli_usage_error("graph", "%s%s%s", message, arg != NULL ? " " : "",
                               arg != NULL ? arg : "");
}

/* The most links `liqnet graph` lists one by one. */
#define LIQ_GRAPH_PRINT_LINKS 100

/* Prints the protocol graph and its contagion metrics. */
static int liq_graph_print(const liq_protocol_graph_t *pg, const liq_scenario_t *sc,
                           liq_graph_betweenness_t betweenness)
{
    const size_t n = liq_protocol_graph_vertex_count(pg);
    liq_protocol_edges_t edges;
    liq_protocol_graph_edges(pg, &edges);
    uint8_t *source = calloc(n > 0 ? n : 1, sizeof(*source));
    int64_t *distance = calloc(n > 0 ? n : 1, sizeof(*distance));
    int64_t *degree = calloc(n > 0 ? n : 1, sizeof(*degree));
    double *rank = calloc(n > 0 ? n : 1, sizeof(*rank));
    double *between = calloc(n > 0 ? n : 1, sizeof(*between));
    int rc = LIQ_OK;
    if (source == NULL || distance == NULL || degree == NULL || rank == NULL || between == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "graph: out of memory");
    }
    if (rc == LIQ_OK) {
        liq_contagion_sources(sc, source);
        rc = liq_contagion_distance(pg, source, distance);
    }
    if (rc == LIQ_OK) {
        rc = liq_contagion_pagerank(pg, rank);
    }
    /* Doubles: the product passes 2^63 only for absurd graphs. */
    const double work = (double)n * (double)edges.n_edges;
    const bool with_betweenness =
        betweenness == LIQ_GRAPH_BETWEENNESS_EXACT ||
        (betweenness == LIQ_GRAPH_BETWEENNESS_AUTO && work <= LIQ_BETWEENNESS_AUTO_LIMIT);
    if (rc == LIQ_OK && with_betweenness) {
        rc = liq_contagion_betweenness(pg, LIQ_BETWEENNESS_HOPS, between);
    }
    if (rc == LIQ_OK) {
        for (size_t e = 0; e < edges.n_edges; e++) {
            degree[edges.from[e]]++;
            degree[edges.to[e]]++;
        }
        printf("protocol graph: %zu protocols, %zu links (weight: shared collateral assets + "
               "route pools + collateral oracles + issued tokens held or accepted)\n\n",
               n, edges.n_edges);
        printf("%-20s %6s %9s %9s %12s\n", "protocol", "links", "distance", "pagerank",
               "betweenness");
        for (size_t p = 0; p < n; p++) {
            char dist[24];
            if (distance[p] < 0) {
                snprintf(dist, sizeof(dist), "-");
            } else {
                snprintf(dist, sizeof(dist), "%" PRId64, distance[p]);
            }
            char betw[32];
            if (with_betweenness) {
                snprintf(betw, sizeof(betw), "%.2f", between[p]);
            } else {
                snprintf(betw, sizeof(betw), "-");
            }
            printf("%-20s %6" PRId64 " %9s %9.4f %12s\n", liq_protocol_graph_name(pg, p), degree[p],
                   dist, rank[p], betw);
        }
        printf("(distance: hops from the protocols where the shocks enter; - unreachable)\n");
        if (betweenness == LIQ_GRAPH_BETWEENNESS_NONE) {
            printf("(betweenness: not computed, --centrality skip)\n");
        } else if (!with_betweenness) {
            printf("(betweenness: not computed: %zu protocols x %zu links = %.3g is above the "
                   "limit %.0e of --centrality auto; --centrality exact computes it in "
                   "O(protocols x links))\n",
                   n, edges.n_edges, work, LIQ_BETWEENNESS_AUTO_LIMIT);
        }
        /* The links with what makes their weight, while the list is short
         * enough to read (a generated ecosystem can have thousands). */
        if (edges.n_edges > 0 && edges.n_edges <= LIQ_GRAPH_PRINT_LINKS) {
            printf("\n%-20s %-20s %6s %6s %6s %7s %6s\n", "link", "", "weight", "assets", "pools",
                   "oracles", "tokens");
            for (size_t e = 0; e < edges.n_edges; e++) {
                printf("%-20s %-20s %6.0f %6" PRId64 " %6" PRId64 " %7" PRId64 " %6" PRId64 "\n",
                       liq_protocol_graph_name(pg, (size_t)edges.from[e]),
                       liq_protocol_graph_name(pg, (size_t)edges.to[e]), edges.weight[e],
                       edges.shared_assets[e], edges.shared_pools[e], edges.shared_oracles[e],
                       edges.shared_tokens[e]);
            }
            printf("(tokens: assets one issues that the other holds or accepts as collateral)\n");
        } else if (edges.n_edges > 0) {
            printf("\n(%zu links, too many to list; `liqnet run` writes them to /contagion)\n",
                   edges.n_edges);
        }
    }
    free(source);
    free(distance);
    free(degree);
    free(rank);
    free(between);
    return rc;
}

int liq_cmd_graph(int argc, char **argv)
{
    const char *scenario = NULL, *output = NULL;
    liq_graph_format_t format = LIQ_GRAPH_AUTO;
    liq_graph_betweenness_t betweenness = LIQ_GRAPH_BETWEENNESS_AUTO;
    int quiet = 0;
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_graph_command, argc, argv, 2);
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        switch (k) {
        case LIQ_CLI_HELP:
            return LIQ_EXIT_OK;
        case LIQ_CLI_BAD:
            return LIQ_EXIT_USAGE;
        case LIQ_CLI_OPERAND:
            if (scenario != NULL) {
                return liq_graph_usage_error("unexpected argument", p.value);
            }
            scenario = p.value;
            break;
        case LIQ_GR_OUTPUT:
            output = p.value;
            break;
        case LIQ_GR_FORMAT:
            if (strcmp(p.value, "graphml") == 0) {
                format = LIQ_GRAPH_GRAPHML;
            } else if (strcmp(p.value, "gml") == 0) {
                format = LIQ_GRAPH_GML;
            } else {
                return liq_graph_usage_error("--format takes graphml or gml, not", p.value);
            }
            break;
        case LIQ_GR_CENTRALITY:
            if (strcmp(p.value, "auto") == 0) {
                betweenness = LIQ_GRAPH_BETWEENNESS_AUTO;
            } else if (strcmp(p.value, "exact") == 0) {
                betweenness = LIQ_GRAPH_BETWEENNESS_EXACT;
            } else if (strcmp(p.value, "skip") == 0) {
                betweenness = LIQ_GRAPH_BETWEENNESS_NONE;
            } else {
                return liq_graph_usage_error("--centrality takes auto, exact or skip, not",
                                             p.value);
            }
            break;
        case LIQ_GR_QUIET:
            quiet = 1;
            break;
        default:
            break;
        }
    }
    if (scenario == NULL) {
        return liq_graph_usage_error("graph needs a scenario file", NULL);
    }
    if (output == NULL) {
        return liq_graph_usage_error("graph needs an output file: -o NET.graphml", NULL);
    }

    liq_scenario_t *sc = NULL;
    liq_positions_t *positions = NULL;
    liq_network_t *net = NULL;
    liq_protocol_graph_t *pg = NULL;
    int rc = liq_scenario_load(&sc, scenario);
    if (rc == LIQ_OK) {
        rc = liq_positions_load(&positions, sc);
    }
    if (rc == LIQ_OK) {
        rc = liq_network_build(&net, sc, positions);
    }
    if (rc == LIQ_OK) {
        rc = liq_network_write(net, output, format);
    }
    if (rc == LIQ_OK && !quiet) {
        rc = liq_protocol_graph_build(&pg, net);
        if (rc == LIQ_OK) {
            printf(
                "network: %zu assets, %zu pools, %zu oracles, %zu protocols, %zu edges -> %s\n",
                liq_network_count(net, LIQ_VERTEX_ASSET), liq_network_count(net, LIQ_VERTEX_POOL),
                liq_network_count(net, LIQ_VERTEX_ORACLE),
                liq_network_count(net, LIQ_VERTEX_PROTOCOL), liq_network_edge_count(net), output);
            rc = liq_graph_print(pg, sc, betweenness);
        }
    }
    liq_protocol_graph_destroy(pg);
    liq_network_destroy(net);
    liq_positions_destroy(positions);
    liq_scenario_destroy(sc);
    return rc == LIQ_OK ? LIQ_EXIT_OK : liq_cli_fail(rc);
}
