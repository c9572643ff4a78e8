/* The `liqnet sweep` command (src/cli/sweep_cmd.c). */
#ifndef LIQ_CLI_SWEEP_CMD_H
#define LIQ_CLI_SWEEP_CMD_H

/* Runs `liqnet sweep ...` (argv[1] is "sweep"); returns the exit status. */
int liq_cmd_sweep(int argc, char **argv);

extern const char liq_sweep_usage[];

#endif /* LIQ_CLI_SWEEP_CMD_H */
