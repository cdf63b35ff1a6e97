/* SPDX-License-Identifier: MIT */
/* Processes a previous daemon left running when it died: stopped cleanly before anything restarts.
 */
#ifndef PMC_DAEMON_ORPHANS_H
#define PMC_DAEMON_ORPHANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pmc_daemon;
struct pmc_orphans;

struct pmc_orphan_spec {
	int pid;              /* as the store recorded it */
	uint64_t pid_start;   /* its /proc start time, as recorded */
	int signal;           /* the app's stop signal */
	int64_t kill_timeout; /* then SIGKILL */
	const char *app;
	int pm_id;
	bool replacement; /* a reload's replacement (its store row goes once it is gone) */
};

typedef void (*pmc_orphans_done_cb)(struct pmc_daemon *d);

/* An empty set; free with pmc_orphans_free. */
struct pmc_orphans *pmc_orphans_new(struct pmc_daemon *d);
/*
 * If spec names a live process (same pid and start time), signal its group now
 * and track it until the whole group is gone (a history row "orphan" then).
 * Returns false when no such process lives: nothing to do.
 */
bool pmc_orphans_add(struct pmc_orphans *set, const struct pmc_orphan_spec *spec);
/* Call done once every tracked group is gone (at once when none is). */
void pmc_orphans_wait(struct pmc_orphans *set, pmc_orphans_done_cb done);
/* Groups still being stopped. */
size_t pmc_orphans_pending(const struct pmc_orphans *set);
/* Stop tracking (the groups are left alone); the memory goes with the timer's close. */
void pmc_orphans_free(struct pmc_orphans *set);

#endif
