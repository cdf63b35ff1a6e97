/* SPDX-License-Identifier: MIT */
/*
 * RPC reloadLogs {}: read pmcd.conf again, then close and reopen every log
 * file and pmcd.log (after an external logrotate moved them); SIGUSR2 does the
 * same. Answers {"files": N reopened} once done.
 */
#include "daemon.h"
#include "logs.h"
#include "methods.h"

static void reopened(int n, void *data)
{
	cJSON *result = cJSON_CreateObject();

	cJSON_AddNumberToObject(result, "files", n);
	pmc_call_reply(data, result);
}

static void method_reload_logs(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params)
{
	(void)d;
	(void)params;
	pmc_logs_reopen_all(reopened, call);
}

const struct pmc_method pmc_method_reloadLogs = { "reloadLogs", method_reload_logs, NULL, 0, 0 };
