/* SPDX-License-Identifier: MIT */
/* RPC ping: version, protocol number and pid, so the CLI can check it speaks our language. */
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "methods.h"
#include "version.h"

static void method_ping(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params)
{
	cJSON *result = cJSON_CreateObject();

	(void)params;
	cJSON_AddStringToObject(result, "version", PMC_VERSION);
	cJSON_AddNumberToObject(result, "protocol", PMC_PROTOCOL_VERSION);
	cJSON_AddNumberToObject(result, "pid", getpid());
	cJSON_AddStringToObject(result, "home", d->paths.home);
	cJSON_AddNumberToObject(result, "started_at", (double)d->started_wall);
	cJSON_AddNumberToObject(result, "uptime_ms", (double)(pmc_clock_mono_ms() - d->started_mono));
	pmc_call_reply(call, result);
}

const struct pmc_method pmc_method_ping = { "ping", method_ping, NULL, 0, 1 };
