/*
 * The calibration results file (docs/calibration.md, "The results file"):
 * HDF5, netCDF-4 compatible like the run and sweep files. It is created when
 * the calibration starts, with the calibration text, the resolved scenario
 * and status "incomplete", and published (io/h5_commit.c); everything else
 * (the parameters and their fitted values, the target table, the evaluation
 * log) is written when the calibration ends, with status "complete" or
 * "interrupted", in one more commit. Under the committing driver a process
 * killed at any moment leaves either no file or the file of one of those two
 * commits, so a killed calibration is never taken for a complete one.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5_hl.h>

#include "experiment/calibrate_internal.h"
#include "io/h5_layout.h"
#include "liqnet/error.h"
#include "liqnet/version.h"

#define LIQ_CF_BLOCK_BYTES ((hsize_t)1 << 20)

struct liq_calib_file {
    char *path;
    hid_t file;
};

void liq_calib_file_destroy(liq_calib_file_t *f)
{
    if (f == NULL) {
        return;
    }
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    if (f->file >= 0) {
        /* The file stays as its last commit left it, as after a kill. */
        liq_h5_commit_abandon(f->file);
        H5Fclose(f->file);
    }
    liq_h5_quiet_end(&quiet);
    free(f->path);
    free(f);
}

static int liq_cf_group(hid_t *out, const char *path, hid_t loc, const char *name)
{
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    int rc = LIQ_OK;
    if (gcpl < 0 ||
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        rc = liq_h5_fail(path, "cannot set the properties of group '%s'", name);
    }
    if (rc == LIQ_OK && (*out = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0) {
        rc = liq_h5_fail(path, "cannot create group '%s'", name);
    }
    if (gcpl >= 0) {
        H5Pclose(gcpl);
    }
    return rc;
}

/* A dataset of rank 1 or 2 written whole (memtype), its dimension scales
 * attached (or made a scale itself when `scales` is NULL), described and
 * closed. */
static int liq_cf_write(const char *path, hid_t group, const char *name, hid_t type, hid_t memtype,
                        int rank, const hsize_t *dims, const hid_t *scales, const void *data,
                        const char *units, const char *long_name)
{
    hid_t ds = -1;
    int rc = liq_h5_create_ds(&ds, path, group, name, type, rank, dims, NULL);
    const bool empty = dims[0] == 0 || (rank == 2 && dims[1] == 0);
    if (rc == LIQ_OK && !empty && H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(path, "cannot write dataset '%s'", name);
    }
    if (rc == LIQ_OK && scales == NULL && H5DSset_scale(ds, name) < 0) {
        rc = liq_h5_fail(path, "cannot make a dimension scale of '%s'", name);
    }
    for (int k = 0; rc == LIQ_OK && scales != NULL && k < rank; k++) {
        if (H5DSattach_scale(ds, scales[k], (unsigned)k) < 0) {
            rc = liq_h5_fail(path, "cannot attach a dimension to '%s'", name);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(path, ds, units, long_name);
    }
    const int close_rc = liq_h5_close_ds(path, &ds, name);
    return rc != LIQ_OK ? rc : close_rc;
}

static int liq_cf_open(hid_t *out, const char *path, hid_t group, const char *name)
{
    *out = H5Dopen2(group, name, H5P_DEFAULT);
    return *out >= 0 ? LIQ_OK : liq_h5_fail(path, "cannot open dataset '%s'", name);
}

int liq_calib_file_create(liq_calib_file_t **out, const char *path, const liq_calib_t *cal,
                          bool force)
{
    *out = NULL;
    struct stat st;
    if (!force && stat(path, &st) == 0) {
        return liq_error_set(LIQ_EEXIST, "%s: file exists; pass --force to overwrite it", path);
    }
    liq_calib_file_t *f = calloc(1, sizeof(*f));
    if (f == NULL || (f->path = strdup(path)) == NULL) {
        free(f);
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory", path);
    }
    f->file = -1;
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    int rc = LIQ_OK;
    /* As the run and sweep files: creation order for netCDF-4, freed space
     * never reused, and the committing driver. */
    if (fcpl < 0 || fapl < 0 ||
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1) < 0 ||
        H5Pset_meta_block_size(fapl, LIQ_CF_BLOCK_BYTES) < 0 ||
        H5Pset_small_data_block_size(fapl, LIQ_CF_BLOCK_BYTES) < 0 ||
        liq_h5_commit_fapl(fapl, false) < 0) {
        rc = liq_h5_fail(path, "cannot set the properties of the file");
    }
    if (rc == LIQ_OK &&
        (f->file = H5Fcreate(path, force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, fcpl, fapl)) < 0) {
        rc = liq_h5_fail(path, "cannot create the file");
    }
    if (fcpl >= 0) {
        H5Pclose(fcpl);
    }
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    static const char *const names[] = {"liqnet_version", "calibration", "scenario", "status"};
    const char *values[] = {LIQNET_VERSION, cal->text, cal->scenario_yaml, "incomplete"};
    for (size_t k = 0; rc == LIQ_OK && k < 4; k++) {
        rc = liq_h5_attr_string(path, f->file, names[k], values[k]);
    }
    if (rc == LIQ_OK && liq_h5_commit_flush(f->file) < 0) {
        rc = liq_h5_fail(path, "cannot flush the file");
    }
    liq_h5_quiet_end(&quiet);
    if (rc != LIQ_OK) {
        liq_calib_file_destroy(f);
        return rc;
    }
    *out = f;
    return LIQ_OK;
}

/* Root attributes: the optimiser, its outcome and the data split. */
static int liq_cf_attrs(const char *path, hid_t file, const liq_calib_t *cal, const char *status)
{
    int rc = LIQ_OK;
    const struct {
        const char *name, *value;
    } strings[] = {
        {"status", status},
        {"algorithm", cal->algorithm},
        {"global_algorithm", cal->global != NULL ? cal->global : ""},
        {"stop_reason", cal->stop_reason},
        {"stop_meaning", cal->stop_meaning != NULL ? cal->stop_meaning : ""},
        {"global_stop_reason", cal->global_stop_reason},
        {"objective_formula", "sum over fitted targets of weight * ((model - real) / scale)^2"},
    };
    for (size_t k = 0; rc == LIQ_OK && k < sizeof(strings) / sizeof(strings[0]); k++) {
        rc = liq_h5_attr_string(path, file, strings[k].name, strings[k].value);
    }
    const struct {
        const char *name;
        int64_t value;
    } ints[] = {
        {"n_evaluations", (int64_t)cal->n_rows},
        {"max_evaluations", cal->max_evaluations},
        {"global_evaluations", cal->global_evaluations},
        {"scenario_rounds", cal->rounds},
        {"fit_first_round", cal->fit_start},
        {"fit_last_round", cal->fit_stop - 1},
        {"fit_rounds_run", cal->fit_rounds_run},
        {"final_rounds_run", cal->all_rounds_run},
    };
    for (size_t k = 0; rc == LIQ_OK && k < sizeof(ints) / sizeof(ints[0]); k++) {
        rc = liq_h5_attr_int64(path, file, ints[k].name, ints[k].value);
    }
    const struct {
        const char *name;
        double value;
    } reals[] = {
        {"objective", cal->done ? cal->objective : (double)NAN},
        {"prediction_objective", cal->done ? cal->prediction_objective : (double)NAN},
        {"xtol", cal->xtol},
        {"ftol", cal->ftol},
        {"initial_step", cal->initial_step},
    };
    for (size_t k = 0; rc == LIQ_OK && k < sizeof(reals) / sizeof(reals[0]); k++) {
        rc = liq_h5_attr_write(path, file, reals[k].name, H5T_NATIVE_DOUBLE, &reals[k].value);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_write(path, file, "optimizer_seed", H5T_NATIVE_UINT64,
                               &cal->optimizer_seed);
    }
    return rc;
}

/* Group `parameters`. */
static int liq_cf_params(const char *path, hid_t file, hid_t str, const liq_calib_t *cal)
{
    hid_t g = -1, coord = -1;
    int rc = liq_cf_group(&g, path, file, "parameters");
    const size_t n = cal->n_params;
    const hsize_t dims[1] = {n};
    const char *names[LIQ_CALIB_MAX_PARAMS], *paths[LIQ_CALIB_MAX_PARAMS];
    double col[5][LIQ_CALIB_MAX_PARAMS];
    int8_t log_scale[LIQ_CALIB_MAX_PARAMS];
    for (size_t k = 0; k < n; k++) {
        const liq_calib_param_t *p = &cal->params[k];
        names[k] = p->name;
        paths[k] = p->path;
        col[0][k] = p->lower;
        col[1][k] = p->upper;
        col[2][k] = p->start;
        col[3][k] = cal->done ? cal->fitted[k] : (double)NAN;
        log_scale[k] = p->log ? 1 : 0;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "parameter", str, str, 1, dims, NULL, names, "1",
                          "parameter name (its path unless named)");
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_open(&coord, path, g, "parameter");
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "path", str, str, 1, dims, &coord, paths, "1",
                          "scenario key path the parameter sets (docs/sweeps.md, Paths)");
    }
    static const char *const col_names[4] = {"lower", "upper", "start", "fitted"};
    static const char *const col_long[4] = {"lower bound", "upper bound",
                                            "value the local search started from",
                                            "fitted value (NaN unless complete)"};
    for (size_t c = 0; rc == LIQ_OK && c < 4; c++) {
        rc = liq_cf_write(path, g, col_names[c], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims, &coord,
                          col[c], "as the scenario key", col_long[c]);
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "log", H5T_STD_I8LE, H5T_NATIVE_INT8, 1, dims, &coord, log_scale,
                          "1", "1: searched on log(value), 0: on value");
    }
    if (coord >= 0) {
        H5Dclose(coord);
    }
    if (g >= 0) {
        H5Gclose(g);
    }
    return rc;
}

/* Group `targets`. */
static int liq_cf_targets(const char *path, hid_t file, hid_t str, const liq_calib_t *cal,
                          void *buf)
{
    hid_t g = -1, coord = -1;
    int rc = liq_cf_group(&g, path, file, "targets");
    const size_t n = cal->n_targets;
    const hsize_t dims[1] = {n};
    const char **s = buf;
    for (size_t k = 0; k < n; k++) {
        s[k] = cal->targets[k].name;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "target", str, str, 1, dims, NULL, s, "1", "target name");
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_open(&coord, path, g, "target");
    }
    for (int which = 0; rc == LIQ_OK && which < 2; which++) {
        for (size_t k = 0; k < n; k++) {
            s[k] = which == 0 ? cal->targets[k].quantity : cal->targets[k].source;
        }
        rc = liq_cf_write(path, g, which == 0 ? "quantity" : "source", str, str, 1, dims, &coord, s,
                          "1",
                          which == 0 ? "the model quantity compared with the real value"
                                     : "where the real value comes from");
    }
    static const char *const real_names[5] = {"real", "scale", "weight", "fitted", "error"};
    static const char *const real_long[5] = {
        "real value", "s: the error's denominator (|real| unless declared)", "weight w",
        "model value at the fitted parameters (mean over the seeds)",
        "relative error (fitted - real) / scale"};
    double *d = buf;
    for (int c = 0; rc == LIQ_OK && c < 5; c++) {
        for (size_t k = 0; k < n; k++) {
            const liq_calib_target_t *t = &cal->targets[k];
            const double fitted = cal->done ? cal->rows[cal->final_row].targets[k] : (double)NAN;
            const double v[5] = {t->real, t->scale, t->weight, fitted,
                                 (fitted - t->real) / t->scale};
            d[k] = v[c];
        }
        rc = liq_cf_write(path, g, real_names[c], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims,
                          &coord, d, c == 2 || c == 4 ? "1" : "as the quantity", real_long[c]);
    }
    int8_t *fit = buf;
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        fit[k] = cal->targets[k].fit ? 1 : 0;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "fit", H5T_STD_I8LE, H5T_NATIVE_INT8, 1, dims, &coord, fit, "1",
                          "1: fitted (its rounds lie in the fit rounds), 0: prediction");
    }
    int64_t *r = buf;
    for (int c = 0; rc == LIQ_OK && c < 2; c++) {
        for (size_t k = 0; k < n; k++) {
            r[k] = c == 0 ? cal->targets[k].first_round : cal->targets[k].last_round;
        }
        rc = liq_cf_write(path, g, c == 0 ? "first_round" : "last_round", H5T_STD_I64LE,
                          H5T_NATIVE_INT64, 1, dims, &coord, r, "round",
                          c == 0 ? "first round the target uses" : "last round the target uses");
    }
    if (coord >= 0) {
        H5Dclose(coord);
    }
    if (g >= 0) {
        H5Gclose(g);
    }
    return rc;
}

/* Group `evaluations`: the log, one row per evaluation. */
static int liq_cf_evaluations(const char *path, hid_t file, hid_t str, const liq_calib_t *cal,
                              void *buf)
{
    hid_t g = -1, scale[3] = {-1, -1, -1};
    int rc = liq_cf_group(&g, path, file, "evaluations");
    const size_t n = cal->n_rows, np = cal->n_params, nt = cal->n_targets;
    int64_t *index = buf;
    for (size_t r = 0; r < n; r++) {
        index[r] = (int64_t)r;
    }
    const hsize_t dn[1] = {n}, dp[1] = {np}, dt[1] = {nt};
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "evaluation", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dn, NULL,
                          index, "1", "evaluation index, in the order made");
    }
    const char **s = buf;
    for (size_t k = 0; rc == LIQ_OK && k < np; k++) {
        s[k] = cal->params[k].name;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "parameter", str, str, 1, dp, NULL, s, "1", "parameter name");
    }
    for (size_t k = 0; rc == LIQ_OK && k < nt; k++) {
        s[k] = cal->targets[k].name;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "target", str, str, 1, dt, NULL, s, "1", "target name");
    }
    static const char *const scale_names[3] = {"evaluation", "parameter", "target"};
    for (int k = 0; rc == LIQ_OK && k < 3; k++) {
        rc = liq_cf_open(&scale[k], path, g, scale_names[k]);
    }
    int8_t *phase = buf;
    for (size_t r = 0; rc == LIQ_OK && r < n; r++) {
        phase[r] = (int8_t)cal->rows[r].phase;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "phase", H5T_STD_I8LE, H5T_NATIVE_INT8, 1, dn, scale, phase, "1",
                          "0 global search, 1 local search, 2 final (fitted values, every "
                          "target, every round a target uses)");
    }
    double *d = buf;
    for (size_t r = 0; rc == LIQ_OK && r < n; r++) {
        d[r] = cal->rows[r].objective;
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_write(path, g, "objective", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dn, scale, d,
                          "1", "sum over fitted targets of weight * ((model - real) / scale)^2");
    }
    for (int which = 0; rc == LIQ_OK && which < 2; which++) {
        const size_t w = which == 0 ? np : nt;
        for (size_t r = 0; r < n; r++) {
            memcpy(d + r * w, which == 0 ? cal->rows[r].params : cal->rows[r].targets,
                   w * sizeof(double));
        }
        const hsize_t dims[2] = {n, w};
        const hid_t scales[2] = {scale[0], scale[which == 0 ? 1 : 2]};
        rc = liq_cf_write(path, g, which == 0 ? "parameters" : "targets", H5T_IEEE_F64LE,
                          H5T_NATIVE_DOUBLE, 2, dims, scales, d, "as the parameter or quantity",
                          which == 0 ? "parameter values of the evaluation"
                                     : "model values (mean over the seeds); NaN for targets the "
                                       "evaluation did not compute (prediction, while fitting)");
    }
    for (int k = 0; k < 3; k++) {
        if (scale[k] >= 0) {
            H5Dclose(scale[k]);
        }
    }
    if (g >= 0) {
        H5Gclose(g);
    }
    return rc;
}

int liq_calib_file_finish(liq_calib_file_t *f, const liq_calib_t *cal, const char *status)
{
    liq_h5_quiet_t quiet;
    liq_h5_quiet_begin(&quiet);
    const char *path = f->path;
    /* One buffer for every column: rows x max(params, targets, 1) x 8. */
    size_t width = cal->n_params > cal->n_targets ? cal->n_params : cal->n_targets;
    size_t rows = cal->n_rows > cal->n_targets ? cal->n_rows : cal->n_targets;
    void *buf = malloc((rows > 0 ? rows : 1) * (width > 0 ? width : 1) * 8 + 8 * cal->n_seeds);
    int rc = buf != NULL ? LIQ_OK : liq_error_set(LIQ_ENOMEM, "%s: out of memory", path);
    const hid_t str = rc == LIQ_OK ? liq_h5_string_type() : -1;
    if (rc == LIQ_OK && str < 0) {
        rc = liq_h5_fail(path, "cannot make a string type");
    }
    if (rc == LIQ_OK) {
        const hsize_t dims[1] = {cal->n_seeds};
        rc = liq_cf_write(path, f->file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, dims, NULL,
                          cal->seeds, "1",
                          "scenario seeds of every evaluation (common random numbers); a "
                          "model value is the mean over them");
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_params(path, f->file, str, cal);
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_targets(path, f->file, str, cal, buf);
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_evaluations(path, f->file, str, cal, buf);
    }
    if (rc == LIQ_OK) {
        rc = liq_cf_attrs(path, f->file, cal, status);
    }
    if (str >= 0) {
        H5Tclose(str);
    }
    free(buf);
    if (rc == LIQ_OK && liq_h5_commit_flush(f->file) < 0) {
        rc = liq_h5_fail(path, "cannot flush the file");
    }
    if (rc != LIQ_OK) {
        liq_h5_quiet_end(&quiet);
        liq_calib_file_destroy(f);
        return rc;
    }
    /* Published whole: closing only trims unused space. */
    H5Fclose(f->file);
    f->file = -1;
    liq_h5_quiet_end(&quiet);
    liq_calib_file_destroy(f);
    return LIQ_OK;
}
