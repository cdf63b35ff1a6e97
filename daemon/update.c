/* SPDX-License-Identifier: MIT */
/*
 * pmc update: the daemon re-executes its installed binary in place. The new
 * image inherits the lock, the RPC and cluster listening sockets, and every
 * running instance's output pipes and IPC channel, described in a handoff
 * (JSON in a memfd); the apps are still its children and keep their pids.
 */
#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "channel.h"
#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "log.h"
#include "notify.h"
#include "orphans.h"
#include "proc.h"
#include "server.h"
#include "version.h"
#include "xmalloc.h"

#define HOLD_POLL_MS  5
#define HOLD_LIMIT_MS 3000 /* log writes a slow disk still owes, at most */
#define MAX_FDS       4096

struct pmc_update {
	struct pmc_daemon *daemon;
	struct pmc_call *call;
	uv_timer_t timer;
	uint64_t deadline;
	int fds[MAX_FDS]; /* inherited across exec: close-on-exec cleared */
	size_t n_fds;
};

static char *self_path; /* the pmcd file this daemon was started from */

void pmc_update_init(const char *argv0)
{
	char buf[PATH_MAX];
	const char *env = getenv("PMC_PMCD");
	ssize_t n;

	free(self_path);
	self_path = NULL;
	if (env && *env)
		self_path = realpath(env, NULL);
	if (!self_path && argv0 && strchr(argv0, '/'))
		self_path = realpath(argv0, NULL);
	if (!self_path && (n = readlink("/proc/self/exe", buf, sizeof buf - 1)) > 0) {
		buf[n] = '\0';
		self_path = xstrdup(buf);
	}
}

const char *pmc_update_path(void)
{
	return self_path;
}

static void keep_fd(struct pmc_update *u, cJSON *obj, const char *key, int fd)
{
	cJSON_AddNumberToObject(obj, key, fd);
	if (fd < 0 || u->n_fds >= MAX_FDS)
		return;
	u->fds[u->n_fds++] = fd;
}

static cJSON *handoff_json(struct pmc_update *u)
{
	struct pmc_daemon *d = u->daemon;
	cJSON *root = cJSON_CreateObject(), *arr;
	struct pmc_listener *l;
	struct pmc_instance *inst;

	cJSON_AddStringToObject(root, "from_version", PMC_VERSION);
	keep_fd(u, root, "lock_fd", d->lock_fd);
	keep_fd(u, root, "server_fd", d->server ? pmc_server_fd(d->server) : -1);
	keep_fd(u, root, "notify_fd", pmc_notify_fd(d->notify));
	arr = cJSON_AddArrayToObject(root, "listeners");
	for (l = d->listeners.list; l; l = l->next) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "app", l->owner);
		cJSON_AddStringToObject(e, "address", l->address);
		cJSON_AddStringToObject(e, "fdname", l->fdname);
		keep_fd(u, e, "fd", l->fd);
		cJSON_AddItemToArray(arr, e);
	}
	arr = cJSON_AddArrayToObject(root, "instances");
	for (inst = d->registry.instances; inst; inst = inst->next) {
		cJSON *e;
		int out_fd, err_fd;

		if (!inst->proc)
			continue;
		e = cJSON_CreateObject();
		pmc_proc_fds(inst->proc, &out_fd, &err_fd);
		cJSON_AddNumberToObject(e, "pm_id", inst->pm_id);
		cJSON_AddNumberToObject(e, "pid", inst->pid);
		cJSON_AddNumberToObject(e, "pid_start", (double)inst->pid_start);
		cJSON_AddNumberToObject(e, "started_at", (double)inst->sup.started_at);
		cJSON_AddBoolToObject(e, "launching", inst->sup.status == PMC_STATUS_LAUNCHING);
		cJSON_AddBoolToObject(e, "ready_by_timeout", inst->ready_by_timeout);
		keep_fd(u, e, "out_fd", out_fd);
		keep_fd(u, e, "err_fd", err_fd);
		keep_fd(u, e, "channel_fd", pmc_channel_fd(inst->channel));
		cJSON_AddItemToArray(arr, e);
	}
	return root;
}

static void set_cloexec(struct pmc_update *u, bool on)
{
	for (size_t i = 0; i < u->n_fds; i++) {
		int flags = fcntl(u->fds[i], F_GETFD);
		if (flags >= 0)
			fcntl(u->fds[i], F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
	}
}

static void on_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void update_end(struct pmc_update *u)
{
	struct pmc_instance *inst;

	for (inst = u->daemon->registry.instances; inst; inst = inst->next)
		if (inst->proc)
			pmc_proc_hold(inst->proc, false);
	u->daemon->update = NULL;
	uv_close((uv_handle_t *)&u->timer, on_closed);
}

/* Everything read is written: hand over and exec. Returns only on failure. */
static void re_exec(struct pmc_update *u)
{
	struct pmc_daemon *d = u->daemon;
	cJSON *root = handoff_json(u);
	char *text = cJSON_PrintUnformatted(root), fd_arg[16], *cause;
	char *argv[] = {self_path, (char *)"--handoff-fd", fd_arg, NULL, NULL};
	size_t len = strlen(text), off = 0;
	int memfd = memfd_create("pmcd-handoff", 0), err = 0;

	cJSON_Delete(root);
	if (memfd < 0)
		err = errno;
	while (!err && off < len) {
		ssize_t n = write(memfd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		else
			off += (size_t)n;
	}
	free(text);
	if (!err && lseek(memfd, 0, SEEK_SET) < 0)
		err = errno;
	if (!err) {
		snprintf(fd_arg, sizeof fd_arg, "%d", memfd);
		if (d->foreground)
			argv[3] = (char *)"--foreground";
		set_cloexec(u, false);
		pmc_log_info("re-executing %s (pmc update), %zu fds handed over", self_path,
			     u->n_fds);
		pmc_store_close(d->store); /* its WAL is checkpointed; the new image opens it */
		d->store = NULL;
		execv(self_path, argv);
		err = errno;
		set_cloexec(u, true);
		pmc_store_open(d->paths.db, &d->store, &cause); /* same file as a moment ago */
	}
	if (memfd >= 0)
		close(memfd);
	cause =
	    xasprintf("cannot re-execute %s: %s; this daemon goes on", self_path, strerror(err));
	pmc_log_error("%s", cause);
	pmc_call_error(u->call, PMC_RPC_INTERNAL_ERROR, cause, NULL);
	free(cause);
	update_end(u);
}

static void on_timer(uv_timer_t *timer)
{
	struct pmc_update *u = timer->data;
	struct pmc_instance *inst;
	bool held = true;

	for (inst = u->daemon->registry.instances; inst; inst = inst->next)
		if (inst->proc && !pmc_proc_held(inst->proc))
			held = false;
	if (!held && uv_now(timer->loop) < u->deadline)
		return;
	if (!held)
		pmc_log_warn("log writes still pending after %d ms: re-executing anyway",
			     HOLD_LIMIT_MS);
	uv_timer_stop(timer);
	re_exec(u);
}

/* Why an update cannot happen now, or NULL. */
static char *refusal(struct pmc_daemon *d)
{
	struct pmc_instance *inst;

	if (d->update)
		return xstrdup("an update is already in progress");
	if (d->stopping)
		return xstrdup("the daemon is shutting down");
	if (d->reloads || (d->orphans && pmc_orphans_pending(d->orphans)))
		return xstrdup("a reload or scale is in progress: try again when it is done");
	for (inst = d->registry.instances; inst; inst = inst->next)
		if (inst->sup.status == PMC_STATUS_STOPPING ||
		    (inst->proc && pmc_proc_busy(inst->proc)))
			return xasprintf("app %s is being stopped or restarted: try again when it "
					 "is done",
					 inst->app->def.name);
	if (!self_path)
		return xstrdup("the path of the pmcd binary is unknown");
	if (access(self_path, X_OK) < 0)
		return xasprintf("cannot run %s: %s", self_path, strerror(errno));
	return NULL;
}

void pmc_update_begin(struct pmc_daemon *d, struct pmc_call *call)
{
	struct pmc_update *u;
	struct pmc_instance *inst;
	char *why = refusal(d);

	if (why) {
		pmc_call_error(call, PMC_RPC_CONFLICT, why, NULL);
		free(why);
		return;
	}
	u = xcalloc(1, sizeof *u);
	u->daemon = d;
	u->call = call;
	d->update = u;
	for (inst = d->registry.instances; inst; inst = inst->next)
		if (inst->proc)
			pmc_proc_hold(inst->proc, true);
	uv_timer_init(d->loop, &u->timer);
	u->timer.data = u;
	u->deadline = uv_now(d->loop) + HOLD_LIMIT_MS;
	uv_timer_start(&u->timer, on_timer, 0, HOLD_POLL_MS);
}

/* ---- The new image ----------------------------------------------------- */

cJSON *pmc_update_read(int fd, char **cause)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	cJSON *root;

	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			text = xrealloc(text, cap);
		}
		n = read(fd, text + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	text = xrealloc(text, len + 1);
	text[len] = '\0';
	root = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("the handoff of the previous daemon image cannot be read");
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static int num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

int pmc_update_lock_fd(const cJSON *handoff)
{
	return num(handoff, "lock_fd");
}

int pmc_update_notify_fd(const cJSON *handoff)
{
	return num(handoff, "notify_fd");
}

int pmc_update_server_fd(const cJSON *handoff)
{
	return num(handoff, "server_fd");
}

bool pmc_update_handed(const cJSON *handoff, int pid)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(
				  handoff, "instances")) if (pid > 0 &&
							     num(e, "pid") == pid) return true;
	return false;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void pmc_update_adopt(struct pmc_daemon *d, const cJSON *handoff)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(handoff, "listeners"))
	{
		const char *app = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "app"));
		const char *addr =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "address"));
		const char *name =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "fdname"));

		if (app && addr && name && num(e, "fd") >= 0)
			pmc_listeners_adopt(&d->listeners, app, addr, name, num(e, "fd"));
		else
			close_fd(num(e, "fd"));
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(handoff, "instances"))
	{
		const cJSON *start = cJSON_GetObjectItemCaseSensitive(e, "pid_start");
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(e, "started_at");
		struct pmc_instance_handoff h = {
		    .pid = num(e, "pid"),
		    .pid_start = cJSON_IsNumber(start) ? (uint64_t)start->valuedouble : 0,
		    .started_at = cJSON_IsNumber(at) ? (int64_t)at->valuedouble : 0,
		    .out_fd = num(e, "out_fd"),
		    .err_fd = num(e, "err_fd"),
		    .channel_fd = num(e, "channel_fd"),
		    .launching = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "launching")),
		    .ready_by_timeout =
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "ready_by_timeout")),
		};
		struct pmc_instance *inst =
		    pmc_registry_instance_find(&d->registry, num(e, "pm_id"));
		char *cause = NULL;

		if (!inst || inst->proc || pmc_proc_start_ticks(h.pid) != h.pid_start ||
		    pmc_instance_adopt(inst, &h, &cause) < 0) {
			pmc_log_warn("pid %d handed over by the previous image cannot be taken "
				     "over%s%s",
				     h.pid, cause ? ": " : "", cause ? cause : "");
			free(cause);
			close_fd(h.out_fd);
			close_fd(h.err_fd);
			close_fd(h.channel_fd);
			continue;
		}
		pmc_log_info("app [%s:%d] pid %d taken over from the previous image",
			     inst->app->def.name, inst->pm_id, h.pid);
	}
}
