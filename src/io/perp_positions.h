/*
 * Perp positions files (src/io/perp_positions.c): the open positions of a
 * perp protocol, one isolated account per row, read with the scenario.
 */
#ifndef LIQ_IO_PERP_POSITIONS_H
#define LIQ_IO_PERP_POSITIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/scenario.h"

/* Rows kept (open positions), owned by the caller once read. */
typedef struct {
    size_t count;
    int32_t *market;  /* index into the protocol's perp_markets */
    double *size;     /* signed units (> 0 long) */
    double *entry;    /* USD per unit; NaN: the market's initial mark */
    double *leverage; /* notional / margin at entry, > 0 */
} liq_perp_rows_t;

/* Reads `path` (resolved) for `protocol`: rows with position_size 0 are
 * closed positions and skipped; an empty leverage_ratio takes `leverage`
 * (NaN: an error). Errors name PATH:LINE, the column, the value and what
 * was expected. */
int liq_perp_positions_read(liq_perp_rows_t *out, const char *path, const liq_scenario_t *sc,
                            const liq_protocol_config_t *protocol, double leverage);

#endif /* LIQ_IO_PERP_POSITIONS_H */
