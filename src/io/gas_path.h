/*
 * The gas price series of a chain whose gas_price model is `given`
 * (docs/scenario.md, "chains"): a CSV file with a header row, or a JSON
 * table (pandas' to_json(orient="table"): {"schema": ..., "data": [{...},
 * ...]}), with a time column and a price column.
 *
 * Times are ISO 8601 date-times (2020-03-12T00:01:00.000Z, an offset or Z;
 * a date-time without one is UTC) or plain numbers of seconds. They must
 * increase strictly from row to row. The time of round 0 is chain->start
 * (same two forms) or, when NULL, the first price's time; the series must
 * begin at or before it. Prices are finite and >= 0, in wei or gwei per
 * gas (chain->gas_unit), stored as whole wei per gas (rounded to nearest).
 * A row whose price is missing (JSON null, an empty CSV field: how pandas
 * writes NaN, e.g. a minute in which no transaction was seen) has its time
 * checked but adds no point, so the previous price holds through it; a
 * price spelled NaN is an error.
 */
#ifndef LIQNET_IO_GAS_PATH_H
#define LIQNET_IO_GAS_PATH_H

#include "liqnet/scenario.h"

/*
 * Reads chain->gas_file into chain->gas_series (seconds after round 0's
 * time, wei per gas), replacing what it held. `where` ("s.yaml:12:5:
 * chains[0].gas_price") begins the messages about the settings (a file it
 * cannot read, a column the file does not have, a start time that does not
 * parse or falls before the first price); problems inside the file name the
 * file, its line and its column ("gas.csv:14:2: price: value -5 is
 * negative; expected a finite price >= 0"). Returns LIQ_OK, LIQ_EIO
 * (unreadable), LIQ_EPARSE, LIQ_EINVAL, LIQ_EKEY (a missing column) or
 * LIQ_ENOMEM with liq_errmsg() set; on failure the series is empty. The
 * format is told by the first byte that is not blank: '{' is JSON, anything
 * else CSV. O(file size) time; the series' arrays are the chain's
 * (liq_gas_series_clear frees them).
 */
int liq_gas_path_read(liq_chain_config_t *chain, const char *where);

/*
 * The same reader for a series of prices (a `path` shock with a
 * `price_column`, docs/scenario.md): `file` (CSV with a header, a JSON table
 * as above, or a JSON list of records [{"column": value, ...}, ...]) gives
 * *n points at *seconds (after round 0's time `start`, NULL: the first
 * row's) of *values, finite prices > 0 as written; times and missing
 * values as for gas. Messages as liq_gas_path_read's, `where` naming the
 * settings. The arrays are the caller's (free). O(file size).
 */
int liq_time_series_read(const char *file, const char *time_column, const char *price_column,
                         const char *start, const char *where, size_t *n, double **seconds,
                         double **values);

/* Frees a series' arrays and leaves it empty (n 0, NULL arrays). NULL is
 * accepted and does nothing. */
void liq_gas_series_clear(liq_gas_series_t *s);

#endif /* LIQNET_IO_GAS_PATH_H */
