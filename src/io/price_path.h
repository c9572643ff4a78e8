/*
 * Price paths in CSV (a shock of `type: path`, docs/scenario.md), read
 * with libcsv: a header `round,<asset>,...` and one row of prices per
 * round 0, 1, 2, ... Private to src/io: the scenario reader turns each
 * column into a shock.
 */
#ifndef LIQNET_IO_PRICE_PATH_H
#define LIQNET_IO_PRICE_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/scenario.h"

/* The prices of a path file: n_rows rounds (0 .. n_rows - 1) of n_assets
 * columns. */
typedef struct {
    size_t n_assets;
    int32_t *asset; /* [n_assets] the asset index of each column */
    size_t n_rows;  /* >= 1; rows after round sc->rounds are not kept */
    double *price;  /* [n_rows * n_assets], row-major, finite > 0 */
} liq_price_path_t;

/*
 * Parses the text of the path file `path` (its resolved name, for
 * messages) against the assets of `sc`. Errors are "PATH:LINE:FIELD: KEY:
 * what; expected ..." (KEY: the column's asset, `round`, `header`, `row` or
 * `csv`); out of memory names `scenario_file`. On error *out is empty.
 */
int liq_price_path_parse(liq_price_path_t *out, const char *text, size_t len, const char *path,
                         const liq_scenario_t *sc, const char *scenario_file);

/* Releases the arrays of a path (not the struct); accepts an empty one. */
void liq_price_path_release(liq_price_path_t *path);

#endif /* LIQNET_IO_PRICE_PATH_H */
