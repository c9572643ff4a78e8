/*
 * What only src/io's HDF5 writers share (h5_writer.c, h5_contagion.c);
 * what other areas may use is in io/h5_layout.h.
 */
#ifndef LIQNET_IO_H5_INTERNAL_H
#define LIQNET_IO_H5_INTERNAL_H

#include "io/h5_layout.h"

/* Writes a run's contagion record as the group `contagion` of `loc` (a
 * file or group), with its own dimension scales `protocol`, `link` and
 * `cluster` (docs/hdf5-schema.md). `path` names the file in messages. */
int liq_h5_write_contagion(hid_t loc, const char *path, const liq_contagion_record_t *record);

#endif /* LIQNET_IO_H5_INTERNAL_H */
