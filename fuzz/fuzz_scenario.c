/*
 * libFuzzer harness: scenario YAML (liq_scenario_parse, src/io/scenario_yaml.c
 * and yaml_doc.c, with scenario_graph.c for `network:` files). Relative files
 * resolve in fuzz/data (the networks, positions and price paths the seeds
 * name). An accepted scenario is dumped (liq_scenario_dump) and the dump read
 * back: docs/scenario.md promises it reads to the same scenario, so a dump
 * that is refused or dumps differently aborts (a finding).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    liq_fuzz_quiet_hdf5();
    liq_scenario_t *sc = NULL;
    if (liq_scenario_parse(&sc, (const char *)data, size, "fuzz.yaml", LIQ_FUZZ_DATA_DIR) !=
        LIQ_OK) {
        return 0;
    }
    char *dump = NULL;
    if (liq_scenario_dump(&dump, sc) == LIQ_OK) {
        liq_scenario_t *again = NULL;
        if (liq_scenario_parse(&again, dump, strlen(dump), "dump.yaml", LIQ_FUZZ_DATA_DIR) !=
            LIQ_OK) {
            fprintf(stderr, "the dump of an accepted scenario is refused: %s\n--- dump:\n%s\n",
                    liq_errmsg(), dump);
            abort();
        }
        char *dump2 = NULL;
        if (liq_scenario_dump(&dump2, again) == LIQ_OK && strcmp(dump, dump2) != 0) {
            fprintf(stderr,
                    "the dump reads back to another scenario\n--- first:\n%s\n--- "
                    "second:\n%s\n",
                    dump, dump2);
            abort();
        }
        free(dump2);
        liq_scenario_destroy(again);
    }
    free(dump);
    liq_scenario_destroy(sc);
    return 0;
}
