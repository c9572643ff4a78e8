/*
 * What the liqnet subcommands share: exit statuses, the report of a library
 * error, and number option values (usage errors: cli/options.h).
 */
#ifndef LIQ_CLI_ARGS_H
#define LIQ_CLI_ARGS_H

#include <stdbool.h>

enum { LIQ_EXIT_OK = 0, LIQ_EXIT_FAIL = 1, LIQ_EXIT_USAGE = 2, LIQ_EXIT_INTERRUPTED = 130 };

/* What a command's parser returns when the command line asked for its
 * help, which is printed: the command exits with LIQ_EXIT_OK. Never an exit
 * status itself. */
enum { LIQ_EXIT_HELP = -1 };

/* Prints the library's detailed message for error `code` on stderr; returns
 * LIQ_EXIT_FAIL. */
int liq_cli_fail(int code);

/* Parses a whole decimal integer in [min, max]; false on anything else. */
bool liq_cli_parse_int(const char *text, long long min, long long max, long long *out);

/* Parses a finite decimal number (strtod syntax, no trailing characters);
 * false on anything else, the range being the caller's to check. */
bool liq_cli_parse_double(const char *text, double *out);

#endif /* LIQ_CLI_ARGS_H */
