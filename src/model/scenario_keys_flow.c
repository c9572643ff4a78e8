/*
 * The keys of a perp generator's living population (scenario_keys.h, issue
 * 14 item 3): `accounts[i].flow`, positions that keep opening at the round's
 * mark and closing, so that a long replay's book refills after a cascade
 * (src/engine/perp_flow.c, docs/scenario.md "accounts[i].flow").
 */
#include <math.h>
#include <string.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

static const char *const liq_flow_processes[] = {"poisson", "fixed", NULL};

/* liq_poisson_inverse is exact while exp(-mean) does not underflow. */
#define LIQ_FLOW_POISSON_MAX 700.0

static const liq_key_t liq_flow_keys[] = {
    {.name = "inflow",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_flow_config_t, inflow),
     LIQ_NONNEGATIVE,
     .unit = "positions per round",
     .doc = "the mean number of positions opened each round, after its liquidations, at the "
            "round's mark; size, leverage and side drawn from the generator's `size`, "
            "`leverage` and `long_share`",
     .doc_valid = "<= 700 for `poisson`"},
    {.name = "process",
     .type = LIQ_KEY_ENUM,
     .offset = offsetof(liq_perp_flow_config_t, process),
     .choices = liq_flow_processes,
     .what = "arrival process",
     .doc = "`poisson` (a Poisson count with mean `inflow` each round, the run's seed) or "
            "`fixed` (exactly floor(t inflow) - floor((t-1) inflow) in round t)"},
    {.name = "holding",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_perp_flow_config_t, holding),
     .idflt = 0,
     .ilo = 0,
     .unit = "duration",
     .doc = "the mean holding time H: each open position that is not liquidatable closes at the "
            "mark with probability 1 / H (in rounds) each round, after the liquidations; 0: "
            "positions stay open until liquidated"},
    {.name = "capacity",
     .type = LIQ_KEY_INTEGER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_flow_config_t, capacity),
     LIQ_INTEGER_AT_LEAST_1,
     .unit = "accounts",
     .doc = "the generator's account slots, allocated once: its `count` accounts and the "
            "arrivals share them, a closed or liquidated position frees its slot, and an "
            "arrival that finds none free is refused (series `perp_refused`)",
     .doc_valid = ">= the generator's count"},
};

/* The generator whose `flow` is being read. */
static const liq_account_generator_t *liq_flow_generator(const liq_key_ctx_t *ctx)
{
    return ctx->parent;
}

static int liq_check_flow(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_perp_flow_config_t *f = obj;
    const liq_account_generator_t *g = liq_flow_generator(ctx);
    if (g->margin == LIQ_MARGIN_CROSS) {
        return liq_key_problem(problem, LIQ_EINVAL, NULL,
                               "flow opens isolated positions; expected margin: isolated");
    }
    if (f->process == LIQ_FLOW_POISSON && f->inflow > LIQ_FLOW_POISSON_MAX) {
        return liq_key_problem(problem, LIQ_EINVAL, "inflow",
                               "value %.17g is above %g; expected a Poisson mean <= %g (or "
                               "process: fixed)",
                               f->inflow, LIQ_FLOW_POISSON_MAX, LIQ_FLOW_POISSON_MAX);
    }
    if (f->capacity < g->count) {
        return liq_key_problem(problem, LIQ_EINVAL, "capacity",
                               "value %lld is below the generator's count %lld; expected "
                               "capacity >= count",
                               (long long)f->capacity, (long long)g->count);
    }
    return LIQ_OK;
}

const liq_entity_t liq_flow_entity = {.name = "flow",
                                      .title = "accounts[i].flow",
                                      LIQ_KEYS(liq_flow_keys),
                                      .flow = true,
                                      .check_all = true,
                                      .check = liq_check_flow};
