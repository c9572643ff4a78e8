/*
 * The group /events of a run file (docs/hdf5-schema.md "Group events"):
 * the event tables of the run (liqnet/events.h), one netCDF dimension per
 * table (`liquidation`, `auction`, `borrower_action`), so that
 * xr.open_dataset(path, engine="h5netcdf", group="events") opens them. Each
 * dimension is an int64 coordinate of row numbers (a dimension scale, as
 * the contagion group's `link`), and each column a dataset along it named
 * <table>_<column>.
 *
 * Workload: rows arrive each round (a cascade's round can liquidate 10^5
 * accounts); they are kept as the engine's rows and written column by
 * column into chunked datasets extended along their dimension, when the
 * run file writes its rounds (liq_h5_events_write, before the file's
 * commit: the tables always hold exactly the events of the rounds the file
 * holds, and a killed run leaves no half table) or earlier, without a
 * commit, when more than LIQ_H5_EVENTS_BYTES are waiting.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "io/h5_internal.h"
#include "liqnet/error.h"

/* Rows waiting in memory at most before they are written (no commit). */
#define LIQ_H5_EVENTS_BYTES ((size_t)16 << 20)
/* Rows of a chunk: 8192 x 8 bytes = 64 KiB. */
#define LIQ_H5_EVENTS_CHUNK 8192

enum { LIQ_ET_LIQUIDATION = 0, LIQ_ET_AUCTION = 1, LIQ_ET_BORROWER = 2, LIQ_N_ET = 3 };

/* File types of the columns. */
typedef enum { LIQ_EC_I64, LIQ_EC_I32, LIQ_EC_FLAG, LIQ_EC_F64 } liq_ecol_type_t;

typedef struct {
    const char *name; /* after the table's prefix */
    liq_ecol_type_t type;
    size_t offset; /* in the table's row struct */
    const char *units;
    const char *long_name;
} liq_ecol_t;

#define LIQ_LIQ(f) offsetof(liq_liquidation_event_t, f)
#define LIQ_AUC(f) offsetof(liq_auction_event_t, f)
#define LIQ_BOR(f) offsetof(liq_borrower_action_event_t, f)

static const liq_ecol_t liq_liquidation_cols[] = {
    {"round", LIQ_EC_I64, LIQ_LIQ(round), "round", "round of the liquidation"},
    {"protocol", LIQ_EC_I32, LIQ_LIQ(protocol), "1", "protocol index (the root's protocol)"},
    {"account", LIQ_EC_I64, LIQ_LIQ(account), "1",
     "account index: isolated global index, n_accounts + j for cross-margin account j, perp "
     "account index for perp protocols"},
    {"keeper", LIQ_EC_I32, LIQ_LIQ(keeper), "1",
     "keeper who liquidated: the winner's index in the protocol's keepers.liquidators; -1: the "
     "protocol's keepers as a whole"},
    {"repaid_value", LIQ_EC_F64, LIQ_LIQ(repaid_value), "USD",
     "debt repaid or taken into the auction, at the debt oracle price O_b"},
    {"seized_value", LIQ_EC_F64, LIQ_LIQ(seized_value), "USD",
     "collateral seized at O_a (perps: notional closed at the mark)"},
    {"price", LIQ_EC_F64, LIQ_LIQ(price), "USD per unit",
     "collateral oracle price O_a; NaN for cross-margin and perp accounts"},
    {"gas_paid", LIQ_EC_F64, LIQ_LIQ(gas_paid), "USD",
     "gas of the liquidation's transaction on a chain, else the protocol's gas cost of the round"},
    {"builder_share", LIQ_EC_F64, LIQ_LIQ(builder_share), "USD",
     "paid to the block's builder: gas x priority fee of a liquidator's transaction (its winning "
     "bid); 0 without keepers.liquidators"},
};

static const liq_ecol_t liq_auction_cols[] = {
    {"id", LIQ_EC_I64, LIQ_AUC(id), "1", "the protocol's auction number, in kick order"},
    {"protocol", LIQ_EC_I32, LIQ_AUC(protocol), "1", "protocol index (the root's protocol)"},
    {"account", LIQ_EC_I64, LIQ_AUC(account), "1", "global index of the vault auctioned"},
    {"kick_round", LIQ_EC_I64, LIQ_AUC(kick_round), "round", "round of the kick (bite)"},
    {"end_round", LIQ_EC_I64, LIQ_AUC(end_round), "round", "round of the deal"},
    {"tab", LIQ_EC_F64, LIQ_AUC(tab), "debt units", "debt the auction had to raise (debt x chop)"},
    {"lot", LIQ_EC_F64, LIQ_AUC(lot), "collateral units", "collateral auctioned at the kick"},
    {"bids", LIQ_EC_I64, LIQ_AUC(bids), "count", "tends and dents that ran on the auction"},
    {"winning_bid", LIQ_EC_F64, LIQ_AUC(winning_bid), "debt units", "what the winner paid"},
    {"sold_lot", LIQ_EC_F64, LIQ_AUC(sold_lot), "collateral units",
     "collateral the winner received"},
    {"zero_bid", LIQ_EC_FLAG, LIQ_AUC(zero_bid), "1",
     "1 when the winning bid was at most 10 rad (1e-44 DAI): won for zero"},
};

static const liq_ecol_t liq_borrower_cols[] = {
    {"round", LIQ_EC_I64, LIQ_BOR(round), "round", "round of the action"},
    {"protocol", LIQ_EC_I32, LIQ_BOR(protocol), "1", "protocol index (the root's protocol)"},
    {"account", LIQ_EC_I64, LIQ_BOR(account), "1", "global account index"},
    {"kind", LIQ_EC_I32, LIQ_BOR(kind), "1", "0: top-up of collateral, 1: repayment of debt"},
    {"amount", LIQ_EC_F64, LIQ_BOR(amount), "asset units",
     "collateral units (top-up) or debt units (repayment)"},
    {"value", LIQ_EC_F64, LIQ_BOR(value), "USD", "amount at the round's oracle prices"},
    {"included", LIQ_EC_FLAG, LIQ_BOR(included), "1",
     "1 when the action took effect, 0 when it failed (liquidated first, or dropped)"},
    {"gas_paid", LIQ_EC_F64, LIQ_BOR(gas_paid), "USD", "gas the action paid"},
};

static const struct {
    const char *name;
    const char *long_name;
    const liq_ecol_t *cols;
    size_t n_cols;
    size_t row_size;
} liq_etables[LIQ_N_ET] = {
    {"liquidation", "liquidation executed (row number)", liq_liquidation_cols,
     sizeof(liq_liquidation_cols) / sizeof(liq_liquidation_cols[0]),
     sizeof(liq_liquidation_event_t)},
    {"auction", "auction ended (row number)", liq_auction_cols,
     sizeof(liq_auction_cols) / sizeof(liq_auction_cols[0]), sizeof(liq_auction_event_t)},
    {"borrower_action", "borrower action (row number)", liq_borrower_cols,
     sizeof(liq_borrower_cols) / sizeof(liq_borrower_cols[0]), sizeof(liq_borrower_action_event_t)},
};

#define LIQ_EMAX_COLS 11

struct liq_h5_events {
    const char *path; /* borrowed from the writer */
    hid_t group;
    hid_t scale[LIQ_N_ET];
    hid_t col[LIQ_N_ET][LIQ_EMAX_COLS];
    hsize_t rows[LIQ_N_ET]; /* in the file */
    unsigned char *buf[LIQ_N_ET];
    size_t buffered[LIQ_N_ET], cap[LIQ_N_ET]; /* rows */
    unsigned char *column;                    /* scratch: one column of the largest batch */
    size_t column_cap;                        /* bytes */
};

static void liq_col_types(liq_ecol_type_t t, hid_t *file_type, hid_t *mem_type, size_t *size)
{
    switch (t) {
    case LIQ_EC_I64:
        *file_type = H5T_STD_I64LE;
        *mem_type = H5T_NATIVE_INT64;
        *size = 8;
        break;
    case LIQ_EC_I32:
        *file_type = H5T_STD_I32LE;
        *mem_type = H5T_NATIVE_INT32;
        *size = 4;
        break;
    case LIQ_EC_FLAG:
        *file_type = H5T_STD_I8LE;
        *mem_type = H5T_NATIVE_INT32; /* int32 in the row; HDF5 converts */
        *size = 4;
        break;
    default:
        *file_type = H5T_IEEE_F64LE;
        *mem_type = H5T_NATIVE_DOUBLE;
        *size = 8;
        break;
    }
}

/* A dataset path for messages: "events/<name>". */
static int liq_events_fail(const liq_h5_events_t *ev, const char *what, const char *name)
{
    return liq_h5_fail(ev->path, "cannot %s 'events/%s'", what, name);
}

static int liq_events_create_table(liq_h5_events_t *ev, int t)
{
    const hsize_t zero = 0, chunk = LIQ_H5_EVENTS_CHUNK;
    const char *tname = liq_etables[t].name;
    int rc = liq_h5_create_ds(&ev->scale[t], ev->path, ev->group, tname, H5T_STD_I64LE, 1, &zero,
                              &chunk);
    if (rc == LIQ_OK && H5DSset_scale(ev->scale[t], tname) < 0) {
        rc = liq_events_fail(ev, "make a dimension scale of", tname);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_describe(ev->path, ev->scale[t], "1", liq_etables[t].long_name);
    }
    for (size_t c = 0; c < liq_etables[t].n_cols && rc == LIQ_OK; c++) {
        const liq_ecol_t *col = &liq_etables[t].cols[c];
        char name[64];
        snprintf(name, sizeof(name), "%s_%s", tname, col->name);
        hid_t file_type, mem_type;
        size_t size;
        liq_col_types(col->type, &file_type, &mem_type, &size);
        rc = liq_h5_create_ds(&ev->col[t][c], ev->path, ev->group, name, file_type, 1, &zero,
                              &chunk);
        if (rc == LIQ_OK && H5DSattach_scale(ev->col[t][c], ev->scale[t], 0) < 0) {
            rc = liq_events_fail(ev, "attach its dimension to", name);
        }
        if (rc == LIQ_OK) {
            rc = liq_h5_describe(ev->path, ev->col[t][c], col->units, col->long_name);
        }
    }
    return rc;
}

int liq_h5_events_create(liq_h5_events_t **out, hid_t file, const char *path)
{
    *out = NULL;
    liq_h5_events_t *ev = calloc(1, sizeof(*ev));
    if (ev == NULL) {
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory for the event tables", path);
    }
    ev->path = path;
    ev->group = -1;
    for (int t = 0; t < LIQ_N_ET; t++) {
        ev->scale[t] = -1;
        for (int c = 0; c < LIQ_EMAX_COLS; c++) {
            ev->col[t][c] = -1;
        }
    }
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    int rc = LIQ_OK;
    if (gcpl < 0 ||
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        rc = liq_h5_fail(path, "cannot set the creation order of group 'events'");
    } else {
        ev->group = H5Gcreate2(file, "events", H5P_DEFAULT, gcpl, H5P_DEFAULT);
        if (ev->group < 0) {
            rc = liq_h5_fail(path, "cannot create group 'events'");
        }
    }
    if (gcpl >= 0) {
        H5Pclose(gcpl);
    }
    for (int t = 0; t < LIQ_N_ET && rc == LIQ_OK; t++) {
        rc = liq_events_create_table(ev, t);
    }
    if (rc == LIQ_OK) {
        rc = liq_h5_attr_string(path, ev->group, "description",
                                "one row per event of the rounds the file holds: liquidations "
                                "executed, auctions ended, borrower actions; rows of a round in "
                                "protocol order, then in the order the engine executed them");
    }
    if (rc != LIQ_OK) {
        liq_h5_events_close(ev);
        return rc;
    }
    *out = ev;
    return LIQ_OK;
}

/* Appends n rows of table t to its buffer. */
static int liq_events_keep(liq_h5_events_t *ev, int t, const void *rows, size_t n)
{
    if (n == 0) {
        return LIQ_OK;
    }
    const size_t size = liq_etables[t].row_size;
    if (ev->buffered[t] + n > ev->cap[t]) {
        size_t next = ev->cap[t] < 256 ? 256 : ev->cap[t];
        while (next < ev->buffered[t] + n) {
            next *= 2;
        }
        unsigned char *grown = realloc(ev->buf[t], next * size);
        if (grown == NULL) {
            return liq_error_set(LIQ_ENOMEM, "%s: out of memory for %zu rows of events/%s",
                                 ev->path, next, liq_etables[t].name);
        }
        ev->buf[t] = grown;
        ev->cap[t] = next;
    }
    memcpy(ev->buf[t] + ev->buffered[t] * size, rows, n * size);
    ev->buffered[t] += n;
    return LIQ_OK;
}

int liq_h5_events_add(liq_h5_events_t *ev, const liq_events_view_t *view)
{
    int rc = liq_events_keep(ev, LIQ_ET_LIQUIDATION, view->liquidations, view->n_liquidations);
    if (rc == LIQ_OK) {
        rc = liq_events_keep(ev, LIQ_ET_AUCTION, view->auctions, view->n_auctions);
    }
    if (rc == LIQ_OK) {
        rc = liq_events_keep(ev, LIQ_ET_BORROWER, view->borrower_actions, view->n_borrower_actions);
    }
    return rc;
}

static size_t liq_h5_events_waiting(const liq_h5_events_t *ev)
{
    size_t bytes = 0;
    for (int t = 0; t < LIQ_N_ET; t++) {
        bytes += ev->buffered[t] * liq_etables[t].row_size;
    }
    return bytes;
}

bool liq_h5_events_full(const liq_h5_events_t *ev)
{
    return liq_h5_events_waiting(ev) > LIQ_H5_EVENTS_BYTES;
}

/* Extends dataset ds to `rows + n` and writes n elements from data. */
static int liq_events_extend(const liq_h5_events_t *ev, hid_t ds, const char *name, hsize_t rows,
                             hsize_t n, hid_t mem_type, const void *data)
{
    const hsize_t size = rows + n;
    if (H5Dset_extent(ds, &size) < 0) {
        return liq_events_fail(ev, "extend", name);
    }
    const hid_t fspace = H5Dget_space(ds);
    if (fspace < 0) {
        return liq_events_fail(ev, "get the dataspace of", name);
    }
    int rc = LIQ_OK;
    const hid_t mspace = H5Screate_simple(1, &n, NULL);
    if (mspace < 0 || H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &rows, NULL, &n, NULL) < 0) {
        rc = liq_events_fail(ev, "select rows of", name);
    } else if (H5Dwrite(ds, mem_type, mspace, fspace, H5P_DEFAULT, data) < 0) {
        rc = liq_events_fail(ev, "write rows of", name);
    }
    if (mspace >= 0) {
        H5Sclose(mspace);
    }
    H5Sclose(fspace);
    return rc;
}

/* Writes table t's buffered rows: each column gathered from the rows, then
 * the coordinate (row numbers) last. */
static int liq_events_write_table(liq_h5_events_t *ev, int t)
{
    const size_t n = ev->buffered[t];
    if (n == 0) {
        return LIQ_OK;
    }
    if (n * 8 > ev->column_cap) {
        unsigned char *grown = realloc(ev->column, n * 8);
        if (grown == NULL) {
            return liq_error_set(LIQ_ENOMEM, "%s: out of memory for a column of events/%s",
                                 ev->path, liq_etables[t].name);
        }
        ev->column = grown;
        ev->column_cap = n * 8;
    }
    const size_t row_size = liq_etables[t].row_size;
    int rc = LIQ_OK;
    for (size_t c = 0; c < liq_etables[t].n_cols && rc == LIQ_OK; c++) {
        const liq_ecol_t *col = &liq_etables[t].cols[c];
        hid_t file_type, mem_type;
        size_t size;
        liq_col_types(col->type, &file_type, &mem_type, &size);
        const unsigned char *src = ev->buf[t] + col->offset;
        for (size_t k = 0; k < n; k++) {
            memcpy(ev->column + k * size, src + k * row_size, size);
        }
        rc = liq_events_extend(ev, ev->col[t][c], col->name, ev->rows[t], n, mem_type, ev->column);
    }
    if (rc == LIQ_OK) {
        int64_t *index = (int64_t *)(void *)ev->column;
        for (size_t k = 0; k < n; k++) {
            index[k] = (int64_t)(ev->rows[t] + k);
        }
        rc = liq_events_extend(ev, ev->scale[t], liq_etables[t].name, ev->rows[t], n,
                               H5T_NATIVE_INT64, index);
    }
    if (rc == LIQ_OK) {
        ev->rows[t] += n;
        ev->buffered[t] = 0;
    }
    return rc;
}

int liq_h5_events_write(liq_h5_events_t *ev)
{
    int rc = LIQ_OK;
    for (int t = 0; t < LIQ_N_ET && rc == LIQ_OK; t++) {
        rc = liq_events_write_table(ev, t);
    }
    return rc;
}

void liq_h5_events_close(liq_h5_events_t *ev)
{
    if (ev == NULL) {
        return;
    }
    /* The cleanup path: errors were reported before, or the file was
     * published whole by its last flush. */
    for (int t = 0; t < LIQ_N_ET; t++) {
        for (int c = 0; c < LIQ_EMAX_COLS; c++) {
            if (ev->col[t][c] >= 0) {
                H5Dclose(ev->col[t][c]);
            }
        }
        if (ev->scale[t] >= 0) {
            H5Dclose(ev->scale[t]);
        }
        free(ev->buf[t]);
    }
    if (ev->group >= 0) {
        H5Gclose(ev->group);
    }
    free(ev->column);
    free(ev);
}
