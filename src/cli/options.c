#include "cli/options.h"

#include <stdarg.h>
#include <string.h>

#include "cli/args.h"

/* Help text is wrapped to this many columns: a terminal's 80, less one so
 * that a full line never wraps by itself. */
#define LIQ_HELP_WIDTH 79
/* The column where an option's help starts in `--help`. */
#define LIQ_HELP_INDENT 24

void liq_cli_parser_init(liq_cli_parser_t *p, const liq_cli_command_t *command, int argc,
                         char **argv, int first)
{
    memset(p, 0, sizeof(*p));
    p->command = command;
    p->argc = argc;
    p->argv = argv;
    p->next = first;
}

int liq_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "liqnet: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (command != NULL) {
        fprintf(stderr, "\nsee 'liqnet %s --help'\n", command);
    } else {
        fprintf(stderr, "\nsee 'liqnet help'\n");
    }
    return LIQ_EXIT_USAGE;
}

/* Whether the first `len` characters of `arg` are the whole of `name`. */
static bool liq_spelt(const char *arg, size_t len, const char *name)
{
    return name != NULL && strlen(name) == len && strncmp(arg, name, len) == 0;
}

int liq_cli_next(liq_cli_parser_t *p)
{
    const liq_cli_command_t *cmd = p->command;
    p->value = NULL;
    if (p->next >= p->argc) {
        return LIQ_CLI_DONE;
    }
    const char *arg = p->argv[p->next++];
    if (p->operands_only || arg[0] != '-' || arg[1] == '\0') {
        p->value = arg; /* "-" alone is an operand, as for getopt */
        return LIQ_CLI_OPERAND;
    }
    if (strcmp(arg, "--") == 0) {
        p->operands_only = true;
        return liq_cli_next(p);
    }
    /* The option's spelling is arg[0..len); an attached value follows. */
    size_t len = strlen(arg);
    const char *attached = NULL;
    if (arg[1] == '-') {
        const char *eq = strchr(arg, '=');
        if (eq != NULL) {
            len = (size_t)(eq - arg);
            attached = eq + 1;
        }
    } else if (arg[2] != '\0') {
        len = 2;
        attached = arg + 2;
    }
    if (liq_spelt(arg, len, "--help") || liq_spelt(arg, len, "-h")) {
        if (attached != NULL) {
            liq_cli_usage_error(cmd->name, "option '%.*s' takes no value", (int)len, arg);
            return LIQ_CLI_BAD;
        }
        liq_cli_print_help(stdout, cmd);
        return LIQ_CLI_HELP;
    }
    for (size_t k = 0; k < cmd->n_options; k++) {
        const liq_cli_option_t *opt = &cmd->options[k];
        if (!liq_spelt(arg, len, opt->name) && !liq_spelt(arg, len, opt->alias)) {
            continue;
        }
        if (opt->arg == NULL) {
            if (attached != NULL) {
                liq_cli_usage_error(cmd->name, "option '%.*s' takes no value", (int)len, arg);
                return LIQ_CLI_BAD;
            }
            return (int)k;
        }
        if (attached != NULL) {
            p->value = attached;
        } else if (p->next < p->argc) {
            /* As getopt_long: the next argument is the value even when it
             * starts with a dash (--shock-return -0.2). */
            p->value = p->argv[p->next++];
        } else {
            liq_cli_usage_error(cmd->name, "%s needs a value (%s)", arg, opt->arg);
            return LIQ_CLI_BAD;
        }
        return (int)k;
    }
    if (arg[1] == '-') {
        liq_cli_usage_error(cmd->name, "unknown option '%.*s'", (int)len, arg);
    } else {
        liq_cli_usage_error(cmd->name, "unknown option '%s'", arg);
    }
    return LIQ_CLI_BAD;
}

bool liq_cli_whole(const liq_cli_parser_t *p, long long min, long long max, const char *expected,
                   long long *out)
{
    if (liq_cli_parse_int(p->value, min, max, out)) {
        return true;
    }
    /* The option as the user spelt it (an alias, or --name of --name=v). */
    const char *arg = p->argv[p->next - (p->value == p->argv[p->next - 1] ? 2 : 1)];
    const size_t len = strcspn(arg, "=");
    liq_cli_usage_error(p->command->name, "%.*s takes %s, not '%s'", (int)(arg[1] == '-' ? len : 2),
                        arg, expected, p->value);
    return false;
}

/* ------------------------------------------------------------------ help */

/* Prints `text` word by word from column `col` (the cursor's), wrapping at
 * LIQ_HELP_WIDTH to column `indent`; a blank line ("\n\n") starts a new
 * paragraph, any other white space is one space. Ends with a newline. */
static void liq_wrap(FILE *out, const char *text, int col, int indent)
{
    const char *s = text;
    bool first = true;
    while (*s != '\0') {
        if (s[0] == '\n' && s[1] == '\n') {
            fprintf(out, "\n\n%*s", indent, "");
            col = indent;
            first = true;
            s += 2;
            continue;
        }
        if (*s == ' ' || *s == '\n') {
            s++;
            continue;
        }
        size_t n = strcspn(s, " \n");
        if (s[0] == '[') {
            /* "[--threads N]" and "[0, 1]" stay on one line. */
            int depth = 0;
            size_t k = 0;
            for (; s[k] != '\0' && s[k] != '\n'; k++) {
                depth += s[k] == '[' ? 1 : s[k] == ']' ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            if (s[k] == ']') {
                n = k + 1 + strcspn(s + k + 1, " \n");
            }
        }
        if (!first && col + 1 + (int)n > LIQ_HELP_WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            first = true;
        }
        if (!first) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", (int)n, s);
        col += (int)n;
        first = false;
        s += n;
    }
    fputc('\n', out);
}

/* "usage: liqnet NAME ..." for each form, wrapped under its first operand. */
static void liq_print_usage_lines(FILE *out, const liq_cli_command_t *c, const char *lead)
{
    for (int u = 0; u < 3 && c->usage[u] != NULL; u++) {
        const int col = fprintf(out, "%s liqnet %s", u == 0 ? lead : "      ", c->name);
        if (c->usage[u][0] == '\0') {
            fputc('\n', out);
        } else {
            fputc(' ', out);
            liq_wrap(out, c->usage[u], col + 1, col + 1);
        }
    }
}

void liq_cli_print_help(FILE *out, const liq_cli_command_t *c)
{
    liq_print_usage_lines(out, c, "usage:");
    fputc('\n', out);
    liq_wrap(out, c->description, 0, 0);
    fprintf(out, "\noptions:\n");
    for (size_t k = 0; k <= c->n_options; k++) {
        /* The table's options, then --help, which every command has. */
        const liq_cli_option_t help = {"--help", "-h", NULL, "print this help and exit", NULL};
        const liq_cli_option_t *opt = k < c->n_options ? &c->options[k] : &help;
        char left[64];
        snprintf(left, sizeof(left), "  %s%s%s%s%s", opt->alias != NULL ? opt->alias : "",
                 opt->alias != NULL ? ", " : "", opt->name, opt->arg != NULL ? " " : "",
                 opt->arg != NULL ? opt->arg : "");
        const int width = (int)strlen(left);
        fputs(left, out);
        if (width + 2 > LIQ_HELP_INDENT) {
            fprintf(out, "\n%*s", LIQ_HELP_INDENT, "");
        } else {
            fprintf(out, "%*s", LIQ_HELP_INDENT - width, "");
        }
        liq_wrap(out, opt->help, LIQ_HELP_INDENT, LIQ_HELP_INDENT);
    }
}

void liq_cli_print_overview(FILE *out, const liq_cli_command_t *const *commands, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        liq_print_usage_lines(out, commands[i], i == 0 ? "usage:" : "      ");
    }
    fprintf(out, "\ncommands:\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "  %-10s", commands[i]->name);
        liq_wrap(out, commands[i]->summary, 12, 12);
    }
    fprintf(out, "\n'liqnet help COMMAND' or 'liqnet COMMAND --help' prints a command's "
                 "options.\nExit status: 0 done, 1 bad input or a failed run, 2 bad usage, 130 "
                 "interrupted.\n");
}

/* ------------------------------------------------------------------- man */

/* Prints `text` for troff on one line: dashes and backslashes escaped, a
 * leading period or quote guarded, white space collapsed to spaces. */
static void liq_man_text(FILE *out, const char *text)
{
    if (text[0] == '.' || text[0] == '\'') {
        fputs("\\&", out);
    }
    for (const char *s = text; *s != '\0'; s++) {
        if (*s == '-') {
            fputs("\\-", out);
        } else if (*s == '\\') {
            fputs("\\e", out);
        } else if (*s == '\n') {
            fputc(' ', out);
        } else {
            fputc(*s, out);
        }
    }
}

/* Prints paragraphs ("\n\n" between them) as troff paragraphs. */
static void liq_man_paragraphs(FILE *out, const char *text)
{
    const char *s = text;
    while (*s != '\0') {
        const char *end = strstr(s, "\n\n");
        const size_t n = end != NULL ? (size_t)(end - s) : strlen(s);
        char buf[2048];
        snprintf(buf, sizeof(buf), "%.*s", (int)n, s);
        fputs(".PP\n", out);
        liq_man_text(out, buf);
        fputc('\n', out);
        s += n;
        while (*s == '\n') {
            s++;
        }
    }
}

static void liq_man_usage(FILE *out, const liq_cli_command_t *c)
{
    for (int u = 0; u < 3 && c->usage[u] != NULL; u++) {
        fprintf(out, "\\fBliqnet %s\\fR ", c->name);
        liq_man_text(out, c->usage[u]);
        fputs("\n.br\n", out);
    }
}

void liq_cli_print_man(FILE *out, const liq_cli_command_t *const *commands, size_t n)
{
    fputs(".\\\" Written by `liqnet __docs man` from the option tables of src/cli; do not edit.\n"
          ".\\\" A test (test_cli_docs) checks that this file is what it writes.\n"
          ".TH LIQNET 1 \"\" \"liqnet\" \"User Commands\"\n"
          ".\\\" Options are not hyphenated, nor lines stretched to the margin.\n"
          ".nh\n"
          ".ad l\n"
          ".SH NAME\n"
          "liqnet \\- simulate liquidation cascades across DeFi protocols\n"
          ".SH SYNOPSIS\n",
          out);
    for (size_t i = 0; i < n; i++) {
        liq_man_usage(out, commands[i]);
    }
    fputs(".SH DESCRIPTION\n", out);
    liq_man_paragraphs(out,
                       "liqnet simulates liquidation cascades across DeFi protocols. Lending "
                       "markets share collateral assets, DEX pools and oracles; when a price "
                       "falls, margin engines liquidate underwater accounts, liquidators sell the "
                       "collateral into pools, the slippage moves the price, oracles publish it, "
                       "and more accounts fall. liqnet steps that loop in synchronous rounds and "
                       "writes every round to an HDF5 file.\n\nOptions follow getopt_long: "
                       "--name value or --name=value, a short alias as -o value or -ovalue, "
                       "options and operands in any order, and -- ends the options, so that a "
                       "file whose name starts with a dash can be named after it.");
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < n; i++) {
        const liq_cli_command_t *c = commands[i];
        fprintf(out, ".SS \"liqnet %s\"\n", c->name);
        liq_man_usage(out, c);
        liq_man_paragraphs(out, c->description);
        for (size_t k = 0; k < c->n_options; k++) {
            const liq_cli_option_t *opt = &c->options[k];
            fputs(".TP\n", out);
            if (opt->alias != NULL) {
                fputs("\\fB", out);
                liq_man_text(out, opt->alias);
                fputs("\\fR, ", out);
            }
            fputs("\\fB", out);
            liq_man_text(out, opt->name);
            fputs("\\fR", out);
            if (opt->arg != NULL) {
                fputs(" \\fI", out);
                liq_man_text(out, opt->arg);
                fputs("\\fR", out);
            }
            fputc('\n', out);
            liq_man_text(out, opt->help);
            fputc('\n', out);
        }
        fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint the command's help and exit\n", out);
    }
    fputs(".SH EXIT STATUS\n"
          "0 on success; 1 on bad input, a failed run or an I/O error (the message names the "
          "file, line, key and value); 2 on bad usage (one line and where to find the command's "
          "help); 130 when interrupted (the output then holds every completed round).\n"
          ".SH SEE ALSO\n"
          "docs/scenario.md (every scenario key), docs/hdf5\\-schema.md (the output), "
          "docs/sweeps.md, docs/network.md, in liqnet's source.\n",
          out);
}

/* ------------------------------------------------------------------ bash */

/* The words of an option table for compgen -W: names, aliases, --help. */
static void liq_bash_words(FILE *out, const liq_cli_command_t *c)
{
    for (size_t k = 0; k < c->n_options; k++) {
        fprintf(out, "%s%s%s ", c->options[k].name, c->options[k].alias != NULL ? " " : "",
                c->options[k].alias != NULL ? c->options[k].alias : "");
    }
    fputs("--help -h", out);
}

/* The case arms completing the values of c's options from `prev`. */
static void liq_bash_values(FILE *out, const liq_cli_command_t *c)
{
    for (size_t k = 0; k < c->n_options; k++) {
        const liq_cli_option_t *opt = &c->options[k];
        if (opt->arg == NULL) {
            continue;
        }
        fprintf(out, "                %s%s%s)\n", opt->name, opt->alias != NULL ? "|" : "",
                opt->alias != NULL ? opt->alias : "");
        if (opt->complete == NULL) {
            fputs("                    return ;;\n", out);
        } else if (strcmp(opt->complete, "@file") == 0) {
            fputs("                    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                  "                    return ;;\n",
                  out);
        } else {
            fprintf(out,
                    "                    COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n"
                    "                    return ;;\n",
                    opt->complete);
        }
    }
}

void liq_cli_print_bash(FILE *out, const liq_cli_command_t *const *commands, size_t n)
{
    fputs("# bash completion for liqnet. Written by `liqnet __docs bash` from the option\n"
          "# tables of src/cli; do not edit (test_cli_docs checks it). Use it with\n"
          "#   source completions/liqnet.bash\n"
          "# or install it as /usr/share/bash-completion/completions/liqnet.\n"
          "_liqnet()\n"
          "{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    local prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    COMPREPLY=()\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s%s", i > 0 ? " " : "", commands[i]->name);
    }
    fputs("\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    case ${COMP_WORDS[1]} in\n",
          out);
    for (size_t i = 0; i < n; i++) {
        const liq_cli_command_t *c = commands[i];
        fprintf(out, "        %s)\n", c->name);
        if (strcmp(c->name, "help") == 0) {
            fputs("            COMPREPLY=($(compgen -W \"", out);
            for (size_t j = 0; j < n; j++) {
                fprintf(out, "%s%s", j > 0 ? " " : "", commands[j]->name);
            }
            fputs("\" -- \"$cur\"))\n            ;;\n", out);
            continue;
        }
        fputs("            case $prev in\n", out);
        liq_bash_values(out, c);
        fputs("            esac\n"
              "            if [[ $cur == -* ]]; then\n"
              "                COMPREPLY=($(compgen -W \"",
              out);
        liq_bash_words(out, c);
        fputs("\" -- \"$cur\"))\n", out);
        if (c->files) {
            fputs("            else\n"
                  "                COMPREPLY=($(compgen -f -- \"$cur\"))\n",
                  out);
        }
        fputs("            fi\n"
              "            ;;\n",
              out);
    }
    fputs("    esac\n"
          "}\n"
          "complete -o filenames -F _liqnet liqnet\n",
          out);
}
