/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the unit tests that work in a private temp directory. */
#ifndef PMC_TESTUTIL_H
#define PMC_TESTUTIL_H

/* Remove dir and everything below it (no symlink is followed); 0 or -1. */
int test_rmtree(const char *dir);

#endif
