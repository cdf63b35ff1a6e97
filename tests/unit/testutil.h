/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the unit tests that work in a private temp directory. */
#ifndef PMC_TESTUTIL_H
#define PMC_TESTUTIL_H

#include <stddef.h>

/* Remove dir and everything below it (no symlink is followed); 0 or -1. */
int test_rmtree(const char *dir);

/* The whole file at path, NUL-terminated (caller frees), its length in *len when len is
 * not NULL; NULL when it cannot be opened. */
char *test_slurp(const char *path, size_t *len);

#endif
