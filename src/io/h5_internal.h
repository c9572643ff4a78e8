/*
 * What only src/io's HDF5 writers share (h5_writer.c, h5_contagion.c);
 * what other areas may use is in io/h5_layout.h.
 */
#ifndef LIQNET_IO_H5_INTERNAL_H
#define LIQNET_IO_H5_INTERNAL_H

#include "io/h5_layout.h"

/* Which files hold a series. */
typedef enum {
    LIQ_SERIES_ALWAYS,  /* every run file */
    LIQ_SERIES_IF_VIEW, /* those whose first view has the array (not NULL): the series of a
                           feature the run uses (cross-margin accounts, risk controls), so the
                           files of runs without it keep their exact layout */
    LIQ_SERIES_CHAINS,  /* likewise, for the runs of scenarios that declare chains; left out
                           of the other files' buffer budget (liq_h5_capacity), so that their
                           batches and chunks stay as they were before chains existed */
    LIQ_SERIES_BRIDGES  /* likewise, for the runs of scenarios that declare bridges */
} liq_series_when_t;

/* A variable over (round, entity) copied from one array of the state view.
 * int64 and float64 are both 8 bytes, so buffers are byte arrays. */
typedef struct {
    const char *name;
    liq_h5_dim_t dim;
    bool integer;  /* int64 (else float64) */
    size_t offset; /* offsetof(liq_state_view_t, <array>) */
    const char *units;
    const char *long_name;
    liq_series_when_t when;
} liq_series_def_t;

/* The per-round variables of a run file (docs/hdf5-schema.md), in file
 * order (h5_common.c); LIQ_N_SERIES counts them (checked at compile time). */
#define LIQ_N_SERIES 83
extern const liq_series_def_t liq_series_defs[LIQ_N_SERIES];

/* Writes a run's contagion record as the group `contagion` of `loc` (a
 * file or group), with its own dimension scales `protocol`, `link` and
 * `cluster` (docs/hdf5-schema.md). `path` names the file in messages. */
int liq_h5_write_contagion(hid_t loc, const char *path, const liq_contagion_record_t *record);

/*
 * The event tables of a run file (h5_events.c): the group /events with one
 * dimension per table (docs/hdf5-schema.md "Group events"). create makes
 * the group and its empty datasets in `file` (`path` is borrowed, for
 * messages); add keeps a round's rows in memory; full says more than the
 * memory budget is waiting; write extends the datasets by the rows kept
 * (without flushing: the run file's flush commits them with its rounds);
 * close closes the datasets and the group and frees (accepts NULL).
 */
typedef struct liq_h5_events liq_h5_events_t;
int liq_h5_events_create(liq_h5_events_t **out, hid_t file, const char *path);
int liq_h5_events_add(liq_h5_events_t *events, const liq_events_view_t *view);
bool liq_h5_events_full(const liq_h5_events_t *events);
int liq_h5_events_write(liq_h5_events_t *events);
void liq_h5_events_close(liq_h5_events_t *events);

#endif /* LIQNET_IO_H5_INTERNAL_H */
