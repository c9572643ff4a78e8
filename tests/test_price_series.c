/*
 * A `path` shock from a time series (price_column; src/io/scenario_read_custom.c
 * with the gas series' reader, src/io/gas_path.c): the ten-minute ETH/USD
 * bars of 12 March 2020 read in place from ../shared/data/events, a JSON
 * list of records; and a CSV time series with a gap, by hand.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define LIQ_TEST_FILE "series.yaml"
#include "liq_test.h"

#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define BARS LIQ_SHARED_DIR "/data/events/black-thursday-2020-03-12/eth_usd_10min.json"

static liq_scenario_t *parse_series(int64_t rounds, double round_seconds, const char *shock)
{
    char yaml[2048];
    snprintf(yaml, sizeof(yaml),
             "rounds: %lld\n"
             "round_seconds: %g\n"
             "assets: [{name: WETH, price: 195.21}, {name: USDC, price: 1}]\n"
             "shocks:\n"
             "  - %s\n",
             (long long)rounds, round_seconds, shock);
    return parse_scenario(yaml);
}

/* WETH's reference price at each round 0 .. rounds into price[]. */
static void run_series(const liq_scenario_t *sc, double *price)
{
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    price[0] = 195.21;
    for (int64_t r = 1; r <= sc->rounds; r++) {
        step_sim(sim, &v);
        price[r] = v.reference_price[0];
    }
    liq_sim_destroy(sim);
}

/*
 * 5-minute rounds over the day's 144 bars: round t is at 300 t s after the
 * first bar's start (00:00), so it reads bar floor(t / 2)'s price_open (the
 * file: bar 1 00:10 193.56, bar 31 05:10 181.79, bar 32 05:20 180.97, bar
 * 65 10:50 141.12, bar 66 11:00 132.85, bar 143 23:50 109.55). The asset's
 * own price is the first bar's open, so the levels are the file's (to the
 * rounding of summed log returns). 288 rounds reach 86,400 s, the last bar's
 * start plus its 600 s; 289 do not.
 */
static void test_bars_in_place(void **state)
{
    (void)state;
    const char *shock = "{type: path, file: " BARS ", price_column: price_open,"
                        " time_column: time_period_start, asset: WETH}";
    liq_scenario_t *sc = parse_series(288, 300, shock);
    double price[289];
    run_series(sc, price);
    const struct {
        int round;
        double price;
    } want[] = {{1, 195.21},  {2, 193.56},   {3, 193.56},   {62, 181.79},  {63, 181.79},
                {64, 180.97}, {131, 141.12}, {132, 132.85}, {286, 109.55}, {288, 109.55}};
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        assert_close(price[want[k].round], want[k].price, 1e-13);
    }
    liq_scenario_destroy(sc);

    /* A start of 05:20: round 0 is bar 32, round 2 bar 33 (05:30, 180.54). */
    sc = parse_series(4, 300,
                      "{type: path, file: " BARS ", price_column: price_open,"
                      " time_column: time_period_start, asset: WETH,"
                      " start: '2020-03-12T05:20:00Z'}");
    double later[5];
    run_series(sc, later);
    /* WETH starts at 195.21: the returns are the file's, scaled. */
    assert_close(later[1] / 195.21, 1.0, 1e-13);
    assert_close(later[2] / 195.21, 180.54 / 180.97, 1e-13);
    liq_scenario_destroy(sc);

    char yaml[2048];
    snprintf(yaml, sizeof(yaml),
             "rounds: 289\nround_seconds: 300\n"
             "assets: [{name: WETH, price: 195.21}, {name: USDC, price: 1}]\n"
             "shocks:\n  - %s\n",
             shock);
    liq_scenario_t *bad = NULL;
    assert_int_equal(liq_scenario_parse(&bad, yaml, strlen(yaml), "series.yaml", NULL), LIQ_EINVAL);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "series.yaml:5:5: shocks[0]: the price series from %s ends 86400 s after round 0, "
             "before the run's last round at 86700 s; expected a series that covers the run",
             BARS);
    assert_string_equal(liq_errmsg(), expected);
}

/*
 * A CSV time series in seconds with a missing price: 100 at 0 s, none at
 * 10 s (the 100 holds), 80 at 20 s, 120 at 30 s. Round t reads the price
 * at 10 t s: 100, 100, 80, 120, 120 for rounds 0 to 4 (the series covers
 * 30 + 10 = 40 s). A price of 0 is refused at its
 * line and column.
 */
static void test_csv_series(void **state)
{
    (void)state;
    char path[] = "/tmp/liqnet-series-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("t,eth\n0,100\n10,\n20,80\n30,120\n", f);
    fclose(f);
    char shock[512];
    snprintf(shock, sizeof(shock),
             "{type: path, file: %s, price_column: eth, time_column: t, asset: WETH}", path);
    liq_scenario_t *sc = parse_series(4, 10, shock);
    double price[5];
    run_series(sc, price);
    /* WETH starts at 195.21: levels are 195.21 x P(t) / 100. */
    const double want[5] = {195.21, 195.21, 195.21 * 0.8, 195.21 * 1.2, 195.21 * 1.2};
    for (int r = 0; r <= 4; r++) {
        assert_close(price[r], want[r], 1e-13);
    }
    liq_scenario_destroy(sc);

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("t,eth\n0,100\n10,0\n20,80\n30,120\n", f);
    fclose(f);
    char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             "rounds: 4\nround_seconds: 10\n"
             "assets: [{name: WETH, price: 195.21}, {name: USDC, price: 1}]\n"
             "shocks:\n  - %s\n",
             shock);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "%s:3:2: eth: value 0 is not a finite price > 0; expected a finite price > 0", path);
    expect_scenario_error(yaml, LIQ_EINVAL, expected);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bars_in_place),
        cmocka_unit_test(test_csv_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
