/*
 * igraph error handling at the module boundary (see igraph_util.h).
 */
#include "graph/igraph_util.h"

#include <omp.h>

#include <stdio.h>

#include "liqnet/error.h"

/* igraph's last error message on this thread. igraph itself is single-threaded
 * here; the buffer is thread-local only so that it never needs a lock. */
static _Thread_local char liq_igraph_reason[512];

static void liq_igraph_error_handler(const char *reason, const char *file, int line,
                                     igraph_error_t igraph_errno)
{
    (void)file;
    (void)line;
    snprintf(liq_igraph_reason, sizeof(liq_igraph_reason), "%s (%s)", reason,
             igraph_strerror(igraph_errno));
    /* igraph leaves its temporaries on the "finally" stack for the handler to
     * free; a handler that returns must do it (igraph_error.h). */
    IGRAPH_FINALLY_FREE();
}

static void liq_igraph_warning_handler(const char *reason, const char *file, int line)
{
    (void)reason;
    (void)file;
    (void)line;
}

void liq_igraph_enter(liq_igraph_scope_t *scope)
{
    scope->error_handler = igraph_set_error_handler(liq_igraph_error_handler);
    scope->warning_handler = igraph_set_warning_handler(liq_igraph_warning_handler);
    liq_igraph_reason[0] = '\0';
    igraph_set_attribute_table(&igraph_cattribute_table);
    scope->threads = omp_get_max_threads();
    omp_set_num_threads(1);
}

void liq_igraph_leave(const liq_igraph_scope_t *scope)
{
    igraph_set_error_handler(scope->error_handler);
    igraph_set_warning_handler(scope->warning_handler);
    omp_set_num_threads(scope->threads);
}

int liq_igraph_error(igraph_error_t err, const char *what)
{
    int code = LIQ_EINVAL;
    switch (err) {
    case IGRAPH_ENOMEM:
        code = LIQ_ENOMEM;
        break;
    case IGRAPH_EFILE:
        code = LIQ_EIO;
        break;
    case IGRAPH_PARSEERROR:
        code = LIQ_EPARSE;
        break;
    default:
        break;
    }
    const char *reason = liq_igraph_reason[0] != '\0' ? liq_igraph_reason : igraph_strerror(err);
    return liq_error_set(code, "%s: igraph: %s", what, reason);
}
