/*
 * English collateral auctions, MakerDAO's Flipper (include/liqnet/flip.h):
 * a whole auction worked by hand from flip.sol's rules (makerdao/dss
 * src/flip.sol at f6323026: kick, tend, refusals by reason, tend to the
 * tab, dent, the edge at tic, deal), the end and tick, the first-bid rule
 * that let 12 March 2020's keepers win for about 0 DAI, and the cases of
 * flip.sol's own tests (src/test/flip.t.sol at the same commit) carried
 * over with their balances.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/error.h"
#include "liqnet/flip.h"

/* Fails unless rc is LIQ_EINVAL with a message that starts with `reason`. */
static void expect_revert(int rc, const char *reason)
{
    if (rc != LIQ_EINVAL || strncmp(liq_errmsg(), reason, strlen(reason)) != 0) {
        fail_msg("expected a revert \"%s\"\n       got %d \"%s\"", reason, rc, liq_errmsg());
    }
}

static void ok(int rc)
{
    if (rc != LIQ_OK) {
        fail_msg("refused: %s", liq_errmsg());
    }
}

/* Fails unless the two auctions are equal field by field (a revert changes
 * nothing). */
static void assert_same(const liq_flip_t *a, const liq_flip_t *b)
{
    assert_true(a->bid == b->bid && a->lot == b->lot && a->tab == b->tab);
    assert_true(a->guy == b->guy && a->tic == b->tic && a->end == b->end);
    assert_true(a->usr == b->usr && a->gal == b->gal);
}

/* The Vat's balances of the parties: DAI and collateral ("gem"). */
enum { CAT, ALI, BOB, GAL, USR, END, PARTIES };

typedef struct {
    double dai[PARTIES];
    double gem[PARTIES];
    double held; /* collateral held by the auction */
} ledger_t;

/* Books what a call moved, as the Vat would: the caller pays, the old guy
 * is refunded, gal and usr receive. */
static void book(ledger_t *v, int64_t caller, const liq_flip_moves_t *m)
{
    v->dai[caller] -= m->paid;
    if (m->refund_to != LIQ_FLIP_NOBODY) {
        v->dai[m->refund_to] += m->refund;
    }
    v->dai[GAL] += m->to_gal;
    v->gem[USR] += m->to_usr;
    v->held -= m->to_usr;
    if (m->lot_to != LIQ_FLIP_NOBODY) {
        v->gem[m->lot_to] += m->lot;
        v->held -= m->lot;
    }
}

/* ---------------------------------------------------- the whole life */

/*
 * By hand, with flip.sol's defaults (beg 1.05, ttl 3 h = 10,800 s, tau 2 days
 * = 172,800 s). The Cat kicks at t = 1,000 a lot of 100 for a tab of 50 DAI
 * with bid 0: end = 173,800, tic = 0, guy = the Cat.
 */
static void test_whole_life(void **state)
{
    (void)state;
    const liq_flip_params_t p = liq_flip_params_default();
    assert_true(p.beg == 1.05 && p.ttl == 10800 && p.tau == 172800);
    ok(liq_flip_params_check(&p));
    ledger_t v = {.dai = {0, 100, 100, 0, 0, 0}, .held = 100};
    liq_flip_t a, before;
    liq_flip_moves_t m;
    ok(liq_flip_kick(&a, &p, 1000, CAT, USR, GAL, 50.0, 100.0, 0.0));
    assert_true(a.bid == 0.0 && a.lot == 100.0 && a.tab == 50.0);
    assert_true(a.guy == CAT && a.tic == 0 && a.end == 173800);

    /* t = 2,000: Ali bids 10 for the lot. It pays 10: 0 back to the Cat,
     * 10 to gal. tic = 12,800. */
    ok(liq_flip_tend(&a, &p, 2000, ALI, 100.0, 10.0, &m));
    assert_true(m.paid == 10.0 && m.refund_to == CAT && m.refund == 0.0 && m.to_gal == 10.0);
    book(&v, ALI, &m);
    assert_true(a.guy == ALI && a.bid == 10.0 && a.tic == 12800);

    /* t = 3,000: Bob's 10.4 is short of 1.05 x 10 = 10.5; 11 passes. */
    before = a;
    expect_revert(liq_flip_tend(&a, &p, 3000, BOB, 100.0, 10.4, &m),
                  "Flipper/insufficient-increase");
    assert_same(&a, &before);
    ok(liq_flip_tend(&a, &p, 3000, BOB, 100.0, 11.0, &m));
    assert_true(m.refund_to == ALI && m.refund == 10.0 && m.to_gal == 1.0);
    book(&v, BOB, &m);
    assert_true(a.tic == 13800);

    /* t = 4,000: the lot must be the auction's, the bid within the tab and
     * at least 1.05 x 11 = 11.55. */
    before = a;
    expect_revert(liq_flip_tend(&a, &p, 4000, ALI, 90.0, 20.0, &m), "Flipper/lot-not-matching");
    expect_revert(liq_flip_tend(&a, &p, 4000, ALI, 100.0, 51.0, &m), "Flipper/higher-than-tab");
    expect_revert(liq_flip_tend(&a, &p, 4000, ALI, 100.0, 11.5, &m),
                  "Flipper/insufficient-increase");
    expect_revert(liq_flip_tend(&a, &p, 4000, ALI, 100.0, 11.0, &m), "Flipper/bid-not-higher");
    assert_same(&a, &before);

    /* t = 5,000: Ali 48 (>= 11.55). t = 6,000: Bob bids the tab, 50, below
     * 1.05 x 48 = 50.4 but allowed because it is the tab. */
    ok(liq_flip_tend(&a, &p, 5000, ALI, 100.0, 48.0, &m));
    book(&v, ALI, &m);
    ok(liq_flip_tend(&a, &p, 6000, BOB, 100.0, 50.0, &m));
    assert_true(m.refund_to == ALI && m.refund == 48.0 && m.to_gal == 2.0);
    book(&v, BOB, &m);
    assert_true(a.tic == 16800);
    /* gal has received exactly the standing bid: the tab. */
    assert_true(v.dai[GAL] == 50.0);
    /* No tend past the tab. */
    expect_revert(liq_flip_tend(&a, &p, 6500, ALI, 100.0, 50.0, &m), "Flipper/bid-not-higher");

    /* t = 7,000, dent: the same bid, a lot below 100 by the factor 1.05:
     * 100 is not lower; 1.05 x 97 = 101.85 > 100; 1.05 x 95 = 99.75 passes.
     * A dent bid must be the current one. */
    before = a;
    expect_revert(liq_flip_dent(&a, &p, 7000, ALI, 100.0, 50.0, &m), "Flipper/lot-not-lower");
    expect_revert(liq_flip_dent(&a, &p, 7000, ALI, 97.0, 50.0, &m),
                  "Flipper/insufficient-decrease");
    expect_revert(liq_flip_dent(&a, &p, 7000, ALI, 95.0, 49.0, &m), "Flipper/not-matching-bid");
    assert_same(&a, &before);
    /* Ali pays Bob his 50 back; the 5 given up go to the vault's owner. */
    ok(liq_flip_dent(&a, &p, 7000, ALI, 95.0, 50.0, &m));
    assert_true(m.paid == 50.0 && m.refund_to == BOB && m.refund == 50.0 && m.to_gal == 0.0);
    assert_true(m.to_usr == 5.0);
    book(&v, ALI, &m);
    assert_true(a.guy == ALI && a.lot == 95.0 && a.bid == 50.0 && a.tic == 17800);

    /* t = 17,800 = tic: the bid has not expired for deal (tic < now fails)
     * and can no longer be beaten (tic > now fails). */
    before = a;
    expect_revert(liq_flip_deal(&a, 17800, &m), "Flipper/not-finished");
    expect_revert(liq_flip_dent(&a, &p, 17800, BOB, 90.0, 50.0, &m),
                  "Flipper/already-finished-tic");
    assert_same(&a, &before);
    /* t = 17,801: deal. Ali gets the 95; the auction is gone. */
    ok(liq_flip_deal(&a, 17801, &m));
    assert_true(m.lot_to == ALI && m.lot == 95.0 && m.paid == 0.0);
    book(&v, CAT, &m);
    assert_true(a.guy == LIQ_FLIP_NOBODY && a.tic == 0 && a.lot == 0.0);
    expect_revert(liq_flip_deal(&a, 20000, &m), "Flipper/not-finished");
    expect_revert(liq_flip_tend(&a, &p, 20000, BOB, 0.0, 1.0, &m), "Flipper/guy-not-set");

    /* The books: Ali paid the tab for 95, Bob is whole, gal has the tab,
     * the owner 5, the auction nothing. */
    assert_true(v.dai[ALI] == 50.0 && v.gem[ALI] == 95.0);
    assert_true(v.dai[BOB] == 100.0 && v.gem[BOB] == 0.0);
    assert_true(v.dai[GAL] == 50.0 && v.gem[USR] == 5.0 && v.dai[CAT] == 0.0);
    assert_true(v.held == 0.0);
}

/* The end: tau from the kick, strict at both edges, then tick. */
static void test_end_and_tick(void **state)
{
    (void)state;
    const liq_flip_params_t p = liq_flip_params_default();
    liq_flip_t a;
    liq_flip_moves_t m;
    ok(liq_flip_kick(&a, &p, 1000, CAT, USR, GAL, 50.0, 100.0, 0.0));
    /* At the end, 173,800, no bid and no tick; no deal without a bid. */
    expect_revert(liq_flip_tend(&a, &p, 173800, ALI, 100.0, 1.0, &m),
                  "Flipper/already-finished-end");
    expect_revert(liq_flip_tick(&a, &p, 173800), "Flipper/not-finished");
    expect_revert(liq_flip_deal(&a, 173801, &m), "Flipper/not-finished");
    /* One second later tick restarts it for tau: end = 173,801 + 172,800. */
    ok(liq_flip_tick(&a, &p, 173801));
    assert_true(a.end == 346601 && a.tic == 0 && a.guy == CAT);
    expect_revert(liq_flip_tick(&a, &p, 173802), "Flipper/not-finished");
    ok(liq_flip_tend(&a, &p, 340000, ALI, 100.0, 1.0, &m)); /* tic = 350,800 */
    assert_true(a.tic == 350800);
    /* The end passed with a bid: no tick, and deal even before tic. */
    expect_revert(liq_flip_tick(&a, &p, 346602), "Flipper/bid-already-placed");
    expect_revert(liq_flip_tend(&a, &p, 346602, BOB, 100.0, 2.0, &m),
                  "Flipper/already-finished-end");
    expect_revert(liq_flip_deal(&a, 346601, &m), "Flipper/not-finished"); /* end == now */
    ok(liq_flip_deal(&a, 346602, &m));
    assert_true(m.lot_to == ALI && m.lot == 100.0);
}

/* The first bid: Cat.bite kicks with bid 0 (dss src/cat.sol at f6323026),
 * tend needs bid > 0, and beg x 0 = 0 lets any positive bid through: one
 * rad wins the lot when no one else gets a bid in before tic. */
static void test_first_bid(void **state)
{
    (void)state;
    const liq_flip_params_t p = liq_flip_params_default();
    liq_flip_t a;
    liq_flip_moves_t m;
    ok(liq_flip_kick(&a, &p, 0, CAT, USR, GAL, 50000.0, 400.0, 0.0));
    expect_revert(liq_flip_tend(&a, &p, 100, ALI, 400.0, 0.0, &m), "Flipper/bid-not-higher");
    ok(liq_flip_tend(&a, &p, 100, ALI, 400.0, LIQ_FLIP_MIN_BID, &m));
    assert_true(m.to_gal == 1e-45 && a.bid == 1e-45);
    /* A second bidder must offer 1.05e-45 or more; none arrives. */
    expect_revert(liq_flip_tend(&a, &p, 200, BOB, 400.0, 1.04e-45, &m),
                  "Flipper/insufficient-increase");
    ok(liq_flip_deal(&a, 100 + 10800 + 1, &m));
    assert_true(m.lot_to == ALI && m.lot == 400.0);
    /* 50,000 DAI of tab met by 1e-45: the rest is the protocol's loss. */
}

static void test_bad_input(void **state)
{
    (void)state;
    liq_flip_params_t p = liq_flip_params_default();
    liq_flip_t a;
    liq_flip_clear(&a);
    const liq_flip_t cleared = a;
    expect_revert(liq_flip_kick(&a, &p, 0, CAT, USR, GAL, NAN, 1.0, 0.0), "flip: kick with tab");
    expect_revert(liq_flip_kick(&a, &p, 0, CAT, USR, GAL, 1.0, -1.0, 0.0), "flip: kick with");
    expect_revert(liq_flip_kick(&a, &p, -1, CAT, USR, GAL, 1.0, 1.0, 0.0), "flip: kick at time -1");
    expect_revert(liq_flip_kick(&a, &p, 0, LIQ_FLIP_NOBODY, USR, GAL, 1.0, 1.0, 0.0),
                  "flip: kick at time 0 by -1");
    expect_revert(liq_flip_kick(&a, &p, INT64_MAX - 5, CAT, USR, GAL, 1.0, 1.0, 0.0),
                  "flip: time 9223372036854775802 + 172800 s overflows");
    assert_same(&a, &cleared);
    p.beg = 0.99;
    expect_revert(liq_flip_params_check(&p), "flip: beg 0.99 must be finite and >= 1");
    p = liq_flip_params_default();
    p.ttl = 0;
    expect_revert(liq_flip_params_check(&p), "flip: ttl 0 s and tau 172800 s must be > 0");
}

/* ------------------------------------------------ flip.t.sol, carried over */

/* flip.t.sol setUp: now = 604,411,200; Ali and Bob hold 200 DAI; every test
 * kicks lot 100, tab 50, bid 0 with the defaults. */
#define T0 INT64_C(604411200)
#define HOURS INT64_C(3600)

typedef struct {
    liq_flip_params_t p;
    liq_flip_t a;
    ledger_t v;
    int64_t now;
} fixture_t;

static void setup(fixture_t *f)
{
    f->p = liq_flip_params_default();
    memset(&f->v, 0, sizeof(f->v));
    f->v.dai[ALI] = 200.0;
    f->v.dai[BOB] = 200.0;
    f->v.held = 100.0;
    f->now = T0;
    ok(liq_flip_kick(&f->a, &f->p, f->now, CAT, USR, GAL, 50.0, 100.0, 0.0));
}

static int tend(fixture_t *f, int64_t who, double lot, double bid)
{
    liq_flip_moves_t m;
    const int rc = liq_flip_tend(&f->a, &f->p, f->now, who, lot, bid, &m);
    if (rc == LIQ_OK) {
        book(&f->v, who, &m);
    }
    return rc;
}

static int dent(fixture_t *f, int64_t who, double lot, double bid)
{
    liq_flip_moves_t m;
    const int rc = liq_flip_dent(&f->a, &f->p, f->now, who, lot, bid, &m);
    if (rc == LIQ_OK) {
        book(&f->v, who, &m);
    }
    return rc;
}

static int deal(fixture_t *f, int64_t who)
{
    liq_flip_moves_t m;
    const int rc = liq_flip_deal(&f->a, f->now, &m);
    if (rc == LIQ_OK) {
        book(&f->v, who, &m);
    }
    return rc;
}

/* flip.t.sol test_tend: the bidder pays, gal receives, the previous bidder
 * is refunded; after 5 hours Bob deals and gets the 100. */
static void test_sol_tend(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    ok(tend(&f, ALI, 100.0, 1.0));
    assert_true(f.v.dai[ALI] == 199.0 && f.v.dai[GAL] == 1.0);
    ok(tend(&f, BOB, 100.0, 2.0));
    assert_true(f.v.dai[BOB] == 198.0 && f.v.dai[ALI] == 200.0 && f.v.dai[GAL] == 2.0);
    f.now += 5 * HOURS;
    ok(deal(&f, BOB));
    assert_true(f.v.gem[BOB] == 100.0);
}

/* flip.t.sol test_tend_later: a first bid 5 hours after the kick. */
static void test_sol_tend_later(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    f.now += 5 * HOURS;
    ok(tend(&f, ALI, 100.0, 1.0));
    assert_true(f.v.dai[ALI] == 199.0 && f.v.dai[GAL] == 1.0);
}

/* flip.t.sol test_dent: 1, then 50 (the tab), then Ali dents to 95: the
 * owner gets 5, Ali has paid 50, Bob is refunded. */
static void test_sol_dent(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    ok(tend(&f, ALI, 100.0, 1.0));
    ok(tend(&f, BOB, 100.0, 50.0));
    ok(dent(&f, ALI, 95.0, 50.0));
    assert_true(f.v.gem[USR] == 5.0);
    assert_true(f.v.dai[ALI] == 150.0 && f.v.dai[BOB] == 200.0);
}

/* flip.t.sol test_beg. */
static void test_sol_beg(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    ok(tend(&f, ALI, 100.0, 1.00));
    expect_revert(tend(&f, BOB, 100.0, 1.01), "Flipper/insufficient-increase");
    /* "high bidder is subject to beg" */
    expect_revert(tend(&f, ALI, 100.0, 1.01), "Flipper/insufficient-increase");
    ok(tend(&f, BOB, 100.0, 1.07));
    /* "can bid by less than beg at flip" */
    ok(tend(&f, ALI, 100.0, 49.0));
    ok(tend(&f, BOB, 100.0, 50.0));
    expect_revert(dent(&f, ALI, 100.0, 50.0), "Flipper/lot-not-lower");
    expect_revert(dent(&f, ALI, 99.0, 50.0), "Flipper/insufficient-decrease");
    ok(dent(&f, ALI, 95.0, 50.0));
}

/* flip.t.sol test_deal: only after ttl (4.1 hours = 14,760 s), or after
 * the end (a kick, 44 hours, a bid, one more day). */
static void test_sol_deal(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    ok(tend(&f, ALI, 100.0, 1.0));
    expect_revert(deal(&f, BOB), "Flipper/not-finished");
    f.now += 14760;
    ok(deal(&f, BOB));
    assert_true(f.v.gem[ALI] == 100.0); /* the winner is the high bidder, not the caller */

    ok(liq_flip_kick(&f.a, &f.p, f.now, CAT, USR, GAL, 50.0, 100.0, 0.0));
    f.now += 44 * HOURS;
    ok(tend(&f, ALI, 100.0, 1.0));
    expect_revert(deal(&f, BOB), "Flipper/not-finished");
    f.now += 24 * HOURS;
    ok(deal(&f, BOB));
}

/* flip.t.sol test_tick. */
static void test_sol_tick(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    expect_revert(liq_flip_tick(&f.a, &f.p, f.now), "Flipper/not-finished");
    f.now += 14 * 24 * HOURS; /* 2 weeks */
    expect_revert(tend(&f, ALI, 100.0, 1.0), "Flipper/already-finished-end");
    ok(liq_flip_tick(&f.a, &f.p, f.now));
    ok(tend(&f, ALI, 100.0, 1.0));
}

/* flip.t.sol test_no_deal_after_end: "if there are no bids and the auction
 * ends, then it should not be refundable to the creator. Rather, it ticks
 * indefinitely." */
static void test_sol_no_deal_after_end(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    expect_revert(deal(&f, ALI), "Flipper/not-finished");
    f.now += 14 * 24 * HOURS;
    expect_revert(deal(&f, ALI), "Flipper/not-finished");
    ok(liq_flip_tick(&f.a, &f.p, f.now));
    expect_revert(deal(&f, ALI), "Flipper/not-finished");
}

/* flip.t.sol testFail_tend_empty: no tend on an auction never kicked. */
static void test_sol_tend_empty(void **state)
{
    (void)state;
    const liq_flip_params_t p = liq_flip_params_default();
    liq_flip_t a;
    liq_flip_clear(&a);
    expect_revert(liq_flip_tend(&a, &p, T0, ALI, 0.0, 0.0, NULL), "Flipper/guy-not-set");
}

/* flip.t.sol test_yank_tend and test_yank_dent. */
static void test_sol_yank(void **state)
{
    (void)state;
    fixture_t f;
    setup(&f);
    ok(tend(&f, ALI, 100.0, 1.0));
    assert_true(f.v.dai[ALI] == 199.0 && f.v.dai[GAL] == 1.0);
    f.v.dai[END] = 1.0; /* vat.mint(address(this), 1 ether) */
    liq_flip_moves_t m;
    ok(liq_flip_yank(&f.a, END, &m));
    book(&f.v, END, &m);
    /* "bid is refunded to bidder from caller"; "gems go to caller". */
    assert_true(f.v.dai[ALI] == 200.0 && f.v.dai[END] == 0.0);
    assert_true(f.v.gem[END] == 100.0 && f.v.held == 0.0);
    assert_true(f.a.guy == LIQ_FLIP_NOBODY);

    setup(&f);
    ok(tend(&f, ALI, 100.0, 1.0));
    ok(tend(&f, BOB, 100.0, 50.0));
    ok(dent(&f, ALI, 95.0, 50.0));
    /* "cannot yank in the dent phase" */
    expect_revert(liq_flip_yank(&f.a, END, NULL), "Flipper/already-dent-phase");
    liq_flip_clear(&f.a);
    expect_revert(liq_flip_yank(&f.a, END, NULL), "Flipper/guy-not-set");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_life),
        cmocka_unit_test(test_end_and_tick),
        cmocka_unit_test(test_first_bid),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_sol_tend),
        cmocka_unit_test(test_sol_tend_later),
        cmocka_unit_test(test_sol_dent),
        cmocka_unit_test(test_sol_beg),
        cmocka_unit_test(test_sol_deal),
        cmocka_unit_test(test_sol_tick),
        cmocka_unit_test(test_sol_no_deal_after_end),
        cmocka_unit_test(test_sol_tend_empty),
        cmocka_unit_test(test_sol_yank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
