/*
 * Bridges (include/liqnet/bridge.h): latency, capacity and fee worked by
 * hand over a backlog, latency 0 and unlimited capacity, conservation on a
 * long random load, the errors, and steady state without allocation.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/bridge.h"
#include "liqnet/error.h"

static liq_bridge_t *bridge_new(int64_t latency, double capacity, double fee)
{
    const liq_bridge_params_t params = {latency, capacity, fee};
    liq_bridge_t *bridge = NULL;
    if (liq_bridge_create(&bridge, &params) != LIQ_OK) {
        fail_msg("liq_bridge_create: %s", liq_errmsg());
    }
    return bridge;
}

static void transfer(liq_bridge_t *bridge, int64_t round, double amount, int64_t recipient)
{
    if (liq_bridge_send(bridge, round, amount, recipient, NULL) != LIQ_OK) {
        fail_msg("liq_bridge_send: %s", liq_errmsg());
    }
}

static size_t deliver(liq_bridge_t *bridge, int64_t round, const liq_delivery_t **parts)
{
    size_t n = 0;
    if (liq_bridge_deliver(bridge, round, parts, &n) != LIQ_OK) {
        fail_msg("liq_bridge_deliver: %s", liq_errmsg());
    }
    return n;
}

static void expect_part(const liq_delivery_t *part, int64_t id, int64_t recipient, double amount,
                        bool complete)
{
    assert_int_equal(part->id, id);
    assert_int_equal(part->recipient, recipient);
    assert_true(part->amount == amount);
    assert_true(part->complete == complete);
}

/* sent = delivered + in flight + fees, exactly (dyadic amounts). */
static void expect_totals(const liq_bridge_t *bridge, double sent, double delivered, double fees,
                          size_t n_in_flight)
{
    const liq_bridge_totals_t t = liq_bridge_totals(bridge);
    assert_true(t.sent == sent);
    assert_true(t.delivered == delivered);
    assert_true(t.fees == fees);
    assert_true(t.in_flight == sent - delivered - fees);
    assert_int_equal(t.n_in_flight, n_in_flight);
}

/*
 * Latency 2 rounds, capacity 100 units a round, fee 1/8. Sent:
 *   round 1: A 80 to recipient 10 (fee 10, 70 travel), B 48 to 11 (6, 42);
 *   round 2: C 160 to 12 (20, 140);   round 3: D 8 to 13 (1, 7).
 * Rounds 1 and 2 deliver nothing (A and B are due from round 3).
 * Round 3: A 70 whole, B 30 of 42 (the capacity is spent).
 * Round 4: B's last 12, then C (due from 4) 88 of 140.
 * Round 5: C's last 52, then D (due from 5) 7; 41 of the capacity unused.
 */
static void test_by_hand(void **state)
{
    (void)state;
    liq_bridge_t *bridge = bridge_new(2, 100.0, 0.125);
    const liq_delivery_t *parts = NULL;
    int64_t id = -1;
    assert_int_equal(liq_bridge_send(bridge, 1, 80.0, 10, &id), LIQ_OK);
    assert_int_equal(id, 0);
    transfer(bridge, 1, 48.0, 11);
    assert_int_equal(deliver(bridge, 1, &parts), 0);
    expect_totals(bridge, 128.0, 0.0, 16.0, 2);
    transfer(bridge, 2, 160.0, 12);
    assert_int_equal(deliver(bridge, 2, &parts), 0);
    transfer(bridge, 3, 8.0, 13);
    expect_totals(bridge, 296.0, 0.0, 37.0, 4);

    assert_int_equal(deliver(bridge, 3, &parts), 2);
    expect_part(&parts[0], 0, 10, 70.0, true);
    expect_part(&parts[1], 1, 11, 30.0, false);
    expect_totals(bridge, 296.0, 100.0, 37.0, 3);
    size_t n = 0;
    const liq_transfer_t *queue = liq_bridge_queue(bridge, &n);
    assert_int_equal(n, 3);
    assert_int_equal(queue[0].id, 1);
    assert_true(queue[0].amount == 48.0 && queue[0].remaining == 12.0 && queue[0].sent == 1);

    assert_int_equal(deliver(bridge, 4, &parts), 2);
    expect_part(&parts[0], 1, 11, 12.0, true);
    expect_part(&parts[1], 2, 12, 88.0, false);
    expect_totals(bridge, 296.0, 200.0, 37.0, 2);

    assert_int_equal(deliver(bridge, 5, &parts), 2);
    expect_part(&parts[0], 2, 12, 52.0, true);
    expect_part(&parts[1], 3, 13, 7.0, true);
    expect_totals(bridge, 296.0, 259.0, 37.0, 0);
    assert_int_equal(deliver(bridge, 6, &parts), 0);
    liq_bridge_destroy(bridge);
}

/* Latency 0 and no capacity limit: what is sent in a round arrives in the
 * same round's delivery; the fee-free bridge delivers every unit. */
static void test_instant(void **state)
{
    (void)state;
    liq_bridge_t *bridge = bridge_new(0, INFINITY, 0.0);
    const liq_delivery_t *parts = NULL;
    transfer(bridge, 5, 1e9, 1);
    transfer(bridge, 5, 3.0, 2);
    assert_int_equal(deliver(bridge, 5, &parts), 2);
    expect_part(&parts[0], 0, 1, 1e9, true);
    expect_part(&parts[1], 1, 2, 3.0, true);
    expect_totals(bridge, 1e9 + 3.0, 1e9 + 3.0, 0.0, 0);
    /* Sent after its round's delivery: it waits for the next round. */
    transfer(bridge, 5, 4.0, 3);
    assert_int_equal(deliver(bridge, 6, &parts), 1);
    expect_part(&parts[0], 2, 3, 4.0, true);
    liq_bridge_destroy(bridge);
}

/* A long random load (fee 0.3%, 0 to 3 transfers of 1 to 201 units a round
 * against a capacity of 250: backlogs in bursts): conservation to rounding at every round, FIFO
 * (parts arrive in id order, each transfer's parts add up to what it carried, none before its
 * latency), the capacity respected; and once the buffers have grown, no
 * allocation. */
static void test_random_load(void **state)
{
    (void)state;
    liq_bridge_t *bridge = bridge_new(3, 250.0, 0.003);
    static double carried[4000], arrived[4000];
    static int64_t sent_in[4000];
    int64_t next_id = 0, last_id = -1;
    uint64_t x = 0x2545F4914F6CDD1Du;
    size_t warm = 0, cut = 0;
    for (int64_t round = 1; round <= 1000; round++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const int k = (int)(x % 4);
        for (int i = 0; i < k && next_id < 4000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const double amount = 1.0 + (double)(x % 20000) / 100.0;
            int64_t id = -1;
            assert_int_equal(liq_bridge_send(bridge, round, amount, 7, &id), LIQ_OK);
            assert_int_equal(id, next_id++);
            carried[id] = amount - amount * 0.003;
            sent_in[id] = round;
        }
        const liq_delivery_t *parts = NULL;
        const size_t n = deliver(bridge, round, &parts);
        double total = 0.0;
        for (size_t j = 0; j < n; j++) {
            assert_true(parts[j].id >= last_id);
            assert_true(sent_in[parts[j].id] + 3 <= round);
            arrived[parts[j].id] += parts[j].amount;
            if (parts[j].complete) {
                assert_close(arrived[parts[j].id], carried[parts[j].id], 1e-12);
            }
            cut += !parts[j].complete;
            last_id = parts[j].id;
            total += parts[j].amount;
        }
        assert_true(total <= 250.0 * (1.0 + 1e-15));
        const liq_bridge_totals_t t = liq_bridge_totals(bridge);
        assert_close(t.delivered + t.in_flight + t.fees, t.sent, 1e-12);
        if (round == 500) {
            warm = liq_bridge_allocations(bridge);
        }
    }
    assert_int_equal(liq_bridge_allocations(bridge), warm);
    assert_true(cut > 20); /* the capacity did bind, often */
    liq_bridge_destroy(bridge);

    /* With a reserve, none at all after it. */
    bridge = bridge_new(1, 10.0, 0.0);
    assert_int_equal(liq_bridge_reserve(bridge, 64), LIQ_OK);
    const size_t reserved = liq_bridge_allocations(bridge);
    for (int64_t round = 1; round <= 200; round++) {
        transfer(bridge, round, 5.0, 1);
        transfer(bridge, round, 4.0, 2);
        const liq_delivery_t *parts = NULL;
        deliver(bridge, round, &parts);
    }
    assert_int_equal(liq_bridge_allocations(bridge), reserved);
    liq_bridge_destroy(bridge);
}

static void expect_error(int rc, const char *message)
{
    if (rc != LIQ_EINVAL || strcmp(liq_errmsg(), message) != 0) {
        fail_msg("expected \"%s\"\n       got %d \"%s\"", message, rc, liq_errmsg());
    }
}

static void test_errors(void **state)
{
    (void)state;
    liq_bridge_t *bridge = (liq_bridge_t *)1;
    liq_bridge_params_t params = {-1, 10.0, 0.0};
    expect_error(liq_bridge_create(&bridge, &params), "bridge: latency -1 rounds is negative");
    assert_null(bridge);
    params = (liq_bridge_params_t){1, NAN, 0.0};
    expect_error(liq_bridge_create(&bridge, &params),
                 "bridge: capacity nan units a round must be > 0");
    params = (liq_bridge_params_t){1, 0.0, 0.0};
    expect_error(liq_bridge_create(&bridge, &params),
                 "bridge: capacity 0 units a round must be > 0");
    params = (liq_bridge_params_t){1, 10.0, 1.0};
    expect_error(liq_bridge_create(&bridge, &params), "bridge: fee 1 outside [0, 1)");

    bridge = bridge_new(1, 10.0, 0.0);
    expect_error(liq_bridge_send(bridge, 1, 0.0, 1, NULL),
                 "bridge: transfer of 0 units (must be finite, > 0)");
    expect_error(liq_bridge_send(bridge, 1, INFINITY, 1, NULL),
                 "bridge: transfer of inf units (must be finite, > 0)");
    transfer(bridge, 3, 1.0, 1);
    expect_error(liq_bridge_send(bridge, 2, 1.0, 1, NULL),
                 "bridge: transfer sent in round 2 after a round 3 send or delivery");
    const liq_delivery_t *parts = NULL;
    size_t n = 9;
    assert_int_equal(liq_bridge_deliver(bridge, 4, &parts, &n), LIQ_OK);
    assert_int_equal(n, 1);
    expect_error(liq_bridge_deliver(bridge, 4, &parts, &n),
                 "bridge: delivery of round 4 after that of round 4");
    assert_int_equal(n, 0);
    expect_totals(bridge, 1.0, 1.0, 0.0, 0);
    liq_bridge_destroy(bridge);
    liq_bridge_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_instant),
        cmocka_unit_test(test_random_load),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
