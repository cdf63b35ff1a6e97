/* SPDX-License-Identifier: MIT */
/* `pmc kill`: stop every app, then the daemon, and wait until it has exited. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "spawn-daemon.h"
#include "xmalloc.h"

/* How long the daemon may take to exit once it has answered kill. */
#define KILL_EXIT_TIMEOUT_MS 10000
#define KILL_POLL_MS         10

/* True when pid no longer runs: no such process, or a zombie nobody reaped yet. */
static bool pid_gone(long long pid)
{
	char path[64], stat[512], *paren;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return true;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof path, "/proc/%lld/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT;
	n = fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	stat[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	paren = strrchr(stat, ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* Wait, bounded, until the socket refuses and the daemon's pid is gone. */
static bool wait_daemon_gone(const char *sock, long long pid)
{
	int64_t deadline = pmc_clock_mono_ms() + KILL_EXIT_TIMEOUT_MS;
	const struct timespec tick = { 0, KILL_POLL_MS * 1000000L };

	for (;;) {
		if (pmc_client_probe(sock) < 0 && pid_gone(pid))
			return true;
		if (pmc_clock_mono_ms() >= deadline)
			return false;
		nanosleep(&tick, NULL);
	}
}

static int run_kill(struct pmc_cli *cli, const struct pmc_args *args)
{
	cJSON *ping = NULL;
	const cJSON *pid;
	char *cause = NULL;
	long long daemon_pid;
	int64_t timeout;
	int err, rc;

	(void)args;
	rc = pmc_cli_paths(cli);
	if (rc)
		return rc;
	/* Never start a daemon only to stop it. */
	err = pmc_daemon_connect(&cli->paths, false, &cli->client, &cause);
	if (err == -ENOENT || err == -ECONNREFUSED) {
		puts("pmc: no daemon running");
		rc = PMC_EXIT_OK;
		goto out;
	}
	if (err < 0) {
		pmc_cli_error("%s", cause);
		rc = PMC_EXIT_UNREACHABLE;
		goto out;
	}
	cli->connected = true;
	/* No protocol check here: kill is the way out of a mismatch. */
	rc = pmc_cli_call(cli, "ping", NULL, PMC_CALL_TIMEOUT_MS, &ping);
	if (rc)
		goto out;
	pid = cJSON_GetObjectItemCaseSensitive(ping, "pid");
	daemon_pid = cJSON_IsNumber(pid) ? (long long)pid->valuedouble : 0;
	timeout = pmc_cli_stop_timeout(cli);
	rc = pmc_cli_call(cli, "kill", NULL, timeout, NULL);
	if (rc)
		goto out;
	puts("[pmc] All apps stopped");
	fflush(stdout);
	pmc_client_close(&cli->client);
	cli->connected = false;
	if (!wait_daemon_gone(cli->paths.sock, daemon_pid)) {
		pmc_cli_error("the daemon (pid %lld) did not exit within %d s", daemon_pid,
			      KILL_EXIT_TIMEOUT_MS / 1000);
		rc = PMC_EXIT_UNREACHABLE;
		goto out;
	}
	puts("[pmc] Daemon stopped");
out:
	cJSON_Delete(ping);
	free(cause);
	return rc;
}

const struct pmc_cli_command pmc_cmd_kill = {
	.name = "kill",
	.min_args = 0,
	.max_args = 0,
	.usage = "",
	.summary = "Stop every app, then the daemon",
	.details = "Waits until the daemon has exited. When no daemon runs, says so and exits with 0\n"
		   "without starting one.",
	.run = run_kill,
};
