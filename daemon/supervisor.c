/* SPDX-License-Identifier: MIT */
/* The supervisor: one instance's state machine as a state x event table of small handlers. */
#include "supervisor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

typedef int (*pmc_sup_handler)(struct pmc_sup *sup, const struct pmc_sup_exit *exit);

/* clang-format off */
static const char *const status_names[PMC_STATUS_COUNT] = {
	[PMC_STATUS_STOPPED] = "stopped",
	[PMC_STATUS_LAUNCHING] = "launching",
	[PMC_STATUS_ONLINE] = "online",
	[PMC_STATUS_STOPPING] = "stopping",
	[PMC_STATUS_WAITING_RESTART] = "waiting restart",
	[PMC_STATUS_ERRORED] = "errored",
};
/* clang-format on */

void pmc_sup_policy_defaults(struct pmc_sup_policy *policy)
{
	memset(policy, 0, sizeof *policy);
	policy->autorestart = true;
	policy->min_uptime = 1000;
	policy->max_restarts = 16;
	policy->restart_delay = 0;
	policy->exp_backoff_restart_delay = 0;
	policy->kill_timeout = 1600;
	policy->stop_exit_codes = NULL;
	policy->n_stop_exit_codes = 0;
	policy->wait_ready = false;
	policy->listen_timeout = 3000;
}

void pmc_sup_init(struct pmc_sup *sup, const struct pmc_sup_policy *policy,
		  const struct pmc_sup_ops *ops, void *ctx)
{
	memset(sup, 0, sizeof *sup);
	sup->status = PMC_STATUS_STOPPED;
	sup->policy = policy;
	sup->ops = ops;
	sup->ctx = ctx;
	sup->exit_code = -1;
	sup->exit_signal = 0;
}

void pmc_sup_close(struct pmc_sup *sup)
{
	free(sup->last_error);
	sup->last_error = NULL;
}

static int64_t now(struct pmc_sup *sup)
{
	return sup->ops->now(sup->ctx);
}

/* A history row that is not about an exit. */
static void record(struct pmc_sup *sup, const char *kind, const char *reason)
{
	struct pmc_sup_record rec = {
		.kind = kind, .reason = reason, .exit_code = -1, .signal = 0, .runtime_ms = -1,
	};

	sup->ops->record(sup->ctx, &rec);
}

static void record_exit(struct pmc_sup *sup, const char *reason, int64_t runtime)
{
	struct pmc_sup_record rec = {
		.kind = "exit",
		.reason = reason,
		.exit_code = sup->exit_code,
		.signal = sup->exit_signal,
		.runtime_ms = runtime,
	};

	sup->ops->record(sup->ctx, &rec);
}

/* The process is gone: keep how it ended and how long it ran. */
static int64_t save_exit(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	sup->running = false;
	sup->stop_requested = false;
	sup->exit_code = exit->code;
	sup->exit_signal = exit->signal;
	return now(sup) - sup->started_at;
}

static const char *exit_reason(const struct pmc_sup *sup)
{
	return sup->exit_code != 0 || sup->exit_signal != 0 ? "crash" : "exited";
}

/* Spawn a process; on failure the instance is errored and the -errno returned. */
static int spawn(struct pmc_sup *sup)
{
	char *cause = NULL;
	int err;

	err = sup->ops->spawn(sup->ctx, &cause);
	if (err < 0) {
		free(sup->last_error);
		sup->last_error = cause ? cause : xstrdup(strerror(-err));
		sup->running = false;
		sup->status = PMC_STATUS_ERRORED;
		record(sup, "spawn_failed", sup->last_error);
		return err;
	}
	free(cause);
	free(sup->last_error);
	sup->last_error = NULL;
	sup->running = true;
	sup->stop_requested = false;
	sup->started_at = now(sup);
	record(sup, "start", sup->restart_reason);
	if (sup->policy->wait_ready) {
		sup->status = PMC_STATUS_LAUNCHING;
		sup->ops->timer_start(sup->ctx, sup->policy->listen_timeout);
	} else {
		sup->status = PMC_STATUS_ONLINE;
	}
	return 0;
}

/* A restart the user (or the daemon, for reason) asked for: PM2's resetState plus one more restart. */
static int user_restart(struct pmc_sup *sup, const char *reason)
{
	sup->start_after_exit = false;
	sup->restart_time++;
	sup->created_at = now(sup);
	sup->unstable_restarts = 0;
	sup->prev_restart_delay = 0;
	record(sup, "restart", reason ? reason : "restart by user");
	return spawn(sup);
}

/* stopped/errored + START or RESTART: a fresh start that is not counted as a restart. */
static int start_fresh(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	if (sup->created_at == 0)
		sup->created_at = now(sup);
	sup->unstable_restarts = 0;
	sup->prev_restart_delay = 0;
	sup->start_after_exit = false;
	return spawn(sup);
}

/* stopping + START or RESTART: start again once the old process is gone. */
static int start_after_exit(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	if (sup->start_after_exit)
		return -EALREADY;
	sup->start_after_exit = true;
	return 0;
}

/* waiting restart + START or RESTART: do not wait for the delay. */
static int restart_now(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	const char *reason;

	(void)exit;
	sup->ops->timer_stop(sup->ctx);
	reason = sup->restart_reason;
	sup->restart_reason = NULL;
	return user_restart(sup, reason);
}

static int begin_stop(struct pmc_sup *sup, bool then_start)
{
	sup->status = PMC_STATUS_STOPPING;
	sup->stop_requested = true;
	sup->start_after_exit = then_start;
	sup->ops->timer_stop(sup->ctx);
	sup->ops->kill(sup->ctx, sup->policy->kill_timeout);
	return 0;
}

/* online/launching + STOP. */
static int stop_running(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	return begin_stop(sup, false);
}

/* online/launching + RESTART: stop, and start again on EXITED. */
static int restart_running(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	return begin_stop(sup, true);
}

/* stopping + STOP: cancel a restart that waits for the exit. */
static int cancel_start_after_exit(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	if (!sup->start_after_exit)
		return -EALREADY;
	sup->start_after_exit = false;
	/* The stop is the one asking now, unless it said why itself. */
	if (sup->stop_reason == sup->restart_reason)
		sup->stop_reason = NULL;
	sup->restart_reason = NULL;
	return 0;
}

/* waiting restart + STOP: the pending restart never happens. */
static int stop_waiting(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	sup->ops->timer_stop(sup->ctx);
	sup->status = PMC_STATUS_STOPPED;
	record(sup, "stop", "stopped by user");
	return 0;
}

/* errored + STOP: the user acknowledges; nothing runs. */
static int stop_errored(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	sup->status = PMC_STATUS_STOPPED;
	record(sup, "stop", "stopped by user");
	return 0;
}

/* stopping + EXITED: the stop we asked for is complete. */
static int exited_stopping(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	int64_t runtime = save_exit(sup, exit);
	const char *restart_reason = sup->restart_reason;

	sup->status = PMC_STATUS_STOPPED;
	record_exit(sup, sup->stop_reason ? sup->stop_reason : "stopped by user", runtime);
	sup->stop_reason = NULL;
	sup->restart_reason = NULL;
	if (sup->start_after_exit)
		return user_restart(sup, restart_reason);
	return 0;
}

static bool is_stop_exit_code(const struct pmc_sup *sup)
{
	const struct pmc_sup_policy *p = sup->policy;
	size_t i;

	if (sup->exit_signal != 0)
		return false;
	for (i = 0; i < p->n_stop_exit_codes; i++)
		if (p->stop_exit_codes[i] == sup->exit_code)
			return true;
	return false;
}

/* The next restart delay: exponential backoff (which wins) or the fixed delay. */
static int64_t next_delay(struct pmc_sup *sup, int64_t runtime)
{
	const struct pmc_sup_policy *p = sup->policy;
	int64_t delay;

	if (p->exp_backoff_restart_delay <= 0)
		return p->restart_delay > 0 ? p->restart_delay : 0;
	if (runtime >= PMC_SUP_BACKOFF_RESET_MS)
		sup->prev_restart_delay = 0;
	if (sup->prev_restart_delay > 0) {
		delay = sup->prev_restart_delay * 3 / 2;
		if (delay > PMC_SUP_BACKOFF_CAP_MS)
			delay = PMC_SUP_BACKOFF_CAP_MS;
	} else {
		delay = p->exp_backoff_restart_delay;
	}
	sup->prev_restart_delay = delay;
	return delay;
}

/* An automatic restart (after the delay, if any): counted, and reasoned by the last exit. */
static int auto_restart(struct pmc_sup *sup)
{
	sup->restart_time++;
	record(sup, "restart", exit_reason(sup));
	return spawn(sup);
}

/* online/launching + EXITED: the process ended on its own; stop, give up or restart. */
static int exited_unexpectedly(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	const struct pmc_sup_policy *p = sup->policy;
	int64_t runtime, delay;
	char reason[64];

	if (sup->status == PMC_STATUS_LAUNCHING)
		sup->ops->timer_stop(sup->ctx);
	runtime = save_exit(sup, exit);
	record_exit(sup, exit_reason(sup), runtime);
	if (!p->autorestart || is_stop_exit_code(sup)) {
		sup->status = PMC_STATUS_STOPPED;
		record(sup, "stop", p->autorestart ? "stop exit code" : "autorestart off");
		return 0;
	}
	/* Consecutive short runs, not runs since creation: a late crash loop still ends. */
	if (runtime < p->min_uptime)
		sup->unstable_restarts++;
	else
		sup->unstable_restarts = 0;
	if (p->max_restarts > 0 && sup->unstable_restarts >= p->max_restarts) {
		sup->status = PMC_STATUS_ERRORED;
		snprintf(reason, sizeof reason, "too many unstable restarts (%d)",
			 sup->unstable_restarts);
		record(sup, "errored", reason);
		return 0;
	}
	delay = next_delay(sup, runtime);
	if (delay > 0) {
		sup->status = PMC_STATUS_WAITING_RESTART;
		sup->ops->timer_start(sup->ctx, delay);
		return 0;
	}
	return auto_restart(sup);
}

/* EXITED where no process should exist: keep the exit information, change nothing else. */
static int exited_stray(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	sup->running = false;
	sup->exit_code = exit->code;
	sup->exit_signal = exit->signal;
	return -EALREADY;
}

/* launching + READY or TIMER (listen_timeout): online. */
static int became_ready(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	sup->ops->timer_stop(sup->ctx);
	sup->status = PMC_STATUS_ONLINE;
	return 0;
}

/* waiting restart + TIMER: the delay is over. */
static int delay_over(struct pmc_sup *sup, const struct pmc_sup_exit *exit)
{
	(void)exit;
	return auto_restart(sup);
}

/* NULL: the event does not apply in that state (-EALREADY). */
/* clang-format off */
static const pmc_sup_handler transitions[PMC_STATUS_COUNT][PMC_SUP_EVENT_COUNT] = {
	[PMC_STATUS_STOPPED] = {
		[PMC_SUP_START] = start_fresh,
		[PMC_SUP_RESTART] = start_fresh,
		[PMC_SUP_EXITED] = exited_stray,
	},
	[PMC_STATUS_LAUNCHING] = {
		[PMC_SUP_STOP] = stop_running,
		[PMC_SUP_RESTART] = restart_running,
		[PMC_SUP_EXITED] = exited_unexpectedly,
		[PMC_SUP_READY] = became_ready,
		[PMC_SUP_TIMER] = became_ready,
	},
	[PMC_STATUS_ONLINE] = {
		[PMC_SUP_STOP] = stop_running,
		[PMC_SUP_RESTART] = restart_running,
		[PMC_SUP_EXITED] = exited_unexpectedly,
	},
	[PMC_STATUS_STOPPING] = {
		[PMC_SUP_START] = start_after_exit,
		[PMC_SUP_STOP] = cancel_start_after_exit,
		[PMC_SUP_RESTART] = start_after_exit,
		[PMC_SUP_EXITED] = exited_stopping,
	},
	[PMC_STATUS_WAITING_RESTART] = {
		[PMC_SUP_START] = restart_now,
		[PMC_SUP_STOP] = stop_waiting,
		[PMC_SUP_RESTART] = restart_now,
		[PMC_SUP_EXITED] = exited_stray,
		[PMC_SUP_TIMER] = delay_over,
	},
	[PMC_STATUS_ERRORED] = {
		[PMC_SUP_START] = start_fresh,
		[PMC_SUP_STOP] = stop_errored,
		[PMC_SUP_RESTART] = start_fresh,
		[PMC_SUP_EXITED] = exited_stray,
	},
};
/* clang-format on */

int pmc_sup_handle(struct pmc_sup *sup, enum pmc_sup_event ev, const struct pmc_sup_exit *exit)
{
	pmc_sup_handler handler;
	int err;

	if ((unsigned)sup->status >= PMC_STATUS_COUNT || (unsigned)ev >= PMC_SUP_EVENT_COUNT)
		return -EINVAL;
	if (ev == PMC_SUP_EXITED && !exit)
		return -EINVAL;
	handler = transitions[sup->status][ev];
	if (!handler)
		return -EALREADY;
	err = handler(sup, exit);
	/* Every handler that returns anything but -EALREADY changed something. */
	if (err != -EALREADY)
		sup->ops->changed(sup->ctx);
	return err;
}

int pmc_sup_restart_for(struct pmc_sup *sup, const char *reason)
{
	const char *stop_reason = sup->stop_reason;
	int err;

	/* A restart pending already says why; a stop in progress (scale, reload) stays one. */
	if (sup->start_after_exit || sup->status == PMC_STATUS_STOPPING)
		return -EALREADY;
	sup->stop_reason = sup->restart_reason = reason;
	err = pmc_sup_handle(sup, PMC_SUP_RESTART, NULL);
	/* Kept only while the restart waits for the old process to exit. */
	if (!sup->start_after_exit) {
		sup->restart_reason = NULL;
		if (sup->status != PMC_STATUS_STOPPING)
			sup->stop_reason = stop_reason;
	}
	return err;
}

void pmc_sup_reset(struct pmc_sup *sup)
{
	sup->restart_time = 0;
	sup->unstable_restarts = 0;
	sup->created_at = now(sup);
	sup->ops->changed(sup->ctx);
}

const char *pmc_status_name(enum pmc_status status)
{
	if ((unsigned)status >= PMC_STATUS_COUNT)
		return "unknown";
	return status_names[status];
}

int pmc_status_parse(const char *name, enum pmc_status *status)
{
	int i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < PMC_STATUS_COUNT; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*status = (enum pmc_status)i;
			return 0;
		}
	}
	return -EINVAL;
}
