/*
 * liqnet file input and output: positions files and the HDF5 trajectory file.
 * See docs/scenario.md (positions) and docs/hdf5-schema.md (output).
 * HDF5 is used from one thread only, outside parallel regions.
 */
#ifndef LIQNET_IO_H
#define LIQNET_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "liqnet/export.h"
#include "liqnet/metrics.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Reads every positions source of the scenario into one table, in source
 * order then row order. Rows name a protocol and a collateral asset that must
 * exist (a market of that protocol); amounts must be finite and >= 0. An
 * optional `account` column (ids >= 0; empty in CSV or -1 in HDF5 for an
 * isolated row) groups rows into cross-margin accounts, each asset at most
 * once per account; table->account is NULL when no file has the column.
 * Errors name the file, the row (CSV line) and the column. *out is NULL when
 * the scenario has no positions source.
 */
LIQ_API int liq_positions_load(liq_positions_t **out, const liq_scenario_t *scenario);

typedef struct liq_h5_writer liq_h5_writer_t;

typedef struct {
    bool force;                /* replace an existing file (else LIQ_EEXIST) */
    int64_t flush_every;       /* rounds between flushes; >= 1 */
    const char *scenario_yaml; /* resolved scenario, stored as attribute */
    uint64_t seed;
} liq_h5_options_t;

/*
 * Creates the output file with its coordinates (entity names from the
 * scenario) and root attributes, and writes round 0 from `initial` (the view
 * of a simulation just created). The file is marked status = "incomplete"
 * until liq_h5_writer_finish. Fails with LIQ_EEXIST if the file exists and
 * options->force is false.
 */
LIQ_API int liq_h5_writer_create(liq_h5_writer_t **out, const char *path,
                                 const liq_scenario_t *scenario, const liq_state_view_t *initial,
                                 const liq_h5_options_t *options);

/* Appends one completed round (buffered; written at least every flush_every
 * rounds, and flushed to disk then). */
LIQ_API int liq_h5_writer_append(liq_h5_writer_t *writer, const liq_state_view_t *view);

/* Writes buffered rounds and flushes the file; the status stays as it is. */
LIQ_API int liq_h5_writer_flush(liq_h5_writer_t *writer);

/* Writes buffered rounds, the summary, and sets status to `status`:
 * "complete" (every round ran), "interrupted" (stopped on request) or
 * "failed" (stopped by an error, see liq_h5_writer_note_error); then closes
 * the file and frees the writer, even when it fails. */
LIQ_API int liq_h5_writer_finish(liq_h5_writer_t *writer, const liq_summary_t *summary,
                                 const char *status);

/* Writes a run's contagion record (liq_contagion_record_build) as the group
 * /contagion (docs/hdf5-schema.md). Call it at most once, before
 * liq_h5_writer_finish: the status that finish writes last then covers it.
 * LIQ_EINVAL when the record's protocols are
 * not the file's, LIQ_EEXIST when the group was already written. */
LIQ_API int liq_h5_writer_contagion(liq_h5_writer_t *writer, const liq_contagion_record_t *record);

/* Stores why a run stopped early as the root attribute `error`. */
LIQ_API int liq_h5_writer_note_error(liq_h5_writer_t *writer, const char *message);

/* Closes without finishing (the file keeps status "incomplete" and every
 * round flushed so far); accepts NULL. */
LIQ_API void liq_h5_writer_destroy(liq_h5_writer_t *writer);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_IO_H */
