/* SPDX-License-Identifier: MIT */
/* `pmc scale NAME COUNT`: set an app's number of instances (N, +N or -N), then the ls table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "xmalloc.h"

/* COUNT is N, +N or -N ("-1" reaches here as a positional, not as a flag). */
static int check_scale(const struct pmc_args *args, char **cause)
{
	const char *count = args->pos.items[1];
	const char *digits = count + (count[0] == '+' || count[0] == '-');
	size_t len = strspn(digits, "0123456789");

	if (len == 0 || digits[len] || len > 6) {
		*cause = xasprintf("scale: invalid count '%s' (use N, +N or -N)", count);
		return -EINVAL;
	}
	return 0;
}

static int run_scale(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject(), *result = NULL;
	const cJSON *name, *n;
	int64_t timeout;
	int rc;

	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	/* New instances must get ready, removed ones must stop. */
	timeout = pmc_cli_replace_timeout(cli);
	/* The count goes as typed: the daemon reads +N and -N against the current number. */
	cJSON_AddStringToObject(params, "name", args->pos.items[0]);
	cJSON_AddStringToObject(params, "count", args->pos.items[1]);
	rc = pmc_cli_call(cli, "scale", params, timeout, &result);
	if (rc)
		goto out;
	name = cJSON_GetObjectItemCaseSensitive(result, "name");
	n = cJSON_GetObjectItemCaseSensitive(result, "instances");
	if (!args->json && cJSON_IsString(name) && cJSON_IsNumber(n))
		printf("[pmc] %s scaled to %d instance%s\n", name->valuestring, (int)n->valuedouble,
		       (int)n->valuedouble == 1 ? "" : "s");
	rc = pmc_cli_print_list(cli, args->json);
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

const struct pmc_cli_command pmc_cmd_scale = {
	.name = "scale",
	.min_args = 2,
	.max_args = 2,
	.usage = "NAME COUNT [--json]",
	.summary = "Run COUNT instances of an app, or COUNT more (+N) or fewer (-N)",
	.details = "COUNT is N, +N or -N ('pmc scale api -1' removes one instance). New instances\n"
		   "share the app's listening sockets; removed ones stop gracefully, highest index\n"
		   "first. Then prints the ls table (with --json, the listing as JSON).",
	.run = run_scale,
	.check = check_scale,
};
