/*
 * The tables of the scenario's keys (src/model/scenario_keys.h): every
 * table reachable from the top level is complete (each row has what its
 * type needs: a range and its wording, choices, an item table, a count),
 * documented (every row has a description), and names each key once per
 * variant: two rows share a name only when rules of application tell them
 * apart (a protocol's `markets` of each kind, a size's `max` of each
 * distribution). The reader, the writer, the graph code and the docs all
 * walk these rows, so a hole here would show as a wrong message or a
 * missing key there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/scenario_keys.h"

#define LIQ_MAX_ENTITIES 64

/* Every entity reachable from the top level, each once. */
static size_t collect(const liq_entity_t *e, const liq_entity_t **seen, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (seen[k] == e) {
            return n;
        }
    }
    assert_true(n < LIQ_MAX_ENTITIES);
    seen[n++] = e;
    for (size_t k = 0; k < e->n_keys; k++) {
        if (e->keys[k].entity != NULL) {
            n = collect(e->keys[k].entity, seen, n);
        }
    }
    return n;
}

static void check_row(const liq_entity_t *e, const liq_key_t *key)
{
    char where[128];
    snprintf(where, sizeof(where), "%s.%s", e->name, key->name != NULL ? key->name : "?");
    if (key->name == NULL || key->name[0] == '\0' || key->doc == NULL) {
        fail_msg("%s: a row without a name or a description", where);
    }
    switch (key->type) {
    case LIQ_KEY_NUMBER:
    case LIQ_KEY_INTEGER:
        if (key->expected == NULL) {
            fail_msg("%s: a number without the wording of its range", where);
        }
        break;
    case LIQ_KEY_ENUM:
        if (key->choices == NULL || key->what == NULL) {
            fail_msg("%s: a choice without choices or a noun", where);
        }
        break;
    case LIQ_KEY_MAP:
        if (key->entity == NULL) {
            fail_msg("%s: a mapping without its table", where);
        }
        break;
    case LIQ_KEY_LIST:
        if (key->entity == NULL || key->entity->size == 0 || key->count_offset == 0) {
            fail_msg("%s: a list without its item table, item size or count", where);
        }
        break;
    case LIQ_KEY_CUSTOM:
        if (key->custom == LIQ_CUSTOM_NONE) {
            fail_msg("%s: a custom key without its reader", where);
        }
        break;
    default:
        break;
    }
}

static void test_tables_complete(void **state)
{
    (void)state;
    const liq_entity_t *seen[LIQ_MAX_ENTITIES];
    const size_t n = collect(&liq_scenario_entity, seen, 0);
    /* The shocks' and positions files' tables are reached through code. */
    const liq_entity_t *more[] = {&liq_positions_entity, &liq_schedule_entity, &liq_path_entity,
                                  &liq_gbm_entity};
    size_t total = n;
    for (size_t k = 0; k < sizeof(more) / sizeof(more[0]); k++) {
        total = collect(more[k], seen, total);
    }
    assert_true(total >= 25);
    for (size_t i = 0; i < total; i++) {
        const liq_entity_t *e = seen[i];
        assert_non_null(e->name);
        assert_true(e->n_keys > 0);
        for (size_t k = 0; k < e->n_keys; k++) {
            check_row(e, &e->keys[k]);
            for (size_t j = 0; j < k; j++) {
                if (strcmp(e->keys[j].name, e->keys[k].name) == 0 &&
                    (e->keys[j].need == NULL || e->keys[k].need == NULL)) {
                    fail_msg("%s: two rows named %s, not told apart by their rules", e->name,
                             e->keys[k].name);
                }
            }
        }
    }
}

/* A key is found by name, and the first of two rows sharing one. */
static void test_entity_key(void **state)
{
    (void)state;
    const liq_key_t *price = liq_entity_key(&liq_asset_entity, "price");
    assert_non_null(price);
    assert_int_equal(price->type, LIQ_KEY_NUMBER);
    assert_string_equal(price->expected, "a finite number > 0");
    assert_null(liq_entity_key(&liq_asset_entity, "prise"));
    const liq_key_t *markets = liq_entity_key(&liq_protocol_entity, "markets");
    assert_non_null(markets);
    assert_ptr_equal(markets->entity, &liq_market_entity);
}

/* Code that writes scenarios names a key by the field it fills, the table
 * its items follow or its custom reader (the generator). */
static void test_key_by_field(void **state)
{
    (void)state;
    const liq_key_t *bonus = liq_entity_field_key(&liq_market_entity, LIQ_KEY_NUMBER,
                                                  offsetof(liq_market_config_t, liquidation_bonus));
    assert_non_null(bonus);
    assert_string_equal(bonus->name, "liquidation_bonus");
    assert_null(liq_entity_field_key(&liq_market_entity, LIQ_KEY_INTEGER,
                                     offsetof(liq_market_config_t, liquidation_bonus)));
    /* Rows sharing a field: the first (lending's debt_asset, not margin_asset). */
    const liq_key_t *debt = liq_entity_field_key(&liq_protocol_entity, LIQ_KEY_REF,
                                                 offsetof(liq_protocol_config_t, debt_asset));
    assert_string_equal(debt->name, "debt_asset");
    assert_string_equal(liq_entity_items_key(&liq_protocol_entity, &liq_keepers_entity)->name,
                        "keepers");
    assert_string_equal(liq_entity_custom_key(&liq_market_entity, LIQ_CUSTOM_ROUTE)->name, "route");
    assert_null(liq_entity_custom_key(&liq_market_entity, LIQ_CUSTOM_STEPS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_complete),
        cmocka_unit_test(test_entity_key),
        cmocka_unit_test(test_key_by_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
