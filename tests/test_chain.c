/*
 * Chains as fee markets (include/liqnet/chain.h): the EIP-1559 base-fee rule
 * against go-ethereum's published vectors and values worked by hand from the
 * EIP's integer formula; a block built by hand (priority, the skip of a
 * transaction that does not fit, the underpriced, deadlines), ties, legacy
 * blocks, a chain of blocks whose base fees are worked by hand, replacement
 * by go-ethereum's rule, the bidding strategies, steady state without
 * allocation, and the builder against a slow reference on random pools.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/chain.h"
#include "liqnet/error.h"

/* Fails unless rc is `code` and the message contains `needle`. */
static void expect_error(int rc, int code, const char *needle)
{
    if (rc != code || strstr(liq_errmsg(), needle) == NULL) {
        fail_msg("expected %d containing \"%s\"\n       got %d \"%s\"", code, needle, rc,
                 liq_errmsg());
    }
}

static int64_t next_fee(int64_t base_fee, int64_t gas_limit, int64_t gas_used)
{
    int64_t next = -1;
    const int rc = liq_eip1559_next_base_fee(&next, base_fee, gas_limit, gas_used, NULL);
    if (rc != LIQ_OK) {
        fail_msg("liq_eip1559_next_base_fee: %s", liq_errmsg());
    }
    return next;
}

/* ------------------------------------------------------------ EIP-1559 */

static void test_eip1559_geth_vectors(void **state)
{
    (void)state;
    /* go-ethereum consensus/misc/eip1559/eip1559_test.go, TestCalcBaseFee
     * (ethereum/go-ethereum 02b73d4e): parent base fee InitialBaseFee
     * (1 gwei), gas limit 20M. Usage at the target keeps the fee, 9M gives
     * 987,500,000 and 11M gives 1,012,500,000. */
    assert_int_equal(next_fee(LIQ_EIP1559_INITIAL_BASE_FEE, 20000000, 10000000), 1000000000);
    assert_int_equal(next_fee(LIQ_EIP1559_INITIAL_BASE_FEE, 20000000, 9000000), 987500000);
    assert_int_equal(next_fee(LIQ_EIP1559_INITIAL_BASE_FEE, 20000000, 11000000), 1012500000);
    /* The same in real arithmetic, in gwei. */
    assert_close(liq_eip1559_next_base_fee_real(1.0, 20e6, 10e6, NULL), 1.0, 0);
    assert_close(liq_eip1559_next_base_fee_real(1.0, 20e6, 9e6, NULL), 0.9875, 1e-15);
    assert_close(liq_eip1559_next_base_fee_real(1.0, 20e6, 11e6, NULL), 1.0125, 1e-15);
}

static void test_eip1559_by_hand(void **state)
{
    (void)state;
    /* EIP-1559 validate_block, by hand. A full block raises the fee by 1/8,
     * an empty one lowers it by 1/8: 1e9 x 10M / 10M / 8 = 125,000,000. */
    assert_int_equal(next_fee(1000000000, 20000000, 20000000), 1125000000);
    assert_int_equal(next_fee(1000000000, 20000000, 0), 875000000);
    /* Rounding down, twice: 1,000,000,007 x 5M / 10M = 500,000,003.5 ->
     * 500,000,003; / 8 = 62,500,000.375 -> 62,500,000. */
    assert_int_equal(next_fee(1000000007, 20000000, 15000000), 1062500007);
    /* Falling: 1,000,000,007 x 3M / 10M = 300,000,002.1 -> 300,000,002;
     * / 8 = 37,500,000.25 -> 37,500,000. */
    assert_int_equal(next_fee(1000000007, 20000000, 7000000), 962500007);
    /* The increase is at least 1 wei: 7 x 1 / 10M / 8 rounds to 0. */
    assert_int_equal(next_fee(7, 20000000, 10000001), 8);
    assert_int_equal(next_fee(0, 20000000, 20000000), 1);
    /* The decrease has no minimum: 7 / 8 rounds to 0, so empty blocks leave
     * a base fee of 7 wei for ever; 8 falls to 7. */
    assert_int_equal(next_fee(7, 20000000, 0), 7);
    assert_int_equal(next_fee(8, 20000000, 0), 7);
    /* The target is the gas limit divided in integers: 30,000,001 / 2 =
     * 15,000,000, so 15,000,000 used keeps the fee. */
    assert_int_equal(next_fee(1000000000, 30000001, 15000000), 1000000000);
    /* Other parameters: elasticity 6, denominator 50, limit 30M (target
     * 5M), full: 1e9 x 25M / 5M / 50 = 1e8. */
    const liq_eip1559_params_t other = {6, 50};
    int64_t next = 0;
    assert_int_equal(liq_eip1559_next_base_fee(&next, 1000000000, 30000000, 30000000, &other),
                     LIQ_OK);
    assert_int_equal(next, 1100000000);
    assert_close(liq_eip1559_next_base_fee_real(1.0, 30e6, 30e6, &other), 1.1, 1e-15);
    /* Large fees stay exact: 2^60 wei, limit 2^31, full: + 2^60 / 8. */
    const int64_t big = INT64_C(1) << 60;
    assert_int_equal(next_fee(big, INT64_C(1) << 31, INT64_C(1) << 31), big + (big >> 3));
}

static void test_eip1559_errors(void **state)
{
    (void)state;
    int64_t next = 42;
    expect_error(liq_eip1559_next_base_fee(&next, 1000, 20000000, 20000001, NULL), LIQ_EINVAL,
                 "gas used 20000001 outside [0, gas limit 20000000]");
    expect_error(liq_eip1559_next_base_fee(&next, 1000, 20000000, -1, NULL), LIQ_EINVAL,
                 "gas used -1");
    expect_error(liq_eip1559_next_base_fee(&next, -1, 20000000, 0, NULL), LIQ_EINVAL,
                 "base fee -1 wei is negative");
    expect_error(liq_eip1559_next_base_fee(&next, 1000, 1, 0, NULL), LIQ_EINVAL,
                 "gas limit 1 outside [2, 2147483648]");
    expect_error(liq_eip1559_next_base_fee(&next, 1000, (INT64_C(1) << 31) + 1, 0, NULL),
                 LIQ_EINVAL, "gas limit 2147483649 outside");
    const liq_eip1559_params_t zero = {2, 0};
    expect_error(liq_eip1559_next_base_fee(&next, 1000, 20000000, 0, &zero), LIQ_EINVAL,
                 "max change denominator 0 must be >= 1");
    expect_error(liq_eip1559_next_base_fee(&next, INT64_MAX, 20000000, 20000000, NULL),
                 LIQ_ENUMERIC, "overflows");
    expect_error(liq_eip1559_next_base_fee(&next, INT64_MAX - 1, 20000000, 10000001, NULL),
                 LIQ_ENUMERIC, "overflows");
    assert_int_equal(next, 42); /* untouched on failure */
}

/* The real rule follows the integer one within the integer rule's rounding:
 * under 2 wei a block, a relative 2e-9 at 1 gwei, compounded over 40
 * blocks stays below 1e-7. */
static void test_eip1559_real_tracks_integer(void **state)
{
    (void)state;
    const int64_t used[8] = {20000000, 0, 13000000, 7500000, 20000000, 19000000, 1, 10000000};
    int64_t fee = LIQ_EIP1559_INITIAL_BASE_FEE;
    double real = 1e9;
    for (int block = 0; block < 40; block++) {
        const int64_t u = used[block % 8];
        fee = next_fee(fee, 20000000, u);
        real = liq_eip1559_next_base_fee_real(real, 20e6, (double)u, NULL);
        assert_close(real, (double)fee, 1e-7);
    }
    assert_true(fabs(real - (double)fee) > 0.0); /* they do differ: integer rounding */
}

/* -------------------------------------------------------- transactions */

static void test_effective_tip(void **state)
{
    (void)state;
    /* EIP-1559: min(max priority fee, max fee - base fee). */
    const liq_bid_t a = {150, 20}, b = {110, 30}, c = {90, 5}, d = {100, 0};
    assert_int_equal(liq_tx_effective_tip(&a, 100), 20);
    assert_int_equal(liq_tx_effective_tip(&b, 100), 10);
    assert_int_equal(liq_tx_effective_tip(&c, 100), -1);
    assert_int_equal(liq_tx_effective_tip(&d, 100), 0);
    /* A legacy gas price p is {p, p}: it tips p - base fee, or p before London. */
    const liq_bid_t legacy = liq_bid_legacy(105);
    assert_int_equal(legacy.max_fee, 105);
    assert_int_equal(legacy.max_priority_fee, 105);
    assert_int_equal(liq_tx_effective_tip(&legacy, 100), 5);
    assert_int_equal(liq_tx_effective_tip(&legacy, 0), 105);
}

static liq_chain_t *chain_new(int64_t gas_limit, bool london, int64_t base_fee)
{
    const liq_chain_params_t params = {gas_limit, london, base_fee, {0, 0}, 0};
    liq_chain_t *chain = NULL;
    if (liq_chain_create(&chain, &params) != LIQ_OK) {
        fail_msg("liq_chain_create: %s", liq_errmsg());
    }
    return chain;
}

static int64_t submit(liq_chain_t *chain, int64_t gas, int64_t max_fee, int64_t priority,
                      int64_t round, int64_t deadline, int32_t sender)
{
    const liq_tx_t tx = {.bid = {max_fee, priority},
                         .gas = gas,
                         .submitted = round,
                         .deadline = deadline,
                         .payload = 1000 + sender,
                         .sender = sender,
                         .kind = LIQ_TX_LIQUIDATION};
    int64_t id = -1;
    if (liq_chain_submit(chain, &tx, &id) != LIQ_OK) {
        fail_msg("liq_chain_submit: %s", liq_errmsg());
    }
    return id;
}

static void build(liq_chain_t *chain, int64_t round, liq_block_t *block)
{
    if (liq_chain_build_block(chain, round, block) != LIQ_OK) {
        fail_msg("liq_chain_build_block: %s", liq_errmsg());
    }
}

/* Senders of the included transactions, in block order, as a string. */
static const char *senders(const liq_tx_t *txs, size_t n)
{
    static char text[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof(text); i++) {
        text[k++] = (char)txs[i].sender;
    }
    text[k] = '\0';
    return text;
}

/*
 * One London block by hand. Gas limit 100,000 (target 50,000), base fee 100
 * wei. The transactions (gas; max fee, priority; effective tip at 100):
 *   A 35,000; 150, 20 -> 20        B 40,000; 110, 30 -> 10
 *   C 20,000; 200, 50 -> 50        D 50,000; 130, 25 -> 25
 *   E 10,000;  90,  5 -> cannot pay (90 < 100)
 *   F 20,000; 120, 20 -> 20 (ties A, submitted later)
 *   G 10,000; legacy 105 -> 5
 * Ranked: C 50, D 25, A 20, F 20, B 10, G 5. Filling 100,000: C (80,000
 * left), D (30,000), A needs 35,000: skipped, F (10,000), B needs 40,000:
 * skipped, G (0). Included C D F G, 100,000 gas: a full block, so the next
 * base fee is 100 + 100 x 50,000 / 50,000 / 8 = 100 + 12 = 112. The builder
 * earns 20,000 x 50 + 50,000 x 25 + 20,000 x 20 + 10,000 x 5 = 2,700,000
 * wei; 100,000 x 100 = 10^7 wei are burned.
 */
static void test_block_by_hand(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 100);
    assert_int_equal(liq_chain_base_fee(chain), 100);
    submit(chain, 35000, 150, 20, 1, 100, 'A');
    submit(chain, 40000, 110, 30, 1, 100, 'B');
    submit(chain, 20000, 200, 50, 1, 100, 'C');
    submit(chain, 50000, 130, 25, 1, 100, 'D');
    submit(chain, 10000, 90, 5, 1, 100, 'E');
    submit(chain, 20000, 120, 20, 1, 100, 'F');
    submit(chain, 10000, 105, 105, 1, 100, 'G');

    liq_block_t b;
    build(chain, 1, &b);
    assert_string_equal(senders(b.included, b.n_included), "CDFG");
    assert_int_equal(b.effective_tip[0], 50);
    assert_int_equal(b.effective_tip[1], 25);
    assert_int_equal(b.effective_tip[2], 20);
    assert_int_equal(b.effective_tip[3], 5);
    assert_int_equal(b.gas_used, 100000);
    assert_int_equal(b.gas_limit, 100000);
    assert_int_equal(b.base_fee, 100);
    assert_int_equal(b.next_base_fee, 112);
    assert_int_equal(liq_chain_base_fee(chain), 112);
    assert_int_equal(b.n_pending, 3); /* A, B (no room) and E (underpriced) */
    assert_int_equal(b.n_no_room, 2);
    assert_int_equal(b.n_underpriced, 1);
    assert_int_equal(b.n_dropped, 0);
    assert_int_equal(b.min_tip, 5);
    assert_int_equal(b.clearing_tip, 5); /* some that could pay were left out */
    assert_close(b.builder_fees_gwei, 2700000e-9, 1e-15);
    assert_close(b.burned_gwei, 1e7 * 1e-9, 1e-15);
    /* The payload and kind travel with the transaction. */
    assert_int_equal(b.included[0].payload, 1000 + 'C');
    assert_int_equal(b.included[0].kind, LIQ_TX_LIQUIDATION);
    assert_int_equal(b.included[0].id, 2);
    size_t n = 0;
    const liq_tx_t *pending = liq_chain_pending(chain, &n);
    assert_int_equal(n, 3);
    assert_string_equal(senders(pending, n), "ABE"); /* submission order */
    liq_chain_destroy(chain);
}

/*
 * The same pool's next blocks, base fees by hand (limit 100,000, target
 * 50,000; each change is fee x |used - target| / target / 8, rounded down
 * twice, at least +1):
 *   round 2, base 112: A tips min(20, 38) = 20, B 110 < 112, E 90 < 112:
 *     A alone, 35,000 gas: 112 x 15,000 / 50,000 = 33.6 -> 33, / 8 = 4 -> 108;
 *   round 3, base 108: B tips min(30, 2) = 2: 40,000 gas:
 *     108 x 10,000 / 50,000 = 21.6 -> 21, / 8 = 2 -> 106;
 *   round 4, base 106: E (90) still out, empty: 106 / 8 = 13 -> 93;
 *   round 5, base 93: empty: 93 / 8 = 11 -> 82;
 *   round 6, base 82: E tips min(5, 8) = 5, 10,000 gas:
 *     82 x 40,000 / 50,000 = 65.6 -> 65, / 8 = 8 -> 74.
 */
static void test_chained_blocks(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 100);
    submit(chain, 35000, 150, 20, 1, 100, 'A');
    submit(chain, 40000, 110, 30, 1, 100, 'B');
    submit(chain, 20000, 200, 50, 1, 100, 'C');
    submit(chain, 50000, 130, 25, 1, 100, 'D');
    submit(chain, 10000, 90, 5, 1, 100, 'E');
    submit(chain, 20000, 120, 20, 1, 100, 'F');
    submit(chain, 10000, 105, 105, 1, 100, 'G');
    const char *included[6] = {"CDFG", "A", "B", "", "", "E"};
    const int64_t gas[6] = {100000, 35000, 40000, 0, 0, 10000};
    const int64_t fee[7] = {100, 112, 108, 106, 93, 82, 74};
    const int64_t tips[6] = {5, 20, 2, -1, -1, 5};
    const size_t pending[6] = {3, 2, 1, 1, 1, 0};
    /* Who cannot pay: E, then B and E (110 and 90 < 112), then E alone. */
    const size_t underpriced[6] = {1, 2, 1, 1, 1, 0};
    for (int k = 0; k < 6; k++) {
        liq_block_t b;
        build(chain, k + 1, &b);
        assert_string_equal(senders(b.included, b.n_included), included[k]);
        assert_int_equal(b.gas_used, gas[k]);
        assert_int_equal(b.base_fee, fee[k]);
        assert_int_equal(b.next_base_fee, fee[k + 1]);
        assert_int_equal(b.min_tip, tips[k]);
        assert_int_equal(b.n_pending, pending[k]);
        /* After block 1 nothing is left out for room: anything that could
         * pay got in, so the price of getting in is the base fee alone. */
        assert_int_equal(b.clearing_tip, k == 0 ? 5 : 0);
        assert_int_equal(b.n_underpriced, underpriced[k]);
    }
    liq_chain_destroy(chain);
}

/* A block of a chain whose pool never held a transaction (the engine builds
 * one every block time from the first round): empty, nothing left out, and
 * the base fee falls by an eighth. */
static void test_empty_blocks(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 800);
    liq_block_t b;
    build(chain, 1, &b);
    assert_int_equal(b.n_included, 0);
    assert_int_equal(b.n_dropped, 0);
    assert_int_equal(b.n_pending, 0);
    assert_int_equal(b.gas_used, 0);
    assert_int_equal(b.min_tip, -1);
    assert_int_equal(b.clearing_tip, 0);
    assert_int_equal(b.next_base_fee, 700);
    build(chain, 2, &b);
    assert_int_equal(b.base_fee, 700);
    liq_chain_destroy(chain);
}

/* Equal tips go by submission order, whatever makes the tips equal; the
 * last that does not fit waits. Limit 100,000, base fee 100. */
static void test_ties(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 100);
    /* Tips: X min(20, 100) = 20, Y min(30, 20) = 20, Z min(20, 20) = 20. */
    submit(chain, 40000, 200, 20, 1, 100, 'X');
    submit(chain, 40000, 120, 30, 1, 100, 'Y');
    submit(chain, 40000, 120, 20, 1, 100, 'Z');
    liq_block_t b;
    build(chain, 1, &b);
    assert_string_equal(senders(b.included, b.n_included), "XY");
    assert_int_equal(b.n_no_room, 1);
    assert_int_equal(b.clearing_tip, 20);
    liq_chain_destroy(chain);

    /* Submitted the other way round, the other way round. */
    chain = chain_new(100000, true, 100);
    submit(chain, 40000, 120, 20, 1, 100, 'Z');
    submit(chain, 40000, 120, 30, 1, 100, 'Y');
    submit(chain, 40000, 200, 20, 1, 100, 'X');
    build(chain, 1, &b);
    assert_string_equal(senders(b.included, b.n_included), "ZY");
    liq_chain_destroy(chain);
}

/* Deadlines: a transaction may be included in its deadline round and is
 * dropped (and reported once) in the first block after it. */
static void test_deadline(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 100);
    submit(chain, 10000, 90, 5, 1, 2, 'P');  /* cannot pay in round 1; in time in round 2 */
    submit(chain, 10000, 90, 5, 1, 9, 'Q');  /* underpriced, waits */
    submit(chain, 10000, 150, 5, 1, 1, 'R'); /* included in its deadline round */
    liq_block_t b;
    build(chain, 1, &b);
    assert_string_equal(senders(b.included, b.n_included), "R");
    assert_int_equal(b.n_dropped, 0);
    /* 10,000 of target 50,000: 100 x 40,000 / 50,000 = 80, / 8 = 10 -> 90. */
    assert_int_equal(b.next_base_fee, 90);
    /* Round 2, base 90: P and Q can pay now; P's deadline is 2, so it is
     * still in time. Both in: 20,000 gas. */
    submit(chain, 10000, 80, 5, 2, 2, 'S'); /* 80 < 90: cannot pay, its deadline is 2 */
    build(chain, 2, &b);
    assert_string_equal(senders(b.included, b.n_included), "PQ");
    assert_int_equal(b.n_dropped, 0);
    assert_int_equal(b.n_pending, 1);
    /* 90 x 30,000 / 50,000 = 54, / 8 = 6 -> 84. S (80) still cannot pay,
     * and round 3 is past its deadline: dropped. */
    assert_int_equal(b.next_base_fee, 84);
    build(chain, 3, &b);
    assert_int_equal(b.n_included, 0);
    assert_int_equal(b.n_dropped, 1);
    assert_string_equal(senders(b.dropped, b.n_dropped), "S");
    assert_int_equal(b.dropped[0].id, 3);
    assert_int_equal(b.n_pending, 0);
    build(chain, 4, &b);
    assert_int_equal(b.n_dropped, 0); /* reported once */
    /* A block may not go back in time. */
    expect_error(liq_chain_build_block(chain, 3, &b), LIQ_EINVAL,
                 "block of round 3 after one of round 4");
    liq_chain_destroy(chain);
}

/* Before London: no base fee, first-price blocks ranked by gas price. */
static void test_legacy_blocks(void **state)
{
    (void)state;
    const int64_t gwei = 1000000000;
    liq_chain_t *chain = chain_new(100000, false, 12345);
    assert_int_equal(liq_chain_base_fee(chain), 0); /* ignored before London */
    submit(chain, 30000, 50 * gwei, 50 * gwei, 1, 10, '1');
    submit(chain, 40000, 80 * gwei, 80 * gwei, 1, 10, '2');
    submit(chain, 30000, 50 * gwei, 50 * gwei, 1, 10, '3');
    submit(chain, 50000, 20 * gwei, 20 * gwei, 1, 10, '4');
    submit(chain, 30000, 60 * gwei, 60 * gwei, 1, 10, '5');
    /* 80 (60,000 left), 60 (30,000), 50 (0), then 3 and 4 do not fit. */
    liq_block_t b;
    build(chain, 1, &b);
    assert_string_equal(senders(b.included, b.n_included), "251");
    assert_int_equal(b.base_fee, 0);
    assert_int_equal(b.next_base_fee, 0);
    assert_int_equal(b.clearing_tip, 50 * gwei);
    assert_close(b.builder_fees_gwei, 40000.0 * 80 + 30000.0 * 60 + 30000.0 * 50, 1e-14);
    assert_true(b.burned_gwei == 0.0);
    build(chain, 2, &b);
    assert_string_equal(senders(b.included, b.n_included), "34");
    assert_int_equal(b.next_base_fee, 0);
    /* An EIP-1559 bid has no place before London. */
    const liq_tx_t tx = {.bid = {100, 10}, .gas = 21000, .submitted = 3, .deadline = 3};
    expect_error(liq_chain_submit(chain, &tx, NULL), LIQ_EINVAL,
                 "an EIP-1559 bid (max fee 100, priority 10) on a chain before London");
    liq_chain_destroy(chain);
}

static void test_submit_errors(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 100);
    liq_tx_t tx = {.bid = {100, 10}, .gas = 100001, .submitted = 1, .deadline = 1};
    expect_error(liq_chain_submit(chain, &tx, NULL), LIQ_EINVAL,
                 "gas 100001 exceeds block gas limit 100000");
    tx.gas = 0;
    expect_error(liq_chain_submit(chain, &tx, NULL), LIQ_EINVAL, "gas 0 is not positive");
    tx.gas = 100000; /* the whole block is allowed */
    tx.bid = (liq_bid_t){10, 11};
    expect_error(liq_chain_submit(chain, &tx, NULL), LIQ_EINVAL,
                 "max priority fee per gas higher than max fee per gas (11 > 10)");
    tx.bid = (liq_bid_t){-1, -1};
    expect_error(liq_chain_submit(chain, &tx, NULL), LIQ_EINVAL, "negative fee");
    tx.bid = (liq_bid_t){100, 10};
    tx.deadline = 0;
    expect_error(liq_chain_submit(chain, &tx, NULL), LIQ_EINVAL,
                 "deadline round 0 before submission 1");
    size_t n = 99;
    liq_chain_pending(chain, &n);
    assert_int_equal(n, 0); /* nothing refused was kept */
    tx.deadline = 1;
    int64_t id = -1;
    assert_int_equal(liq_chain_submit(chain, &tx, &id), LIQ_OK);
    assert_int_equal(id, 0);

    liq_chain_t *bad = (liq_chain_t *)1;
    liq_chain_params_t params = {1, true, 100, {0, 0}, 0};
    expect_error(liq_chain_create(&bad, &params), LIQ_EINVAL, "gas limit 1 outside [2,");
    assert_null(bad);
    params = (liq_chain_params_t){100000, true, -5, {0, 0}, 0};
    expect_error(liq_chain_create(&bad, &params), LIQ_EINVAL, "initial base fee -5 wei");
    params = (liq_chain_params_t){100000, true, 5, {2, 0}, 0};
    expect_error(liq_chain_create(&bad, &params), LIQ_EINVAL, "max change denominator 0");
    params = (liq_chain_params_t){100000, true, 5, {0, 0}, -3};
    expect_error(liq_chain_create(&bad, &params), LIQ_EINVAL, "price bump -3% must be >= 1");
    liq_chain_destroy(chain);
    liq_chain_destroy(NULL);
}

/* go-ethereum legacypool list.Add: a replacement raises both fees, each at
 * least by PriceBump = 10% (rounded down) and by 1 wei. */
static void test_replacement(void **state)
{
    (void)state;
    const liq_bid_t a = {100, 10}, b = {5, 0}, c = {INT64_MAX, 7};
    liq_bid_t m = liq_bid_min_replacement(&a, 10);
    assert_int_equal(m.max_fee, 110);
    assert_int_equal(m.max_priority_fee, 11);
    m = liq_bid_min_replacement(&b, 0); /* 0: geth's default 10 */
    assert_int_equal(m.max_fee, 6);     /* 5 x 1.1 = 5.5 -> 5, not above 5: 6 */
    assert_int_equal(m.max_priority_fee, 1);
    m = liq_bid_min_replacement(&c, 10);
    assert_true(m.max_fee == INT64_MAX); /* saturates */
    m = liq_bid_min_replacement(&a, 25);
    assert_int_equal(m.max_fee, 125);
    assert_int_equal(m.max_priority_fee, 12); /* 12.5 -> 12 */

    liq_chain_t *chain = chain_new(100000, true, 100);
    const int64_t x = submit(chain, 30000, 100, 10, 1, 10, 'X');
    const int64_t y = submit(chain, 30000, 200, 10, 1, 10, 'Y');
    const liq_bid_t low = {109, 20}, fee_only = {200, 10}, ok = {110, 11};
    expect_error(liq_chain_replace(chain, x, &low), LIQ_EINVAL,
                 "transaction 0: replacement transaction underpriced (max fee 109, priority 20; "
                 "needs at least 110 and 11)");
    expect_error(liq_chain_replace(chain, x, &fee_only), LIQ_EINVAL, "underpriced");
    assert_int_equal(liq_chain_replace(chain, x, &ok), LIQ_OK);
    const liq_bid_t inverted = {300, 400};
    expect_error(liq_chain_replace(chain, y, &inverted), LIQ_EINVAL,
                 "max priority fee per gas higher");
    expect_error(liq_chain_replace(chain, 7, &ok), LIQ_EINVAL, "transaction 7 is not pending");
    size_t n = 0;
    const liq_tx_t *pending = liq_chain_pending(chain, &n);
    assert_int_equal(n, 2);
    assert_int_equal(pending[0].id, x); /* kept its place */
    assert_int_equal(pending[0].bid.max_fee, 110);
    assert_int_equal(pending[0].bid.max_priority_fee, 11);
    liq_block_t block;
    build(chain, 1, &block); /* base 100: X tips 10, Y tips 10: X first by id */
    assert_string_equal(senders(block.included, block.n_included), "XY");
    expect_error(liq_chain_replace(chain, x, &ok), LIQ_EINVAL, "transaction 0 is not pending");
    liq_chain_destroy(chain);
}

/* ------------------------------------------------------------- bidding */

static void test_bidding(void **state)
{
    (void)state;
    const liq_fee_view_t london = {true, 100, 7};
    const liq_fee_view_t legacy = {false, 0, 50};
    liq_bid_t bid, next;

    /* FIXED: the price, always, whatever the market. */
    const liq_bid_strategy_t fixed = {LIQ_BID_FIXED, 150, 0, 0, 0};
    bid = liq_bid_first(&fixed, &london);
    assert_int_equal(bid.max_fee, 150);
    assert_int_equal(bid.max_priority_fee, 150);
    assert_false(liq_bid_next(&next, &fixed, &london, &bid));

    /* CAPPED, tip 3: priority 7 + 3 = 10; max fee min(cap, 2 x 100 + 10). */
    liq_bid_strategy_t capped = {LIQ_BID_CAPPED, 0, 3, 1000, 0};
    bid = liq_bid_first(&capped, &london);
    assert_int_equal(bid.max_fee, 210);
    assert_int_equal(bid.max_priority_fee, 10);
    assert_false(liq_bid_next(&next, &capped, &london, &bid));
    capped.cap = 150;
    bid = liq_bid_first(&capped, &london);
    assert_int_equal(bid.max_fee, 150);
    assert_int_equal(bid.max_priority_fee, 10);
    capped.cap = 5; /* below the base fee: it bids, and waits for the fee to fall */
    bid = liq_bid_first(&capped, &london);
    assert_int_equal(bid.max_fee, 5);
    assert_int_equal(bid.max_priority_fee, 5);
    /* Legacy: gas price min(cap, clearing + tip). */
    capped.cap = 100;
    bid = liq_bid_first(&capped, &legacy);
    assert_int_equal(bid.max_fee, 53);
    assert_int_equal(bid.max_priority_fee, 53);
    capped.cap = 40;
    bid = liq_bid_first(&capped, &legacy);
    assert_int_equal(bid.max_fee, 40);

    /* ADAPTIVE: first as CAPPED, {210, 10}. Left out; the next block has
     * base fee 112 and clearing tip 30: the market asks priority 33, max
     * 2 x 112 + 33 = 257; the least replacement is {231, 11}: {257, 33}. */
    liq_bid_strategy_t adaptive = {LIQ_BID_ADAPTIVE, 0, 3, 1000, 10};
    bid = liq_bid_first(&adaptive, &london);
    assert_int_equal(bid.max_fee, 210);
    assert_int_equal(bid.max_priority_fee, 10);
    const liq_fee_view_t dearer = {true, 112, 30};
    assert_true(liq_bid_next(&next, &adaptive, &dearer, &bid));
    assert_int_equal(next.max_fee, 257);
    assert_int_equal(next.max_priority_fee, 33);
    /* With cap 240 the market's max fee is 240; still above the least. */
    adaptive.cap = 240;
    assert_true(liq_bid_next(&next, &adaptive, &dearer, &bid));
    assert_int_equal(next.max_fee, 240);
    assert_int_equal(next.max_priority_fee, 33);
    /* A market that went quiet: the least replacement, {231, 11}. */
    adaptive.cap = 1000;
    const liq_fee_view_t quiet = {true, 90, 0};
    assert_true(liq_bid_next(&next, &adaptive, &quiet, &bid));
    assert_int_equal(next.max_fee, 231);
    assert_int_equal(next.max_priority_fee, 11);
    /* The cap stops it: last {231, 30} needs {254, 33} > 250. */
    adaptive.cap = 250;
    const liq_bid_t high = {231, 30};
    assert_false(liq_bid_next(&next, &adaptive, &dearer, &high));
    /* Legacy: last 53; the market asks 50 + 3 = 53, the least replacement
     * is 58 (53 x 1.1 = 58.3): 58; a cap of 57 stops it. */
    adaptive.cap = 100;
    const liq_bid_t last = liq_bid_legacy(53);
    assert_true(liq_bid_next(&next, &adaptive, &legacy, &last));
    assert_int_equal(next.max_fee, 58);
    assert_int_equal(next.max_priority_fee, 58);
    const liq_fee_view_t surge = {false, 0, 90};
    assert_true(liq_bid_next(&next, &adaptive, &surge, &last));
    assert_int_equal(next.max_fee, 93); /* the market, 90 + 3, beats the bump */
    adaptive.cap = 57;
    assert_false(liq_bid_next(&next, &adaptive, &legacy, &last));
    /* Saturation instead of overflow. */
    const liq_fee_view_t absurd = {true, INT64_MAX / 2 + 1, INT64_MAX};
    adaptive.cap = INT64_MAX;
    bid = liq_bid_first(&adaptive, &absurd);
    assert_true(bid.max_fee == INT64_MAX && bid.max_priority_fee == INT64_MAX);
}

/* An adaptive sender against a block that a fixed bidder would never
 * enter: each replacement is one the chain accepts, and it gets in once
 * its tip beats the competition. Limit 100,000, base fee 100. */
static void test_adaptive_on_chain(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(100000, true, 100);
    const liq_bid_strategy_t adaptive = {LIQ_BID_ADAPTIVE, 0, 1, 100000, 10};
    liq_fee_view_t view = {true, liq_chain_base_fee(chain), 0};
    liq_bid_t bid = liq_bid_first(&adaptive, &view);
    const int64_t id = submit(chain, 50000, bid.max_fee, bid.max_priority_fee, 1, 50, 'a');
    int rounds = 0;
    for (int64_t round = 1; round <= 40; round++) {
        /* Two competitors each round fill the block at a tip of 40. */
        submit(chain, 50000, 100000, 40, round, round, 'c');
        submit(chain, 50000, 100000, 40, round, round, 'c');
        liq_block_t b;
        build(chain, round, &b);
        bool in = false;
        for (size_t k = 0; k < b.n_included; k++) {
            in = in || b.included[k].id == id;
        }
        if (in) {
            rounds = (int)round;
            break;
        }
        view = (liq_fee_view_t){true, b.next_base_fee, b.clearing_tip};
        liq_bid_t next;
        assert_true(liq_bid_next(&next, &adaptive, &view, &bid));
        assert_int_equal(liq_chain_replace(chain, id, &next), LIQ_OK);
        bid = next;
    }
    /* Round 1: the first bid {201, 1} loses to the two tips of 40, which
     * fill the block (clearing tip 40, next base fee 112). The replacement
     * asks the market's 40 + 1 = 41 with max fee 2 x 112 + 41 = 265 (above
     * the least replacement {221, 2}); in round 2 it tips 41 and goes
     * first. */
    assert_int_equal(rounds, 2);
    liq_chain_destroy(chain);
}

/* ---------------------------------------------------- the builder's state */

/* A steady load (120 submissions a round, ~100 fit, some expire) allocates
 * nothing once the buffers have grown, and nothing at all after a reserve. */
static void test_steady_state(void **state)
{
    (void)state;
    for (int reserved = 0; reserved < 2; reserved++) {
        liq_chain_t *chain = chain_new(2100000, true, 1000000000);
        const size_t before = liq_chain_allocations(chain);
        if (reserved) {
            /* Deadlines of at most 3 rounds keep at most 4 x 120 pending. */
            assert_int_equal(liq_chain_reserve(chain, 480), LIQ_OK);
        }
        size_t warm = 0;
        uint64_t x = 88172645463325252u;
        for (int64_t round = 1; round <= 300; round++) {
            for (int k = 0; k < 120; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                const int64_t tip = (int64_t)(x % 50) * 1000000;
                submit(chain, 21000, 3000000000 + tip, tip, round, round + (int64_t)(x % 4),
                       (int32_t)k);
            }
            liq_block_t b;
            build(chain, round, &b);
            if (round == 100) {
                warm = liq_chain_allocations(chain);
            }
        }
        assert_int_equal(liq_chain_allocations(chain), warm);
        if (reserved) {
            assert_int_equal(liq_chain_allocations(chain), before + 1);
        }
        liq_chain_destroy(chain);
    }
}

/* The builder against a slow reference written from the rule alone
 * (repeatedly pick the best remaining by tip then id, include it if it fits)
 * on 200 random pools, over three blocks each. */
typedef struct {
    int64_t gas, max_fee, priority, deadline, id;
    bool gone;
} ref_tx_t;

/* A chain with nothing ever sent builds empty blocks (its buffers do not
 * exist yet: this once handed qsort a NULL array, which UBSan reports), and
 * a base fee set from outside is the next block's. */
static void test_empty_and_set_base_fee(void **state)
{
    (void)state;
    liq_chain_t *chain = chain_new(10000000, true, 1000000000);
    liq_block_t block;
    assert_int_equal(liq_chain_build_block(chain, 1, &block), LIQ_OK);
    assert_int_equal(block.n_included, 0);
    assert_int_equal(block.gas_used, 0);
    assert_int_equal(block.min_tip, -1);
    /* Empty: down by 1/8, 1e9 -> 875,000,000. */
    assert_int_equal(liq_chain_base_fee(chain), 875000000);
    assert_int_equal(liq_chain_set_base_fee(chain, 50000000000), LIQ_OK);
    submit(chain, 21000, 49000000000, 49000000000, 1, 5, 0); /* under the fee: waits */
    submit(chain, 21000, 60000000000, 60000000000, 1, 5, 1);
    assert_int_equal(liq_chain_build_block(chain, 2, &block), LIQ_OK);
    assert_int_equal(block.base_fee, 50000000000);
    assert_int_equal(block.n_included, 1);
    assert_int_equal(block.included[0].sender, 1);
    assert_int_equal(block.effective_tip[0], 10000000000);
    assert_int_equal(block.n_underpriced, 1);
    expect_error(liq_chain_set_base_fee(chain, -1), LIQ_EINVAL, "chain: base fee -1 wei");
    liq_chain_destroy(chain);
    liq_chain_t *legacy = chain_new(10000000, false, 0);
    expect_error(liq_chain_set_base_fee(legacy, 5), LIQ_EINVAL, "on a legacy chain");
    liq_chain_destroy(legacy);
}

static void test_against_reference(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15u;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    for (int trial = 0; trial < 200; trial++) {
        const int64_t limit = 50000 + (int64_t)(NEXT() % 100000);
        const bool london = trial % 3 != 0;
        liq_chain_t *chain = chain_new(limit, london, 50 + (int64_t)(NEXT() % 100));
        const int n = 1 + (int)(NEXT() % 60);
        ref_tx_t ref[60];
        for (int i = 0; i < n; i++) {
            const int64_t max_fee = (int64_t)(NEXT() % 200);
            const int64_t priority = london ? (int64_t)(NEXT() % (uint64_t)(max_fee + 1)) : max_fee;
            ref[i] = (ref_tx_t){1 + (int64_t)(NEXT() % (uint64_t)limit),
                                max_fee,
                                priority,
                                1 + (int64_t)(NEXT() % 3),
                                0,
                                false};
            ref[i].id = submit(chain, ref[i].gas, max_fee, priority, 1, ref[i].deadline, i);
        }
        for (int64_t round = 1; round <= 3; round++) {
            const int64_t base = liq_chain_base_fee(chain);
            int expect[60], n_expect = 0;
            int64_t room = limit, used = 0;
            bool tried[60] = {false};
            for (;;) {
                int best = -1;
                int64_t best_tip = -1;
                for (int i = 0; i < n; i++) {
                    if (ref[i].gone || tried[i] || ref[i].deadline < round ||
                        ref[i].max_fee < base) {
                        continue;
                    }
                    const int64_t room_fee = ref[i].max_fee - base;
                    const int64_t tip = ref[i].priority < room_fee ? ref[i].priority : room_fee;
                    if (tip > best_tip) { /* strict: the lower id wins ties */
                        best = i;
                        best_tip = tip;
                    }
                }
                if (best < 0) {
                    break;
                }
                tried[best] = true;
                if (ref[best].gas <= room) {
                    room -= ref[best].gas;
                    used += ref[best].gas;
                    expect[n_expect++] = best;
                }
            }
            liq_block_t b;
            build(chain, round, &b);
            assert_int_equal(b.n_included, n_expect);
            assert_int_equal(b.gas_used, used);
            for (int k = 0; k < n_expect; k++) {
                assert_int_equal(b.included[k].sender, expect[k]);
                ref[expect[k]].gone = true;
            }
            size_t n_dropped = 0;
            for (int i = 0; i < n; i++) {
                if (!ref[i].gone && ref[i].deadline < round) {
                    assert_int_equal(b.dropped[n_dropped++].sender, i);
                    ref[i].gone = true;
                }
            }
            assert_int_equal(b.n_dropped, n_dropped);
            int64_t next = 0;
            if (london) {
                assert_int_equal(liq_eip1559_next_base_fee(&next, base, limit, used, NULL), LIQ_OK);
            }
            assert_int_equal(b.next_base_fee, next);
        }
        liq_chain_destroy(chain);
    }
#undef NEXT
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eip1559_geth_vectors),
        cmocka_unit_test(test_eip1559_by_hand),
        cmocka_unit_test(test_eip1559_errors),
        cmocka_unit_test(test_eip1559_real_tracks_integer),
        cmocka_unit_test(test_effective_tip),
        cmocka_unit_test(test_block_by_hand),
        cmocka_unit_test(test_chained_blocks),
        cmocka_unit_test(test_empty_blocks),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_legacy_blocks),
        cmocka_unit_test(test_submit_errors),
        cmocka_unit_test(test_replacement),
        cmocka_unit_test(test_bidding),
        cmocka_unit_test(test_adaptive_on_chain),
        cmocka_unit_test(test_steady_state),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_empty_and_set_base_fee),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
