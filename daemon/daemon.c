/* SPDX-License-Identifier: MIT */
/* pmcd: the daemon's top-level state and its lifecycle. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "apps.h"
#include "backup.h"
#include "clock.h"
#include "duration.h"
#include "instance.h"
#include "jsonrpc.h"
#include "log.h"
#include "logs.h"
#include "metrics.h"
#include "notify.h"
#include "orphans.h"
#include "shim.h"
#include "snapshot.h"
#include "proc.h"
#include "reload.h"
#include "server.h"
#include "triggers.h"
#include "update.h"
#include "version.h"
#include "waiter.h"
#include "xmalloc.h"

struct options {
	int ready_fd;
	int handoff_fd; /* pmc update: the previous image's handoff */
	bool foreground;
	int64_t metrics_interval; /* ms; 0: pmcd.conf or the default */
	bool resurrect;      /* bring back the default snapshot once started (boot units) */
	bool restore_backup; /* put pmc.db.bak in place of pmc.db, then exit */
};

/* SIGUSR2: reopen every log file (for an external logrotate), as PM2 does. */
static uv_signal_t usr2_signal;

static const char usage_text[] =
	"usage: pmcd [--foreground] [--resurrect] [--ready-fd N] [--metrics-interval DUR]\n"
	"            [--version] [--help]\n"
	"       pmcd --restore-backup\n"
	"The pmc daemon. It is started on demand by pmc; see pmcd(8).\n";

/* The CLI waits for one line on the readiness fd: "ok" or "error: why". */
static void report_ready(struct pmc_daemon *d, const char *error)
{
	char *line = error ? xasprintf("error: %s\n", error) : xstrdup("ok\n");
	ssize_t n;

	if (error)
		fprintf(stderr, "pmcd: %s\n", error);
	if (d->ready_fd >= 0) {
		do
			n = write(d->ready_fd, line, strlen(line));
		while (n < 0 && errno == EINTR);
		close(d->ready_fd);
		d->ready_fd = -1;
	}
	free(line);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	int i;

	opt->ready_fd = -1;
	opt->handoff_fd = -1;
	opt->foreground = false;
	opt->metrics_interval = 0;
	opt->resurrect = false;
	opt->restore_backup = false;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("pmcd %s (protocol %d)\n", PMC_VERSION, PMC_PROTOCOL_VERSION);
			exit(0);
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (strcmp(argv[i], "--foreground") == 0) {
			opt->foreground = true;
		} else if (strcmp(argv[i], "--resurrect") == 0) {
			opt->resurrect = true;
		} else if (strcmp(argv[i], "--restore-backup") == 0) {
			opt->restore_backup = true;
		} else if (strcmp(argv[i], "--ready-fd") == 0 && i + 1 < argc) {
			char *end;
			long fd = strtol(argv[++i], &end, 10);
			if (*end || fd < 0 || fd > 65535 || fcntl((int)fd, F_GETFD) < 0)
				goto bad;
			opt->ready_fd = (int)fd;
			fcntl(opt->ready_fd, F_SETFD, FD_CLOEXEC);
		} else if (strcmp(argv[i], "--metrics-interval") == 0 && i + 1 < argc) {
			if (pmc_duration_parse(argv[++i], &opt->metrics_interval) < 0 ||
			    opt->metrics_interval < PMC_METRICS_INTERVAL_MIN ||
			    opt->metrics_interval > PMC_METRICS_INTERVAL_MAX)
				goto bad;
		} else if (strcmp(argv[i], "--handoff-fd") == 0 && i + 1 < argc) {
			char *end;
			long fd = strtol(argv[++i], &end, 10);
			if (*end || fd < 0 || fd > 65535 || fcntl((int)fd, F_GETFD) < 0)
				goto bad;
			opt->handoff_fd = (int)fd;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	fprintf(stderr, "pmcd: bad argument '%s'\n%s", argv[i], usage_text);
	return -EINVAL;
}

/* Exactly one daemon per home: the lock is held for the daemon's life. */
static int take_lock(struct pmc_daemon *d, char **cause)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(d->paths.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("cannot open %s: %s", d->paths.lock, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		n = pread(fd, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		*cause = err == EWOULDBLOCK
				 ? xasprintf("another pmcd is running (pid %s)", *buf ? buf : "?")
				 : xasprintf("cannot lock %s: %s", d->paths.lock, strerror(err));
		close(fd);
		return -err;
	}
	n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		pmc_log_warn("cannot write the pid into %s", d->paths.lock);
	d->lock_fd = fd;
	return 0;
}

static int redirect_output(struct pmc_daemon *d, char **cause)
{
	int log_fd = open(d->paths.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (log_fd < 0 || null_fd < 0) {
		*cause = xasprintf("cannot open %s: %s", d->paths.log, strerror(errno));
		return -errno;
	}
	dup2(null_fd, STDIN_FILENO);
	dup2(null_fd, STDOUT_FILENO);
	dup2(log_fd, STDERR_FILENO);
	close(log_fd);
	close(null_fd);
	return 0;
}

static bool all_stopped(struct pmc_daemon *d)
{
	struct pmc_instance *inst;

	if (d->reloads)
		return false; /* replacements still winding down */
	for (inst = d->registry.instances; inst; inst = inst->next)
		if (!pmc_instance_stopped(inst))
			return false;
	return true;
}

static void close_handle(uv_handle_t *handle)
{
	if (!uv_is_closing(handle))
		uv_close(handle, NULL);
}

static void close_walked(uv_handle_t *handle, void *arg)
{
	(void)arg;
	close_handle(handle);
}

/* Every app is stopped: answer `kill`, close everything so the loop ends. */
static void finish(struct pmc_daemon *d)
{
	struct pmc_app *app;
	size_t i;

	d->finished = true;
	if (d->kill_call) {
		cJSON *result = cJSON_CreateObject();
		cJSON_AddNumberToObject(result, "stopped", (double)pmc_registry_app_count(&d->registry));
		pmc_call_reply(d->kill_call, result);
		d->kill_call = NULL;
	}
	if (d->server)
		pmc_server_close(d->server);
	unlink(d->paths.sock);
	pmc_orphans_free(d->orphans);
	d->orphans = NULL;
	pmc_notify_close(d->notify);
	d->notify = NULL;
	for (i = 0; i < sizeof d->signals / sizeof d->signals[0]; i++)
		close_handle((uv_handle_t *)&d->signals[i]);
	close_handle((uv_handle_t *)&usr2_signal);
	close_handle((uv_handle_t *)&d->settle_timer);
	pmc_metrics_close(d);
	while ((app = d->registry.apps)) {
		pmc_triggers_release(app);
		pmc_registry_app_unlink(&d->registry, app);
		for (i = 0; i < app->n_instances; i++)
			pmc_instance_free(app->instances[i]);
		free(app->instances);
		pmc_app_def_free(&app->def);
		free(app);
	}
	pmc_listeners_close(&d->listeners);
	pmc_log_info("pmcd stopped");
}

static void on_settle(uv_timer_t *timer)
{
	struct pmc_daemon *d = timer->data;

	pmc_waiter_check_all(d);
	pmc_reload_check_all(d);
	if (d->stopping && !d->finished && all_stopped(d))
		finish(d);
}

void pmc_daemon_poke(struct pmc_daemon *d)
{
	if (!d->finished && !uv_is_active((uv_handle_t *)&d->settle_timer))
		uv_timer_start(&d->settle_timer, on_settle, 0, 0);
}

void pmc_daemon_shutdown(struct pmc_daemon *d, bool forget_desired)
{
	struct pmc_instance *inst;
	struct pmc_app *app;

	if (!d->stopping)
		pmc_log_info("stopping every app%s", forget_desired ? " (pmc kill)" : "");
	d->stopping = true;
	for (app = d->registry.apps; app && forget_desired; app = app->next) {
		if (app->desired_online) {
			app->desired_online = false;
			pmc_apps_save(d, app);
		}
	}
	pmc_reload_abort_all(d);
	for (app = d->registry.apps; app; app = app->next)
		pmc_triggers_release(app);
	for (inst = d->registry.instances; inst; inst = inst->next) {
		inst->sup.stop_reason = forget_desired ? "pmc kill" : "daemon stopping";
		pmc_instance_handle(inst, PMC_SUP_STOP);
	}
	pmc_daemon_poke(d);
}

void pmc_daemon_shutdown_notify(struct pmc_daemon *d, struct pmc_call *call)
{
	if (d->kill_call) {
		pmc_call_error(call, PMC_RPC_SHUTTING_DOWN, "the daemon is already being killed",
			       NULL);
		return;
	}
	d->kill_call = call;
	pmc_daemon_poke(d);
}

static void destroy_deleting(struct pmc_daemon *d, struct pmc_waiter *w)
{
	struct pmc_app *app, *next;

	(void)w;
	for (app = d->registry.apps; app; app = next) {
		next = app->next;
		if (app->deleting && app->n_instances &&
		    pmc_instance_stopped(app->instances[0]))
			pmc_apps_destroy(d, app);
	}
}

void pmc_daemon_delete_when_stopped(struct pmc_daemon *d, struct pmc_app *app)
{
	pmc_waiter_add(d, NULL, app->instances, app->n_instances, pmc_instance_stopped,
		       destroy_deleting, NULL);
}

static void on_signal(uv_signal_t *handle, int signum)
{
	struct pmc_daemon *d = handle->data;

	if (signum == SIGHUP)
		return;
	if (signum == SIGCHLD) {
		pmc_proc_reap_strays();
		return;
	}
	pmc_log_info("received %s", strsignal(signum));
	pmc_daemon_shutdown(d, false);
}

static void logs_reopened(int n, void *data)
{
	(void)n;
	(void)data;
}

static void on_usr2(uv_signal_t *handle, int signum)
{
	(void)handle;
	(void)signum;
	pmc_logs_reopen_all(logs_reopened, NULL);
}

static void watch_signals(struct pmc_daemon *d)
{
	static const int signums[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD };
	size_t i;

	for (i = 0; i < sizeof signums / sizeof signums[0]; i++) {
		uv_signal_init(d->loop, &d->signals[i]);
		d->signals[i].data = d;
		uv_signal_start(&d->signals[i], on_signal, signums[i]);
	}
	uv_signal_init(d->loop, &usr2_signal);
	uv_signal_start(&usr2_signal, on_usr2, SIGUSR2);
}

static const char *current_username(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw ? xstrdup(pw->pw_name) : xasprintf("%u", (unsigned)getuid());
}

static void on_notify_ready(int pid, void *data)
{
	pmc_instance_notify_ready(data, pid);
}

/* Readiness and shared sockets are best effort: a daemon without them still supervises. */
static void start_cluster_support(struct pmc_daemon *d)
{
	char *dir = xasprintf("%s/node", d->paths.home);
	char *cause = NULL;

	d->shim_path = pmc_shim_install(dir, &cause);
	if (!d->shim_path) {
		pmc_log_warn("Node apps will run without the cluster shim: %s", cause);
		free(cause);
		cause = NULL;
	}
	free(dir);
	d->notify_path = xasprintf("%s/notify.sock", d->paths.home);
	if (d->handoff && pmc_update_notify_fd(d->handoff) >= 0) {
		/* Kept across pmc update: a READY=1 sent meanwhile waits in it. */
		d->notify = pmc_notify_adopt(d->loop, pmc_update_notify_fd(d->handoff),
					     d->notify_path, on_notify_ready, d);
		return;
	}
	if (pmc_notify_open(d->loop, d->notify_path, on_notify_ready, d, &d->notify, &cause) < 0) {
		pmc_log_warn("apps cannot report READY=1: %s", cause);
		free(cause);
		free(d->notify_path);
		d->notify_path = NULL;
	}
}

/* Sampling every --metrics-interval, else pmcd.conf's metrics_interval, else 1 s. */
static int start_metrics(struct pmc_daemon *d, struct options *opt, char **cause)
{
	char *path = xasprintf("%s/pmcd.conf", d->paths.home), *why = NULL;
	struct pmc_metrics_conf conf;
	int err;

	if (pmc_metrics_conf_load(path, &conf, &why) < 0) {
		pmc_log_warn("%s (metrics use their defaults)", why);
		free(why);
		pmc_metrics_conf_free(&conf);
		conf.interval_ms = PMC_METRICS_INTERVAL_DEFAULT;
	}
	free(path);
	if (opt->metrics_interval)
		conf.interval_ms = opt->metrics_interval;
	err = pmc_metrics_start(d, &conf, cause);
	pmc_metrics_conf_free(&conf);
	return err;
}

static int daemon_setup(struct pmc_daemon *d, struct options *opt, char **cause)
{
	int err;

	if ((err = pmc_paths_init(&d->paths, cause)) < 0)
		return err;
	if ((err = pmc_paths_mkdirs(&d->paths, cause)) < 0)
		return err;
	if (opt->handoff_fd >= 0) {
		/* pmc update: the lock, sockets and apps come from the previous image. */
		d->handoff = pmc_update_read(opt->handoff_fd, cause);
		if (!d->handoff)
			return -EINVAL;
		d->lock_fd = pmc_update_lock_fd(d->handoff);
		if (d->lock_fd < 0 || flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) {
			*cause = xstrdup("the lock was not handed over");
			return -EINVAL;
		}
		fcntl(d->lock_fd, F_SETFD, FD_CLOEXEC);
	} else if ((err = take_lock(d, cause)) < 0) {
		return err;
	}
	if (!opt->foreground && (err = redirect_output(d, cause)) < 0)
		return err;
	pmc_log_info("pmcd %s starting (pid %d, home %s)", PMC_VERSION, (int)getpid(),
		     d->paths.home);
	pmc_logs_init(d->paths.home, d->paths.log, !opt->foreground);
	if ((err = pmc_backup_open_store(d, cause)) < 0)
		return err;
	watch_signals(d);
	start_cluster_support(d);
	if ((err = start_metrics(d, opt, cause)) < 0)
		return err;
	d->orphans = pmc_orphans_new(d);
	if ((err = pmc_apps_load(d, cause)) < 0)
		return err;
	if (d->handoff)
		pmc_update_adopt(d, d->handoff);
	return 0;
}

/* Once started: --resurrect, then a backup of the database that just opened soundly. */
static void after_start(struct pmc_daemon *d)
{
	cJSON *result = NULL;
	char *cause = NULL;

	if (d->resurrect &&
	    pmc_snapshot_resurrect(d, PMC_SNAPSHOT_DEFAULT, &result, NULL, NULL, &cause) != 0)
		pmc_log_info("--resurrect: %s", cause);
	cJSON_Delete(result);
	free(cause);
	pmc_backup_write(d);
}

/*
 * What a dead daemon left running is gone: only now do clients get in and apps
 * start, so nothing runs twice and no old process holds a port being bound.
 */
static void on_reconciled(struct pmc_daemon *d)
{
	bool handed_over = d->handoff != NULL;
	char *cause = NULL;

	if (d->stopping)
		return;
	if (d->handoff && pmc_update_server_fd(d->handoff) >= 0) {
		if (pmc_server_adopt(d, pmc_update_server_fd(d->handoff), &d->server, &cause) < 0)
			d->server = NULL;
	} else {
		unlink(d->paths.sock); /* stale: we hold the lock, so no daemon owns it */
		if (pmc_server_start(d, d->paths.sock, &d->server, &cause) < 0)
			d->server = NULL;
	}
	if (!d->server) {
		pmc_log_error("%s", cause);
		report_ready(d, cause);
		free(cause);
		pmc_daemon_shutdown(d, false);
		return;
	}
	pmc_apps_start_desired(d);
	cJSON_Delete(d->handoff);
	d->handoff = NULL;
	report_ready(d, NULL);
	if (!handed_over)
		after_start(d);
}

/* pmcd --restore-backup: under the daemon lock, so no daemon has the database open. */
static int restore_backup_main(struct pmc_daemon *d)
{
	char *cause = NULL, *report = NULL;
	int status = 1;

	if (pmc_paths_init(&d->paths, &cause) < 0 || take_lock(d, &cause) < 0) {
		if (cause && strstr(cause, "another pmcd"))
			fprintf(stderr, "pmcd: %s: stop it first (pmc kill)\n", cause);
		else
			fprintf(stderr, "pmcd: %s\n", cause);
		goto out;
	}
	if (pmc_backup_restore(&d->paths, &report, &cause) < 0) {
		fprintf(stderr, "pmcd: %s\n", cause);
		goto out;
	}
	printf("pmcd: %s\n", report);
	status = 0;
out:
	free(cause);
	free(report);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	pmc_paths_free(&d->paths);
	return status;
}

int pmc_daemon_main(int argc, char **argv)
{
	struct pmc_daemon daemon = { 0 }, *d = &daemon;
	struct options opt;
	char *cause = NULL;
	int status = 1;

	if (parse_options(argc, argv, &opt) < 0)
		return 2;
	if (opt.restore_backup) {
		d->lock_fd = -1;
		return restore_backup_main(d);
	}
	signal(SIGPIPE, SIG_IGN);
	if (getenv("PMC_DEBUG"))
		pmc_log_set_level(PMC_LOG_DEBUG);
	pmc_rpc_init_json();
	d->lock_fd = -1;
	d->loop = xmalloc(sizeof *d->loop);
	uv_loop_init(d->loop);
	uv_timer_init(d->loop, &d->settle_timer);
	d->settle_timer.data = d;
	d->started_mono = pmc_clock_mono_ms();
	d->username = current_username();
	d->ready_fd = opt.ready_fd;
	d->foreground = opt.foreground;
	d->resurrect = opt.resurrect;
	d->started_wall = pmc_clock_wall_ms();
	pmc_update_init(argv[0]);
	if (daemon_setup(d, &opt, &cause) < 0) {
		pmc_log_error("%s", cause);
		report_ready(d, cause);
		free(cause);
		goto out;
	}
	pmc_orphans_wait(d->orphans, on_reconciled);
	uv_run(d->loop, UV_RUN_DEFAULT);
	status = 0;
out:
	if (!d->finished) {
		/* Setup failed part-way: close what was opened. */
		d->stopping = true;
		if (d->server)
			pmc_server_close(d->server);
		pmc_notify_close(d->notify);
		pmc_orphans_free(d->orphans);
		pmc_listeners_close(&d->listeners);
		pmc_metrics_close(d);
		uv_walk(d->loop, close_walked, NULL);
		uv_run(d->loop, UV_RUN_DEFAULT);
	}
	if (uv_loop_close(d->loop) != 0)
		pmc_log_warn("handles left open at exit");
	free(d->loop);
	if (d->store)
		pmc_store_close(d->store);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	pmc_paths_free(&d->paths);
	pmc_logs_fini();
	free((char *)d->username);
	free(d->shim_path);
	free(d->notify_path);
	cJSON_Delete(d->handoff);
	return status;
}
