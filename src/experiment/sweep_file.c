/*
 * The sweep results file (docs/sweeps.md): one HDF5 file, netCDF-4
 * compatible, with a summary table of one row per run, the per-oracle and
 * per-protocol summaries, and the kept trajectories of runs, each in its own
 * group with the layout of a run file.
 *
 * Every slot of the summary exists from the start (fixed-size datasets of
 * n_runs rows, pending rows filled with NaN or 0), and a run writes only its
 * own row and its own group, so the file's content does not depend on the
 * order in which runs finish, nor on whether the sweep was stopped and
 * resumed. A run's status is written after everything else of the run, so a
 * status of 1 (complete) or 2 (failed) promises the rest of the row and the
 * group are there; a run whose status is still 0 is made again by a resume,
 * which first deletes any group a killed process left half written.
 *
 * Workload: one record per run, O(oracles + protocols + kept rounds x
 * entities), from one thread. The file is flushed at most once a second so
 * that sweeps of thousands of millisecond runs are not bound by flushes.
 *
 * Crash safety: the file is written through the committing file driver
 * (io/h5_commit.c), so that a flush publishes the whole file atomically and
 * a process killed at any moment, or a disk that fills up, leaves the file of
 * the last flush, which a resume finishes. After a failed flush this handle
 * writes nothing more; closing it returns that error.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <hdf5_hl.h>

#include "experiment/sweep_internal.h"
#include "liqnet/error.h"
#include "liqnet/version.h"

#define LIQ_SF_FLUSH_SECONDS 1.0
#define LIQ_SF_BLOCK_BYTES ((hsize_t)1 << 20)

/* Summary columns beyond the run file's scalar summary variables. */
enum {
    LIQ_EXTRA_LIQUIDATIONS = 0,
    LIQ_EXTRA_STALLED = 1,
    LIQ_EXTRA_AMPLIFICATION = 2,
    LIQ_N_EXTRA = 3
};

static const struct {
    const char *name;
    bool integer;
    const char *units;
    const char *long_name;
} liq_extra_defs[LIQ_N_EXTRA] = {
    {"total_liquidations", true, "count", "accounts liquidated over the run, all protocols"},
    {"total_stalled", true, "account-rounds",
     "liquidatable accounts left untouched, summed over rounds and protocols"},
    {"max_amplification", false, "1",
     "largest amplification over the oracles (NaN when no oracle's asset fell)"},
};

/* At most this many summary variables per group. */
#define LIQ_SF_MAX_VARS 64

struct liq_sweep_file {
    char *path;
    hid_t file;
    hid_t group[3]; /* summary, summary_oracle, summary_protocol */
    hid_t runs;
    hid_t status_ds, error_ds;
    /* Per def of liq_summary_defs: its dataset (in the group of its dim). */
    hid_t def_ds[LIQ_SF_MAX_VARS];
    hid_t extra_ds[LIQ_N_EXTRA];
    int64_t n_runs;
    size_t n_oracles, n_protocols;
    int8_t *status;   /* [n_runs] as in the file */
    int64_t *pending; /* runs with status 0, increasing */
    size_t n_pending;
    double last_flush;
    size_t flushed_done; /* runs recorded as of the last successful flush */
    bool failed;         /* a flush failed: the file is closed */
    char failure[1024];  /* its error */
};

static const char *const liq_group_names[3] = {"summary", "summary_oracle", "summary_protocol"};

static double liq_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int liq_sf_nomem(const char *path)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory for the sweep results", path);
}

static void liq_sf_close_ids(liq_sweep_file_t *f)
{
    /* Cleanup path: errors on close are ignored, the first error is out. */
    for (size_t k = 0; k < LIQ_SF_MAX_VARS; k++) {
        if (f->def_ds[k] >= 0) {
            H5Dclose(f->def_ds[k]);
            f->def_ds[k] = -1;
        }
    }
    for (size_t k = 0; k < LIQ_N_EXTRA; k++) {
        if (f->extra_ds[k] >= 0) {
            H5Dclose(f->extra_ds[k]);
            f->extra_ds[k] = -1;
        }
    }
    hid_t *ds[] = {&f->status_ds, &f->error_ds};
    for (size_t k = 0; k < 2; k++) {
        if (*ds[k] >= 0) {
            H5Dclose(*ds[k]);
            *ds[k] = -1;
        }
    }
    for (size_t g = 0; g < 3; g++) {
        if (f->group[g] >= 0) {
            H5Gclose(f->group[g]);
            f->group[g] = -1;
        }
    }
    if (f->runs >= 0) {
        H5Gclose(f->runs);
        f->runs = -1;
    }
    if (f->file >= 0) {
        H5Fclose(f->file);
        f->file = -1;
    }
}

static void liq_sf_free(liq_sweep_file_t *f)
{
    free(f->status);
    free(f->pending);
    free(f->path);
    free(f);
}

static int liq_sf_alloc(liq_sweep_file_t **out, const char *path, const liq_sweep_t *sw)
{
    liq_sweep_file_t *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return liq_sf_nomem(path);
    }
    f->file = -1;
    f->runs = -1;
    f->status_ds = -1;
    f->error_ds = -1;
    for (size_t g = 0; g < 3; g++) {
        f->group[g] = -1;
    }
    for (size_t k = 0; k < LIQ_SF_MAX_VARS; k++) {
        f->def_ds[k] = -1;
    }
    for (size_t k = 0; k < LIQ_N_EXTRA; k++) {
        f->extra_ds[k] = -1;
    }
    assert(liq_summary_defs_count <= LIQ_SF_MAX_VARS);
    f->n_runs = sw->n_runs;
    f->n_oracles = sw->base->n_oracles;
    f->n_protocols = sw->base->n_protocols;
    f->path = strdup(path);
    f->status = calloc((size_t)sw->n_runs, sizeof(*f->status));
    f->pending = calloc((size_t)sw->n_runs, sizeof(*f->pending));
    if (f->path == NULL || f->status == NULL || f->pending == NULL) {
        liq_sf_free(f);
        return liq_sf_nomem(path);
    }
    *out = f;
    return LIQ_OK;
}

static void liq_sf_update_pending(liq_sweep_file_t *f)
{
    f->n_pending = 0;
    for (int64_t r = 0; r < f->n_runs; r++) {
        if (f->status[r] == LIQ_RUN_PENDING) {
            f->pending[f->n_pending++] = r;
        }
    }
}

/* ------------------------------------------------------------- create */

/* Group creation properties: creation order tracked (as netCDF-4 wants), or
 * not (the `runs` group, whose members are then listed by name, so that the
 * order in which runs finished leaves no trace in the file). */
static int liq_sf_group(hid_t *out, const char *path, hid_t loc, const char *name, bool ordered)
{
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0) {
        return liq_h5_fail(path, "cannot create the properties of group '%s'", name);
    }
    int rc = LIQ_OK;
    if (ordered &&
        (H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
         H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0)) {
        rc = liq_h5_fail(path, "cannot set the creation order of group '%s'", name);
    }
    if (rc == LIQ_OK) {
        *out = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
        if (*out < 0) {
            rc = liq_h5_fail(path, "cannot create group '%s'", name);
        }
    }
    H5Pclose(gcpl);
    return rc;
}

/* A fixed-size variable over (run) or (run, entity): created, filled with
 * `data` (memtype), its scales attached and described. *out stays open. */
static int liq_sf_var(hid_t *out, const char *path, hid_t group, const char *name, hid_t type,
                      int rank, const hsize_t *dims, const hid_t *scales, hid_t memtype,
                      const void *data, const char *units, const char *long_name)
{
    int rc = liq_h5_create_ds(out, path, group, name, type, rank, dims, NULL);
    const bool empty = dims[0] == 0 || (rank == 2 && dims[1] == 0);
    if (rc == LIQ_OK && !empty &&
        H5Dwrite(*out, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(path, "cannot write dataset '%s'", name);
    }
    for (int k = 0; rc == LIQ_OK && k < rank; k++) {
        if (H5DSattach_scale(*out, scales[k], (unsigned)k) < 0) {
            rc = liq_h5_fail(path, "cannot attach a dimension to '%s'", name);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(path, *out, units, long_name);
    }
    return rc;
}

/* A coordinate: a 1-D dimension scale of `n` values. */
static int liq_sf_coord(hid_t *out, const char *path, hid_t group, const char *name, hid_t type,
                        hsize_t n, hid_t memtype, const void *data, const char *long_name)
{
    int rc = liq_h5_create_ds(out, path, group, name, type, 1, &n, NULL);
    if (rc == LIQ_OK && n > 0 && H5Dwrite(*out, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(path, "cannot write dataset '%s'", name);
    }
    if (rc == LIQ_OK && H5DSset_scale(*out, name) < 0) {
        rc = liq_h5_fail(path, "cannot make a dimension scale of '%s'", name);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(path, *out, "1", long_name);
    }
    return rc;
}

static int liq_sf_close(const char *path, hid_t *ds, const char *name, int rc)
{
    const int close_rc = liq_h5_close_ds(path, ds, name);
    return rc != LIQ_OK ? rc : close_rc;
}

/* The columns that depend only on the run: setting, replicate, seed, status,
 * error and the varied parameters. */
static int liq_sf_create_run_columns(liq_sweep_file_t *f, const liq_sweep_t *sw, hid_t run_ds,
                                     void *buf)
{
    const hid_t g = f->group[0];
    const hsize_t n = (hsize_t)f->n_runs;
    int64_t *ibuf = buf;
    uint64_t *ubuf = buf;
    double *dbuf = buf;
    hid_t ds = -1;
    for (int64_t r = 0; r < f->n_runs; r++) {
        ibuf[r] = r / sw->seeds_per_setting;
    }
    int rc = liq_sf_var(&ds, f->path, g, "setting", H5T_STD_I64LE, 1, &n, &run_ds, H5T_NATIVE_INT64,
                        ibuf, "1", "setting index: run / seeds_per_setting");
    rc = liq_sf_close(f->path, &ds, "setting", rc);
    for (int64_t r = 0; rc == LIQ_OK && r < f->n_runs; r++) {
        ibuf[r] = r % sw->seeds_per_setting;
    }
    if (rc == LIQ_OK) {
        rc = liq_sf_var(&ds, f->path, g, "replicate", H5T_STD_I64LE, 1, &n, &run_ds,
                        H5T_NATIVE_INT64, ibuf, "1", "replicate: run % seeds_per_setting");
        rc = liq_sf_close(f->path, &ds, "replicate", rc);
    }
    for (int64_t r = 0; rc == LIQ_OK && r < f->n_runs; r++) {
        ubuf[r] = liq_sweep_run_seed(sw->seed, r);
    }
    if (rc == LIQ_OK) {
        rc = liq_sf_var(&ds, f->path, g, "seed", H5T_STD_U64LE, 1, &n, &run_ds, H5T_NATIVE_UINT64,
                        ubuf, "1",
                        "scenario seed of the run (liq_sweep_run_seed of the sweep seed and run)");
        rc = liq_sf_close(f->path, &ds, "seed", rc);
    }
    if (rc == LIQ_OK) {
        rc = liq_sf_var(&f->status_ds, f->path, g, "status", H5T_STD_I8LE, 1, &n, &run_ds,
                        H5T_NATIVE_INT8, f->status, "1", "0: not run, 1: complete, 2: failed");
    }
    const hid_t str = rc == LIQ_OK ? liq_h5_string_type() : -1;
    if (rc == LIQ_OK && str < 0) {
        rc = liq_h5_fail(f->path, "cannot make a string type");
    }
    const char **texts = buf;
    for (int64_t r = 0; rc == LIQ_OK && r < f->n_runs; r++) {
        texts[r] = "";
    }
    if (rc == LIQ_OK) {
        rc = liq_sf_var(&f->error_ds, f->path, g, "error", str, 1, &n, &run_ds, str, texts, "1",
                        "why a failed run stopped; empty otherwise");
    }
    for (size_t k = 0; rc == LIQ_OK && k < sw->n_params; k++) {
        const liq_sweep_param_t *p = &sw->params[k];
        for (int64_t r = 0; r < f->n_runs; r++) {
            const liq_sweep_cell_t *c =
                &sw->cells[(size_t)(r / sw->seeds_per_setting) * sw->n_params + k];
            if (p->numeric) {
                dbuf[r] = c->text != NULL ? c->value : (double)NAN;
            } else {
                texts[r] = c->text != NULL ? c->text : "";
            }
        }
        char long_name[1024];
        size_t used = (size_t)snprintf(long_name, sizeof(long_name), "%s",
                                       p->scale ? "factor on the base value of " : "");
        for (size_t j = 0; j < p->n_paths && used < sizeof(long_name); j++) {
            used += (size_t)snprintf(long_name + used, sizeof(long_name) - used, "%s%s",
                                     j > 0 ? ", " : "", p->paths[j]);
        }
        rc = liq_sf_var(&ds, f->path, g, p->column, p->numeric ? H5T_IEEE_F64LE : str, 1, &n,
                        &run_ds, p->numeric ? H5T_NATIVE_DOUBLE : str, buf, "1", long_name);
        if (rc == LIQ_OK) {
            rc = liq_h5_attr_string(f->path, ds, "parameter", p->name);
        }
        if (rc == LIQ_OK) {
            rc = liq_h5_attr_int64(f->path, ds, "scale", p->scale ? 1 : 0);
        }
        rc = liq_sf_close(f->path, &ds, p->column, rc);
    }
    if (str >= 0) {
        H5Tclose(str);
    }
    return rc;
}

/* Metric columns of all three groups, every row pending (NaN or 0). */
static int liq_sf_create_metrics(liq_sweep_file_t *f, const hid_t scales[3][2], void *buf)
{
    const size_t width[3] = {1, f->n_oracles, f->n_protocols};
    int rc = LIQ_OK;
    for (size_t k = 0; rc == LIQ_OK && k < liq_summary_defs_count; k++) {
        const liq_summary_def_t *def = &liq_summary_defs[k];
        const size_t g = def->dim < 0 ? 0 : def->dim == LIQ_DIM_ORACLE ? 1 : 2;
        const size_t count = (size_t)f->n_runs * width[g];
        for (size_t i = 0; i < count; i++) {
            if (def->integer) {
                ((int64_t *)buf)[i] = 0;
            } else {
                ((double *)buf)[i] = NAN;
            }
        }
        const hsize_t dims[2] = {(hsize_t)f->n_runs, width[g]};
        rc = liq_sf_var(&f->def_ds[k], f->path, f->group[g], def->name,
                        def->integer ? H5T_STD_I64LE : H5T_IEEE_F64LE, g == 0 ? 1 : 2, dims,
                        scales[g], def->integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, buf,
                        def->units, def->long_name);
    }
    for (size_t k = 0; rc == LIQ_OK && k < LIQ_N_EXTRA; k++) {
        for (int64_t i = 0; i < f->n_runs; i++) {
            if (liq_extra_defs[k].integer) {
                ((int64_t *)buf)[i] = 0;
            } else {
                ((double *)buf)[i] = NAN;
            }
        }
        const hsize_t n = (hsize_t)f->n_runs;
        rc = liq_sf_var(&f->extra_ds[k], f->path, f->group[0], liq_extra_defs[k].name,
                        liq_extra_defs[k].integer ? H5T_STD_I64LE : H5T_IEEE_F64LE, 1, &n,
                        scales[0], liq_extra_defs[k].integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE,
                        buf, liq_extra_defs[k].units, liq_extra_defs[k].long_name);
    }
    return rc;
}

static int liq_sf_create(liq_sweep_file_t *f, const liq_sweep_t *sw, bool force)
{
    struct stat st;
    if (!force && stat(f->path, &st) == 0) {
        return liq_error_set(LIQ_EEXIST,
                             "%s: file exists; pass --force to overwrite, or "
                             "--resume to finish it",
                             f->path);
    }
    const hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    int rc = LIQ_OK;
    /* As the run file (h5_writer.c): creation order for netCDF-4, freed
     * space never reused and 1 MiB blocks, and the committing driver, under
     * which each flush is published atomically. */
    if (fcpl < 0 || fapl < 0 ||
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1) < 0 ||
        H5Pset_meta_block_size(fapl, LIQ_SF_BLOCK_BYTES) < 0 ||
        H5Pset_small_data_block_size(fapl, LIQ_SF_BLOCK_BYTES) < 0 ||
        liq_h5_commit_fapl(fapl, false) < 0) {
        rc = liq_h5_fail(f->path, "cannot set the properties of the file");
    }
    if (rc == LIQ_OK) {
        f->file = H5Fcreate(f->path, force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, fcpl, fapl);
        if (f->file < 0) {
            rc = liq_h5_fail(f->path, "cannot create the file");
        }
    }
    if (fcpl >= 0) {
        H5Pclose(fcpl);
    }
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(f->path, f->file, "liqnet_version", LIQNET_VERSION);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(f->path, f->file, "sweep", sw->text);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(f->path, f->file, "base_scenario", sw->base_yaml);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_write(f->path, f->file, "sweep_seed", H5T_NATIVE_UINT64, &sw->seed);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_int64(f->path, f->file, "n_runs", sw->n_runs);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(f->path, f->file, "status", "incomplete");
    }
    for (size_t g = 0; g < 3 && rc == LIQ_OK; g++) {
        rc = liq_sf_group(&f->group[g], f->path, f->file, liq_group_names[g], true);
    }
    if (rc == LIQ_OK) {
        rc = liq_sf_group(&f->runs, f->path, f->file, "runs", false);
    }
    /* One buffer for every column: n_runs x max(oracles, protocols, 1) x 8. */
    size_t width = f->n_oracles > f->n_protocols ? f->n_oracles : f->n_protocols;
    width = width > 0 ? width : 1;
    void *buf = rc == LIQ_OK ? malloc((size_t)f->n_runs * width * 8) : NULL;
    if (rc == LIQ_OK && buf == NULL) {
        rc = liq_sf_nomem(f->path);
    }
    hid_t run_ds[3] = {-1, -1, -1}, entity_ds[3] = {-1, -1, -1};
    for (int64_t r = 0; rc == LIQ_OK && r < f->n_runs; r++) {
        ((int64_t *)buf)[r] = r;
    }
    for (size_t g = 0; g < 3 && rc == LIQ_OK; g++) {
        rc = liq_sf_coord(&run_ds[g], f->path, f->group[g], "run", H5T_STD_I64LE,
                          (hsize_t)f->n_runs, H5T_NATIVE_INT64, buf,
                          "run index: setting * seeds_per_setting + replicate");
    }
    const hid_t str = rc == LIQ_OK ? liq_h5_string_type() : -1;
    if (rc == LIQ_OK && str < 0) {
        rc = liq_h5_fail(f->path, "cannot make a string type");
    }
    for (size_t g = 1; g < 3 && rc == LIQ_OK; g++) {
        const size_t n = g == 1 ? f->n_oracles : f->n_protocols;
        const char **names = buf;
        for (size_t i = 0; i < n; i++) {
            names[i] = g == 1 ? sw->base->oracles[i].name : sw->base->protocols[i].name;
        }
        rc = liq_sf_coord(&entity_ds[g], f->path, f->group[g], g == 1 ? "oracle" : "protocol", str,
                          n, str, names, g == 1 ? "oracle name" : "protocol name");
    }
    if (str >= 0) {
        H5Tclose(str);
    }
    if (rc == LIQ_OK) {
        rc = liq_sf_create_run_columns(f, sw, run_ds[0], buf);
    }
    const hid_t scales[3][2] = {
        {run_ds[0], -1}, {run_ds[1], entity_ds[1]}, {run_ds[2], entity_ds[2]}};
    if (rc == LIQ_OK) {
        rc = liq_sf_create_metrics(f, scales, buf);
    }
    free(buf);
    for (size_t g = 0; g < 3; g++) {
        rc = liq_sf_close(f->path, &run_ds[g], "run", rc);
        rc = liq_sf_close(f->path, &entity_ds[g], "entity", rc);
    }
    if (rc == LIQ_OK && liq_h5_commit_flush(f->file) < 0) {
        rc = liq_h5_fail(f->path, "cannot flush the file");
    }
    return rc;
}

/* Allocates the handle, then creates or reopens the file (HDF5's own error
 * printing off); on failure closes what was opened and frees the handle. */
static int liq_sf_start(liq_sweep_file_t **out, const char *path, const liq_sweep_t *sw,
                        bool create, bool force);

int liq_sweep_file_create(liq_sweep_file_t **out, const char *path, const liq_sweep_t *sw,
                          bool force)
{
    return liq_sf_start(out, path, sw, true, force);
}

/* --------------------------------------------------------------- open */

/* Reads a string attribute of the root into a malloc'ed copy. */
static int liq_sf_read_string_attr(liq_sweep_file_t *f, const char *name, char **out)
{
    *out = NULL;
    /* Tell a damaged file (a reading error: HDF5 1.10.8 then also leaks
     * memory, which its exit handler reports as "infinite loop closing
     * library") from a file that is not a sweep file. Files written through
     * the committing driver are never damaged by a kill or a full disk. */
    const htri_t exists = H5Aexists(f->file, name);
    if (exists < 0) {
        return liq_h5_fail(f->path, "cannot read attribute '%s' (a damaged file?)", name);
    }
    if (exists == 0) {
        return liq_error_set(LIQ_EINVAL, "%s: no attribute '%s': not a liqnet sweep file", f->path,
                             name);
    }
    const hid_t attr = H5Aopen(f->file, name, H5P_DEFAULT);
    if (attr < 0) {
        return liq_h5_fail(f->path, "cannot open attribute '%s'", name);
    }
    const hid_t str = liq_h5_string_type();
    char *value = NULL;
    int rc = LIQ_OK;
    if (str < 0 || H5Aread(attr, str, &value) < 0) {
        rc = liq_h5_fail(f->path, "cannot read attribute '%s'", name);
    }
    if (rc == LIQ_OK) {
        *out = strdup(value != NULL ? value : "");
        if (*out == NULL) {
            rc = liq_sf_nomem(f->path);
        }
    }
    if (value != NULL) {
        H5free_memory(value);
    }
    if (str >= 0) {
        H5Tclose(str);
    }
    H5Aclose(attr);
    return rc;
}

static int liq_sf_open_ds(liq_sweep_file_t *f, hid_t group, const char *name, hid_t *out)
{
    *out = H5Dopen2(group, name, H5P_DEFAULT);
    if (*out < 0) {
        return liq_h5_fail(f->path, "cannot open dataset '%s'", name);
    }
    return LIQ_OK;
}

static int liq_sf_open(liq_sweep_file_t *f, const liq_sweep_t *sw)
{
    /* The driver copies the file to its shadow here (one read and write of
     * the file per resume). */
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || liq_h5_commit_fapl(fapl, false) < 0) {
        if (fapl >= 0) {
            H5Pclose(fapl);
        }
        return liq_h5_fail(f->path, "cannot set the access properties of the file");
    }
    f->file = H5Fopen(f->path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (f->file < 0) {
        return liq_h5_fail(f->path, "cannot open the file to resume");
    }
    static const char *const attrs[2] = {"sweep", "base_scenario"};
    const char *expected[2] = {sw->text, sw->base_yaml};
    static const char *const what[2] = {"the sweep file", "the base scenario (resolved)"};
    for (size_t k = 0; k < 2; k++) {
        char *stored = NULL;
        int rc = liq_sf_read_string_attr(f, attrs[k], &stored);
        if (rc == LIQ_OK && strcmp(stored, expected[k]) != 0) {
            rc = liq_error_set(LIQ_EINVAL,
                               "%s: %s differs from the one this file was started with "
                               "(attribute '%s'); expected the same to resume, or start a new "
                               "file",
                               f->path, what[k], attrs[k]);
        }
        free(stored);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    for (size_t g = 0; g < 3; g++) {
        f->group[g] = H5Gopen2(f->file, liq_group_names[g], H5P_DEFAULT);
        if (f->group[g] < 0) {
            return liq_h5_fail(f->path, "cannot open group '%s'", liq_group_names[g]);
        }
    }
    f->runs = H5Gopen2(f->file, "runs", H5P_DEFAULT);
    if (f->runs < 0) {
        return liq_h5_fail(f->path, "cannot open group '%s'", "runs");
    }
    int rc = liq_sf_open_ds(f, f->group[0], "status", &f->status_ds);
    if (rc == LIQ_OK) {
        rc = liq_sf_open_ds(f, f->group[0], "error", &f->error_ds);
    }
    for (size_t k = 0; rc == LIQ_OK && k < liq_summary_defs_count; k++) {
        const liq_summary_def_t *def = &liq_summary_defs[k];
        const size_t g = def->dim < 0 ? 0 : def->dim == LIQ_DIM_ORACLE ? 1 : 2;
        rc = liq_sf_open_ds(f, f->group[g], def->name, &f->def_ds[k]);
    }
    for (size_t k = 0; rc == LIQ_OK && k < LIQ_N_EXTRA; k++) {
        rc = liq_sf_open_ds(f, f->group[0], liq_extra_defs[k].name, &f->extra_ds[k]);
    }
    if (rc == LIQ_OK) {
        const hid_t space = H5Dget_space(f->status_ds);
        hsize_t n = 0;
        if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
            H5Sget_simple_extent_dims(space, &n, NULL) < 0 || n != (hsize_t)f->n_runs) {
            rc = liq_error_set(LIQ_EINVAL, "%s: summary/status has %llu rows; expected %lld",
                               f->path, (unsigned long long)n, (long long)f->n_runs);
        }
        if (space >= 0) {
            H5Sclose(space);
        }
    }
    if (rc == LIQ_OK &&
        H5Dread(f->status_ds, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, f->status) < 0) {
        rc = liq_h5_fail(f->path, "cannot read dataset '%s'", "status");
    }
    return rc;
}

static int liq_sf_start(liq_sweep_file_t **out, const char *path, const liq_sweep_t *sw,
                        bool create, bool force)
{
    assert(out != NULL && path != NULL && sw != NULL);
    *out = NULL;
    liq_sweep_file_t *f = NULL;
    int rc = liq_sf_alloc(&f, path, sw);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    rc = create ? liq_sf_create(f, sw, force) : liq_sf_open(f, sw);
    if (rc != LIQ_OK) {
        /* A new file is not published; a resumed one is left as it was. */
        liq_h5_commit_abandon(f->file);
        liq_sf_close_ids(f);
    }
    liq_h5_quiet_end(&quiet);
    if (rc != LIQ_OK) {
        liq_sf_free(f);
        return rc;
    }
    liq_sf_update_pending(f);
    f->flushed_done = (size_t)f->n_runs - f->n_pending;
    f->last_flush = liq_now();
    *out = f;
    return LIQ_OK;
}

int liq_sweep_file_open(liq_sweep_file_t **out, const char *path, const liq_sweep_t *sw)
{
    return liq_sf_start(out, path, sw, false, false);
}

size_t liq_sweep_file_pending(const liq_sweep_file_t *f, const int64_t **runs)
{
    if (runs != NULL) {
        *runs = f->pending;
    }
    return f->n_pending;
}

/* ------------------------------------------------------------- record */

/*
 * After a failed flush (a full disk, an I/O error): the file on disk is the
 * one the last successful flush published, which a resume finishes. This
 * handle is closed without writing anything more, and every later call
 * returns the error, with what the file keeps.
 */
static int liq_sf_failed(liq_sweep_file_t *f, int rc)
{
    snprintf(f->failure, sizeof(f->failure),
             "%s; %s keeps the %zu runs recorded by its last flush (of %lld) and is marked "
             "incomplete: finish it with --resume once the cause is fixed",
             liq_errmsg(), f->path, f->flushed_done, (long long)f->n_runs);
    liq_h5_commit_abandon(f->file);
    liq_sf_close_ids(f);
    f->failed = true;
    return liq_error_set(rc, "%s", f->failure);
}

/* Flushes and publishes the file (io/h5_commit.c). */
static int liq_sf_commit(liq_sweep_file_t *f)
{
    if (liq_h5_commit_flush(f->file) < 0) {
        return liq_sf_failed(f, liq_h5_fail(f->path, "cannot flush the file"));
    }
    f->flushed_done = (size_t)f->n_runs - f->n_pending;
    f->last_flush = liq_now();
    return LIQ_OK;
}

/* Writes row `run` (width values; rank 1 when width is 0 meaning a scalar
 * column) of a dataset. */
static int liq_sf_write_row(const liq_sweep_file_t *f, hid_t ds, const char *name, int rank,
                            int64_t run, size_t width, hid_t memtype, const void *data)
{
    if (rank == 2 && width == 0) {
        return LIQ_OK;
    }
    const hsize_t start[2] = {(hsize_t)run, 0};
    const hsize_t count[2] = {1, width};
    const hid_t fspace = H5Dget_space(ds);
    if (fspace < 0) {
        return liq_h5_fail(f->path, "cannot get the dataspace of '%s'", name);
    }
    int rc = LIQ_OK;
    const hid_t mspace = H5Screate_simple(rank, count, NULL);
    if (mspace < 0) {
        rc = liq_h5_fail(f->path, "cannot create a memory dataspace for '%s'", name);
    } else if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0) {
        rc = liq_h5_fail(f->path, "cannot select row %lld of '%s'", (long long)run, name);
    } else if (H5Dwrite(ds, memtype, mspace, fspace, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(f->path, "cannot write row %lld of '%s'", (long long)run, name);
    }
    if (mspace >= 0) {
        H5Sclose(mspace);
    }
    H5Sclose(fspace);
    return rc;
}

static int liq_sf_write_group(liq_sweep_file_t *f, const liq_sweep_result_t *result)
{
    char name[32];
    snprintf(name, sizeof(name), "run_%06lld", (long long)result->run);
    /* A group left by a process killed while writing it: its run's status
     * is still 0, so it is made again from scratch. */
    const htri_t exists = H5Lexists(f->runs, name, H5P_DEFAULT);
    if (exists < 0) {
        return liq_h5_fail(f->path, "cannot look up group 'runs/%s'", name);
    }
    if (exists > 0 && H5Ldelete(f->runs, name, H5P_DEFAULT) < 0) {
        return liq_h5_fail(f->path, "cannot delete the unfinished group 'runs/%s'", name);
    }
    hid_t group = -1;
    int rc = liq_sf_group(&group, f->path, f->runs, name, true);
    if (rc == LIQ_OK) {
        rc = liq_h5_traj_write(result->traj, group, f->path, result->scenario);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_int64(f->path, group, "run", result->run);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_write(f->path, group, "seed", H5T_NATIVE_UINT64, &result->scenario->seed);
    }
    if (group >= 0 && H5Gclose(group) < 0 && rc == LIQ_OK) {
        rc = liq_h5_fail(f->path, "cannot close group 'runs/%s'", name);
    }
    return rc;
}

static int liq_sf_record(liq_sweep_file_t *f, const liq_sweep_result_t *result)
{
    const int64_t run = result->run;
    const liq_summary_t *s = &result->summary;
    if (run < 0 || run >= f->n_runs || f->status[run] != LIQ_RUN_PENDING) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: run %lld is not pending; expected one of the %zu "
                             "pending runs",
                             f->path, (long long)run, f->n_pending);
    }
    if (s->n_oracles != f->n_oracles || s->n_protocols != f->n_protocols) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: run %lld has %zu oracles and %zu protocols; the "
                             "file has %zu and %zu",
                             f->path, (long long)run, s->n_oracles, s->n_protocols, f->n_oracles,
                             f->n_protocols);
    }
    int rc = LIQ_OK;
    if (result->traj != NULL) {
        rc = liq_sf_write_group(f, result);
    }
    for (size_t k = 0; rc == LIQ_OK && k < liq_summary_defs_count; k++) {
        const liq_summary_def_t *def = &liq_summary_defs[k];
        const hid_t memtype = def->integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
        const void *data = (const char *)s + def->offset;
        if (def->dim < 0) {
            rc = liq_sf_write_row(f, f->def_ds[k], def->name, 1, run, 1, memtype, data);
        } else {
            const size_t width = def->dim == LIQ_DIM_ORACLE ? f->n_oracles : f->n_protocols;
            rc = liq_sf_write_row(f, f->def_ds[k], def->name, 2, run, width, memtype,
                                  *(const void *const *)data);
        }
    }
    /* The sums over protocols and the largest amplification (NaN only when
     * every oracle's is NaN, or there is no oracle). */
    int64_t stalled = 0;
    for (size_t p = 0; p < s->n_protocols; p++) {
        stalled += s->stalled[p];
    }
    double amplification = NAN;
    for (size_t o = 0; o < s->n_oracles; o++) {
        if (!isnan(s->amplification[o]) &&
            (isnan(amplification) || s->amplification[o] > amplification)) {
            amplification = s->amplification[o];
        }
    }
    const void *extra[LIQ_N_EXTRA] = {&s->total_liquidations, &stalled, &amplification};
    for (size_t k = 0; rc == LIQ_OK && k < LIQ_N_EXTRA; k++) {
        rc = liq_sf_write_row(f, f->extra_ds[k], liq_extra_defs[k].name, 1, run, 1,
                              liq_extra_defs[k].integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE,
                              extra[k]);
    }
    if (rc == LIQ_OK) {
        const hid_t str = liq_h5_string_type();
        const char *error = result->error != NULL ? result->error : "";
        if (str < 0) {
            rc = liq_h5_fail(f->path, "cannot make a string type");
        } else {
            rc = liq_sf_write_row(f, f->error_ds, "error", 1, run, 1, str, &error);
            H5Tclose(str);
        }
    }
    /* Last: the status, which promises everything above. */
    const int8_t status = (int8_t)result->status;
    if (rc == LIQ_OK) {
        rc = liq_sf_write_row(f, f->status_ds, "status", 1, run, 1, H5T_NATIVE_INT8, &status);
    }
    if (rc == LIQ_OK) {
        f->status[run] = status;
        size_t j = 0;
        for (size_t i = 0; i < f->n_pending; i++) {
            if (f->pending[i] != run) {
                f->pending[j++] = f->pending[i];
            }
        }
        f->n_pending = j;
    }
    if (rc == LIQ_OK && liq_now() - f->last_flush >= LIQ_SF_FLUSH_SECONDS) {
        rc = liq_sf_commit(f);
    }
    return rc;
}

int liq_sweep_file_record(liq_sweep_file_t *f, const liq_sweep_result_t *result)
{
    assert(f != NULL && result != NULL);
    if (f->failed) {
        return liq_error_set(LIQ_EHDF5, "%s", f->failure);
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const int rc = liq_sf_record(f, result);
    liq_h5_quiet_end(&quiet);
    return rc;
}

int liq_sweep_file_flush(liq_sweep_file_t *f)
{
    assert(f != NULL);
    if (f->failed) {
        return liq_error_set(LIQ_EHDF5, "%s", f->failure);
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const int rc = liq_sf_commit(f);
    liq_h5_quiet_end(&quiet);
    return rc;
}

int liq_sweep_file_close(liq_sweep_file_t *f)
{
    assert(f != NULL);
    if (f->failed) {
        const int failed = liq_error_set(LIQ_EHDF5, "%s", f->failure);
        liq_sf_free(f);
        return failed;
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    int rc = LIQ_OK;
    if (f->n_pending == 0) {
        rc = liq_h5_attr_string(f->path, f->file, "status", "complete");
    }
    const bool flush = rc == LIQ_OK;
    if (flush) {
        rc = liq_sf_commit(f); /* closes the file when it fails */
    }
    for (size_t k = 0; k < liq_summary_defs_count; k++) {
        rc = liq_sf_close(f->path, &f->def_ds[k], liq_summary_defs[k].name, rc);
    }
    for (size_t k = 0; k < LIQ_N_EXTRA; k++) {
        rc = liq_sf_close(f->path, &f->extra_ds[k], liq_extra_defs[k].name, rc);
    }
    rc = liq_sf_close(f->path, &f->status_ds, "status", rc);
    rc = liq_sf_close(f->path, &f->error_ds, "error", rc);
    for (size_t g = 0; g < 3; g++) {
        if (f->group[g] >= 0 && H5Gclose(f->group[g]) < 0 && rc == LIQ_OK) {
            rc = liq_h5_fail(f->path, "cannot close group '%s'", liq_group_names[g]);
        }
        f->group[g] = -1;
    }
    if (f->runs >= 0 && H5Gclose(f->runs) < 0 && rc == LIQ_OK) {
        rc = liq_h5_fail(f->path, "cannot close group '%s'", "runs");
    }
    f->runs = -1;
    /* After a successful flush the file is published whole: closing only
     * trims unused space, and a failure there leaves it as published. */
    if (f->file >= 0 && H5Fclose(f->file) < 0 && rc == LIQ_OK && !flush) {
        rc = liq_h5_fail(f->path, "cannot close the file");
    }
    f->file = -1;
    liq_sf_close_ids(f);
    liq_h5_quiet_end(&quiet);
    liq_sf_free(f);
    return rc;
}

void liq_sweep_file_destroy(liq_sweep_file_t *f)
{
    if (f == NULL) {
        return;
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    /* The file stays as its last flush left it, as after a kill. */
    liq_h5_commit_abandon(f->file);
    liq_sf_close_ids(f);
    liq_h5_quiet_end(&quiet);
    liq_sf_free(f);
}
