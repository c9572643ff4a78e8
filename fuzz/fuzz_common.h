/*
 * Shared by the libFuzzer harnesses (fuzz/fuzz_*.c): the readers under test
 * take file names, so each input is written to a scratch file of this
 * process first.
 */
#ifndef LIQ_FUZZ_COMMON_H
#define LIQ_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hdf5.h>

#ifndef LIQ_FUZZ_DATA_DIR
#error "LIQ_FUZZ_DATA_DIR must name fuzz/data"
#endif

/* A scratch path of this process (fuzzers may run in parallel) ending in
 * `suffix`, in $TMPDIR or /tmp. */
static inline void liq_fuzz_path(char *buf, size_t size, const char *suffix)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/liq_fuzz_%ld%s", dir != NULL && *dir != '\0' ? dir : "/tmp",
             (long)getpid(), suffix);
}

/* Writes the input to `path`; aborts when it cannot (not a finding). */
static inline void liq_fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* HDF5 prints its error stacks only where liqnet does not silence it; the
 * harnesses keep stderr for findings. */
static inline void liq_fuzz_quiet_hdf5(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

#endif /* LIQ_FUZZ_COMMON_H */
