/*
 * liqnet generate [-o SCENARIO.yaml [--force]] [--model M] [--protocols N] ...
 *
 * Writes the scenario YAML of a generated ecosystem (liq_network_generate,
 * docs/network.md "Generated ecosystems"): every field of
 * liq_ecosystem_options_t has an option, and the text goes to -o FILE or to
 * standard output. The same options give the same bytes.
 *
 * Degree sequences of the configuration model are given inline
 * ("3,2,2,1") or read from a file ("@degrees.txt": whole numbers separated
 * by commas, blanks or newlines, `#` starting a comment).
 *
 * Exit status: 0 on success, 1 when the output or a degree file cannot be
 * read or written (or exists, without --force), 2 on bad usage: an unknown
 * option, a value out of range, an option of another model, or options the
 * generator refuses together (such as degree sequences with different sums).
 */
#define _POSIX_C_SOURCE 200809L

#include "cli/generate_cmd.h"

#include "cli/args.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#include "liqnet/error.h"
#include "liqnet/network.h"

#define liq_generate_error(...) liq_cli_usage_error("generate", __VA_ARGS__)

static const char *const liq_model_names[] = {"erdos_renyi", "barabasi_albert", "blocks",
                                              "degrees"};

/* A degree sequence read from the command line or a file. */
typedef struct {
    int64_t *degree;
    size_t n, cap;
} liq_degrees_t;

static int liq_degrees_push(liq_degrees_t *d, int64_t value)
{
    if (d->n == d->cap) {
        const size_t cap = d->cap > 0 ? 2 * d->cap : 64;
        int64_t *grown = realloc(d->degree, cap * sizeof(*grown));
        if (grown == NULL) {
            return LIQ_ENOMEM;
        }
        d->degree = grown;
        d->cap = cap;
    }
    d->degree[d->n++] = value;
    return LIQ_OK;
}

/* Splits `text` (modified in place) into whole numbers >= 0 separated by
 * commas or blanks; a `#` ends the text. `where` names the text in messages
 * ("--asset-degrees" or "--asset-degrees: FILE:LINE"). Returns an exit
 * status, printing the message on failure. */
static int liq_degrees_parse_text(liq_degrees_t *d, char *text, const char *where, int bad_exit)
{
    char *hash = strchr(text, '#');
    if (hash != NULL) {
        *hash = '\0';
    }
    char *save = NULL;
    for (char *tok = strtok_r(text, ", \t\r\n", &save); tok != NULL;
         tok = strtok_r(NULL, ", \t\r\n", &save)) {
        long long v;
        if (!liq_cli_parse_int(tok, 0, INT32_MAX, &v)) {
            if (bad_exit == LIQ_EXIT_USAGE) {
                return liq_generate_error("%s: '%s' is not a whole number >= 0", where, tok);
            }
            fprintf(stderr, "liqnet: error: %s: '%s' is not a whole number >= 0\n", where, tok);
            return bad_exit;
        }
        if (liq_degrees_push(d, (int64_t)v) != LIQ_OK) {
            fprintf(stderr, "liqnet: error: %s: out of memory\n", where);
            return LIQ_EXIT_FAIL;
        }
    }
    return LIQ_EXIT_OK;
}

/* Reads a degree sequence: "3,2,1" or "@FILE". A bad inline value is a
 * usage error (exit 2); a file that cannot be read or holds a bad value is
 * bad input (exit 1, the message naming file and line). */
static int liq_degrees_read(liq_degrees_t *d, const char *option, const char *value)
{
    d->n = 0;
    if (value[0] != '@') {
        char *copy = strdup(value);
        if (copy == NULL) {
            fprintf(stderr, "liqnet: error: %s: out of memory\n", option);
            return LIQ_EXIT_FAIL;
        }
        const int rc = liq_degrees_parse_text(d, copy, option, LIQ_EXIT_USAGE);
        free(copy);
        if (rc == LIQ_EXIT_OK && d->n == 0) {
            return liq_generate_error("%s: '%s' holds no degrees; expected a list such as 3,2,1 "
                                      "or @FILE",
                                      option, value);
        }
        return rc;
    }
    const char *path = value + 1;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "liqnet: error: %s: cannot open %s: %s\n", option, path, strerror(errno));
        return LIQ_EXIT_FAIL;
    }
    char *line = NULL;
    size_t line_cap = 0;
    int rc = LIQ_EXIT_OK;
    long line_no = 0;
    while (rc == LIQ_EXIT_OK && getline(&line, &line_cap, f) >= 0) {
        line_no++;
        char where[1100];
        snprintf(where, sizeof(where), "%s: %s:%ld", option, path, line_no);
        rc = liq_degrees_parse_text(d, line, where, LIQ_EXIT_FAIL);
    }
    if (rc == LIQ_EXIT_OK && ferror(f)) {
        fprintf(stderr, "liqnet: error: %s: cannot read %s\n", option, path);
        rc = LIQ_EXIT_FAIL;
    }
    free(line);
    fclose(f);
    if (rc == LIQ_EXIT_OK && d->n == 0) {
        fprintf(stderr, "liqnet: error: %s: %s holds no degrees\n", option, path);
        rc = LIQ_EXIT_FAIL;
    }
    return rc;
}

/* Writes `text` to `path` through a temporary file renamed into place, so
 * that a failed write never leaves a truncated scenario under its name. */
static int liq_write_file(const char *path, const char *text)
{
    const size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (tmp == NULL) {
        fprintf(stderr, "liqnet: error: %s: out of memory\n", path);
        return LIQ_EXIT_FAIL;
    }
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "liqnet: error: %s: cannot write: %s\n", tmp, strerror(errno));
        free(tmp);
        return LIQ_EXIT_FAIL;
    }
    const size_t len = strlen(text);
    const bool written = fwrite(text, 1, len, f) == len;
    const bool closed = fclose(f) == 0;
    if (!written || !closed || rename(tmp, path) != 0) {
        fprintf(stderr, "liqnet: error: %s: cannot write: %s\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return LIQ_EXIT_FAIL;
    }
    free(tmp);
    return LIQ_EXIT_OK;
}

/* The options, one row each: how its value is read and checked (the
 * message is "OPTION: 'VALUE'; expected EXPECTED"), where it goes, and the
 * model it belongs to. */
typedef enum {
    LIQ_OPT_OUTPUT, /* a path (const char *) */
    LIQ_OPT_FORCE,  /* no value: sets a bool */
    LIQ_OPT_MODEL,  /* a model's name */
    LIQ_OPT_NAME,   /* the scenario's name (const char *) */
    LIQ_OPT_SIZE,   /* size_t: a whole number in [lo, hi] */
    LIQ_OPT_INT64,  /* int64_t: the same */
    LIQ_OPT_UINT64, /* uint64_t: the same */
    LIQ_OPT_NUMBER, /* double: a number in [xlo, xhi] ((xlo, ...] when lo_open) */
    LIQ_OPT_DEGREES /* a degree sequence (liq_degrees_t), inline or @FILE */
} liq_opt_kind_t;

typedef enum {
    LIQ_GO_OUTPUT,
    LIQ_GO_FORCE,
    LIQ_GO_MODEL,
    LIQ_GO_PROTOCOLS,
    LIQ_GO_ASSETS,
    LIQ_GO_ACCOUNTS,
    LIQ_GO_ALPHA,
    LIQ_GO_SEED,
    LIQ_GO_ROUNDS,
    LIQ_GO_NAME,
    LIQ_GO_SHOCK_RETURN,
    LIQ_GO_SHOCK_ROUND,
    LIQ_GO_POOLS_PER_ASSET,
    LIQ_GO_ORACLES_PER_ASSET,
    LIQ_GO_MIN_DEPTH_RATIO,
    LIQ_GO_HOLDINGS_PROBABILITY,
    LIQ_GO_HOLDINGS_EXPOSURE,
    LIQ_GO_PROBABILITY,
    LIQ_GO_ATTACHMENTS,
    LIQ_GO_BLOCKS,
    LIQ_GO_P_WITHIN,
    LIQ_GO_P_BETWEEN,
    LIQ_GO_PROTOCOL_DEGREES,
    LIQ_GO_ASSET_DEGREES,
    LIQ_GO_COUNT
} liq_gen_option_id_t;

/* The options of `liqnet generate`, in the order of --help: name, value and
 * help; liq_gen_options below says how each value is read. */
static const liq_cli_option_t liq_generate_options[LIQ_GO_COUNT] = {
    [LIQ_GO_OUTPUT] = {"--output", "-o", "FILE", "write to FILE (default: standard output)",
                       "@file"},
    [LIQ_GO_FORCE] = {"--force", NULL, NULL, "overwrite an existing FILE", NULL},
    [LIQ_GO_MODEL] = {"--model", NULL, "MODEL",
                      "how protocols pick their collateral: erdos_renyi (default), "
                      "barabasi_albert, blocks or degrees",
                      "erdos_renyi barabasi_albert blocks degrees"},
    [LIQ_GO_PROTOCOLS] = {"--protocols", NULL, "N", "lending protocols, >= 1 (default 10)", NULL},
    [LIQ_GO_ASSETS] = {"--assets", NULL, "N", "collateral assets, >= 1 (default 5)", NULL},
    [LIQ_GO_ACCOUNTS] = {"--accounts", NULL, "N", "accounts in all, >= 0 (default 10000)", NULL},
    [LIQ_GO_ALPHA] = {"--alpha", NULL, "X",
                      "Pareto tail index of accounts per protocol, > 0 (default 1.2)", NULL},
    [LIQ_GO_SEED] = {"--seed", NULL, "N", "generator and scenario seed, >= 0 (default 1)", NULL},
    [LIQ_GO_ROUNDS] = {"--rounds", NULL, "N", "scenario rounds, >= 1 (default 100)", NULL},
    [LIQ_GO_NAME] = {"--name", NULL, "NAME", "scenario name (default generated)", NULL},
    [LIQ_GO_SHOCK_RETURN] = {"--shock-return", NULL, "R",
                             "simple return of the shock on the most shared asset, > -1 "
                             "(default -0.2)",
                             NULL},
    [LIQ_GO_SHOCK_ROUND] = {"--shock-round", NULL, "N",
                            "round of the shock, in [1, rounds] (default 5)", NULL},
    [LIQ_GO_POOLS_PER_ASSET] = {"--pools-per-asset", NULL, "N",
                                "pools against USDS per collateral asset, 1 to 1000 (default 1)",
                                NULL},
    [LIQ_GO_ORACLES_PER_ASSET] = {"--oracles-per-asset", NULL, "N",
                                  "oracles per collateral asset, 1 to 1000 (default 1); a market "
                                  "sells on one of its asset's pools and reads one of its "
                                  "oracles, drawn uniformly",
                                  NULL},
    [LIQ_GO_MIN_DEPTH_RATIO] = {"--min-depth-ratio", NULL, "R",
                                "raise each asset's market_depth to at least R times its pools' "
                                "reserves, >= 0 (default 0: as drawn); R >= 1 keeps the "
                                "arbitrage-impact loop stable (docs/network.md)",
                                NULL},
    [LIQ_GO_HOLDINGS_PROBABILITY] = {"--holdings-probability", NULL, "H",
                                     "each protocol issues a receipt token RPj (zero recovery) "
                                     "and holds each other's with probability H, in [0, 1] "
                                     "(default 0: no receipt tokens)",
                                     NULL},
    [LIQ_GO_HOLDINGS_EXPOSURE] = {"--holdings-exposure", NULL, "E",
                                  "its receipt tokens are worth E times its insurance fund, "
                                  "split evenly, > 0 (default 1)",
                                  NULL},
    [LIQ_GO_PROBABILITY] = {"--probability", NULL, "P",
                            "erdos_renyi: probability of each protocol-asset link, in [0, 1] "
                            "(default 0.3)",
                            NULL},
    [LIQ_GO_ATTACHMENTS] = {"--attachments", NULL, "M",
                            "barabasi_albert: links per new protocol, >= 1 (default 2)", NULL},
    [LIQ_GO_BLOCKS] = {"--blocks", NULL, "C",
                       "blocks: clusters, in [1, min(protocols, assets)] (default 2)", NULL},
    [LIQ_GO_P_WITHIN] = {"--p-within", NULL, "P",
                         "blocks: link probability inside a cluster, in [0, 1] (default 0.6)",
                         NULL},
    [LIQ_GO_P_BETWEEN] = {"--p-between", NULL, "P",
                          "blocks: link probability across clusters, in [0, 1] (default 0.05)",
                          NULL},
    [LIQ_GO_PROTOCOL_DEGREES] = {"--protocol-degrees", NULL, "D",
                                 "degrees: collateral assets of each protocol, as a list "
                                 "\"3,2,1\" or @FILE (numbers separated by commas or blanks, # "
                                 "comments); sets --protocols to its length",
                                 NULL},
    [LIQ_GO_ASSET_DEGREES] = {"--asset-degrees", NULL, "D",
                              "degrees: protocols sharing each asset, the same way; sets "
                              "--assets; both sequences must have the same sum",
                              NULL},
};

const liq_cli_command_t liq_generate_command = {
    .name = "generate",
    .usage = {"[-o SCENARIO.yaml [--force]] [--model MODEL] [--protocols N] [--assets N] "
              "[--accounts N] [OPTIONS]"},
    .summary = "write the scenario of a synthetic ecosystem (igraph's random graph models)",
    .description = "Writes the scenario YAML of a synthetic ecosystem (docs/network.md): N "
                   "lending protocols borrowing the stablecoin USDS against collateral assets "
                   "TKNi, each asset with a pool against USDS and an oracle. The same options "
                   "give the same bytes. The options from --probability on belong to one "
                   "model each (the word before the colon).",
    .options = liq_generate_options,
    .n_options = LIQ_GO_COUNT,
    .files = false,
};

/* What the command line says: the generator's options and the command's. */
typedef struct {
    liq_ecosystem_options_t o;
    const char *output;
    bool force;
    liq_degrees_t protocol_degrees, asset_degrees;
    /* The last model-specific option seen, to refuse it under another model. */
    const char *model_option;
    liq_ecosystem_model_t model_of_option;
    bool seen[LIQ_GO_COUNT]; /* the options given */
} liq_generate_t;

/* How an option's value is read, checked and stored; its name, value and
 * help are the row of the same index in liq_generate_options. */
typedef struct {
    liq_opt_kind_t kind;
    size_t offset;    /* of the field in liq_generate_t */
    long long lo, hi; /* SIZE, INT64, UINT64 */
    double xlo, xhi;  /* NUMBER */
    bool lo_open;     /* NUMBER: xlo excluded */
    bool finite;      /* NUMBER: inf refused */
    const char *expected;
    bool of_model; /* only for --model `model` */
    liq_ecosystem_model_t model;
} liq_gen_option_t;

#define LIQ_AT(field) offsetof(liq_generate_t, field)
#define LIQ_WHOLE(low, high, text) .lo = (low), .hi = (high), .expected = (text)
#define LIQ_UNIT_RANGE .xlo = 0.0, .xhi = 1.0, .expected = "a number in [0, 1]"
#define LIQ_MODEL(m) .of_model = true, .model = (m)

static const liq_gen_option_t liq_gen_options[LIQ_GO_COUNT] = {
    [LIQ_GO_OUTPUT] = {LIQ_OPT_OUTPUT, LIQ_AT(output)},
    [LIQ_GO_FORCE] = {LIQ_OPT_FORCE, LIQ_AT(force)},
    [LIQ_GO_MODEL] = {LIQ_OPT_MODEL, LIQ_AT(o.model)},
    [LIQ_GO_PROTOCOLS] = {LIQ_OPT_SIZE, LIQ_AT(o.n_protocols),
                          LIQ_WHOLE(1, INT32_MAX, "a whole number >= 1")},
    [LIQ_GO_ASSETS] = {LIQ_OPT_SIZE, LIQ_AT(o.n_assets),
                       LIQ_WHOLE(1, INT32_MAX, "a whole number >= 1")},
    /* 2147483647: INT32_MAX, as the message has always printed it. */
    [LIQ_GO_ACCOUNTS] = {LIQ_OPT_INT64, LIQ_AT(o.n_accounts),
                         LIQ_WHOLE(0, INT32_MAX, "a whole number from 0 to 2147483647")},
    [LIQ_GO_ALPHA] = {LIQ_OPT_NUMBER, LIQ_AT(o.accounts_alpha), .xlo = 0.0, .xhi = INFINITY,
                      .lo_open = true, .expected = "a number > 0"},
    [LIQ_GO_SEED] = {LIQ_OPT_UINT64, LIQ_AT(o.seed),
                     LIQ_WHOLE(0, INT64_MAX, "a whole number >= 0")},
    [LIQ_GO_ROUNDS] = {LIQ_OPT_INT64, LIQ_AT(o.rounds),
                       LIQ_WHOLE(1, INT32_MAX, "a whole number >= 1")},
    [LIQ_GO_NAME] = {LIQ_OPT_NAME, LIQ_AT(o.name),
                     .expected = "a non-empty name without quotes, backslashes or newlines"},
    [LIQ_GO_SHOCK_RETURN] = {LIQ_OPT_NUMBER, LIQ_AT(o.shock_return), .xlo = -1.0, .xhi = INFINITY,
                             .lo_open = true, .expected = "a number > -1"},
    [LIQ_GO_SHOCK_ROUND] = {LIQ_OPT_INT64, LIQ_AT(o.shock_round),
                            LIQ_WHOLE(1, INT32_MAX, "a whole number >= 1")},
    [LIQ_GO_POOLS_PER_ASSET] = {LIQ_OPT_SIZE, LIQ_AT(o.pools_per_asset),
                                LIQ_WHOLE(1, 1000, "a whole number from 1 to 1000")},
    [LIQ_GO_ORACLES_PER_ASSET] = {LIQ_OPT_SIZE, LIQ_AT(o.oracles_per_asset),
                                  LIQ_WHOLE(1, 1000, "a whole number from 1 to 1000")},
    [LIQ_GO_MIN_DEPTH_RATIO] = {LIQ_OPT_NUMBER, LIQ_AT(o.min_depth_ratio), .xlo = 0.0,
                                .xhi = INFINITY, .expected = "a number >= 0"},
    [LIQ_GO_HOLDINGS_PROBABILITY] = {LIQ_OPT_NUMBER, LIQ_AT(o.holdings_probability),
                                     LIQ_UNIT_RANGE},
    [LIQ_GO_HOLDINGS_EXPOSURE] = {LIQ_OPT_NUMBER, LIQ_AT(o.holdings_exposure), .xlo = 0.0,
                                  .xhi = INFINITY, .lo_open = true, .finite = true,
                                  .expected = "a finite number > 0"},
    [LIQ_GO_PROBABILITY] = {LIQ_OPT_NUMBER, LIQ_AT(o.probability), LIQ_UNIT_RANGE,
                            LIQ_MODEL(LIQ_ECOSYSTEM_ERDOS_RENYI)},
    [LIQ_GO_ATTACHMENTS] = {LIQ_OPT_INT64, LIQ_AT(o.attachments),
                            LIQ_WHOLE(1, INT32_MAX, "a whole number >= 1"),
                            LIQ_MODEL(LIQ_ECOSYSTEM_BARABASI_ALBERT)},
    [LIQ_GO_BLOCKS] = {LIQ_OPT_SIZE, LIQ_AT(o.n_blocks),
                       LIQ_WHOLE(1, INT32_MAX, "a whole number >= 1"),
                       LIQ_MODEL(LIQ_ECOSYSTEM_BLOCKS)},
    [LIQ_GO_P_WITHIN] = {LIQ_OPT_NUMBER, LIQ_AT(o.p_within), LIQ_UNIT_RANGE,
                         LIQ_MODEL(LIQ_ECOSYSTEM_BLOCKS)},
    [LIQ_GO_P_BETWEEN] = {LIQ_OPT_NUMBER, LIQ_AT(o.p_between), LIQ_UNIT_RANGE,
                          LIQ_MODEL(LIQ_ECOSYSTEM_BLOCKS)},
    [LIQ_GO_PROTOCOL_DEGREES] = {LIQ_OPT_DEGREES, LIQ_AT(protocol_degrees),
                                 LIQ_MODEL(LIQ_ECOSYSTEM_DEGREES)},
    [LIQ_GO_ASSET_DEGREES] = {LIQ_OPT_DEGREES, LIQ_AT(asset_degrees),
                              LIQ_MODEL(LIQ_ECOSYSTEM_DEGREES)},
};

#undef LIQ_AT
#undef LIQ_WHOLE
#undef LIQ_UNIT_RANGE
#undef LIQ_MODEL

/* Reads `value` (non-NULL unless the option is --force) into the field of
 * option `opt`, written `arg`. Returns an exit status. */
static int liq_gen_read(liq_generate_t *g, const liq_gen_option_t *opt, const char *arg,
                        const char *value)
{
    void *field = (char *)g + opt->offset;
    long long v;
    double x;
    switch (opt->kind) {
    case LIQ_OPT_OUTPUT:
        *(const char **)field = value;
        return LIQ_EXIT_OK;
    case LIQ_OPT_FORCE:
        *(bool *)field = true;
        return LIQ_EXIT_OK;
    case LIQ_OPT_MODEL:
        for (int m = 0; m <= (int)LIQ_ECOSYSTEM_DEGREES; m++) {
            if (strcmp(value, liq_model_names[m]) == 0) {
                *(liq_ecosystem_model_t *)field = (liq_ecosystem_model_t)m;
                return LIQ_EXIT_OK;
            }
        }
        return liq_generate_error("--model: '%s'; expected erdos_renyi, barabasi_albert, blocks "
                                  "or degrees",
                                  value);
    case LIQ_OPT_NAME:
        if (value[0] == '\0' || strpbrk(value, "\"\\\n") != NULL) {
            return liq_generate_error("%s: '%s'; expected %s", arg, value, opt->expected);
        }
        *(const char **)field = value;
        return LIQ_EXIT_OK;
    case LIQ_OPT_SIZE:
    case LIQ_OPT_INT64:
    case LIQ_OPT_UINT64:
        if (!liq_cli_parse_int(value, opt->lo, opt->hi, &v)) {
            return liq_generate_error("%s: '%s'; expected %s", arg, value, opt->expected);
        }
        if (opt->kind == LIQ_OPT_SIZE) {
            *(size_t *)field = (size_t)v;
        } else if (opt->kind == LIQ_OPT_INT64) {
            *(int64_t *)field = (int64_t)v;
        } else {
            *(uint64_t *)field = (uint64_t)v;
        }
        return LIQ_EXIT_OK;
    case LIQ_OPT_NUMBER:
        if (!liq_cli_parse_double(value, &x) || !(opt->lo_open ? x > opt->xlo : x >= opt->xlo) ||
            !(x <= opt->xhi) || (opt->finite && !isfinite(x))) {
            return liq_generate_error("%s: '%s'; expected %s", arg, value, opt->expected);
        }
        *(double *)field = x;
        return LIQ_EXIT_OK;
    case LIQ_OPT_DEGREES:
        return liq_degrees_read(field, arg, value);
    }
    return LIQ_EXIT_OK;
}

/* Reads the command line into *g. Returns an exit status, or LIQ_EXIT_HELP. */
static int liq_gen_parse(liq_generate_t *g, int argc, char **argv)
{
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_generate_command, argc, argv, 2);
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        if (k == LIQ_CLI_HELP) {
            return LIQ_EXIT_HELP;
        }
        if (k == LIQ_CLI_BAD) {
            return LIQ_EXIT_USAGE;
        }
        if (k == LIQ_CLI_OPERAND) {
            return liq_generate_error("unexpected argument '%s'", p.value);
        }
        const liq_gen_option_t *opt = &liq_gen_options[k];
        const char *name = liq_generate_options[k].name;
        const int rc = liq_gen_read(g, opt, name, p.value);
        g->seen[k] = true;
        if (opt->of_model) {
            g->model_option = name;
            g->model_of_option = opt->model;
        }
        if (rc != LIQ_EXIT_OK) {
            return rc;
        }
    }
    return LIQ_EXIT_OK;
}

/* Options that only make sense together, checked here so that the message
 * names the options rather than the library's fields. */
static int liq_gen_check(liq_generate_t *g)
{
    liq_ecosystem_options_t *o = &g->o;
    if (g->model_option != NULL && g->model_of_option != o->model) {
        return liq_generate_error("%s is an option of --model %s, not of --model %s",
                                  g->model_option, liq_model_names[g->model_of_option],
                                  liq_model_names[o->model]);
    }
    if (o->model == LIQ_ECOSYSTEM_DEGREES) {
        if (!g->seen[LIQ_GO_PROTOCOL_DEGREES] || !g->seen[LIQ_GO_ASSET_DEGREES]) {
            return liq_generate_error("--model degrees needs --protocol-degrees and "
                                      "--asset-degrees");
        }
        if (g->seen[LIQ_GO_PROTOCOLS] && o->n_protocols != g->protocol_degrees.n) {
            return liq_generate_error("--protocols %zu, but --protocol-degrees lists %zu "
                                      "degrees; expected one degree per protocol",
                                      o->n_protocols, g->protocol_degrees.n);
        }
        if (g->seen[LIQ_GO_ASSETS] && o->n_assets != g->asset_degrees.n) {
            return liq_generate_error("--assets %zu, but --asset-degrees lists %zu "
                                      "degrees; expected one degree per asset",
                                      o->n_assets, g->asset_degrees.n);
        }
        o->n_protocols = g->protocol_degrees.n;
        o->n_assets = g->asset_degrees.n;
        o->protocol_degrees = g->protocol_degrees.degree;
        o->asset_degrees = g->asset_degrees.degree;
    }
    if (o->shock_round > o->rounds) {
        return liq_generate_error("--shock-round %lld is after the last round (--rounds "
                                  "%lld%s); expected a round in [1, rounds]",
                                  (long long)o->shock_round, (long long)o->rounds,
                                  g->seen[LIQ_GO_SHOCK_ROUND] ? ""
                                                              : "; --shock-round defaults to 5");
    }
    if (o->model == LIQ_ECOSYSTEM_BLOCKS &&
        (o->n_blocks > o->n_protocols || o->n_blocks > o->n_assets)) {
        return liq_generate_error("--blocks %zu: expected at most --protocols (%zu) and "
                                  "--assets (%zu)",
                                  o->n_blocks, o->n_protocols, o->n_assets);
    }
    /* Refuse to overwrite before generating, which may take a while. */
    if (g->output != NULL && !g->force && access(g->output, F_OK) == 0) {
        fprintf(stderr, "liqnet: error: %s: file exists; pass --force to overwrite\n", g->output);
        return LIQ_EXIT_FAIL;
    }
    return LIQ_EXIT_OK;
}

/* Generates the scenario and writes it where -o says. */
static int liq_gen_write(const liq_generate_t *g)
{
    char *yaml = NULL;
    int exit_code = LIQ_EXIT_OK;
    const int rc = liq_network_generate(&yaml, &g->o);
    if (rc == LIQ_EINVAL) {
        /* Every input of the generator is an option: what it refuses (a
         * degree sequence no simple graph has, unequal sums) is bad usage. */
        exit_code = liq_generate_error("%s", liq_errmsg());
    } else if (rc != LIQ_OK) {
        exit_code = liq_cli_fail(rc);
    } else if (g->output != NULL) {
        exit_code = liq_write_file(g->output, yaml);
    } else if (fputs(yaml, stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "liqnet: error: cannot write the scenario to standard output\n");
        exit_code = LIQ_EXIT_FAIL;
    }
    free(yaml);
    return exit_code;
}

int liq_cmd_generate(int argc, char **argv)
{
    liq_generate_t g;
    memset(&g, 0, sizeof(g));
    liq_ecosystem_options_init(&g.o);
    int exit_code = liq_gen_parse(&g, argc, argv);
    if (exit_code == LIQ_EXIT_HELP) {
        exit_code = LIQ_EXIT_OK;
    } else if (exit_code == LIQ_EXIT_OK) {
        exit_code = liq_gen_check(&g);
        if (exit_code == LIQ_EXIT_OK) {
            exit_code = liq_gen_write(&g);
        }
    }
    free(g.protocol_degrees.degree);
    free(g.asset_degrees.degree);
    return exit_code;
}
