/*
 * The HDF5 trajectory file (docs/hdf5-schema.md): one netCDF-4-compatible
 * file per run that xarray opens as a single labelled dataset.
 *
 * Workload: one append per round, O(entities) each, for up to millions of
 * rounds. An append only copies the round's state view into a buffer that was
 * allocated when the writer was created; HDF5 is called once per
 * `capacity` rounds (at most flush_every), when every time series is extended
 * and written in one hyperslab and the file is flushed.
 *
 * Crash safety: the file is written through the committing file driver
 * (h5_commit.c), under which a flush publishes the whole file in one atomic
 * rename and nothing reaches the file's name in between. A process killed at
 * any moment, during a flush included, leaves the file of the last flush:
 * readable, status "incomplete", every series rounds_completed + 1 rows long.
 * A write that fails (a full disk) leaves that same file, which the writer
 * then marks "failed" with the error (liq_h5_writer_failed).
 *
 * Layout: coordinate variables are HDF5 dimension scales (`round`, `asset`,
 * `pool`, `oracle`, `protocol`, and `chain` in the files of scenarios that
 * declare chains) and every other dataset has its dimensions
 * attached to them, which is what h5netcdf and netCDF-C read as named
 * dimensions. HDF5 is called from one thread only; the library's automatic
 * error printing is switched off for the duration of each call into this
 * module and the innermost HDF5 message is folded into our own.
 */
#define _POSIX_C_SOURCE 200809L

#include "liqnet/io.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/h5_internal.h"
#include "liqnet/error.h"
#include "liqnet/version.h"

/* Rows of a chunk along `round`: 256 rounds of a few entities is a few KiB
 * to 256 KiB, small enough to stay in HDF5's default 1 MiB chunk cache. */
#define LIQ_H5_CHUNK_ROWS 256
/* Elements (8 bytes each) in one chunk at most: 256 KiB. */
#define LIQ_H5_CHUNK_ELEMS 32768
/* Bytes of buffered rounds at most, over all series. With many entities the
 * buffer holds fewer than flush_every rounds and the file is written (and
 * flushed) more often, never less often than flush_every. */
#define LIQ_H5_BUFFER_BYTES ((size_t)64 << 20)
#define LIQ_H5_BLOCK_BYTES ((hsize_t)1 << 20)

/* ------------------------------------------------------------ the schema */

static const char *const liq_dim_names[LIQ_N_DIMS] = {"asset",    "pool",  "oracle",
                                                      "protocol", "chain", "bridge"};
static const char *const liq_dim_long_names[LIQ_N_DIMS] = {
    "asset name", "pool name", "oracle name", "protocol name", "chain name", "bridge name"};

/* ---------------------------------------------------------------- writer */

struct liq_h5_writer {
    char *path;
    hid_t file;
    hid_t round_ds;
    hid_t dim_ds[LIQ_N_DIMS];
    hid_t series_ds[LIQ_N_SERIES];
    size_t n_entities[LIQ_N_DIMS];
    size_t capacity;                         /* rounds the buffers hold, 1 .. flush_every */
    size_t buffered;                         /* rounds in the buffers now */
    hsize_t rows;                            /* rounds in the file */
    int64_t last_round;                      /* round of the last append (or of round 0) */
    int64_t *round_buf;                      /* [capacity] */
    unsigned char *series_buf[LIQ_N_SERIES]; /* [capacity x n_entities] x 8 bytes */
    bool on[LIQ_N_SERIES];                   /* series written in this file */
    int64_t flushed_round;                   /* last round of the last successful flush; -1 */
    bool failed;                             /* a write failed: the file is closed */
    liq_h5_events_t *events;                 /* the group /events; NULL without event tables */
};

/* Whether series s is written: every series, except an optional one whose
 * view array was NULL when the file was created. */
static bool liq_series_on(const liq_h5_writer_t *w, size_t s)
{
    return w->on[s];
}

/* Whether series s can be in a file of these entities: a chains series only
 * with chains. Its buffer exists, and counts in the budget, only then. */
static bool liq_series_possible(const size_t n[LIQ_N_DIMS], size_t s)
{
    switch (liq_series_defs[s].when) {
    case LIQ_SERIES_CHAINS:
        return n[LIQ_DIM_CHAIN] > 0;
    case LIQ_SERIES_BRIDGES:
        return n[LIQ_DIM_BRIDGE] > 0;
    default:
        return true;
    }
}

/* Whether dimension d is in the file: `chain` only with chains, `bridge`
 * only with bridges. */
static bool liq_dim_on(const liq_h5_writer_t *w, int d)
{
    return (d != LIQ_DIM_CHAIN && d != LIQ_DIM_BRIDGE) || w->n_entities[d] > 0;
}

/* Decides from the first view which series the file holds. */
static void liq_h5_series_on(liq_h5_writer_t *w, const liq_state_view_t *view)
{
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        const void *array = *(const void *const *)((const char *)view + liq_series_defs[s].offset);
        w->on[s] = liq_series_defs[s].when == LIQ_SERIES_ALWAYS ||
                   (array != NULL && liq_series_possible(w->n_entities, s));
    }
}

static int liq_nomem(const char *path)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory for the output buffers", path);
}

/* Entity names share one layout: every config struct starts with its name. */
static const char *liq_entity_name(const liq_scenario_t *sc, liq_h5_dim_t dim, size_t i)
{
    const char *name = NULL;
    switch (dim) {
    case LIQ_DIM_ASSET:
        name = sc->assets[i].name;
        break;
    case LIQ_DIM_POOL:
        name = sc->pools[i].name;
        break;
    case LIQ_DIM_ORACLE:
        name = sc->oracles[i].name;
        break;
    case LIQ_DIM_PROTOCOL:
        name = sc->protocols[i].name;
        break;
    case LIQ_DIM_CHAIN:
        name = sc->chains[i].name;
        break;
    default:
        name = sc->bridges[i].name;
        break;
    }
    return name != NULL ? name : "";
}

/* Chunk shape of a (round, entity) series: up to LIQ_H5_CHUNK_ROWS rounds,
 * and as many entities as fit in LIQ_H5_CHUNK_ELEMS. */
static void liq_h5_series_chunk(hsize_t chunk[2], size_t capacity, size_t n)
{
    const size_t rows = capacity < LIQ_H5_CHUNK_ROWS ? capacity : LIQ_H5_CHUNK_ROWS;
    size_t cols = LIQ_H5_CHUNK_ELEMS / rows;
    if (cols > n) {
        cols = n;
    }
    chunk[0] = rows;
    chunk[1] = cols > 0 ? cols : 1;
}

static int liq_h5_create_coordinates(liq_h5_writer_t *w, const liq_scenario_t *sc)
{
    const hsize_t zero = 0;
    const hsize_t round_chunk = w->capacity < LIQ_H5_CHUNK_ROWS ? w->capacity : LIQ_H5_CHUNK_ROWS;
    int rc = liq_h5_create_ds(&w->round_ds, w->path, w->file, "round", H5T_STD_I64LE, 1, &zero,
                              &round_chunk);
    if (rc == LIQ_OK && H5DSset_scale(w->round_ds, "round") < 0) {
        rc = liq_h5_fail(w->path, "cannot make a dimension scale of '%s'", "round");
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(w->path, w->round_ds, "round", "simulation round (0: initial state)");
    }
    const hid_t str = rc == LIQ_OK ? liq_h5_string_type() : -1;
    if (rc == LIQ_OK && str < 0) {
        rc = liq_h5_fail(w->path, "cannot make the string type of '%s'", "asset");
    }
    for (int d = 0; d < LIQ_N_DIMS && rc == LIQ_OK; d++) {
        if (!liq_dim_on(w, d)) {
            continue;
        }
        const char *name = liq_dim_names[d];
        const size_t n = w->n_entities[d];
        const hsize_t dims = n;
        rc = liq_h5_create_ds(&w->dim_ds[d], w->path, w->file, name, str, 1, &dims, NULL);
        if (rc == LIQ_OK && n > 0) {
            const char **names = malloc(n * sizeof(*names));
            if (names == NULL) {
                rc = liq_nomem(w->path);
                break;
            }
            for (size_t i = 0; i < n; i++) {
                names[i] = liq_entity_name(sc, (liq_h5_dim_t)d, i);
            }
            if (H5Dwrite(w->dim_ds[d], str, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0) {
                rc = liq_h5_fail(w->path, "cannot write the names of '%s'", name);
            }
            free(names);
        }
        if (rc == LIQ_OK && H5DSset_scale(w->dim_ds[d], name) < 0) {
            rc = liq_h5_fail(w->path, "cannot make a dimension scale of '%s'", name);
        }
        if (rc == LIQ_OK) {
            rc = liq_h5_describe(w->path, w->dim_ds[d], "1", liq_dim_long_names[d]);
        }
    }
    if (str >= 0) {
        H5Tclose(str);
    }
    return rc;
}

/* Attaches the scales of (round, dim) or (dim) to a dataset. */
static int liq_h5_attach(const liq_h5_writer_t *w, hid_t ds, const char *name, bool over_round,
                         int dim)
{
    unsigned axis = 0;
    if (over_round) {
        if (H5DSattach_scale(ds, w->round_ds, axis) < 0) {
            return liq_h5_fail(w->path, "cannot attach dimension 'round' to '%s'", name);
        }
        axis++;
    }
    if (H5DSattach_scale(ds, w->dim_ds[dim], axis) < 0) {
        return liq_h5_fail(w->path, "cannot attach dimension '%s' to '%s'", liq_dim_names[dim],
                           name);
    }
    return LIQ_OK;
}

static int liq_h5_create_series(liq_h5_writer_t *w)
{
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        if (!liq_series_on(w, s)) {
            continue;
        }
        const liq_series_def_t *def = &liq_series_defs[s];
        const size_t n = w->n_entities[def->dim];
        const hsize_t dims[2] = {0, n};
        hsize_t chunk[2];
        liq_h5_series_chunk(chunk, w->capacity, n);
        const hid_t type = def->integer ? H5T_STD_I64LE : H5T_IEEE_F64LE;
        int rc =
            liq_h5_create_ds(&w->series_ds[s], w->path, w->file, def->name, type, 2, dims, chunk);
        if (rc == LIQ_OK) {
            rc = liq_h5_attach(w, w->series_ds[s], def->name, true, def->dim);
        }
        if (rc == LIQ_OK) {
            rc = liq_h5_describe(w->path, w->series_ds[s], def->units, def->long_name);
        }
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* ------------------------------------------------------------- buffering */

static int liq_h5_check_view(const liq_h5_writer_t *w, const liq_state_view_t *view)
{
    const size_t counts[LIQ_N_DIMS] = {view->n_assets,    view->n_pools,  view->n_oracles,
                                       view->n_protocols, view->n_chains, view->n_bridges};
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        if (counts[d] != w->n_entities[d]) {
            return liq_error_set(LIQ_EINVAL,
                                 "%s: the state view of round %lld has %zu %s entities; the "
                                 "file was created for %zu",
                                 w->path, (long long)view->round, counts[d], liq_dim_names[d],
                                 w->n_entities[d]);
        }
    }
    return LIQ_OK;
}

/* Copies one round into the buffers: no allocation, O(entities). */
static void liq_h5_buffer_round(liq_h5_writer_t *w, const liq_state_view_t *view)
{
    assert(w->buffered < w->capacity);
    const size_t row = w->buffered;
    w->round_buf[row] = view->round;
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        const liq_series_def_t *def = &liq_series_defs[s];
        const size_t n = w->n_entities[def->dim];
        if (n == 0 || !liq_series_on(w, s)) {
            continue;
        }
        const void *src = *(const void *const *)((const char *)view + def->offset);
        memcpy(w->series_buf[s] + row * n * 8, src, n * 8);
    }
    w->buffered++;
    w->last_round = view->round;
}

/* Extends one dataset along round by `count` rows and writes them from
 * `data` (count x n). */
static int liq_h5_write_rows(const liq_h5_writer_t *w, hid_t ds, const char *name, int rank,
                             size_t n, hid_t memtype, const void *data, hsize_t count)
{
    const hsize_t size[2] = {w->rows + count, n};
    if (H5Dset_extent(ds, size) < 0) {
        return liq_h5_fail(w->path, "cannot extend dataset '%s'", name);
    }
    if (n == 0) {
        return LIQ_OK; /* a (round, 0) dataset only grows */
    }
    const hsize_t start[2] = {w->rows, 0};
    const hsize_t block[2] = {count, n};
    const hid_t fspace = H5Dget_space(ds);
    if (fspace < 0) {
        return liq_h5_fail(w->path, "cannot get the dataspace of '%s'", name);
    }
    int rc = LIQ_OK;
    const hid_t mspace = H5Screate_simple(rank, block, NULL);
    if (mspace < 0) {
        rc = liq_h5_fail(w->path, "cannot create a memory dataspace for '%s'", name);
    } else if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, block, NULL) < 0) {
        rc = liq_h5_fail(w->path, "cannot select rows of '%s'", name);
    } else if (H5Dwrite(ds, memtype, mspace, fspace, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(w->path, "cannot write rows of '%s'", name);
    }
    if (mspace >= 0) {
        H5Sclose(mspace);
    }
    H5Sclose(fspace);
    return rc;
}

/* Writes the buffered rounds, updates rounds_completed and flushes the file.
 * Series first and `round` last, so that the coordinate never claims rows
 * the variables do not have. */
static int liq_h5_write_buffered(liq_h5_writer_t *w)
{
    if (w->events != NULL) {
        /* The event rows of the buffered rounds, committed with them. */
        const int rc = liq_h5_events_write(w->events);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    if (w->buffered > 0) {
        const hsize_t count = w->buffered;
        for (size_t s = 0; s < LIQ_N_SERIES; s++) {
            if (!liq_series_on(w, s)) {
                continue;
            }
            const liq_series_def_t *def = &liq_series_defs[s];
            const hid_t memtype = def->integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
            const int rc =
                liq_h5_write_rows(w, w->series_ds[s], def->name, 2, w->n_entities[def->dim],
                                  memtype, w->series_buf[s], count);
            if (rc != LIQ_OK) {
                return rc;
            }
        }
        int rc =
            liq_h5_write_rows(w, w->round_ds, "round", 1, 1, H5T_NATIVE_INT64, w->round_buf, count);
        if (rc != LIQ_OK) {
            return rc;
        }
        w->rows += count;
        w->buffered = 0;
        rc = liq_h5_attr_int64(w->path, w->file, "rounds_completed", w->last_round);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    if (liq_h5_commit_flush(w->file) < 0) {
        return liq_h5_fail(w->path, "cannot flush the file");
    }
    w->flushed_round = (int64_t)w->rows - 1;
    return LIQ_OK;
}

/* ---------------------------------------------------------------- public */

static void liq_h5_close_all(liq_h5_writer_t *w)
{
    /* Errors on close are ignored here: this is the cleanup path, and the
     * first error has already been reported (or, after finish's last flush,
     * the file is published whole and closing only trims unused space). */
    liq_h5_events_close(w->events);
    w->events = NULL;
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        if (w->series_ds[s] >= 0) {
            H5Dclose(w->series_ds[s]);
            w->series_ds[s] = -1;
        }
    }
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        if (w->dim_ds[d] >= 0) {
            H5Dclose(w->dim_ds[d]);
            w->dim_ds[d] = -1;
        }
    }
    if (w->round_ds >= 0) {
        H5Dclose(w->round_ds);
        w->round_ds = -1;
    }
    if (w->file >= 0) {
        H5Fclose(w->file);
        w->file = -1;
    }
}

static void liq_h5_free(liq_h5_writer_t *w)
{
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        free(w->series_buf[s]);
    }
    free(w->round_buf);
    free(w->path);
    free(w);
}

void liq_h5_writer_destroy(liq_h5_writer_t *writer)
{
    if (writer == NULL) {
        return;
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    /* Rounds still in the buffer, and whatever HDF5 holds that was not
     * flushed (a contagion group half written), are dropped on purpose: the
     * file keeps the state of its last flush, which rounds_completed
     * describes. */
    liq_h5_commit_abandon(writer->file);
    liq_h5_close_all(writer);
    liq_h5_quiet_end(&quiet);
    liq_h5_free(writer);
}

/* Reopens a published file and sets `error` and then `status` = "failed",
 * atomically (a commit of the driver) or in place (h5_commit.c: the space
 * the change needs is reserved before anything is written, so on a full disk
 * this fails without touching the file). */
static int liq_h5_mark_failed_once(const char *path, const char *message, bool in_place)
{
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || liq_h5_commit_fapl(fapl, in_place) < 0) {
        if (fapl >= 0) {
            H5Pclose(fapl);
        }
        return liq_h5_fail(path, "cannot set the access properties of the file");
    }
    const hid_t file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (file < 0) {
        return liq_h5_fail(path, "cannot reopen the file to mark it failed");
    }
    int rc = liq_h5_attr_string(path, file, "error", message);
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(path, file, "status", "failed");
    }
    if (rc == LIQ_OK && liq_h5_commit_flush(file) < 0) {
        rc = liq_h5_fail(path, "cannot flush the file");
    }
    if (rc != LIQ_OK) {
        liq_h5_commit_abandon(file);
    }
    /* After a successful flush, closing only trims unused space. */
    if (H5Fclose(file) < 0 && rc == LIQ_OK) {
        rc = liq_h5_fail(path, "cannot close the file");
    }
    return rc;
}

/* Atomically when the disk has room for a copy of the file (it usually has:
 * the failed flush's shadow was just removed), else in place. */
static int liq_h5_mark_failed(const char *path, const char *message)
{
    const int rc = liq_h5_mark_failed_once(path, message, false);
    return rc == LIQ_OK ? rc : liq_h5_mark_failed_once(path, message, true);
}

/*
 * After a failed write (a full disk, an I/O error): the file on disk is the
 * one its last successful flush published, untouched (the driver never
 * writes a published copy). This handle is closed without writing anything
 * more (its shadow removed), then that file is marked "failed" with the
 * error. On a disk too full even for that, the file stays "incomplete":
 * still readable, with every round of its last flush. Returns `rc` with the first error's message
 * and what the file holds; the writer then refuses further calls.
 */
static int liq_h5_writer_failed(liq_h5_writer_t *w, int rc)
{
    char message[1024];
    snprintf(message, sizeof(message), "%s", liq_errmsg());
    liq_h5_commit_abandon(w->file);
    liq_h5_close_all(w);
    w->failed = true;
    if (w->flushed_round < 0) {
        return liq_error_set(rc, "%s", message); /* nothing was published */
    }
    const bool marked = liq_h5_mark_failed(w->path, message) == LIQ_OK;
    return liq_error_set(rc, "%s; %s keeps rounds 0 to %lld (its last flush) and %s", message,
                         w->path, (long long)w->flushed_round,
                         marked ? "is marked failed"
                                : "could not be marked failed: its status stays incomplete");
}

static int liq_h5_writer_closed(const liq_h5_writer_t *w)
{
    return liq_error_set(LIQ_EHDF5, "%s: the file was closed after an earlier write error",
                         w->path);
}

/* Rounds the buffers hold: flush_every, or fewer when that many rounds of
 * every series would pass LIQ_H5_BUFFER_BYTES; above LIQ_H5_CHUNK_ROWS a
 * multiple of it, so that batches end on chunk boundaries (see
 * liq_h5_writer_append). */
static size_t liq_h5_capacity(const size_t n[LIQ_N_DIMS], int64_t flush_every)
{
    size_t per_round = 8; /* the round number */
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        if (liq_series_possible(n, s)) {
            per_round += 8 * n[liq_series_defs[s].dim];
        }
    }
    size_t capacity = LIQ_H5_BUFFER_BYTES / per_round;
    if ((uint64_t)flush_every < (uint64_t)capacity) {
        capacity = (size_t)flush_every;
    }
    if (capacity > LIQ_H5_CHUNK_ROWS) {
        capacity -= capacity % LIQ_H5_CHUNK_ROWS;
    }
    return capacity > 0 ? capacity : 1;
}

static int liq_h5_open_file(liq_h5_writer_t *w, const liq_scenario_t *sc,
                            const liq_h5_options_t *options)
{
    const hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0) {
        return liq_h5_fail(w->path, "cannot create the creation properties of the file");
    }
    /* netCDF-4 tracks creation order in the root group; readers then list
     * variables in the order they were written. */
    int rc = LIQ_OK;
    if (H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        rc = liq_h5_fail(w->path, "cannot set the creation order of the file");
    }
    /* Never reuse freed file space, and allocate it in 1 MiB blocks for
     * metadata and small raw data. These narrowed what a kill during a flush
     * could tear before the committing driver (h5_commit.c) made flushes
     * atomic; they are kept so that files keep their layout (a rewritten
     * chunk's old space stays allocated: the first batch's, once). */
    if (rc == LIQ_OK && H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1) < 0) {
        rc = liq_h5_fail(w->path, "cannot set the file space strategy of the file");
    }
    /* The committing driver: every flush is published whole, atomically. */
    const hid_t fapl = rc == LIQ_OK ? H5Pcreate(H5P_FILE_ACCESS) : -1;
    if (rc == LIQ_OK && (fapl < 0 || H5Pset_meta_block_size(fapl, LIQ_H5_BLOCK_BYTES) < 0 ||
                         H5Pset_small_data_block_size(fapl, LIQ_H5_BLOCK_BYTES) < 0 ||
                         liq_h5_commit_fapl(fapl, false) < 0)) {
        rc = liq_h5_fail(w->path, "cannot set the access properties of the file");
    }
    if (rc == LIQ_OK) {
        w->file = H5Fcreate(w->path, options->force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, fcpl, fapl);
        if (w->file < 0) {
            rc = liq_h5_fail(w->path, "cannot create the file");
        }
    }
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    H5Pclose(fcpl);
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(w->path, w->file, "liqnet_version", LIQNET_VERSION);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(w->path, w->file, "scenario_name", sc->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(w->path, w->file, "scenario", options->scenario_yaml);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_write(w->path, w->file, "seed", H5T_NATIVE_UINT64, &options->seed);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(w->path, w->file, "status", "incomplete");
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_int64(w->path, w->file, "rounds_completed", 0);
    }
    return rc;
}

static int liq_h5_create(liq_h5_writer_t *w, const liq_scenario_t *sc,
                         const liq_state_view_t *initial, const liq_h5_options_t *options)
{
    if (options->flush_every < 1) {
        return liq_error_set(LIQ_EINVAL, "%s: flush_every is %lld; expected a whole number >= 1",
                             w->path, (long long)options->flush_every);
    }
    int rc = liq_h5_check_view(w, initial);
    if (rc != LIQ_OK) {
        return rc;
    }
    struct stat st;
    if (!options->force && stat(w->path, &st) == 0) {
        return liq_error_set(LIQ_EEXIST, "%s: file exists; pass --force to overwrite", w->path);
    }
    w->capacity = liq_h5_capacity(w->n_entities, options->flush_every);
    w->round_buf = malloc(w->capacity * sizeof(*w->round_buf));
    if (w->round_buf == NULL) {
        return liq_nomem(w->path);
    }
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        const size_t n = w->n_entities[liq_series_defs[s].dim];
        if (n > 0 && liq_series_possible(w->n_entities, s)) {
            w->series_buf[s] = malloc(w->capacity * n * 8);
            if (w->series_buf[s] == NULL) {
                return liq_nomem(w->path);
            }
        }
    }
    liq_h5_series_on(w, initial);
    rc = liq_h5_open_file(w, sc, options);
    if (rc == LIQ_OK) {
        rc = liq_h5_create_coordinates(w, sc);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_create_series(w);
    }
    if (rc == LIQ_OK && initial->events != NULL) {
        rc = liq_h5_events_create(&w->events, w->file, w->path);
        if (rc == LIQ_OK) {
            rc = liq_h5_events_add(w->events, initial->events);
        }
    }
    if (rc == LIQ_OK) {
        liq_h5_buffer_round(w, initial);
        rc = liq_h5_write_buffered(w);
    }
    return rc;
}

int liq_h5_writer_create(liq_h5_writer_t **out, const char *path, const liq_scenario_t *scenario,
                         const liq_state_view_t *initial, const liq_h5_options_t *options)
{
    assert(out != NULL && path != NULL && scenario != NULL && initial != NULL && options != NULL);
    *out = NULL;
    liq_h5_writer_t *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return liq_nomem(path);
    }
    w->file = -1;
    w->round_ds = -1;
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        w->dim_ds[d] = -1;
    }
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        w->series_ds[s] = -1;
    }
    w->n_entities[LIQ_DIM_ASSET] = scenario->n_assets;
    w->n_entities[LIQ_DIM_POOL] = scenario->n_pools;
    w->n_entities[LIQ_DIM_ORACLE] = scenario->n_oracles;
    w->n_entities[LIQ_DIM_PROTOCOL] = scenario->n_protocols;
    w->n_entities[LIQ_DIM_CHAIN] = scenario->n_chains;
    w->n_entities[LIQ_DIM_BRIDGE] = scenario->n_bridges;
    w->flushed_round = -1;
    w->path = malloc(strlen(path) + 1);
    if (w->path == NULL) {
        free(w);
        return liq_nomem(path);
    }
    strcpy(w->path, path);

    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const int rc = liq_h5_create(w, scenario, initial, options);
    if (rc != LIQ_OK) {
        /* Nothing was published (round 0's flush is the first): no file,
         * and an older file of that name is left as it was. */
        liq_h5_commit_abandon(w->file);
        liq_h5_close_all(w);
    }
    liq_h5_quiet_end(&quiet);
    if (rc != LIQ_OK) {
        liq_h5_free(w);
        return rc;
    }
    *out = w;
    return LIQ_OK;
}

int liq_h5_writer_append(liq_h5_writer_t *writer, const liq_state_view_t *view)
{
    assert(writer != NULL && view != NULL);
    if (writer->failed) {
        return liq_h5_writer_closed(writer);
    }
    int rc = liq_h5_check_view(writer, view);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (view->round != writer->last_round + 1) {
        return liq_error_set(LIQ_EINVAL, "%s: appended round %lld after round %lld; expected %lld",
                             writer->path, (long long)view->round, (long long)writer->last_round,
                             (long long)writer->last_round + 1);
    }
    if (writer->events != NULL && view->events != NULL) {
        /* Before the round's series: a failure leaves the round out whole. */
        rc = liq_h5_events_add(writer->events, view->events);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    liq_h5_buffer_round(writer, view);
    /* Batches end where the file holds a multiple of `capacity` rounds. The
     * chunk height divides `capacity`, so each batch fills whole chunks that
     * were never written before, except the first (which completes the
     * chunk round 0 started): a chunk already written is then almost never
     * rewritten. */
    if ((writer->rows + writer->buffered) % writer->capacity == 0) {
        liq_h5_quiet_t quiet;
        liq_h5_quiet_begin(&quiet);
        rc = liq_h5_write_buffered(writer);
        if (rc != LIQ_OK) {
            rc = liq_h5_writer_failed(writer, rc);
        }
        liq_h5_quiet_end(&quiet);
    } else if (writer->events != NULL && liq_h5_events_full(writer->events)) {
        /* Many events between flushes: written now, committed at the flush. */
        liq_h5_quiet_t quiet;
        liq_h5_quiet_begin(&quiet);
        rc = liq_h5_events_write(writer->events);
        if (rc != LIQ_OK) {
            rc = liq_h5_writer_failed(writer, rc);
        }
        liq_h5_quiet_end(&quiet);
    }
    return rc;
}

int liq_h5_writer_flush(liq_h5_writer_t *writer)
{
    assert(writer != NULL);
    if (writer->failed) {
        return liq_h5_writer_closed(writer);
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    int rc = liq_h5_write_buffered(writer);
    if (rc != LIQ_OK) {
        rc = liq_h5_writer_failed(writer, rc);
    }
    liq_h5_quiet_end(&quiet);
    return rc;
}

static int liq_h5_write_summary_var(const liq_h5_writer_t *w, const liq_summary_t *summary,
                                    const liq_summary_def_t *def)
{
    const hid_t type = def->integer ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    const hid_t memtype = def->integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
    const void *data = (const char *)summary + def->offset;
    hsize_t n = 1;
    hid_t ds = -1;
    int rc = LIQ_OK;
    if (def->dim >= 0) {
        n = w->n_entities[def->dim];
        data = *(const void *const *)data;
        rc = liq_h5_create_ds(&ds, w->path, w->file, def->name, type, 1, &n, NULL);
    } else {
        rc = liq_h5_create_ds(&ds, w->path, w->file, def->name, type, 0, NULL, NULL);
    }
    if (rc == LIQ_OK && n > 0 && H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(w->path, "cannot write dataset '%s'", def->name);
    }
    if (rc == LIQ_OK && def->dim >= 0) {
        rc = liq_h5_attach(w, ds, def->name, false, def->dim);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(w->path, ds, def->units, def->long_name);
    }
    const int close_rc = liq_h5_close_ds(w->path, &ds, def->name);
    return rc != LIQ_OK ? rc : close_rc;
}

static int liq_h5_finish(liq_h5_writer_t *w, const liq_summary_t *summary, const char *status)
{
    if (status == NULL || (strcmp(status, "complete") != 0 && strcmp(status, "interrupted") != 0 &&
                           strcmp(status, "failed") != 0)) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: status '%s'; expected complete, interrupted or failed", w->path,
                             status != NULL ? status : "(null)");
    }
    if (summary != NULL && (summary->n_oracles != w->n_entities[LIQ_DIM_ORACLE] ||
                            summary->n_protocols != w->n_entities[LIQ_DIM_PROTOCOL])) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: the summary has %zu oracles and %zu protocols; the file was "
                             "created for %zu and %zu",
                             w->path, summary->n_oracles, summary->n_protocols,
                             w->n_entities[LIQ_DIM_ORACLE], w->n_entities[LIQ_DIM_PROTOCOL]);
    }
    int rc = liq_h5_write_buffered(w);
    for (size_t k = 0; k < liq_summary_defs_count && rc == LIQ_OK && summary != NULL; k++) {
        rc = liq_h5_write_summary_var(w, summary, &liq_summary_defs[k]);
    }
    /* The status goes last: "complete" promises everything above is there. */
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(w->path, w->file, "status", status);
    }
    if (rc == LIQ_OK && liq_h5_commit_flush(w->file) < 0) {
        rc = liq_h5_fail(w->path, "cannot flush the file");
    }
    if (rc != LIQ_OK) {
        return liq_h5_writer_failed(w, rc);
    }
    /* Published whole with its status: closing only trims the space HDF5
     * set aside and did not use, and a failure there leaves the file as the
     * flush published it (liq_h5_close_all ignores it). */
    liq_h5_close_all(w);
    return LIQ_OK;
}

int liq_h5_writer_contagion(liq_h5_writer_t *writer, const liq_contagion_record_t *record)
{
    assert(writer != NULL && record != NULL);
    if (record->n_protocols != writer->n_entities[LIQ_DIM_PROTOCOL]) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: the contagion record has %zu protocols; the file was created "
                             "for %zu",
                             writer->path, record->n_protocols,
                             writer->n_entities[LIQ_DIM_PROTOCOL]);
    }
    if (writer->failed) {
        return liq_h5_writer_closed(writer);
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    int rc = LIQ_OK;
    const htri_t exists = H5Lexists(writer->file, "contagion", H5P_DEFAULT);
    if (exists < 0) {
        rc = liq_h5_fail(writer->path, "cannot look up group 'contagion'");
    } else if (exists > 0) {
        rc =
            liq_error_set(LIQ_EEXIST, "%s: the contagion record was already written", writer->path);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_write_contagion(writer->file, writer->path, record);
    }
    liq_h5_quiet_end(&quiet);
    return rc;
}

int liq_h5_writer_note_error(liq_h5_writer_t *writer, const char *message)
{
    assert(writer != NULL);
    if (writer->failed) {
        return liq_h5_writer_closed(writer);
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const int rc = liq_h5_attr_string(writer->path, writer->file, "error", message);
    liq_h5_quiet_end(&quiet);
    return rc;
}

int liq_h5_writer_finish(liq_h5_writer_t *writer, const liq_summary_t *summary, const char *status)
{
    assert(writer != NULL);
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const int rc =
        writer->failed ? liq_h5_writer_closed(writer) : liq_h5_finish(writer, summary, status);
    /* Whatever an early error left open, closed as destroy does. */
    liq_h5_commit_abandon(writer->file);
    liq_h5_close_all(writer);
    liq_h5_quiet_end(&quiet);
    liq_h5_free(writer);
    return rc;
}

/* ------------------------------------------------- trajectories in memory */

/* A trajectory is a writer without a file: the same buffers, filled by the
 * same copy, written in one go into a group of a file someone else opened
 * (the runs of a sweep). */
int liq_h5_traj_create(liq_h5_traj_t **out, const liq_scenario_t *scenario, size_t max_rows)
{
    assert(out != NULL && scenario != NULL);
    *out = NULL;
    liq_h5_writer_t *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for a trajectory of %zu rounds", max_rows);
    }
    w->file = -1;
    w->round_ds = -1;
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        w->dim_ds[d] = -1;
    }
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        w->series_ds[s] = -1;
    }
    w->n_entities[LIQ_DIM_ASSET] = scenario->n_assets;
    w->n_entities[LIQ_DIM_POOL] = scenario->n_pools;
    w->n_entities[LIQ_DIM_ORACLE] = scenario->n_oracles;
    w->n_entities[LIQ_DIM_PROTOCOL] = scenario->n_protocols;
    w->n_entities[LIQ_DIM_CHAIN] = scenario->n_chains;
    w->n_entities[LIQ_DIM_BRIDGE] = scenario->n_bridges;
    w->capacity = max_rows > 0 ? max_rows : 1;
    w->round_buf = malloc(w->capacity * sizeof(*w->round_buf));
    bool ok = w->round_buf != NULL;
    for (size_t s = 0; s < LIQ_N_SERIES && ok; s++) {
        const size_t n = w->n_entities[liq_series_defs[s].dim];
        if (n > 0 && liq_series_possible(w->n_entities, s)) {
            w->series_buf[s] = malloc(w->capacity * n * 8);
            ok = w->series_buf[s] != NULL;
        }
    }
    if (!ok) {
        liq_h5_free(w);
        return liq_error_set(LIQ_ENOMEM, "out of memory for a trajectory of %zu rounds", max_rows);
    }
    *out = w;
    return LIQ_OK;
}

void liq_h5_traj_add(liq_h5_traj_t *traj, const liq_state_view_t *view)
{
    if (traj->buffered == 0) {
        liq_h5_series_on(traj, view);
    }
    liq_h5_buffer_round(traj, view);
}

size_t liq_h5_traj_rows(const liq_h5_traj_t *traj)
{
    return traj->buffered;
}

int liq_h5_traj_write(liq_h5_traj_t *traj, hid_t loc, const char *path,
                      const liq_scenario_t *scenario)
{
    liq_h5_writer_t *w = traj;
    /* The path is only borrowed for messages; liq_h5_free frees w->path, so
     * it is put back to NULL below. */
    w->path = (char *)(uintptr_t)path;
    w->file = loc;
    w->rows = 0;
    int rc = liq_h5_create_coordinates(w, scenario);
    if (rc == LIQ_OK) {
        rc = liq_h5_create_series(w);
    }
    const hsize_t count = w->buffered;
    for (size_t s = 0; s < LIQ_N_SERIES && rc == LIQ_OK && count > 0; s++) {
        if (!liq_series_on(w, s)) {
            continue;
        }
        const liq_series_def_t *def = &liq_series_defs[s];
        const hid_t memtype = def->integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
        rc = liq_h5_write_rows(w, w->series_ds[s], def->name, 2, w->n_entities[def->dim], memtype,
                               w->series_buf[s], count);
    }
    if (rc == LIQ_OK && count > 0) {
        rc =
            liq_h5_write_rows(w, w->round_ds, "round", 1, 1, H5T_NATIVE_INT64, w->round_buf, count);
    }
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        const int close_rc = liq_h5_close_ds(w->path, &w->series_ds[s], liq_series_defs[s].name);
        rc = rc != LIQ_OK ? rc : close_rc;
    }
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        const int close_rc = liq_h5_close_ds(w->path, &w->dim_ds[d], liq_dim_names[d]);
        rc = rc != LIQ_OK ? rc : close_rc;
    }
    const int close_rc = liq_h5_close_ds(w->path, &w->round_ds, "round");
    rc = rc != LIQ_OK ? rc : close_rc;
    w->file = -1;
    w->path = NULL;
    return rc;
}

void liq_h5_traj_destroy(liq_h5_traj_t *traj)
{
    if (traj != NULL) {
        liq_h5_free(traj);
    }
}

/* Packed trajectory: u64 rows, u64 n_entities[LIQ_N_DIMS], u64 on[LIQ_N_SERIES],
 * i64 round[rows], then for each series on with n > 0 its rows x n x 8 bytes. */
size_t liq_h5_traj_packed_size(const liq_h5_traj_t *traj)
{
    size_t size = 8 * (1 + LIQ_N_DIMS + LIQ_N_SERIES) + traj->buffered * 8;
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        if (liq_series_on(traj, s)) {
            size += traj->buffered * traj->n_entities[liq_series_defs[s].dim] * 8;
        }
    }
    return size;
}

static unsigned char *liq_put_u64(unsigned char *dst, uint64_t v)
{
    memcpy(dst, &v, 8);
    return dst + 8;
}

void liq_h5_traj_pack(const liq_h5_traj_t *traj, unsigned char *dst)
{
    dst = liq_put_u64(dst, traj->buffered);
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        dst = liq_put_u64(dst, traj->n_entities[d]);
    }
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        dst = liq_put_u64(dst, liq_series_on(traj, s) ? 1 : 0);
    }
    memcpy(dst, traj->round_buf, traj->buffered * 8);
    dst += traj->buffered * 8;
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        const size_t bytes = traj->buffered * traj->n_entities[liq_series_defs[s].dim] * 8;
        if (liq_series_on(traj, s) && bytes > 0) {
            memcpy(dst, traj->series_buf[s], bytes);
            dst += bytes;
        }
    }
}

int liq_h5_traj_unpack(liq_h5_traj_t **out, const liq_scenario_t *scenario,
                       const unsigned char *src, size_t len, size_t *used)
{
    assert(out != NULL && scenario != NULL && src != NULL && used != NULL);
    *out = NULL;
    const size_t head = 8 * (1 + LIQ_N_DIMS + LIQ_N_SERIES);
    if (len < head) {
        return liq_error_set(LIQ_EINVAL, "packed trajectory: %zu bytes; expected at least %zu", len,
                             head);
    }
    uint64_t word[1 + LIQ_N_DIMS + LIQ_N_SERIES];
    memcpy(word, src, head);
    const size_t expected[LIQ_N_DIMS] = {scenario->n_assets,  scenario->n_pools,
                                         scenario->n_oracles, scenario->n_protocols,
                                         scenario->n_chains,  scenario->n_bridges};
    for (int d = 0; d < LIQ_N_DIMS; d++) {
        if (word[1 + d] != expected[d]) {
            return liq_error_set(LIQ_EINVAL,
                                 "packed trajectory: %llu %s; expected the scenario's %zu",
                                 (unsigned long long)word[1 + d], liq_dim_names[d], expected[d]);
        }
    }
    const uint64_t rows = word[0];
    if (rows > (len - head) / 8) {
        return liq_error_set(LIQ_EINVAL, "packed trajectory: %llu rounds in %zu bytes",
                             (unsigned long long)rows, len);
    }
    size_t need = head + rows * 8;
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        if (word[1 + LIQ_N_DIMS + s] > 1) {
            return liq_error_set(LIQ_EINVAL, "packed trajectory: series flag %llu; expected 0 or 1",
                                 (unsigned long long)word[1 + LIQ_N_DIMS + s]);
        }
        if (word[1 + LIQ_N_DIMS + s] == 1 && !liq_series_possible(expected, s)) {
            return liq_error_set(LIQ_EINVAL,
                                 "packed trajectory: series '%s' of a scenario without chains",
                                 liq_series_defs[s].name);
        }
        if (word[1 + LIQ_N_DIMS + s] == 1) {
            need += rows * expected[liq_series_defs[s].dim] * 8;
        }
    }
    if (need > len) {
        return liq_error_set(LIQ_EINVAL, "packed trajectory: %zu bytes; expected %zu", len, need);
    }
    liq_h5_traj_t *w = NULL;
    const int rc = liq_h5_traj_create(&w, scenario, rows);
    if (rc != LIQ_OK) {
        return rc;
    }
    const unsigned char *p = src + head;
    memcpy(w->round_buf, p, rows * 8);
    p += rows * 8;
    for (size_t s = 0; s < LIQ_N_SERIES; s++) {
        w->on[s] = word[1 + LIQ_N_DIMS + s] == 1;
        const size_t bytes = rows * expected[liq_series_defs[s].dim] * 8;
        if (w->on[s] && bytes > 0) {
            memcpy(w->series_buf[s], p, bytes);
            p += bytes;
        }
    }
    w->buffered = rows;
    w->last_round = rows > 0 ? w->round_buf[rows - 1] : 0;
    *used = need;
    *out = w;
    return LIQ_OK;
}
