/*
 * The round's scratch arena (arena.h). Workload: the margin engines ask
 * for six arrays a round, sized by the round's liquidatable accounts (up
 * to about 33 bytes each); a calm round asks for a few bytes, a cascade
 * round for tens of megabytes at 10^7 accounts.
 */
#include "engine/arena.h"

#include <stdint.h>
#include <stdlib.h>

#define LIQ_ARENA_ALIGN ((size_t)64)

static size_t liq_arena_round_up(size_t bytes)
{
    return (bytes + LIQ_ARENA_ALIGN - 1) & ~(LIQ_ARENA_ALIGN - 1);
}

static void *liq_arena_block(size_t bytes)
{
    return aligned_alloc(LIQ_ARENA_ALIGN, liq_arena_round_up(bytes > 0 ? bytes : 1));
}

void *liq_arena_alloc(liq_arena_t *arena, size_t bytes)
{
    const size_t size = liq_arena_round_up(bytes > 0 ? bytes : 1);
    arena->peak += size;
    if (arena->used + size <= arena->capacity) {
        void *p = arena->block + arena->used;
        arena->used += size;
        return p;
    }
    if (arena->n_spill == arena->spill_capacity) {
        const size_t capacity = arena->spill_capacity > 0 ? 2 * arena->spill_capacity : 8;
        void **spill = realloc(arena->spill, capacity * sizeof(*spill));
        if (spill == NULL) {
            return NULL;
        }
        arena->spill = spill;
        arena->spill_capacity = capacity;
    }
    void *p = liq_arena_block(size);
    if (p != NULL) {
        arena->spill[arena->n_spill++] = p;
    }
    return p;
}

void liq_arena_reset(liq_arena_t *arena)
{
    for (size_t k = 0; k < arena->n_spill; k++) {
        free(arena->spill[k]);
    }
    arena->n_spill = 0;
    if (arena->peak > arena->capacity) {
        /* Half again the peak, as Box2D grows its arena: a cascade's
         * candidates grow a little most rounds, and a block of exactly the
         * peak spilled every round into fresh blocks of tens of megabytes
         * (at 10^7 accounts), each faulted in page by page: 0.8 s more
         * system time over the benchmarks' 20-round cascade scaling. */
        const size_t capacity = arena->peak + arena->peak / 2;
        char *block = liq_arena_block(capacity);
        if (block != NULL) {
            free(arena->block);
            arena->block = block;
            arena->capacity = capacity;
        }
    }
    arena->used = 0;
    arena->peak = 0;
}

void liq_arena_destroy(liq_arena_t *arena)
{
    if (arena == NULL) {
        return;
    }
    liq_arena_reset(arena);
    free(arena->block);
    free(arena->spill);
    arena->block = NULL;
    arena->spill = NULL;
    arena->capacity = arena->spill_capacity = 0;
}
