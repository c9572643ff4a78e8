/*
 * Stable LSD radix sorts (radix_sort.h). The index sorts two kinds of
 * values, its (key, offset) entries (64 bits) and the offsets a round
 * gathers (32 bits), with one implementation (radix_sort_template.h)
 * instantiated for each type: each instance's loops run on their own
 * integer type, exactly as the two hand-written copies it replaced did,
 * where one implementation over a run-time element width would add a
 * branch or an indirect load to every element of a re-sort's hottest loop.
 */
#include "engine/radix_sort.h"

#include <omp.h>

/* Most blocks (threads) of a parallel pass. */
#define LIQ_RADIX_MAX_BLOCKS 64

#define LIQ_RADIX_UINT uint64_t
#define LIQ_RADIX_NAME(base) base##64
#include "engine/radix_sort_template.h"
#undef LIQ_RADIX_UINT
#undef LIQ_RADIX_NAME

#define LIQ_RADIX_UINT uint32_t
#define LIQ_RADIX_NAME(base) base##32
#include "engine/radix_sort_template.h"
#undef LIQ_RADIX_UINT
#undef LIQ_RADIX_NAME

static int liq_radix_blocks(int blocks)
{
    return blocks < 1 ? 1 : blocks > LIQ_RADIX_MAX_BLOCKS ? LIQ_RADIX_MAX_BLOCKS : blocks;
}

void liq_radix_sort64(uint64_t *a, uint64_t *tmp, size_t n, unsigned shift, int blocks)
{
    liq_radix_passes64(a, tmp, n, shift, liq_radix_blocks(blocks));
}

void liq_radix_sort32(uint32_t *a, uint32_t *tmp, size_t n, int blocks)
{
    liq_radix_passes32(a, tmp, n, 0, liq_radix_blocks(blocks));
}
