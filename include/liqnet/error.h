/*
 * liqnet error handling.
 *
 * Every fallible function returns an int: LIQ_OK (0) or one of the codes
 * below. The code says what kind of failure it was; a detailed, thread-local
 * message says where (file:line, key), which value, and what was expected.
 * Lower layers set the message once and callers propagate the code unchanged,
 * so the message a user sees is the one written closest to the cause.
 */
#ifndef LIQNET_ERROR_H
#define LIQNET_ERROR_H

#include <stdarg.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X-macro list: code name, value, short description. */
#define LIQ_ERROR_LIST(X)                                                                          \
    X(LIQ_OK, 0, "success")                                                                        \
    X(LIQ_ENOMEM, 1, "out of memory")                                                              \
    X(LIQ_EIO, 2, "input/output error")                                                            \
    X(LIQ_EPARSE, 3, "syntax error")                                                               \
    X(LIQ_EINVAL, 4, "invalid value")                                                              \
    X(LIQ_EKEY, 5, "unknown or missing key")                                                       \
    X(LIQ_EREF, 6, "reference to an undefined name")                                               \
    X(LIQ_EEXIST, 7, "file exists")                                                                \
    X(LIQ_EHDF5, 8, "HDF5 error")                                                                  \
    X(LIQ_EUSAGE, 9, "bad command-line usage")                                                     \
    X(LIQ_EINTERRUPTED, 10, "interrupted")                                                         \
    X(LIQ_ENUMERIC, 11, "numerical breakdown")

typedef enum {
#define LIQ_ERROR_ENUM(name, value, text) name = value,
    LIQ_ERROR_LIST(LIQ_ERROR_ENUM)
#undef LIQ_ERROR_ENUM
} liq_error_t;

/* Short description of an error code ("invalid value"); never NULL. */
LIQ_API const char *liq_strerror(int code);

/*
 * The detailed message of the last error set on this thread, or "" if none.
 * The pointer stays valid until the next liq_error_set on the same thread.
 */
LIQ_API const char *liq_errmsg(void);

/* Sets this thread's detailed message (printf format) and returns code. */
LIQ_API int liq_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* As liq_error_set, with a va_list. */
LIQ_API int liq_error_vset(int code, const char *fmt, va_list ap);

/* Clears this thread's message. */
LIQ_API void liq_error_clear(void);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_ERROR_H */
