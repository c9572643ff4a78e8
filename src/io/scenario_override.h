/*
 * Overrides of a scenario's YAML tree (liq_override_t, liqnet/scenario.h),
 * private to src/io: the document is edited in place before the scenario
 * reader sees it, so every override is validated exactly like a value
 * written in the file.
 */
#ifndef LIQNET_IO_SCENARIO_OVERRIDE_H
#define LIQNET_IO_SCENARIO_OVERRIDE_H

#include <stddef.h>

#include "io/yaml_read.h"
#include "liqnet/scenario.h"

/* Applies the n overrides in order. Errors: LIQ_EKEY for a path that leads
 * nowhere, LIQ_EINVAL for a malformed path or a value that cannot be set
 * there, LIQ_ENOMEM; the message names the override's origin and path. */
int liq_ydoc_apply_overrides(liq_ydoc_t *d, const liq_override_t *overrides, size_t n);

#endif /* LIQNET_IO_SCENARIO_OVERRIDE_H */
