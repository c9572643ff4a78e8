/*
 * Counter-based random numbers: Philox4x64-10 (Salmon et al., SC'11, via
 * Random123). The key is (seed, run) and the counter (stream, entity, index,
 * 0), so a draw depends only on what it is for, never on which thread or in
 * which order it is made (MODEL.md s7).
 */
#include "liqnet/rng.h"

#include <math.h>

/* Random123's gcc feature header uses 128-bit integers for the 64-bit
 * multiply-high; that is an extension -Wpedantic reports. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#endif
#include <Random123/philox.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* 53 random bits mapped to the open interval (0, 1): (k + 0.5) / 2^53. */
static double liq_u01_open(uint64_t bits)
{
    return ((double)(bits >> 11) + 0.5) * 0x1.0p-53;
}

void liq_rng_uniform4(liq_rng_key_t key, uint64_t stream, uint64_t entity, uint64_t index,
                      double out[4])
{
    philox4x64_key_t k = {{key.seed, key.run}};
    philox4x64_ctr_t c = {{stream, entity, index, 0}};
    philox4x64_ctr_t r = philox4x64(c, k);
    for (int i = 0; i < 4; i++) {
        out[i] = liq_u01_open(r.v[i]);
    }
}

void liq_rng_normal2(liq_rng_key_t key, uint64_t stream, uint64_t entity, uint64_t index,
                     double normals[2], double uniforms[2])
{
    double u[4];
    liq_rng_uniform4(key, stream, entity, index, u);
    /* Box-Muller: u in (0, 1) keeps log(u) finite. */
    const double radius = sqrt(-2.0 * log(u[0]));
    const double angle = 6.283185307179586476925 * u[1];
    normals[0] = radius * cos(angle);
    normals[1] = radius * sin(angle);
    uniforms[0] = u[2];
    uniforms[1] = u[3];
}

int64_t liq_poisson_inverse(double mean, double u)
{
    /* Inversion by sequential search: P(N = n) = e^-m m^n / n!. The expected
     * number of steps is mean + 1, and shock intensities per round are tiny. */
    double p = exp(-mean);
    double cumulative = p;
    int64_t n = 0;
    while (u > cumulative && p > 0.0) {
        n++;
        p *= mean / (double)n;
        cumulative += p;
    }
    return n;
}
