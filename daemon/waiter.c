/* SPDX-License-Identifier: MIT */
/* RPC calls that answer once a set of instances has settled (stop, restart, kill…). */
#include "waiter.h"

#include <stdlib.h>

#include "daemon.h"
#include "xmalloc.h"

void pmc_waiter_add(struct pmc_daemon *d, struct pmc_call *call, struct pmc_instance **insts,
		    size_t n, pmc_waiter_ready_fn ready, pmc_waiter_done_fn done, void *data)
{
	struct pmc_waiter *w = xcalloc(1, sizeof *w);
	size_t i;

	w->call = call;
	w->ids = xcalloc(n, sizeof *w->ids);
	for (i = 0; i < n; i++)
		w->ids[i] = insts[i]->pm_id;
	w->n = n;
	w->ready = ready;
	w->done = done;
	w->data = data;
	w->next = d->waiters;
	d->waiters = w;
	pmc_daemon_poke(d);
}

static bool waiter_ready(struct pmc_daemon *d, const struct pmc_waiter *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		struct pmc_instance *inst = pmc_registry_instance_find(&d->registry, w->ids[i]);
		if (inst && !w->ready(inst))
			return false;
	}
	return true;
}

void pmc_waiter_check_all(struct pmc_daemon *d)
{
	struct pmc_waiter **pos = &d->waiters;

	while (*pos) {
		struct pmc_waiter *w = *pos;
		if (!waiter_ready(d, w)) {
			pos = &w->next;
			continue;
		}
		*pos = w->next;
		w->done(d, w);
		free(w->ids);
		free(w);
		pos = &d->waiters; /* done() may have added or finished waiters */
	}
}

cJSON *pmc_waiter_ids_json(const struct pmc_waiter *w)
{
	cJSON *ids = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < w->n; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(w->ids[i]));
	return ids;
}
