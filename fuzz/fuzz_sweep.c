/*
 * libFuzzer harness: sweep files (liq_sweep_parse, src/experiment/sweep.c:
 * the design, its settings and every setting's scenario). `base:` resolves
 * in fuzz/data (demo.yaml and small.yaml, the seeds' bases).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>

#include "fuzz_common.h"
#include "liqnet/error.h"
#include "liqnet/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    liq_fuzz_quiet_hdf5();
    liq_sweep_t *sw = NULL;
    if (liq_sweep_parse(&sw, (const char *)data, size, "fuzz_sweep.yaml", LIQ_FUZZ_DATA_DIR) ==
        LIQ_OK) {
        liq_sweep_destroy(sw);
    }
    return 0;
}
