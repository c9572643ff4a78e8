/*
 * Summary metrics of MODEL.md s6, accumulated round by round.
 *
 * Drawdowns are tracked online (running peak and deepest fall below it);
 * the cascade needs the last exogenous move, known only at the end, so the
 * per-round liquidation counts and values are kept: O(rounds) memory.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/metrics.h"

struct liq_metrics {
    liq_summary_t summary;
    size_t n_assets;
    int32_t *oracle_asset;       /* [oracle] asset whose E the oracle's drawdown is compared with */
    double *oracle_peak;         /* [oracle] running maximum of O */
    double *asset_peak;          /* [asset] running maximum of E */
    double *asset_drawdown;      /* [asset] max drawdown of E so far */
    double *initial_fund;        /* [protocol] */
    double *final_fund;          /* [protocol] fund after the last round added */
    int64_t capacity;            /* rounds the per-round arrays hold */
    int64_t *round_liquidations; /* [round] total liquidations */
    double *round_value;         /* [round] total seized value */
    double *stability_sold;      /* [protocol] collateral units depositors sold so far */
    double *stability_held;      /* [protocol] collateral units the pool holds now */
};

static double liq_drawdown(double peak, double value)
{
    return 1.0 - value / peak;
}

int liq_metrics_create(liq_metrics_t **out, const liq_sim_t *sim)
{
    *out = NULL;
    const liq_scenario_t *sc = liq_sim_scenario(sim);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    liq_metrics_t *mt = calloc(1, sizeof(*mt));
    if (mt == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for metrics");
    }
    const size_t no = v.n_oracles + 1, nr = v.n_protocols + 1, na = v.n_assets + 1;
    liq_summary_t *s = &mt->summary;
    s->n_oracles = v.n_oracles;
    s->n_protocols = v.n_protocols;
    mt->n_assets = v.n_assets;
    mt->capacity = sc->rounds + 1;
    s->amplification = calloc(no, sizeof(double));
    s->oracle_drawdown = calloc(no, sizeof(double));
    s->exogenous_drawdown = calloc(no, sizeof(double));
    s->liquidations = calloc(nr, sizeof(int64_t));
    s->liquidated_value = calloc(nr, sizeof(double));
    s->repaid_value = calloc(nr, sizeof(double));
    s->stalled = calloc(nr, sizeof(int64_t));
    s->bad_debt = calloc(nr, sizeof(double));
    s->deficit = calloc(nr, sizeof(double));
    s->insurance_drawdown = calloc(nr, sizeof(double));
    s->impairment = calloc(nr, sizeof(double));
    s->breaker_rounds = calloc(nr, sizeof(int64_t));
    s->peak_penalty_scale = calloc(nr, sizeof(double));
    s->first_failure = calloc(nr, sizeof(int64_t));
    s->stability_offset = calloc(nr, sizeof(double));
    s->redistributed_debt = calloc(nr, sizeof(double));
    s->stability_gain = calloc(nr, sizeof(double));
    s->recovery_rounds = calloc(nr, sizeof(int64_t));
    mt->stability_sold = calloc(nr, sizeof(double));
    mt->stability_held = calloc(nr, sizeof(double));
    s->auctions = calloc(nr, sizeof(int64_t));
    s->auction_sold_value = calloc(nr, sizeof(double));
    s->auction_raised = calloc(nr, sizeof(double));
    s->keeper_rewards = calloc(nr, sizeof(double));
    s->auction_bad_debt = calloc(nr, sizeof(double));
    s->auction_tab = calloc(nr, sizeof(double));
    s->adl_volume = calloc(nr, sizeof(double));
    mt->oracle_asset = calloc(no, sizeof(int32_t));
    mt->oracle_peak = calloc(no, sizeof(double));
    mt->asset_peak = calloc(na, sizeof(double));
    mt->asset_drawdown = calloc(na, sizeof(double));
    mt->initial_fund = calloc(nr, sizeof(double));
    mt->final_fund = calloc(nr, sizeof(double));
    mt->round_liquidations = calloc((size_t)mt->capacity, sizeof(int64_t));
    mt->round_value = calloc((size_t)mt->capacity, sizeof(double));
    if (!s->amplification || !s->oracle_drawdown || !s->exogenous_drawdown || !s->liquidations ||
        !s->liquidated_value || !s->repaid_value || !s->stalled || !s->bad_debt || !s->deficit ||
        !s->insurance_drawdown || !s->impairment || !s->breaker_rounds || !s->peak_penalty_scale ||
        !s->first_failure || !mt->oracle_asset || !mt->oracle_peak || !mt->asset_peak ||
        !mt->asset_drawdown || !mt->initial_fund || !mt->final_fund || !mt->round_liquidations ||
        !mt->round_value || !s->stability_offset || !s->redistributed_debt || !s->stability_gain ||
        !s->recovery_rounds || !mt->stability_sold || !mt->stability_held || !s->auctions ||
        !s->auction_sold_value || !s->auction_raised || !s->keeper_rewards ||
        !s->auction_bad_debt || !s->auction_tab || !s->adl_volume) {
        liq_metrics_destroy(mt);
        return liq_error_set(LIQ_ENOMEM, "out of memory for metrics");
    }
    for (size_t o = 0; o < v.n_oracles; o++) {
        const liq_oracle_config_t *oc = &sc->oracles[o];
        mt->oracle_asset[o] = liq_oracle_priced_asset(sc, oc);
        mt->oracle_peak[o] = v.oracle_price[o];
    }
    for (size_t a = 0; a < v.n_assets; a++) {
        mt->asset_peak[a] = v.exogenous_price[a];
    }
    const double none = v.adversary_round >= 0 ? 0.0 : (double)NAN;
    s->adversary_profit = s->adversary_liquidation_profit = none;
    s->adversary_round_trip = s->adversary_flash_fee = none;
    s->adversary_liquidations = v.adversary_round >= 0 ? 0 : -1;
    for (size_t p = 0; p < v.n_protocols; p++) {
        mt->initial_fund[p] = v.insurance_fund[p];
        mt->final_fund[p] = v.insurance_fund[p];
        s->first_failure[p] = -1;
        s->peak_penalty_scale[p] = 1.0;
    }
    *out = mt;
    return LIQ_OK;
}

int liq_metrics_record(void *metrics, const liq_state_view_t *view)
{
    return view->round == 0 ? LIQ_OK : liq_metrics_add(metrics, view);
}

int liq_metrics_add(liq_metrics_t *mt, const liq_state_view_t *v)
{
    liq_summary_t *s = &mt->summary;
    if (v->round >= mt->capacity) {
        /* A run longer than the scenario said (--rounds) grows the record. */
        int64_t capacity = mt->capacity * 2 > v->round + 1 ? mt->capacity * 2 : v->round + 1;
        int64_t *rl = realloc(mt->round_liquidations, (size_t)capacity * sizeof(*rl));
        if (rl != NULL) {
            mt->round_liquidations = rl;
        }
        double *rv = realloc(mt->round_value, (size_t)capacity * sizeof(*rv));
        if (rv != NULL) {
            mt->round_value = rv;
        }
        if (rl == NULL || rv == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for the metrics of round %lld",
                                 (long long)v->round);
        }
        mt->capacity = capacity;
    }
    s->rounds = v->round;
    for (size_t a = 0; a < mt->n_assets; a++) {
        if (v->log_return[a] != 0.0) {
            s->last_exogenous_move = v->round;
        }
        if (v->exogenous_price[a] > mt->asset_peak[a]) {
            mt->asset_peak[a] = v->exogenous_price[a];
        }
        const double dd = liq_drawdown(mt->asset_peak[a], v->exogenous_price[a]);
        if (dd > mt->asset_drawdown[a]) {
            mt->asset_drawdown[a] = dd;
        }
    }
    for (size_t o = 0; o < s->n_oracles; o++) {
        if (v->oracle_price[o] > mt->oracle_peak[o]) {
            mt->oracle_peak[o] = v->oracle_price[o];
        }
        const double dd = liq_drawdown(mt->oracle_peak[o], v->oracle_price[o]);
        if (dd > s->oracle_drawdown[o]) {
            s->oracle_drawdown[o] = dd;
        }
    }
    int64_t round_liquidations = 0;
    double round_value = 0.0;
    for (size_t p = 0; p < s->n_protocols; p++) {
        s->liquidations[p] += v->liquidations[p];
        s->liquidated_value[p] += v->seized_value[p];
        s->repaid_value[p] += v->repaid_value[p];
        s->stalled[p] += v->stalled[p];
        s->bad_debt[p] = v->bad_debt[p];
        s->deficit[p] = v->deficit[p];
        s->impairment[p] = v->impairment[p];
        if (v->breaker_active != NULL) {
            s->breaker_rounds[p] += v->breaker_active[p];
            if (v->penalty_scale[p] > s->peak_penalty_scale[p]) {
                s->peak_penalty_scale[p] = v->penalty_scale[p];
            }
        }
        mt->final_fund[p] = v->insurance_fund[p];
        if (s->first_failure[p] < 0 && (v->bad_debt[p] > 0.0 || v->deficit[p] > 0.0)) {
            s->first_failure[p] = v->round;
        }
        round_liquidations += v->liquidations[p];
        round_value += v->seized_value[p];
        if (v->stability_deposits != NULL) {
            s->stability_offset[p] += v->stability_offset[p];
            s->redistributed_debt[p] += v->stability_redistributed_debt[p];
            s->recovery_rounds[p] += v->recovery_mode[p];
            mt->stability_sold[p] += v->stability_sold[p];
            mt->stability_held[p] = v->stability_collateral[p];
        }
        if (v->adl_volume != NULL) {
            s->adl_volume[p] += v->adl_volume[p];
        }
    }
    if (v->auction_started != NULL) {
        for (size_t p = 0; p < s->n_protocols; p++) {
            s->auctions[p] += v->auction_started[p];
            s->auction_sold_value[p] += v->auction_sold_value[p];
            s->auction_raised[p] += v->auction_raised[p];
            s->keeper_rewards[p] += v->keeper_rewards[p];
            s->auction_bad_debt[p] = v->auction_bad_debt[p];
            s->auction_tab[p] = v->auction_tab[p];
        }
    }
    if (v->round == v->adversary_round) {
        s->adversary_liquidations = v->adversary_liquidations;
        s->adversary_liquidation_profit = v->adversary_liquidation_profit;
        s->adversary_round_trip = v->adversary_round_trip;
        s->adversary_flash_fee = v->adversary_flash_fee;
        s->adversary_profit =
            v->adversary_liquidation_profit + v->adversary_round_trip - v->adversary_flash_fee;
    }
    mt->round_liquidations[v->round] = round_liquidations;
    mt->round_value[v->round] = round_value;
    return LIQ_OK;
}

const liq_summary_t *liq_metrics_summary(liq_metrics_t *mt)
{
    liq_summary_t *s = &mt->summary;
    for (size_t o = 0; o < s->n_oracles; o++) {
        const double exo = mt->asset_drawdown[mt->oracle_asset[o]];
        s->exogenous_drawdown[o] = exo;
        s->amplification[o] = exo > 0.0 ? s->oracle_drawdown[o] / exo : (double)NAN;
    }
    /* Cascade: from the first liquidation at or after the last exogenous
     * move to the last liquidation of the run. */
    s->first_liquidation = -1;
    s->last_liquidation = -1;
    s->peak_round = -1;
    s->peak_value = 0.0;
    const int64_t from = s->last_exogenous_move > 1 ? s->last_exogenous_move : 1;
    for (int64_t t = 1; t <= s->rounds; t++) {
        if (mt->round_liquidations[t] == 0) {
            continue;
        }
        if (t >= from && s->first_liquidation < 0) {
            s->first_liquidation = t;
        }
        s->last_liquidation = t;
        if (mt->round_value[t] > s->peak_value) {
            s->peak_value = mt->round_value[t];
            s->peak_round = t;
        }
    }
    s->cascade_length =
        s->first_liquidation >= 0 ? s->last_liquidation - s->first_liquidation + 1 : 0;
    s->total_liquidations = 0;
    s->total_liquidated_value = 0.0;
    s->total_bad_debt = 0.0;
    s->total_deficit = 0.0;
    s->total_adl_volume = 0.0;
    s->failed_protocols = 0;
    for (size_t p = 0; p < s->n_protocols; p++) {
        s->insurance_drawdown[p] = mt->initial_fund[p] - mt->final_fund[p];
        /* The pool starts with no collateral: what it gained is what its
         * depositors sold plus what it holds. */
        s->stability_gain[p] = mt->stability_sold[p] + mt->stability_held[p];
        s->total_liquidations += s->liquidations[p];
        s->total_liquidated_value += s->liquidated_value[p];
        s->total_bad_debt += s->bad_debt[p];
        s->total_deficit += s->deficit[p];
        s->total_adl_volume += s->adl_volume[p];
        s->failed_protocols += s->bad_debt[p] > 0.0 || s->deficit[p] > 0.0;
    }
    return s;
}

void liq_metrics_destroy(liq_metrics_t *mt)
{
    if (mt == NULL) {
        return;
    }
    liq_summary_release(&mt->summary);
    free(mt->oracle_asset);
    free(mt->oracle_peak);
    free(mt->asset_peak);
    free(mt->asset_drawdown);
    free(mt->initial_fund);
    free(mt->final_fund);
    free(mt->round_liquidations);
    free(mt->round_value);
    free(mt->stability_sold);
    free(mt->stability_held);
    free(mt);
}

int liq_summary_copy(liq_summary_t *dst, const liq_summary_t *src)
{
    *dst = *src;
    const size_t no = src->n_oracles > 0 ? src->n_oracles : 1;
    const size_t np = src->n_protocols > 0 ? src->n_protocols : 1;
    dst->amplification = malloc(no * sizeof(double));
    dst->oracle_drawdown = malloc(no * sizeof(double));
    dst->exogenous_drawdown = malloc(no * sizeof(double));
    dst->liquidations = malloc(np * sizeof(int64_t));
    dst->liquidated_value = malloc(np * sizeof(double));
    dst->repaid_value = malloc(np * sizeof(double));
    dst->stalled = malloc(np * sizeof(int64_t));
    dst->bad_debt = malloc(np * sizeof(double));
    dst->deficit = malloc(np * sizeof(double));
    dst->insurance_drawdown = malloc(np * sizeof(double));
    dst->impairment = malloc(np * sizeof(double));
    dst->breaker_rounds = malloc(np * sizeof(int64_t));
    dst->peak_penalty_scale = malloc(np * sizeof(double));
    dst->first_failure = malloc(np * sizeof(int64_t));
    dst->adl_volume = malloc(np * sizeof(double));
    dst->stability_offset = malloc(np * sizeof(double));
    dst->redistributed_debt = malloc(np * sizeof(double));
    dst->stability_gain = malloc(np * sizeof(double));
    dst->recovery_rounds = malloc(np * sizeof(int64_t));
    dst->auctions = malloc(np * sizeof(int64_t));
    dst->auction_sold_value = malloc(np * sizeof(double));
    dst->auction_raised = malloc(np * sizeof(double));
    dst->keeper_rewards = malloc(np * sizeof(double));
    dst->auction_bad_debt = malloc(np * sizeof(double));
    dst->auction_tab = malloc(np * sizeof(double));
    if (dst->stability_offset == NULL || dst->redistributed_debt == NULL ||
        dst->stability_gain == NULL || dst->recovery_rounds == NULL || dst->amplification == NULL ||
        dst->oracle_drawdown == NULL || dst->exogenous_drawdown == NULL ||
        dst->liquidations == NULL || dst->liquidated_value == NULL || dst->repaid_value == NULL ||
        dst->stalled == NULL || dst->bad_debt == NULL || dst->deficit == NULL ||
        dst->insurance_drawdown == NULL || dst->impairment == NULL || dst->breaker_rounds == NULL ||
        dst->peak_penalty_scale == NULL || dst->first_failure == NULL || dst->auctions == NULL ||
        dst->auction_sold_value == NULL || dst->auction_raised == NULL ||
        dst->keeper_rewards == NULL || dst->auction_bad_debt == NULL || dst->auction_tab == NULL ||
        dst->adl_volume == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for a run's summary");
    }
    const size_t o = src->n_oracles, p = src->n_protocols;
    if (o > 0) {
        memcpy(dst->amplification, src->amplification, o * sizeof(double));
        memcpy(dst->oracle_drawdown, src->oracle_drawdown, o * sizeof(double));
        memcpy(dst->exogenous_drawdown, src->exogenous_drawdown, o * sizeof(double));
    }
    if (p > 0) {
        memcpy(dst->liquidations, src->liquidations, p * sizeof(int64_t));
        memcpy(dst->liquidated_value, src->liquidated_value, p * sizeof(double));
        memcpy(dst->repaid_value, src->repaid_value, p * sizeof(double));
        memcpy(dst->stalled, src->stalled, p * sizeof(int64_t));
        memcpy(dst->bad_debt, src->bad_debt, p * sizeof(double));
        memcpy(dst->deficit, src->deficit, p * sizeof(double));
        memcpy(dst->insurance_drawdown, src->insurance_drawdown, p * sizeof(double));
        memcpy(dst->impairment, src->impairment, p * sizeof(double));
        memcpy(dst->breaker_rounds, src->breaker_rounds, p * sizeof(int64_t));
        memcpy(dst->peak_penalty_scale, src->peak_penalty_scale, p * sizeof(double));
        memcpy(dst->first_failure, src->first_failure, p * sizeof(int64_t));
        memcpy(dst->stability_offset, src->stability_offset, p * sizeof(double));
        memcpy(dst->redistributed_debt, src->redistributed_debt, p * sizeof(double));
        memcpy(dst->stability_gain, src->stability_gain, p * sizeof(double));
        memcpy(dst->recovery_rounds, src->recovery_rounds, p * sizeof(int64_t));
        memcpy(dst->auctions, src->auctions, p * sizeof(int64_t));
        memcpy(dst->auction_sold_value, src->auction_sold_value, p * sizeof(double));
        memcpy(dst->auction_raised, src->auction_raised, p * sizeof(double));
        memcpy(dst->keeper_rewards, src->keeper_rewards, p * sizeof(double));
        memcpy(dst->auction_bad_debt, src->auction_bad_debt, p * sizeof(double));
        memcpy(dst->auction_tab, src->auction_tab, p * sizeof(double));
        memcpy(dst->adl_volume, src->adl_volume, p * sizeof(double));
    }
    return LIQ_OK;
}

void liq_summary_release(liq_summary_t *s)
{
    if (s == NULL) {
        return;
    }
    free(s->amplification);
    free(s->oracle_drawdown);
    free(s->exogenous_drawdown);
    free(s->liquidations);
    free(s->liquidated_value);
    free(s->repaid_value);
    free(s->stalled);
    free(s->bad_debt);
    free(s->deficit);
    free(s->insurance_drawdown);
    free(s->impairment);
    free(s->breaker_rounds);
    free(s->peak_penalty_scale);
    free(s->first_failure);
    free(s->stability_offset);
    free(s->redistributed_debt);
    free(s->stability_gain);
    free(s->recovery_rounds);
    free(s->auctions);
    free(s->auction_sold_value);
    free(s->auction_raised);
    free(s->keeper_rewards);
    free(s->auction_bad_debt);
    free(s->auction_tab);
    s->stability_offset = s->redistributed_debt = s->stability_gain = NULL;
    s->recovery_rounds = NULL;
    free(s->adl_volume);
    s->adl_volume = NULL;
    s->amplification = s->oracle_drawdown = s->exogenous_drawdown = NULL;
    s->liquidated_value = s->repaid_value = s->bad_debt = s->deficit = NULL;
    s->insurance_drawdown = s->impairment = s->peak_penalty_scale = NULL;
    s->breaker_rounds = NULL;
    s->liquidations = s->stalled = s->first_failure = s->auctions = NULL;
    s->auction_sold_value = s->auction_raised = s->keeper_rewards = NULL;
    s->auction_bad_debt = s->auction_tab = NULL;
}
