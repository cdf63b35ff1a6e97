/* SPDX-License-Identifier: MIT */
/* RPC calls that answer once a set of instances has settled (stop, restart, kill…). */
#ifndef PMC_DAEMON_WAITER_H
#define PMC_DAEMON_WAITER_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "server.h"

struct pmc_daemon;
struct pmc_waiter;

typedef bool (*pmc_waiter_ready_fn)(const struct pmc_instance *inst);
/* Called once every watched instance is ready (or gone); must answer w->call. */
typedef void (*pmc_waiter_done_fn)(struct pmc_daemon *d, struct pmc_waiter *w);

struct pmc_waiter {
	struct pmc_call *call;
	int *ids;
	size_t n;
	pmc_waiter_ready_fn ready;
	pmc_waiter_done_fn done;
	void *data;
	struct pmc_waiter *next;
};

/* Watch insts (by pm_id) until ready() holds for each; then done() runs from the loop. */
void pmc_waiter_add(struct pmc_daemon *d, struct pmc_call *call, struct pmc_instance **insts,
		    size_t n, pmc_waiter_ready_fn ready, pmc_waiter_done_fn done, void *data);
/* Run done() for every waiter whose instances are all ready. */
void pmc_waiter_check_all(struct pmc_daemon *d);
/* The ids as a JSON array (caller owns). */
cJSON *pmc_waiter_ids_json(const struct pmc_waiter *w);

#endif
