/*
 * Oracle publication rules (MODEL.md s4): a push oracle in the style of
 * Chainlink publishes on a heartbeat or when the source deviates by more
 * than a threshold from the last published price.
 */
#include "liqnet/oracle.h"

#include <math.h>

bool liq_oracle_should_publish(int64_t round, int64_t last_publish, int64_t heartbeat, double value,
                               double published, double deviation)
{
    if (round - last_publish >= heartbeat) {
        return true;
    }
    return fabs(value / published - 1.0) >= deviation;
}

int64_t liq_oracle_source_round(int64_t round, int64_t latency)
{
    return round > latency ? round - latency : 0;
}
