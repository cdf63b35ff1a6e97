/* SPDX-License-Identifier: MIT */
/* App names: the rule that keeps them safe as file names, and "did you mean". */
#ifndef PMC_NAME_H
#define PMC_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define PMC_NAME_MAX 64

/* True when name matches [A-Za-z0-9._-]{1,64} and does not start with '.'. */
bool pmc_name_valid(const char *name);
/* The candidate closest to name by edit distance, or NULL when none is close. */
const char *pmc_name_closest(const char *name, const char *const *candidates, size_t n);

/* The name a script gets when none is given: its basename without extension
 * (the first word of a command), unsafe runs as "-", "app" when nothing is
 * left ("my app.js" → "my-app"); caller frees. */
char *pmc_name_from_script(const char *script);

#endif
