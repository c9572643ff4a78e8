/*
 * Stable LSD radix sorts of unsigned integer keys, 8 bits a pass, for the
 * liquidation-price index (src/engine/price_index.c): its re-sort of a
 * market's (key, offset) entries, 64 bits each, sorted by their key half,
 * and the sort of the account offsets a round gathers, 32 bits each.
 * Private to src/engine.
 */
#ifndef LIQ_ENGINE_RADIX_SORT_H
#define LIQ_ENGINE_RADIX_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts a[0..n) by bits [shift, shift + 32) of each value, stably, in four
 * passes, using tmp (n values, not overlapping a) as scratch; the result is
 * in a. With blocks > 1 each pass splits the array into that many
 * contiguous blocks (at most 64), one OpenMP thread each; with 1 it never
 * enters the OpenMP runtime. The result of a stable sort is unique, so it
 * does not depend on blocks. O(n). */
void liq_radix_sort64(uint64_t *a, uint64_t *tmp, size_t n, unsigned shift, int blocks);

/* The same for 32-bit values, all their 32 bits. */
void liq_radix_sort32(uint32_t *a, uint32_t *tmp, size_t n, int blocks);

#endif /* LIQ_ENGINE_RADIX_SORT_H */
