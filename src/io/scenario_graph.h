/*
 * Scenarios whose network comes from a graph file (the keys `network`,
 * `network_format` and `defaults`, docs/scenario.md), private to src/io.
 *
 * The graph file is read with igraph (liq_network_read_scenario: defaults
 * first, then every attribute validated), its shape found and checked
 * (liq_network_entities: which vertices and edges make each entity), and its
 * attributes are written into the YAML document as the lists `assets`,
 * `pools`, `oracles` and `protocols`, as if the file had spelled them out,
 * each attribute under the key whose table row names it
 * (scenario_graph_emit.c); a protocol vertex's scenario-key
 * attributes (liq_network_is_protocol_key: `breaker.drop`, `chain`, ...)
 * become those keys of its protocol, and their nodes record the vertex and
 * attribute (liq_ydoc_set_origin) for the reader's messages. The scenario
 * reader then reads the
 * document as usual, so a graph-based scenario resolves exactly like the
 * same scenario in YAML, and overrides reach the graph's values by the same
 * paths (protocols[NAME].markets[ASSET].liquidation_bonus).
 *
 * Threads: igraph is not thread-safe, and sweeps read scenarios on several
 * threads; the graph is read inside the OpenMP critical section
 * `liq_igraph`, so liq_scenario_parse stays callable from any thread.
 */
#ifndef LIQNET_IO_SCENARIO_GRAPH_H
#define LIQNET_IO_SCENARIO_GRAPH_H

#include "io/yaml_read.h"
#include "liqnet/network.h"

/*
 * When the document's root mapping has `network`: checks that it has none
 * of assets, pools, oracles and protocols, reads `network_format` and
 * `defaults`, checks its keys against top_keys (those of a graph-based
 * scenario), reads and converts the graph file (`network` resolved against
 * base_dir, NULL: the working directory) and appends the four lists to the
 * root, and sets *from_graph. Without `network`, `network_format` and
 * `defaults` are errors and nothing changes (the reader checks the keys); an empty or non-mapping
 * root is left for the reader. Errors in the YAML keys are "FILE:LINE:COL: KEY: ..." (yaml_read.h);
 * errors in the graph file are those of liq_network_read_scenario and liq_network_entities
 * (docs/network.md), naming the graph file.
 */
int liq_scenario_graph_inject(liq_ydoc_t *d, const char *const *top_keys, const char *base_dir,
                              bool *from_graph);

/*
 * Appends the graph's assets, pools, oracles and protocols to the root
 * mapping (document index `root`), their keys the attributes of the
 * vertices and edges of `net` (read by liq_network_read_scenario from
 * `path`) and its protocols' mechanism settings (scenario_graph_emit.c);
 * every node at `mark`. Errors are those of liq_network_entities (the
 * network's shape) and of the settings' key paths, naming `path`. Runs
 * where igraph may be called (one thread at a time).
 */
int liq_scenario_graph_emit(liq_ydoc_t *d, int root, yaml_mark_t mark, const liq_network_t *net,
                            const char *path, const liq_network_default_t *defaults,
                            size_t n_defaults);

#endif /* LIQNET_IO_SCENARIO_GRAPH_H */
