/* The `liqnet graph` command (src/cli/graph_cmd.c). */
#ifndef LIQ_CLI_GRAPH_CMD_H
#define LIQ_CLI_GRAPH_CMD_H

/* Runs `liqnet graph ...` (argv[1] is "graph"); returns the exit status. */
int liq_cmd_graph(int argc, char **argv);

extern const char liq_graph_usage[];

#endif /* LIQ_CLI_GRAPH_CMD_H */
