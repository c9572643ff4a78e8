/*
 * The processes one `liqnet run` is spread over (src/cli/run_group.c): one
 * process, or the ranks of an MPI job (`mpirun -n N liqnet run`, built
 * with -DLIQNET_MPI=ON). Each rank holds the accounts of the protocols the
 * partition gives it and steps their margin engines; once a round the
 * protocols' records go to every rank in a fixed order (an all-gather of
 * 8-byte words, no reduction), so every rank holds the state of a single
 * process bit for bit. Rank 0 writes the run file.
 */
#ifndef LIQ_CLI_RUN_GROUP_H
#define LIQ_CLI_RUN_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "liqnet/scenario.h"
#include "liqnet/sim.h"

typedef struct liq_run_group liq_run_group_t;

/* Joins the MPI job when launched by mpirun or srun (and built with MPI),
 * else a group of one. */
int liq_run_group_open(liq_run_group_t **out);
void liq_run_group_close(liq_run_group_t *g);

int liq_run_group_rank(const liq_run_group_t *g);
int liq_run_group_size(const liq_run_group_t *g);
/* Whether the process runs under an MPI launcher (even as a job of one). */
bool liq_run_group_mpi(const liq_run_group_t *g);

/* While muted, ranks other than 0 print nothing: the steps every rank
 * repeats (arguments, scenario, positions) report their errors once. */
void liq_run_group_mute(liq_run_group_t *g, bool mute);

/* The protocols this rank owns (one byte each, *owned NULL in a group of
 * one) from liq_partition_protocols; the largest and smallest account load
 * of a rank go to *max_load and *min_load. Sets up the exchange. */
int liq_run_group_partition(liq_run_group_t *g, const liq_scenario_t *sc,
                            const liq_positions_t *positions, unsigned char **owned,
                            uint64_t *max_load, uint64_t *min_load);

/* Every rank's outcome of a step: LIQ_OK when all succeeded, otherwise the
 * code of the lowest failing rank, whose message becomes liq_errmsg()
 * everywhere ("rank R: ..." for R > 0). With `stop` non-NULL, *stop
 * becomes 1 on every rank when it is 1 on any. */
int liq_run_group_agree(liq_run_group_t *g, int rc, int *stop);

/* Copies every protocol's record from its owner to every rank; the words
 * each rank receives in a round go to *bytes (may be NULL). */
int liq_run_group_exchange(liq_run_group_t *g, liq_sim_t *sim, uint64_t *bytes);

/* The simulation's exchange (liq_sim_exchange_fn, context: the group),
 * called by every round between the margin and the venues phases: the
 * ranks agree on the round's status so far, then liq_run_group_exchange
 * copies the records. A one-rank group needs none. */
int liq_run_group_round_exchange(void *group, liq_sim_t *sim, int status);

/* Bytes this rank received in the last exchange. */
uint64_t liq_run_group_bytes(const liq_run_group_t *g);

/* A count reduced over the ranks (integers: the same on every rank). */
typedef enum { LIQ_REDUCE_SUM, LIQ_REDUCE_MIN, LIQ_REDUCE_MAX } liq_reduce_t;
uint64_t liq_run_group_reduce(liq_run_group_t *g, uint64_t value, liq_reduce_t op);

#endif /* LIQ_CLI_RUN_GROUP_H */
