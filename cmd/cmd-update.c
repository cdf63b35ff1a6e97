/* SPDX-License-Identifier: MIT */
/* `pmc update`: the daemon re-executes the installed pmcd in place; apps keep their pids. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "spawn-daemon.h"
#include "xmalloc.h"

#define UPDATE_TIMEOUT_MS 30000 /* log writes drained, then exec: the new image answers */
#define PING_POLL_MS      20

/* One ping on a fresh connection: started_at, pid, version and protocol; 0 or -errno. */
static int ping(const struct pmc_paths *paths, double *started_at, double *pid, char **version,
		double *protocol)
{
	struct pmc_client c;
	struct pmc_rpc_response resp = {0};
	int err;

	pmc_client_init(&c);
	err = pmc_client_connect(&c, paths->sock);
	if (err < 0) {
		pmc_client_close(&c);
		return err;
	}
	err = pmc_client_call(&c, "ping", NULL, PMC_CALL_TIMEOUT_MS, NULL, NULL, &resp);
	if (err == 0 && !resp.error_code && resp.result) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(resp.result, "started_at");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(resp.result, "pid");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(resp.result, "version");
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(resp.result, "protocol");
		*started_at = cJSON_IsNumber(s) ? s->valuedouble : 0;
		*pid = cJSON_IsNumber(p) ? p->valuedouble : 0;
		*protocol = cJSON_IsNumber(pr) ? pr->valuedouble : 0;
		*version = xstrdup(cJSON_IsString(v) ? v->valuestring : "unknown");
	} else if (err == 0) {
		err = -EPROTO;
	}
	if (err == 0 || resp.root)
		pmc_rpc_response_free(&resp);
	pmc_client_close(&c);
	return err;
}

static void pause_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static int run_update(struct pmc_cli *cli, const struct pmc_args *args)
{
	struct pmc_rpc_response resp = {0};
	double before = 0, after = 0, pid = 0, new_pid = 0, protocol = 0;
	char *version = NULL, *cause = NULL;
	int64_t deadline;
	int err, rc;

	(void)args;
	rc = pmc_cli_paths(cli);
	if (rc)
		return rc;
	/* No protocol check, and never start a daemon: update is the way out of a mismatch. */
	err = pmc_daemon_connect(&cli->paths, false, &cli->client, &cause);
	if (err < 0) {
		if (err == -ENOENT || err == -ECONNREFUSED)
			pmc_cli_error(
			    "no daemon running: the next pmc command starts the installed "
			    "pmcd");
		else
			pmc_cli_error("%s", cause);
		free(cause);
		return PMC_EXIT_UNREACHABLE;
	}
	pmc_client_close(&cli->client);
	if (ping(&cli->paths, &before, &pid, &version, &protocol) < 0) {
		pmc_cli_error("the daemon does not answer ping");
		return PMC_EXIT_UNREACHABLE;
	}
	free(version);
	version = NULL;
	pmc_client_init(&cli->client);
	err = pmc_client_connect(&cli->client, cli->paths.sock);
	if (err == 0)
		err = pmc_client_call(&cli->client, "update", NULL, UPDATE_TIMEOUT_MS, NULL, NULL,
				      &resp);
	pmc_client_close(&cli->client);
	if (err == 0 && resp.error_code) {
		/* The old daemon goes on: it said why. */
		pmc_cli_error("%s", resp.error_message ? resp.error_message : "update failed");
		pmc_rpc_response_free(&resp);
		return PMC_EXIT_DAEMON;
	}
	if (err == 0)
		pmc_rpc_response_free(&resp);
	/* The connection closed as the daemon re-executed: wait for the new image. */
	deadline = pmc_clock_mono_ms() + UPDATE_TIMEOUT_MS;
	while (pmc_clock_mono_ms() < deadline) {
		free(version);
		version = NULL;
		if (ping(&cli->paths, &after, &new_pid, &version, &protocol) == 0 &&
		    after != before)
			break;
		pause_ms(PING_POLL_MS);
	}
	if (after == before || !version) {
		pmc_cli_error("the daemon did not come back within %d s (see %s)",
			      UPDATE_TIMEOUT_MS / 1000, cli->paths.log);
		free(version);
		return PMC_EXIT_UNREACHABLE;
	}
	printf("[pmc] pmcd re-executed: version %s, protocol %g, pid %g; apps kept running\n",
	       version, protocol, new_pid);
	free(version);
	return PMC_EXIT_OK;
}

const struct pmc_cli_command pmc_cmd_update = {
	.name = "update",
	.min_args = 0,
	.max_args = 0,
	.usage = "",
	.summary = "Re-execute the installed pmcd in place; apps keep running",
	.details = "The daemon hands its sockets, the apps' pipes and its state to the pmcd binary it\n"
		   "was started from (installed anew, or PMC_PMCD), which takes over: pids stay, no\n"
		   "log line is lost. Use it after upgrading pmc, or when pmc reports a daemon of\n"
		   "another protocol. If the new binary cannot run, the old daemon goes on.",
	.run = run_update,
};
