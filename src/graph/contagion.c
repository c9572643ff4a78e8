/*
 * The contagion record of a run (MODEL.md s6, "contagion reach"): the
 * contagion metrics of protocol_graph.c gathered for one run, next to the
 * run's failures, so that the HDF5 writer can store them and a notebook can
 * draw them.
 *
 * Workload: once per run, after the last round, on the protocol graph of the
 * scenario (10 to 10^5 protocols or more). Everything is linear in the size
 * of the graph except exact betweenness, O(V (V + E)), which is computed
 * only below a documented limit unless the caller insists; above it the
 * values are NaN and the record says why.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/network.h"

void liq_contagion_options_init(liq_contagion_options_t *options)
{
    options->betweenness = LIQ_CENTRALITY_AUTO;
    options->betweenness_limit = LIQ_CONTAGION_BETWEENNESS_LIMIT;
}

void liq_contagion_record_destroy(liq_contagion_record_t *r)
{
    if (r == NULL) {
        return;
    }
    if (r->name != NULL) {
        for (size_t p = 0; p < r->n_protocols; p++) {
            free(r->name[p]);
        }
    }
    free(r->name);
    free(r->source);
    free(r->distance);
    free(r->first_failure);
    free(r->failed);
    free(r->degree);
    free(r->strength);
    free(r->pagerank);
    free(r->betweenness);
    free(r->cluster);
    free(r->cluster_size);
    free(r->link_from);
    free(r->link_to);
    free(r->link_weight);
    free(r->link_shared_assets);
    free(r->link_shared_pools);
    free(r->link_shared_oracles);
    free(r->link_shared_tokens);
    memset(r, 0, sizeof(*r));
}

/* Allocates the per-protocol and per-link arrays (at least one element
 * each, so that a graph with no links or no protocols is no special case). */
static int liq_record_alloc(liq_contagion_record_t *r, size_t n, size_t n_links)
{
    const size_t np = n > 0 ? n : 1, nl = n_links > 0 ? n_links : 1;
    r->n_protocols = n;
    r->n_links = n_links;
    r->name = calloc(np, sizeof(*r->name));
    r->source = calloc(np, sizeof(*r->source));
    r->distance = calloc(np, sizeof(*r->distance));
    r->first_failure = calloc(np, sizeof(*r->first_failure));
    r->failed = calloc(np, sizeof(*r->failed));
    r->degree = calloc(np, sizeof(*r->degree));
    r->strength = calloc(np, sizeof(*r->strength));
    r->pagerank = calloc(np, sizeof(*r->pagerank));
    r->betweenness = calloc(np, sizeof(*r->betweenness));
    r->link_from = calloc(nl, sizeof(*r->link_from));
    r->link_to = calloc(nl, sizeof(*r->link_to));
    r->link_weight = calloc(nl, sizeof(*r->link_weight));
    r->link_shared_assets = calloc(nl, sizeof(*r->link_shared_assets));
    r->link_shared_pools = calloc(nl, sizeof(*r->link_shared_pools));
    r->link_shared_oracles = calloc(nl, sizeof(*r->link_shared_oracles));
    r->link_shared_tokens = calloc(nl, sizeof(*r->link_shared_tokens));
    if (r->name == NULL || r->source == NULL || r->distance == NULL || r->first_failure == NULL ||
        r->failed == NULL || r->degree == NULL || r->strength == NULL || r->pagerank == NULL ||
        r->betweenness == NULL || r->link_from == NULL || r->link_to == NULL ||
        r->link_weight == NULL || r->link_shared_assets == NULL || r->link_shared_pools == NULL ||
        r->link_shared_oracles == NULL || r->link_shared_tokens == NULL) {
        return liq_error_set(
            LIQ_ENOMEM, "contagion record: out of memory (%zu protocols, %zu links)", n, n_links);
    }
    return LIQ_OK;
}

/* Copies the protocol graph's names and links into the record, with each
 * protocol's degree and strength (links summed in edge order). */
static int liq_record_copy_graph(liq_contagion_record_t *r, const liq_protocol_graph_t *pg)
{
    for (size_t p = 0; p < r->n_protocols; p++) {
        const char *name = liq_protocol_graph_name(pg, p);
        r->name[p] = malloc(strlen(name) + 1);
        if (r->name[p] == NULL) {
            return liq_error_set(LIQ_ENOMEM, "contagion record: out of memory");
        }
        strcpy(r->name[p], name);
    }
    liq_protocol_edges_t edges;
    liq_protocol_graph_edges(pg, &edges);
    for (size_t e = 0; e < edges.n_edges; e++) {
        r->link_from[e] = edges.from[e];
        r->link_to[e] = edges.to[e];
        r->link_weight[e] = edges.weight[e];
        r->link_shared_assets[e] = edges.shared_assets[e];
        r->link_shared_pools[e] = edges.shared_pools[e];
        r->link_shared_oracles[e] = edges.shared_oracles[e];
        r->link_shared_tokens[e] = edges.shared_tokens[e];
        r->degree[edges.from[e]]++;
        r->degree[edges.to[e]]++;
        r->strength[edges.from[e]] += edges.weight[e];
        r->strength[edges.to[e]] += edges.weight[e];
    }
    return LIQ_OK;
}

/* Decides whether betweenness is computed, and records why. */
static int liq_record_betweenness(liq_contagion_record_t *r, const liq_protocol_graph_t *pg,
                                  const liq_contagion_options_t *options)
{
    const double v = (double)r->n_protocols, e = (double)r->n_links;
    r->betweenness_cost = v * (v + e);
    r->betweenness_limit = options->betweenness_limit;
    int compute = 0;
    switch (options->betweenness) {
    case LIQ_CENTRALITY_EXACT:
        compute = 1;
        snprintf(r->betweenness_note, sizeof(r->betweenness_note), "exact (forced)");
        break;
    case LIQ_CENTRALITY_SKIP:
        snprintf(r->betweenness_note, sizeof(r->betweenness_note),
                 "skipped on request (--centrality skip)");
        break;
    default:
        compute = r->betweenness_cost <= options->betweenness_limit;
        if (compute) {
            snprintf(r->betweenness_note, sizeof(r->betweenness_note), "exact");
        } else {
            snprintf(r->betweenness_note, sizeof(r->betweenness_note),
                     "skipped: V (V + E) = %.4g for %zu protocols and %zu links exceeds the "
                     "limit %.4g (--centrality exact computes it anyway)",
                     r->betweenness_cost, r->n_protocols, r->n_links, options->betweenness_limit);
        }
        break;
    }
    r->betweenness_computed = compute;
    if (compute) {
        return liq_contagion_betweenness(pg, LIQ_BETWEENNESS_HOPS, r->betweenness);
    }
    for (size_t p = 0; p < r->n_protocols; p++) {
        r->betweenness[p] = NAN;
    }
    return LIQ_OK;
}

/* Failed set, failed clusters and the scalars that summarise them. */
static int liq_record_failures(liq_contagion_record_t *r, const liq_protocol_graph_t *pg,
                               const liq_summary_t *summary)
{
    r->rounds = summary->rounds;
    r->sources = 0;
    r->failed_count = 0;
    r->reach = -1;
    for (size_t p = 0; p < r->n_protocols; p++) {
        r->first_failure[p] = summary->first_failure[p];
        r->failed[p] = summary->first_failure[p] >= 0;
        r->sources += r->source[p];
        if (r->failed[p]) {
            r->failed_count++;
            if (r->distance[p] > r->reach) {
                r->reach = r->distance[p];
            }
        }
    }
    liq_failed_clusters_t clusters;
    const int rc = liq_failed_clusters(&clusters, pg, r->failed);
    if (rc != LIQ_OK) {
        return rc;
    }
    /* The record takes the cluster arrays over. */
    r->cluster = clusters.component;
    r->cluster_size = clusters.size;
    r->n_clusters = clusters.n_components;
    r->largest_cluster = 0;
    for (size_t c = 0; c < r->n_clusters; c++) {
        if (r->cluster_size[c] > r->largest_cluster) {
            r->largest_cluster = r->cluster_size[c];
        }
    }
    return LIQ_OK;
}

int liq_contagion_record_build(liq_contagion_record_t *out, const liq_scenario_t *scenario,
                               const liq_summary_t *summary, const liq_contagion_options_t *options)
{
    memset(out, 0, sizeof(*out));
    liq_contagion_options_t defaults;
    liq_contagion_options_init(&defaults);
    if (options == NULL) {
        options = &defaults;
    }
    if (!(options->betweenness_limit > 0)) {
        return liq_error_set(LIQ_EINVAL,
                             "contagion record: betweenness_limit %g; expected a number > 0",
                             options->betweenness_limit);
    }
    if (summary->n_protocols != scenario->n_protocols) {
        return liq_error_set(LIQ_EINVAL,
                             "contagion record: the summary has %zu protocols; the scenario "
                             "has %zu",
                             summary->n_protocols, scenario->n_protocols);
    }
    liq_network_t *net = NULL;
    liq_protocol_graph_t *pg = NULL;
    int rc = liq_network_build(&net, scenario, NULL);
    if (rc == LIQ_OK) {
        rc = liq_protocol_graph_build(&pg, net);
    }
    /* The network is only the way to the projection. */
    liq_network_destroy(net);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_protocol_edges_t edges;
    liq_protocol_graph_edges(pg, &edges);
    rc = liq_record_alloc(out, edges.n_protocols, edges.n_edges);
    if (rc == LIQ_OK) {
        rc = liq_record_copy_graph(out, pg);
    }
    if (rc == LIQ_OK) {
        liq_contagion_sources(scenario, out->source);
        rc = liq_contagion_distance(pg, out->source, out->distance);
    }
    if (rc == LIQ_OK) {
        rc = liq_contagion_pagerank(pg, out->pagerank);
    }
    if (rc == LIQ_OK) {
        rc = liq_record_betweenness(out, pg, options);
    }
    if (rc == LIQ_OK) {
        rc = liq_record_failures(out, pg, summary);
    }
    liq_protocol_graph_destroy(pg);
    if (rc != LIQ_OK) {
        liq_contagion_record_destroy(out);
    }
    return rc;
}
