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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#include "liqnet/error.h"
#include "liqnet/network.h"

const char liq_generate_usage[] =
    "usage: liqnet generate [-o SCENARIO.yaml [--force]] [--model MODEL] [--protocols N]\n"
    "                       [--assets N] [--accounts N] [--alpha X] [--seed N] [--rounds N]\n"
    "                       [--name NAME] [--shock-return R] [--shock-round N]\n"
    "                       [--pools-per-asset N] [--oracles-per-asset N]\n"
    "                       [--min-depth-ratio R] [--holdings-probability H]\n"
    "                       [--holdings-exposure E] [MODEL OPTIONS]\n"
    "\n"
    "Writes the scenario YAML of a synthetic ecosystem (docs/network.md): N lending\n"
    "protocols borrowing the stablecoin USDS against collateral assets TKNi, each asset\n"
    "with a pool against USDS and an oracle. The same options give the same bytes.\n"
    "\n"
    "  -o, --output FILE     write to FILE (default: standard output)\n"
    "  --force               overwrite an existing FILE\n"
    "  --model MODEL         how protocols pick their collateral: erdos_renyi (default),\n"
    "                        barabasi_albert, blocks or degrees\n"
    "  --protocols N         lending protocols, >= 1 (default 10)\n"
    "  --assets N            collateral assets, >= 1 (default 5)\n"
    "  --accounts N          accounts in all, >= 0 (default 10000)\n"
    "  --alpha X             Pareto tail index of accounts per protocol, > 0 (default 1.2)\n"
    "  --seed N              generator and scenario seed, >= 0 (default 1)\n"
    "  --rounds N            scenario rounds, >= 1 (default 100)\n"
    "  --name NAME           scenario name (default generated)\n"
    "  --shock-return R      simple return of the shock on the most shared asset, > -1\n"
    "                        (default -0.2)\n"
    "  --shock-round N       round of the shock, in [1, rounds] (default 5)\n"
    "  --pools-per-asset N   pools against USDS per collateral asset, 1 to 1000 (default 1)\n"
    "  --oracles-per-asset N oracles per collateral asset, 1 to 1000 (default 1); a market\n"
    "                        sells on one of its asset's pools and reads one of its\n"
    "                        oracles, drawn uniformly\n"
    "  --min-depth-ratio R   raise each asset's market_depth to at least R times its\n"
    "                        pools' reserves, >= 0 (default 0: as drawn); R >= 1 keeps\n"
    "                        the arbitrage-impact loop stable (docs/network.md)\n"
    "  --holdings-probability H  each protocol issues a receipt token RPj (zero recovery)\n"
    "                        and holds each other's with probability H, in [0, 1]\n"
    "                        (default 0: no receipt tokens)\n"
    "  --holdings-exposure E its receipt tokens are worth E times its insurance fund,\n"
    "                        split evenly, > 0 (default 1)\n"
    "\n"
    "model options:\n"
    "  --probability P       erdos_renyi: probability of each protocol-asset link, in [0, 1]\n"
    "                        (default 0.3)\n"
    "  --attachments M       barabasi_albert: links per new protocol, >= 1 (default 2)\n"
    "  --blocks C            blocks: clusters, in [1, min(protocols, assets)] (default 2)\n"
    "  --p-within P          blocks: link probability inside a cluster, in [0, 1] (default 0.6)\n"
    "  --p-between P         blocks: link probability across clusters, in [0, 1] (default 0.05)\n"
    "  --protocol-degrees D  degrees: collateral assets of each protocol, as a list \"3,2,1\"\n"
    "                        or @FILE (numbers separated by commas or blanks, # comments);\n"
    "                        sets --protocols to its length\n"
    "  --asset-degrees D     degrees: protocols sharing each asset, the same way; sets\n"
    "                        --assets; both sequences must have the same sum\n";

#define liq_generate_error(...) liq_cli_usage_error(liq_generate_usage, __VA_ARGS__)

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

/* Which model an option belongs to; -1 for options of every model. */
typedef struct {
    const char *option;
    int model;
} liq_model_option_t;

int liq_cmd_generate(int argc, char **argv)
{
    liq_ecosystem_options_t o;
    liq_ecosystem_options_init(&o);
    const char *output = NULL;
    bool force = false;
    bool has_protocols = false, has_assets = false, has_shock_round = false;
    /* The first model-specific option seen, to refuse it under another model. */
    liq_model_option_t model_option = {NULL, -1};
    liq_degrees_t protocol_degrees = {NULL, 0, 0}, asset_degrees = {NULL, 0, 0};
    bool has_protocol_degrees = false, has_asset_degrees = false;
    int exit_code = LIQ_EXIT_OK;

    for (int i = 2; i < argc && exit_code == LIQ_EXIT_OK; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        const char *shown = value != NULL ? value : "";
        long long v;
        double x;
        /* Every option but --force takes a value. */
        if (arg[0] == '-' && strcmp(arg, "--force") != 0 && value == NULL) {
            bool known = false;
            static const char *const with_value[] = {"-o",
                                                     "--output",
                                                     "--model",
                                                     "--protocols",
                                                     "--assets",
                                                     "--min-depth-ratio",
                                                     "--holdings-probability",
                                                     "--holdings-exposure",
                                                     "--pools-per-asset",
                                                     "--oracles-per-asset",
                                                     "--accounts",
                                                     "--alpha",
                                                     "--seed",
                                                     "--rounds",
                                                     "--name",
                                                     "--shock-return",
                                                     "--shock-round",
                                                     "--probability",
                                                     "--attachments",
                                                     "--blocks",
                                                     "--p-within",
                                                     "--p-between",
                                                     "--protocol-degrees",
                                                     "--asset-degrees"};
            for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
                known = known || strcmp(arg, with_value[k]) == 0;
            }
            if (known) {
                exit_code = liq_generate_error("%s needs a value", arg);
                break;
            }
        }
        if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            output = value;
            i++;
        } else if (strcmp(arg, "--force") == 0) {
            force = true;
        } else if (strcmp(arg, "--model") == 0) {
            int found = -1;
            for (int m = 0; m <= (int)LIQ_ECOSYSTEM_DEGREES; m++) {
                if (strcmp(value, liq_model_names[m]) == 0) {
                    found = m;
                }
            }
            if (found < 0) {
                exit_code = liq_generate_error("--model: '%s'; expected erdos_renyi, "
                                               "barabasi_albert, blocks or degrees",
                                               value);
            }
            o.model = (liq_ecosystem_model_t)found;
            i++;
        } else if (strcmp(arg, "--protocols") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                exit_code =
                    liq_generate_error("--protocols: '%s'; expected a whole number >= 1", shown);
            }
            o.n_protocols = (size_t)v;
            has_protocols = true;
            i++;
        } else if (strcmp(arg, "--assets") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                exit_code =
                    liq_generate_error("--assets: '%s'; expected a whole number >= 1", shown);
            }
            o.n_assets = (size_t)v;
            has_assets = true;
            i++;
        } else if (strcmp(arg, "--accounts") == 0) {
            if (!liq_cli_parse_int(value, 0, INT32_MAX, &v)) {
                exit_code = liq_generate_error(
                    "--accounts: '%s'; expected a whole number from 0 to %d", shown, INT32_MAX);
            }
            o.n_accounts = (int64_t)v;
            i++;
        } else if (strcmp(arg, "--alpha") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x > 0)) {
                exit_code = liq_generate_error("--alpha: '%s'; expected a number > 0", shown);
            }
            o.accounts_alpha = x;
            i++;
        } else if (strcmp(arg, "--seed") == 0) {
            if (!liq_cli_parse_int(value, 0, INT64_MAX, &v)) {
                exit_code = liq_generate_error("--seed: '%s'; expected a whole number >= 0", shown);
            }
            o.seed = (uint64_t)v;
            i++;
        } else if (strcmp(arg, "--rounds") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                exit_code =
                    liq_generate_error("--rounds: '%s'; expected a whole number >= 1", shown);
            }
            o.rounds = (int64_t)v;
            i++;
        } else if (strcmp(arg, "--name") == 0) {
            if (value[0] == '\0' || strpbrk(value, "\"\\\n") != NULL) {
                exit_code = liq_generate_error("--name: '%s'; expected a non-empty name without "
                                               "quotes, backslashes or newlines",
                                               value);
            }
            o.name = value;
            i++;
        } else if (strcmp(arg, "--shock-return") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x > -1)) {
                exit_code =
                    liq_generate_error("--shock-return: '%s'; expected a number > -1", shown);
            }
            o.shock_return = x;
            i++;
        } else if (strcmp(arg, "--shock-round") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                exit_code =
                    liq_generate_error("--shock-round: '%s'; expected a whole number >= 1", shown);
            }
            o.shock_round = (int64_t)v;
            has_shock_round = true;
            i++;
        } else if (strcmp(arg, "--pools-per-asset") == 0 ||
                   strcmp(arg, "--oracles-per-asset") == 0) {
            if (!liq_cli_parse_int(value, 1, 1000, &v)) {
                exit_code = liq_generate_error("%s: '%s'; expected a whole number from 1 to 1000",
                                               arg, shown);
            }
            if (strcmp(arg, "--pools-per-asset") == 0) {
                o.pools_per_asset = (size_t)v;
            } else {
                o.oracles_per_asset = (size_t)v;
            }
            i++;
        } else if (strcmp(arg, "--min-depth-ratio") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x >= 0)) {
                exit_code =
                    liq_generate_error("--min-depth-ratio: '%s'; expected a number >= 0", shown);
            }
            o.min_depth_ratio = x;
            i++;
        } else if (strcmp(arg, "--holdings-probability") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x >= 0 && x <= 1)) {
                exit_code = liq_generate_error(
                    "--holdings-probability: '%s'; expected a number in [0, 1]", shown);
            }
            o.holdings_probability = x;
            i++;
        } else if (strcmp(arg, "--holdings-exposure") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x > 0) || !isfinite(x)) {
                exit_code = liq_generate_error(
                    "--holdings-exposure: '%s'; expected a finite number > 0", shown);
            }
            o.holdings_exposure = x;
            i++;
        } else if (strcmp(arg, "--probability") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x >= 0 && x <= 1)) {
                exit_code =
                    liq_generate_error("--probability: '%s'; expected a number in [0, 1]", shown);
            }
            o.probability = x;
            model_option = (liq_model_option_t){arg, LIQ_ECOSYSTEM_ERDOS_RENYI};
            i++;
        } else if (strcmp(arg, "--attachments") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                exit_code =
                    liq_generate_error("--attachments: '%s'; expected a whole number >= 1", shown);
            }
            o.attachments = (int64_t)v;
            model_option = (liq_model_option_t){arg, LIQ_ECOSYSTEM_BARABASI_ALBERT};
            i++;
        } else if (strcmp(arg, "--blocks") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                exit_code =
                    liq_generate_error("--blocks: '%s'; expected a whole number >= 1", shown);
            }
            o.n_blocks = (size_t)v;
            model_option = (liq_model_option_t){arg, LIQ_ECOSYSTEM_BLOCKS};
            i++;
        } else if (strcmp(arg, "--p-within") == 0 || strcmp(arg, "--p-between") == 0) {
            if (!liq_cli_parse_double(value, &x) || !(x >= 0 && x <= 1)) {
                exit_code = liq_generate_error("%s: '%s'; expected a number in [0, 1]", arg, shown);
            }
            if (strcmp(arg, "--p-within") == 0) {
                o.p_within = x;
            } else {
                o.p_between = x;
            }
            model_option = (liq_model_option_t){arg, LIQ_ECOSYSTEM_BLOCKS};
            i++;
        } else if (strcmp(arg, "--protocol-degrees") == 0) {
            exit_code = liq_degrees_read(&protocol_degrees, arg, value);
            has_protocol_degrees = true;
            model_option = (liq_model_option_t){arg, LIQ_ECOSYSTEM_DEGREES};
            i++;
        } else if (strcmp(arg, "--asset-degrees") == 0) {
            exit_code = liq_degrees_read(&asset_degrees, arg, value);
            has_asset_degrees = true;
            model_option = (liq_model_option_t){arg, LIQ_ECOSYSTEM_DEGREES};
            i++;
        } else if (arg[0] == '-') {
            exit_code = liq_generate_error("unknown option '%s'", arg);
        } else {
            exit_code = liq_generate_error("unexpected argument '%s'", arg);
        }
    }
    if (exit_code != LIQ_EXIT_OK) {
        goto cleanup;
    }

    /* Options that only make sense together, checked here so that the
     * message names the options rather than the library's fields. */
    if (model_option.option != NULL && model_option.model != (int)o.model) {
        exit_code = liq_generate_error("%s is an option of --model %s, not of --model %s",
                                       model_option.option, liq_model_names[model_option.model],
                                       liq_model_names[o.model]);
        goto cleanup;
    }
    if (o.model == LIQ_ECOSYSTEM_DEGREES) {
        if (!has_protocol_degrees || !has_asset_degrees) {
            exit_code = liq_generate_error("--model degrees needs --protocol-degrees and "
                                           "--asset-degrees");
            goto cleanup;
        }
        if (has_protocols && o.n_protocols != protocol_degrees.n) {
            exit_code = liq_generate_error("--protocols %zu, but --protocol-degrees lists %zu "
                                           "degrees; expected one degree per protocol",
                                           o.n_protocols, protocol_degrees.n);
            goto cleanup;
        }
        if (has_assets && o.n_assets != asset_degrees.n) {
            exit_code = liq_generate_error("--assets %zu, but --asset-degrees lists %zu "
                                           "degrees; expected one degree per asset",
                                           o.n_assets, asset_degrees.n);
            goto cleanup;
        }
        o.n_protocols = protocol_degrees.n;
        o.n_assets = asset_degrees.n;
        o.protocol_degrees = protocol_degrees.degree;
        o.asset_degrees = asset_degrees.degree;
    }
    if (o.shock_round > o.rounds) {
        exit_code = liq_generate_error("--shock-round %lld is after the last round (--rounds "
                                       "%lld%s); expected a round in [1, rounds]",
                                       (long long)o.shock_round, (long long)o.rounds,
                                       has_shock_round ? "" : "; --shock-round defaults to 5");
        goto cleanup;
    }
    if (o.model == LIQ_ECOSYSTEM_BLOCKS &&
        (o.n_blocks > o.n_protocols || o.n_blocks > o.n_assets)) {
        exit_code = liq_generate_error("--blocks %zu: expected at most --protocols (%zu) and "
                                       "--assets (%zu)",
                                       o.n_blocks, o.n_protocols, o.n_assets);
        goto cleanup;
    }
    /* Refuse to overwrite before generating, which may take a while. */
    if (output != NULL && !force && access(output, F_OK) == 0) {
        fprintf(stderr, "liqnet: error: %s: file exists; pass --force to overwrite\n", output);
        exit_code = LIQ_EXIT_FAIL;
        goto cleanup;
    }

    char *yaml = NULL;
    const int rc = liq_network_generate(&yaml, &o);
    if (rc == LIQ_EINVAL) {
        /* Every input of the generator is an option: what it refuses (a
         * degree sequence no simple graph has, unequal sums) is bad usage. */
        exit_code = liq_generate_error("%s", liq_errmsg());
    } else if (rc != LIQ_OK) {
        exit_code = liq_cli_fail(rc);
    } else if (output != NULL) {
        exit_code = liq_write_file(output, yaml);
    } else if (fputs(yaml, stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "liqnet: error: cannot write the scenario to standard output\n");
        exit_code = LIQ_EXIT_FAIL;
    }
    free(yaml);

cleanup:
    free(protocol_degrees.degree);
    free(asset_degrees.degree);
    return exit_code;
}
