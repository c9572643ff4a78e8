/*
 * The group /contagion of a run file (docs/hdf5-schema.md): a run's
 * contagion record (liq_contagion_record_t, include/liqnet/network.h) laid
 * out as a netCDF-4 group, so that
 * xr.open_dataset(path, engine="h5netcdf", group="contagion") opens it with
 * named dimensions `protocol`, `link` and `cluster` and protocol names.
 *
 * Written once, when a run finishes; O(protocols + links) values. The group
 * has its own dimension scales (a `protocol` coordinate beside the root's),
 * so it opens on its own without the root dataset.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/h5_internal.h"
#include "liqnet/error.h"

enum { LIQ_CDIM_PROTOCOL = 0, LIQ_CDIM_LINK = 1, LIQ_CDIM_CLUSTER = 2, LIQ_N_CDIMS = 3 };

static const char *const liq_cdim_names[LIQ_N_CDIMS] = {"protocol", "link", "cluster"};

/* File types of the variables: a 0/1 flag, a count or index, a number. */
typedef enum { LIQ_CT_FLAG = 0, LIQ_CT_INT = 1, LIQ_CT_REAL = 2 } liq_ctype_t;

/* A variable of the group: an array of the record along a dimension
 * (dim >= 0), or a scalar field (dim < 0). */
typedef struct {
    const char *name;
    int dim;
    liq_ctype_t type;
    size_t offset; /* offsetof(liq_contagion_record_t, <field>) */
    const char *units;
    const char *long_name;
} liq_contagion_def_t;

#define LIQ_REC(field) offsetof(liq_contagion_record_t, field)

static const liq_contagion_def_t liq_contagion_defs[] = {
    {"source", LIQ_CDIM_PROTOCOL, LIQ_CT_FLAG, LIQ_REC(source), "1",
     "1 where a shock enters: a collateral market in, the debt of, or a holding of a shocked "
     "asset"},
    {"distance", LIQ_CDIM_PROTOCOL, LIQ_CT_INT, LIQ_REC(distance), "hops",
     "links on the protocol graph to the nearest source; -1 when none is reachable"},
    {"first_failure_round", LIQ_CDIM_PROTOCOL, LIQ_CT_INT, LIQ_REC(first_failure), "round",
     "round of the protocol's first failure (the summary's first_failure_round); -1 if none"},
    {"failed", LIQ_CDIM_PROTOCOL, LIQ_CT_FLAG, LIQ_REC(failed), "1",
     "1 when the protocol failed in the rounds the run completed"},
    {"degree", LIQ_CDIM_PROTOCOL, LIQ_CT_INT, LIQ_REC(degree), "count",
     "links of the protocol on the protocol graph"},
    {"strength", LIQ_CDIM_PROTOCOL, LIQ_CT_REAL, LIQ_REC(strength), "shared resources",
     "sum of the weights of the protocol's links"},
    {"pagerank", LIQ_CDIM_PROTOCOL, LIQ_CT_REAL, LIQ_REC(pagerank), "1",
     "PageRank on the weighted protocol graph, damping 0.85; adds up to 1"},
    {"betweenness", LIQ_CDIM_PROTOCOL, LIQ_CT_REAL, LIQ_REC(betweenness), "paths",
     "shortest paths (in hops) between other protocols through this one, not normalised; NaN "
     "when skipped (attribute betweenness)"},
    {"failed_cluster", LIQ_CDIM_PROTOCOL, LIQ_CT_INT, LIQ_REC(cluster), "1",
     "connected component of the failed protocols it belongs to; -1 when not failed"},
    {"link_from", LIQ_CDIM_LINK, LIQ_CT_INT, LIQ_REC(link_from), "1",
     "protocol index of one end (the lower)"},
    {"link_to", LIQ_CDIM_LINK, LIQ_CT_INT, LIQ_REC(link_to), "1",
     "protocol index of the other end (the higher)"},
    {"link_weight", LIQ_CDIM_LINK, LIQ_CT_REAL, LIQ_REC(link_weight), "shared resources",
     "shared collateral assets + route pools + collateral oracles + issued tokens"},
    {"shared_assets", LIQ_CDIM_LINK, LIQ_CT_INT, LIQ_REC(link_shared_assets), "count",
     "collateral assets both protocols accept"},
    {"shared_pools", LIQ_CDIM_LINK, LIQ_CT_INT, LIQ_REC(link_shared_pools), "count",
     "pools both protocols sell seized collateral on"},
    {"shared_oracles", LIQ_CDIM_LINK, LIQ_CT_INT, LIQ_REC(link_shared_oracles), "count",
     "collateral oracles both protocols read"},
    {"shared_tokens", LIQ_CDIM_LINK, LIQ_CT_INT, LIQ_REC(link_shared_tokens), "count",
     "assets one protocol issues that the other holds or accepts as collateral"},
    {"cluster_size", LIQ_CDIM_CLUSTER, LIQ_CT_INT, LIQ_REC(cluster_size), "count",
     "failed protocols in the cluster"},
    {"source_protocols", -1, LIQ_CT_INT, LIQ_REC(sources), "count",
     "protocols where a shock enters"},
    {"failed_protocols", -1, LIQ_CT_INT, LIQ_REC(failed_count), "count", "protocols failed"},
    {"largest_cluster", -1, LIQ_CT_INT, LIQ_REC(largest_cluster), "count",
     "failed protocols in the largest failed cluster; 0 if none failed"},
    {"reach", -1, LIQ_CT_INT, LIQ_REC(reach), "hops",
     "largest distance of a failed protocol from the sources; -1 if none failed within reach"},
};

#define LIQ_N_CONTAGION (sizeof(liq_contagion_defs) / sizeof(liq_contagion_defs[0]))

static size_t liq_cdim_length(const liq_contagion_record_t *r, int dim)
{
    return dim == LIQ_CDIM_PROTOCOL ? r->n_protocols
           : dim == LIQ_CDIM_LINK   ? r->n_links
                                    : r->n_clusters;
}

/* The three coordinates: protocol names, link and cluster numbers. */
static int liq_contagion_coordinates(hid_t group, const char *path, const liq_contagion_record_t *r,
                                     hid_t scale[LIQ_N_CDIMS])
{
    int rc = LIQ_OK;
    const hid_t str = liq_h5_string_type();
    if (str < 0) {
        return liq_h5_fail(path, "cannot make the string type of '%s'", "contagion/protocol");
    }
    for (int d = 0; d < LIQ_N_CDIMS && rc == LIQ_OK; d++) {
        const hsize_t n = liq_cdim_length(r, d);
        const char *name = liq_cdim_names[d];
        rc = liq_h5_create_ds(&scale[d], path, group, name,
                              d == LIQ_CDIM_PROTOCOL ? str : H5T_STD_I64LE, 1, &n, NULL);
        if (rc != LIQ_OK || n == 0) {
            /* nothing to write */
        } else if (d == LIQ_CDIM_PROTOCOL) {
            if (H5Dwrite(scale[d], str, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->name) < 0) {
                rc = liq_h5_fail(path, "cannot write dataset 'contagion/%s'", name);
            }
        } else {
            int64_t *index = malloc(n * sizeof(*index));
            if (index == NULL) {
                rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory for contagion/%s", path, name);
                break;
            }
            for (hsize_t i = 0; i < n; i++) {
                index[i] = (int64_t)i;
            }
            if (H5Dwrite(scale[d], H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) < 0) {
                rc = liq_h5_fail(path, "cannot write dataset 'contagion/%s'", name);
            }
            free(index);
        }
        if (rc == LIQ_OK && H5DSset_scale(scale[d], name) < 0) {
            rc = liq_h5_fail(path, "cannot make a dimension scale of 'contagion/%s'", name);
        }
        if (rc == LIQ_OK) {
            static const char *const long_names[LIQ_N_CDIMS] = {
                "protocol name", "link of the protocol graph (from < to, sorted)",
                "cluster of failed protocols (numbered by lowest protocol index)"};
            rc = liq_h5_describe(path, scale[d], "1", long_names[d]);
        }
    }
    H5Tclose(str);
    return rc;
}

static int liq_contagion_variable(hid_t group, const char *path, const liq_contagion_record_t *r,
                                  const hid_t scale[LIQ_N_CDIMS], const liq_contagion_def_t *def)
{
    const hid_t file_type = def->type == LIQ_CT_FLAG  ? H5T_STD_I8LE
                            : def->type == LIQ_CT_INT ? H5T_STD_I64LE
                                                      : H5T_IEEE_F64LE;
    const hid_t mem_type = def->type == LIQ_CT_FLAG  ? H5T_NATIVE_UINT8
                           : def->type == LIQ_CT_INT ? H5T_NATIVE_INT64
                                                     : H5T_NATIVE_DOUBLE;
    const void *data = (const char *)r + def->offset;
    hsize_t n = 1;
    hid_t ds = -1;
    int rc;
    if (def->dim >= 0) {
        n = liq_cdim_length(r, def->dim);
        data = *(const void *const *)data;
        rc = liq_h5_create_ds(&ds, path, group, def->name, file_type, 1, &n, NULL);
    } else {
        rc = liq_h5_create_ds(&ds, path, group, def->name, file_type, 0, NULL, NULL);
    }
    if (rc == LIQ_OK && n > 0 && H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        rc = liq_h5_fail(path, "cannot write dataset 'contagion/%s'", def->name);
    }
    if (rc == LIQ_OK && def->dim >= 0 && H5DSattach_scale(ds, scale[def->dim], 0) < 0) {
        rc = liq_h5_fail(path, "cannot attach dimension '%s' to 'contagion/%s'",
                         liq_cdim_names[def->dim], def->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(path, ds, def->units, def->long_name);
    }
    const int close_rc = liq_h5_close_ds(path, &ds, def->name);
    return rc != LIQ_OK ? rc : close_rc;
}

static int liq_contagion_attributes(hid_t group, const char *path, const liq_contagion_record_t *r)
{
    int rc = liq_h5_attr_int64(path, group, "rounds_completed", r->rounds);
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(path, group, "failure",
                                "a protocol has failed when its first_failure_round >= 0 in the "
                                "run's summary");
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(path, group, "betweenness",
                                r->betweenness_computed ? "exact" : "skipped");
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(path, group, "betweenness_note", r->betweenness_note);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_write(path, group, "betweenness_cost", H5T_NATIVE_DOUBLE,
                               &r->betweenness_cost);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_write(path, group, "betweenness_limit", H5T_NATIVE_DOUBLE,
                               &r->betweenness_limit);
    }
    return rc;
}

int liq_h5_write_contagion(hid_t loc, const char *path, const liq_contagion_record_t *r)
{
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0) {
        return liq_h5_fail(path, "cannot create the properties of group 'contagion'");
    }
    hid_t group = -1;
    int rc = LIQ_OK;
    /* Creation order, as in the root group, so readers list the variables
     * in the order of docs/hdf5-schema.md. */
    if (H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        rc = liq_h5_fail(path, "cannot set the creation order of group 'contagion'");
    } else {
        group = H5Gcreate2(loc, "contagion", H5P_DEFAULT, gcpl, H5P_DEFAULT);
        if (group < 0) {
            rc = liq_h5_fail(path, "cannot create group 'contagion'");
        }
    }
    H5Pclose(gcpl);
    hid_t scale[LIQ_N_CDIMS] = {-1, -1, -1};
    if (rc == LIQ_OK) {
        rc = liq_contagion_coordinates(group, path, r, scale);
    }
    for (size_t k = 0; k < LIQ_N_CONTAGION && rc == LIQ_OK; k++) {
        rc = liq_contagion_variable(group, path, r, scale, &liq_contagion_defs[k]);
    }
    if (rc == LIQ_OK) {
        rc = liq_contagion_attributes(group, path, r);
    }
    for (int d = 0; d < LIQ_N_CDIMS; d++) {
        const int close_rc = liq_h5_close_ds(path, &scale[d], liq_cdim_names[d]);
        rc = rc != LIQ_OK ? rc : close_rc;
    }
    if (group >= 0 && H5Gclose(group) < 0 && rc == LIQ_OK) {
        rc = liq_h5_fail(path, "cannot close group 'contagion'");
    }
    return rc;
}
