/*
 * Tests of the committing file driver (src/io/h5_commit.c) and of what the
 * run writer (src/io/h5_writer.c) does with it when a write fails.
 *
 * The driver's promise is checked on the bytes of the file under its name:
 * they do not change between commits (whatever HDF5 writes meanwhile), they
 * change at a commit to a file that holds everything written before it,
 * a file a reader has open is never rewritten, and a file abandoned or closed
 * after a failure stays as its last commit left it. The fallbacks (no
 * rename-exchange, no hard links) and a full disk are simulated with the
 * LIQNET_FAULT_* variables of builds with LIQNET_FAULT_INJECTION; those tests
 * are skipped in builds without it.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "io/h5_internal.h"
#include "liq_test_dir.h"
#include "liqnet/error.h"
#include "liqnet/io.h"

/* ------------------------------------------------------------- helpers */

/* The whole content of a file, or NULL (*size 0) when it does not exist. */
static unsigned char *slurp(const char *path, size_t *size)
{
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (;;) {
        if (*size == cap) {
            cap = cap > 0 ? 2 * cap : 65536;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        const size_t n = fread(buf + *size, 1, cap - *size, f);
        *size += n;
        if (n == 0) {
            break;
        }
    }
    fclose(f);
    return buf;
}

static bool same_bytes(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static hid_t create_committed(const char *path)
{
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    assert_true(fapl >= 0);
    assert_true(liq_h5_commit_fapl(fapl, false) >= 0);
    const hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    assert_true(file >= 0);
    return file;
}

/* An extendible dataset "x" of doubles, chunks of 64. */
static hid_t create_x(hid_t file)
{
    const hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = 64;
    const hid_t space = H5Screate_simple(1, &dims, &maxdims);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 1, &chunk) >= 0);
    const hid_t ds = H5Dcreate2(file, "x", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds;
}

/* Appends values first .. first+count-1 (as doubles) to "x". */
static void append_x(hid_t ds, hsize_t first, hsize_t count)
{
    const hsize_t size = first + count;
    assert_true(H5Dset_extent(ds, &size) >= 0);
    double *v = malloc(count * sizeof(*v));
    assert_non_null(v);
    for (hsize_t i = 0; i < count; i++) {
        v[i] = (double)(first + i) + 0.25;
    }
    const hid_t fspace = H5Dget_space(ds);
    assert_true(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &first, NULL, &count, NULL) >= 0);
    const hid_t mspace = H5Screate_simple(1, &count, NULL);
    assert_true(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, v) >= 0);
    H5Sclose(mspace);
    H5Sclose(fspace);
    free(v);
}

/* "x" of an open file holds exactly 0.25, 1.25, ..., n - 0.75. */
static void assert_x(hid_t file, hsize_t n)
{
    const hid_t ds = H5Dopen2(file, "x", H5P_DEFAULT);
    assert_true(ds >= 0);
    const hid_t space = H5Dget_space(ds);
    hsize_t dims = 0;
    assert_true(H5Sget_simple_extent_dims(space, &dims, NULL) == 1);
    assert_int_equal(dims, n);
    double *v = malloc((n > 0 ? n : 1) * sizeof(*v));
    assert_non_null(v);
    if (n > 0) {
        assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    }
    for (hsize_t i = 0; i < n; i++) {
        assert_true(v[i] == (double)i + 0.25);
    }
    free(v);
    H5Sclose(space);
    H5Dclose(ds);
}

/* Opens the file under its name with HDF5's default driver, read-only, as a
 * reader in another process would (with HDF5's shared file lock). */
static hid_t open_reader(const char *path)
{
    const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    return file;
}

static void shadow_of(char *buf, size_t size, const char *path)
{
    snprintf(buf, size, "%s.shadow", path);
}

/* -------------------------------------------------------------- driver */

/*
 * Nothing under the file's name before the first commit; between commits its
 * bytes do not change, whatever HDF5 writes (an H5Fflush included), while the
 * writer's own handle reads what it wrote; a commit publishes all of it.
 */
static void test_commit_publishes_whole(void **state)
{
    (void)state;
    const char *path = "commit.h5";
    char shadow[64];
    shadow_of(shadow, sizeof(shadow), path);
    const hid_t file = create_committed(path);
    const hid_t ds = create_x(file);
    append_x(ds, 0, 100);
    assert_true(H5Fflush(file, H5F_SCOPE_LOCAL) >= 0); /* HDF5's flush is no commit */
    assert_false(exists(path));
    assert_true(exists(shadow));

    assert_true(liq_h5_commit_flush(file) >= 0);
    size_t n_a = 0;
    unsigned char *a = slurp(path, &n_a);
    assert_non_null(a);
    const hid_t reader = open_reader(path);
    assert_x(reader, 100);
    H5Fclose(reader);

    append_x(ds, 100, 300); /* chunks of their own, and the one 100 ends in */
    assert_true(H5Fflush(file, H5F_SCOPE_LOCAL) >= 0);
    assert_x(file, 400); /* the writer reads its journal over the file */
    size_t n_b = 0;
    unsigned char *b = slurp(path, &n_b);
    assert_true(same_bytes(a, n_a, b, n_b));
    free(b);

    assert_true(liq_h5_commit_flush(file) >= 0);
    const hid_t reader2 = open_reader(path);
    assert_x(reader2, 400);
    H5Fclose(reader2);
    append_x(ds, 400, 1);
    assert_true(liq_h5_commit_flush(file) >= 0); /* the shadow caught up with two journals */
    const hid_t reader3 = open_reader(path);
    assert_x(reader3, 401);
    H5Fclose(reader3);

    H5Dclose(ds);
    assert_true(H5Fclose(file) >= 0);
    assert_false(exists(shadow)); /* closing removes it */
    const hid_t final = open_reader(path);
    assert_x(final, 401);
    H5Fclose(final);
    free(a);
    unlink(path);
}

/* Abandoned: what was written since the last commit is dropped, the shadow
 * removed; before any commit, no file at all. */
static void test_abandon(void **state)
{
    (void)state;
    const char *path = "abandon.h5";
    char shadow[64];
    shadow_of(shadow, sizeof(shadow), path);
    hid_t file = create_committed(path);
    hid_t ds = create_x(file);
    append_x(ds, 0, 10);
    assert_true(liq_h5_commit_flush(file) >= 0);
    size_t n_a = 0;
    unsigned char *a = slurp(path, &n_a);
    append_x(ds, 10, 90);
    liq_h5_commit_abandon(file);
    H5Dclose(ds);
    assert_true(H5Fclose(file) >= 0);
    size_t n_b = 0;
    unsigned char *b = slurp(path, &n_b);
    assert_true(same_bytes(a, n_a, b, n_b));
    assert_false(exists(shadow));
    free(a);
    free(b);
    unlink(path);

    file = create_committed(path);
    ds = create_x(file);
    append_x(ds, 0, 10);
    liq_h5_commit_abandon(file);
    H5Dclose(ds);
    assert_true(H5Fclose(file) >= 0);
    assert_false(exists(path));
    assert_false(exists(shadow));
}

/* A copy a reader has open is never rewritten: two commits later it would be
 * the shadow again; the driver starts a new shadow instead. */
static void test_reader_copy_untouched(void **state)
{
    (void)state;
    const char *path = "reader.h5";
    const hid_t file = create_committed(path);
    const hid_t ds = create_x(file);
    append_x(ds, 0, 50);
    assert_true(liq_h5_commit_flush(file) >= 0);
    const hid_t reader = open_reader(path);
    struct stat held;
    assert_int_equal(stat(path, &held), 0);
    for (hsize_t k = 1; k <= 4; k++) {
        append_x(ds, 50 * k, 50);
        assert_true(liq_h5_commit_flush(file) >= 0);
    }
    assert_x(reader, 50); /* unchanged under the reader */
    H5Fclose(reader);
    const hid_t now = open_reader(path);
    assert_x(now, 250);
    H5Fclose(now);
    H5Dclose(ds);
    assert_true(H5Fclose(file) >= 0);
    unlink(path);
}

/* The fallbacks give the same files: hard links and renames where
 * rename-exchange is missing; in place where hard links are too. */
static void test_fallbacks(void **state)
{
    (void)state;
    if (!liq_h5_commit_fault_injection()) {
        skip();
    }
    const char *vars[2] = {"LIQNET_FAULT_NO_EXCHANGE", "LIQNET_FAULT_NO_LINK"};
    for (int mode = 0; mode < 2; mode++) {
        setenv(vars[0], "1", 1);
        if (mode == 1) {
            setenv(vars[1], "1", 1);
        }
        const char *path = "fallback.h5";
        char shadow[64];
        shadow_of(shadow, sizeof(shadow), path);
        const hid_t file = create_committed(path);
        const hid_t ds = create_x(file);
        for (hsize_t k = 0; k < 5; k++) {
            append_x(ds, 20 * k, 20);
            assert_true(liq_h5_commit_flush(file) >= 0);
            const hid_t reader = open_reader(path);
            assert_x(reader, 20 * (k + 1));
            H5Fclose(reader);
            /* Link mode keeps a shadow; in place, none after the first swap. */
            assert_true(mode == 0 ? exists(shadow) : (k == 0 ? exists(shadow) : !exists(shadow)));
        }
        H5Dclose(ds);
        assert_true(H5Fclose(file) >= 0);
        assert_false(exists(shadow));
        const hid_t final = open_reader(path);
        assert_x(final, 100);
        H5Fclose(final);
        unlink(path);
        unsetenv(vars[0]);
        unsetenv(vars[1]);
    }
}

/* A failed commit leaves the published file as the last commit left it,
 * refuses later commits, and closes without error or crash. */
static void test_failed_commit(void **state)
{
    (void)state;
    if (!liq_h5_commit_fault_injection()) {
        skip();
    }
    const char *path = "failed.h5";
    char shadow[64];
    shadow_of(shadow, sizeof(shadow), path);
    liq_h5_commit_fault_reset();
    setenv("LIQNET_FAULT_WRITE_AFTER", "20000", 1);
    const hid_t file = create_committed(path);
    const hid_t ds = create_x(file);
    append_x(ds, 0, 100);
    assert_true(liq_h5_commit_flush(file) >= 0);
    size_t n_a = 0;
    unsigned char *a = slurp(path, &n_a);
    append_x(ds, 100, 5000); /* 40 kB: past the budget */
    assert_true(liq_h5_commit_flush(file) < 0);
    const int rc = liq_h5_fail(path, "cannot flush the file");
    assert_int_equal(rc, LIQ_EHDF5);
    assert_non_null(strstr(liq_errmsg(), "cannot write the shadow copy 'failed.h5.shadow': No "
                                         "space left on device (errno 28)"));
    assert_true(liq_h5_commit_flush(file) < 0); /* refused from now on */
    H5Dclose(ds);
    assert_true(H5Fclose(file) >= 0);
    unsetenv("LIQNET_FAULT_WRITE_AFTER");
    size_t n_b = 0;
    unsigned char *b = slurp(path, &n_b);
    assert_true(same_bytes(a, n_a, b, n_b));
    assert_false(exists(shadow));
    const hid_t reader = open_reader(path);
    assert_x(reader, 100);
    H5Fclose(reader);
    free(a);
    free(b);
    unlink(path);
}

/* A commit that fails when the file is closed: the file stays as the last
 * commit left it, the shadow is removed, and HDF5 releases the file (one it
 * could not close was left open, and its exit handler crashed the process
 * with SIGSEGV: this test did, when the driver's close reported the failure). */
static void test_failed_close(void **state)
{
    (void)state;
    if (!liq_h5_commit_fault_injection()) {
        skip();
    }
    const char *path = "close.h5";
    char shadow[64];
    shadow_of(shadow, sizeof(shadow), path);
    /* What the first commit writes: the size of the file it publishes. */
    hid_t file = create_committed(path);
    hid_t ds = create_x(file);
    append_x(ds, 0, 100);
    assert_true(liq_h5_commit_flush(file) >= 0);
    H5Dclose(ds);
    liq_h5_commit_abandon(file);
    assert_true(H5Fclose(file) >= 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    unlink(path);

    liq_h5_commit_fault_reset();
    char budget[32];
    snprintf(budget, sizeof(budget), "%lld", (long long)st.st_size + 100);
    setenv("LIQNET_FAULT_WRITE_AFTER", budget, 1);
    file = create_committed(path);
    ds = create_x(file);
    append_x(ds, 0, 100);
    assert_true(liq_h5_commit_flush(file) >= 0);
    size_t n_a = 0;
    unsigned char *a = slurp(path, &n_a);
    append_x(ds, 100, 100);
    H5Dclose(ds);
    assert_true(H5Fclose(file) >= 0); /* its closing commit ran out of room */
    unsetenv("LIQNET_FAULT_WRITE_AFTER");
    size_t n_b = 0;
    unsigned char *b = slurp(path, &n_b);
    assert_true(same_bytes(a, n_a, b, n_b));
    assert_false(exists(shadow));
    assert_int_equal(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE), 0);
    const hid_t reader = open_reader(path);
    assert_x(reader, 100);
    H5Fclose(reader);
    free(a);
    free(b);
    unlink(path);
}

/* Two writers of one file: the second is refused while the first writes
 * (before and after its first commit); a shadow a killed writer left (no one
 * has it open) is taken over. */
static void test_two_writers(void **state)
{
    (void)state;
    const char *path = "two.h5";
    char shadow[64];
    shadow_of(shadow, sizeof(shadow), path);
    FILE *stale = fopen(shadow, "wb");
    assert_non_null(stale);
    fputs("left by a killed writer", stale);
    fclose(stale);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    assert_true(liq_h5_commit_fapl(fapl, false) >= 0);
    for (int committed = 0; committed < 2; committed++) {
        const hid_t first = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        assert_true(first >= 0);
        const hid_t ds = create_x(first);
        append_x(ds, 0, 10);
        if (committed) {
            assert_true(liq_h5_commit_flush(first) >= 0);
        }
        /* In one process, once the file is published HDF5 refuses first
         * ("unable to truncate a file which is already open"); the driver's
         * refusal is what another process meets (tests/cli/run_kill_tests.sh). */
        assert_true(H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl) < 0);
        liq_h5_fail(path, "cannot create the file");
        if (!committed) {
            assert_non_null(strstr(liq_errmsg(), "another process has the shadow copy open "
                                                 "(another liqnet writing the same file?): "
                                                 "'two.h5.shadow'"));
        }
        H5Dclose(ds);
        assert_true(H5Fclose(first) >= 0);
        const hid_t reader = open_reader(path);
        assert_x(reader, 10);
        H5Fclose(reader);
        unlink(path);
    }
    H5Pclose(fapl);
}

/* -------------------------------------------------------------- writer */

typedef struct {
    liq_scenario_t sc;
    char *names[4];
    double exo, ref, r0, r1, pp, orc;
    double repaid, seized, bad, fund, deficit, coll, debt, impair, held, redeem;
    int64_t liqs, stalled;
    liq_state_view_t view;
} mini_t;

/* One asset, pool, oracle and protocol; every value a function of the round. */
static void mini_init(mini_t *m)
{
    memset(m, 0, sizeof(*m));
    static const char *const names[4] = {"A", "P", "O", "L"};
    for (int k = 0; k < 4; k++) {
        m->names[k] = strdup(names[k]);
        assert_non_null(m->names[k]);
    }
    m->sc.name = m->names[3];
    m->sc.n_assets = m->sc.n_pools = m->sc.n_oracles = m->sc.n_protocols = 1;
    m->sc.assets = calloc(1, sizeof(*m->sc.assets));
    m->sc.pools = calloc(1, sizeof(*m->sc.pools));
    m->sc.oracles = calloc(1, sizeof(*m->sc.oracles));
    m->sc.protocols = calloc(1, sizeof(*m->sc.protocols));
    assert_true(m->sc.assets && m->sc.pools && m->sc.oracles && m->sc.protocols);
    m->sc.assets[0].name = m->names[0];
    m->sc.pools[0].name = m->names[1];
    m->sc.oracles[0].name = m->names[2];
    m->sc.protocols[0].name = m->names[3];
    m->view = (liq_state_view_t){.n_assets = 1,
                                 .n_pools = 1,
                                 .n_oracles = 1,
                                 .n_protocols = 1,
                                 .exogenous_price = &m->exo,
                                 .reference_price = &m->ref,
                                 .pool_reserve0 = &m->r0,
                                 .pool_reserve1 = &m->r1,
                                 .pool_price = &m->pp,
                                 .oracle_price = &m->orc,
                                 .liquidations = &m->liqs,
                                 .repaid_value = &m->repaid,
                                 .seized_value = &m->seized,
                                 .stalled = &m->stalled,
                                 .bad_debt = &m->bad,
                                 .insurance_fund = &m->fund,
                                 .deficit = &m->deficit,
                                 .collateral_value = &m->coll,
                                 .debt_value = &m->debt,
                                 .impairment = &m->impair,
                                 .holdings_value = &m->held,
                                 .redemption = &m->redeem};
}

static void mini_free(mini_t *m)
{
    free(m->sc.assets);
    free(m->sc.pools);
    free(m->sc.oracles);
    free(m->sc.protocols);
    for (int k = 0; k < 4; k++) {
        free(m->names[k]);
    }
}

static const liq_state_view_t *mini_round(mini_t *m, int64_t t)
{
    m->view.round = t;
    m->orc = 2000.0 - (double)t + 0.125;
    m->liqs = t;
    return &m->view;
}

static char *root_string(hid_t file, const char *name)
{
    if (H5Aexists(file, name) <= 0) {
        return NULL;
    }
    const hid_t attr = H5Aopen(file, name, H5P_DEFAULT);
    const hid_t type = liq_h5_string_type();
    char *value = NULL;
    assert_true(H5Aread(attr, type, &value) >= 0);
    char *copy = strdup(value);
    H5free_memory(value);
    H5Tclose(type);
    H5Aclose(attr);
    return copy;
}

/* The run file after the writer failed: status, error, and rounds 0 .. last
 * in `round` and `oracle_price`. */
static void assert_run_file(const char *path, const char *status, bool has_error, int64_t last)
{
    const hid_t file = open_reader(path);
    char *value = root_string(file, "status");
    assert_string_equal(value, status);
    free(value);
    char *error = root_string(file, "error");
    assert_true(has_error == (error != NULL));
    if (has_error) {
        assert_non_null(strstr(error, "No space left on device"));
    }
    free(error);
    int64_t completed = -1;
    const hid_t attr = H5Aopen(file, "rounds_completed", H5P_DEFAULT);
    assert_true(H5Aread(attr, H5T_NATIVE_INT64, &completed) >= 0);
    H5Aclose(attr);
    assert_int_equal(completed, last);
    const char *names[2] = {"round", "oracle_price"};
    for (int k = 0; k < 2; k++) {
        const hid_t ds = H5Dopen2(file, names[k], H5P_DEFAULT);
        const hid_t space = H5Dget_space(ds);
        hsize_t dims[2] = {0, 0};
        assert_true(H5Sget_simple_extent_dims(space, dims, NULL) >= 1);
        assert_int_equal(dims[0], (hsize_t)last + 1);
        double v[64];
        assert_true(dims[0] <= 64);
        assert_true(H5Dread(ds, k == 0 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                            H5P_DEFAULT, v) >= 0);
        for (hsize_t t = 0; t < dims[0]; t++) {
            assert_true(v[t] == (k == 0 ? (double)t : 2000.0 - (double)t + 0.125));
        }
        H5Sclose(space);
        H5Dclose(ds);
    }
    H5Fclose(file);
}

/* A full disk in the middle of a run: the append that flushes fails with one
 * message naming the rounds kept; the file holds them, says failed and has
 * the error; the writer refuses what follows; finish frees it. With the disk
 * too full even for that, the same file says incomplete. */
static void test_writer_full_disk(void **state)
{
    (void)state;
    if (!liq_h5_commit_fault_injection()) {
        skip();
    }
    const char *path = "full.h5";
    const liq_h5_options_t options = {
        .force = true, .flush_every = 4, .scenario_yaml = "rounds: 60\n", .seed = 7};
    /* The size of the file with round 0: what the first commit writes. The
     * second writes it again (the shadow's first journal) and a batch. */
    mini_t m0;
    mini_init(&m0);
    liq_h5_writer_t *w0 = NULL;
    assert_int_equal(liq_h5_writer_create(&w0, path, &m0.sc, mini_round(&m0, 0), &options), LIQ_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    liq_h5_writer_destroy(w0);
    mini_free(&m0);
    char budget[64];
    for (int variant = 0; variant < 2; variant++) {
        mini_t m;
        mini_init(&m);
        liq_h5_commit_fault_reset();
        /* Room for round 0 and a few batches, then none; in variant 1 none
         * for the reopenings that mark the file either (atomically, then in
         * place). */
        snprintf(budget, sizeof(budget), "%lld%s", 2 * (long long)st.st_size + 20000,
                 variant == 0 ? "" : ",0,0");
        setenv("LIQNET_FAULT_WRITE_AFTER", budget, 1);
        liq_h5_writer_t *w = NULL;
        assert_int_equal(liq_h5_writer_create(&w, path, &m.sc, mini_round(&m, 0), &options),
                         LIQ_OK);
        int rc = LIQ_OK;
        int64_t t = 1;
        for (; t <= 60 && rc == LIQ_OK; t++) {
            rc = liq_h5_writer_append(w, mini_round(&m, t));
        }
        assert_int_equal(rc, LIQ_EHDF5);
        /* Batches of 4 rounds: the failed one ended at round t - 1, the one
         * before 4 rounds earlier (round 0 was flushed alone). */
        const int64_t last = t - 1 - 4 > 0 ? t - 1 - 4 : 0;
        assert_true(last >= 3 && t <= 60);
        char expected[256];
        snprintf(expected, sizeof(expected),
                 "; full.h5 keeps rounds 0 to %lld (its last flush) and %s", (long long)last,
                 variant == 0 ? "is marked failed"
                              : "could not be marked failed: its status stays incomplete");
        assert_non_null(strstr(liq_errmsg(), "No space left on device (errno 28)"));
        assert_non_null(strstr(liq_errmsg(), expected));
        unsetenv("LIQNET_FAULT_WRITE_AFTER");
        assert_int_equal(liq_h5_writer_append(w, mini_round(&m, t)), LIQ_EHDF5);
        assert_non_null(strstr(liq_errmsg(), "closed after an earlier write error"));
        assert_int_equal(liq_h5_writer_note_error(w, "x"), LIQ_EHDF5);
        assert_int_equal(liq_h5_writer_finish(w, NULL, "complete"), LIQ_EHDF5);
        assert_run_file(path, variant == 0 ? "failed" : "incomplete", variant == 0, last);
        char shadow[64];
        shadow_of(shadow, sizeof(shadow), path);
        assert_false(exists(shadow));
        unlink(path);
        mini_free(&m);
    }
}

/* destroy drops what was not flushed: an error noted after the last flush,
 * the rounds in the buffer. */
static void test_writer_destroy_drops_unflushed(void **state)
{
    (void)state;
    const char *path = "destroy.h5";
    mini_t m;
    mini_init(&m);
    const liq_h5_options_t options = {
        .force = true, .flush_every = 4, .scenario_yaml = "rounds: 60\n", .seed = 7};
    liq_h5_writer_t *w = NULL;
    assert_int_equal(liq_h5_writer_create(&w, path, &m.sc, mini_round(&m, 0), &options), LIQ_OK);
    for (int64_t t = 1; t <= 5; t++) {
        assert_int_equal(liq_h5_writer_append(w, mini_round(&m, t)), LIQ_OK);
    }
    assert_int_equal(liq_h5_writer_note_error(w, "No space left on device"), LIQ_OK);
    liq_h5_writer_destroy(w);
    assert_run_file(path, "incomplete", false, 3);
    unlink(path);
    mini_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_publishes_whole),
        cmocka_unit_test(test_abandon),
        cmocka_unit_test(test_reader_copy_untouched),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_failed_commit),
        cmocka_unit_test(test_failed_close),
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_writer_full_disk),
        cmocka_unit_test(test_writer_destroy_drops_unflushed),
    };
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char dir[] = "/tmp/liq_test_h5_commit_XXXXXX";
    liq_test_enter_dir(dir);
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    liq_test_leave_dir(dir);
    return failed;
}
