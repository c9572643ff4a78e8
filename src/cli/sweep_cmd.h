/* The `liqnet sweep` command (src/cli/sweep_cmd.c). */
#ifndef LIQ_CLI_SWEEP_CMD_H
#define LIQ_CLI_SWEEP_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/options.h"
#include "liqnet/sweep.h"

/* The options of `liqnet sweep`. */
typedef struct {
    const char *sweep;
    const char *output;
    bool force, resume, quiet;
    int threads;
    long long print_run; /* -1: none */
    long long stop_after;
} liq_sweep_args_t;

/* Runs `liqnet sweep ...` (argv[1] is "sweep"); returns the exit status. */
int liq_cmd_sweep(int argc, char **argv);

/* Its options and help (cli/options.h). */
extern const liq_cli_command_t liq_sweep_command;

/* The sweep in this process alone (OpenMP): loads the sweep, creates or
 * resumes the results file, makes every pending run; the exit status.
 * `stop` is set by the signal handlers. */
int liq_sweep_local(const liq_sweep_args_t *args, volatile sig_atomic_t *stop);

/* Creates the results file, or reopens it with --resume when it exists. */
int liq_sweep_open_output(liq_sweep_file_t **file, const liq_sweep_args_t *args,
                          const liq_sweep_t *sw);
/* Closes the file and reports: the error of the executor (exec_rc, its
 * message), or the line of what was made (`workers` says by whom) and, with
 * runs left, how to finish them. Returns the exit status. */
int liq_sweep_finish(const liq_sweep_args_t *args, const liq_sweep_t *sw, liq_sweep_file_t *file,
                     int exec_rc, const char *exec_error, int64_t recorded, double seconds,
                     const char *workers);

#ifdef LIQNET_HAVE_MPI
/* Whether this process was started by an MPI launcher (mpirun, srun):
 * one of OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK is set. */
bool liq_sweep_mpi_launched(void);
/* The sweep over the ranks of MPI_COMM_WORLD (src/cli/sweep_mpi.c): rank 0
 * hands out runs and writes the file, the others make runs. With one rank,
 * liq_sweep_local. Initialises and finalises MPI; the exit status. */
int liq_sweep_mpi(const liq_sweep_args_t *args, volatile sig_atomic_t *stop);
#endif

#endif /* LIQ_CLI_SWEEP_CMD_H */
