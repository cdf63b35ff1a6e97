/* SPDX-License-Identifier: MIT */
/* The Node preload script (node/pmc-require.js), carried inside pmcd. */
#ifndef PMC_DAEMON_SHIM_H
#define PMC_DAEMON_SHIM_H

#include <stddef.h>

extern const unsigned char pmc_shim_js[];
extern const size_t pmc_shim_js_len;

/* Write the script under dir (atomically) and return its path, or NULL with *cause. */
char *pmc_shim_install(const char *dir, char **cause);

#endif
