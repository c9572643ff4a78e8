/*
 * `mpirun -n N liqnet sweep SWEEP.yaml -o OUT.h5`: the sweep's runs spread
 * over the ranks of MPI_COMM_WORLD (built with -DLIQNET_MPI=ON only).
 *
 * Rank 0 is the writer: it opens the results file (create, --force or
 * --resume, as one process would), hands out the pending runs one at a
 * time to whichever rank asks (runs differ in cost by orders of magnitude,
 * so a static split would leave ranks idle) and records every result with
 * the serial writer (liq_sweep_file_record). Ranks 1 .. N-1 make runs, each
 * with --threads OpenMP threads, and send each finished run back as bytes
 * (liq_sweep_result_pack). A run's rows and group do not depend on who made
 * it or when it was recorded, so the file has the content of the
 * one-process sweep for any N. Parallel HDF5 is not needed for this: only
 * rank 0 touches the file.
 *
 * Messages (tags below), all between rank 0 and one worker:
 *   worker -> 0  ASK      (empty)           ready for a run (first, or after a dropped run)
 *   worker -> 0  RESULT   packed result     a finished run; also asks for the next
 *   worker -> 0  FAIL     message text      a run could not be set up (an I/O error)
 *   0 -> worker  WORK     int64 run         the run to make; -1: stop
 * Every message from a worker gets exactly one WORK back, so when each
 * worker has had its -1 no message is left in flight and MPI_Finalize is safe.
 *
 * Stopping: SIGINT or SIGTERM (mpirun sends SIGTERM to every rank on
 * Ctrl-C, or when a rank dies, and SIGKILL a moment later) makes rank 0
 * hand out no more runs, record the results already waiting, close the file
 * (flushed, status "incomplete": resumable) and end the job with MPI_Abort
 * (a dead rank would never answer); workers drop the run they are making.
 * --stop-after (tests) stops handing out runs and waits for every worker.
 * A run that cannot be set up on a worker, a result rank 0 cannot read or
 * write, or an MPI error (reported with its call and rank) stops the sweep
 * the same way with exit status 1.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>
#include <omp.h>

#include "cli/args.h"
#include "cli/progress.h"
#include "cli/sweep_cmd.h"
#include "liqnet/error.h"
#include "liqnet/sweep.h"

enum { LIQ_TAG_ASK = 1, LIQ_TAG_RESULT = 2, LIQ_TAG_FAIL = 3, LIQ_TAG_WORK = 4 };

bool liq_sweep_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL ||
           getenv("PMI_RANK") != NULL;
}

/* An MPI call that failed: its message, rank and call, code LIQ_EIO. */
static int liq_mpi_fail(int mpi_rc, int rank, const char *call)
{
    char text[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    if (MPI_Error_string(mpi_rc, text, &len) != MPI_SUCCESS) {
        snprintf(text, sizeof(text), "error code %d", mpi_rc);
    }
    return liq_error_set(LIQ_EIO, "MPI error on rank %d in %s: %s", rank, call, text);
}

static void liq_nap(void)
{
    const struct timespec nap = {0, 1000000}; /* 1 ms */
    nanosleep(&nap, NULL);
}

/* ------------------------------------------------------------- worker */

static int liq_worker_send(int tag, const void *data, size_t len, int rank, int64_t *next)
{
    if (len > (size_t)INT32_MAX) {
        return liq_error_set(LIQ_ENOMEM,
                             "a run's result is %zu bytes; MPI messages are limited to %d; "
                             "keep fewer rounds of its trajectory (output.trajectories)",
                             len, INT32_MAX);
    }
    int mrc = MPI_Send(data, (int)len, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
    if (mrc != MPI_SUCCESS) {
        return liq_mpi_fail(mrc, rank, "MPI_Send");
    }
    mrc = MPI_Recv(next, 1, MPI_INT64_T, 0, LIQ_TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (mrc != MPI_SUCCESS) {
        return liq_mpi_fail(mrc, rank, "MPI_Recv");
    }
    return LIQ_OK;
}

/* Makes the runs rank 0 hands out until it says stop. A run that cannot be
 * set up is reported to rank 0 (which stops the sweep and says why). */
static int liq_mpi_worker(const liq_sweep_t *sw, int rank, int threads, volatile sig_atomic_t *stop)
{
    int64_t run = -1;
    int rc = liq_worker_send(LIQ_TAG_ASK, NULL, 0, rank, &run);
    while (rc == LIQ_OK && run >= 0) {
        if (run >= liq_sweep_run_count(sw)) {
            return liq_error_set(LIQ_EINVAL, "rank %d was sent run %lld; the sweep has %lld runs",
                                 rank, (long long)run, (long long)liq_sweep_run_count(sw));
        }
        liq_sweep_result_t *result = NULL;
        const int run_rc = liq_sweep_run(&result, sw, run, threads, stop);
        if (run_rc == LIQ_EINTERRUPTED) {
            rc = liq_worker_send(LIQ_TAG_ASK, NULL, 0, rank, &run);
            continue;
        }
        if (run_rc != LIQ_OK) {
            char message[1024];
            snprintf(message, sizeof(message), "run %lld on rank %d: %s", (long long)run, rank,
                     liq_errmsg());
            rc = liq_worker_send(LIQ_TAG_FAIL, message, strlen(message), rank, &run);
            continue;
        }
        void *bytes = NULL;
        size_t len = 0;
        rc = liq_sweep_result_pack(result, &bytes, &len);
        liq_sweep_result_destroy(result);
        if (rc == LIQ_OK) {
            rc = liq_worker_send(LIQ_TAG_RESULT, bytes, len, rank, &run);
        }
        free(bytes);
    }
    return rc;
}

/* ------------------------------------------------------------- rank 0 */

typedef struct {
    const liq_sweep_t *sweep;
    liq_sweep_file_t *file;
    const liq_sweep_args_t *args;
    volatile sig_atomic_t *stop;
    int64_t *runs; /* pending at the start, increasing */
    size_t n_runs, next;
    int workers; /* ranks not yet sent -1 */
    bool halt;   /* hand out no more runs */
    int rc;      /* first error */
    char error[1024];
    int64_t recorded;
    liq_progress_t bar;
} liq_writer_t;

static void liq_writer_fail(liq_writer_t *w, int rc)
{
    if (w->rc == LIQ_OK) {
        w->rc = rc;
        snprintf(w->error, sizeof(w->error), "%s", liq_errmsg());
    }
    w->halt = true;
}

static void liq_writer_record(liq_writer_t *w, const void *data, size_t len, int source)
{
    liq_sweep_result_t *result = NULL;
    int rc = liq_sweep_result_unpack(&result, w->sweep, data, len);
    if (rc != LIQ_OK) {
        liq_error_set(rc, "rank %d sent a result rank 0 cannot read: %s", source, liq_errmsg());
        liq_writer_fail(w, rc);
        return;
    }
    const int64_t limit = w->args->stop_after;
    if (w->rc == LIQ_OK && !(limit > 0 && w->recorded >= limit)) {
        rc = liq_sweep_file_record(w->file, result);
        if (rc != LIQ_OK) {
            liq_writer_fail(w, rc);
        } else {
            w->recorded++;
            liq_progress_update_runs(&w->bar, w->recorded);
            if (limit > 0 && w->recorded >= limit) {
                w->halt = true;
            }
        }
    }
    liq_sweep_result_destroy(result);
}

/* Answers messages until every worker has been told to stop, or, after a
 * signal, until no message is waiting (mpirun kills the job a moment after
 * its SIGTERM, and a dead rank never answers: the file comes first). */
static void liq_mpi_writer(liq_writer_t *w)
{
    void *buf = NULL;
    size_t cap = 0;
    while (w->workers > 0) {
        if (*w->stop) {
            w->halt = true;
        }
        int flag = 0;
        MPI_Status status;
        int mrc = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
        if (mrc != MPI_SUCCESS) {
            liq_writer_fail(w, liq_mpi_fail(mrc, 0, "MPI_Iprobe"));
            break;
        }
        if (!flag) {
            if (*w->stop) {
                break;
            }
            liq_nap();
            continue;
        }
        int count = 0;
        MPI_Get_count(&status, MPI_BYTE, &count);
        if ((size_t)count > cap) {
            free(buf);
            cap = (size_t)count;
            buf = malloc(cap);
            if (buf == NULL) {
                cap = 0;
                liq_writer_fail(
                    w, liq_error_set(LIQ_ENOMEM, "out of memory for a result of %d bytes", count));
                return;
            }
        }
        /* Received while watching for a signal: a worker killed in the
         * middle of sending would otherwise hold rank 0 until mpirun's
         * SIGKILL, before the file is closed. */
        MPI_Request request = MPI_REQUEST_NULL;
        mrc = MPI_Irecv(buf, count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                        &request);
        int received = 0;
        while (mrc == MPI_SUCCESS && !received && !*w->stop) {
            mrc = MPI_Test(&request, &received, MPI_STATUS_IGNORE);
            if (mrc == MPI_SUCCESS && !received) {
                liq_nap();
            }
        }
        if (mrc != MPI_SUCCESS) {
            liq_writer_fail(w, liq_mpi_fail(mrc, 0, "MPI_Recv"));
            break;
        }
        if (!received) {
            w->halt = true; /* stopped; MPI_Abort ends the transfer */
            break;
        }
        if (status.MPI_TAG == LIQ_TAG_RESULT) {
            liq_writer_record(w, buf, (size_t)count, status.MPI_SOURCE);
        } else if (status.MPI_TAG == LIQ_TAG_FAIL) {
            char message[1024];
            snprintf(message, sizeof(message), "%.*s", count, (const char *)buf);
            liq_writer_fail(w, liq_error_set(LIQ_EIO, "%s", message));
        }
        if (*w->stop) {
            w->halt = true;
        }
        int64_t run = -1;
        if (!w->halt && w->next < w->n_runs) {
            run = w->runs[w->next++];
        }
        mrc = MPI_Send(&run, 1, MPI_INT64_T, status.MPI_SOURCE, LIQ_TAG_WORK, MPI_COMM_WORLD);
        if (mrc != MPI_SUCCESS) {
            liq_writer_fail(w, liq_mpi_fail(mrc, 0, "MPI_Send"));
            break;
        }
        if (run < 0) {
            w->workers--;
        }
    }
    free(buf);
}

/* Rank 0's part once the file is open; returns the exit status. */
static int liq_mpi_rank0(const liq_sweep_args_t *args, const liq_sweep_t *sw,
                         liq_sweep_file_t *file, int size, volatile sig_atomic_t *stop)
{
    const int64_t *pending = NULL;
    const size_t n = liq_sweep_file_pending(file, &pending);
    liq_writer_t w;
    memset(&w, 0, sizeof(w));
    w.sweep = sw;
    w.file = file;
    w.args = args;
    w.stop = stop;
    w.workers = size - 1;
    w.runs = malloc((n > 0 ? n : 1) * sizeof(*w.runs));
    if (w.runs == NULL) {
        liq_writer_fail(&w, liq_error_set(LIQ_ENOMEM, "out of memory for the sweep's run list"));
        w.halt = true;
    } else {
        memcpy(w.runs, pending, n * sizeof(*w.runs));
        w.n_runs = n;
    }
    liq_progress_start(&w.bar, (int64_t)n, !args->quiet);
    const double t0 = liq_wall_seconds();
    liq_mpi_writer(&w);
    liq_progress_finish(&w.bar);
    free(w.runs);
    /* Workers not told to stop: a signal, or an MPI error; the job ends
     * with MPI_Abort once the file is closed. */
    const bool abandoned = w.workers > 0;
    int exec_rc = w.rc;
    if (exec_rc == LIQ_OK && liq_sweep_file_pending(file, NULL) > 0) {
        exec_rc = LIQ_EINTERRUPTED;
    }
    if (*stop) {
        fprintf(stderr, "liqnet: rank 0 received SIGINT or SIGTERM (Ctrl-C, or mpirun ending the "
                        "job because another rank failed: see mpirun's message)\n");
    }
    const int threads = args->threads > 0 ? args->threads : omp_get_max_threads();
    char workers[96];
    snprintf(workers, sizeof(workers), "%d ranks (rank 0 writes; %d x %d threads make runs)", size,
             size - 1, threads);
    const int exit_code = liq_sweep_finish(args, sw, file, exec_rc, w.error, w.recorded,
                                           liq_wall_seconds() - t0, workers);
    fflush(stdout);
    fflush(stderr);
    if (abandoned) {
        /* The file is closed: ending the job now loses nothing. */
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    }
    return exit_code;
}

int liq_sweep_mpi(const liq_sweep_args_t *args, volatile sig_atomic_t *stop)
{
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "liqnet: error: MPI_Init_thread failed\n");
        return LIQ_EXIT_FAIL;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size == 1) {
        const int exit_code = liq_sweep_local(args, stop);
        MPI_Finalize();
        return exit_code;
    }

    /* Every rank reads the sweep (the files must be visible to all of them);
     * when one cannot, nobody starts: rank 0 reports its own error, a worker
     * one that rank 0 did not have. */
    liq_sweep_t *sw = NULL;
    const int ok = liq_sweep_load(&sw, args->sweep) == LIQ_OK ? 1 : 0;
    char load_error[1024] = "";
    if (!ok) {
        snprintf(load_error, sizeof(load_error), "%s", liq_errmsg());
    }
    int all_ok = 0, ok0 = ok;
    int mrc = MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (mrc == MPI_SUCCESS) {
        mrc = MPI_Bcast(&ok0, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    if (mrc != MPI_SUCCESS) {
        liq_cli_fail(liq_mpi_fail(mrc, rank, "MPI_Allreduce"));
        MPI_Abort(MPI_COMM_WORLD, LIQ_EXIT_FAIL);
    }
    if (!all_ok) {
        if (rank == 0 && !ok) {
            fprintf(stderr, "liqnet: error: %s\n", load_error);
        } else if (rank != 0 && !ok && ok0) {
            fprintf(stderr, "liqnet: error: rank %d: %s\n", rank, load_error);
        }
        liq_sweep_destroy(sw);
        MPI_Finalize();
        return LIQ_EXIT_FAIL;
    }

    /* Rank 0 opens the file and tells the others whether to start. */
    liq_sweep_file_t *file = NULL;
    int go = 1;
    if (rank == 0) {
        const int rc = liq_sweep_open_output(&file, args, sw);
        if (rc != LIQ_OK) {
            liq_cli_fail(rc);
            go = 0;
        }
    }
    mrc = MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (mrc != MPI_SUCCESS) {
        liq_cli_fail(liq_mpi_fail(mrc, rank, "MPI_Bcast"));
        liq_sweep_file_destroy(file);
        MPI_Abort(MPI_COMM_WORLD, LIQ_EXIT_FAIL);
    }
    int exit_code = LIQ_EXIT_FAIL;
    if (go && rank == 0) {
        exit_code = liq_mpi_rank0(args, sw, file, size, stop);
    } else if (go) {
        const int threads = args->threads > 0 ? args->threads : omp_get_max_threads();
        const int rc = liq_mpi_worker(sw, rank, threads, stop);
        if (rc != LIQ_OK) {
            fprintf(stderr, "liqnet: error: %s\n", liq_errmsg());
            MPI_Abort(MPI_COMM_WORLD, LIQ_EXIT_FAIL);
        }
        exit_code = LIQ_EXIT_OK;
    }
    liq_sweep_destroy(sw);
    MPI_Finalize();
    return exit_code;
}
