/*
 * One network over several processes (MODEL.md s7, s8; README "On a cluster").
 *
 * Every process holds the whole replicated state (assets, pools, oracles,
 * every protocol's totals) and the accounts of the protocols it owns. A
 * round's market, arbitrage and oracle phases run everywhere on the same
 * numbers; the margin and perp engines run where the accounts are. What
 * they wrote per protocol (the record below, which includes the markets'
 * seized collateral: the pool order flow) is then copied to every process,
 * word for word, and the venue and balance phases run everywhere again.
 * Nothing is summed across processes, so every process ends the round with
 * the bits a single process would have.
 */
#include <string.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "engine/stability.h"
#include "liqnet/error.h"

/* The fields a margin or perp engine writes for its protocol, in record
 * order, listed once the simulation's arrays exist: a pack or an unpack
 * then walks the list, moving single words without a variable-size copy.
 * (Listing them per call, with a memcpy per field, cost 16.7 ms to pack and
 * unpack the records of 10^5 protocols on one core; now 7.1 ms.) Risk
 * controls are not among them: liq_risk_round computes them on every
 * process from replicated state (found[], oracle history). */
void liq_record_init(struct liq_sim *sim)
{
    liq_record_field_t *f = sim->record_field;
    size_t n = 0;
#define LIQ_FIELD(ptr, k, b) f[n++] = (liq_record_field_t){(void *)(ptr), (k), (b)}
    LIQ_FIELD(sim->books.liquidations, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.stalled, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.found, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.repaid_value, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.seized_value, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.bad_debt, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.insurance_fund, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.deficit, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.collateral_value, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.debt_value, LIQ_FIELD_PROTOCOL, 1);
    LIQ_FIELD(sim->books.market_seized, LIQ_FIELD_MARKET, 1);
    LIQ_FIELD(sim->books.market_collateral, LIQ_FIELD_MARKET, 1);
    LIQ_FIELD(sim->books.market_debt, LIQ_FIELD_MARKET, 1);
    if (sim->accounts.has_cross) {
        LIQ_FIELD(sim->cross.debt_value, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->cross.liquidations, LIQ_FIELD_PROTOCOL, 1);
    }
    const struct liq_stability *st = sim->stability;
    if (st != NULL) {
        LIQ_FIELD(st->deposits, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->collateral, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->offset, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->redistributed_debt, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->redistributed_collateral, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->sold, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->surplus, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->tcr, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(st->recovery, LIQ_FIELD_PROTOCOL, 1);
    }
    if (sim->auction.enabled) {
        LIQ_FIELD(sim->auction.started, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.active, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.sold_value, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.raised, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.keeper_rewards, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.bad_debt, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.tab, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(sim->auction.units, LIQ_FIELD_MARKET, 4);
    }
    const liq_perp_t *pp = sim->perp;
    if (pp != NULL) {
        LIQ_FIELD(pp->liquidations, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->adl_count, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->adl_volume, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->liquidated_notional, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->fee, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->adl_covered, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->fund_covered, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->open_long, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->open_short, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->sell, LIQ_FIELD_PERP_MARKET, 1);
        LIQ_FIELD(pp->buy, LIQ_FIELD_PERP_MARKET, 1);
        if (pp->vault_loss_now != NULL) { /* some protocol has a liquidator vault */
            LIQ_FIELD(pp->vault_loss_now, LIQ_FIELD_PROTOCOL, 1);
            LIQ_FIELD(pp->vault_taken, LIQ_FIELD_PROTOCOL, 1);
            LIQ_FIELD(pp->vault_covered, LIQ_FIELD_PROTOCOL, 1);
        }
    }
    if (pp != NULL && pp->flow != NULL) {
        LIQ_FIELD(pp->flow->opened, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->flow->closed, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->flow->refused, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->flow->liquidated_long, LIQ_FIELD_PROTOCOL, 1);
        LIQ_FIELD(pp->flow->liquidated_short, LIQ_FIELD_PROTOCOL, 1);
    }
#undef LIQ_FIELD
    sim->n_record_fields = n;
}

/* Protocol p's words of field f: f->blocks runs of `length` words, run b
 * at word first + b * stride of the field's array. */
static void liq_field_span(const struct liq_sim *sim, const liq_record_field_t *f, size_t p,
                           size_t *first, size_t *length, size_t *stride)
{
    *stride = sim->n_markets;
    if (f->kind == LIQ_FIELD_PROTOCOL) {
        *first = p;
        *length = 1;
    } else if (f->kind == LIQ_FIELD_MARKET) {
        *first = sim->books.market_offset[p];
        *length = sim->books.market_offset[p + 1] - sim->books.market_offset[p];
    } else {
        *first = sim->perp->market_offset[p];
        *length = sim->perp->market_offset[p + 1] - sim->perp->market_offset[p];
    }
}

size_t liq_sim_record_words(const liq_sim_t *sim, size_t p)
{
    const liq_record_field_t *f = sim->record_field;
    const size_t n = sim->n_record_fields;
    size_t words = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first, length, stride;
        liq_field_span(sim, &f[i], p, &first, &length, &stride);
        words += f[i].blocks * length;
    }
    return words;
}

/* Copies protocol p's record out of the state into `out` (pack), or, with
 * out NULL, from `in` into the state (unpack). */
static void liq_record_copy(const struct liq_sim *sim, size_t p, const uint64_t *in, uint64_t *out)
{
    const liq_record_field_t *f = sim->record_field;
    const size_t n = sim->n_record_fields;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char *base = f[i].base;
        if (f[i].kind == LIQ_FIELD_PROTOCOL) {
            /* One word, most fields: a fixed-size copy (a move). */
            if (out != NULL) {
                memcpy(out + w, base + 8 * p, 8);
            } else {
                memcpy(base + 8 * p, in + w, 8);
            }
            w++;
            continue;
        }
        size_t first, length, stride;
        liq_field_span(sim, &f[i], p, &first, &length, &stride);
        for (size_t b = 0; b < f[i].blocks; b++) {
            unsigned char *at = base + 8 * (first + b * stride);
            if (out != NULL) {
                memcpy(out + w, at, 8 * length);
            } else {
                memcpy(at, in + w, 8 * length);
            }
            w += length;
        }
    }
}

void liq_sim_record_pack(const liq_sim_t *sim, size_t p, uint64_t *out)
{
    liq_record_copy(sim, p, NULL, out);
}

void liq_sim_record_unpack(liq_sim_t *sim, size_t p, const uint64_t *in)
{
    liq_record_copy(sim, p, in, NULL);
}

/* --------------------------------------------------------- partitioning */

/* A protocol and the accounts it holds, ordered largest first, then by
 * index. */
typedef struct {
    uint64_t accounts;
    size_t protocol;
} liq_protocol_size_t;

static int liq_size_compare(const void *pa, const void *pb)
{
    const liq_protocol_size_t *a = pa, *b = pb;
    if (a->accounts != b->accounts) {
        return a->accounts > b->accounts ? -1 : 1;
    }
    return (a->protocol > b->protocol) - (a->protocol < b->protocol);
}

int liq_partition_protocols(const liq_scenario_t *sc, const liq_positions_t *positions, int ranks,
                            int32_t *owner, uint64_t *accounts)
{
    if (ranks < 1) {
        return liq_error_set(LIQ_EINVAL, "partition over %d processes; expected at least 1", ranks);
    }
    const size_t np = sc->n_protocols;
    liq_protocol_size_t *size = liq_calloc(np, sizeof(*size));
    uint64_t *load = liq_calloc((size_t)ranks, sizeof(*load));
    if (size == NULL || load == NULL) {
        free(size);
        free(load);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the partition");
    }
    for (size_t p = 0; p < np; p++) {
        size[p] = (liq_protocol_size_t){(uint64_t)sc->protocols[p].n_perp_positions, p};
    }
    for (size_t g = 0; g < sc->n_generators; g++) {
        size[sc->generators[g].protocol].accounts += (uint64_t)sc->generators[g].count;
    }
    /* File rows: one per isolated account; a cross account counts each of
     * its rows (one per collateral), near enough for balancing. */
    for (size_t k = 0; positions != NULL && k < positions->count; k++) {
        const int32_t p = positions->protocol[k];
        if (p >= 0 && (size_t)p < np) {
            size[p].accounts++;
        }
    }
    if (np > 1) {
        qsort(size, np, sizeof(*size), liq_size_compare);
    }
    for (size_t i = 0; i < np; i++) {
        int best = 0;
        for (int r = 1; r < ranks; r++) {
            best = load[r] < load[best] ? r : best;
        }
        owner[size[i].protocol] = best;
        load[best] += size[i].accounts;
    }
    if (accounts != NULL) {
        memcpy(accounts, load, (size_t)ranks * sizeof(*load));
    }
    free(size);
    free(load);
    return LIQ_OK;
}
