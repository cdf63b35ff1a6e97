/* SPDX-License-Identifier: MIT */
/*
 * Processes a previous daemon left running when it died (kill -9, a crash):
 * recognised by pid and start time, stopped as a group (stop signal, SIGKILL
 * after kill_timeout) and waited for before anything starts again, so no app
 * runs twice and no old process still holds a port the new one must bind.
 */
#include "orphans.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

#define POLL_MS    10
#define GIVE_UP_MS 5000 /* after SIGKILL, how long a group may take to empty */

struct orphan {
	int pid;   /* also its process group id */
	int pidfd; /* pins the leader while it lives; -1 once it is gone */
	char *app;
	int pm_id;
	bool replacement; /* a reload's replacement, not the instance's own process */
	bool killed;
	int members; /* live members found by the last count */
	uint64_t kill_at, killed_at;
	struct orphan *next;
};

struct pmc_orphans {
	struct pmc_daemon *daemon;
	uv_timer_t timer;
	struct orphan *list;
	pmc_orphans_done_cb done;
	bool waiting;
};

static int pidfd_open(int pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static bool leader_alive(struct orphan *o)
{
	struct pollfd pfd = {.fd = o->pidfd, .events = POLLIN};

	if (o->pidfd < 0)
		return false;
	if (poll(&pfd, 1, 0) == 0)
		return true;
	close(o->pidfd);
	o->pidfd = -1;
	return false;
}

/*
 * Count the live (not zombie) members of every tracked group in one pass over
 * /proc: these processes are no longer our children, and a zombie nobody reaps
 * (an init that does not) would otherwise keep a group alive for ever.
 */
static void count_members(struct pmc_orphans *set)
{
	struct dirent *de;
	struct orphan *o;
	DIR *dir;

	for (o = set->list; o; o = o->next)
		o->members = 0;
	dir = opendir("/proc");
	if (!dir) {
		for (o = set->list; o; o = o->next)
			o->members = kill(-o->pid, 0) == 0 || errno == EPERM;
		return;
	}
	while ((de = readdir(dir))) {
		char path[300], buf[512], state;
		int pgrp;
		ssize_t n;
		int fd;
		const char *p;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		/* ") S ppid pgrp": state is field 3, pgrp field 5. */
		if (!p || sscanf(p + 1, " %c %*d %d", &state, &pgrp) != 2 || state == 'Z')
			continue;
		for (o = set->list; o; o = o->next)
			if (o->pid == pgrp)
				o->members++;
	}
	closedir(dir);
}

/* The group id cannot be reused while the leader lives or any member remains. */
static bool group_alive(struct orphan *o)
{
	return leader_alive(o) || o->members > 0;
}

static void group_signal(struct orphan *o, int sig)
{
	if (kill(-o->pid, sig) < 0 && errno != ESRCH)
		pmc_log_warn("cannot send %s to process group %d: %s", pmc_signal_name(sig), o->pid,
			     strerror(errno));
}

static void record(struct pmc_orphans *set, struct orphan *o)
{
	struct pmc_daemon *d = set->daemon;
	struct pmc_store_event ev = {
	    .at = pmc_clock_wall_ms(),
	    .app = o->app,
	    .pm_id = o->pm_id,
	    .pid = o->pid,
	    .kind = "orphan",
	    .exit_code = -1,
	    .signal = o->killed ? SIGKILL : 0,
	    .runtime_ms = -1,
	    .reason = o->replacement ? "reload replacement left by a daemon that died: stopped"
				     : "left by a daemon that died: stopped, to be replaced",
	};

	pmc_log_info("app [%s:%d] pid %d of the previous daemon is gone%s", o->app, o->pm_id,
		     o->pid, o->killed ? " (SIGKILL)" : "");
	if (pmc_store_event_add(d->store, &ev) < 0)
		pmc_log_warn("cannot record history of [%s:%d]: %s", o->app, o->pm_id,
			     pmc_store_errmsg(d->store));
	if (o->replacement)
		pmc_store_replacement_delete(d->store, o->pm_id);
}

static void orphan_free(struct orphan *o)
{
	if (o->pidfd >= 0)
		close(o->pidfd);
	free(o->app);
	free(o);
}

static void check_done(struct pmc_orphans *set)
{
	if (set->list || !set->waiting)
		return;
	uv_timer_stop(&set->timer);
	set->waiting = false;
	if (set->done)
		set->done(set->daemon);
}

static void on_timer(uv_timer_t *timer)
{
	struct pmc_orphans *set = timer->data;
	uint64_t now = uv_now(timer->loop);
	struct orphan **pos = &set->list, *o;

	count_members(set);
	while ((o = *pos)) {
		if (!group_alive(o)) {
			record(set, o);
			*pos = o->next;
			orphan_free(o);
			continue;
		}
		if (!o->killed && now >= o->kill_at) {
			group_signal(o, SIGKILL);
			o->killed = true;
			o->killed_at = now;
		} else if (o->killed && now - o->killed_at >= GIVE_UP_MS) {
			pmc_log_warn("process group %d of the previous daemon outlives SIGKILL; "
				     "going on without it",
				     o->pid);
			*pos = o->next;
			orphan_free(o);
			continue;
		}
		pos = &o->next;
	}
	check_done(set);
}

struct pmc_orphans *pmc_orphans_new(struct pmc_daemon *d)
{
	struct pmc_orphans *set = xcalloc(1, sizeof *set);

	set->daemon = d;
	uv_timer_init(d->loop, &set->timer);
	set->timer.data = set;
	return set;
}

bool pmc_orphans_add(struct pmc_orphans *set, const struct pmc_orphan_spec *spec)
{
	struct orphan *o;
	int pidfd;

	if (spec->pid <= 0 || spec->pid_start == 0 ||
	    pmc_proc_start_ticks(spec->pid) != spec->pid_start)
		return false;
	/* The pidfd names the process; checking the start time again after opening it
	 * proves it is the one the store recorded, not a newcomer with its number. */
	pidfd = pidfd_open(spec->pid);
	if (pidfd < 0 || pmc_proc_start_ticks(spec->pid) != spec->pid_start) {
		if (pidfd >= 0)
			close(pidfd);
		return false;
	}
	o = xcalloc(1, sizeof *o);
	o->pid = spec->pid;
	o->pidfd = pidfd;
	if (!leader_alive(o)) {
		/* It ended already (a zombie its new parent has not reaped yet). Its
		 * group could keep members, but they are no app instance of ours. */
		orphan_free(o);
		return false;
	}
	o->app = xstrdup(spec->app);
	o->pm_id = spec->pm_id;
	o->replacement = spec->replacement;
	o->kill_at =
	    uv_now(set->daemon->loop) + (uint64_t)(spec->kill_timeout > 0 ? spec->kill_timeout : 0);
	pmc_log_warn("app [%s:%d] pid %d outlived the previous daemon: stopping its group with %s",
		     o->app, o->pm_id, o->pid, pmc_signal_name(spec->signal));
	group_signal(o, spec->signal > 0 ? spec->signal : SIGTERM);
	o->next = set->list;
	set->list = o;
	if (!uv_is_active((uv_handle_t *)&set->timer))
		uv_timer_start(&set->timer, on_timer, POLL_MS, POLL_MS);
	return true;
}

void pmc_orphans_wait(struct pmc_orphans *set, pmc_orphans_done_cb done)
{
	set->done = done;
	set->waiting = true;
	check_done(set);
}

size_t pmc_orphans_pending(const struct pmc_orphans *set)
{
	size_t n = 0;

	for (const struct orphan *o = set ? set->list : NULL; o; o = o->next)
		n++;
	return n;
}

static void on_closed(uv_handle_t *handle)
{
	free(handle->data);
}

void pmc_orphans_free(struct pmc_orphans *set)
{
	struct orphan *o;

	if (!set)
		return;
	while ((o = set->list)) {
		set->list = o->next;
		orphan_free(o);
	}
	uv_close((uv_handle_t *)&set->timer, on_closed);
}
