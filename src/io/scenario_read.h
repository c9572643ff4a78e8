/*
 * The table-driven scenario reader (scenario_read.c), private to src/io:
 * the reader's state, the generic reading of a mapping by its entity's
 * table (src/model/scenario_keys.h), and the readers of the keys the
 * tables leave to code (LIQ_KEY_CUSTOM, scenario_read_custom.c).
 *
 * A mapping is read in four steps: its keys are checked against the
 * table (every key, or those of its variant once the keys that select it
 * are read), the selecting keys are read, then the other keys in table
 * order, then those marked late; every value is checked where it is read
 * and every rule of the table runs right after the key or item it is
 * about, so messages name file, line, column, key path, the value as
 * written and what was expected (yaml_read.h).
 *
 * The scenario under construction is always destroyable: every array is
 * allocated zeroed and its count set before it is filled, so an error at
 * any point releases it with liq_scenario_destroy and leaks nothing.
 */
#ifndef LIQNET_IO_SCENARIO_READ_H
#define LIQNET_IO_SCENARIO_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/yaml_read.h"
#include "liqnet/scenario.h"
#include "model/scenario_keys.h"

/* A hash index of the names of one kind of entity (the assets, pools,
 * oracles or protocols being read): open addressing with linear probing
 * over entity indices, -1 for an empty slot, at most half full. Generated
 * ecosystems have 10^5 protocols and 10^6 references to them and to their
 * assets, pools and oracles; resolving each by a linear scan made reading
 * quadratic (a 10^4-protocol scenario: 1.19 s, 62% in strcmp). */
typedef struct {
    size_t count;    /* names inserted */
    size_t capacity; /* slots, a power of two */
    int32_t *slot;   /* [capacity] entity index or -1 */
} liq_name_index_t;

typedef struct {
    liq_ydoc_t doc;
    liq_scenario_t *sc;
    const char *base_dir; /* NULL: the working directory */
    bool from_graph;      /* the entity lists were written from a graph file */
    size_t shock_capacity;
    liq_name_index_t names[7]; /* by liq_ref_kind_t (markets unused) */
} liq_reader_t;

/* "FILE: out of memory while reading the scenario" (LIQ_ENOMEM). */
int liq_read_nomem(liq_reader_t *r);

/* A zeroed array of n items, or NULL for n == 0. */
int liq_read_alloc(liq_reader_t *r, void **out, size_t n, size_t size);

/* Reads mapping `map` into `obj` by `entity`'s table. `ctx` is the
 * context of the entity's own rules (its parent, its index in a list). */
int liq_read_entity(liq_reader_t *r, const yaml_node_t *map, const liq_entity_t *entity,
                    const liq_key_ctx_t *ctx, void *obj);

/* Reads one row of `entity` from `map` into `obj` (as liq_read_entity does
 * for each: need, value, default, rule). */
int liq_read_row(liq_reader_t *r, const yaml_node_t *map, const liq_entity_t *entity,
                 const liq_key_t *key, const liq_key_ctx_t *ctx, void *obj);

/* Reports a rule's problem at its key of `map` (the mapping itself when
 * the key is NULL or absent) and returns its code. */
int liq_read_problem(liq_reader_t *r, const yaml_node_t *map, const liq_key_problem_t *problem);

/* "cannot read 'PATH': STRERROR" at the `file` key of `map` (LIQ_EIO). */
int liq_read_file_error(liq_reader_t *r, const yaml_node_t *map, const char *path, int err);

/* A new zeroed shock at the end of the scenario's list. */
int liq_read_push_shock(liq_reader_t *r, liq_shock_t **out);

/* The readers of custom keys: `obj` holds the row; called whether the key
 * is given or not, whenever it applies. */
int liq_read_route(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                   const liq_key_ctx_t *ctx, void *obj);
int liq_read_weights(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                     const liq_key_ctx_t *ctx, void *obj);
int liq_read_steps(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                   const liq_key_ctx_t *ctx, void *obj);
int liq_read_perp_positions(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                            const liq_key_ctx_t *ctx, void *obj);
int liq_read_accounts(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                      const liq_key_ctx_t *ctx, void *obj);
int liq_read_shocks(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                    const liq_key_ctx_t *ctx, void *obj);
int liq_read_sell(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                  const liq_key_ctx_t *ctx, void *obj);

/* Joins a scenario-relative path onto the scenario's directory and makes
 * it absolute; NULL when out of memory. */
char *liq_scenario_resolve_path(const char *base_dir, const char *path);

#endif /* LIQNET_IO_SCENARIO_READ_H */
