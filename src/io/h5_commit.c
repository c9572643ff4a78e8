/*
 * Atomic flushes for liqnet's HDF5 files: a file driver (an HDF5 "virtual
 * file driver") under which every flush (liq_h5_commit_flush: H5Fflush, then
 * a commit) publishes the whole file at once, so that a process killed at any
 * moment, a machine that loses power or a disk that fills up leaves the file
 * exactly as one flush left it.
 *
 * Why a driver. HDF5 1.10 has no journal. A flush writes the object headers
 * (each dataset's length), the chunk indexes, the heaps and the superblock in
 * place, one write after another, so a process killed in the middle leaves
 * datasets that disagree about their length, rows of zeros, or a superblock
 * whose end of allocation does not cover what its objects point to ("addr
 * overflow"). SWMR, HDF5's answer for readers of a live file, orders the
 * writes of one dataset but not across datasets, needs the 1.10 file format,
 * and leaves a file that a killed writer had open unreadable without
 * `h5clear` (h5py and xarray refuse it: "file is already open for write").
 *
 * How. The driver keeps two copies of the file. The published copy, under the
 * file's name, is never written while it is published; the other, NAME.shadow,
 * is one commit behind. Between commits HDF5's writes go to a journal in
 * memory, and its reads see the published copy with the journal laid over it.
 * A commit applies to the shadow the previous commit's journal (which the
 * shadow has not seen yet) and this one's, syncs it (fsync), exchanges the two
 * names in one renameat2(RENAME_EXCHANGE), which is atomic, and syncs the
 * directory. The copy that was published becomes the shadow and keeps the
 * journal just applied for the next commit. The first commit renames the
 * shadow to the file's name (replacing an older file of that name, if any, in
 * one step): until then there is no file.
 *
 * Commits are made by liq_h5_commit_flush, after a complete H5Fflush, and when
 * the file is closed. HDF5 also flushes the driver on its own, at points where
 * the file is not whole (inside H5Fcreate, the superblock before the root
 * group it points to): those are not commits. Closing removes the shadow, so a
 * finished file is one ordinary HDF5 file; a killed process leaves NAME.shadow
 * beside it, which the next writer of NAME removes.
 *
 * Readers. The writer takes no HDF5 file lock, so readers (h5py, xarray,
 * netCDF) open the file while it is written and see the last flush. A reader
 * that keeps a copy open holds HDF5's shared lock on it; when that copy is due
 * to become the shadow again, the driver leaves it alone and makes a new shadow
 * by copying the published file, so a file a reader has open never changes
 * under it.
 *
 * Costs. Every byte is written twice (once to each copy), and a flush costs
 * two fsyncs and a rename; the journals hold what two flushes wrote, in memory
 * (for a run file, two batches: at most a few MiB for the entity counts of the
 * shipped scenarios). Measured in benchmarks/README.md ("Crash-safe output").
 *
 * Fallbacks. Where rename-exchange is not supported (NFS, some FUSE file
 * systems) the names are swapped with a hard link and two renames, each step
 * leaving the file's name on a complete copy. Where hard links are not
 * supported either (FAT), the driver publishes once and then writes in place
 * (no crash safety). In-place mode is also what liqnet uses, on purpose, to
 * mark a file "failed" after a write error (h5_writer.c): a few small writes
 * into the published copy, after the space they need has been reserved.
 *
 * Errors. A failed write, sync or rename makes the flush fail with the
 * system's message pushed on HDF5's error stack; the published copy is left as
 * the last successful flush made it, and the driver refuses further flushes.
 * Closing never fails (see liq_commit_close), so HDF5 always releases the
 * file: one it could not close was left to its exit handler, which crashed.
 *
 * Fault injection (builds with LIQNET_FAULT_INJECTION, the default where tests
 * are built): LIQNET_FAULT_WRITE_AFTER=N1,N2,... lets the k-th file of this
 * driver that writes to disk in the process write Nk bytes, then fail with
 * ENOSPC; an empty or missing Nk means no limit (liq_h5_commit_fault_reset
 * starts the count again). LIQNET_FAULT_NO_EXCHANGE and LIQNET_FAULT_NO_LINK
 * (set to anything) make the driver take its fallbacks.
 */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE, copy_file_range */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "io/h5_internal.h"

/* Largest address: what off_t can seek to. */
#define LIQ_COMMIT_MAXADDR ((haddr_t)INT64_MAX)
/* Bytes copied at a time when copy_file_range cannot be used. */
#define LIQ_COMMIT_COPY_BYTES ((size_t)1 << 20)

/* How the driver publishes a flush. */
typedef enum {
    LIQ_SWAP_EXCHANGE = 0, /* renameat2(RENAME_EXCHANGE) */
    LIQ_SWAP_LINK = 1,     /* link, rename, rename */
    LIQ_SWAP_NONE = 2      /* in place: no second copy */
} liq_swap_t;

/* The driver's settings in a file access property list. */
typedef struct {
    int in_place; /* 1: write into the file itself at each flush (no shadow) */
} liq_commit_fapl_t;

/* One write, or a truncation, that HDF5 made since the last commit. */
typedef struct {
    haddr_t addr;  /* first byte written; for a truncation, the new end of file */
    size_t size;   /* bytes written; 0 marks a truncation */
    size_t offset; /* of the bytes in the journal's data */
} liq_jentry_t;

/* The writes of one interval between commits, in the order HDF5 made them
 * (later writes win). Reads scan it; HDF5 reads back little of what it has
 * just written (its caches hold it), so a list is enough. */
typedef struct {
    liq_jentry_t *entries;
    size_t n, cap;
    unsigned char *data; /* the written bytes, back to back */
    size_t used, data_cap;
    haddr_t lo, hi;  /* address range of the writes (hi exclusive); lo > hi when none */
    bool truncation; /* holds a truncation */
} liq_journal_t;

typedef struct {
    H5FD_t pub; /* HDF5's part; first */
    char *path, *shadow_path, *link_path;
    int dir_fd;             /* the directory of the file, to sync renames */
    int published_fd;       /* the copy under `path`; -1 before the first commit */
    int shadow_fd;          /* the other copy; -1 in place and when read-only */
    haddr_t eoa, eof;       /* HDF5's end of allocation; the file's logical end */
    haddr_t published_size; /* logical end of file at the last commit */
    liq_journal_t current;  /* writes since the last commit */
    liq_journal_t lag;      /* writes of the last commit, which the shadow lacks */
    liq_swap_t swap;
    bool read_only, failed, abandoned;
    dev_t device; /* identity of the file for cmp: the first copy opened */
    ino_t inode;
    int64_t budget; /* fault injection: bytes left to write, -1: no limit */
    bool budget_set;
    bool no_exchange, no_link; /* fault injection: act as if the file system lacked them */
} liq_commit_file_t;

/* What a failing system call was doing, for the message: the text, and
 * whether the file it names is the shadow copy (else the file itself). */
typedef enum {
    LIQ_STEP_WRITE_SHADOW,
    LIQ_STEP_CREATE_SHADOW,
    LIQ_STEP_COPY_SHADOW,
    LIQ_STEP_PUBLISH,
    LIQ_STEP_SYNC_DIR,
    LIQ_STEP_RESERVE,
    LIQ_STEP_WRITE,
    LIQ_STEP_OPEN_DIR,
    LIQ_STEP_OPEN,
    LIQ_STEP_CREATE,
    LIQ_STEP_EXISTS,
    LIQ_STEP_BUSY
} liq_step_t;

static const struct {
    const char *text;
    bool shadow;
} liq_steps[] = {
    [LIQ_STEP_WRITE_SHADOW] = {"cannot write the shadow copy", true},
    [LIQ_STEP_CREATE_SHADOW] = {"cannot create the shadow copy", true},
    [LIQ_STEP_COPY_SHADOW] = {"cannot copy the file to its shadow copy", true},
    [LIQ_STEP_PUBLISH] = {"cannot rename the shadow copy to", false},
    [LIQ_STEP_SYNC_DIR] = {"cannot sync the directory of", false},
    [LIQ_STEP_RESERVE] = {"cannot reserve space in", false},
    [LIQ_STEP_WRITE] = {"cannot write", false},
    [LIQ_STEP_OPEN_DIR] = {"cannot open the directory of", false},
    [LIQ_STEP_OPEN] = {"cannot open", false},
    [LIQ_STEP_CREATE] = {"cannot create", false},
    [LIQ_STEP_EXISTS] = {"cannot create (it exists)", false},
    [LIQ_STEP_BUSY] = {"another process has the shadow copy open (another liqnet writing the "
                       "same file?):",
                       true},
};

static hid_t liq_commit_driver = H5I_INVALID_HID;
static int liq_fault_files = 0; /* files that wrote to disk, for fault injection */

#define LIQ_COMMIT_ERROR(minor, ...)                                                               \
    H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, minor, __VA_ARGS__)

/* Pushes "WHAT 'FILE': system message (errno N)" on HDF5's error stack; FILE
 * is the shadow or `path`. */
static void liq_step_error(const liq_commit_file_t *f, liq_step_t step, int err, const char *path)
{
    const char *file = liq_steps[step].shadow ? f->shadow_path : path;
    if (step == LIQ_STEP_BUSY) {
        LIQ_COMMIT_ERROR(H5E_CANTOPENFILE, "%s '%s'", liq_steps[step].text, file);
    } else {
        LIQ_COMMIT_ERROR(H5E_WRITEERROR, "%s '%s': %s (errno %d)", liq_steps[step].text, file,
                         strerror(err), err);
    }
}

/* ---------------------------------------------------------------- journal */

static void liq_journal_clear(liq_journal_t *j)
{
    j->n = 0;
    j->used = 0;
    j->lo = HADDR_MAX;
    j->hi = 0;
    j->truncation = false;
}

static void liq_journal_free(liq_journal_t *j)
{
    free(j->entries);
    free(j->data);
    memset(j, 0, sizeof(*j));
}

static int liq_journal_reserve(liq_journal_t *j, size_t bytes)
{
    if (j->n == j->cap) {
        const size_t cap = j->cap > 0 ? 2 * j->cap : 64;
        liq_jentry_t *entries = realloc(j->entries, cap * sizeof(*entries));
        if (entries == NULL) {
            return -1;
        }
        j->entries = entries;
        j->cap = cap;
    }
    if (bytes > j->data_cap - j->used) {
        size_t cap = j->data_cap > 0 ? 2 * j->data_cap : (size_t)1 << 16;
        if (cap < j->used + bytes) {
            cap = j->used + bytes;
        }
        unsigned char *data = realloc(j->data, cap);
        if (data == NULL) {
            return -1;
        }
        j->data = data;
        j->data_cap = cap;
    }
    return 0;
}

static int liq_journal_write(liq_journal_t *j, haddr_t addr, size_t size, const void *buf)
{
    if (liq_journal_reserve(j, size) < 0) {
        return -1;
    }
    memcpy(j->data + j->used, buf, size);
    liq_jentry_t *last = j->n > 0 ? &j->entries[j->n - 1] : NULL;
    /* A write that continues the last one (raw data written in order)
     * extends it. */
    if (last != NULL && last->size > 0 && last->addr + last->size == addr &&
        last->offset + last->size == j->used) {
        last->size += size;
    } else {
        j->entries[j->n++] = (liq_jentry_t){.addr = addr, .size = size, .offset = j->used};
    }
    j->used += size;
    if (addr < j->lo) {
        j->lo = addr;
    }
    if (addr + size > j->hi) {
        j->hi = addr + size;
    }
    return 0;
}

static int liq_journal_truncate(liq_journal_t *j, haddr_t eof)
{
    if (liq_journal_reserve(j, 0) < 0) {
        return -1;
    }
    j->entries[j->n++] = (liq_jentry_t){.addr = eof, .size = 0, .offset = j->used};
    j->truncation = true;
    return 0;
}

/* Lays the journal's writes over `buf`, which holds bytes [addr, addr + size)
 * of the file as it was before them. */
static void liq_journal_overlay(const liq_journal_t *j, haddr_t addr, size_t size,
                                unsigned char *buf)
{
    const haddr_t end = addr + size;
    if (j->n == 0 || (!j->truncation && (end <= j->lo || addr >= j->hi))) {
        return;
    }
    for (size_t k = 0; k < j->n; k++) {
        const liq_jentry_t *e = &j->entries[k];
        if (e->size == 0) {
            if (end > e->addr) {
                const haddr_t from = addr > e->addr ? addr : e->addr;
                memset(buf + (from - addr), 0, (size_t)(end - from));
            }
            continue;
        }
        const haddr_t a = addr > e->addr ? addr : e->addr;
        const haddr_t b = end < e->addr + e->size ? end : e->addr + e->size;
        if (a < b) {
            memcpy(buf + (a - addr), j->data + e->offset + (a - e->addr), (size_t)(b - a));
        }
    }
}

/* --------------------------------------------------------- system calls */

static int64_t liq_fault_budget(void);

/* Fault injection: the budget is the file's from its first write to disk, so
 * that files HDF5 only opens to look at do not count. */
static void liq_budget_start(liq_commit_file_t *f)
{
    if (!f->budget_set) {
        f->budget = liq_fault_budget();
        f->budget_set = true;
    }
}

static int liq_pwrite_all(liq_commit_file_t *f, int fd, const unsigned char *buf, size_t size,
                          haddr_t addr)
{
    liq_budget_start(f);
    while (size > 0) {
        size_t chunk = size;
        if (f->budget >= 0) {
            if (f->budget == 0) {
                errno = ENOSPC; /* an injected full disk */
                return -1;
            }
            if ((uint64_t)chunk > (uint64_t)f->budget) {
                chunk = (size_t)f->budget;
            }
        }
        const ssize_t n = pwrite(fd, buf, chunk, (off_t)addr);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return -1;
        }
        if (f->budget >= 0) {
            f->budget -= n;
        }
        buf += n;
        size -= (size_t)n;
        addr += (haddr_t)n;
    }
    return 0;
}

/* Reads what the file has of [addr, addr + size); zeros past its end. */
static int liq_pread_all(int fd, unsigned char *buf, size_t size, haddr_t addr)
{
    while (size > 0) {
        const ssize_t n = pread(fd, buf, size, (off_t)addr);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            memset(buf, 0, size);
            return 0;
        }
        buf += n;
        size -= (size_t)n;
        addr += (haddr_t)n;
    }
    return 0;
}

static int liq_journal_apply(liq_commit_file_t *f, const liq_journal_t *j, int fd)
{
    for (size_t k = 0; k < j->n; k++) {
        const liq_jentry_t *e = &j->entries[k];
        const int rc = e->size == 0 ? ftruncate(fd, (off_t)e->addr)
                                    : liq_pwrite_all(f, fd, j->data + e->offset, e->size, e->addr);
        if (rc < 0) {
            return -1;
        }
    }
    return 0;
}

/* Copies the first `size` bytes of `from` into `to`. */
static int liq_copy_file(liq_commit_file_t *f, int from, int to, haddr_t size)
{
    off_t in = 0, out = 0;
    liq_budget_start(f);
    bool plain = f->budget >= 0; /* injected limits count bytes through pwrite */
    while ((haddr_t)in < size && !plain) {
        const ssize_t n = copy_file_range(from, &in, to, &out, (size_t)(size - (haddr_t)in), 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 &&
            (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP)) {
            plain = true;
        } else if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return -1;
        }
    }
    if ((haddr_t)in >= size) {
        return 0;
    }
    unsigned char *buf = malloc(LIQ_COMMIT_COPY_BYTES);
    if (buf == NULL) {
        errno = ENOMEM;
        return -1;
    }
    int rc = 0;
    for (haddr_t at = (haddr_t)in; at < size && rc == 0;) {
        const size_t n =
            size - at < LIQ_COMMIT_COPY_BYTES ? (size_t)(size - at) : LIQ_COMMIT_COPY_BYTES;
        rc = liq_pread_all(from, buf, n, at);
        if (rc == 0) {
            rc = liq_pwrite_all(f, to, buf, n, at);
        }
        at += n;
    }
    free(buf);
    return rc;
}

/* A new, empty shadow copy. A shadow found under the name (`adopt`: not this
 * writer's) is removed first when a killed process left it; when another
 * process has it open, which takes a lock (every writer holds a shared lock on
 * its shadow, as readers do on what they read), it is an error: two processes
 * writing one file would publish each other's copies. */
static int liq_create_shadow(liq_commit_file_t *f, liq_step_t *step, bool adopt)
{
    const int old = adopt ? open(f->shadow_path, O_RDONLY | O_CLOEXEC) : -1;
    if (old >= 0) {
        const bool busy = flock(old, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
        close(old);
        if (busy) {
            *step = LIQ_STEP_BUSY;
            errno = EBUSY;
            return -1;
        }
    }
    if (unlink(f->shadow_path) < 0 && errno != ENOENT) {
        return -1;
    }
    f->shadow_fd = open(f->shadow_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f->shadow_fd < 0) {
        return -1;
    }
    (void)flock(f->shadow_fd, LOCK_SH | LOCK_NB); /* no locks here: nothing to guard */
    return 0;
}

static int liq_sync(int fd)
{
    return fsync(fd);
}

/* Whether a reader (through HDF5's shared file lock) has the shadow open.
 * When it has not, the driver holds the exclusive lock until the commit is
 * done, so that a reader who opens the copy meanwhile is refused rather than
 * shown a half-written file. */
static bool liq_shadow_in_use(int fd)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
        return false;
    }
    return errno == EWOULDBLOCK; /* other errors: no locks on this file system */
}

/* Makes the complete shadow the published copy, atomically where the file
 * system allows it (see the fallbacks above). */
static int liq_publish(liq_commit_file_t *f)
{
#ifdef RENAME_EXCHANGE
    if (f->swap == LIQ_SWAP_EXCHANGE) {
        if (f->no_exchange) {
            errno = EINVAL; /* injected: as on NFS */
        } else if (renameat2(AT_FDCWD, f->shadow_path, AT_FDCWD, f->path, RENAME_EXCHANGE) == 0) {
            return 0;
        }
        if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
            return -1;
        }
        f->swap = LIQ_SWAP_LINK;
    }
#else
    if (f->swap == LIQ_SWAP_EXCHANGE) {
        f->swap = LIQ_SWAP_LINK;
    }
#endif
    if (f->swap == LIQ_SWAP_LINK) {
        /* The published copy gets a second name, the shadow takes the file's
         * name, and the old copy the shadow's: at every step the file's name
         * is on a complete copy. */
        if (unlink(f->link_path) < 0 && errno != ENOENT) {
            return -1;
        }
        if (f->no_link) {
            errno = EPERM; /* injected: as on FAT */
        } else if (link(f->path, f->link_path) == 0) {
            if (rename(f->shadow_path, f->path) < 0) {
                return -1;
            }
            return rename(f->link_path, f->shadow_path);
        }
        if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK) {
            return -1;
        }
        f->swap = LIQ_SWAP_NONE;
    }
    /* Neither: the shadow replaces the file, whose copy is then dropped;
     * later commits write in place (the caller sees swap == NONE). */
    return rename(f->shadow_path, f->path);
}

static int liq_sync_dir(liq_commit_file_t *f)
{
    return liq_sync(f->dir_fd);
}

/* ----------------------------------------------------------------- commit */

static bool liq_commit_dirty(const liq_commit_file_t *f)
{
    return f->current.n > 0 || f->published_fd < 0 || f->eof != f->published_size;
}

/* In place: reserve the space the file grows by (a full disk then fails here,
 * before anything is written), write, sync. */
static int liq_commit_in_place(liq_commit_file_t *f, liq_step_t *step)
{
    *step = LIQ_STEP_RESERVE;
    if (f->eof > f->published_size) {
        const int err = posix_fallocate(f->published_fd, (off_t)f->published_size,
                                        (off_t)(f->eof - f->published_size));
        if (err != 0 && err != EOPNOTSUPP && err != EINVAL) {
            errno = err;
            return -1;
        }
    }
    *step = LIQ_STEP_WRITE;
    if (liq_journal_apply(f, &f->current, f->published_fd) < 0 ||
        ftruncate(f->published_fd, (off_t)f->eof) < 0 || liq_sync(f->published_fd) < 0) {
        return -1;
    }
    f->published_size = f->eof;
    liq_journal_clear(&f->current);
    return 0;
}

static int liq_commit_atomic(liq_commit_file_t *f, liq_step_t *step)
{
    *step = LIQ_STEP_WRITE_SHADOW;
    if (f->published_fd < 0) {
        /* First commit: the shadow, complete, becomes the file. */
        if (liq_journal_apply(f, &f->current, f->shadow_fd) < 0 ||
            ftruncate(f->shadow_fd, (off_t)f->eof) < 0 || liq_sync(f->shadow_fd) < 0) {
            return -1;
        }
        *step = LIQ_STEP_PUBLISH;
        if (rename(f->shadow_path, f->path) < 0) {
            return -1;
        }
        f->published_fd = f->shadow_fd;
        f->shadow_fd = -1;
        f->published_size = f->eof;
        *step = LIQ_STEP_SYNC_DIR;
        if (liq_sync_dir(f) < 0) {
            return -1;
        }
        *step = LIQ_STEP_CREATE_SHADOW;
        if (liq_create_shadow(f, step, false) < 0) {
            return -1;
        }
    } else {
        int rc = 0;
        if (f->shadow_fd >= 0 && !liq_shadow_in_use(f->shadow_fd)) {
            rc = liq_journal_apply(f, &f->lag, f->shadow_fd);
        } else {
            /* No shadow yet (an existing file opened for writing: one found
             * under the name is not ours), or a reader holds ours: leave it
             * to the reader and start a new shadow from the published file,
             * which has the lag. */
            const bool adopt = f->shadow_fd < 0;
            if (!adopt) {
                close(f->shadow_fd);
                f->shadow_fd = -1;
            }
            *step = LIQ_STEP_COPY_SHADOW;
            rc = liq_create_shadow(f, step, adopt);
            if (rc == 0) {
                rc = liq_copy_file(f, f->published_fd, f->shadow_fd, f->published_size);
            }
        }
        if (rc == 0) {
            *step = LIQ_STEP_WRITE_SHADOW;
        }
        if (rc < 0 || liq_journal_apply(f, &f->current, f->shadow_fd) < 0 ||
            ftruncate(f->shadow_fd, (off_t)f->eof) < 0 || liq_sync(f->shadow_fd) < 0) {
            return -1;
        }
        (void)flock(f->shadow_fd, LOCK_SH | LOCK_NB); /* back to the writer's shared lock */
        *step = LIQ_STEP_PUBLISH;
        if (liq_publish(f) < 0) {
            return -1;
        }
        const int old = f->published_fd;
        f->published_fd = f->shadow_fd;
        f->shadow_fd = old;
        f->published_size = f->eof;
        if (f->swap == LIQ_SWAP_NONE) {
            close(f->shadow_fd); /* the old copy lost its name: in place from now on */
            f->shadow_fd = -1;
        }
        *step = LIQ_STEP_SYNC_DIR;
        if (liq_sync_dir(f) < 0) {
            return -1;
        }
    }
    /* The journal just applied is what the new shadow lacks. */
    const liq_journal_t applied = f->current;
    f->current = f->lag;
    f->lag = applied;
    liq_journal_clear(&f->current);
    if (f->swap == LIQ_SWAP_NONE) {
        liq_journal_clear(&f->lag);
    }
    return 0;
}

static herr_t liq_commit(liq_commit_file_t *f)
{
    if (f->failed) {
        LIQ_COMMIT_ERROR(H5E_WRITEERROR,
                         "an earlier flush of '%s' failed; the file keeps its last complete flush",
                         f->path);
        return -1;
    }
    liq_step_t step = LIQ_STEP_WRITE;
    const int rc =
        f->swap == LIQ_SWAP_NONE ? liq_commit_in_place(f, &step) : liq_commit_atomic(f, &step);
    if (rc < 0) {
        const int err = errno;
        f->failed = true;
        liq_step_error(f, step, err, f->path);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- driver */

static herr_t liq_commit_terminate(void)
{
    liq_commit_driver = H5I_INVALID_HID;
    return 0;
}

static void *liq_commit_fapl_copy(const void *info)
{
    liq_commit_fapl_t *copy = malloc(sizeof(*copy));
    if (copy != NULL) {
        memcpy(copy, info, sizeof(*copy));
    }
    return copy;
}

static herr_t liq_commit_fapl_free(void *info)
{
    free(info);
    return 0;
}

static void *liq_commit_fapl_get(H5FD_t *file)
{
    const liq_commit_file_t *f = (const liq_commit_file_t *)file;
    const liq_commit_fapl_t info = {.in_place = f->swap == LIQ_SWAP_NONE};
    return liq_commit_fapl_copy(&info);
}

static char *liq_concat(const char *a, const char *b)
{
    const size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s != NULL) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

static int64_t liq_fault_budget(void)
{
    int64_t budget = -1;
#ifdef LIQNET_FAULT_INJECTION
    const char *spec = getenv("LIQNET_FAULT_WRITE_AFTER");
    const int index = liq_fault_files;
    for (int k = 0; spec != NULL && k <= index; k++) {
        const char *comma = strchr(spec, ',');
        if (k == index && *spec != ',' && *spec != '\0') {
            budget = strtoll(spec, NULL, 10);
        }
        spec = comma != NULL ? comma + 1 : NULL;
    }
#endif
    liq_fault_files++;
    return budget;
}

static void liq_commit_free(liq_commit_file_t *f)
{
    if (f->dir_fd >= 0) {
        close(f->dir_fd);
    }
    liq_journal_free(&f->current);
    liq_journal_free(&f->lag);
    free(f->path);
    free(f->shadow_path);
    free(f->link_path);
    free(f);
}

static int liq_commit_open_files(liq_commit_file_t *f, unsigned flags, liq_step_t *step)
{
    if (!(flags & H5F_ACC_RDWR)) {
        *step = LIQ_STEP_OPEN;
        f->read_only = true;
        f->published_fd = open(f->path, O_RDONLY | O_CLOEXEC);
        return f->published_fd < 0 ? -1 : 0;
    }
    if (flags & H5F_ACC_CREAT) {
        if ((flags & H5F_ACC_EXCL) && access(f->path, F_OK) == 0) {
            *step = LIQ_STEP_EXISTS;
            errno = EEXIST;
            return -1;
        }
        if (f->swap == LIQ_SWAP_NONE) {
            *step = LIQ_STEP_CREATE;
            f->published_fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            return f->published_fd < 0 ? -1 : 0;
        }
        /* Nothing under the file's name until the first flush. */
        *step = LIQ_STEP_CREATE_SHADOW;
        return liq_create_shadow(f, step, true);
    }
    *step = LIQ_STEP_OPEN;
    f->published_fd = open(f->path, O_RDWR | O_CLOEXEC);
    struct stat st;
    if (f->published_fd < 0 || fstat(f->published_fd, &st) < 0) {
        return -1;
    }
    f->published_size = (haddr_t)st.st_size;
    f->eof = f->published_size;
    /* The writer's shared lock (liq_create_shadow): this copy becomes the
     * shadow after the first commit. The shadow itself is made at that
     * commit: HDF5 also opens a file this way only to look at it (before it
     * creates or truncates one). */
    (void)flock(f->published_fd, LOCK_SH | LOCK_NB);
    return 0;
}

static H5FD_t *liq_commit_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    if (name == NULL || *name == '\0' || maxaddr == 0 || maxaddr == HADDR_UNDEF) {
        LIQ_COMMIT_ERROR(H5E_BADVALUE, "invalid file name or maximum address");
        return NULL;
    }
    const liq_commit_fapl_t *info = H5Pget_driver_info(fapl);
    liq_commit_file_t *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        LIQ_COMMIT_ERROR(H5E_CANTALLOC, "out of memory opening '%s'", name);
        return NULL;
    }
    f->dir_fd = f->published_fd = f->shadow_fd = -1;
    f->swap = info != NULL && info->in_place ? LIQ_SWAP_NONE : LIQ_SWAP_EXCHANGE;
    liq_journal_clear(&f->current);
    liq_journal_clear(&f->lag);
    f->budget = -1;
#ifdef LIQNET_FAULT_INJECTION
    f->no_exchange = getenv("LIQNET_FAULT_NO_EXCHANGE") != NULL;
    f->no_link = getenv("LIQNET_FAULT_NO_LINK") != NULL;
#endif
    f->path = liq_concat(name, "");
    f->shadow_path = liq_concat(name, ".shadow");
    f->link_path = liq_concat(name, ".shadow.old");
    char *dir = liq_concat(name, "");
    if (f->path == NULL || f->shadow_path == NULL || f->link_path == NULL || dir == NULL) {
        free(dir);
        liq_commit_free(f);
        LIQ_COMMIT_ERROR(H5E_CANTALLOC, "out of memory opening '%s'", name);
        return NULL;
    }
    char *slash = strrchr(dir, '/');
    const char *dir_name = slash == NULL ? "." : slash == dir ? "/" : dir;
    if (slash != NULL && slash != dir) {
        *slash = '\0';
    }
    liq_step_t step = LIQ_STEP_OPEN_DIR;
    f->dir_fd = open(dir_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    int rc = f->dir_fd < 0 ? -1 : liq_commit_open_files(f, flags, &step);
    struct stat st;
    const int id_fd = f->published_fd >= 0 ? f->published_fd : f->shadow_fd;
    if (rc == 0 && fstat(id_fd, &st) < 0) {
        rc = -1;
    }
    if (rc < 0) {
        const int err = errno;
        if (f->shadow_fd >= 0) {
            close(f->shadow_fd);
            (void)unlink(f->shadow_path);
        }
        if (f->published_fd >= 0) {
            close(f->published_fd);
        }
        liq_step_error(f, step, err, name);
        liq_commit_free(f);
        return NULL;
    }
    f->device = st.st_dev;
    f->inode = st.st_ino;
    return &f->pub;
}

/*
 * Never fails: HDF5 keeps a file whose driver failed to close it open, and its
 * exit handler then crashes (a test of this file saw it: exit by SIGSEGV). The
 * closing commit only publishes what closing itself wrote (HDF5 trims the
 * space it set aside and rewrites the superblock): liqnet commits everything
 * else with liq_h5_commit_flush before closing, so when that last commit
 * fails the file stays as the flush before published it, whole, only larger.
 */
static herr_t liq_commit_close(H5FD_t *file)
{
    liq_commit_file_t *f = (liq_commit_file_t *)file;
    if (!f->read_only && !f->failed && !f->abandoned && liq_commit_dirty(f)) {
        (void)liq_commit(f);
    }
    /* The shadow is the older copy, or one never published: not needed. */
    if (f->shadow_fd >= 0) {
        close(f->shadow_fd);
        (void)unlink(f->shadow_path);
    }
    if (f->published_fd >= 0) {
        close(f->published_fd);
    }
    liq_commit_free(f);
    return 0;
}

static int liq_commit_cmp(const H5FD_t *a, const H5FD_t *b)
{
    const liq_commit_file_t *fa = (const liq_commit_file_t *)a;
    const liq_commit_file_t *fb = (const liq_commit_file_t *)b;
    if (fa->device != fb->device) {
        return fa->device < fb->device ? -1 : 1;
    }
    if (fa->inode != fb->inode) {
        return fa->inode < fb->inode ? -1 : 1;
    }
    return 0;
}

static herr_t liq_commit_query(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
    return 0;
}

static haddr_t liq_commit_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const liq_commit_file_t *)file)->eoa;
}

static herr_t liq_commit_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
    (void)type;
    ((liq_commit_file_t *)file)->eoa = addr;
    return 0;
}

static haddr_t liq_commit_get_eof(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const liq_commit_file_t *)file)->eof;
}

/* The handle is the driver's own record (liq_h5_commit_abandon uses it). */
static herr_t liq_commit_get_handle(H5FD_t *file, hid_t fapl, void **handle)
{
    (void)fapl;
    *handle = file;
    return 0;
}

static bool liq_commit_in_range(const liq_commit_file_t *f, haddr_t addr, size_t size)
{
    return addr != HADDR_UNDEF && addr <= LIQ_COMMIT_MAXADDR &&
           (haddr_t)size <= LIQ_COMMIT_MAXADDR - addr && addr + size <= f->eoa;
}

static herr_t liq_commit_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                              void *buf)
{
    (void)type;
    (void)dxpl;
    const liq_commit_file_t *f = (const liq_commit_file_t *)file;
    if (!liq_commit_in_range(f, addr, size)) {
        LIQ_COMMIT_ERROR(H5E_OVERFLOW, "addr overflow, addr = %llu, size = %llu, eoa = %llu",
                         (unsigned long long)addr, (unsigned long long)size,
                         (unsigned long long)f->eoa);
        return -1;
    }
    unsigned char *out = buf;
    size_t base = 0;
    if (f->published_fd >= 0 && addr < f->published_size) {
        base = f->published_size - addr < size ? (size_t)(f->published_size - addr) : size;
        if (liq_pread_all(f->published_fd, out, base, addr) < 0) {
            LIQ_COMMIT_ERROR(H5E_READERROR, "cannot read '%s': %s", f->path, strerror(errno));
            return -1;
        }
    }
    memset(out + base, 0, size - base);
    liq_journal_overlay(&f->current, addr, size, out);
    return 0;
}

static herr_t liq_commit_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                               const void *buf)
{
    (void)type;
    (void)dxpl;
    liq_commit_file_t *f = (liq_commit_file_t *)file;
    if (f->read_only) {
        LIQ_COMMIT_ERROR(H5E_WRITEERROR, "'%s' is open read-only", f->path);
        return -1;
    }
    if (!liq_commit_in_range(f, addr, size)) {
        LIQ_COMMIT_ERROR(H5E_OVERFLOW, "addr overflow, addr = %llu, size = %llu, eoa = %llu",
                         (unsigned long long)addr, (unsigned long long)size,
                         (unsigned long long)f->eoa);
        return -1;
    }
    if (size == 0) {
        return 0;
    }
    if (liq_journal_write(&f->current, addr, size, buf) < 0) {
        LIQ_COMMIT_ERROR(H5E_CANTALLOC, "out of memory for the journal of '%s'", f->path);
        return -1;
    }
    if (addr + size > f->eof) {
        f->eof = addr + size;
    }
    return 0;
}

/* HDF5 also flushes the driver at points where the file is not whole (while
 * H5Fcreate writes the superblock, before the root group it points to): the
 * commit is therefore not here but in liq_h5_commit_flush, after a complete
 * H5Fflush, and in close. */
static herr_t liq_commit_flush(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)file;
    (void)dxpl;
    (void)closing;
    return 0;
}

static herr_t liq_commit_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)dxpl;
    (void)closing;
    liq_commit_file_t *f = (liq_commit_file_t *)file;
    if (f->read_only || f->eoa == f->eof) {
        return 0;
    }
    if (liq_journal_truncate(&f->current, f->eoa) < 0) {
        LIQ_COMMIT_ERROR(H5E_CANTALLOC, "out of memory for the journal of '%s'", f->path);
        return -1;
    }
    f->eof = f->eoa;
    return 0;
}

/* No HDF5 file locks: readers open the file while it is written (the
 * published copy never changes; see liq_shadow_in_use). */
static herr_t liq_commit_lock(H5FD_t *file, hbool_t rw)
{
    (void)file;
    (void)rw;
    return 0;
}

static herr_t liq_commit_unlock(H5FD_t *file)
{
    (void)file;
    return 0;
}

static const H5FD_class_t liq_commit_class = {
    .name = "liqnet_commit",
    .maxaddr = LIQ_COMMIT_MAXADDR,
    .fc_degree = H5F_CLOSE_WEAK,
    .terminate = liq_commit_terminate,
    .fapl_size = sizeof(liq_commit_fapl_t),
    .fapl_get = liq_commit_fapl_get,
    .fapl_copy = liq_commit_fapl_copy,
    .fapl_free = liq_commit_fapl_free,
    .open = liq_commit_open,
    .close = liq_commit_close,
    .cmp = liq_commit_cmp,
    .query = liq_commit_query,
    .get_eoa = liq_commit_get_eoa,
    .set_eoa = liq_commit_set_eoa,
    .get_eof = liq_commit_get_eof,
    .get_handle = liq_commit_get_handle,
    .read = liq_commit_read,
    .write = liq_commit_write,
    .flush = liq_commit_flush,
    .truncate = liq_commit_truncate,
    .lock = liq_commit_lock,
    .unlock = liq_commit_unlock,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

/* ---------------------------------------------------------------- public */

bool liq_h5_commit_fault_injection(void)
{
#ifdef LIQNET_FAULT_INJECTION
    return true;
#else
    return false;
#endif
}

void liq_h5_commit_fault_reset(void)
{
    liq_fault_files = 0;
}

herr_t liq_h5_commit_fapl(hid_t fapl, bool in_place)
{
    /* HDF5 keeps its drivers in a process-wide table, as it does sec2's. */
    if (liq_commit_driver < 0) {
        liq_commit_driver = H5FDregister(&liq_commit_class);
        if (liq_commit_driver < 0) {
            return -1;
        }
    }
    const liq_commit_fapl_t info = {.in_place = in_place ? 1 : 0};
    return H5Pset_driver(fapl, liq_commit_driver, &info);
}

/* The driver's record of an open file, or NULL for a file of another
 * driver (HDF5 keeps a copy of the class: the driver id tells whose it is). */
static liq_commit_file_t *liq_commit_of(hid_t file)
{
    void *handle = NULL;
    if (file < 0 || liq_commit_driver < 0 || H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 ||
        handle == NULL || ((H5FD_t *)handle)->driver_id != liq_commit_driver) {
        return NULL;
    }
    return handle;
}

herr_t liq_h5_commit_flush(hid_t file)
{
    if (H5Fflush(file, H5F_SCOPE_LOCAL) < 0) {
        return -1;
    }
    liq_commit_file_t *f = liq_commit_of(file);
    if (f == NULL || f->read_only || (!f->failed && !liq_commit_dirty(f))) {
        return 0;
    }
    return liq_commit(f);
}

void liq_h5_commit_abandon(hid_t file)
{
    liq_commit_file_t *f = liq_commit_of(file);
    if (f != NULL) {
        f->abandoned = true;
    }
}
