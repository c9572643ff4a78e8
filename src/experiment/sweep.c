/*
 * Sweep definitions (docs/sweeps.md): the sweep file is read into a table of
 * settings x parameters (each cell the text of one value), and a run is the
 * base scenario with its setting's values written over the YAML tree
 * (liq_scenario_parse_with) and its own seed. Every setting is parsed and
 * validated when the sweep is loaded, so a bad path or value stops the sweep
 * before its first run; a run's scenario is then rebuilt from text when the
 * run starts (a parse is ~0.1 ms against runs of milliseconds to hours), so
 * nothing per run is kept in memory. The sweep file is read by
 * sweep_read.c; this file holds the settings' scenarios, the definition's
 * accessors, one run and its packed form.
 *
 * One run (liq_sweep_run) makes no HDF5 call and touches nothing shared:
 * many run at once on different threads.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/sweep_internal.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/rng.h"
#include "liqnet/sim.h"

/* ---------------------------------------------------------- scenarios */

/* The scenario of a setting, without the run's seed. */
int liq_sweep_setting_scenario(liq_scenario_t **out, const liq_sweep_t *sw, int64_t setting)
{
    size_t n = sw->rounds > 0 ? 1 : 0;
    for (size_t k = 0; k < sw->n_params; k++) {
        if (setting >= 0 && liq_sweep_cell(sw, setting, k)->text != NULL) {
            n += sw->params[k].n_paths;
        }
    }
    liq_override_t *ov = calloc(n > 0 ? n : 1, sizeof(*ov));
    if (ov == NULL) {
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory", sw->name);
    }
    size_t i = 0;
    if (sw->rounds > 0) {
        ov[i++] = (liq_override_t){.path = "rounds", .value = sw->rounds_text, .origin = sw->name};
    }
    for (size_t k = 0; k < sw->n_params && setting >= 0; k++) {
        const liq_sweep_param_t *p = &sw->params[k];
        const liq_sweep_cell_t *c = liq_sweep_cell(sw, setting, k);
        for (size_t j = 0; c->text != NULL && j < p->n_paths; j++) {
            ov[i++] = (liq_override_t){.path = p->paths[j],
                                       .value = c->text,
                                       .quoted = c->quoted,
                                       .scale = p->scale,
                                       .origin = c->origin != NULL ? c->origin : p->origins[j]};
        }
    }
    const int rc = liq_scenario_parse_with(out, sw->base_text, sw->base_len, sw->base_path,
                                           sw->base_dir, ov, n);
    free(ov);
    return rc;
}

/* Checks every setting now; an error names the setting and its runs. */
int liq_sweep_check_settings(liq_sweep_t *sw)
{
    for (int64_t s = 0; s < sw->n_settings; s++) {
        liq_scenario_t *sc = NULL;
        const int rc = liq_sweep_setting_scenario(&sc, sw, s);
        if (rc != LIQ_OK) {
            char inner[1024];
            snprintf(inner, sizeof(inner), "%s", liq_errmsg());
            const size_t len = strlen(sw->name);
            if (strncmp(inner, sw->name, len) == 0 && inner[len] == ':') {
                /* A path error: it already names the sweep file's line. */
                return liq_error_set(rc, "%s (setting %lld)", inner, (long long)s);
            }
            return liq_error_set(rc, "%s: setting %lld (runs %lld to %lld): %s", sw->name,
                                 (long long)s, (long long)(s * sw->seeds_per_setting),
                                 (long long)((s + 1) * sw->seeds_per_setting - 1), inner);
        }
        if (sc->n_assets != sw->base->n_assets || sc->n_pools != sw->base->n_pools ||
            sc->n_oracles != sw->base->n_oracles || sc->n_protocols != sw->base->n_protocols) {
            liq_scenario_destroy(sc);
            return liq_error_set(LIQ_EINVAL,
                                 "%s: setting %lld changes the number of entities; expected "
                                 "the base scenario's assets, pools, oracles and protocols",
                                 sw->name, (long long)s);
        }
        liq_scenario_destroy(sc);
    }
    return LIQ_OK;
}

void liq_sweep_destroy(liq_sweep_t *sw)
{
    if (sw == NULL) {
        return;
    }
    for (size_t k = 0; k < sw->n_params; k++) {
        liq_sweep_param_t *p = &sw->params[k];
        for (size_t j = 0; j < p->n_paths; j++) {
            free(p->paths != NULL ? p->paths[j] : NULL);
            free(p->origins != NULL ? p->origins[j] : NULL);
        }
        free(p->paths);
        free(p->origins);
        free(p->name);
        free(p->column);
    }
    for (int64_t s = 0; sw->cells != NULL && s < sw->n_settings; s++) {
        for (size_t k = 0; k < sw->n_params; k++) {
            free(liq_sweep_cell(sw, s, k)->text);
            free(liq_sweep_cell(sw, s, k)->origin);
        }
    }
    free(sw->cells);
    free(sw->params);
    free(sw->keep_run);
    liq_scenario_destroy(sw->base);
    free(sw->base_yaml);
    free(sw->base_text);
    free(sw->base_path);
    free(sw->base_dir);
    free(sw->text);
    free(sw->name);
    free(sw);
}

int64_t liq_sweep_run_count(const liq_sweep_t *sw)
{
    return sw->n_runs;
}

int64_t liq_sweep_setting_count(const liq_sweep_t *sw)
{
    return sw->n_settings;
}

int64_t liq_sweep_seeds_per_setting(const liq_sweep_t *sw)
{
    return sw->seeds_per_setting;
}

uint64_t liq_sweep_seed(const liq_sweep_t *sw)
{
    return sw->seed;
}

const char *liq_sweep_text(const liq_sweep_t *sw)
{
    return sw->text;
}

const char *liq_sweep_base_yaml(const liq_sweep_t *sw)
{
    return sw->base_yaml;
}

const liq_scenario_t *liq_sweep_base(const liq_sweep_t *sw)
{
    return sw->base;
}

size_t liq_sweep_param_count(const liq_sweep_t *sw)
{
    return sw->n_params;
}

const char *liq_sweep_param_name(const liq_sweep_t *sw, size_t param)
{
    assert(param < sw->n_params);
    return sw->params[param].name;
}

bool liq_sweep_param_numeric(const liq_sweep_t *sw, size_t param)
{
    assert(param < sw->n_params);
    return sw->params[param].numeric;
}

const char *liq_sweep_param_text(const liq_sweep_t *sw, int64_t setting, size_t param)
{
    assert(setting >= 0 && setting < sw->n_settings && param < sw->n_params);
    return liq_sweep_cell(sw, setting, param)->text;
}

double liq_sweep_param_value(const liq_sweep_t *sw, int64_t setting, size_t param)
{
    assert(setting >= 0 && setting < sw->n_settings && param < sw->n_params);
    return liq_sweep_cell(sw, setting, param)->value;
}

uint64_t liq_sweep_run_seed(uint64_t sweep_seed, int64_t run)
{
    uint64_t z = sweep_seed + UINT64_C(0x9E3779B97F4A7C15) * ((uint64_t)run + 1);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (z ^ (z >> 31)) >> 1;
}

int liq_sweep_scenario(liq_scenario_t **out, const liq_sweep_t *sw, int64_t run)
{
    assert(out != NULL && run >= 0 && run < sw->n_runs);
    const int rc = liq_sweep_setting_scenario(out, sw, run / sw->seeds_per_setting);
    if (rc == LIQ_OK) {
        (*out)->seed = liq_sweep_run_seed(sw->seed, run);
    }
    return rc;
}

bool liq_sweep_keeps_trajectory(const liq_sweep_t *sw, int64_t run)
{
    assert(run >= 0 && run < sw->n_runs);
    return sw->traj_mode == LIQ_TRAJ_ALL || (sw->traj_mode == LIQ_TRAJ_SUBSET && sw->keep_run[run]);
}

bool liq_sweep_keeps_round(const liq_sweep_t *sw, int64_t round)
{
    return liq_slice_has(&sw->rounds_kept, round);
}

/* -------------------------------------------------------------- one run */

void liq_sweep_result_destroy(liq_sweep_result_t *r)
{
    if (r == NULL) {
        return;
    }
    liq_summary_release(&r->summary);
    liq_h5_traj_destroy(r->traj);
    liq_scenario_destroy(r->scenario);
    free(r->error);
    free(r);
}

int liq_sweep_run(liq_sweep_result_t **out, const liq_sweep_t *sw, int64_t run, int threads,
                  const volatile sig_atomic_t *stop)
{
    return liq_sweep_run_until(out, sw, run, threads, stop, NULL);
}

/* One sweep run's recorders and stop check: the kept rounds of its
 * trajectory, and the two stop flags. */
typedef struct {
    const liq_sweep_t *sweep;
    liq_h5_traj_t *traj; /* NULL unless the run keeps its trajectory */
    const volatile sig_atomic_t *stop, *stop2;
} liq_sweep_run_hooks_t;

static int liq_sweep_record_traj(void *context, const liq_state_view_t *view)
{
    const liq_sweep_run_hooks_t *h = context;
    if (liq_sweep_keeps_round(h->sweep, view->round)) {
        liq_h5_traj_add(h->traj, view);
    }
    return LIQ_OK;
}

static int liq_sweep_check_stop(void *context, bool *stop)
{
    const liq_sweep_run_hooks_t *h = context;
    *stop = (h->stop != NULL && *h->stop) || (h->stop2 != NULL && *h->stop2);
    return LIQ_OK;
}

int liq_sweep_run_until(liq_sweep_result_t **out, const liq_sweep_t *sw, int64_t run, int threads,
                        const volatile sig_atomic_t *stop, const volatile sig_atomic_t *stop2)
{
    assert(out != NULL && sw != NULL && run >= 0 && run < sw->n_runs);
    *out = NULL;
    liq_sweep_result_t *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for run %lld", (long long)run);
    }
    r->run = run;
    liq_positions_t *positions = NULL;
    liq_sim_t *sim = NULL;
    liq_metrics_t *metrics = NULL;
    int rc = liq_sweep_scenario(&r->scenario, sw, run);
    if (rc == LIQ_OK) {
        rc = liq_positions_load(&positions, r->scenario);
    }
    const liq_sim_options_t options = {.threads = threads, .run = 0};
    if (rc == LIQ_OK) {
        rc = liq_sim_create(&sim, r->scenario, positions, &options);
    }
    liq_positions_destroy(positions);
    if (rc == LIQ_OK) {
        rc = liq_metrics_create(&metrics, sim);
    }
    const int64_t rounds = r->scenario != NULL ? r->scenario->rounds : 0;
    if (rc == LIQ_OK && liq_sweep_keeps_trajectory(sw, run)) {
        size_t rows = 0;
        for (int64_t t = 0; t <= rounds; t++) {
            rows += liq_sweep_keeps_round(sw, t) ? 1 : 0;
        }
        rc = liq_h5_traj_create(&r->traj, r->scenario, rows);
    }
    r->status = LIQ_RUN_COMPLETE;
    if (rc == LIQ_OK) {
        liq_sweep_run_hooks_t h = {sw, r->traj, stop, stop2};
        const liq_recorder_t recorders[2] = {{liq_metrics_record, metrics},
                                             {liq_sweep_record_traj, &h}};
        const liq_run_hooks_t hooks = {.recorders = recorders,
                                       .n_recorders = r->traj != NULL ? 2 : 1,
                                       .check_stop = liq_sweep_check_stop,
                                       .context = &h};
        liq_sim_run_end_t end;
        rc = liq_sim_run(&end, sim, rounds, &hooks);
        if (end == LIQ_SIM_RUN_STOPPED) {
            rc = liq_error_set(LIQ_EINTERRUPTED, "run %lld stopped at round %lld", (long long)run,
                               (long long)liq_sim_round(sim));
        } else if (end == LIQ_SIM_RUN_ROUND_FAILED && rc == LIQ_ENUMERIC) {
            /* The model's feedback diverged: a result, not an error. */
            r->status = LIQ_RUN_FAILED;
            r->error = strdup(liq_errmsg());
            rc = r->error != NULL
                     ? LIQ_OK
                     : liq_error_set(LIQ_ENOMEM, "out of memory for run %lld", (long long)run);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_summary_copy(&r->summary, liq_metrics_summary(metrics));
    }
    if (rc == LIQ_OK && r->error == NULL) {
        r->error = strdup("");
        if (r->error == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "out of memory for run %lld", (long long)run);
        }
    }
    liq_metrics_destroy(metrics);
    liq_sim_destroy(sim);
    if (rc != LIQ_OK) {
        liq_sweep_result_destroy(r);
        return rc;
    }
    *out = r;
    return LIQ_OK;
}

int64_t liq_sweep_result_run(const liq_sweep_result_t *r)
{
    return r->run;
}

liq_run_status_t liq_sweep_result_status(const liq_sweep_result_t *r)
{
    return r->status;
}

const char *liq_sweep_result_error(const liq_sweep_result_t *r)
{
    return r->error != NULL ? r->error : "";
}

const liq_summary_t *liq_sweep_result_summary(const liq_sweep_result_t *r)
{
    return &r->summary;
}

/* ------------------------------------------------------ packed results */

/* The arrays of a liq_summary_t are the summary variables of a run file
 * with a dimension (liq_summary_defs): 8-byte elements, one per oracle or
 * per protocol. Every other field is a scalar, copied with the struct. So a
 * summary field added to the file is packed without another list here. */
static size_t liq_summary_array_def(size_t k)
{
    size_t seen = 0;
    for (size_t d = 0; d < liq_summary_defs_count; d++) {
        if (liq_summary_defs[d].dim >= 0 && seen++ == k) {
            return d;
        }
    }
    return SIZE_MAX;
}

static size_t liq_summary_array_count(void)
{
    size_t n = 0;
    for (size_t d = 0; d < liq_summary_defs_count; d++) {
        n += liq_summary_defs[d].dim >= 0;
    }
    return n;
}

#define LIQ_N_SUMMARY_ARRAYS liq_summary_array_count()

static const char liq_packed_magic[8] = {'L', 'I', 'Q', 'R', 'U', 'N', '0', '1'};

/* Packed result: magic, i64 run, i64 status, u64 error length, u64 has
 * trajectory, the error's bytes, the liq_summary_t struct (its pointers
 * meaningless), each summary array, then the packed trajectory. */
#define LIQ_PACKED_HEAD (sizeof(liq_packed_magic) + 4 * 8)

static void **liq_summary_slot(liq_summary_t *s, size_t k)
{
    return (void **)((char *)s + liq_summary_defs[liq_summary_array_def(k)].offset);
}

static size_t liq_summary_width(const liq_summary_t *s, size_t k)
{
    return liq_summary_defs[liq_summary_array_def(k)].dim == LIQ_DIM_PROTOCOL ? s->n_protocols
                                                                              : s->n_oracles;
}

int liq_sweep_result_pack(const liq_sweep_result_t *r, void **out, size_t *len)
{
    assert(r != NULL && out != NULL && len != NULL);
    *out = NULL;
    *len = 0;
    const char *error = r->error != NULL ? r->error : "";
    const size_t error_len = strlen(error);
    liq_summary_t summary = r->summary;
    size_t size = LIQ_PACKED_HEAD + error_len + sizeof(summary);
    for (size_t k = 0; k < LIQ_N_SUMMARY_ARRAYS; k++) {
        size += liq_summary_width(&summary, k) * 8;
    }
    if (r->traj != NULL) {
        size += liq_h5_traj_packed_size(r->traj);
    }
    unsigned char *buf = malloc(size);
    if (buf == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory to pack run %lld (%zu bytes)",
                             (long long)r->run, size);
    }
    unsigned char *p = buf;
    memcpy(p, liq_packed_magic, sizeof(liq_packed_magic));
    p += sizeof(liq_packed_magic);
    const int64_t words[4] = {r->run, (int64_t)r->status, (int64_t)error_len,
                              r->traj != NULL ? 1 : 0};
    memcpy(p, words, sizeof(words));
    p += sizeof(words);
    memcpy(p, error, error_len);
    p += error_len;
    /* The struct without its pointers (the same bytes for the same result). */
    for (size_t k = 0; k < LIQ_N_SUMMARY_ARRAYS; k++) {
        *liq_summary_slot(&summary, k) = NULL;
    }
    memcpy(p, &summary, sizeof(summary));
    p += sizeof(summary);
    for (size_t k = 0; k < LIQ_N_SUMMARY_ARRAYS; k++) {
        const size_t bytes = liq_summary_width(&summary, k) * 8;
        if (bytes > 0) {
            memcpy(p, *liq_summary_slot((liq_summary_t *)(uintptr_t)&r->summary, k), bytes);
            p += bytes;
        }
    }
    if (r->traj != NULL) {
        liq_h5_traj_pack(r->traj, p);
    }
    *out = buf;
    *len = size;
    return LIQ_OK;
}

static int liq_unpack_fail(size_t len, const char *what)
{
    return liq_error_set(LIQ_EINVAL, "packed run result (%zu bytes): %s", len, what);
}

int liq_sweep_result_unpack(liq_sweep_result_t **out, const liq_sweep_t *sw, const void *data,
                            size_t len)
{
    assert(out != NULL && sw != NULL && (data != NULL || len == 0));
    *out = NULL;
    const unsigned char *p = data;
    const unsigned char *end = p + len;
    if (len < LIQ_PACKED_HEAD || memcmp(p, liq_packed_magic, sizeof(liq_packed_magic)) != 0) {
        return liq_unpack_fail(len, "no result header; expected bytes from liq_sweep_result_pack");
    }
    p += sizeof(liq_packed_magic);
    int64_t words[4];
    memcpy(words, p, sizeof(words));
    p += sizeof(words);
    const int64_t run = words[0];
    if (run < 0 || run >= sw->n_runs) {
        return liq_error_set(LIQ_EINVAL,
                             "packed run result: run %lld; expected a run of this sweep, 0 to %lld",
                             (long long)run, (long long)sw->n_runs - 1);
    }
    if (words[1] != LIQ_RUN_COMPLETE && words[1] != LIQ_RUN_FAILED) {
        return liq_error_set(LIQ_EINVAL,
                             "packed run result: run %lld has status %lld; expected 1 or 2",
                             (long long)run, (long long)words[1]);
    }
    const bool has_traj = words[3] == 1;
    if (words[3] != (liq_sweep_keeps_trajectory(sw, run) ? 1 : 0)) {
        return liq_error_set(LIQ_EINVAL,
                             "packed run result: run %lld %s a trajectory; the sweep keeps %s",
                             (long long)run, has_traj ? "has" : "has no",
                             liq_sweep_keeps_trajectory(sw, run) ? "one" : "none");
    }
    if (words[2] < 0 || (uint64_t)words[2] > (size_t)(end - p)) {
        return liq_unpack_fail(len, "error message longer than the data");
    }
    const size_t error_len = (size_t)words[2];
    liq_sweep_result_t *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for run %lld", (long long)run);
    }
    r->run = run;
    r->status = (liq_run_status_t)words[1];
    int rc = LIQ_OK;
    r->error = malloc(error_len + 1);
    if (r->error == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "out of memory for run %lld", (long long)run);
    } else {
        memcpy(r->error, p, error_len);
        r->error[error_len] = '\0';
        p += error_len;
    }
    liq_summary_t summary;
    memset(&summary, 0, sizeof(summary));
    if (rc == LIQ_OK && (size_t)(end - p) < sizeof(summary)) {
        rc = liq_unpack_fail(len, "truncated before the summary");
    }
    if (rc == LIQ_OK) {
        memcpy(&summary, p, sizeof(summary));
        p += sizeof(summary);
        if (summary.n_oracles != sw->base->n_oracles ||
            summary.n_protocols != sw->base->n_protocols) {
            rc = liq_error_set(LIQ_EINVAL,
                               "packed run result: run %lld has %zu oracles and %zu protocols; "
                               "the sweep has %zu and %zu",
                               (long long)run, summary.n_oracles, summary.n_protocols,
                               sw->base->n_oracles, sw->base->n_protocols);
        }
    }
    for (size_t k = 0; rc == LIQ_OK && k < LIQ_N_SUMMARY_ARRAYS; k++) {
        const size_t bytes = liq_summary_width(&summary, k) * 8;
        if ((size_t)(end - p) < bytes) {
            rc = liq_unpack_fail(len, "truncated in the summary");
        } else {
            *liq_summary_slot(&summary, k) = (void *)(uintptr_t)p;
            p += bytes;
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_summary_copy(&r->summary, &summary);
    }
    if (rc == LIQ_OK && has_traj) {
        rc = liq_sweep_scenario(&r->scenario, sw, run);
        size_t used = 0;
        if (rc == LIQ_OK) {
            rc = liq_h5_traj_unpack(&r->traj, r->scenario, p, (size_t)(end - p), &used);
        }
        p += used;
    }
    if (rc == LIQ_OK && p != end) {
        rc = liq_unpack_fail(len, "bytes left over after the result");
    }
    if (rc != LIQ_OK) {
        liq_sweep_result_destroy(r);
        return rc;
    }
    *out = r;
    return LIQ_OK;
}
