/* SPDX-License-Identifier: MIT */
/* A recursive, debounced file watch: one inotify watch (uv_fs_event) per directory. */
#ifndef PMC_DAEMON_WATCH_H
#define PMC_DAEMON_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* Directories one watch holds unless PMC_WATCH_MAX_DIRS says otherwise. */
#define PMC_WATCH_MAX_DIRS_DEFAULT 4096
/* Quiet time before the callback when the app sets no watch_delay. */
#define PMC_WATCH_DELAY_DEFAULT_MS 100

struct pmc_watch;

/* Changes settled: path is the first one changed since the last call (relative to cwd
 * when inside it). */
typedef void (*pmc_watch_fn)(struct pmc_watch *w, const char *path, void *data);

struct pmc_watch_opts {
	const char *cwd;               /* absolute; what paths are reported relative to */
	const char *const *roots;      /* absolute files or directories; NULL: cwd */
	const char *const *ignore;     /* patterns (see pmc_watch_ignored), may be NULL */
	const char *const *ignore_abs; /* absolute paths ignored with what is below them */
	int64_t delay_ms;              /* 0: PMC_WATCH_DELAY_DEFAULT_MS */
	size_t max_dirs;               /* 0: PMC_WATCH_MAX_DIRS_DEFAULT */
};

/*
 * Watch the roots and every directory below them (new ones as they appear;
 * symlinks are not followed). The callback runs once the tree has been quiet
 * for delay_ms after a change. A root that cannot be watched, or the limit of
 * directories, is not fatal: pmc_watch_error() says what is missing. Returns
 * 0, or -errno with *cause when nothing at all could be watched.
 */
int pmc_watch_open(uv_loop_t *loop, const struct pmc_watch_opts *opts, pmc_watch_fn fn, void *data,
                   struct pmc_watch **out, char **cause);
/* Stop watching; no callback runs after this. Memory goes once libuv closed the handles. */
void pmc_watch_close(struct pmc_watch *w);

/* Directories (and watched files) held now. */
size_t pmc_watch_count(const struct pmc_watch *w);
/* The first problem met (limit reached, inotify refused a directory), or NULL. */
const char *pmc_watch_error(const struct pmc_watch *w);

#endif
