/*
 * Whole files as text, for the readers of src/io (scenario files, price
 * paths) and, offered to experiment, of sweep and calibration files.
 */
#ifndef LIQNET_IO_TEXT_FILE_H
#define LIQNET_IO_TEXT_FILE_H

#include <stddef.h>

/* Reads the file at `path` into a newly allocated NUL-terminated buffer
 * *out of *len bytes (free with free()). LIQ_EIO with *err the errno when
 * it cannot be read, LIQ_ENOMEM when out of memory (no message is set:
 * the caller says which file of what). */
int liq_text_file_read(const char *path, char **out, size_t *len, int *err);

#endif /* LIQNET_IO_TEXT_FILE_H */
