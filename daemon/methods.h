/* SPDX-License-Identifier: MIT */
/* The RPC method table: one method-<verb>.c per entry, params checked centrally. */
#ifndef PMC_DAEMON_METHODS_H
#define PMC_DAEMON_METHODS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "params.h"
#include "server.h"

struct pmc_daemon;

/* A handler answers the call now or later, exactly once. params is borrowed
 * for the duration of the call (an empty object when the request had none). */
typedef void (*pmc_method_fn)(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params);

struct pmc_method {
	const char *name;
	pmc_method_fn fn;
	const struct pmc_param *params;
	size_t n_params;
	int allowed_while_stopping; /* ping and list still answer during shutdown */
};

/* The entry for name, or NULL. */
const struct pmc_method *pmc_method_find(const char *name);

/* Shared by the verbs that act on targets (stop, restart, delete, reset). */
void pmc_method_targets_act(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params,
			    const char *verb);

struct pmc_instance;
/*
 * Replace the env / env_inherit of the apps of insts with params.env /
 * params.env_inherit where present (restart and reload --update-env). 0, or
 * -EINVAL with *cause set (caller frees) and nothing changed.
 */
int pmc_method_targets_env(struct pmc_daemon *d, const cJSON *params,
			   struct pmc_instance **insts, size_t n, char **cause);

extern const struct pmc_method pmc_method_delete, pmc_method_describe, pmc_method_flush,
	pmc_method_history, pmc_method_kill, pmc_method_list, pmc_method_logs, pmc_method_metrics, pmc_method_monit, pmc_method_ping,
	pmc_method_reload, pmc_method_reloadLogs, pmc_method_reset, pmc_method_restart,
	pmc_method_scale, pmc_method_start, pmc_method_stop, pmc_method_update;
extern const struct pmc_method pmc_method_resurrect, pmc_method_save;

#endif
