/*
 * English collateral auctions of MakerDAO's Liquidations 1.2 (the Flipper;
 * include/liqnet/flip.h). Each function is flip.sol's function of the same
 * name (makerdao/dss src/flip.sol at f6323026c1d33025bd19fb95e8336e655b91eb70,
 * identical in logic to the November 2019 deployment): its requires in the
 * contract's order, each failure named by the contract's reason string, and
 * its state changes only once every require has passed, so a refused call
 * changes nothing (a revert).
 */
#include "liqnet/flip.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "liqnet/error.h"

/* flip.sol: beg = 1.05E18 (5% minimum bid increase), ttl = 3 hours,
 * tau = 2 days. */
liq_flip_params_t liq_flip_params_default(void)
{
    return (liq_flip_params_t){1.05, 3 * 3600, 2 * 86400};
}

int liq_flip_params_check(const liq_flip_params_t *params)
{
    if (!(isfinite(params->beg) && params->beg >= 1.0)) {
        return liq_error_set(LIQ_EINVAL, "flip: beg %g must be finite and >= 1", params->beg);
    }
    if (params->ttl <= 0 || params->tau <= 0) {
        return liq_error_set(LIQ_EINVAL, "flip: ttl %lld s and tau %lld s must be > 0",
                             (long long)params->ttl, (long long)params->tau);
    }
    return LIQ_OK;
}

void liq_flip_clear(liq_flip_t *auction)
{
    *auction = (liq_flip_t){0.0, 0.0, 0.0, LIQ_FLIP_NOBODY, 0, 0, 0, 0};
}

static void moves_clear(liq_flip_moves_t *moves)
{
    if (moves != NULL) {
        *moves = (liq_flip_moves_t){0.0, LIQ_FLIP_NOBODY, 0.0, 0.0, 0.0, LIQ_FLIP_NOBODY, 0.0};
    }
}

/* flip.sol add(uint48, uint48): require((z = x + y) >= x). */
static int add_time(int64_t *sum, int64_t now, int64_t duration)
{
    if (now > INT64_MAX - duration) {
        return liq_error_set(LIQ_EINVAL, "flip: time %lld + %lld s overflows", (long long)now,
                             (long long)duration);
    }
    *sum = now + duration;
    return LIQ_OK;
}

static bool is_amount(double x)
{
    return isfinite(x) && x >= 0.0;
}

int liq_flip_kick(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now, int64_t kicker,
                  int64_t usr, int64_t gal, double tab, double lot, double bid)
{
    if (!is_amount(tab) || !is_amount(lot) || !is_amount(bid)) {
        return liq_error_set(LIQ_EINVAL, "flip: kick with tab %g, lot %g, bid %g (amounts >= 0)",
                             tab, lot, bid);
    }
    if (now < 0 || kicker == LIQ_FLIP_NOBODY) {
        return liq_error_set(LIQ_EINVAL, "flip: kick at time %lld by %lld", (long long)now,
                             (long long)kicker);
    }
    int64_t end = 0;
    const int rc = add_time(&end, now, params->tau);
    if (rc != LIQ_OK) {
        return rc;
    }
    /* The kicker (the Cat) is the first guy: the first tend pays it back
     * its bid of 0. */
    *auction = (liq_flip_t){bid, lot, tab, kicker, 0, end, usr, gal};
    return LIQ_OK;
}

/* The three requires tend and dent open with. */
static int check_biddable(const liq_flip_t *a, int64_t now, const char *call)
{
    if (a->guy == LIQ_FLIP_NOBODY) {
        return liq_error_set(LIQ_EINVAL, "Flipper/guy-not-set: %s on an auction not kicked", call);
    }
    if (!(a->tic > now || a->tic == 0)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/already-finished-tic: %s at %lld, the last bid expired "
                             "at %lld",
                             call, (long long)now, (long long)a->tic);
    }
    if (!(a->end > now)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/already-finished-end: %s at %lld, the auction ended at %lld",
                             call, (long long)now, (long long)a->end);
    }
    return LIQ_OK;
}

int liq_flip_tend(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now, int64_t bidder,
                  double lot, double bid, liq_flip_moves_t *moves)
{
    int rc = check_biddable(auction, now, "tend");
    if (rc != LIQ_OK) {
        return rc;
    }
    if (!(lot == auction->lot)) {
        return liq_error_set(LIQ_EINVAL, "Flipper/lot-not-matching: tend for lot %.17g, not %.17g",
                             lot, auction->lot);
    }
    if (!(bid <= auction->tab)) {
        return liq_error_set(LIQ_EINVAL, "Flipper/higher-than-tab: bid %.17g above the tab %.17g",
                             bid, auction->tab);
    }
    if (!(bid > auction->bid)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/bid-not-higher: bid %.17g not above the current %.17g", bid,
                             auction->bid);
    }
    /* mul(bid, ONE) >= mul(beg, bids[id].bid) || bid == bids[id].tab. */
    if (!(bid >= params->beg * auction->bid || bid == auction->tab)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/insufficient-increase: bid %.17g below beg %g x the "
                             "current %.17g, and not the tab %.17g",
                             bid, params->beg, auction->bid, auction->tab);
    }
    int64_t tic = 0;
    rc = add_time(&tic, now, params->ttl);
    if (rc != LIQ_OK) {
        return rc;
    }
    /* vat.move(msg.sender, guy, bid); vat.move(msg.sender, gal, bid - bid'). */
    moves_clear(moves);
    if (moves != NULL) {
        moves->paid = bid;
        moves->refund_to = auction->guy;
        moves->refund = auction->bid;
        moves->to_gal = bid - auction->bid;
    }
    auction->guy = bidder;
    auction->bid = bid;
    auction->tic = tic;
    return LIQ_OK;
}

int liq_flip_dent(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now, int64_t bidder,
                  double lot, double bid, liq_flip_moves_t *moves)
{
    int rc = check_biddable(auction, now, "dent");
    if (rc != LIQ_OK) {
        return rc;
    }
    if (!(bid == auction->bid)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/not-matching-bid: dent with bid %.17g, not the current "
                             "%.17g",
                             bid, auction->bid);
    }
    if (!(bid == auction->tab)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/tend-not-finished: dent while the bid %.17g is below the "
                             "tab %.17g",
                             bid, auction->tab);
    }
    if (!(lot < auction->lot)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/lot-not-lower: dent for lot %.17g, not below %.17g", lot,
                             auction->lot);
    }
    /* mul(beg, lot) <= mul(bids[id].lot, ONE). */
    if (!(params->beg * lot <= auction->lot)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/insufficient-decrease: lot %.17g times beg %g is above the "
                             "current %.17g",
                             lot, params->beg, auction->lot);
    }
    int64_t tic = 0;
    rc = add_time(&tic, now, params->ttl);
    if (rc != LIQ_OK) {
        return rc;
    }
    /* vat.move(msg.sender, guy, bid); vat.flux(ilk, this, usr, lot' - lot). */
    moves_clear(moves);
    if (moves != NULL) {
        moves->paid = bid;
        moves->refund_to = auction->guy;
        moves->refund = bid;
        moves->to_usr = auction->lot - lot;
    }
    auction->guy = bidder;
    auction->lot = lot;
    auction->tic = tic;
    return LIQ_OK;
}

int liq_flip_deal(liq_flip_t *auction, int64_t now, liq_flip_moves_t *moves)
{
    if (!(auction->tic != 0 && (auction->tic < now || auction->end < now))) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/not-finished: deal at %lld with bid expiry %lld (0: no bid) "
                             "and end %lld",
                             (long long)now, (long long)auction->tic, (long long)auction->end);
    }
    /* vat.flux(ilk, this, guy, lot); delete bids[id]. */
    moves_clear(moves);
    if (moves != NULL) {
        moves->lot_to = auction->guy;
        moves->lot = auction->lot;
    }
    liq_flip_clear(auction);
    return LIQ_OK;
}

int liq_flip_tick(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now)
{
    if (!(auction->end < now)) {
        return liq_error_set(LIQ_EINVAL, "Flipper/not-finished: tick at %lld before the end %lld",
                             (long long)now, (long long)auction->end);
    }
    if (!(auction->tic == 0)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/bid-already-placed: tick with a bid expiring at %lld",
                             (long long)auction->tic);
    }
    int64_t end = 0;
    const int rc = add_time(&end, now, params->tau);
    if (rc != LIQ_OK) {
        return rc;
    }
    auction->end = end;
    return LIQ_OK;
}

int liq_flip_yank(liq_flip_t *auction, int64_t caller, liq_flip_moves_t *moves)
{
    if (auction->guy == LIQ_FLIP_NOBODY) {
        return liq_error_set(LIQ_EINVAL, "Flipper/guy-not-set: yank on an auction not kicked");
    }
    if (!(auction->bid < auction->tab)) {
        return liq_error_set(LIQ_EINVAL,
                             "Flipper/already-dent-phase: yank with the bid %.17g at the tab",
                             auction->bid);
    }
    /* vat.flux(ilk, this, msg.sender, lot); vat.move(msg.sender, guy, bid). */
    moves_clear(moves);
    if (moves != NULL) {
        moves->paid = auction->bid;
        moves->refund_to = auction->guy;
        moves->refund = auction->bid;
        moves->lot_to = caller;
        moves->lot = auction->lot;
    }
    liq_flip_clear(auction);
    return LIQ_OK;
}
