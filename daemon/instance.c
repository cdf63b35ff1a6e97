/* SPDX-License-Identifier: MIT */
/* One supervised instance: the supervisor's callbacks wired to processes, timers and the store. */
#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "logs.h"
#include "metrics.h"
#include "proc.h"
#include "reload.h"
#include "xmalloc.h"

static struct pmc_instance *from_ctx(void *ctx)
{
	return ctx;
}

static void on_channel_message(struct pmc_channel *ch, const cJSON *msg, void *data);

static int64_t op_now(void *ctx)
{
	(void)ctx;
	return pmc_clock_wall_ms();
}

static void on_proc_exit(struct pmc_proc *proc, const struct pmc_sup_exit *exit, void *data)
{
	struct pmc_instance *inst = data;

	pmc_proc_release(proc);
	inst->proc = NULL;
	pmc_channel_close(inst->channel);
	inst->channel = NULL;
	inst->exits++;
	pmc_sup_handle(&inst->sup, PMC_SUP_EXITED, exit);
}

/* Set key=value in a NULL-terminated environment, replacing an existing entry. */
static void env_put(char ***envp, const char *key, const char *value)
{
	size_t klen = strlen(key), n;
	char **v = *envp;

	for (n = 0; v[n]; n++) {
		if (strncmp(v[n], key, klen) == 0 && v[n][klen] == '=') {
			free(v[n]);
			v[n] = xasprintf("%s=%s", key, value);
			return;
		}
	}
	v = xrealloc(v, (n + 2) * sizeof *v);
	v[n] = xasprintf("%s=%s", key, value);
	v[n + 1] = NULL;
	*envp = v;
}

static bool runs_node(const struct pmc_app_def *def)
{
	const char *interp = def->exec_interpreter;
	const char *base = interp ? strrchr(interp, '/') : NULL;

	return interp && strcmp(base ? base + 1 : interp, "node") == 0;
}

/* What one spawn needs beyond the definition: fds, env and argv additions. */
struct launch {
	int fds[PMC_INSTANCE_MAX_FDS];
	size_t n_fds;
	int child_channel_fd;
	char **argv; /* owned only when rewritten */
	bool argv_owned;
};

/* Listening sockets named on the command line are fds 3..; LISTEN_PID needs the
 * child's own pid, known only after fork: a shell trampoline sets it and execs. */
static int add_listen_fds(struct pmc_instance *inst, struct launch *l, char ***envp, char **cause)
{
	struct pmc_daemon *d = inst->daemon;
	struct pmc_app_def *def = &inst->app->def;
	char *names = xstrdup(""), count[32];
	size_t i;
	int err;

	for (i = 0; def->listen && def->listen[i]; i++) {
		struct pmc_listener *lis;
		if (l->n_fds >= PMC_INSTANCE_MAX_FDS - 1) {
			*cause = xstrdup("too many listen addresses");
			free(names);
			return -E2BIG;
		}
		err = pmc_listeners_acquire(&d->listeners, def->name, def->listen[i], &lis, cause);
		if (err < 0) {
			free(names);
			return err;
		}
		l->fds[l->n_fds++] = lis->fd;
		char *joined = xasprintf("%s%s%s", names, *names ? ":" : "", lis->fdname);
		free(names);
		names = joined;
	}
	if (l->n_fds > 0) {
		snprintf(count, sizeof count, "%zu", l->n_fds);
		env_put(envp, "LISTEN_FDS", count);
		env_put(envp, "LISTEN_FDNAMES", names);
	}
	free(names);
	return 0;
}

static void add_node_channel(struct pmc_instance *inst, struct launch *l, char ***envp)
{
	char fd[32];

	if (pmc_channel_open(inst->daemon->loop, on_channel_message, inst, &inst->channel,
			     &l->child_channel_fd) < 0) {
		inst->channel = NULL;
		return;
	}
	snprintf(fd, sizeof fd, "%zu", 3 + l->n_fds);
	l->fds[l->n_fds++] = l->child_channel_fd;
	env_put(envp, "NODE_CHANNEL_FD", fd);
	env_put(envp, "NODE_CHANNEL_SERIALIZATION_MODE", "json");
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* argv with extra words inserted at position at (words are copied). */
static char **argv_insert(char *const *argv, size_t at, const char *const *words, size_t n)
{
	size_t len = strv_len(argv), i;
	char **out = xcalloc(len + n + 1, sizeof *out);

	for (i = 0; i < len + n; i++)
		out[i] = xstrdup(i < at ? argv[i] : i < at + n ? words[i - at] : argv[i - n]);
	return out;
}

static void set_argv(struct launch *l, char **argv)
{
	if (l->argv_owned)
		pmc_strv_free(l->argv);
	l->argv = argv;
	l->argv_owned = true;
}

static int prepare_launch(struct pmc_instance *inst, struct launch *l, char ***envp, char **cause)
{
	struct pmc_daemon *d = inst->daemon;
	struct pmc_app_def *def = &inst->app->def;
	char timeout[32];
	int err;

	l->argv = def->argv;
	l->child_channel_fd = -1;
	if (def->cluster && (err = add_listen_fds(inst, l, envp, cause)) < 0)
		return err;
	if (runs_node(def))
		add_node_channel(inst, l, envp);
	if (def->cluster) {
		env_put(envp, "PMC_CLUSTER", "1");
		if (runs_node(def) && d->shim_path) {
			const char *words[] = { "--require", d->shim_path };
			set_argv(l, argv_insert(l->argv, 1, words, 2));
		}
	}
	if (d->notify_path)
		env_put(envp, "NOTIFY_SOCKET", d->notify_path);
	snprintf(timeout, sizeof timeout, "%lld", (long long)def->policy.kill_timeout);
	env_put(envp, "PMC_KILL_TIMEOUT", timeout);
	if (def->cluster && def->listen && def->listen[0]) {
		const char *words[] = { "/bin/sh", "-c",
					"LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"" };
		set_argv(l, argv_insert(l->argv, 0, words, 3));
	}
	return 0;
}

/* Formats and rotation of an instance's logs: the definition, else pmcd.conf. */
static void log_spec(const struct pmc_app_def *def, int pm_id, const char *combined,
		     struct pmc_log_spec *log)
{
	const struct pmc_logfile_opts *conf = pmc_logs_defaults();

	log->name = def->name;
	log->pm_id = pm_id;
	log->combined_path = combined;
	log->date_fmt = def->log_date_format;
	if (def->log_type && strcmp(def->log_type, "json") == 0)
		log->kind = PMC_LOGFMT_JSON;
	else if (def->time || def->log_date_format)
		log->kind = PMC_LOGFMT_TIME;
	else
		log->kind = PMC_LOGFMT_RAW;
	log->rotate = *conf;
	if (def->log_max_size >= 0)
		log->rotate.max_size = def->log_max_size;
	if (def->log_retain >= 0)
		log->rotate.retain = def->log_retain;
	if (def->log_rotate_names >= 0)
		log->rotate.date_names = def->log_rotate_names == 1;
	if (def->log_compress >= 0)
		log->rotate.compress = def->log_compress == 1;
}

static int op_spawn(void *ctx, char **cause)
{
	struct pmc_instance *inst = from_ctx(ctx);
	struct pmc_daemon *d = inst->daemon;
	struct pmc_app_def *def = &inst->app->def;
	struct pmc_proc_spec spec = { 0 };
	struct pmc_log_spec log = { 0 };
	struct launch l = { 0 };
	char **envp;
	char *out_path, *err_path, *combined;
	int err;

	if (d->stopping) {
		*cause = xstrdup("the daemon is shutting down");
		return -ECANCELED;
	}
	if (!def->resolved && (err = pmc_app_resolve(def, cause)) < 0)
		return err;
	envp = pmc_app_envp(def, inst->pm_id, inst->index);
	out_path = pmc_app_log_path(def, d->paths.logs_dir, false, inst->pm_id);
	err_path = pmc_app_log_path(def, d->paths.logs_dir, true, inst->pm_id);
	combined = pmc_app_combined_log_path(def, d->paths.logs_dir, inst->pm_id);
	log_spec(def, inst->pm_id, combined, &log);
	err = prepare_launch(inst, &l, &envp, cause);
	if (err == 0) {
		spec.argv = l.argv;
		spec.envp = envp;
		spec.cwd = def->cwd;
		spec.out_path = out_path;
		spec.err_path = err_path;
		spec.extra_fds = l.fds;
		spec.n_extra_fds = l.n_fds;
		spec.log = &log;
		err = pmc_proc_spawn(d->loop, &spec, on_proc_exit, inst, &inst->proc, cause);
	}
	if (l.child_channel_fd >= 0)
		close(l.child_channel_fd);
	if (err == 0) {
		inst->pid = inst->last_pid = pmc_proc_pid(inst->proc);
		inst->pid_start = pmc_proc_start_ticks(inst->pid);
		pmc_metrics_instance_reset(inst);
		inst->ready_by_timeout = false;
	} else {
		pmc_channel_close(inst->channel);
		inst->channel = NULL;
	}
	if (l.argv_owned)
		pmc_strv_free(l.argv);
	pmc_strv_free(envp);
	free(out_path);
	free(err_path);
	free(combined);
	return err;
}

static void op_kill(void *ctx, int64_t kill_timeout)
{
	struct pmc_instance *inst = from_ctx(ctx);
	const struct pmc_app_def *def = &inst->app->def;
	int sig = pmc_signal_parse(def->kill_signal ? def->kill_signal : "SIGINT");

	if (!inst->proc)
		return;
	if (def->shutdown_with_message && inst->channel) {
		/* The message instead of the signal; SIGKILL still follows the timeout. */
		cJSON *msg = cJSON_CreateString("shutdown");
		if (pmc_channel_send(inst->channel, msg, -1) == 0)
			sig = 0;
		cJSON_Delete(msg);
	}
	pmc_proc_stop(inst->proc, sig >= 0 ? sig : SIGINT, kill_timeout);
}

static void on_timer(uv_timer_t *timer)
{
	struct pmc_instance *inst = timer->data;

	if (inst->sup.status == PMC_STATUS_LAUNCHING)
		inst->ready_by_timeout = true;
	pmc_sup_handle(&inst->sup, PMC_SUP_TIMER, NULL);
}

static void op_timer_start(void *ctx, int64_t ms)
{
	struct pmc_instance *inst = from_ctx(ctx);

	uv_timer_start(&inst->timer, on_timer, (uint64_t)(ms > 0 ? ms : 0), 0);
}

static void op_timer_stop(void *ctx)
{
	uv_timer_stop(&from_ctx(ctx)->timer);
}

static void op_changed(void *ctx)
{
	struct pmc_instance *inst = from_ctx(ctx);

	if (!inst->sup.running)
		inst->pid = 0, inst->pid_start = 0;
	pmc_instance_persist(inst);
	pmc_daemon_poke(inst->daemon);
}

static void op_record(void *ctx, const struct pmc_sup_record *rec)
{
	struct pmc_instance *inst = from_ctx(ctx);
	struct pmc_store_event ev = {
		.at = pmc_clock_wall_ms(),
		.app = inst->app->def.name,
		.pm_id = inst->pm_id,
		.pid = inst->last_pid,
		.kind = (char *)rec->kind,
		.exit_code = rec->exit_code,
		.signal = rec->signal,
		.runtime_ms = rec->runtime_ms,
		.reason = (char *)rec->reason,
	};
	int err;

	if (rec->exit_code >= 0 || rec->signal)
		pmc_log_info("app [%s:%d] pid %d %s (code %d, signal %s, ran %" PRId64 " ms)%s%s",
			     ev.app, ev.pm_id, ev.pid, rec->kind, rec->exit_code,
			     rec->signal ? pmc_signal_name(rec->signal) : "none", rec->runtime_ms,
			     rec->reason ? ": " : "", rec->reason ? rec->reason : "");
	else
		pmc_log_info("app [%s:%d] %s%s%s (pid %d)", ev.app, ev.pm_id, rec->kind,
			     rec->reason ? ": " : "", rec->reason ? rec->reason : "", ev.pid);
	err = pmc_store_event_add(inst->daemon->store, &ev);
	if (err < 0)
		pmc_log_warn("cannot record history of [%s:%d]: %s", ev.app, ev.pm_id,
			     pmc_store_errmsg(inst->daemon->store));
}

int pmc_instance_adopt(struct pmc_instance *inst, const struct pmc_instance_handoff *h,
		       char **cause)
{
	struct pmc_daemon *d = inst->daemon;
	struct pmc_app_def *def = &inst->app->def;
	struct pmc_proc_spec spec = { 0 };
	struct pmc_log_spec log = { 0 };
	char *out_path, *err_path, *combined;
	int err;

	if (!def->resolved && (err = pmc_app_resolve(def, cause)) < 0)
		return err;
	out_path = pmc_app_log_path(def, d->paths.logs_dir, false, inst->pm_id);
	err_path = pmc_app_log_path(def, d->paths.logs_dir, true, inst->pm_id);
	combined = pmc_app_combined_log_path(def, d->paths.logs_dir, inst->pm_id);
	log_spec(def, inst->pm_id, combined, &log);
	spec.out_path = out_path;
	spec.err_path = err_path;
	spec.log = &log;
	err = pmc_proc_adopt(d->loop, h->pid, h->out_fd, h->err_fd, &spec, on_proc_exit, inst,
			     &inst->proc, cause);
	free(out_path);
	free(err_path);
	free(combined);
	if (err < 0)
		return err;
	if (h->channel_fd >= 0 &&
	    pmc_channel_adopt(d->loop, h->channel_fd, on_channel_message, inst, &inst->channel) < 0)
		inst->channel = NULL;
	inst->pid = inst->last_pid = h->pid;
	inst->pid_start = h->pid_start;
	inst->ready_by_timeout = h->ready_by_timeout;
	inst->sup.running = true;
	inst->sup.started_at = h->started_at;
	inst->sup.status = h->launching ? PMC_STATUS_LAUNCHING : PMC_STATUS_ONLINE;
	if (h->launching)
		op_timer_start(inst, inst->sup.policy->listen_timeout);
	pmc_instance_persist(inst);
	return 0;
}

static const struct pmc_sup_ops instance_ops = {
	.now = op_now,
	.spawn = op_spawn,
	.kill = op_kill,
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.changed = op_changed,
	.record = op_record,
};

struct pmc_instance *pmc_instance_new(struct pmc_daemon *d, struct pmc_app *app, int pm_id,
				      int index)
{
	struct pmc_instance *inst = xcalloc(1, sizeof *inst);

	inst->daemon = d;
	inst->app = app;
	inst->pm_id = pm_id;
	inst->index = index;
	uv_timer_init(d->loop, &inst->timer);
	inst->timer.data = inst;
	pmc_sup_init(&inst->sup, &app->def.policy, &instance_ops, inst);
	return inst;
}

static void on_timer_closed(uv_handle_t *handle)
{
	struct pmc_instance *inst = handle->data;

	pmc_sup_close(&inst->sup);
	pmc_metrics_instance_free(inst);
	free(inst);
}

void pmc_instance_free(struct pmc_instance *inst)
{
	pmc_channel_close(inst->channel);
	inst->channel = NULL;
	if (inst->proc) {
		pmc_proc_release(inst->proc);
		inst->proc = NULL;
	}
	uv_close((uv_handle_t *)&inst->timer, on_timer_closed);
}

int pmc_instance_handle(struct pmc_instance *inst, enum pmc_sup_event ev)
{
	return pmc_sup_handle(&inst->sup, ev, NULL);
}

void pmc_instance_persist(struct pmc_instance *inst)
{
	struct pmc_store_instance row = {
		.pm_id = inst->pm_id,
		.app = inst->app->def.name,
		.idx = inst->index,
		.pid = inst->sup.running ? inst->pid : 0,
		.pid_start = inst->sup.running ? inst->pid_start : 0,
		.status = (char *)pmc_status_name(inst->sup.status),
		.restart_time = inst->sup.restart_time,
		.unstable_restarts = inst->sup.unstable_restarts,
		.created_at = inst->sup.created_at,
		.pm_uptime = inst->sup.started_at,
		.exit_code = inst->sup.exit_code,
		.exit_signal = inst->sup.exit_signal,
		.prev_restart_delay = inst->sup.prev_restart_delay,
	};

	if (inst->app->deleting)
		return;
	if (inst->shadow) {
		/* A replacement's pid is known to the store too, for the next daemon
		 * should this one die mid-reload. */
		if (row.pid > 0)
			pmc_store_replacement_put(inst->daemon->store, &row);
		else
			pmc_store_replacement_delete(inst->daemon->store, row.pm_id);
		return;
	}
	if (pmc_store_instance_put(inst->daemon->store, &row) < 0)
		pmc_log_warn("cannot save state of [%s:%d]: %s", row.app, row.pm_id,
			     pmc_store_errmsg(inst->daemon->store));
}

bool pmc_instance_settled(const struct pmc_instance *inst)
{
	enum pmc_status s = inst->sup.status;

	if (s == PMC_STATUS_STOPPING || s == PMC_STATUS_LAUNCHING)
		return false;
	if (s == PMC_STATUS_STOPPED || s == PMC_STATUS_ERRORED)
		return !inst->sup.running;
	return true;
}

bool pmc_instance_stopped(const struct pmc_instance *inst)
{
	enum pmc_status s = inst->sup.status;

	return !inst->sup.running && (s == PMC_STATUS_STOPPED || s == PMC_STATUS_ERRORED);
}

/* Node's errno names for what bind() said, as the app would see them. */
static const char *errno_code(int err)
{
	static const struct {
		int err;
		const char *code;
	} codes[] = {
		{ EADDRINUSE, "EADDRINUSE" },	  { EACCES, "EACCES" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ EINVAL, "EINVAL" },		  { ENAMETOOLONG, "ENAMETOOLONG" }, { ENOENT, "ENOENT" },
	};
	size_t i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].err == -err)
			return codes[i].code;
	return "EINVAL";
}

/* With --port/--listen the app's TCP socket for that port is the one it gets,
 * whatever host it names: the daemon bound it before spawning. */
static struct pmc_listener *declared_port(struct pmc_instance *inst, int port)
{
	struct pmc_listener *mine[PMC_INSTANCE_MAX_FDS];
	size_t n = pmc_listeners_of(&inst->daemon->listeners, inst->app->def.name, mine,
				    PMC_INSTANCE_MAX_FDS), i, k;
	char **listen = inst->app->def.listen;

	for (i = 0; i < n; i++) {
		if (mine[i]->is_unix || mine[i]->port != port)
			continue;
		for (k = 0; listen && listen[k]; k++)
			if (strcmp(listen[k], mine[i]->address) == 0)
				return mine[i];
	}
	return NULL;
}

/* The shim asks for a listening socket: bind once per app, share the fd. */
static void serve_listen(struct pmc_instance *inst, const cJSON *msg)
{
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(msg, "seq");
	const char *host = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "host"));
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "path"));
	const cJSON *port = cJSON_GetObjectItemCaseSensitive(msg, "port");
	struct pmc_listener *lis = NULL;
	char *text, *address = NULL, *cause = NULL;
	cJSON *reply, *inner;
	int err;

	if (path)
		text = xasprintf("unix:%s", path);
	else if (cJSON_IsNumber(port) && (!host || !strcmp(host, "::") || !strcmp(host, "0.0.0.0")))
		text = xasprintf("tcp://0.0.0.0:%d", port->valueint);
	else if (cJSON_IsNumber(port) && strchr(host, ':'))
		text = xasprintf("tcp://[%s]:%d", host, port->valueint);
	else
		text = xasprintf("tcp://%s:%d", host ? host : "", cJSON_IsNumber(port) ? port->valueint : 0);
	err = pmc_listener_canonical(text, inst->app->def.cwd, &address, &cause);
	if (err == 0 && cJSON_IsNumber(port))
		lis = declared_port(inst, port->valueint);
	if (err == 0 && !lis)
		err = pmc_listeners_acquire(&inst->daemon->listeners, inst->app->def.name, address,
					    &lis, &cause);
	inner = cJSON_CreateObject();
	cJSON_AddItemToObject(inner, "seq", seq ? cJSON_Duplicate(seq, 1) : cJSON_CreateNull());
	if (err == 0) {
		cJSON_AddStringToObject(inner, "cmd", "pmc:listen-ok");
		reply = cJSON_CreateObject();
		cJSON_AddStringToObject(reply, "cmd", "NODE_HANDLE");
		cJSON_AddStringToObject(reply, "type", "net.Native");
		cJSON_AddItemToObject(reply, "msg", inner);
		/* Node's cluster hands workers non-blocking sockets and libuv relies on it:
		 * with a blocking one, every idle worker sleeps in accept() and its event loop
		 * freezes. The flag is on the socket, shared by this app's instances only. */
		fcntl(lis->fd, F_SETFL, fcntl(lis->fd, F_GETFL) | O_NONBLOCK);
		pmc_channel_send(inst->channel, reply, lis->fd);
	} else {
		cJSON_AddStringToObject(inner, "cmd", "pmc:listen-error");
		cJSON_AddStringToObject(inner, "code", errno_code(err));
		cJSON_AddStringToObject(inner, "message", cause ? cause : "cannot listen");
		reply = inner;
		pmc_channel_send(inst->channel, reply, -1);
	}
	cJSON_Delete(reply);
	free(text);
	free(address);
	free(cause);
}

static void on_channel_message(struct pmc_channel *ch, const cJSON *msg, void *data)
{
	struct pmc_instance *inst = data;
	const char *cmd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "cmd"));
	bool ready_message = inst->app->def.ready_message;

	(void)ch;
	if (cJSON_IsString(msg) && strcmp(msg->valuestring, "ready") == 0 && ready_message)
		pmc_sup_handle(&inst->sup, PMC_SUP_READY, NULL);
	else if (cmd && strcmp(cmd, "pmc:listen") == 0)
		serve_listen(inst, msg);
	else if (cmd && strcmp(cmd, "pmc:listening") == 0 && !ready_message)
		pmc_sup_handle(&inst->sup, PMC_SUP_READY, NULL);
}

void pmc_instance_notify_ready(struct pmc_daemon *d, int pid)
{
	struct pmc_instance *inst;

	for (inst = d->registry.instances; inst; inst = inst->next) {
		if (inst->sup.running && inst->pid == pid) {
			pmc_sup_handle(&inst->sup, PMC_SUP_READY, NULL);
			return;
		}
	}
	pmc_reload_notify_ready(d, pid);
}
