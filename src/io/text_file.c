/*
 * Whole files as text (text_file.h). Scenario files and price paths are
 * read once, whole, so that their parsers see one buffer and report lines.
 */
#include "io/text_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "liqnet/error.h"

int liq_text_file_read(const char *path, char **out, size_t *len, int *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *err = errno;
        return LIQ_EIO;
    }
    size_t capacity = 4096;
    char *buf = malloc(capacity);
    int rc = buf != NULL ? LIQ_OK : LIQ_ENOMEM;
    while (rc == LIQ_OK) {
        if (*len + 1 >= capacity) {
            char *grown = realloc(buf, 2 * capacity);
            if (grown == NULL) {
                rc = LIQ_ENOMEM;
                break;
            }
            buf = grown;
            capacity *= 2;
        }
        const size_t n = fread(buf + *len, 1, capacity - 1 - *len, f);
        *len += n;
        if (n == 0) {
            if (ferror(f)) {
                *err = errno != 0 ? errno : EIO;
                rc = LIQ_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (rc != LIQ_OK) {
        free(buf);
        return rc;
    }
    buf[*len] = '\0';
    *out = buf;
    return LIQ_OK;
}
