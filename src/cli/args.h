/*
 * What the liqnet subcommands share: exit statuses, usage errors and the
 * report of a library error, and whole-number option values.
 */
#ifndef LIQ_CLI_ARGS_H
#define LIQ_CLI_ARGS_H

#include <stdbool.h>

enum { LIQ_EXIT_OK = 0, LIQ_EXIT_FAIL = 1, LIQ_EXIT_USAGE = 2, LIQ_EXIT_INTERRUPTED = 130 };

/* Prints "liqnet: MESSAGE" (printf format), a blank line and `usage` on
 * stderr; returns LIQ_EXIT_USAGE. */
int liq_cli_usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints the library's detailed message for error `code` on stderr; returns
 * LIQ_EXIT_FAIL. */
int liq_cli_fail(int code);

/* Parses a whole decimal integer in [min, max]; false on anything else. */
bool liq_cli_parse_int(const char *text, long long min, long long max, long long *out);

/* Parses a finite decimal number (strtod syntax, no trailing characters);
 * false on anything else, the range being the caller's to check. */
bool liq_cli_parse_double(const char *text, double *out);

#endif /* LIQ_CLI_ARGS_H */
