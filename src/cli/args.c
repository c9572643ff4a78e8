#include "cli/args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "liqnet/error.h"

int liq_cli_fail(int code)
{
    const char *msg = liq_errmsg();
    fprintf(stderr, "liqnet: error: %s\n", msg[0] != '\0' ? msg : liq_strerror(code));
    return LIQ_EXIT_FAIL;
}

bool liq_cli_parse_int(const char *text, long long min, long long max, long long *out)
{
    if (text == NULL || *text == '\0') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    const long long v = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

bool liq_cli_parse_double(const char *text, double *out)
{
    if (text == NULL || *text == '\0') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    const double v = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}
