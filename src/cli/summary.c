#include "cli/summary.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json.h"
#include "io/h5_layout.h"
#include "liqnet/version.h"

/* Money in a short human form: 1234567 -> "1.23M". */
static void liq_format_usd(char *buf, size_t size, double value)
{
    const double a = fabs(value);
    if (a >= 1e9) {
        snprintf(buf, size, "%.3gB", value / 1e9);
    } else if (a >= 1e6) {
        snprintf(buf, size, "%.3gM", value / 1e6);
    } else if (a >= 1e3) {
        snprintf(buf, size, "%.3gk", value / 1e3);
    } else {
        snprintf(buf, size, "%.3g", value);
    }
}

/* ------------------------------------------------------- rows of a table */

typedef struct {
    double key;
    size_t index;
} liq_row_key_t;

/* Largest key first, NaN last, ties in entity order. */
static int liq_row_compare(const void *a, const void *b)
{
    const liq_row_key_t *x = a, *y = b;
    const bool xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn) {
        return xn ? 1 : -1;
    }
    if (!xn && x->key != y->key) {
        return x->key > y->key ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

/* The rows of a table of n entities, those with eligible[i] (NULL: all):
 * all in entity order when there are at most `top` (or top is 0), else
 * the `top` with the largest key, largest first. *rows is allocated (free
 * it); returns how many it holds, *eligible_out how many were eligible. On
 * an allocation failure every eligible row is printed in order, which is
 * what the table would show without --top. */
static size_t liq_table_rows(size_t **rows, const double *key, const bool *eligible, size_t n,
                             size_t top, size_t *eligible_out)
{
    *rows = malloc((n > 0 ? n : 1) * sizeof(**rows));
    liq_row_key_t *keys = malloc((n > 0 ? n : 1) * sizeof(*keys));
    size_t m = 0;
    for (size_t i = 0; i < n && *rows != NULL; i++) {
        if (eligible == NULL || eligible[i]) {
            (*rows)[m++] = i;
        }
    }
    *eligible_out = m;
    if (*rows == NULL || keys == NULL || top == 0 || m <= top) {
        free(keys);
        if (*rows == NULL) {
            *eligible_out = 0;
        }
        return m;
    }
    for (size_t r = 0; r < m; r++) {
        keys[r] = (liq_row_key_t){key[(*rows)[r]], (*rows)[r]};
    }
    qsort(keys, m, sizeof(*keys), liq_row_compare);
    for (size_t r = 0; r < top; r++) {
        (*rows)[r] = keys[r].index;
    }
    free(keys);
    return top;
}

/* The line under a table cut by --top. */
static void liq_print_left_out(size_t shown, size_t of, const char *what, const char *key)
{
    if (shown < of) {
        printf("(the %zu of %zu %s with the largest %s; %zu more not shown: --top N shows N, "
               "--top 0 all)\n",
               shown, of, what, key, of - shown);
    }
}

/* ------------------------------------------------------------- the table */

void liq_summary_print_header(const liq_scenario_t *sc, const liq_summary_t *s,
                              const liq_summary_print_t *how)
{
    printf("liqnet %s: scenario '%s', seed %" PRIu64 ", %lld rounds, %zu accounts, %d threads, "
           "%.2f s\n",
           LIQNET_VERSION, sc->name, sc->seed, (long long)s->rounds, how->accounts, how->threads,
           how->seconds);
}

static void liq_print_cascade(const liq_summary_t *s)
{
    if (s->first_liquidation >= 0) {
        char peak[32];
        liq_format_usd(peak, sizeof(peak), s->peak_value);
        printf("cascade: %lld rounds, liquidations from round %lld to round %lld (last "
               "exogenous move: round %lld); peak at round %lld with USD %s seized\n",
               (long long)s->cascade_length, (long long)s->first_liquidation,
               (long long)s->last_liquidation, (long long)s->last_exogenous_move,
               (long long)s->peak_round, peak);
    } else {
        printf("cascade: none (no liquidation after the last exogenous move at round %lld)\n",
               (long long)s->last_exogenous_move);
    }
}

static void liq_print_oracles(const liq_scenario_t *sc, const liq_summary_t *s, size_t top)
{
    printf("\n%-20s %-10s %12s %12s %14s\n", "oracle", "asset", "oracle fall", "market fall",
           "amplification");
    size_t *rows = NULL, of = 0;
    const size_t n = liq_table_rows(&rows, s->oracle_drawdown, NULL, s->n_oracles, top, &of);
    for (size_t r = 0; r < n; r++) {
        const size_t o = rows[r];
        const liq_oracle_config_t *oc = &sc->oracles[o];
        const int32_t asset = liq_oracle_priced_asset(sc, oc);
        char amp[32];
        if (isnan(s->amplification[o])) {
            snprintf(amp, sizeof(amp), "n/a");
        } else {
            snprintf(amp, sizeof(amp), "%.3f", s->amplification[o]);
        }
        printf("%-20s %-10s %11.2f%% %11.2f%% %14s\n", oc->name, sc->assets[asset].name,
               100.0 * s->oracle_drawdown[o], 100.0 * s->exogenous_drawdown[o], amp);
    }
    liq_print_left_out(n, of, "oracles", "oracle fall");
    free(rows);
}

static void liq_print_protocols(const liq_scenario_t *sc, const liq_summary_t *s, size_t top)
{
    printf("\n%-20s %12s %14s %12s %12s %12s %10s %8s\n", "protocol", "liquidations",
           "liquidated USD", "bad debt", "deficit", "fund drawn", "stalled", "failed");
    size_t *rows = NULL, of = 0;
    const size_t n = liq_table_rows(&rows, s->liquidated_value, NULL, s->n_protocols, top, &of);
    for (size_t r = 0; r < n; r++) {
        const size_t p = rows[r];
        char liq[32], bad[32], def[32], drawn[32], failed[32];
        liq_format_usd(liq, sizeof(liq), s->liquidated_value[p]);
        liq_format_usd(bad, sizeof(bad), s->bad_debt[p]);
        liq_format_usd(def, sizeof(def), s->deficit[p]);
        liq_format_usd(drawn, sizeof(drawn), s->insurance_drawdown[p]);
        if (s->first_failure[p] >= 0) {
            snprintf(failed, sizeof(failed), "r%lld", (long long)s->first_failure[p]);
        } else {
            snprintf(failed, sizeof(failed), "-");
        }
        printf("%-20s %12lld %14s %12s %12s %12s %10lld %8s\n", sc->protocols[p].name,
               (long long)s->liquidations[p], liq, bad, def, drawn, (long long)s->stalled[p],
               failed);
    }
    free(rows);
    char liq[32], bad[32], def[32];
    liq_format_usd(liq, sizeof(liq), s->total_liquidated_value);
    liq_format_usd(bad, sizeof(bad), s->total_bad_debt);
    liq_format_usd(def, sizeof(def), s->total_deficit);
    printf("%-20s %12lld %14s %12s %12s\n", "total", (long long)s->total_liquidations, liq, bad,
           def);
    printf("(stalled: liquidatable accounts left untouched, summed over rounds; failed: round of "
           "the first bad debt or deficit)\n");
    liq_print_left_out(n, of, "protocols", "liquidated value");
}

/* The Dutch-auction totals of the protocols that auction (none: nothing). */
static void liq_print_auctions(const liq_scenario_t *sc, const liq_summary_t *s, size_t top)
{
    bool *auctions = calloc(s->n_protocols > 0 ? s->n_protocols : 1, sizeof(*auctions));
    if (auctions == NULL) {
        return;
    }
    for (size_t p = 0; p < s->n_protocols; p++) {
        auctions[p] = sc->protocols[p].liquidation.mode == LIQ_LIQUIDATION_DUTCH_AUCTION;
    }
    size_t *rows = NULL, of = 0;
    const size_t n =
        liq_table_rows(&rows, s->auction_sold_value, auctions, s->n_protocols, top, &of);
    if (n > 0) {
        printf("\n%-20s %10s %14s %14s %12s %12s %14s\n", "auctions", "started", "sold USD",
               "raised", "rewards USD", "bad debt", "tab left");
    }
    for (size_t r = 0; r < n; r++) {
        const size_t p = rows[r];
        char sold[32], raised[32], rewards[32], bad[32], tab[32];
        liq_format_usd(sold, sizeof(sold), s->auction_sold_value[p]);
        liq_format_usd(raised, sizeof(raised), s->auction_raised[p]);
        liq_format_usd(rewards, sizeof(rewards), s->keeper_rewards[p]);
        liq_format_usd(bad, sizeof(bad), s->auction_bad_debt[p]);
        liq_format_usd(tab, sizeof(tab), s->auction_tab[p]);
        printf("%-20s %10lld %14s %14s %12s %12s %14s\n", sc->protocols[p].name,
               (long long)s->auctions[p], sold, raised, rewards, bad, tab);
    }
    if (n > 0) {
        printf("(raised and tab left in units of the debt asset; tab left: auctions still "
               "running at the end, not bad debt)\n");
        liq_print_left_out(n, of, "auctioning protocols", "value sold");
    }
    free(rows);
    free(auctions);
}

/* The cross-margin line of the summary: accounts and, per protocol, the
 * liquidations among the table's that were of cross accounts. */
static void liq_print_cross(const liq_scenario_t *sc, size_t n_cross, const int64_t *cross)
{
    printf("cross margin: %zu accounts; liquidations of cross accounts (included above):", n_cross);
    for (size_t p = 0; p < sc->n_protocols; p++) {
        printf("%s %s %lld", p > 0 ? "," : "", sc->protocols[p].name, (long long)cross[p]);
    }
    printf("\n");
}

void liq_summary_print(const liq_scenario_t *sc, const liq_summary_t *s,
                       const liq_summary_print_t *how)
{
    liq_print_cascade(s);
    liq_print_oracles(sc, s, how->top);
    liq_print_protocols(sc, s, how->top);
    liq_print_auctions(sc, s, how->top);
    printf("\n%zu of %zu protocols failed (bad debt or a deficit). Output: %s (%s)\n",
           (size_t)s->failed_protocols, s->n_protocols, how->output, how->status);
    if (how->cross_liquidations != NULL && how->n_cross > 0) {
        liq_print_cross(sc, how->n_cross, how->cross_liquidations);
    }
}

/* ------------------------------------------------------------------ JSON */

/* The summary variables of dimension `dim` (-1: scalars) of entity i. */
static void liq_json_defs(liq_json_t *j, const liq_summary_t *s, int dim, size_t i)
{
    for (size_t k = 0; k < liq_summary_defs_count; k++) {
        const liq_summary_def_t *def = &liq_summary_defs[k];
        if (def->dim != dim) {
            continue;
        }
        const char *field = (const char *)s + def->offset;
        if (dim >= 0) {
            field = *(const char *const *)field;
            if (def->integer) {
                liq_json_integer(j, def->name, ((const int64_t *)field)[i]);
            } else {
                liq_json_number(j, def->name, ((const double *)field)[i]);
            }
        } else if (def->integer) {
            liq_json_integer(j, def->name, *(const int64_t *)field);
        } else {
            liq_json_number(j, def->name, *(const double *)field);
        }
    }
}

void liq_summary_print_json(const liq_scenario_t *sc, const liq_summary_t *s,
                            const liq_summary_print_t *how)
{
    liq_json_t j;
    liq_json_init(&j, stdout);
    liq_json_begin_object(&j, NULL);
    liq_json_string(&j, "liqnet_version", LIQNET_VERSION);
    liq_json_string(&j, "scenario", sc->name);
    liq_json_integer(&j, "seed", (int64_t)sc->seed);
    liq_json_integer(&j, "rounds", s->rounds);
    if (how->threads > 0) {
        liq_json_integer(&j, "accounts", (int64_t)how->accounts);
        liq_json_integer(&j, "threads", how->threads);
        liq_json_number(&j, "seconds", how->seconds);
    }
    liq_json_string(&j, "output", how->output);
    liq_json_string(&j, "status", how->status);
    liq_json_defs(&j, s, -1, 0);
    /* The table's total row; the file has it per protocol only. */
    liq_json_integer(&j, "total_liquidations", s->total_liquidations);
    liq_json_begin_array(&j, "oracles");
    for (size_t o = 0; o < s->n_oracles; o++) {
        const liq_oracle_config_t *oc = &sc->oracles[o];
        liq_json_begin_object(&j, NULL);
        liq_json_string(&j, "name", oc->name);
        liq_json_string(&j, "asset", sc->assets[liq_oracle_priced_asset(sc, oc)].name);
        liq_json_defs(&j, s, LIQ_DIM_ORACLE, o);
        liq_json_end_object(&j);
    }
    liq_json_end_array(&j);
    liq_json_begin_array(&j, "protocols");
    for (size_t p = 0; p < s->n_protocols; p++) {
        liq_json_begin_object(&j, NULL);
        liq_json_string(&j, "name", sc->protocols[p].name);
        liq_json_defs(&j, s, LIQ_DIM_PROTOCOL, p);
        if (how->cross_liquidations != NULL && how->n_cross > 0) {
            liq_json_integer(&j, "cross_liquidations", how->cross_liquidations[p]);
        }
        liq_json_end_object(&j);
    }
    liq_json_end_array(&j);
    liq_json_end_object(&j);
    liq_json_finish(&j);
}
