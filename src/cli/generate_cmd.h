/* The `liqnet generate` command (src/cli/generate_cmd.c). */
#ifndef LIQ_CLI_GENERATE_CMD_H
#define LIQ_CLI_GENERATE_CMD_H

/* Runs `liqnet generate ...` (argv[1] is "generate"); returns the exit status. */
int liq_cmd_generate(int argc, char **argv);

extern const char liq_generate_usage[];

#endif /* LIQ_CLI_GENERATE_CMD_H */
