/*
 * Oracle publication rules (MODEL.md s4): heartbeat and deviation.
 * Pure functions; the engine keeps each oracle's state in its own arrays.
 */
#ifndef LIQNET_ORACLE_H
#define LIQNET_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Whether an oracle publishes the source value `value` in round `round`,
 * given its last published price `published` (O(t-1)) and the round of that
 * publication: true when round - last_publish >= heartbeat or
 * |value / published - 1| >= deviation.
 */
LIQ_API bool liq_oracle_should_publish(int64_t round, int64_t last_publish, int64_t heartbeat,
                                       double value, double published, double deviation);

/* Round whose source value an oracle with latency L reads in round t:
 * max(0, t - L). */
LIQ_API int64_t liq_oracle_source_round(int64_t round, int64_t latency);

/*
 * MakerDAO's Oracle Security Module (makerdao/osm, src/osm.sol at
 * e36c874b, lines 108-138): a delayed feed. Times are whole seconds
 * (block timestamps). Its state: the current value cur (what peek() and
 * the Spotter read), the next value nxt, and zzz, the time of the last poke
 * rounded down to a multiple of hop. Unlike osm.sol, whose cur and nxt are
 * empty until two pokes, liqnet starts a feed as if it had long been
 * running: cur = nxt = the source's value at round 0, zzz = 0.
 */
typedef struct {
    double cur;  /* cur.val: the published value */
    double nxt;  /* nxt.val: published at the next poke */
    int64_t zzz; /* seconds: prev(time of the last poke) */
} liq_osm_t;

/* pass(): era() >= zzz + hop, the time `now` (seconds) allows a poke. O(1). */
LIQ_API bool liq_osm_pass(const liq_osm_t *osm, int64_t hop, int64_t now);

/* poke() at time `now` with the source's value `peek`, when pass() holds:
 * cur = nxt; nxt = peek; zzz = prev(now) = now - now % hop. Returns false
 * (and changes nothing) when pass() fails, as require(pass()) reverts.
 * hop >= 1, now >= 0. O(1). */
LIQ_API bool liq_osm_poke(liq_osm_t *osm, int64_t hop, int64_t now, double peek);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_ORACLE_H */
