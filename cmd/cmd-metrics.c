/* SPDX-License-Identifier: MIT */
/* `pmc metrics [--listen ADDR | --stop]`: show, start or stop the Prometheus endpoint. */
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "duration.h"

static int run_metrics(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject(), *result = NULL;
	const cJSON *url, *interval;
	char every[32];
	int64_t ms;
	int rc;

	if (args->metrics_listen && args->stop) {
		pmc_cli_error("--listen and --stop cannot be combined");
		fputs("Try 'pmc help metrics'.\n", stderr);
		cJSON_Delete(params);
		return PMC_EXIT_USAGE;
	}
	if (args->metrics_listen)
		cJSON_AddStringToObject(params, "listen", args->metrics_listen);
	if (args->stop)
		cJSON_AddBoolToObject(params, "stop", true);
	rc = pmc_cli_call(cli, "metrics", params, PMC_CALL_TIMEOUT_MS, &result);
	if (rc)
		goto out;
	if (args->json) {
		pmc_cli_print_json(result);
		goto out;
	}
	url = cJSON_GetObjectItemCaseSensitive(result, "url");
	interval = cJSON_GetObjectItemCaseSensitive(result, "interval_ms");
	ms = cJSON_IsNumber(interval) ? (int64_t)interval->valuedouble : 0;
	if (ms % 1000)
		snprintf(every, sizeof every, "%lldms", (long long)ms);
	else
		pmc_duration_format(ms, every, sizeof every);
	if (cJSON_IsString(url))
		printf("[pmc] Serving %s (sampling every %s)\n", url->valuestring, every);
	else
		printf("[pmc] No /metrics endpoint (sampling every %s)\n", every);
out:
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

static const struct pmc_flag metrics_flags[] = {
    {.name = "listen",
     .kind = PMC_FLAG_STRING,
     .offset = offsetof(struct pmc_args, metrics_listen),
     .value_name = "ADDR",
     .help = "serve GET /metrics on ADDR (HOST:PORT, [V6]:PORT or PORT on 127.0.0.1)"},
    {.name = "stop",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, stop),
     .help = "stop serving /metrics"},
    {0},
};

const struct pmc_cli_command pmc_cmd_metrics = {
    .name = "metrics",
    .min_args = 0,
    .max_args = 0,
    .flags = metrics_flags,
    .usage = "[--listen ADDR | --stop] [--json]",
    .summary = "Show, start or stop the Prometheus /metrics endpoint",
    .details = "The daemon serves the Prometheus text format on ADDR until it stops or --stop;\n"
               "set metrics_listen in pmcd.conf to serve it whenever the daemon runs. Without\n"
               "a flag, prints where it is served and how often the daemon samples.",
    .run = run_metrics,
};
