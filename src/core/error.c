/*
 * Error codes and the thread-local detailed message (see liqnet/error.h).
 * The message buffer is per thread so that parallel phases and concurrent
 * simulations never overwrite each other's diagnostics.
 */
#include "liqnet/error.h"

#include <stdio.h>
#include <string.h>

#define LIQ_ERRMSG_SIZE 1024

static _Thread_local char liq_errmsg_buf[LIQ_ERRMSG_SIZE];

const char *liq_strerror(int code)
{
    switch (code) {
#define LIQ_ERROR_CASE(name, value, text)                                                          \
    case name:                                                                                     \
        return text;
        LIQ_ERROR_LIST(LIQ_ERROR_CASE)
#undef LIQ_ERROR_CASE
    default:
        return "unknown error";
    }
}

const char *liq_errmsg(void)
{
    return liq_errmsg_buf;
}

int liq_error_vset(int code, const char *fmt, va_list ap)
{
    /* A message that does not fit is cut, never overrun. */
    vsnprintf(liq_errmsg_buf, sizeof(liq_errmsg_buf), fmt, ap);
    return code;
}

int liq_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    liq_error_vset(code, fmt, ap);
    va_end(ap);
    return code;
}

void liq_error_clear(void)
{
    liq_errmsg_buf[0] = '\0';
}
