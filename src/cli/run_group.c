/*
 * The processes of one run (see run_group.h). Built without MPI, or run
 * without mpirun, the group is this process alone and every call is the
 * identity; the MPI parts are compiled with -DLIQNET_MPI=ON only.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli/run_group.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "liqnet/error.h"

#ifdef LIQNET_HAVE_MPI
#include <mpi.h>

#include "cli/sweep_cmd.h"
#endif

struct liq_run_group {
    int rank, size;
    int mpi;       /* MPI_Init was called */
    int saved_out; /* while muted: the real stdout and stderr, else -1 */
    int saved_err;
    size_t n_protocols;
    int32_t *owner; /* [n_protocols] */
    int *counts;    /* [size] words each rank sends */
    int *displs;    /* [size] where they land */
    uint64_t *send; /* this rank's records, protocol order */
    uint64_t *recv; /* every rank's, rank order */
    size_t recv_words;
    size_t *words;  /* [n_protocols] words of each protocol's record */
    size_t *at;     /* [size] scratch: the next record of each rank */
    uint64_t bytes; /* received in the last exchange */
};

int liq_run_group_open(liq_run_group_t **out)
{
    *out = NULL;
    liq_run_group_t *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory");
    }
    g->size = 1;
    g->saved_out = g->saved_err = -1;
#ifdef LIQNET_HAVE_MPI
    if (liq_sweep_mpi_launched()) {
        int provided = 0;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
            free(g);
            return liq_error_set(LIQ_EIO, "MPI_Init_thread failed");
        }
        g->mpi = 1;
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &g->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &g->size);
    }
#endif
    *out = g;
    return LIQ_OK;
}

void liq_run_group_close(liq_run_group_t *g)
{
    if (g == NULL) {
        return;
    }
    liq_run_group_mute(g, false);
#ifdef LIQNET_HAVE_MPI
    if (g->mpi) {
        MPI_Finalize();
    }
#endif
    free(g->owner);
    free(g->counts);
    free(g->displs);
    free(g->send);
    free(g->recv);
    free(g->words);
    free(g->at);
    free(g);
}

int liq_run_group_rank(const liq_run_group_t *g)
{
    return g->rank;
}

int liq_run_group_size(const liq_run_group_t *g)
{
    return g->size;
}

bool liq_run_group_mpi(const liq_run_group_t *g)
{
    return g->mpi != 0;
}

void liq_run_group_mute(liq_run_group_t *g, bool mute)
{
    if (g->rank == 0 || mute == (g->saved_err >= 0)) {
        return;
    }
    fflush(stdout);
    fflush(stderr);
    if (mute) {
        const int null = open("/dev/null", O_WRONLY);
        if (null < 0) {
            return; /* then the rank speaks: a repeated message, nothing lost */
        }
        const int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO);
        if (out < 0 || err < 0) { /* no way back: stay audible */
            close(null);
            if (out >= 0) {
                close(out);
            }
            if (err >= 0) {
                close(err);
            }
            return;
        }
        g->saved_out = out;
        g->saved_err = err;
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    } else {
        dup2(g->saved_out, STDOUT_FILENO);
        dup2(g->saved_err, STDERR_FILENO);
        close(g->saved_out);
        close(g->saved_err);
        g->saved_out = g->saved_err = -1;
    }
}

#ifdef LIQNET_HAVE_MPI
/* An MPI call that failed, as LIQ_EIO naming the rank and the call. */
static int liq_group_mpi_fail(const liq_run_group_t *g, int mpi_rc, const char *call)
{
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(mpi_rc, text, &length);
    return liq_error_set(LIQ_EIO, "rank %d: %s failed: %s", g->rank, call, text);
}
#endif

int liq_run_group_partition(liq_run_group_t *g, const liq_scenario_t *sc,
                            const liq_positions_t *positions, unsigned char **owned,
                            uint64_t *max_load, uint64_t *min_load)
{
    *owned = NULL;
    const size_t np = sc->n_protocols;
    g->n_protocols = np;
    g->owner = calloc(np > 0 ? np : 1, sizeof(*g->owner));
    uint64_t *load = calloc((size_t)g->size, sizeof(*load));
    if (g->owner == NULL || load == NULL) {
        free(load);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the partition");
    }
    int rc = liq_partition_protocols(sc, positions, g->size, g->owner, load);
    *max_load = *min_load = load[0];
    for (int r = 1; r < g->size; r++) {
        *max_load = load[r] > *max_load ? load[r] : *max_load;
        *min_load = load[r] < *min_load ? load[r] : *min_load;
    }
    free(load);
    if (rc != LIQ_OK || g->size == 1) {
        return rc;
    }
    *owned = calloc(np > 0 ? np : 1, 1);
    if (*owned == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the partition");
    }
    for (size_t p = 0; p < np; p++) {
        (*owned)[p] = g->owner[p] == g->rank;
    }
    return LIQ_OK;
}

int liq_run_group_agree(liq_run_group_t *g, int rc, int *stop)
{
    if (g->size == 1) {
        return rc;
    }
#ifdef LIQNET_HAVE_MPI
    /* The lowest failing rank (size if none) and whether any rank stops. */
    int mine[2] = {rc != LIQ_OK ? g->rank : g->size, stop != NULL && *stop ? -1 : 0};
    int all[2];
    int mrc = MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (mrc != MPI_SUCCESS) {
        return liq_group_mpi_fail(g, mrc, "MPI_Allreduce");
    }
    if (stop != NULL) {
        *stop = all[1] < 0;
    }
    if (all[0] == g->size) {
        return LIQ_OK;
    }
    /* The failing rank's code and message, to everyone. */
    char message[1024];
    int code = rc;
    if (g->rank == all[0]) {
        snprintf(message, sizeof(message), "%s", liq_errmsg());
    }
    mrc = MPI_Bcast(&code, 1, MPI_INT, all[0], MPI_COMM_WORLD);
    if (mrc == MPI_SUCCESS) {
        mrc = MPI_Bcast(message, (int)sizeof(message), MPI_CHAR, all[0], MPI_COMM_WORLD);
    }
    if (mrc != MPI_SUCCESS) {
        return liq_group_mpi_fail(g, mrc, "MPI_Bcast");
    }
    if (all[0] == 0) {
        return liq_error_set(code, "%s", message);
    }
    return liq_error_set(code, "rank %d: %s", all[0], message);
#else
    (void)stop;
    return rc;
#endif
}

#ifdef LIQNET_HAVE_MPI
/* Sizes the all-gather once: the records' sizes depend only on the
 * scenario. */
static int liq_group_exchange_setup(liq_run_group_t *g, const liq_sim_t *sim)
{
    const size_t n = (size_t)g->size;
    g->counts = calloc(n, sizeof(*g->counts));
    g->displs = calloc(n, sizeof(*g->displs));
    g->at = calloc(n, sizeof(*g->at));
    g->words = calloc(g->n_protocols + 1, sizeof(*g->words));
    if (g->counts == NULL || g->displs == NULL || g->at == NULL || g->words == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the exchange");
    }
    size_t total = 0;
    for (size_t p = 0; p < g->n_protocols; p++) {
        g->words[p] = liq_sim_record_words(sim, p);
        g->counts[g->owner[p]] += (int)g->words[p];
        total += g->words[p];
    }
    if (total > (size_t)2147483647) {
        return liq_error_set(LIQ_EINVAL,
                             "the protocols' records take %zu words a round; the exchange "
                             "takes at most 2^31-1",
                             total);
    }
    for (size_t r = 1; r < n; r++) {
        g->displs[r] = g->displs[r - 1] + g->counts[r - 1];
    }
    g->recv_words = total;
    g->send = calloc((size_t)g->counts[g->rank] + 1, sizeof(uint64_t));
    g->recv = calloc(total + 1, sizeof(uint64_t));
    if (g->send == NULL || g->recv == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the exchange (%zu words)", total);
    }
    return LIQ_OK;
}
#endif

int liq_run_group_exchange(liq_run_group_t *g, liq_sim_t *sim, uint64_t *bytes)
{
    if (bytes != NULL) {
        *bytes = 0;
    }
    if (g->size == 1) {
        return LIQ_OK;
    }
#ifdef LIQNET_HAVE_MPI
    if (g->counts == NULL) {
        const int rc = liq_group_exchange_setup(g, sim);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    size_t w = 0;
    for (size_t p = 0; p < g->n_protocols; p++) {
        if (g->owner[p] == g->rank) {
            liq_sim_record_pack(sim, p, g->send + w);
            w += g->words[p];
        }
    }
    const int mrc = MPI_Allgatherv(g->send, g->counts[g->rank], MPI_UINT64_T, g->recv, g->counts,
                                   g->displs, MPI_UINT64_T, MPI_COMM_WORLD);
    if (mrc != MPI_SUCCESS) {
        return liq_group_mpi_fail(g, mrc, "MPI_Allgatherv");
    }
    /* Rank r's records sit at displs[r], its protocols in index order. */
    for (int r = 0; r < g->size; r++) {
        g->at[r] = (size_t)g->displs[r];
    }
    for (size_t p = 0; p < g->n_protocols; p++) {
        const int r = g->owner[p];
        if (r != g->rank) {
            liq_sim_record_unpack(sim, p, g->recv + g->at[r]);
        }
        g->at[r] += g->words[p];
    }
    g->bytes = 8 * (uint64_t)(g->recv_words - (size_t)g->counts[g->rank]);
    if (bytes != NULL) {
        *bytes = g->bytes;
    }
    return LIQ_OK;
#else
    (void)sim;
    return LIQ_OK;
#endif
}

int liq_run_group_round_exchange(void *group, liq_sim_t *sim, int status)
{
    liq_run_group_t *g = group;
    const int rc = liq_run_group_agree(g, status, NULL);
    return rc != LIQ_OK ? rc : liq_run_group_exchange(g, sim, &g->bytes);
}

uint64_t liq_run_group_bytes(const liq_run_group_t *g)
{
    return g->bytes;
}

uint64_t liq_run_group_reduce(liq_run_group_t *g, uint64_t value, liq_reduce_t op)
{
#ifdef LIQNET_HAVE_MPI
    if (g->size > 1) {
        const MPI_Op mop = op == LIQ_REDUCE_SUM   ? MPI_SUM
                           : op == LIQ_REDUCE_MIN ? MPI_MIN
                                                  : MPI_MAX;
        uint64_t all = 0;
        if (MPI_Allreduce(&value, &all, 1, MPI_UINT64_T, mop, MPI_COMM_WORLD) == MPI_SUCCESS) {
            return all;
        }
    }
#else
    (void)g;
    (void)op;
#endif
    return value;
}
