/* SPDX-License-Identifier: MIT */
/* The RPC method table: one method-<verb>.c per entry, params checked centrally. */
#include "methods.h"

#include <stdlib.h>
#include <string.h>

/* Sorted by name: looked up with bsearch. */
static const struct pmc_method *const method_table[] = {
	&pmc_method_delete,  &pmc_method_describe,   &pmc_method_flush, &pmc_method_history,
	&pmc_method_kill,    &pmc_method_list,       &pmc_method_logs,  &pmc_method_metrics,
	&pmc_method_monit,   &pmc_method_ping,
	&pmc_method_reload,  &pmc_method_reloadLogs, &pmc_method_reset, &pmc_method_restart,
	&pmc_method_resurrect, &pmc_method_save,
	&pmc_method_scale,   &pmc_method_start,      &pmc_method_stop,   &pmc_method_update,
};

static int compare(const void *key, const void *entry)
{
	return strcmp(key, (*(const struct pmc_method *const *)entry)->name);
}

const struct pmc_method *pmc_method_find(const char *name)
{
	const struct pmc_method *const *m =
		bsearch(name, method_table, sizeof method_table / sizeof method_table[0],
			sizeof method_table[0], compare);

	return m ? *m : NULL;
}
