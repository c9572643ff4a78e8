/*
 * A directory of its own for a test that writes files by relative name.
 * POSIX: include after defining _POSIX_C_SOURCE 200809L.
 */
#ifndef LIQ_TEST_DIR_H
#define LIQ_TEST_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tests that write files by relative name run in a directory of their own,
 * made here (mkdtemp) and emptied and removed by liq_test_leave_dir, so that
 * running a test by hand leaves nothing behind in the working directory.
 * Inputs come by absolute paths (LIQ_TEST_DATA_DIR). */
static inline const char *liq_test_enter_dir(char *dir)
{
    if (mkdtemp(dir) == NULL || chdir(dir) != 0) {
        perror(dir);
        exit(1);
    }
    return dir;
}

static inline void liq_test_leave_dir(const char *dir)
{
    if (chdir("/") != 0) {
        return;
    }
    DIR *d = opendir(dir);
    if (d != NULL) {
        char path[4096];
        for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                (void)unlink(path);
            }
        }
        closedir(d);
    }
    (void)rmdir(dir);
}

#endif /* LIQ_TEST_DIR_H */
