/*
 * liqnet's HDF5 layouts: the pieces of the HDF5 writer (h5_writer.c) that
 * the other files liqnet writes share with it, so that every file has the
 * same types, attributes, chunking, error messages and per-round variables.
 * Interface of src/io for the areas that write such files themselves (the
 * sweep results file of src/experiment); what only io needs stays in
 * io/h5_internal.h.
 *
 * Everything here calls HDF5 and must run on one thread at a time, except
 * the liq_h5_traj_* functions marked "no HDF5".
 */
#ifndef LIQNET_IO_H5_LAYOUT_H
#define LIQNET_IO_H5_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "liqnet/io.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* The entity dimensions of the output, in file order. `chain` is written
 * only for scenarios that declare chains (a file without them has the four
 * others, as before chains existed), `bridge` only for those that declare
 * bridges. */
typedef enum {
    LIQ_DIM_ASSET = 0,
    LIQ_DIM_POOL = 1,
    LIQ_DIM_ORACLE = 2,
    LIQ_DIM_PROTOCOL = 3,
    LIQ_DIM_CHAIN = 4,
    LIQ_DIM_BRIDGE = 5,
    LIQ_N_DIMS = 6
} liq_h5_dim_t;

/* A summary variable: a per-entity array of liq_summary_t (dim >= 0, a
 * liq_h5_dim_t), or a scalar field (dim < 0). */
typedef struct {
    const char *name;
    int dim;
    bool integer;
    size_t offset; /* offsetof(liq_summary_t, <field>) */
    const char *units;
    const char *long_name;
} liq_summary_def_t;

/* The summary variables of a run file (docs/hdf5-schema.md), in file order. */
extern const liq_summary_def_t liq_summary_defs[];
extern const size_t liq_summary_defs_count;

/* A per-round variable of a run file (docs/hdf5-schema.md) by name, for the
 * areas that read a run's state views themselves (the calibration's
 * targets): its dimension, whether it is int64 (else float64) and the
 * offset of its array in liq_state_view_t. False when no per-round variable
 * has that name. No HDF5. */
bool liq_h5_series_find(const char *name, liq_h5_dim_t *dim, bool *integer, size_t *offset);
/* The per-round variables' names, "exogenous_price, reference_price, ...",
 * cut with "..." to fit `size` bytes: for messages. No HDF5. */
void liq_h5_series_names(char *buf, size_t size);

/* HDF5's automatic error printing, saved while a call into liqnet runs and
 * restored on the way out, so that the process-wide setting of whoever else
 * uses HDF5 is left as it was. */
typedef struct {
    H5E_auto2_t func;
    void *data;
    bool saved;
} liq_h5_quiet_t;

void liq_h5_quiet_begin(liq_h5_quiet_t *q);
void liq_h5_quiet_end(const liq_h5_quiet_t *q);

/* "PATH: HDF5 error: WHAT: innermost HDF5 message", code LIQ_EHDF5. Must
 * run right after the failing call, before another call clears the stack. */
int liq_h5_fail(const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Variable-length UTF-8 string type (a Python str in h5py); close it. */
hid_t liq_h5_string_type(void);
/* Writes (creating it if needed) a scalar attribute. */
int liq_h5_attr_write(const char *path, hid_t obj, const char *name, hid_t type, const void *value);
int liq_h5_attr_string(const char *path, hid_t obj, const char *name, const char *value);
int liq_h5_attr_int64(const char *path, hid_t obj, const char *name, int64_t value);
/* The attributes units and long_name. */
int liq_h5_describe(const char *path, hid_t ds, const char *units, const char *long_name);
/* Creates a dataset of rank 0, 1 or 2 with dims `dims`; chunked (extendible
 * along axis 0, shuffle + deflate) when chunk != NULL, else contiguous. */
int liq_h5_create_ds(hid_t *out, const char *path, hid_t loc, const char *name, hid_t type,
                     int rank, const hsize_t *dims, const hsize_t *chunk);
/* Closes *ds if open and sets it to -1. */
int liq_h5_close_ds(const char *path, hid_t *ds, const char *name);

/*
 * A run's trajectory kept in memory: some rounds of every per-round variable
 * of a run file, written later in one go into a group of an open file with
 * the layout of a run file (coordinates, variables, units; no attributes).
 */
typedef struct liq_h5_writer liq_h5_traj_t;

/* Room for max_rows rounds of the scenario's entities. No HDF5. */
int liq_h5_traj_create(liq_h5_traj_t **out, const liq_scenario_t *scenario, size_t max_rows);
/* Copies one round (any round number; fewer than max_rows so far). No HDF5. */
void liq_h5_traj_add(liq_h5_traj_t *traj, const liq_state_view_t *view);
/* Rounds held. No HDF5. */
size_t liq_h5_traj_rows(const liq_h5_traj_t *traj);
/* Writes the coordinates and variables into `loc` (a group); `path` names
 * the file in messages; the scenario gives the entity names. */
int liq_h5_traj_write(liq_h5_traj_t *traj, hid_t loc, const char *path,
                      const liq_scenario_t *scenario);
/* Accepts NULL. No HDF5. */
void liq_h5_traj_destroy(liq_h5_traj_t *traj);

/* A trajectory as bytes, to send it to another process (the MPI sweep):
 * the rounds held, which series are on, the round numbers and each series'
 * rows, in native byte order (the processes of one job share it). Packed
 * size, then pack into `dst` (that many bytes). No HDF5. */
size_t liq_h5_traj_packed_size(const liq_h5_traj_t *traj);
void liq_h5_traj_pack(const liq_h5_traj_t *traj, unsigned char *dst);
/* The inverse, for the scenario's entities: LIQ_EINVAL when `len` bytes at
 * `src` are not a trajectory of them (`*used`: bytes read). No HDF5. */
int liq_h5_traj_unpack(liq_h5_traj_t **out, const liq_scenario_t *scenario,
                       const unsigned char *src, size_t len, size_t *used);

/*
 * The committing file driver (h5_commit.c): under it every H5Fflush publishes
 * the whole file atomically (a shadow copy written, synced and exchanged with
 * the file by rename), so that a kill, a power loss or a full disk leaves the
 * file as the last successful flush left it. Sets the driver on a file access
 * property list; `in_place` writes into the file itself at each flush instead
 * (no crash safety; used to mark a file failed after a write error). Returns
 * a negative value with HDF5's error stack set on failure.
 */
herr_t liq_h5_commit_fapl(hid_t fapl, bool in_place);
/* H5Fflush, then (for a file of this driver) the commit that publishes it.
 * The one way to flush a file of this driver: HDF5's own flushes of the
 * driver are not commits. Negative with HDF5's error stack set on failure. */
herr_t liq_h5_commit_flush(hid_t file);
/* Makes the file's close discard whatever was written since its last flush
 * (and remove the shadow copy), so that it stays as that flush left it, or is
 * never created when nothing was flushed. For error paths; a file of another
 * driver is left alone. */
void liq_h5_commit_abandon(hid_t file);
/* Tests: whether this build honours the LIQNET_FAULT_* variables
 * (h5_commit.c), and a fresh start of LIQNET_FAULT_WRITE_AFTER's count of
 * files. */
bool liq_h5_commit_fault_injection(void);
void liq_h5_commit_fault_reset(void);

#endif /* LIQNET_IO_H5_LAYOUT_H */
