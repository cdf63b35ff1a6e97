/* SPDX-License-Identifier: MIT */
/* Which changed paths a watch ignores: glob patterns (fnmatch) against path components or prefixes.
 */
#ifndef PMC_DAEMON_WATCHMATCH_H
#define PMC_DAEMON_WATCHMATCH_H

#include <stdbool.h>

/* Ignored by every watch, before the app's own patterns. */
extern const char *const pmc_watch_default_ignores[];

/*
 * True when a pattern matches the changed path. rel is the path relative to the
 * app's directory (NULL when it lies outside), abs the absolute path; patterns
 * is NULL-terminated (NULL: none). A pattern without '/' ("node_modules",
 * "*.log") matches any component; "DIR/..." matches from the app's directory
 * ("src/gen" ignores src/gen and below; '*' stops at '/', "**" does not);
 * a pattern starting with two stars and a slash matches at any depth; "/abs/path" an absolute
 * path and below. A leading "./" and trailing '/' are dropped.
 */
bool pmc_watch_ignored(const char *rel, const char *abs, const char *const *patterns);

#endif
