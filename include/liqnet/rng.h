/*
 * Counter-based random numbers (Philox4x64-10 from Random123).
 *
 * A draw is a pure function of (seed, run, stream, entity, index): no state,
 * no thread identity, so any thread may draw any number in any order and the
 * results never depend on the thread count (MODEL.md s7). Streams separate
 * independent uses (one per shock process, one per account generator).
 */
#ifndef LIQNET_RNG_H
#define LIQNET_RNG_H

#include <stdint.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t seed;
    uint64_t run;
} liq_rng_key_t;

/* Four independent uniforms in (0, 1) (never 0 or 1), 53-bit resolution,
 * for counter (stream, entity, index). */
LIQ_API void liq_rng_uniform4(liq_rng_key_t key, uint64_t stream, uint64_t entity, uint64_t index,
                              double out[4]);

/* Two independent standard normals (Box-Muller on the first two uniforms of
 * the same counter) and the remaining two uniforms. */
LIQ_API void liq_rng_normal2(liq_rng_key_t key, uint64_t stream, uint64_t entity, uint64_t index,
                             double normals[2], double uniforms[2]);

/* Poisson variate with mean `mean` >= 0 by inversion of one uniform u in
 * (0, 1). Exact for means up to ~700 (beyond, exp(-mean) underflows). */
LIQ_API int64_t liq_poisson_inverse(double mean, double u);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_RNG_H */
