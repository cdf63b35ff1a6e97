/* SPDX-License-Identifier: MIT */
/* `pmc runtime` (pmc-runtime): pmcd in the foreground as a container's entrypoint, with PID 1's
 * duties. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "ecosystem-run.h"
#include "logview.h"
#include "spawn-daemon.h"
#include "xmalloc.h"

/* Checks of the app list, one a second; this many in a row with every app down end the runtime. */
#define CHECK_INTERVAL_MS 1000
#define DOWN_CHECKS       3

struct runtime {
	struct pmc_cli *cli;
	const struct pmc_args *args;
	pid_t pmcd;
	bool pmcd_gone;
	int pmcd_status;
	int sfd, tfd, efd;
	struct pmc_client logs;
	bool following;
	struct pmc_logview view;
	int down_checks;
	cJSON *before; /* names of the apps the home held before the start */
	bool stopping;
	int exit_code;
};

static void say(const char *fmt, const char *arg)
{
	fflush(stdout);
	fputs("pmc-runtime: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

/* Stop every app and the daemon (as `pmc kill`); the runtime then exits with code. */
static void stop_all(struct runtime *rt, int code)
{
	int rc;

	if (rt->stopping)
		return;
	rt->stopping = true;
	rt->exit_code = code;
	if (rt->pmcd_gone)
		return;
	rc = pmc_cli_call(rt->cli, "kill", NULL, pmc_cli_stop_timeout(rt->cli), NULL);
	if (rc) {
		/* The daemon is stuck or gone: end it, apps and all. */
		say("the daemon did not stop the apps; killing it%s", "");
		kill(rt->pmcd, SIGKILL);
		rt->exit_code = code ? code : 1;
	}
}

/* PID 1 (or the subreaper) inherits every orphan: reap them all. */
static void reap(struct runtime *rt)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == rt->pmcd) {
			rt->pmcd_gone = true;
			rt->pmcd_status = status;
		}
	}
}

static void on_signals(struct runtime *rt)
{
	struct signalfd_siginfo si;

	while (read(rt->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(rt);
			break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			if (!rt->stopping)
				say("%s: stopping every app", strsignal((int)si.ssi_signo));
			stop_all(rt, 0);
			break;
		default:
			break;
		}
	}
}

static int signal_number(const char *name)
{
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strncmp(name, "SIG", 3) == 0 && strcmp(name + 3, abbrev) == 0)
			return sig;
	}
	return 0;
}

static bool listed(const cJSON *names, const char *name)
{
	const cJSON *n;

	cJSON_ArrayForEach(n, names) if (name && cJSON_IsString(n) &&
	                                 strcmp(n->valuestring, name) == 0) return true;
	return false;
}

/*
 * Every instance of the apps this runtime started (all apps, when it started
 * none that were new) stopped or errored? *code is then what the runtime exits with:
 * the first instance's exit code that is not 0 (128 + N for signal N, 1 when
 * errored without one), 0 when all ended well, 1 when no app is left.
 */
static bool all_down(const cJSON *list, const cJSON *before, int *code)
{
	const cJSON *entry;
	bool any_new = false;

	cJSON_ArrayForEach(entry,
	                   list) if (!listed(before,
	                                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	                                         entry, "name")))) any_new = true;
	*code = cJSON_GetArraySize(list) ? 0 : 1;
	cJSON_ArrayForEach(entry, list)
	{
		const cJSON *env = cJSON_GetObjectItemCaseSensitive(entry, "pm2_env");
		const char *status =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "status"));
		const cJSON *ec = cJSON_GetObjectItemCaseSensitive(env, "exit_code");
		const char *sig =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "exit_signal"));
		bool errored = status && strcmp(status, "errored") == 0;
		int c = 0;

		if (any_new && listed(before, cJSON_GetStringValue(
		                                  cJSON_GetObjectItemCaseSensitive(entry, "name"))))
			continue;

		if (!errored && !(status && strcmp(status, "stopped") == 0))
			return false;
		if (sig && signal_number(sig))
			c = 128 + signal_number(sig);
		else if (cJSON_IsNumber(ec) && ec->valuedouble > 0)
			c = ec->valuedouble > 255 ? 255 : (int)ec->valuedouble;
		else if (errored)
			c = 1;
		if (c && !*code)
			*code = c;
	}
	return true;
}

static void on_timer(struct runtime *rt)
{
	uint64_t ticks;
	cJSON *list = NULL;
	int code;

	if (read(rt->tfd, &ticks, sizeof ticks) != (ssize_t)sizeof ticks)
		return;
	if (rt->stopping || rt->pmcd_gone ||
	    (rt->args->auto_exit.set && !rt->args->auto_exit.value))
		return;
	if (pmc_cli_call(rt->cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list))
		return;
	if (all_down(list, rt->before, &code))
		rt->down_checks++;
	else
		rt->down_checks = 0;
	cJSON_Delete(list);
	if (rt->down_checks >= DOWN_CHECKS) {
		char buf[16];
		snprintf(buf, sizeof buf, "%d", code);
		say("every app stayed down: stopping, exit status %s", buf);
		stop_all(rt, code);
	}
}

/* Signals and the check timer, readable through one epoll fd (the log stream's stop fd). */
static int open_events(struct runtime *rt)
{
	struct itimerspec every = {{CHECK_INTERVAL_MS / 1000, 0}, {CHECK_INTERVAL_MS / 1000, 0}};
	struct epoll_event ev = {.events = EPOLLIN};
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	rt->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	rt->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	rt->efd = epoll_create1(EPOLL_CLOEXEC);
	if (rt->sfd < 0 || rt->tfd < 0 || rt->efd < 0)
		return -errno;
	ev.data.fd = rt->sfd;
	if (epoll_ctl(rt->efd, EPOLL_CTL_ADD, rt->sfd, &ev) < 0)
		return -errno;
	ev.data.fd = rt->tfd;
	if (epoll_ctl(rt->efd, EPOLL_CTL_ADD, rt->tfd, &ev) < 0)
		return -errno;
	return timerfd_settime(rt->tfd, 0, &every, NULL) < 0 ? -errno : 0;
}

/* Subscribe to every app's output (apps started later too), before anything starts. */
static int follow_logs(struct runtime *rt)
{
	cJSON *params = cJSON_CreateObject();
	struct pmc_rpc_response resp;
	int err;

	pmc_client_init(&rt->logs);
	cJSON_AddBoolToObject(params, "follow", true);
	err = pmc_client_connect(&rt->logs, rt->cli->paths.sock);
	if (err == 0)
		err = pmc_client_call(&rt->logs, "logs", params, PMC_CALL_TIMEOUT_MS, NULL, NULL,
		                      &resp);
	cJSON_Delete(params);
	if (err < 0)
		return err;
	err = resp.error_code ? -EPROTO : 0;
	pmc_rpc_response_free(&resp);
	rt->following = err == 0;
	pmc_logview_init(&rt->view, stdout);
	rt->view.err_out = stderr;
	rt->view.skip_daemon = true;
	rt->view.raw = rt->args->raw;
	rt->view.color = rt->cli->color;
	return err;
}

/* Apps left in the home by an earlier run (stopped, say) are not this run's apps. */
static int app_names(struct runtime *rt)
{
	const cJSON *entry;
	cJSON *list = NULL;
	int rc = pmc_cli_call(rt->cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list);

	rt->before = cJSON_CreateArray();
	cJSON_ArrayForEach(entry, list)
	{
		const char *name =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "name"));
		if (name && !listed(rt->before, name))
			cJSON_AddItemToArray(rt->before, cJSON_CreateString(name));
	}
	cJSON_Delete(list);
	return rc;
}

/* Print logs and handle signals and checks until the daemon is gone and its stream drained. */
static void loop(struct runtime *rt)
{
	while (!rt->pmcd_gone || rt->following) {
		if (rt->following) {
			int err = pmc_logview_stream(&rt->view, &rt->logs, rt->efd);
			if (err < 0) {
				pmc_client_close(&rt->logs);
				rt->following = false;
			}
		} else {
			struct epoll_event ev;
			if (epoll_wait(rt->efd, &ev, 1, -1) < 0 && errno != EINTR)
				break;
		}
		on_signals(rt);
		on_timer(rt);
	}
}

static int exit_status(struct runtime *rt)
{
	char buf[64];

	if (rt->stopping)
		return rt->exit_code;
	/* The daemon went away on its own. */
	if (WIFSIGNALED(rt->pmcd_status))
		snprintf(buf, sizeof buf, "killed by %s", strsignal(WTERMSIG(rt->pmcd_status)));
	else
		snprintf(buf, sizeof buf, "exited with status %d", WEXITSTATUS(rt->pmcd_status));
	say("pmcd %s", buf);
	return PMC_EXIT_DAEMON;
}

static char stderr_buf[1 << 16];

static int run_runtime(struct pmc_cli *cli, const struct pmc_args *args)
{
	struct runtime rt = {.cli = cli, .args = args, .sfd = -1, .tfd = -1, .efd = -1};
	char *cause = NULL;
	int rc;

	rc = pmc_cli_paths(cli);
	if (rc)
		return rc;
	/* pmcd writes its own lines to the same stderr: each of ours must be one write(2),
	 * or a daemon line could land inside an app's line. */
	setvbuf(stderr, stderr_buf, _IOLBF, sizeof stderr_buf);
	/* Orphans of the apps come here when this is not PID 1 already. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (open_events(&rt) < 0) {
		pmc_cli_error("runtime: cannot watch signals: %s", strerror(errno));
		rc = PMC_EXIT_DAEMON;
		goto out;
	}
	if (pmc_paths_mkdirs(&cli->paths, &cause) < 0 ||
	    pmc_daemon_spawn(&cli->paths, true, &rt.pmcd, &cause) < 0) {
		pmc_cli_error("%s", cause);
		free(cause);
		reap(&rt);
		rc = PMC_EXIT_UNREACHABLE;
		goto out;
	}
	rc = pmc_cli_connect(cli, false);
	if (rc == 0 && follow_logs(&rt) < 0) {
		pmc_cli_error("runtime: cannot follow the logs");
		rc = PMC_EXIT_UNREACHABLE;
	}
	if (rc == 0)
		rc = app_names(&rt);
	/* The same requests as `pmc start ARGS`, whatever ARGS names. */
	if (rc == 0)
		rc = pmc_cmd_start.run(cli, args);
	fflush(stdout);
	if (rc) {
		stop_all(&rt, rc);
		if (!rt.pmcd_gone)
			while (waitpid(rt.pmcd, NULL, 0) < 0 && errno == EINTR)
				;
		reap(&rt);
		goto out;
	}
	loop(&rt);
	rc = exit_status(&rt);
out:
	pmc_client_close(&rt.logs);
	cJSON_Delete(rt.before);
	if (rt.sfd >= 0)
		close(rt.sfd);
	if (rt.tfd >= 0)
		close(rt.tfd);
	if (rt.efd >= 0)
		close(rt.efd);
	return rc;
}

static const struct pmc_flag runtime_flags[] = {
    {.name = "raw",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, raw),
     .help = "print the apps' lines without the 'ID|NAME | ' prefix"},
    {.name = "auto-exit",
     .kind = PMC_FLAG_TOGGLE,
     .offset = offsetof(struct pmc_args, auto_exit),
     .help = "keep running when every app stayed down (default: exit)"},
    {0},
};

const struct pmc_cli_command pmc_cmd_runtime = {
    .name = "runtime",
    .min_args = 0,
    .max_args = 1,
    .flags = runtime_flags,
    .extra_flags = pmc_cmd_start_flags,
    .script_args = true,
    .usage = "SCRIPT|FILE [flags] [-- args...]",
    .summary = "Run pmcd in the foreground with the apps of `pmc start ARGS` (containers)",
    .details = "For a container's entrypoint, also installed as pmc-runtime. Starts pmcd in the\n"
               "foreground with the usual socket in PMC_HOME (so `pmc ls` and `pmc ping` work\n"
               "from an exec probe), starts the apps exactly as `pmc start` would with the same\n"
               "arguments, and prints their output: standard output lines on stdout, standard\n"
               "error lines and pmcd's own messages on stderr, prefixed 'ID|NAME | ' unless\n"
               "--raw.\n"
               "\n"
               "As PID 1 (or as a subreaper otherwise) it reaps every orphaned process. SIGTERM,\n"
               "SIGINT or SIGQUIT stop every app gracefully, then pmcd; the exit status is 0.\n"
               "When every app stays stopped or errored for 3 checks a second apart, it stops\n"
               "and exits with the first non-zero exit code of an app (128+N for signal N, 1\n"
               "for errored), or 0 when all ended with 0; --no-auto-exit keeps it running.\n"
               "Exits 1 when pmcd dies, 3 when it cannot start.",
    .run = run_runtime,
    .check = pmc_eco_check_args,
};
