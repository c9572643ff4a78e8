/*
 * libFuzzer harness: network files (liq_network_read, src/graph/network_io.c
 * on igraph's GraphML and GML readers), then the protocol graph of an
 * accepted network (liq_protocol_graph_build). An input whose first
 * non-blank byte is '<' is read as GraphML, any other as GML.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "liqnet/error.h"
#include "liqnet/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    liq_fuzz_quiet_hdf5();
    size_t k = 0;
    while (k < size && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r')) {
        k++;
    }
    const int graphml = k < size && data[k] == '<';
    char path[256];
    liq_fuzz_path(path, sizeof(path), graphml ? ".graphml" : ".gml");
    liq_fuzz_write(path, data, size);
    liq_network_t *net = NULL;
    if (liq_network_read(&net, path, graphml ? LIQ_GRAPH_GRAPHML : LIQ_GRAPH_GML) == LIQ_OK) {
        liq_protocol_graph_t *graph = NULL;
        if (liq_protocol_graph_build(&graph, net) == LIQ_OK) {
            liq_protocol_graph_destroy(graph);
        }
        liq_network_destroy(net);
    }
    remove(path);
    return 0;
}
