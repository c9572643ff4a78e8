/* The `liqnet generate` command (src/cli/generate_cmd.c). */
#ifndef LIQ_CLI_GENERATE_CMD_H
#define LIQ_CLI_GENERATE_CMD_H

#include "cli/options.h"

/* Runs `liqnet generate ...` (argv[1] is "generate"); returns the exit status. */
int liq_cmd_generate(int argc, char **argv);

/* Its options and help (cli/options.h). */
extern const liq_cli_command_t liq_generate_command;

#endif /* LIQ_CLI_GENERATE_CMD_H */
