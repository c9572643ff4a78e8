/*
 * liqnet show FILE.h5 [--json] [--top N]
 *
 * Prints the summary of a finished run again, from its file: the tables
 * `liqnet run` printed (or its --json object), read back from the summary
 * variables the writer stored (liq_summary_defs, io/h5_layout.h: the one
 * list both walk) and the resolved scenario in the file's `scenario`
 * attribute, which gives the names. What the file does not hold, the
 * machine's part of the run (accounts counted, threads, seconds, the
 * cross-margin line), is left out: the header line names the file instead.
 * A sweep results file gets a short description; another HDF5 file, or a
 * run that has no summary yet (still running, or killed), a message and
 * exit status 1.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli/show_cmd.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "cli/args.h"
#include "cli/summary.h"
#include "io/h5_layout.h"
#include "liqnet/error.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/version.h"

enum { LIQ_SHOW_JSON, LIQ_SHOW_TOP, LIQ_SHOW_COUNT };

static const liq_cli_option_t liq_show_options[LIQ_SHOW_COUNT] = {
    [LIQ_SHOW_JSON] = {"--json", NULL, NULL,
                       "print the summary as the JSON object of `liqnet run --json`, without "
                       "accounts, threads and seconds",
                       NULL},
    [LIQ_SHOW_TOP] = {"--top", NULL, "N",
                      "rows of the oracle, protocol and auction tables, as for `liqnet run`; 0 "
                      "shows all; default 20",
                      NULL},
};

const liq_cli_command_t liq_show_command = {
    .name = "show",
    .usage = {"FILE.h5 [--json] [--top N]"},
    .summary = "print the summary of a finished run from its file",
    .description = "Prints the summary `liqnet run` printed at the end of the run that wrote "
                   "FILE.h5, read back from the file: the cascade, the oracle and protocol "
                   "tables and the closing line, the same lines; the header names the file "
                   "instead of the machine's accounts, threads and time. A sweep results file "
                   "gets a short description. Exit status 1 for a file that is not a run's or "
                   "has no summary yet (a run still writing it, or killed).",
    .options = liq_show_options,
    .n_options = LIQ_SHOW_COUNT,
    .files = true,
};

/* An open file and what reading it needs to say in messages. */
typedef struct {
    const char *path;
    hid_t file;
} liq_show_file_t;

/* Whether the root has attribute `name` (false on errors too). */
static bool liq_show_has_attr(const liq_show_file_t *f, const char *name)
{
    return H5Aexists(f->file, name) > 0;
}

/* A string attribute of the root, newly allocated (NULL: absent, not a
 * string, or out of memory). */
static char *liq_show_attr_string(const liq_show_file_t *f, const char *name)
{
    if (!liq_show_has_attr(f, name)) {
        return NULL;
    }
    const hid_t attr = H5Aopen(f->file, name, H5P_DEFAULT);
    const hid_t type = attr >= 0 ? H5Aget_type(attr) : -1;
    char *out = NULL;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
        if (H5Tis_variable_str(type) > 0) {
            char *text = NULL;
            const hid_t mem = H5Tcopy(H5T_C_S1);
            /* HDF5 converts no strings between character sets: read in
             * the file's (liqnet writes UTF-8). */
            if (mem >= 0 && H5Tset_size(mem, H5T_VARIABLE) >= 0 &&
                H5Tset_cset(mem, H5Tget_cset(type)) >= 0 && H5Aread(attr, mem, &text) >= 0 &&
                text != NULL) {
                out = strdup(text);
                H5free_memory(text);
            }
            if (mem >= 0) {
                H5Tclose(mem);
            }
        } else {
            const size_t size = H5Tget_size(type);
            out = size > 0 ? calloc(size + 1, 1) : NULL;
            if (out != NULL && H5Aread(attr, type, out) < 0) {
                free(out);
                out = NULL;
            }
        }
    }
    if (type >= 0) {
        H5Tclose(type);
    }
    if (attr >= 0) {
        H5Aclose(attr);
    }
    return out;
}

/* A whole-number attribute of the root (int64 or uint64 in the file). */
static bool liq_show_attr_int(const liq_show_file_t *f, const char *name, int64_t *out)
{
    if (!liq_show_has_attr(f, name)) {
        return false;
    }
    const hid_t attr = H5Aopen(f->file, name, H5P_DEFAULT);
    const bool ok = attr >= 0 && H5Aread(attr, H5T_NATIVE_INT64, out) >= 0;
    if (attr >= 0) {
        H5Aclose(attr);
    }
    return ok;
}

/* Reads summary variable `def` into *s, whose entity counts are set;
 * per-entity arrays are allocated here (liq_summary_release frees them). */
static int liq_show_read_var(const liq_show_file_t *f, liq_summary_t *s,
                             const liq_summary_def_t *def)
{
    const htri_t exists = H5Lexists(f->file, def->name, H5P_DEFAULT);
    if (exists <= 0) {
        return liq_error_set(LIQ_EINVAL,
                             "%s: no summary variable '%s': the run has no summary yet (a run "
                             "still writing the file, or killed), or the file is not a run's",
                             f->path, def->name);
    }
    const hid_t ds = H5Dopen2(f->file, def->name, H5P_DEFAULT);
    if (ds < 0) {
        return liq_error_set(LIQ_EIO, "%s: cannot open dataset '%s'", f->path, def->name);
    }
    const hid_t space = H5Dget_space(ds);
    const int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t n = 1;
    if (rank == 1) {
        H5Sget_simple_extent_dims(space, &n, NULL);
    }
    size_t want = 1;
    if (def->dim == LIQ_DIM_ORACLE) {
        want = s->n_oracles;
    } else if (def->dim == LIQ_DIM_PROTOCOL) {
        want = s->n_protocols;
    }
    int rc = LIQ_OK;
    if (rank != (def->dim >= 0 ? 1 : 0) || (def->dim >= 0 && n != want) ||
        (def->dim != -1 && def->dim != LIQ_DIM_ORACLE && def->dim != LIQ_DIM_PROTOCOL)) {
        rc = liq_error_set(LIQ_EINVAL,
                           "%s: summary variable '%s' has the wrong shape for the scenario in "
                           "the file (%zu entries expected)",
                           f->path, def->name, want);
    }
    void *data = (char *)s + def->offset;
    const size_t bytes = def->integer ? sizeof(int64_t) : sizeof(double);
    if (rc == LIQ_OK && def->dim >= 0) {
        void *array = calloc(want > 0 ? want : 1, bytes);
        if (array == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory", f->path);
        } else {
            *(void **)data = array;
            data = array;
        }
    }
    const hid_t memtype = def->integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
    if (rc == LIQ_OK && want > 0 && H5Dread(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        rc = liq_error_set(LIQ_EIO, "%s: cannot read dataset '%s'", f->path, def->name);
    }
    if (space >= 0) {
        H5Sclose(space);
    }
    H5Dclose(ds);
    return rc;
}

/* The summary of the run file: every summary variable, and what the file
 * does not store but the table prints (the total of liquidations, rounds). */
static int liq_show_read_summary(const liq_show_file_t *f, const liq_scenario_t *sc,
                                 liq_summary_t *s)
{
    memset(s, 0, sizeof(*s));
    s->n_oracles = sc->n_oracles;
    s->n_protocols = sc->n_protocols;
    int rc = LIQ_OK;
    for (size_t k = 0; k < liq_summary_defs_count && rc == LIQ_OK; k++) {
        rc = liq_show_read_var(f, s, &liq_summary_defs[k]);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    int64_t rounds = 0;
    if (!liq_show_attr_int(f, "rounds_completed", &rounds)) {
        return liq_error_set(LIQ_EINVAL, "%s: no attribute 'rounds_completed'", f->path);
    }
    s->rounds = rounds;
    for (size_t p = 0; p < s->n_protocols; p++) {
        s->total_liquidations += s->liquidations[p];
    }
    return LIQ_OK;
}

/* A sweep results file: what it is and how far it went. */
static int liq_show_sweep(const liq_show_file_t *f)
{
    char *status = liq_show_attr_string(f, "status");
    int64_t n_runs = -1;
    liq_show_attr_int(f, "n_runs", &n_runs);
    printf("%s: a sweep results file, %lld runs, status %s\n", f->path, (long long)n_runs,
           status != NULL ? status : "unknown");
    printf("(not a run file: `liqnet show` prints one run's summary; a sweep's results are one "
           "row a run in its /summary group: python/liqnet_reader.py open_sweep, "
           "docs/sweeps.md)\n");
    free(status);
    return LIQ_EXIT_OK;
}

/* The run file: its scenario, its summary, printed as `liqnet run` did. */
static int liq_show_run(const liq_show_file_t *f, bool json, size_t top)
{
    char *scenario = liq_show_attr_string(f, "scenario");
    char *status = liq_show_attr_string(f, "status");
    char *version = liq_show_attr_string(f, "liqnet_version");
    liq_scenario_t *sc = NULL;
    liq_summary_t s;
    memset(&s, 0, sizeof(s));
    int rc = LIQ_OK;
    if (scenario == NULL || status == NULL) {
        rc = liq_error_set(LIQ_EINVAL, "%s: no 'scenario' or 'status' attribute: not a run file",
                           f->path);
    }
    if (rc == LIQ_OK) {
        char name[1100];
        snprintf(name, sizeof(name), "%s (its scenario)", f->path);
        rc = liq_scenario_parse(&sc, scenario, strlen(scenario), name, NULL);
    }
    int64_t seed = 0;
    if (rc == LIQ_OK && liq_show_attr_int(f, "seed", &seed)) {
        sc->seed = (uint64_t)seed;
    }
    if (rc == LIQ_OK) {
        rc = liq_show_read_summary(f, sc, &s);
    }
    if (rc == LIQ_OK) {
        const liq_summary_print_t how = {.output = f->path, .status = status, .top = top};
        if (json) {
            liq_summary_print_json(sc, &s, &how);
        } else {
            printf("liqnet %s: scenario '%s', seed %llu, %lld rounds; from %s (written by liqnet "
                   "%s)\n",
                   LIQNET_VERSION, sc->name, (unsigned long long)sc->seed, (long long)s.rounds,
                   f->path, version != NULL ? version : "?");
            liq_summary_print(sc, &s, &how);
        }
    }
    liq_summary_release(&s);
    liq_scenario_destroy(sc);
    free(scenario);
    free(status);
    free(version);
    return rc == LIQ_OK ? LIQ_EXIT_OK : liq_cli_fail(rc);
}

int liq_cmd_show(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    long long top = LIQ_SUMMARY_TOP_DEFAULT;
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_show_command, argc, argv, 2);
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        switch (k) {
        case LIQ_CLI_HELP:
            return LIQ_EXIT_OK;
        case LIQ_CLI_BAD:
            return LIQ_EXIT_USAGE;
        case LIQ_CLI_OPERAND:
            if (path != NULL) {
                return liq_cli_usage_error("show", "unexpected argument '%s'", p.value);
            }
            path = p.value;
            break;
        case LIQ_SHOW_JSON:
            json = true;
            break;
        case LIQ_SHOW_TOP:
            if (!liq_cli_whole(&p, 0, INT32_MAX, "a whole number >= 0", &top)) {
                return LIQ_EXIT_USAGE;
            }
            break;
        default:
            break;
        }
    }
    if (path == NULL) {
        return liq_cli_usage_error("show", "%s", "show needs a run file");
    }
    /* HDF5's own error stack would print pages for a file that is not
     * HDF5; the messages here say what went wrong. */
    H5E_auto2_t saved_func = NULL;
    void *saved_data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &saved_func, &saved_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int exit_code = LIQ_EXIT_OK;
#if H5_VERSION_GE(1, 12, 0)
    const htri_t is_hdf5 = H5Fis_accessible(path, H5P_DEFAULT);
#else
    const htri_t is_hdf5 = H5Fis_hdf5(path);
#endif
    liq_show_file_t f = {path, -1};
    if (is_hdf5 <= 0) {
        FILE *probe = fopen(path, "rb");
        if (probe == NULL) {
            liq_error_set(LIQ_EIO, "%s: cannot open the file", path);
        } else {
            fclose(probe);
            liq_error_set(LIQ_EINVAL, "%s: not an HDF5 file (liqnet show reads run files)", path);
        }
        exit_code = liq_cli_fail(LIQ_EINVAL);
    } else if ((f.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        liq_error_set(LIQ_EIO, "%s: cannot open the HDF5 file", path);
        exit_code = liq_cli_fail(LIQ_EIO);
    } else if (liq_show_has_attr(&f, "sweep")) {
        exit_code = liq_show_sweep(&f);
    } else if (liq_show_has_attr(&f, "scenario")) {
        exit_code = liq_show_run(&f, json, (size_t)top);
    } else {
        liq_error_set(LIQ_EINVAL, "%s: not a liqnet run file (no 'scenario' attribute)", path);
        exit_code = liq_cli_fail(LIQ_EINVAL);
    }
    if (f.file >= 0) {
        H5Fclose(f.file);
    }
    H5Eset_auto2(H5E_DEFAULT, saved_func, saved_data);
    return exit_code;
}
