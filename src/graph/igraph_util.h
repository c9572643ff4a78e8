/*
 * The boundary between liqnet and igraph (STYLE.md rule 4).
 *
 * igraph's default error handler aborts the process, and its warnings go to
 * stderr. Every public function of src/graph that calls igraph brackets the
 * calls with liq_igraph_enter / liq_igraph_leave: the first installs a
 * handler that records igraph's message and returns (after freeing igraph's
 * own temporaries with IGRAPH_FINALLY_FREE), a warning handler that drops
 * warnings, and igraph's C attribute handler; the second restores the
 * previous handlers. An igraph error code is then turned into a liqnet code
 * and message by liq_igraph_error. The Debian igraph is not thread-safe:
 * none of this may run inside a parallel region.
 *
 * The Debian igraph is built with OpenMP: PRPACK's PageRank sums in
 * parallel loops, so its last bits would follow the caller's thread count.
 * The scope runs igraph on one OpenMP thread, which makes every result a
 * function of the graph alone.
 */
#ifndef LIQNET_GRAPH_IGRAPH_UTIL_H
#define LIQNET_GRAPH_IGRAPH_UTIL_H

#include <igraph.h>

typedef struct {
    igraph_error_handler_t *error_handler;
    igraph_warning_handler_t *warning_handler;
    int threads; /* the caller's omp_get_max_threads(), restored on leave */
} liq_igraph_scope_t;

void liq_igraph_enter(liq_igraph_scope_t *scope);
void liq_igraph_leave(const liq_igraph_scope_t *scope);

/* Sets the liqnet message "WHAT: igraph: REASON" from the last igraph error
 * and returns the liqnet code for `err` (LIQ_ENOMEM, LIQ_EIO, LIQ_EPARSE or
 * LIQ_EINVAL). */
int liq_igraph_error(igraph_error_t err, const char *what);

#endif /* LIQNET_GRAPH_IGRAPH_UTIL_H */
