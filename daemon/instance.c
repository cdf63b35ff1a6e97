/* SPDX-License-Identifier: MIT */
/* One supervised instance: the supervisor's callbacks wired to processes, timers and the store. */
#include "instance.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

static struct pmc_instance *from_ctx(void *ctx)
{
	return ctx;
}

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
	pmc_sup_handle(&inst->sup, PMC_SUP_EXITED, exit);
}

static int op_spawn(void *ctx, char **cause)
{
	struct pmc_instance *inst = from_ctx(ctx);
	struct pmc_daemon *d = inst->daemon;
	struct pmc_app_def *def = &inst->app->def;
	struct pmc_proc_spec spec = { 0 };
	char **envp;
	char *out_path, *err_path;
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
	spec.argv = def->argv;
	spec.envp = envp;
	spec.cwd = def->cwd;
	spec.out_path = out_path;
	spec.err_path = err_path;
	err = pmc_proc_spawn(d->loop, &spec, on_proc_exit, inst, &inst->proc, cause);
	if (err == 0) {
		inst->pid = inst->last_pid = pmc_proc_pid(inst->proc);
		inst->pid_start = pmc_proc_start_ticks(inst->pid);
		inst->cpu_ticks = 0;
		inst->cpu_sampled_ms = 0;
		inst->cpu_percent = 0;
	}
	pmc_strv_free(envp);
	free(out_path);
	free(err_path);
	return err;
}

static void op_kill(void *ctx, int64_t kill_timeout)
{
	struct pmc_instance *inst = from_ctx(ctx);
	int sig = pmc_signal_parse(inst->app->def.kill_signal ? inst->app->def.kill_signal : "SIGINT");

	if (inst->proc)
		pmc_proc_stop(inst->proc, sig > 0 ? sig : SIGINT, kill_timeout);
}

static void on_timer(uv_timer_t *timer)
{
	struct pmc_instance *inst = timer->data;

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
	free(inst);
}

void pmc_instance_free(struct pmc_instance *inst)
{
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

/* utime+stime (ticks) from /proc/PID/stat and RSS bytes from statm. */
static int read_proc_usage(int pid, uint64_t *ticks, int64_t *rss)
{
	char path[64], buf[1024];
	unsigned long long utime, stime;
	long pages_total, pages_rss;
	FILE *f;
	char *p;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* After ") ": state(3) ... utime is field 14, stime 15. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
			 &stime) != 2)
		return -EINVAL;
	*ticks = utime + stime;
	snprintf(path, sizeof path, "/proc/%d/statm", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%ld %ld", &pages_total, &pages_rss) != 2)
		pages_rss = 0;
	fclose(f);
	*rss = (int64_t)pages_rss * sysconf(_SC_PAGESIZE);
	return 0;
}

int64_t pmc_instance_sample(struct pmc_instance *inst, int64_t now_ms)
{
	uint64_t ticks;
	int64_t rss, since;
	long hz = sysconf(_SC_CLK_TCK);

	if (!inst->sup.running || inst->pid <= 0 || read_proc_usage(inst->pid, &ticks, &rss) < 0) {
		inst->cpu_percent = 0;
		return 0;
	}
	since = inst->cpu_sampled_ms ? inst->cpu_sampled_ms : inst->sup.started_at;
	if (now_ms > since && hz > 0)
		inst->cpu_percent = (double)(ticks - inst->cpu_ticks) * 1000.0 / (double)hz /
				    (double)(now_ms - since) * 100.0;
	inst->cpu_ticks = ticks;
	inst->cpu_sampled_ms = now_ms;
	return rss;
}
