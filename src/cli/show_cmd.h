/* The `liqnet show` command (src/cli/show_cmd.c). */
#ifndef LIQ_CLI_SHOW_CMD_H
#define LIQ_CLI_SHOW_CMD_H

#include "cli/options.h"

/* Runs `liqnet show ...` (argv[1] is "show"); returns the exit status. */
int liq_cmd_show(int argc, char **argv);

/* Its options and help (cli/options.h). */
extern const liq_cli_command_t liq_show_command;

#endif /* LIQ_CLI_SHOW_CMD_H */
