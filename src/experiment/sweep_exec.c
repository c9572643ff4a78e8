/*
 * The OpenMP executor of a sweep: makes every pending run of a results file
 * and records it. It only ties together liq_sweep_run (a run in memory, any
 * thread) and liq_sweep_file_record (HDF5, one thread); the MPI executor
 * (src/cli/sweep_mpi.c) uses the same pieces across processes instead.
 *
 * Sharing the cores: with at least as many pending runs as threads, each
 * thread makes whole runs with one thread each, claiming the next run when
 * it is free (runs differ in cost, so a static split would leave threads
 * idle); otherwise the runs go one after the other, each with every thread
 * (the simulation's rounds are parallel inside). Results are bit-identical
 * either way, because a simulation's output does not depend on its thread
 * count.
 *
 * HDF5 is not thread-safe in Debian's build, so only the calling thread
 * (OpenMP thread 0 of the region) records: between two runs of its own it
 * writes whatever the other threads finished, and when no run is left to
 * claim it keeps writing until the others are done. Each run lands in its
 * own row and group, so the order of writing leaves no trace in the file.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "experiment/sweep_internal.h"
#include "liqnet/error.h"

typedef struct {
    const liq_sweep_t *sweep;
    liq_sweep_file_t *file;
    const liq_sweep_exec_options_t *options;
    const int64_t *runs; /* pending at the start, increasing */
    size_t n_runs;
    int inner_threads;
    /* Shared between threads (under the named critical sections). */
    size_t next;               /* next index of runs to claim */
    liq_sweep_result_t **done; /* finished, not yet recorded: a queue */
    size_t n_done;
    int active;                 /* threads still making runs */
    volatile sig_atomic_t halt; /* stop claiming; runs in flight give up */
    int rc;                     /* first error */
    char message[1024];         /* its message */
    /* Thread 0 only. */
    int64_t recorded;
} liq_exec_t;

static void liq_exec_fail(liq_exec_t *x, int rc)
{
#pragma omp critical(liq_sweep_exec_error)
    {
        if (x->rc == LIQ_OK) {
            x->rc = rc;
            snprintf(x->message, sizeof(x->message), "%s", liq_errmsg());
        }
    }
    x->halt = 1;
}

static bool liq_exec_stopping(const liq_exec_t *x)
{
    return x->halt || (x->options->stop != NULL && *x->options->stop);
}

/* Thread 0: records every finished run in the queue. */
static void liq_exec_drain(liq_exec_t *x)
{
    for (;;) {
        liq_sweep_result_t *r = NULL;
#pragma omp critical(liq_sweep_exec_queue)
        {
            if (x->n_done > 0) {
                r = x->done[--x->n_done];
            }
        }
        if (r == NULL) {
            return;
        }
        const int64_t limit = x->options->stop_after;
        if (x->rc == LIQ_OK && !(limit > 0 && x->recorded >= limit)) {
            const int rc = liq_sweep_file_record(x->file, r);
            if (rc != LIQ_OK) {
                liq_exec_fail(x, rc);
            } else {
                x->recorded++;
                if (x->options->progress != NULL) {
                    x->options->progress(x->options->progress_context, x->recorded,
                                         (int64_t)x->n_runs);
                }
                if (limit > 0 && x->recorded >= limit) {
                    x->halt = 1;
                }
            }
        }
        liq_sweep_result_destroy(r);
    }
}

/* The loop of one thread: claim, run, queue; thread 0 also records. */
static void liq_exec_worker(liq_exec_t *x, int thread)
{
    for (;;) {
        if (thread == 0) {
            liq_exec_drain(x);
        }
        if (liq_exec_stopping(x)) {
            break;
        }
        size_t i = 0;
#pragma omp critical(liq_sweep_exec_queue)
        {
            i = x->next;
            if (x->next < x->n_runs) {
                x->next++;
            }
        }
        if (i >= x->n_runs) {
            break;
        }
        liq_sweep_result_t *r = NULL;
        const int rc = liq_sweep_run_until(&r, x->sweep, x->runs[i], x->inner_threads, &x->halt,
                                           x->options->stop);
        if (rc == LIQ_EINTERRUPTED) {
            continue; /* dropped; its status stays 0 */
        }
        if (rc != LIQ_OK) {
            liq_exec_fail(x, rc);
            break;
        }
#pragma omp critical(liq_sweep_exec_queue)
        {
            x->done[x->n_done++] = r;
        }
    }
#pragma omp atomic update
    x->active--;
    if (thread == 0) {
        /* Keep recording until every other thread is done. */
        for (;;) {
            int active = 0;
#pragma omp atomic read
            active = x->active;
            liq_exec_drain(x);
            if (active == 0) {
                break;
            }
            if (x->options->stop != NULL && *x->options->stop) {
                x->halt = 1;
            }
            const struct timespec nap = {0, 5000000}; /* 5 ms */
            nanosleep(&nap, NULL);
        }
        liq_exec_drain(x);
    }
}

int liq_sweep_execute(const liq_sweep_t *sweep, liq_sweep_file_t *file,
                      const liq_sweep_exec_options_t *options, int64_t *recorded)
{
    assert(sweep != NULL && file != NULL && options != NULL);
    const int64_t *pending = NULL;
    const size_t n = liq_sweep_file_pending(file, &pending);
    liq_exec_t x;
    memset(&x, 0, sizeof(x));
    x.sweep = sweep;
    x.file = file;
    x.options = options;
    x.n_runs = n;
    x.runs = malloc((n > 0 ? n : 1) * sizeof(*x.runs));
    x.done = malloc((n > 0 ? n : 1) * sizeof(*x.done));
    if (x.runs == NULL || x.done == NULL) {
        free((void *)x.runs);
        free(x.done);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the sweep's run list");
    }
    /* A copy: recording changes the file's pending list. */
    memcpy((void *)x.runs, pending, n * sizeof(*x.runs));
    const int threads = options->threads > 0 ? options->threads : omp_get_max_threads();
    const bool many = n >= (size_t)threads && threads > 1;
    x.inner_threads = many ? 1 : threads;
    if (many) {
        x.active = threads;
        liq_exec_t *shared = &x;
#pragma omp parallel num_threads(threads) default(none) shared(shared)
        {
            liq_exec_worker(shared, omp_get_thread_num());
        }
    } else {
        x.active = 1;
        liq_exec_worker(&x, 0);
    }
    /* Results left in the queue (a stop with stop_after) are dropped. */
    for (size_t i = 0; i < x.n_done; i++) {
        liq_sweep_result_destroy(x.done[i]);
    }
    free((void *)x.runs);
    free(x.done);
    int rc = x.rc;
    if (rc == LIQ_OK) {
        rc = liq_sweep_file_flush(file);
    } else {
        liq_error_set(rc, "%s", x.message);
    }
    if (recorded != NULL) {
        *recorded = x.recorded;
    }
    if (rc == LIQ_OK && liq_sweep_file_pending(file, NULL) > 0) {
        rc = liq_error_set(LIQ_EINTERRUPTED, "sweep stopped with %zu runs left",
                           liq_sweep_file_pending(file, NULL));
    }
    return rc;
}
