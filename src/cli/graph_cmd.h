/* The `liqnet graph` command (src/cli/graph_cmd.c). */
#ifndef LIQ_CLI_GRAPH_CMD_H
#define LIQ_CLI_GRAPH_CMD_H

#include "cli/options.h"

/* Runs `liqnet graph ...` (argv[1] is "graph"); returns the exit status. */
int liq_cmd_graph(int argc, char **argv);

/* Its options and help (cli/options.h). */
extern const liq_cli_command_t liq_graph_command;

#endif /* LIQ_CLI_GRAPH_CMD_H */
