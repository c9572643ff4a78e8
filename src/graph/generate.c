/*
 * Generated ecosystems: the scenario YAML of a synthetic set of lending
 * protocols, for experiments on network shape (which protocols share which
 * collateral) that no hand-written scenario covers.
 *
 * The output is scenario text, not a liq_scenario_t, so that every generated
 * ecosystem goes through the same validating reader as a hand-written one,
 * can be saved, diffed and edited, and records its own seed. Generation is
 * single-threaded and cheap next to a run: O(P * A) for the Erdos-Renyi and
 * block models (igraph draws every pair's coin in skips, O(edges) expected),
 * O(edges) otherwise.
 *
 * Determinism: every random number comes from one PCG32 generator owned by
 * the call, seeded with options->seed through igraph_rng_seed and made
 * igraph's default RNG for the call (igraph's games draw from the default
 * RNG); the previous default is restored before returning. Draws happen in
 * a fixed order: the bipartite structure, the fix-up of protocols left
 * without collateral, accounts per protocol, then the parameters of assets,
 * pools, oracles and protocols in index order.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"

void liq_ecosystem_options_init(liq_ecosystem_options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->name = "generated";
    o->seed = 1;
    o->rounds = 100;
    o->n_protocols = 10;
    o->n_assets = 5;
    o->n_accounts = 10000;
    o->accounts_alpha = 1.2;
    o->model = LIQ_ECOSYSTEM_ERDOS_RENYI;
    o->probability = 0.3;
    o->attachments = 2;
    o->n_blocks = 2;
    o->p_within = 0.6;
    o->p_between = 0.05;
    o->pools_per_asset = 1;
    o->oracles_per_asset = 1;
    o->holdings_exposure = 1.0;
    o->shock_return = -0.2;
    o->shock_round = 5;
}

/* ------------------------------------------------------- a text builder */

typedef struct {
    char *text;
    size_t len, cap;
    int failed;
} liq_text_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
liq_text_printf(liq_text_t *t, const char *fmt, ...)
{
    if (t->failed) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(t->text + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap * 2;
        while (cap < t->len + (size_t)n + 1) {
            cap *= 2;
        }
        char *grown = realloc(t->text, cap);
        if (grown == NULL) {
            t->failed = 1;
            return;
        }
        t->text = grown;
        t->cap = cap;
        va_start(ap, fmt);
        vsnprintf(t->text + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
    }
    t->len += (size_t)n;
}

/* x rounded to `digits` significant digits, printed in the shortest form
 * that reads back to the rounded value, whole numbers in plain digits. The
 * rounding divides or multiplies by an exact power of ten, so 3.7e6 stays
 * 3700000 rather than becoming 3699999.9999999995. */
static const char *liq_num(char *buf, size_t size, double x, int digits)
{
    if (x != 0.0 && isfinite(x)) {
        const int places = digits - 1 - (int)floor(log10(fabs(x)));
        const double scale = pow(10.0, abs(places));
        x = places >= 0 ? round(x * scale) / scale : round(x / scale) * scale;
    }
    if (x == floor(x) && fabs(x) < 9007199254740992.0) {
        snprintf(buf, size, "%.0f", x);
        return buf;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, x);
        if (strtod(buf, NULL) == x) {
            break;
        }
    }
    return buf;
}

/* ------------------------------------------------------------ structure */

typedef struct {
    int64_t protocol, asset;
} liq_link_t;

static int liq_link_cmp(const void *x, const void *y)
{
    const liq_link_t *a = x, *b = y;
    if (a->protocol != b->protocol) {
        return a->protocol < b->protocol ? -1 : 1;
    }
    return (a->asset > b->asset) - (a->asset < b->asset);
}

/* Keeps the edges of `g` between a protocol vertex and an asset vertex:
 * protocol j is vertex protocol_base + j, asset i is asset_base + i. */
static int liq_take_links(const igraph_t *g, size_t protocol_base, size_t n_protocols,
                          size_t asset_base, size_t n_assets, liq_link_t *links, size_t *n_links,
                          size_t cap)
{
    const igraph_integer_t ne = igraph_ecount(g);
    for (igraph_integer_t e = 0; e < ne; e++) {
        size_t u = (size_t)IGRAPH_FROM(g, e), v = (size_t)IGRAPH_TO(g, e);
        if (u >= asset_base && u < asset_base + n_assets) {
            const size_t w = u;
            u = v;
            v = w;
        }
        if (u >= protocol_base && u < protocol_base + n_protocols && v >= asset_base &&
            v < asset_base + n_assets) {
            if (*n_links == cap) {
                return liq_error_set(LIQ_EINVAL, "generator: more links than protocol-asset pairs");
            }
            links[(*n_links)++] =
                (liq_link_t){(int64_t)(u - protocol_base), (int64_t)(v - asset_base)};
        }
    }
    return LIQ_OK;
}

static void liq_split(size_t total, size_t parts, size_t part, size_t *begin, size_t *size)
{
    *begin = total * part / parts;
    *size = total * (part + 1) / parts - *begin;
}

/* Allocates *links for the protocol-asset edges of `g` plus one fix-up link
 * per protocol: O(edges), where a bound of P * A links would be 16 GB for
 * 10^5 protocols and 10^4 assets. */
static int liq_links_alloc(const igraph_t *g, size_t n_protocols, liq_link_t **links, size_t *cap)
{
    *cap = (size_t)igraph_ecount(g) + n_protocols;
    *links = malloc(*cap * sizeof(**links));
    return *links != NULL ? LIQ_OK : liq_error_set(LIQ_ENOMEM, "generator: out of memory");
}

/* Draws the protocol-collateral links with the chosen model into *links
 * (allocated here, with room for one more link per protocol). */
static int liq_draw_links(const liq_ecosystem_options_t *o, liq_link_t **links_out, size_t *n_links,
                          size_t *cap_out)
{
    liq_link_t *links = NULL;
    size_t cap = 0;
    const size_t P = o->n_protocols, A = o->n_assets;
    igraph_t g;
    igraph_error_t err = IGRAPH_SUCCESS;
    int rc = LIQ_OK;
    *n_links = 0;
    switch (o->model) {
    case LIQ_ECOSYSTEM_ERDOS_RENYI:
        /* Each of the P * A protocol-asset pairs is linked independently
         * with probability p: igraph's bipartite G(P, A, p), protocols
         * first. (A G(P + A, p) with the protocol-protocol pairs thrown away
         * drew P^2 p / 2 edges for nothing: 1.5e9, over 24 GB, for 10^5
         * protocols at the default p = 0.3.) */
        err = igraph_bipartite_game_gnp(&g, NULL, (igraph_integer_t)P, (igraph_integer_t)A,
                                        o->probability, IGRAPH_UNDIRECTED, IGRAPH_ALL);
        if (err == IGRAPH_SUCCESS) {
            rc = liq_links_alloc(&g, P, &links, &cap);
            if (rc == LIQ_OK) {
                rc = liq_take_links(&g, 0, P, P, A, links, n_links, cap);
            }
        }
        break;
    case LIQ_ECOSYSTEM_BLOCKS: {
        /* Blocks 0..c-1 hold the protocols of each cluster, c..2c-1 its
         * assets; only protocol-asset blocks have a probability. */
        const size_t c = o->n_blocks;
        igraph_matrix_t pref;
        igraph_vector_int_t sizes;
        err = igraph_matrix_init(&pref, (igraph_integer_t)(2 * c), (igraph_integer_t)(2 * c));
        if (err != IGRAPH_SUCCESS) {
            break;
        }
        err = igraph_vector_int_init(&sizes, (igraph_integer_t)(2 * c));
        if (err != IGRAPH_SUCCESS) {
            igraph_matrix_destroy(&pref);
            break;
        }
        for (size_t b = 0; b < c; b++) {
            size_t begin, size;
            liq_split(P, c, b, &begin, &size);
            VECTOR(sizes)[b] = (igraph_integer_t)size;
            liq_split(A, c, b, &begin, &size);
            VECTOR(sizes)[c + b] = (igraph_integer_t)size;
            for (size_t b2 = 0; b2 < c; b2++) {
                const double p = b == b2 ? o->p_within : o->p_between;
                MATRIX(pref, b, c + b2) = p;
                MATRIX(pref, c + b2, b) = p;
            }
        }
        err = igraph_sbm_game(&g, (igraph_integer_t)(P + A), &pref, &sizes, IGRAPH_UNDIRECTED, 0);
        igraph_matrix_destroy(&pref);
        igraph_vector_int_destroy(&sizes);
        if (err == IGRAPH_SUCCESS) {
            rc = liq_links_alloc(&g, P, &links, &cap);
            if (rc == LIQ_OK) {
                rc = liq_take_links(&g, 0, P, P, A, links, n_links, cap);
            }
        }
        break;
    }
    case LIQ_ECOSYSTEM_DEGREES: {
        /* Protocols have out-degree = collateral count and no in-degree,
         * assets the reverse: a simple directed graph with these degrees is
         * a bipartite graph with them. */
        igraph_vector_int_t out_deg, in_deg;
        err = igraph_vector_int_init(&out_deg, (igraph_integer_t)(P + A));
        if (err != IGRAPH_SUCCESS) {
            break;
        }
        err = igraph_vector_int_init(&in_deg, (igraph_integer_t)(P + A));
        if (err != IGRAPH_SUCCESS) {
            igraph_vector_int_destroy(&out_deg);
            break;
        }
        for (size_t j = 0; j < P; j++) {
            VECTOR(out_deg)[j] = (igraph_integer_t)o->protocol_degrees[j];
        }
        for (size_t i = 0; i < A; i++) {
            VECTOR(in_deg)[P + i] = (igraph_integer_t)o->asset_degrees[i];
        }
        err = igraph_degree_sequence_game(&g, &out_deg, &in_deg, IGRAPH_DEGSEQ_FAST_HEUR_SIMPLE);
        igraph_vector_int_destroy(&out_deg);
        igraph_vector_int_destroy(&in_deg);
        if (err == IGRAPH_SUCCESS) {
            rc = liq_links_alloc(&g, P, &links, &cap);
            if (rc == LIQ_OK) {
                rc = liq_take_links(&g, 0, P, P, A, links, n_links, cap);
            }
        } else {
            return liq_igraph_error(err, "generator: protocol_degrees and asset_degrees");
        }
        break;
    }
    case LIQ_ECOSYSTEM_BARABASI_ALBERT: {
        /* Preferential attachment on P + A vertices: the A oldest are the
         * assets, the next P the protocols, each citing `attachments` older
         * vertices with probability proportional to in-degree + 1. A
         * protocol citing an asset accepts it as collateral; citing an older
         * protocol, it copies that protocol's first collateral asset (the
         * copying model: popular assets stay popular). */
        err = igraph_barabasi_game(&g, (igraph_integer_t)(A + P), 1.0,
                                   (igraph_integer_t)o->attachments, NULL, 0, 1.0, IGRAPH_DIRECTED,
                                   IGRAPH_BARABASI_PSUMTREE, NULL);
        if (err != IGRAPH_SUCCESS) {
            break;
        }
        int64_t *first = malloc(P * sizeof(*first));
        rc = liq_links_alloc(&g, P, &links, &cap);
        if (first == NULL || rc != LIQ_OK) {
            free(first);
            free(links);
            igraph_destroy(&g);
            return liq_error_set(LIQ_ENOMEM, "generator: out of memory");
        }
        for (size_t j = 0; j < P; j++) {
            first[j] = -1;
        }
        /* Edges of vertex v are added when v arrives: in vertex order. */
        const igraph_integer_t ne = igraph_ecount(&g);
        for (igraph_integer_t e = 0; e < ne && rc == LIQ_OK; e++) {
            const size_t from = (size_t)IGRAPH_FROM(&g, e), to = (size_t)IGRAPH_TO(&g, e);
            if (from < A) {
                continue;
            }
            const size_t j = from - A;
            const int64_t asset = to < A ? (int64_t)to : first[to - A];
            if (asset < 0 || *n_links == cap) {
                continue;
            }
            links[(*n_links)++] = (liq_link_t){(int64_t)j, asset};
            if (first[j] < 0 || asset < first[j]) {
                first[j] = asset;
            }
        }
        free(first);
        break;
    }
    }
    if (err != IGRAPH_SUCCESS) {
        free(links);
        return liq_igraph_error(err, "generator");
    }
    igraph_destroy(&g);
    if (rc != LIQ_OK) {
        free(links);
        return rc;
    }
    *links_out = links;
    *cap_out = cap;
    return LIQ_OK;
}

/* ---------------------------------------------------------------- checks */

static int liq_check_options(const liq_ecosystem_options_t *o)
{
    const char *bad = NULL;
    if (o->name == NULL || o->name[0] == '\0' || strpbrk(o->name, "\"\\\n") != NULL) {
        bad = "name: expected a non-empty name without quotes, backslashes or newlines";
    } else if (o->rounds < 1) {
        bad = "rounds: expected a whole number >= 1";
    } else if (o->n_protocols < 1) {
        bad = "n_protocols: expected >= 1";
    } else if (o->n_assets < 1) {
        bad = "n_assets: expected >= 1";
    } else if (o->n_accounts < 0) {
        bad = "n_accounts: expected >= 0";
    } else if (!(o->accounts_alpha > 0) || !isfinite(o->accounts_alpha)) {
        bad = "accounts_alpha: expected a finite number > 0";
    } else if (o->pools_per_asset < 1 || o->pools_per_asset > 1000) {
        bad = "pools_per_asset: expected a whole number in [1, 1000]";
    } else if (o->oracles_per_asset < 1 || o->oracles_per_asset > 1000) {
        bad = "oracles_per_asset: expected a whole number in [1, 1000]";
    } else if (!(o->min_depth_ratio >= 0) || !isfinite(o->min_depth_ratio)) {
        bad = "min_depth_ratio: expected a finite number >= 0";
    } else if (!(o->holdings_probability >= 0 && o->holdings_probability <= 1)) {
        bad = "holdings_probability: expected a number in [0, 1]";
    } else if (!(o->holdings_exposure > 0) || !isfinite(o->holdings_exposure)) {
        bad = "holdings_exposure: expected a finite number > 0";
    } else if (!(o->shock_return > -1) || !isfinite(o->shock_return)) {
        bad = "shock_return: expected a finite number > -1";
    } else if (o->shock_round < 1 || o->shock_round > o->rounds) {
        bad = "shock_round: expected a round in [1, rounds]";
    } else if (o->model == LIQ_ECOSYSTEM_ERDOS_RENYI &&
               !(o->probability >= 0 && o->probability <= 1)) {
        bad = "probability: expected a number in [0, 1]";
    } else if (o->model == LIQ_ECOSYSTEM_BARABASI_ALBERT && o->attachments < 1) {
        bad = "attachments: expected a whole number >= 1";
    } else if (o->model == LIQ_ECOSYSTEM_BLOCKS &&
               (o->n_blocks < 1 || o->n_blocks > o->n_protocols || o->n_blocks > o->n_assets)) {
        bad = "n_blocks: expected >= 1 and at most n_protocols and n_assets";
    } else if (o->model == LIQ_ECOSYSTEM_BLOCKS &&
               !(o->p_within >= 0 && o->p_within <= 1 && o->p_between >= 0 && o->p_between <= 1)) {
        bad = "p_within, p_between: expected numbers in [0, 1]";
    } else if (o->model == LIQ_ECOSYSTEM_DEGREES &&
               (o->protocol_degrees == NULL || o->asset_degrees == NULL)) {
        bad = "protocol_degrees, asset_degrees: expected both degree sequences";
    } else if ((unsigned)o->model > LIQ_ECOSYSTEM_DEGREES) {
        bad = "model: expected one of the liq_ecosystem_model_t values";
    }
    if (bad != NULL) {
        return liq_error_set(LIQ_EINVAL, "generator: %s", bad);
    }
    if (o->model == LIQ_ECOSYSTEM_DEGREES) {
        int64_t sum_p = 0, sum_a = 0;
        for (size_t j = 0; j < o->n_protocols; j++) {
            if (o->protocol_degrees[j] < 1 || o->protocol_degrees[j] > (int64_t)o->n_assets) {
                return liq_error_set(LIQ_EINVAL,
                                     "generator: protocol_degrees[%zu]: value %lld; expected a "
                                     "whole number in [1, n_assets = %zu]",
                                     j, (long long)o->protocol_degrees[j], o->n_assets);
            }
            sum_p += o->protocol_degrees[j];
        }
        for (size_t i = 0; i < o->n_assets; i++) {
            if (o->asset_degrees[i] < 0 || o->asset_degrees[i] > (int64_t)o->n_protocols) {
                return liq_error_set(LIQ_EINVAL,
                                     "generator: asset_degrees[%zu]: value %lld; expected a "
                                     "whole number in [0, n_protocols = %zu]",
                                     i, (long long)o->asset_degrees[i], o->n_protocols);
            }
            sum_a += o->asset_degrees[i];
        }
        if (sum_p != sum_a) {
            return liq_error_set(LIQ_EINVAL,
                                 "generator: protocol_degrees add up to %lld and asset_degrees "
                                 "to %lld; expected equal sums",
                                 (long long)sum_p, (long long)sum_a);
        }
    }
    return LIQ_OK;
}

/* ------------------------------------------------------------ the text */

static int liq_digits(size_t n)
{
    int d = 1;
    for (; n >= 10; n /= 10) {
        d++;
    }
    return d;
}

typedef struct {
    double fraction;
    size_t index;
} liq_remainder_t;

/* Larger remainder first, then lower index: a total order, so the sorted
 * result does not depend on qsort's algorithm. */
static int liq_remainder_cmp(const void *x, const void *y)
{
    const liq_remainder_t *a = x, *b = y;
    if (a->fraction != b->fraction) {
        return a->fraction > b->fraction ? -1 : 1;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/* Largest-remainder split of `total` in proportion to `weight`: the counts
 * add up to total exactly; ties in the remainder go to the lower index.
 * `fraction` and `order` are scratch of n entries. */
static void liq_apportion(int64_t total, const double *weight, size_t n, int64_t *count,
                          double *fraction, liq_remainder_t *order)
{
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        sum += weight[j];
    }
    int64_t given = 0;
    for (size_t j = 0; j < n; j++) {
        const double share = (double)total * weight[j] / sum;
        count[j] = (int64_t)floor(share);
        fraction[j] = share - floor(share);
        given += count[j];
    }
    /* The total - given (< n) largest remainders get one more each. Sorting
     * the indices by remainder gives the counts of picking the largest one
     * at a time, in O(n log n) instead of O(n^2). */
    if (given < total) {
        for (size_t j = 0; j < n; j++) {
            order[j] = (liq_remainder_t){fraction[j], j};
        }
        qsort(order, n, sizeof(*order), liq_remainder_cmp);
        for (size_t r = 0; given < total; r++, given++) {
            count[r < n ? order[r].index : 0]++; /* r >= n only by rounding, as before */
        }
    }
}

/* The name suffix of an asset's pool or oracle number c (from 0): none for
 * the first, "-2", "-3", ... for the others. */
static void liq_copy_suffix(char *buf, size_t size, size_t c)
{
    if (c == 0) {
        buf[0] = '\0';
    } else {
        snprintf(buf, size, "-%zu", c + 1);
    }
}

/* Who holds whose receipt token: holder j's issuers are
 * issuer[begin[j] .. begin[j+1]-1], ascending; NULL without holdings. */
typedef struct {
    size_t *begin;  /* [n_protocols + 1] */
    size_t *issuer; /* [edges] */
} liq_holdings_t;

static void liq_write_yaml(liq_text_t *t, const liq_ecosystem_options_t *o, const liq_link_t *links,
                           size_t n_links, const int64_t *accounts, const liq_holdings_t *holds,
                           igraph_rng_t *rng)
{
    const size_t P = o->n_protocols, A = o->n_assets;
    const int wa = liq_digits(A), wp = liq_digits(P);
    char n1[40], n2[40], n3[40];
    static const char *const model_names[] = {"erdos_renyi", "barabasi_albert", "blocks",
                                              "degrees"};
    liq_text_printf(t,
                    "# Generated by liq_network_generate: %zu protocols, %zu collateral assets, "
                    "model %s, seed %llu\n",
                    P, A, model_names[o->model], (unsigned long long)o->seed);
    liq_text_printf(t, "name: \"%s\"\nrounds: %lld\nseed: %llu\n", o->name, (long long)o->rounds,
                    (unsigned long long)o->seed);

    /* Assets: the collateral TKNi, then the stablecoin every protocol owes.
     * Prices and depths are drawn for every asset, then every pool's size,
     * and only then written, so that a depth can be raised to
     * min_depth_ratio times its pools' reserves (same draws either way).
     * An asset's first pool and oracle are drawn for every asset before any
     * second one, so that pools_per_asset and oracles_per_asset 1 leave the
     * draws, and the text, as they were before those options existed. */
    const size_t kp = o->pools_per_asset, ko = o->oracles_per_asset;
    double *price = malloc(A * sizeof(*price));
    double *depth_usd = malloc(A * sizeof(*depth_usd));
    double *pool_usd = malloc(A * kp * sizeof(*pool_usd));
    igraph_integer_t *deviation = malloc(A * ko * sizeof(*deviation));
    if (price == NULL || depth_usd == NULL || pool_usd == NULL || deviation == NULL) {
        free(price);
        free(depth_usd);
        free(pool_usd);
        free(deviation);
        t->failed = 1;
        return;
    }
    for (size_t i = 0; i < A; i++) {
        price[i] =
            strtod(liq_num(n1, sizeof(n1), pow(10.0, igraph_rng_get_unif(rng, 0, 4)), 3), NULL);
        depth_usd[i] = pow(10.0, igraph_rng_get_unif(rng, 6.5, 8.5));
    }
    for (size_t c = 0; c < kp; c++) {
        for (size_t i = 0; i < A; i++) {
            pool_usd[i * kp + c] = pow(10.0, igraph_rng_get_unif(rng, 6, 8)) / 2;
        }
    }
    liq_text_printf(t, "assets:\n");
    for (size_t i = 0; i < A; i++) {
        double depth = depth_usd[i] / price[i];
        double reserve = 0;
        for (size_t c = 0; c < kp; c++) {
            reserve += pool_usd[i * kp + c] / price[i];
        }
        const double floor_depth = o->min_depth_ratio * reserve;
        if (depth < floor_depth) {
            depth = floor_depth;
        }
        liq_text_printf(t,
                        "  - {name: TKN%0*zu, price: %s, market_depth: %s, "
                        "market_resilience: 0.1}\n",
                        wa, i + 1, liq_num(n1, sizeof(n1), price[i], 3),
                        liq_num(n2, sizeof(n2), depth, 3));
    }
    liq_text_printf(t, "  - {name: USDS, price: 1}\n");
    if (holds->begin != NULL) {
        for (size_t j = 0; j < P; j++) {
            liq_text_printf(t, "  - {name: RP%0*zu, price: 1}\n", wp, j + 1);
        }
    }

    char suffix[24];
    liq_text_printf(t, "pools:\n");
    for (size_t i = 0; i < A; i++) {
        for (size_t c = 0; c < kp; c++) {
            const double usd = pool_usd[i * kp + c];
            liq_copy_suffix(suffix, sizeof(suffix), c);
            liq_text_printf(t,
                            "  - {name: TKN%0*zu-USDS%s, token0: TKN%0*zu, token1: USDS, "
                            "reserve0: %s, reserve1: %s, fee: 0.003}\n",
                            wa, i + 1, suffix, wa, i + 1,
                            liq_num(n1, sizeof(n1), usd / price[i], 6),
                            liq_num(n2, sizeof(n2), usd, 6));
        }
    }
    free(price);
    free(depth_usd);
    free(pool_usd);

    static const char *const deviations[] = {"0.005", "0.01", "0.02"};
    for (size_t c = 0; c < ko; c++) {
        for (size_t i = 0; i < A; i++) {
            deviation[i * ko + c] = igraph_rng_get_integer(rng, 0, 2);
        }
    }
    liq_text_printf(t, "oracles:\n");
    for (size_t i = 0; i < A; i++) {
        for (size_t c = 0; c < ko; c++) {
            liq_copy_suffix(suffix, sizeof(suffix), c);
            liq_text_printf(t,
                            "  - {name: TKN%0*zu/USD%s, source: market, asset: TKN%0*zu, "
                            "heartbeat: 1h, deviation: %s}\n",
                            wa, i + 1, suffix, wa, i + 1, deviations[deviation[i * ko + c]]);
        }
    }
    free(deviation);
    liq_text_printf(t, "  - {name: USDS/USD, source: market, asset: USDS}\n");

    liq_text_printf(t, "protocols:\n");
    size_t k = 0;
    for (size_t j = 0; j < P; j++) {
        const double fund = pow(10.0, igraph_rng_get_unif(rng, 5, 7));
        liq_text_printf(t,
                        "  - name: P%0*zu\n    debt_asset: USDS\n    debt_oracle: USDS/USD\n"
                        "    insurance_fund: %s\n"
                        "    keepers: {gas_cost: 10, min_profit: 0, max_liquidations: 200}\n",
                        wp, j + 1, liq_num(n1, sizeof(n1), fund, 2));
        if (holds->begin != NULL) {
            /* Its receipt token (supply: its fund, zero recovery), and an
             * even split of holdings_exposure x its fund over the tokens it
             * holds. */
            liq_text_printf(t, "    issues: [{asset: RP%0*zu, supply: %s}]\n    recovery: zero\n",
                            wp, j + 1, liq_num(n1, sizeof(n1), fund, 2));
            const size_t n_held = holds->begin[j + 1] - holds->begin[j];
            if (n_held > 0) {
                const double each = strtod(liq_num(n1, sizeof(n1), fund, 2), NULL) *
                                    o->holdings_exposure / (double)n_held;
                liq_text_printf(t, "    holdings:\n");
                for (size_t h = holds->begin[j]; h < holds->begin[j + 1]; h++) {
                    liq_text_printf(t, "      - {asset: RP%0*zu, amount: %s}\n", wp,
                                    holds->issuer[h] + 1, liq_num(n2, sizeof(n2), each, 6));
                }
            }
        }
        liq_text_printf(t, "    markets:\n");
        for (; k < n_links && links[k].protocol == (int64_t)j; k++) {
            const size_t i = (size_t)links[k].asset + 1;
            /* Drawn in statements of their own: the order in which a call
             * evaluates its arguments is unspecified in C. Bonus first,
             * then threshold: the order gcc gave when both were arguments
             * of the printf, so the text did not change. */
            const double bonus = igraph_rng_get_unif(rng, 0.04, 0.1);
            const double threshold = igraph_rng_get_unif(rng, 0.7, 0.9);
            /* With several, the market's oracle and pool are drawn uniformly
             * among its asset's (no draw with one of each). */
            const size_t oracle =
                ko > 1 ? (size_t)igraph_rng_get_integer(rng, 0, (igraph_integer_t)ko - 1) : 0;
            const size_t pool =
                kp > 1 ? (size_t)igraph_rng_get_integer(rng, 0, (igraph_integer_t)kp - 1) : 0;
            char oracle_suffix[24], pool_suffix[24];
            liq_copy_suffix(oracle_suffix, sizeof(oracle_suffix), oracle);
            liq_copy_suffix(pool_suffix, sizeof(pool_suffix), pool);
            liq_text_printf(t,
                            "      - {asset: TKN%0*zu, oracle: TKN%0*zu/USD%s, route: "
                            "TKN%0*zu-USDS%s, liquidation_threshold: %s, liquidation_bonus: %s}\n",
                            wa, i, wa, i, oracle_suffix, wa, i, pool_suffix,
                            liq_num(n2, sizeof(n2), threshold, 2),
                            liq_num(n3, sizeof(n3), bonus, 1));
        }
    }

    /* Accounts: each protocol's count split evenly over its markets. */
    liq_text_printf(t, "accounts:\n");
    int any = 0;
    k = 0;
    for (size_t j = 0; j < P; j++) {
        size_t begin = k;
        for (; k < n_links && links[k].protocol == (int64_t)j; k++) {
        }
        const size_t n_markets = k - begin;
        for (size_t m = 0; m < n_markets; m++) {
            const int64_t count = accounts[j] * (int64_t)(m + 1) / (int64_t)n_markets -
                                  accounts[j] * (int64_t)m / (int64_t)n_markets;
            if (count == 0) {
                continue;
            }
            any = 1;
            liq_text_printf(t,
                            "  - {protocol: P%0*zu, market: TKN%0*zu, count: %lld, size: "
                            "{distribution: pareto, alpha: 1.5, min: 1000, max: 1.0e7}, "
                            "health: {distribution: uniform, min: 1.02, max: 2.0}}\n",
                            wp, j + 1, wa, (size_t)links[begin + m].asset + 1, (long long)count);
        }
    }
    if (!any) {
        liq_text_printf(t, "  []\n");
    }

    /* The shock hits the collateral accepted by the most protocols. */
    int64_t *degree = calloc(A, sizeof(*degree));
    if (degree == NULL) {
        t->failed = 1;
        return;
    }
    for (size_t l = 0; l < n_links; l++) {
        degree[links[l].asset]++;
    }
    size_t hub = 0;
    for (size_t i = 1; i < A; i++) {
        if (degree[i] > degree[hub]) {
            hub = i;
        }
    }
    free(degree);
    liq_text_printf(t,
                    "shocks:\n  - type: schedule\n    asset: TKN%0*zu\n    steps:\n"
                    "      - {round: %lld, return: %s}\n",
                    wa, hub + 1, (long long)o->shock_round,
                    liq_num(n1, sizeof(n1), o->shock_return, 15));
}

/* Receipt-token holdings: a directed Erdos-Renyi graph on the protocols
 * (igraph_erdos_renyi_game_gnp, no loops), edge j -> i meaning j holds i's
 * token, drawn after everything else, so holdings_probability 0 leaves the
 * text as it was. Stored by holder, issuers ascending. */
static int liq_draw_holdings(const liq_ecosystem_options_t *o, liq_holdings_t *holds)
{
    const size_t P = o->n_protocols;
    igraph_t g;
    igraph_error_t err = igraph_erdos_renyi_game_gnp(
        &g, (igraph_integer_t)P, o->holdings_probability, IGRAPH_DIRECTED, IGRAPH_NO_LOOPS);
    if (err != IGRAPH_SUCCESS) {
        return liq_igraph_error(err, "generator: holdings");
    }
    const size_t E = (size_t)igraph_ecount(&g);
    holds->begin = calloc(P + 1, sizeof(size_t));
    holds->issuer = malloc((E > 0 ? E : 1) * sizeof(size_t));
    liq_link_t *pairs = malloc((E > 0 ? E : 1) * sizeof(*pairs));
    if (holds->begin == NULL || holds->issuer == NULL || pairs == NULL) {
        free(pairs);
        igraph_destroy(&g);
        return liq_error_set(LIQ_ENOMEM, "generator: out of memory for holdings");
    }
    for (size_t e = 0; e < E; e++) {
        igraph_integer_t from, to;
        igraph_edge(&g, (igraph_integer_t)e, &from, &to);
        pairs[e] = (liq_link_t){(int64_t)from, (int64_t)to};
    }
    igraph_destroy(&g);
    qsort(pairs, E, sizeof(*pairs), liq_link_cmp);
    for (size_t e = 0; e < E; e++) {
        holds->begin[(size_t)pairs[e].protocol + 1]++;
        holds->issuer[e] = (size_t)pairs[e].asset;
    }
    for (size_t j = 0; j < P; j++) {
        holds->begin[j + 1] += holds->begin[j];
    }
    free(pairs);
    return LIQ_OK;
}

int liq_network_generate(char **yaml, const liq_ecosystem_options_t *o)
{
    *yaml = NULL;
    int rc = liq_check_options(o);
    if (rc != LIQ_OK) {
        return rc;
    }
    const size_t P = o->n_protocols, A = o->n_assets;
    liq_link_t *links = NULL;
    size_t cap = 0;
    liq_remainder_t *order = malloc(P * sizeof(*order));
    double *weight = malloc(P * sizeof(*weight));
    double *fraction = malloc(P * sizeof(*fraction));
    int64_t *accounts = malloc(P * sizeof(*accounts));
    uint8_t *has = calloc(P, sizeof(*has));
    liq_holdings_t holds = {NULL, NULL};
    liq_text_t text = {malloc(4096), 0, 4096, 0};
    if (order == NULL || weight == NULL || fraction == NULL || accounts == NULL || has == NULL ||
        text.text == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "generator: out of memory");
        goto cleanup;
    }

    liq_igraph_scope_t scope;
    liq_igraph_enter(&scope);
    igraph_rng_t rng;
    igraph_rng_t *previous = igraph_rng_default();
    igraph_error_t err = igraph_rng_init(&rng, &igraph_rngtype_pcg32);
    if (err == IGRAPH_SUCCESS) {
        err = igraph_rng_seed(&rng, (igraph_uint_t)o->seed);
        if (err != IGRAPH_SUCCESS) {
            igraph_rng_destroy(&rng);
        }
    }
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "generator: random number generator");
        liq_igraph_leave(&scope);
        goto cleanup;
    }
    igraph_rng_set_default(&rng);

    size_t n_links = 0;
    rc = liq_draw_links(o, &links, &n_links, &cap);
    if (rc == LIQ_OK) {
        qsort(links, n_links, sizeof(*links), liq_link_cmp);
        size_t kept = 0;
        for (size_t l = 0; l < n_links; l++) {
            if (kept == 0 || liq_link_cmp(&links[kept - 1], &links[l]) != 0) {
                links[kept++] = links[l];
            }
        }
        n_links = kept;
        /* A protocol needs at least one market: one left without collateral
         * takes a uniformly drawn asset. */
        for (size_t l = 0; l < n_links; l++) {
            has[links[l].protocol] = 1;
        }
        for (size_t j = 0; j < P; j++) {
            if (!has[j]) {
                links[n_links++] = (liq_link_t){
                    (int64_t)j, (int64_t)igraph_rng_get_integer(&rng, 0, (igraph_integer_t)A - 1)};
            }
        }
        qsort(links, n_links, sizeof(*links), liq_link_cmp);

        /* Accounts per protocol: Pareto(alpha) weights, x_min 1, by inverse
         * transform of a uniform draw in [0, 1). */
        for (size_t j = 0; j < P; j++) {
            weight[j] = pow(1.0 - igraph_rng_get_unif01(&rng), -1.0 / o->accounts_alpha);
        }
        liq_apportion(o->n_accounts, weight, P, accounts, fraction, order);
        if (o->holdings_probability > 0.0) {
            rc = liq_draw_holdings(o, &holds);
        }
    }
    if (rc == LIQ_OK) {
        liq_write_yaml(&text, o, links, n_links, accounts, &holds, &rng);
        if (text.failed) {
            rc = liq_error_set(LIQ_ENOMEM, "generator: out of memory writing the scenario");
        }
    }
    igraph_rng_set_default(previous);
    igraph_rng_destroy(&rng);
    liq_igraph_leave(&scope);

cleanup:
    free(links);
    free(weight);
    free(fraction);
    free(order);
    free(accounts);
    free(has);
    free(holds.begin);
    free(holds.issuer);
    if (rc != LIQ_OK) {
        free(text.text);
        return rc;
    }
    *yaml = text.text;
    return LIQ_OK;
}
