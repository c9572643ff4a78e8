/* Runs a scenario through the installed library: load, create, step. */
#include <stdio.h>

#include <liqnet/error.h>
#include <liqnet/lending.h>
#include <liqnet/scenario.h>
#include <liqnet/sim.h>
#include <liqnet/version.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: consumer SCENARIO\n");
        return 2;
    }
    liq_scenario_t *sc = NULL;
    liq_sim_t *sim = NULL;
    int rc = liq_scenario_load(&sc, argv[1]);
    if (rc == LIQ_OK) {
        rc = liq_sim_create(&sim, sc, NULL, NULL);
    }
    for (int round = 0; rc == LIQ_OK && round < 20; round++) {
        rc = liq_sim_step(sim);
    }
    if (rc != LIQ_OK) {
        fprintf(stderr, "consumer: %s\n", liq_errmsg());
    } else {
        liq_state_view_t view;
        liq_sim_view(sim, &view);
        printf("liqnet %s: round %lld, HF of the Aave vector %.9f\n", LIQNET_VERSION,
               (long long)view.round, liq_health(10.0, 17000.0, 2000.0, 1.0, 0.83));
    }
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    return rc == LIQ_OK ? 0 : 1;
}
