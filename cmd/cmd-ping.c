/* SPDX-License-Identifier: MIT */
/* `pmc ping`: start the daemon if needed and print its pong as one JSON line. */
#include <stdlib.h>

#include "cli.h"
#include "version.h"

static int run_ping(struct pmc_cli *cli, const struct pmc_args *args)
{
	const cJSON *version, *protocol, *pid, *started;
	cJSON *pong, *out;
	int rc;

	(void)args;
	rc = pmc_cli_call(cli, "ping", NULL, PMC_CALL_TIMEOUT_MS, &pong);
	if (rc)
		return rc;
	version = cJSON_GetObjectItemCaseSensitive(pong, "version");
	protocol = cJSON_GetObjectItemCaseSensitive(pong, "protocol");
	pid = cJSON_GetObjectItemCaseSensitive(pong, "pid");
	started = cJSON_GetObjectItemCaseSensitive(pong, "started_at");
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "msg", "pong");
	cJSON_AddStringToObject(out, "version",
				cJSON_IsString(version) ? version->valuestring : "unknown");
	cJSON_AddNumberToObject(out, "protocol",
				cJSON_IsNumber(protocol) ? protocol->valuedouble : 0);
	cJSON_AddNumberToObject(out, "pid", cJSON_IsNumber(pid) ? pid->valuedouble : 0);
	/* A new value with the same pid: the daemon re-executed itself (pmc update). */
	cJSON_AddNumberToObject(out, "started_at",
				cJSON_IsNumber(started) ? started->valuedouble : 0);
	pmc_cli_print_json(out);
	cJSON_Delete(out);
	cJSON_Delete(pong);
	return PMC_EXIT_OK;
}

const struct pmc_cli_command pmc_cmd_ping = {
	.name = "ping",
	.min_args = 0,
	.max_args = 0,
	.usage = "",
	.summary = "Start the daemon if none runs and print its pong",
	.details = "Prints {\"msg\":\"pong\",\"version\":\"" PMC_VERSION
		   "\",\"protocol\":1,\"pid\":N,\"started_at\":MS}.",
	.run = run_ping,
};
