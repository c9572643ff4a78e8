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

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_ORACLE_H */
