/*
 * The round's scratch arena (after Box2D v3's arena allocator,
 * src/arena_allocator.c): memory a phase needs only until the round ends,
 * taken by bumping a pointer in one block. The round empties the arena when
 * it ends (liq_arena_reset); what did not fit in the block that round was
 * allocated apart and is freed then, and the block grows to half again the
 * round's peak, so that from the next round on the same work, or a little
 * more, fits in it. Nothing is
 * allocated in a round that needs no more than the largest round before.
 * Private to src/engine; used from one thread, outside parallel regions.
 */
#ifndef LIQ_ENGINE_ARENA_H
#define LIQ_ENGINE_ARENA_H

#include <stddef.h>

typedef struct {
    char *block; /* capacity bytes, 64-byte aligned */
    size_t capacity;
    size_t used;  /* bytes handed out from the block this round */
    size_t peak;  /* bytes asked for this round, block or not */
    void **spill; /* allocations that did not fit this round */
    size_t n_spill, spill_capacity;
} liq_arena_t;

/* `bytes` of scratch, 64-byte aligned (a cache line: the parallel loops
 * that write it never share a line across blocks of 64 bytes), valid until
 * the next liq_arena_reset; NULL when out of memory. */
void *liq_arena_alloc(liq_arena_t *arena, size_t bytes);

/* Empties the arena at the end of a round: frees what spilled and grows the
 * block to 1.5 times the round's peak when the peak did not fit (keeping the
 * old block if that fails). */
void liq_arena_reset(liq_arena_t *arena);

/* Frees everything; accepts NULL. */
void liq_arena_destroy(liq_arena_t *arena);

#endif /* LIQ_ENGINE_ARENA_H */
