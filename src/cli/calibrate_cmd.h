/* The `liqnet calibrate` command (src/cli/calibrate_cmd.c). */
#ifndef LIQ_CLI_CALIBRATE_CMD_H
#define LIQ_CLI_CALIBRATE_CMD_H

#include "cli/options.h"

/* Runs `liqnet calibrate ...` (argv[1] is "calibrate"); returns the exit
 * status. */
int liq_cmd_calibrate(int argc, char **argv);

/* Its options and help (cli/options.h). */
extern const liq_cli_command_t liq_calibrate_command;

#endif /* LIQ_CLI_CALIBRATE_CMD_H */
