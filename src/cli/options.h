/*
 * The options of liqnet's commands, declared once per command in a table
 * (name, argument, help text, what completes its value) that drives the
 * parsing, `liqnet COMMAND --help`, `liqnet help`, the man page
 * (docs/liqnet.1) and bash completion (completions/liqnet.bash); the last
 * two are written by the hidden command `liqnet __docs man|bash`, and a test
 * checks that the files in the repository are what it writes.
 *
 * Parsing follows getopt_long: `--name value`, `--name=value`, a short alias
 * as `-o value` or `-ovalue`, options and operands in any order, and `--`
 * ending the options (what follows is operands even when it starts with a
 * dash). `-h` and `--help` print the command's help. There are no
 * abbreviations of long names: an option is spelt whole, so adding one never
 * makes an existing command line ambiguous.
 */
#ifndef LIQ_CLI_OPTIONS_H
#define LIQ_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One option of a command. */
typedef struct {
    const char *name;  /* "--threads" */
    const char *alias; /* "-o", or NULL */
    const char *arg;   /* the value's placeholder ("N", "FILE"); NULL for a flag */
    const char *help;  /* one paragraph, wrapped when printed */
    /* Bash completion of the value: "@file" (file names) or words separated
     * by blanks ("auto exact skip"); NULL offers nothing. */
    const char *complete;
} liq_cli_option_t;

/* One command: its usage lines, what it does, and its options. */
typedef struct {
    const char *name;        /* "run" */
    const char *usage[3];    /* what follows "liqnet NAME" in each usage form; NULL ends */
    const char *summary;     /* one line for `liqnet help` */
    const char *description; /* paragraphs separated by "\n\n", wrapped when printed */
    const liq_cli_option_t *options;
    size_t n_options;
    bool files; /* its operands are file names (bash completion) */
} liq_cli_command_t;

/* What liq_cli_next found besides an option (which it returns as its index
 * in the command's table, >= 0). */
enum {
    LIQ_CLI_DONE = -1,    /* no more arguments */
    LIQ_CLI_OPERAND = -2, /* an operand, in p->value */
    LIQ_CLI_HELP = -3,    /* -h or --help: the help is printed on stdout */
    LIQ_CLI_BAD = -4      /* a usage error: its message and the hint are printed */
};

/* A walk over argv[first..argc-1] by a command's table. */
typedef struct {
    const liq_cli_command_t *command;
    int argc;
    char **argv;
    int next;           /* the next argument to read */
    bool operands_only; /* after "--" */
    const char *value;  /* the last option's value (NULL for a flag) or operand */
} liq_cli_parser_t;

void liq_cli_parser_init(liq_cli_parser_t *p, const liq_cli_command_t *command, int argc,
                         char **argv, int first);

/* The next option (its index in the table, its value in p->value), operand,
 * or the end; LIQ_CLI_HELP and LIQ_CLI_BAD have printed what they must. */
int liq_cli_next(liq_cli_parser_t *p);

/* Reads the value of the option liq_cli_next just returned as a whole number
 * in [min, max]; on anything else prints the usage error "OPTION takes
 * EXPECTED, not 'VALUE'" and returns false. */
bool liq_cli_whole(const liq_cli_parser_t *p, long long min, long long max, const char *expected,
                   long long *out);

/* Prints "liqnet: MESSAGE" and "see 'liqnet COMMAND --help'" (or, without a
 * command, "see 'liqnet help'") on stderr; returns LIQ_EXIT_USAGE. */
int liq_cli_usage_error(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* `liqnet COMMAND --help`: usage, description and every option. */
void liq_cli_print_help(FILE *out, const liq_cli_command_t *command);

/* `liqnet help`: every command's usage lines and summary. */
void liq_cli_print_overview(FILE *out, const liq_cli_command_t *const *commands, size_t n);

/* The man page (troff, man(7) macros) of the commands. */
void liq_cli_print_man(FILE *out, const liq_cli_command_t *const *commands, size_t n);

/* A bash completion script for the commands. */
void liq_cli_print_bash(FILE *out, const liq_cli_command_t *const *commands, size_t n);

#endif /* LIQ_CLI_OPTIONS_H */
