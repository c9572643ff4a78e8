/*
 * Oracle publication rules (MODEL.md s4): a push oracle in the style of
 * Chainlink publishes on a heartbeat or when the source deviates by more
 * than a threshold from the last published price; MakerDAO's OSM
 * (makerdao/osm src/osm.sol) publishes with a delay of one poke.
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

/* osm.sol: `function pass() public view returns (bool ok) { return era() >=
 * add(zzz, hop); }` with era() = block.timestamp. */
bool liq_osm_pass(const liq_osm_t *osm, int64_t hop, int64_t now)
{
    return now >= osm->zzz + hop;
}

/* osm.sol's poke(): `require(pass(), "OSM/not-passed"); ... cur = nxt; nxt =
 * Feed(uint128(uint(wut)), 1); zzz = prev(era());` with prev(ts) = ts - (ts
 * % hop). The source's peek() is taken to succeed (ok == true). */
bool liq_osm_poke(liq_osm_t *osm, int64_t hop, int64_t now, double peek)
{
    if (!liq_osm_pass(osm, hop, now)) {
        return false;
    }
    osm->cur = osm->nxt;
    osm->nxt = peek;
    osm->zzz = now - now % hop;
    return true;
}
