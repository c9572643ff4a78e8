/*
 * liqnet-keys-doc --check|--write DOC.md
 *
 * Writes the key tables of docs/scenario.md from the tables of the
 * scenario's keys (src/model/scenario_keys.h), so that the reference a user
 * reads is the one the reader enforces. A table is generated between the
 * lines
 *
 *     <!-- keys: ENTITY [prefix=P] [KEY=CHOICE ...] [flatten=K,K] -->
 *     <!-- /keys -->
 *
 * ENTITY is a table's name (asset, pool, protocol, ...); KEY=CHOICE fixes
 * a selecting key (kind=perp), protocol=perp makes a generator's protocol a
 * perp exchange, prefix=P starts every key with P (issues[k].), and
 * flatten=K lists nested mappings whose keys are rows of this table
 * (keepers.gas_cost). The prose around the markers is left alone.
 *
 * --check exits 1 when the file differs from what the tables give, printing
 * the command that regenerates it (CTest runs it, test_scenario_docs);
 * --write rewrites the file. Exit 2 on bad usage or an unknown ENTITY.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_keys.h"

/* The tables a marker may name. */
static const liq_entity_t *const liq_doc_entities[] = {
    &liq_scenario_entity,      &liq_output_entity,         &liq_asset_entity,
    &liq_pool_entity,          &liq_oracle_entity,         &liq_source_entity,
    &liq_protocol_entity,      &liq_keepers_entity,        &liq_breaker_entity,
    &liq_penalty_entity,       &liq_liquidation_entity,    &liq_stability_entity,
    &liq_recovery_mode_entity, &liq_issue_entity,          &liq_holding_entity,
    &liq_market_entity,        &liq_route_entity,          &liq_perp_market_entity,
    &liq_tier_entity,          &liq_perp_positions_entity, &liq_generator_entity,
    &liq_size_entity,          &liq_health_entity,         &liq_positions_entity,
    &liq_schedule_entity,      &liq_step_entity,           &liq_path_entity,
    &liq_gbm_entity,           &liq_adversary_entity,      &liq_chain_entity,
    &liq_gas_price_entity,     &liq_transaction_entity,    &liq_bidder_entity,
    &liq_osm_entity,           &liq_borrowers_entity,      &liq_partial_entity,
    &liq_backstop_entity,      &liq_resell_entity,         &liq_bridge_entity,
    &liq_liquidator_entity,    &liq_auction_entity,        &liq_flow_entity,
};

/* A growing text. */
typedef struct {
    char *text;
    size_t len, cap;
    bool failed;
} liq_doc_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
liq_doc_printf(liq_doc_t *d, const char *fmt, ...)
{
    va_list ap;
    for (int attempt = 0; attempt < 2 && !d->failed; attempt++) {
        /* Before the first growth there is no buffer: vsnprintf measures
         * with (NULL, 0), as NULL + 0 is undefined behaviour. */
        char *at = d->text != NULL ? d->text + d->len : NULL;
        va_start(ap, fmt);
        const int n = vsnprintf(at, d->cap - d->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            d->failed = true;
            return;
        }
        if (d->len + (size_t)n < d->cap) {
            d->len += (size_t)n;
            return;
        }
        size_t cap = d->cap > 0 ? 2 * d->cap : 4096;
        while (cap <= d->len + (size_t)n) {
            cap *= 2;
        }
        char *grown = realloc(d->text, cap);
        if (grown == NULL) {
            d->failed = true;
            return;
        }
        d->text = grown;
        d->cap = cap;
    }
}

/* Markdown table cells: a '|' in the text would end the cell. */
static void liq_doc_cell(liq_doc_t *d, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '|') {
            liq_doc_printf(d, "\\|");
        } else {
            liq_doc_printf(d, "%c", *c);
        }
    }
}

/* --------------------------------------------------- the marker's spec */

#define LIQ_DOC_MAX_FIXED 8
#define LIQ_DOC_MAX_FLATTEN 8
#define LIQ_DOC_SCRATCH 4096

typedef struct {
    const liq_entity_t *entity;
    char prefix[64];
    int perp; /* protocol=perp: the generator's protocol is a perp exchange */
    size_t n_fixed;
    const liq_key_t *fixed_key[LIQ_DOC_MAX_FIXED];
    int fixed_value[LIQ_DOC_MAX_FIXED];
    size_t n_flatten;
    char flatten[LIQ_DOC_MAX_FLATTEN][32];
} liq_doc_spec_t;

static const liq_entity_t *liq_doc_entity(const char *name)
{
    for (size_t k = 0; k < sizeof(liq_doc_entities) / sizeof(liq_doc_entities[0]); k++) {
        const char *e = liq_doc_entities[k]->name;
        size_t i = 0;
        while (e[i] != '\0' && (e[i] == name[i] || (e[i] == ' ' && name[i] == '_'))) {
            i++;
        }
        if (e[i] == '\0' && name[i] == '\0') {
            return liq_doc_entities[k];
        }
    }
    return NULL;
}

static int liq_doc_choice(const liq_key_t *key, const char *value)
{
    for (int c = 0; key->choices != NULL && key->choices[c] != NULL; c++) {
        if (strcmp(key->choices[c], value) == 0) {
            return c;
        }
    }
    return -1;
}

/* Parses "ENTITY [prefix=P] [protocol=perp] [flatten=K,K] [KEY=CHOICE]". */
static bool liq_doc_parse_spec(char *text, liq_doc_spec_t *spec)
{
    memset(spec, 0, sizeof(*spec));
    char *save = NULL;
    char *word = strtok_r(text, " ", &save);
    spec->entity = word != NULL ? liq_doc_entity(word) : NULL;
    if (spec->entity == NULL) {
        fprintf(stderr, "liqnet-keys-doc: unknown table '%s'\n", word != NULL ? word : "");
        return false;
    }
    while ((word = strtok_r(NULL, " ", &save)) != NULL) {
        char *eq = strchr(word, '=');
        if (eq == NULL) {
            fprintf(stderr, "liqnet-keys-doc: '%s' is not KEY=VALUE\n", word);
            return false;
        }
        *eq = '\0';
        const char *value = eq + 1;
        if (strcmp(word, "prefix") == 0) {
            snprintf(spec->prefix, sizeof(spec->prefix), "%s", value);
        } else if (strcmp(word, "protocol") == 0) {
            spec->perp = strcmp(value, "perp") == 0;
        } else if (strcmp(word, "flatten") == 0) {
            char copy[256];
            snprintf(copy, sizeof(copy), "%s", value);
            char *inner = NULL;
            for (char *k = strtok_r(copy, ",", &inner);
                 k != NULL && spec->n_flatten < LIQ_DOC_MAX_FLATTEN;
                 k = strtok_r(NULL, ",", &inner)) {
                snprintf(spec->flatten[spec->n_flatten++], sizeof(spec->flatten[0]), "%s", k);
            }
        } else {
            const liq_key_t *key = liq_entity_key(spec->entity, word);
            const int choice = key != NULL ? liq_doc_choice(key, value) : -1;
            if (choice < 0 || spec->n_fixed == LIQ_DOC_MAX_FIXED) {
                fprintf(stderr, "liqnet-keys-doc: %s has no key %s with choice %s\n",
                        spec->entity->name, word, value);
                return false;
            }
            spec->fixed_key[spec->n_fixed] = key;
            spec->fixed_value[spec->n_fixed++] = choice;
        }
    }
    return true;
}

/* ------------------------------------------------------------- cells */

static const char *liq_doc_article(const char *noun)
{
    return strchr("aeiou", noun[0]) != NULL ? "an" : "a";
}

static void liq_doc_type(liq_doc_t *d, const liq_key_t *key)
{
    static const char *const words[] = {"number", "integer", "duration", "choice",
                                        "flag",   "string",  "name",     "",
                                        "file",   "mapping", "list",     ""};
    if (key->type == LIQ_KEY_REF) {
        const char *noun = liq_ref_singular(key->ref);
        liq_doc_printf(d, "name of %s %s", liq_doc_article(noun), noun);
        return;
    }
    if (key->type == LIQ_KEY_CUSTOM || key->type == LIQ_KEY_DURATION) {
        liq_doc_cell(d, key->unit != NULL ? key->unit : words[key->type]);
        return;
    }
    liq_doc_printf(d, "%s", words[key->type]);
    if (key->unit != NULL && key->unit[0] != '\0') {
        liq_doc_printf(d, ", ");
        liq_doc_cell(d, key->unit);
    }
}

static void liq_doc_number(liq_doc_t *d, double v)
{
    if (isnan(v)) {
        liq_doc_printf(d, "none");
        return;
    }
    if (isinf(v)) {
        liq_doc_printf(d, "%sinf", v < 0 ? "-" : "");
        return;
    }
    char buf[32];
    if (v == floor(v) && fabs(v) < 1e15) {
        liq_doc_printf(d, "%.0f", v);
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, sizeof(buf), "%.*g", digits, v);
        if (strtod(buf, NULL) == v) {
            break;
        }
    }
    liq_doc_printf(d, "%s", buf);
}

static void liq_doc_default(liq_doc_t *d, const liq_key_t *key, bool required)
{
    if (key->doc_default != NULL) {
        liq_doc_cell(d, key->doc_default);
        return;
    }
    if (required) {
        liq_doc_printf(d, "**required**");
        return;
    }
    const bool unlimited = (key->flags & LIQ_KEY_UNLIMITED) != 0;
    switch (key->type) {
    case LIQ_KEY_NUMBER:
        if (unlimited && isinf(key->dflt)) {
            liq_doc_printf(d, "`unlimited`");
        } else {
            liq_doc_number(d, key->dflt);
        }
        break;
    case LIQ_KEY_INTEGER:
    case LIQ_KEY_DURATION:
        if (unlimited && key->idflt == INT64_MAX) {
            liq_doc_printf(d, "`unlimited`");
        } else {
            liq_doc_printf(d, "%" PRId64, key->idflt);
        }
        break;
    case LIQ_KEY_ENUM:
        if (key->idflt >= 0) {
            liq_doc_printf(d, "`%s`", key->choices[key->idflt]);
        } else {
            liq_doc_printf(d, "none");
        }
        break;
    case LIQ_KEY_FLAG:
        liq_doc_printf(d, "`%s`", key->idflt ? "true" : "false");
        break;
    case LIQ_KEY_LIST:
        liq_doc_printf(d, "empty");
        break;
    default:
        liq_doc_printf(d, "none");
        break;
    }
}

static void liq_doc_valid(liq_doc_t *d, const liq_key_t *key, bool required)
{
    const size_t before = d->len;
    switch (key->type) {
    case LIQ_KEY_NUMBER:
    case LIQ_KEY_INTEGER: {
        /* "%lld" stands for the scenario's rounds. */
        const char *at = strstr(key->expected, "%lld");
        if (at != NULL) {
            liq_doc_printf(d, "%.*s`rounds`%s", (int)(at - key->expected), key->expected, at + 4);
        } else {
            liq_doc_cell(d, key->expected);
        }
        break;
    }
    case LIQ_KEY_DURATION:
        liq_doc_printf(d, "a duration of at least %" PRId64 " %s%s", key->ilo,
                       (key->flags & LIQ_KEY_SECONDS) != 0 ? "second" : "round",
                       key->ilo == 1 ? "" : "s");
        break;
    case LIQ_KEY_ENUM:
        for (size_t c = 0; key->choices[c] != NULL; c++) {
            const bool last = key->choices[c + 1] == NULL;
            liq_doc_printf(d, "%s`%s`", c == 0 ? "" : last ? " or " : ", ", key->choices[c]);
        }
        break;
    case LIQ_KEY_FLAG:
        liq_doc_printf(d, "`true` or `false`");
        break;
    case LIQ_KEY_STRING:
        liq_doc_printf(d, "a non-empty string");
        break;
    case LIQ_KEY_NAME:
        liq_doc_printf(d, "a non-empty name");
        break;
    case LIQ_KEY_REF: {
        const char *noun = liq_ref_singular(key->ref);
        liq_doc_printf(d, "a defined %s", noun);
        break;
    }
    case LIQ_KEY_LIST:
        if (required) {
            liq_doc_printf(d, "non-empty");
        }
        break;
    default:
        break;
    }
    if (key->doc_valid != NULL) {
        liq_doc_printf(d, "%s", d->len > before ? "; " : "");
        liq_doc_cell(d, key->doc_valid);
    }
}

/* --------------------------------------------------------------- rows */

/* The scenario a table's rules look at: one protocol, lending or perp. */
typedef struct {
    liq_scenario_t sc;
    liq_protocol_config_t protocol;
    _Alignas(max_align_t) unsigned char parent[LIQ_DOC_SCRATCH];
    _Alignas(max_align_t) unsigned char obj[LIQ_DOC_SCRATCH];
} liq_doc_scratch_t;

/* How a row shows across the variants the marker leaves open: visible in
 * any, required in every one where visible. */
typedef struct {
    bool visible, required;
} liq_doc_show_t;

static bool liq_doc_flattened(const liq_doc_spec_t *spec, const liq_key_t *key)
{
    for (size_t k = 0; k < spec->n_flatten; k++) {
        if (key->type == LIQ_KEY_MAP && strcmp(spec->flatten[k], key->name) == 0) {
            return true;
        }
    }
    return false;
}

/* Evaluates every row of `entity` (and of its flattened mappings) over
 * every combination of the selecting choices the spec does not fix. */
static void liq_doc_show(const liq_doc_spec_t *spec, const liq_entity_t *entity,
                         liq_doc_scratch_t *s, liq_doc_show_t *show, size_t n_show)
{
    const liq_key_t *open[4];
    int counts[4];
    size_t n_open = 0;
    for (size_t k = 0; k < entity->n_keys && n_open < 4; k++) {
        const liq_key_t *key = &entity->keys[k];
        bool fixed = false;
        for (size_t f = 0; f < spec->n_fixed; f++) {
            fixed = fixed || spec->fixed_key[f] == key;
        }
        if (key->type == LIQ_KEY_ENUM && (key->flags & LIQ_KEY_SELECTS) != 0 && !fixed) {
            int c = 0;
            while (key->choices[c] != NULL) {
                c++;
            }
            open[n_open] = key;
            counts[n_open++] = c;
        }
    }
    int combo[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n_show; i++) {
        show[i] = (liq_doc_show_t){false, true};
    }
    for (;;) {
        for (size_t f = 0; f < spec->n_fixed; f++) {
            *(int *)liq_key_field(spec->fixed_key[f], s->obj) = spec->fixed_value[f];
        }
        for (size_t o = 0; o < n_open; o++) {
            *(int *)liq_key_field(open[o], s->obj) = combo[o];
        }
        const liq_key_ctx_t ctx = {&s->sc, s->parent, s->parent, 0, 1};
        size_t i = 0;
        for (size_t k = 0; k < entity->n_keys && i < n_show; k++) {
            const liq_key_t *key = &entity->keys[k];
            const liq_entity_t *inner = liq_doc_flattened(spec, key) ? key->entity : NULL;
            const size_t rows = inner != NULL ? inner->n_keys : 1;
            for (size_t j = 0; j < rows && i < n_show; j++, i++) {
                const liq_key_t *row = inner != NULL ? &inner->keys[j] : key;
                const void *obj = inner != NULL ? liq_key_cfield(key, s->obj) : s->obj;
                liq_key_need_t need = liq_key_applies(key, &ctx, s->obj, NULL);
                if (inner != NULL && need != LIQ_NEED_HIDDEN) {
                    need = liq_key_applies(row, &ctx, obj, NULL);
                }
                if (need != LIQ_NEED_HIDDEN) {
                    show[i].visible = true;
                    show[i].required = show[i].required && need == LIQ_NEED_REQUIRED;
                }
            }
        }
        size_t o = 0;
        while (o < n_open && ++combo[o] == counts[o]) {
            combo[o++] = 0;
        }
        if (o == n_open) {
            break;
        }
    }
}

static void liq_doc_table(liq_doc_t *d, const liq_doc_spec_t *spec)
{
    static liq_doc_scratch_t s;
    memset(&s, 0, sizeof(s));
    s.protocol.kind = spec->perp ? LIQ_PROTOCOL_PERP : LIQ_PROTOCOL_LENDING;
    s.protocol.name = "P";
    s.sc.protocols = &s.protocol;
    s.sc.n_protocols = 1;
    const liq_entity_t *entity = spec->entity;
    liq_doc_show_t show[64];
    liq_doc_show(spec, entity, &s, show, sizeof(show) / sizeof(show[0]));
    const liq_key_t *printed[64];
    const char *printed_name[64];
    size_t n_printed = 0;
    liq_doc_printf(d, "| key | meaning | type | default | valid |\n");
    liq_doc_printf(d, "| --- | --- | --- | --- | --- |\n");
    size_t i = 0;
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        const liq_entity_t *inner = liq_doc_flattened(spec, key) ? key->entity : NULL;
        const size_t rows = inner != NULL ? inner->n_keys : 1;
        for (size_t j = 0; j < rows; j++, i++) {
            const liq_key_t *row = inner != NULL ? &inner->keys[j] : key;
            /* Rows of two variants may share a name (a size's `max`): the
             * docs list the key once. */
            bool listed = false;
            for (size_t e = 0; e < n_printed && !listed; e++) {
                listed = printed[e] == (inner != NULL ? key : NULL) &&
                         strcmp(printed_name[e], row->name) == 0;
            }
            if (!show[i].visible || listed || n_printed == 64) {
                continue;
            }
            printed[n_printed] = inner != NULL ? key : NULL;
            printed_name[n_printed++] = row->name;
            liq_doc_printf(d, "| `%s%s%s%s` | ", spec->prefix, inner != NULL ? key->name : "",
                           inner != NULL ? "." : "", row->name);
            liq_doc_cell(d, row->doc != NULL ? row->doc : "");
            liq_doc_printf(d, " | ");
            liq_doc_type(d, row);
            liq_doc_printf(d, " | ");
            liq_doc_default(d, row, show[i].required);
            liq_doc_printf(d, " | ");
            liq_doc_valid(d, row, show[i].required);
            liq_doc_printf(d, " |\n");
        }
    }
}

/* The presets (liq_presets): each with its design and the keys it fills. */
static void liq_doc_presets(liq_doc_t *d)
{
    liq_doc_printf(d, "| preset | design | keys it fills |\n| --- | --- | --- |\n");
    for (size_t k = 0; k < liq_presets_count; k++) {
        const liq_preset_t *preset = &liq_presets[k];
        liq_doc_printf(d, "| `%s` | ", preset->name);
        liq_doc_cell(d, preset->design);
        liq_doc_printf(d, " |");
        for (const liq_preset_key_t *key = preset->keys; key->path != NULL; key++) {
            liq_doc_printf(d, "%s`%s: %s`", key == preset->keys ? " " : "; ", key->path,
                           key->value);
        }
        liq_doc_printf(d, " |\n");
    }
}

/* --------------------------------------------------------------- file */

static char *liq_doc_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    liq_doc_t d = {NULL, 0, 0, false};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        liq_doc_printf(&d, "%.*s", (int)n, buf);
    }
    const bool failed = ferror(f) != 0 || d.failed;
    fclose(f);
    if (failed) {
        free(d.text);
        return NULL;
    }
    *len = d.len;
    return d.text != NULL ? d.text : calloc(1, 1);
}

/* The file with every marked table regenerated; NULL on a bad marker. */
static char *liq_doc_generate(const char *text, bool *ok)
{
    static const char open_mark[] = "<!-- keys: ";
    static const char close_mark[] = "<!-- /keys -->";
    liq_doc_t d = {NULL, 0, 0, false};
    const char *line = text;
    *ok = true;
    while (*line != '\0' && *ok) {
        const char *end = strchr(line, '\n');
        const size_t len = end != NULL ? (size_t)(end - line) + 1 : strlen(line);
        liq_doc_printf(&d, "%.*s", (int)len, line);
        if (strncmp(line, open_mark, sizeof(open_mark) - 1) == 0) {
            const char *stop = strstr(line, " -->");
            char spec_text[256];
            snprintf(spec_text, sizeof(spec_text), "%.*s",
                     stop != NULL ? (int)(stop - line - (sizeof(open_mark) - 1)) : 0,
                     line + sizeof(open_mark) - 1);
            liq_doc_spec_t spec;
            const bool presets = strcmp(spec_text, "presets") == 0;
            *ok = stop != NULL && (presets || liq_doc_parse_spec(spec_text, &spec));
            const char *close = strstr(line + len, close_mark);
            if (*ok && close == NULL) {
                fprintf(stderr, "liqnet-keys-doc: a marker without %s\n", close_mark);
                *ok = false;
            }
            if (*ok) {
                if (presets) {
                    liq_doc_presets(&d);
                } else {
                    liq_doc_table(&d, &spec);
                }
                line = close;
                continue;
            }
        }
        line += len;
    }
    if (d.failed || !*ok) {
        free(d.text);
        return NULL;
    }
    return d.text != NULL ? d.text : calloc(1, 1);
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "--check") != 0 && strcmp(argv[1], "--write") != 0)) {
        fprintf(stderr, "usage: liqnet-keys-doc --check|--write DOC.md\n");
        return 2;
    }
    const char *path = argv[2];
    size_t len = 0;
    char *text = liq_doc_read(path, &len);
    if (text == NULL) {
        fprintf(stderr, "liqnet-keys-doc: %s: cannot read: %s\n", path, strerror(errno));
        return 2;
    }
    bool ok = true;
    char *generated = liq_doc_generate(text, &ok);
    if (generated == NULL) {
        free(text);
        return 2;
    }
    int status = 0;
    if (strcmp(argv[1], "--check") == 0) {
        if (strcmp(text, generated) != 0) {
            fprintf(stderr,
                    "%s: the key tables differ from the tables of src/model/scenario_keys*.c; "
                    "regenerate them with:\n    %s --write %s\n",
                    path, argv[0], path);
            status = 1;
        }
    } else {
        FILE *f = fopen(path, "wb");
        if (f == NULL || fputs(generated, f) == EOF || fclose(f) != 0) {
            fprintf(stderr, "liqnet-keys-doc: %s: cannot write: %s\n", path, strerror(errno));
            status = 2;
        }
    }
    free(generated);
    free(text);
    return status;
}
