/* SPDX-License-Identifier: MIT */
/* Unit tests of the supervisor state machine with a fake clock, spawner, killer and timer. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "supervisor.h"

#define MAX_RECORDS 512
#define MAX_TIMERS  512
#define T0	    1700000000000LL /* a plausible "now" in ms since the epoch */
#define HOUR	    3600000LL

struct fake_record {
	char kind[32];
	char reason[128];
	bool has_reason;
	int exit_code;
	int signal;
	int64_t runtime_ms;
};

/* Everything the supervisor asked of its host, in order. */
struct fake {
	int64_t now;
	int spawn_err;		/* 0 = spawn succeeds, else the -errno to return */
	const char *spawn_cause; /* cause given with spawn_err; NULL gives none */
	int spawns;
	int kills;
	int64_t kill_timeout;
	int64_t timers[MAX_TIMERS];
	int n_timers;
	bool timer_armed;
	int timer_stops;
	int changed;
	struct fake_record records[MAX_RECORDS];
	int n_records;
};

struct fixture {
	struct fake fake;
	struct pmc_sup_policy policy;
	struct pmc_sup sup;
	int codes[4];
};

static int64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static int fake_spawn(void *ctx, char **cause)
{
	struct fake *f = ctx;

	f->spawns++;
	if (f->spawn_err) {
		*cause = f->spawn_cause ? strdup(f->spawn_cause) : NULL;
		return f->spawn_err;
	}
	return 0;
}

static void fake_kill(void *ctx, int64_t kill_timeout)
{
	struct fake *f = ctx;

	f->kills++;
	f->kill_timeout = kill_timeout;
}

static void fake_timer_start(void *ctx, int64_t ms)
{
	struct fake *f = ctx;

	assert_true(f->n_timers < MAX_TIMERS);
	f->timers[f->n_timers++] = ms;
	f->timer_armed = true;
}

static void fake_timer_stop(void *ctx)
{
	struct fake *f = ctx;

	f->timer_stops++;
	f->timer_armed = false;
}

static void fake_changed(void *ctx)
{
	((struct fake *)ctx)->changed++;
}

static void fake_record(void *ctx, const struct pmc_sup_record *rec)
{
	struct fake *f = ctx;
	struct fake_record *r;

	assert_true(f->n_records < MAX_RECORDS);
	assert_non_null(rec->kind);
	r = &f->records[f->n_records++];
	snprintf(r->kind, sizeof r->kind, "%s", rec->kind);
	r->has_reason = rec->reason != NULL;
	snprintf(r->reason, sizeof r->reason, "%s", rec->reason ? rec->reason : "");
	r->exit_code = rec->exit_code;
	r->signal = rec->signal;
	r->runtime_ms = rec->runtime_ms;
}

static const struct pmc_sup_ops fake_ops = {
	.now = fake_now,
	.spawn = fake_spawn,
	.kill = fake_kill,
	.timer_start = fake_timer_start,
	.timer_stop = fake_timer_stop,
	.changed = fake_changed,
	.record = fake_record,
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->fake.now = T0;
	pmc_sup_policy_defaults(&fx->policy);
	pmc_sup_init(&fx->sup, &fx->policy, &fake_ops, &fx->fake);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	pmc_sup_close(&fx->sup);
	free(fx);
	return 0;
}

static int handle(struct fixture *fx, enum pmc_sup_event ev)
{
	return pmc_sup_handle(&fx->sup, ev, NULL);
}

static int exit_with(struct fixture *fx, int code, int sig)
{
	struct pmc_sup_exit ex = { .code = code, .signal = sig };

	return pmc_sup_handle(&fx->sup, PMC_SUP_EXITED, &ex);
}

/* Let the current run last ms, then end it with an exit code. */
static int run_then_exit(struct fixture *fx, int64_t ms, int code)
{
	fx->fake.now += ms;
	return exit_with(fx, code, 0);
}

static const struct fake_record *last_record(const struct fixture *fx)
{
	assert_true(fx->fake.n_records > 0);
	return &fx->fake.records[fx->fake.n_records - 1];
}

static const struct fake_record *record_at(const struct fixture *fx, int i)
{
	assert_true(i >= 0 && i < fx->fake.n_records);
	return &fx->fake.records[i];
}

static int count_kind(const struct fixture *fx, const char *kind)
{
	int i, n = 0;

	for (i = 0; i < fx->fake.n_records; i++)
		n += strcmp(fx->fake.records[i].kind, kind) == 0;
	return n;
}

static void assert_record(const struct fake_record *r, const char *kind, const char *reason)
{
	assert_string_equal(r->kind, kind);
	if (reason) {
		assert_true(r->has_reason);
		assert_string_equal(r->reason, reason);
	} else {
		assert_false(r->has_reason);
	}
}

static void assert_plain_record(const struct fake_record *r, const char *kind, const char *reason)
{
	assert_record(r, kind, reason);
	assert_int_equal(r->exit_code, -1);
	assert_int_equal(r->signal, 0);
	assert_int_equal(r->runtime_ms, -1);
}

static void assert_exit_record(const struct fake_record *r, const char *reason, int code, int sig,
			       int64_t runtime)
{
	assert_record(r, "exit", reason);
	assert_int_equal(r->exit_code, code);
	assert_int_equal(r->signal, sig);
	assert_int_equal(r->runtime_ms, runtime);
}

static void start_online(struct fixture *fx)
{
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
}

/* --- tests --------------------------------------------------------------- */

static void test_policy_defaults(void **state)
{
	struct pmc_sup_policy p;

	(void)state;
	memset(&p, 0xa5, sizeof p);
	pmc_sup_policy_defaults(&p);
	assert_true(p.autorestart);
	assert_int_equal(p.min_uptime, 1000);
	assert_int_equal(p.max_restarts, 16);
	assert_int_equal(p.restart_delay, 0);
	assert_int_equal(p.exp_backoff_restart_delay, 0);
	assert_int_equal(p.kill_timeout, 1600);
	assert_null(p.stop_exit_codes);
	assert_int_equal(p.n_stop_exit_codes, 0);
	assert_false(p.wait_ready);
	assert_int_equal(p.listen_timeout, 3000);
}

static void test_init(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_false(fx->sup.running);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.created_at, 0);
	assert_int_equal(fx->sup.exit_code, -1);
	assert_int_equal(fx->sup.exit_signal, 0);
	assert_null(fx->sup.last_error);
	assert_int_equal(fx->fake.changed, 0);
}

static void test_start_online(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_true(fx->sup.running);
	assert_int_equal(fx->sup.started_at, T0);
	assert_int_equal(fx->sup.created_at, T0);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->fake.n_timers, 0);
	assert_int_equal(fx->fake.changed, 1);
	assert_int_equal(fx->fake.n_records, 1);
	assert_plain_record(record_at(fx, 0), "start", NULL);

	/* Already running: nothing happens. */
	assert_int_equal(handle(fx, PMC_SUP_START), -EALREADY);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->fake.changed, 1);
	assert_int_equal(fx->fake.n_records, 1);
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->fake.changed, 1);
}

static void test_wait_ready_ready(void **state)
{
	struct fixture *fx = *state;

	fx->policy.wait_ready = true;
	fx->policy.listen_timeout = 4500;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_LAUNCHING);
	assert_true(fx->sup.running);
	assert_int_equal(fx->fake.n_timers, 1);
	assert_int_equal(fx->fake.timers[0], 4500);
	assert_true(fx->fake.timer_armed);
	assert_int_equal(handle(fx, PMC_SUP_START), -EALREADY);

	fx->fake.now += 200;
	assert_int_equal(handle(fx, PMC_SUP_READY), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_false(fx->fake.timer_armed);
	assert_int_equal(fx->fake.changed, 2);
	/* The run began at spawn, not at readiness. */
	assert_int_equal(fx->sup.started_at, T0);
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->fake.changed, 2);
}

static void test_wait_ready_timeout(void **state)
{
	struct fixture *fx = *state;

	fx->policy.wait_ready = true;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_LAUNCHING);
	assert_int_equal(fx->fake.timers[0], 3000);
	fx->fake.now += 3000;
	assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->fake.changed, 2);
}

static void test_wait_ready_crash_while_launching(void **state)
{
	struct fixture *fx = *state;

	fx->policy.wait_ready = true;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(run_then_exit(fx, 50, 1), 0);
	/* The listen timer is cancelled, then the new run arms its own. */
	assert_int_equal(fx->fake.timer_stops, 1);
	assert_int_equal(fx->sup.status, PMC_STATUS_LAUNCHING);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->sup.unstable_restarts, 1);
	assert_int_equal(fx->fake.n_timers, 2);
	assert_true(fx->fake.timer_armed);
}

static void test_crash_restarts_immediately(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(run_then_exit(fx, 5000, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_true(fx->sup.running);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.exit_code, 1);
	assert_int_equal(fx->sup.exit_signal, 0);
	assert_int_equal(fx->sup.started_at, T0 + 5000);
	assert_int_equal(fx->sup.created_at, T0);
	assert_int_equal(fx->fake.spawns, 2);
	assert_int_equal(fx->fake.n_timers, 0);
	assert_int_equal(fx->fake.changed, 2);
	assert_int_equal(fx->fake.n_records, 4);
	assert_exit_record(record_at(fx, 1), "crash", 1, 0, 5000);
	assert_plain_record(record_at(fx, 2), "restart", "crash");
	assert_plain_record(record_at(fx, 3), "start", NULL);
}

static void test_exit_zero_restarts(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(run_then_exit(fx, 2000, 0), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->sup.exit_code, 0);
	assert_int_equal(fx->fake.spawns, 2);
	assert_exit_record(record_at(fx, 1), "exited", 0, 0, 2000);
	assert_plain_record(record_at(fx, 2), "restart", "exited");
}

static void test_signal_exit_is_crash(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	fx->fake.now += 1500;
	assert_int_equal(exit_with(fx, -1, SIGSEGV), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.exit_code, -1);
	assert_int_equal(fx->sup.exit_signal, SIGSEGV);
	assert_exit_record(record_at(fx, 1), "crash", -1, SIGSEGV, 1500);
}

static void test_no_autorestart(void **state)
{
	struct fixture *fx = *state;

	fx->policy.autorestart = false;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_false(fx->sup.running);
	assert_int_equal(fx->sup.exit_code, 1);
	assert_int_equal(fx->sup.restart_time, 0);
	/* The window is not touched when no restart is considered. */
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->fake.n_timers, 0);
	assert_int_equal(fx->fake.changed, 2);
	assert_exit_record(record_at(fx, 1), "crash", 1, 0, 100);
	assert_plain_record(last_record(fx), "stop", "autorestart off");
	assert_int_equal(fx->fake.n_records, 3);
}

static void test_stop_exit_codes(void **state)
{
	struct fixture *fx = *state;

	fx->codes[0] = 3;
	fx->codes[1] = 7;
	fx->policy.stop_exit_codes = fx->codes;
	fx->policy.n_stop_exit_codes = 2;
	start_online(fx);

	/* A code not in the list is restarted. */
	assert_int_equal(run_then_exit(fx, 2000, 4), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 1);

	assert_int_equal(run_then_exit(fx, 2000, 7), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_false(fx->sup.running);
	assert_int_equal(fx->sup.exit_code, 7);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->fake.spawns, 2);
	assert_exit_record(record_at(fx, fx->fake.n_records - 2), "crash", 7, 0, 2000);
	assert_plain_record(last_record(fx), "stop", "stop exit code");
}

static void test_stop_exit_code_zero(void **state)
{
	struct fixture *fx = *state;

	fx->codes[0] = 0;
	fx->policy.stop_exit_codes = fx->codes;
	fx->policy.n_stop_exit_codes = 1;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 10, 0), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_exit_record(record_at(fx, 1), "exited", 0, 0, 10);
	assert_plain_record(last_record(fx), "stop", "stop exit code");
}

static void test_signal_not_matched_by_stop_codes(void **state)
{
	struct fixture *fx = *state;

	/* Neither the -1 stand-in code nor the signal number counts as a stop code. */
	fx->codes[0] = -1;
	fx->codes[1] = SIGTERM;
	fx->codes[2] = 128 + SIGTERM;
	fx->policy.stop_exit_codes = fx->codes;
	fx->policy.n_stop_exit_codes = 3;
	start_online(fx);
	fx->fake.now += 2000;
	assert_int_equal(exit_with(fx, -1, SIGTERM), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->fake.spawns, 2);
	assert_int_equal(count_kind(fx, "stop"), 0);
}

static void test_crash_loop_errored(void **state)
{
	struct fixture *fx = *state;
	int i;

	start_online(fx);
	for (i = 1; i <= 15; i++) {
		assert_int_equal(run_then_exit(fx, 100, 1), 0);
		assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
		assert_int_equal(fx->sup.unstable_restarts, i);
		assert_int_equal(fx->sup.restart_time, i);
	}
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_false(fx->sup.running);
	assert_int_equal(fx->sup.restart_time, 15);
	assert_int_equal(fx->sup.unstable_restarts, 16);
	assert_int_equal(fx->fake.spawns, 16);
	assert_int_equal(fx->fake.changed, 17);
	assert_int_equal(count_kind(fx, "exit"), 16);
	assert_int_equal(count_kind(fx, "restart"), 15);
	assert_int_equal(count_kind(fx, "errored"), 1);
	assert_plain_record(last_record(fx), "errored", "too many unstable restarts (16)");
	assert_null(fx->sup.last_error);

	/* Nothing runs, no timer is pending: late events are ignored. */
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(fx->fake.spawns, 16);
	assert_int_equal(fx->sup.unstable_restarts, 16);
	assert_int_equal(fx->fake.changed, 17);

	/* A user start clears the window but keeps the count of restarts. */
	fx->fake.now += 60000;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.restart_time, 15);
	assert_int_equal(fx->sup.created_at, T0);
	assert_int_equal(fx->fake.spawns, 17);
}

static void test_late_crash_loop_errored(void **state)
{
	struct fixture *fx = *state;
	int i;

	start_online(fx);
	/* Hours of stable running: PM2's window (anchored at created_at) is long gone. */
	assert_int_equal(run_then_exit(fx, 5 * HOUR, 1), 0);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.restart_time, 1);
	for (i = 0; i < 15; i++)
		assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_int_equal(fx->sup.unstable_restarts, 16);
	assert_int_equal(fx->sup.restart_time, 16);
	assert_int_equal(fx->sup.created_at, T0);
}

static void test_stable_run_resets_window(void **state)
{
	struct fixture *fx = *state;
	int i;

	start_online(fx);
	for (i = 0; i < 10; i++)
		assert_int_equal(run_then_exit(fx, 999, 1), 0);
	assert_int_equal(fx->sup.unstable_restarts, 10);
	/* Exactly min_uptime counts as stable. */
	assert_int_equal(run_then_exit(fx, 1000, 1), 0);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	for (i = 0; i < 15; i++)
		assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.unstable_restarts, 15);
	assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_int_equal(fx->sup.restart_time, 26);
}

static void test_min_uptime_and_max_restarts_policy(void **state)
{
	struct fixture *fx = *state;

	fx->policy.min_uptime = 5000;
	fx->policy.max_restarts = 2;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 4999, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(run_then_exit(fx, 4999, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_plain_record(last_record(fx), "errored", "too many unstable restarts (2)");
}

static void test_unlimited_restarts(void **state)
{
	struct fixture *fx = *state;
	int i;

	fx->policy.max_restarts = 0;
	start_online(fx);
	for (i = 0; i < 100; i++)
		assert_int_equal(run_then_exit(fx, 1, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 100);
	assert_int_equal(fx->sup.unstable_restarts, 100);
	assert_int_equal(count_kind(fx, "errored"), 0);

	fx->policy.max_restarts = -1;
	assert_int_equal(run_then_exit(fx, 1, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
}

static void test_restart_delay(void **state)
{
	struct fixture *fx = *state;

	fx->policy.restart_delay = 250;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 3000, 2), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_WAITING_RESTART);
	assert_false(fx->sup.running);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->fake.n_timers, 1);
	assert_int_equal(fx->fake.timers[0], 250);
	assert_int_equal(fx->sup.prev_restart_delay, 0);
	assert_int_equal(fx->fake.changed, 2);
	assert_exit_record(last_record(fx), "crash", 2, 0, 3000);

	/* Readiness means nothing here. */
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);

	fx->fake.now += 250;
	assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_true(fx->sup.running);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->sup.started_at, T0 + 3250);
	assert_int_equal(fx->fake.spawns, 2);
	assert_int_equal(fx->fake.changed, 3);
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "crash");
	assert_plain_record(last_record(fx), "start", NULL);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
}

static void test_exp_backoff_sequence(void **state)
{
	static const int64_t expected[] = {
		100,  150,  225,  337,	 505,	757,   1135,  1702,
		2553, 3829, 5743, 8614, 12921, 15000, 15000, 15000,
	};
	struct fixture *fx = *state;
	size_t i;

	fx->policy.exp_backoff_restart_delay = 100;
	fx->policy.restart_delay = 5000; /* the exponential delay wins */
	fx->policy.max_restarts = 0;
	start_online(fx);
	for (i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		assert_int_equal(run_then_exit(fx, 50, 1), 0);
		assert_int_equal(fx->sup.status, PMC_STATUS_WAITING_RESTART);
		assert_int_equal(fx->fake.n_timers, (int)i + 1);
		assert_int_equal(fx->fake.timers[i], expected[i]);
		assert_int_equal(fx->sup.prev_restart_delay, expected[i]);
		fx->fake.now += expected[i];
		assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
		assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
		assert_int_equal(fx->sup.restart_time, (int)i + 1);
	}

	/* A stable run shorter than the reset time keeps climbing from the cap. */
	assert_int_equal(run_then_exit(fx, PMC_SUP_BACKOFF_RESET_MS - 1, 1), 0);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->fake.timers[fx->fake.n_timers - 1], 15000);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);

	/* A run of at least the reset time starts over from the first delay. */
	assert_int_equal(run_then_exit(fx, PMC_SUP_BACKOFF_RESET_MS, 1), 0);
	assert_int_equal(fx->fake.timers[fx->fake.n_timers - 1], 100);
	assert_int_equal(fx->sup.prev_restart_delay, 100);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
	assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->fake.timers[fx->fake.n_timers - 1], 150);
}

static void test_exp_backoff_ends_in_errored(void **state)
{
	struct fixture *fx = *state;
	int i;

	fx->policy.exp_backoff_restart_delay = 100;
	start_online(fx);
	for (i = 0; i < 15; i++) {
		assert_int_equal(run_then_exit(fx, 10, 1), 0);
		assert_int_equal(fx->sup.status, PMC_STATUS_WAITING_RESTART);
		fx->fake.now += fx->fake.timers[fx->fake.n_timers - 1];
		assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
	}
	assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_int_equal(fx->sup.restart_time, 15);
	assert_int_equal(fx->fake.n_timers, 15);

	/* A user start begins the backoff from the first value again. */
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.prev_restart_delay, 0);
	assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->fake.timers[fx->fake.n_timers - 1], 100);
}

static void test_stop_online(void **state)
{
	struct fixture *fx = *state;

	fx->policy.kill_timeout = 2500;
	start_online(fx);
	fx->fake.now += 7000;
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPING);
	assert_true(fx->sup.stop_requested);
	assert_true(fx->sup.running);
	assert_int_equal(fx->fake.kills, 1);
	assert_int_equal(fx->fake.kill_timeout, 2500);
	assert_int_equal(fx->fake.changed, 2);
	/* Stopping again, or starting readiness, changes nothing. */
	assert_int_equal(handle(fx, PMC_SUP_STOP), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->fake.kills, 1);
	assert_int_equal(fx->fake.changed, 2);

	fx->fake.now += 300;
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_false(fx->sup.running);
	assert_false(fx->sup.stop_requested);
	assert_int_equal(fx->sup.exit_code, -1);
	assert_int_equal(fx->sup.exit_signal, SIGINT);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->fake.n_timers, 0);
	assert_int_equal(fx->fake.changed, 3);
	assert_exit_record(last_record(fx), "stopped by user", -1, SIGINT, 7300);
	assert_int_equal(fx->fake.n_records, 2);

	assert_int_equal(handle(fx, PMC_SUP_STOP), -EALREADY);
	assert_int_equal(fx->fake.changed, 3);
}

static void test_stop_launching(void **state)
{
	struct fixture *fx = *state;

	fx->policy.wait_ready = true;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_true(fx->fake.timer_armed);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPING);
	assert_false(fx->fake.timer_armed);
	assert_int_equal(fx->fake.kills, 1);
	assert_int_equal(fx->fake.kill_timeout, 1600);
	/* A late readiness or listen timeout does not bring it online. */
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(exit_with(fx, 0, 0), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_int_equal(fx->fake.spawns, 1);
}

static void test_stop_waiting_restart(void **state)
{
	struct fixture *fx = *state;

	fx->policy.restart_delay = 1000;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_WAITING_RESTART);
	assert_true(fx->fake.timer_armed);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_false(fx->fake.timer_armed);
	assert_int_equal(fx->fake.timer_stops, 1);
	assert_int_equal(fx->fake.kills, 0);
	assert_int_equal(fx->fake.changed, 3);
	assert_plain_record(last_record(fx), "stop", "stopped by user");
	/* A timer that fired anyway is stale. */
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(handle(fx, PMC_SUP_STOP), -EALREADY);
}

static void test_stop_errored(void **state)
{
	struct fixture *fx = *state;

	fx->policy.max_restarts = 1;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_int_equal(fx->fake.kills, 0);
	assert_plain_record(last_record(fx), "stop", "stopped by user");
	assert_int_equal(handle(fx, PMC_SUP_STOP), -EALREADY);
}

static void test_stop_stopped(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(handle(fx, PMC_SUP_STOP), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_int_equal(fx->fake.changed, 0);
	assert_int_equal(fx->fake.kills, 0);
	assert_int_equal(fx->fake.timer_stops, 0);
	assert_int_equal(fx->fake.n_records, 0);
}

static void test_restart_online(void **state)
{
	struct fixture *fx = *state;

	fx->policy.exp_backoff_restart_delay = 100;
	start_online(fx);
	/* Leave some unstable history and backoff behind. */
	assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
	assert_int_equal(fx->sup.unstable_restarts, 1);
	assert_int_equal(fx->sup.prev_restart_delay, 100);
	assert_int_equal(fx->sup.restart_time, 1);
	fx->fake.now += 20000;

	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPING);
	assert_true(fx->sup.start_after_exit);
	assert_int_equal(fx->fake.kills, 1);
	assert_int_equal(fx->sup.restart_time, 1); /* counted once the old one is gone */
	assert_int_equal(handle(fx, PMC_SUP_RESTART), -EALREADY);

	fx->fake.now += 40;
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_true(fx->sup.running);
	assert_false(fx->sup.start_after_exit);
	assert_int_equal(fx->sup.restart_time, 2);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.prev_restart_delay, 0);
	assert_int_equal(fx->sup.created_at, fx->fake.now);
	assert_int_equal(fx->sup.started_at, fx->fake.now);
	assert_int_equal(fx->fake.spawns, 3);
	assert_int_equal(fx->fake.changed, 5);
	assert_exit_record(record_at(fx, fx->fake.n_records - 3), "stopped by user", -1, SIGINT,
			   20040);
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "restart by user");
	assert_plain_record(last_record(fx), "start", NULL);
}

/* A restart the daemon asks for (max_memory_restart) carries its reason to both rows. */
static void test_restart_with_reason(void **state)
{
	struct fixture *fx = *state;
	const char *why = "max_memory_restart: rss 250.0mb (262144000 bytes) above 200.0mb";

	start_online(fx);
	fx->sup.stop_reason = fx->sup.restart_reason = why;
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPING);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_null(fx->sup.stop_reason);
	assert_null(fx->sup.restart_reason);
	assert_record(record_at(fx, fx->fake.n_records - 3), "exit", why);
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", why);
	assert_plain_record(last_record(fx), "start", NULL);

	/* The next user restart is the user's again. */
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_record(record_at(fx, fx->fake.n_records - 3), "exit", "stopped by user");
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "restart by user");
}

static void test_restart_stopped(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(exit_with(fx, 0, 0), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	fx->fake.now += 10000;
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->sup.created_at, T0);
	assert_int_equal(fx->sup.started_at, T0 + 10000);
	assert_int_equal(fx->fake.spawns, 2);
	assert_int_equal(count_kind(fx, "restart"), 0);
	assert_plain_record(last_record(fx), "start", NULL);

	/* A plain start of a stopped app does not count either. */
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(exit_with(fx, 0, 0), 0);
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->fake.spawns, 3);
}

static void test_restart_waiting(void **state)
{
	struct fixture *fx = *state;

	fx->policy.restart_delay = 5000;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_WAITING_RESTART);
	assert_int_equal(fx->sup.unstable_restarts, 1);
	fx->fake.now += 10;
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_false(fx->fake.timer_armed);
	assert_int_equal(fx->fake.timer_stops, 1);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.created_at, T0 + 110);
	assert_int_equal(fx->fake.spawns, 2);
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "restart by user");
	/* The cancelled delay must not spawn a second process. */
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->fake.spawns, 2);
}

static void test_start_waiting(void **state)
{
	struct fixture *fx = *state;

	fx->policy.restart_delay = 5000;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_false(fx->fake.timer_armed);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_int_equal(fx->fake.spawns, 2);
}

static void test_start_while_stopping(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_true(fx->sup.start_after_exit);
	assert_int_equal(handle(fx, PMC_SUP_START), -EALREADY);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(exit_with(fx, 0, 0), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->fake.spawns, 2);
	assert_int_equal(fx->sup.restart_time, 1);
}

static void test_stop_cancels_pending_restart(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_false(fx->sup.start_after_exit);
	assert_int_equal(fx->fake.kills, 1);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_int_equal(fx->fake.spawns, 1);
	assert_int_equal(fx->sup.restart_time, 0);
}

/* A restart the daemon decides (watch, cron) says why on every row it causes. */
static void test_restart_for_reason(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(pmc_sup_restart_for(&fx->sup, "watch: src/a.js"), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPING);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_string_equal(record_at(fx, fx->fake.n_records - 3)->reason, "watch: src/a.js");
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "watch: src/a.js");
	assert_plain_record(last_record(fx), "start", NULL);
	assert_null(fx->sup.restart_reason);

	/* A user restart afterwards is the user's again. */
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "restart by user");

	/* Stopped or errored: started, and the start row says why. */
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(exit_with(fx, 0, 0), 0);
	assert_int_equal(pmc_sup_restart_for(&fx->sup, "cron"), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_plain_record(last_record(fx), "start", "cron");
	assert_null(fx->sup.restart_reason);

	/* A user stop cancels a pending one, and its reason with it. */
	assert_int_equal(pmc_sup_restart_for(&fx->sup, "cron"), 0);
	assert_non_null(fx->sup.restart_reason);
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_null(fx->sup.restart_reason);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_string_equal(last_record(fx)->reason, "stopped by user");

	/* A second one while one is pending changes nothing. */
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(pmc_sup_restart_for(&fx->sup, "cron"), -EALREADY);
	assert_int_equal(exit_with(fx, -1, SIGINT), 0);
	assert_plain_record(record_at(fx, fx->fake.n_records - 2), "restart", "restart by user");
}

static void test_spawn_failure(void **state)
{
	struct fixture *fx = *state;

	fx->fake.spawn_err = -ENOENT;
	fx->fake.spawn_cause = "script /srv/app.js: No such file or directory";
	assert_int_equal(handle(fx, PMC_SUP_START), -ENOENT);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_false(fx->sup.running);
	assert_non_null(fx->sup.last_error);
	assert_string_equal(fx->sup.last_error, "script /srv/app.js: No such file or directory");
	assert_int_equal(fx->fake.changed, 1);
	assert_int_equal(fx->fake.n_records, 1);
	assert_plain_record(last_record(fx), "spawn_failed",
			    "script /srv/app.js: No such file or directory");

	/* Another failure replaces the cause (and the old one is freed). */
	fx->fake.spawn_err = -EACCES;
	fx->fake.spawn_cause = "permission denied";
	assert_int_equal(handle(fx, PMC_SUP_START), -EACCES);
	assert_string_equal(fx->sup.last_error, "permission denied");

	/* Fixed: the next start works and the error is cleared. */
	fx->fake.spawn_err = 0;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_null(fx->sup.last_error);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->fake.changed, 3);
}

static void test_spawn_failure_without_cause(void **state)
{
	struct fixture *fx = *state;

	fx->fake.spawn_err = -EACCES;
	assert_int_equal(handle(fx, PMC_SUP_START), -EACCES);
	assert_non_null(fx->sup.last_error);
	assert_string_equal(fx->sup.last_error, strerror(EACCES));
}

static void test_spawn_failure_on_auto_restart(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	fx->fake.spawn_err = -EMFILE;
	fx->fake.spawn_cause = "too many open files";
	assert_int_equal(run_then_exit(fx, 5000, 1), -EMFILE);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_false(fx->sup.running);
	assert_int_equal(fx->sup.restart_time, 1);
	assert_string_equal(fx->sup.last_error, "too many open files");
	assert_int_equal(fx->fake.changed, 2);
	assert_plain_record(last_record(fx), "spawn_failed", "too many open files");
}

static void test_spawn_failure_after_delay(void **state)
{
	struct fixture *fx = *state;

	fx->policy.restart_delay = 100;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 5000, 1), 0);
	fx->fake.spawn_err = -ENOEXEC;
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -ENOEXEC);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_string_equal(fx->sup.last_error, strerror(ENOEXEC));
	assert_int_equal(fx->fake.changed, 3);
}

static void test_spawn_failure_on_user_restart(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	fx->fake.spawn_err = -ENOENT;
	assert_int_equal(exit_with(fx, -1, SIGINT), -ENOENT);
	assert_int_equal(fx->sup.status, PMC_STATUS_ERRORED);
	assert_false(fx->sup.start_after_exit);
	assert_int_equal(fx->fake.changed, 3);
}

static void test_changed_once_per_event(void **state)
{
	struct fixture *fx = *state;
	int before;

	fx->policy.restart_delay = 100;
	start_online(fx);
	assert_int_equal(fx->fake.changed, 1);
	/* Exit plus a scheduled restart: one notification. */
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->fake.changed, 2);
	/* Restart after the delay (restart + start rows): one notification. */
	assert_int_equal(handle(fx, PMC_SUP_TIMER), 0);
	assert_int_equal(fx->fake.changed, 3);
	assert_int_equal(handle(fx, PMC_SUP_RESTART), 0);
	assert_int_equal(fx->fake.changed, 4);
	/* Exit of the old process plus the spawn of the new one: one notification. */
	assert_int_equal(exit_with(fx, 0, 0), 0);
	assert_int_equal(fx->fake.changed, 5);
	/* Rejected events: none. */
	before = fx->fake.changed;
	assert_int_equal(handle(fx, PMC_SUP_START), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_READY), -EALREADY);
	assert_int_equal(handle(fx, PMC_SUP_TIMER), -EALREADY);
	assert_int_equal(fx->fake.changed, before);

	/* An immediate restart (delay 0) is one notification too. */
	fx->policy.restart_delay = 0;
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->fake.changed, before + 1);
}

static void test_stray_exit(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(exit_with(fx, 9, 0), -EALREADY);
	assert_int_equal(fx->sup.status, PMC_STATUS_STOPPED);
	assert_int_equal(fx->sup.exit_code, 9);
	assert_int_equal(fx->fake.changed, 0);
	assert_int_equal(fx->fake.n_records, 0);
	assert_int_equal(fx->fake.spawns, 0);

	fx->policy.restart_delay = 100;
	start_online(fx);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(exit_with(fx, -1, SIGKILL), -EALREADY);
	assert_int_equal(fx->sup.status, PMC_STATUS_WAITING_RESTART);
	assert_int_equal(fx->sup.exit_signal, SIGKILL);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->fake.spawns, 1);
}

static void test_bad_arguments(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(pmc_sup_handle(&fx->sup, PMC_SUP_EXITED, NULL), -EINVAL);
	assert_int_equal(pmc_sup_handle(&fx->sup, PMC_SUP_EVENT_COUNT, NULL), -EINVAL);
	assert_int_equal(pmc_sup_handle(&fx->sup, (enum pmc_sup_event)-1, NULL), -EINVAL);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_int_equal(fx->fake.changed, 1);
}

static void test_created_at(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	assert_int_equal(fx->sup.created_at, T0);
	assert_int_equal(run_then_exit(fx, 100, 1), 0);
	assert_int_equal(fx->sup.created_at, T0); /* a crash restart keeps it */
	assert_int_equal(handle(fx, PMC_SUP_STOP), 0);
	assert_int_equal(exit_with(fx, 0, 0), 0);
	fx->fake.now += 1000;
	assert_int_equal(handle(fx, PMC_SUP_START), 0);
	assert_int_equal(fx->sup.created_at, T0); /* so does a user start */
}

static void test_reset(void **state)
{
	struct fixture *fx = *state;

	start_online(fx);
	for (int i = 0; i < 5; i++)
		assert_int_equal(run_then_exit(fx, 10, 1), 0);
	assert_int_equal(fx->sup.restart_time, 5);
	assert_int_equal(fx->sup.unstable_restarts, 5);
	fx->fake.now += 777;
	pmc_sup_reset(&fx->sup);
	assert_int_equal(fx->sup.restart_time, 0);
	assert_int_equal(fx->sup.unstable_restarts, 0);
	assert_int_equal(fx->sup.created_at, fx->fake.now);
	assert_int_equal(fx->sup.status, PMC_STATUS_ONLINE);
	assert_true(fx->sup.running);
	assert_int_equal(fx->fake.changed, 7);
	assert_int_equal(fx->fake.spawns, 6);
}

static void test_status_names(void **state)
{
	static const char *const names[PMC_STATUS_COUNT] = {
		"stopped", "launching", "online", "stopping", "waiting restart", "errored",
	};
	enum pmc_status st;
	int i;

	(void)state;
	for (i = 0; i < PMC_STATUS_COUNT; i++) {
		assert_string_equal(pmc_status_name((enum pmc_status)i), names[i]);
		st = PMC_STATUS_COUNT;
		assert_int_equal(pmc_status_parse(names[i], &st), 0);
		assert_int_equal(st, i);
	}
	st = PMC_STATUS_ONLINE;
	assert_int_equal(pmc_status_parse("Online", &st), -EINVAL);
	assert_int_equal(pmc_status_parse("waiting", &st), -EINVAL);
	assert_int_equal(pmc_status_parse("", &st), -EINVAL);
	assert_int_equal(pmc_status_parse(NULL, &st), -EINVAL);
	assert_int_equal(st, PMC_STATUS_ONLINE);
	assert_non_null(pmc_status_name(PMC_STATUS_COUNT));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_defaults),
		T(test_init),
		T(test_start_online),
		T(test_wait_ready_ready),
		T(test_wait_ready_timeout),
		T(test_wait_ready_crash_while_launching),
		T(test_crash_restarts_immediately),
		T(test_exit_zero_restarts),
		T(test_signal_exit_is_crash),
		T(test_no_autorestart),
		T(test_stop_exit_codes),
		T(test_stop_exit_code_zero),
		T(test_signal_not_matched_by_stop_codes),
		T(test_crash_loop_errored),
		T(test_late_crash_loop_errored),
		T(test_stable_run_resets_window),
		T(test_min_uptime_and_max_restarts_policy),
		T(test_unlimited_restarts),
		T(test_restart_delay),
		T(test_exp_backoff_sequence),
		T(test_exp_backoff_ends_in_errored),
		T(test_stop_online),
		T(test_stop_launching),
		T(test_stop_waiting_restart),
		T(test_stop_errored),
		T(test_stop_stopped),
		T(test_restart_online),
		T(test_restart_with_reason),
		T(test_restart_stopped),
		T(test_restart_waiting),
		T(test_start_waiting),
		T(test_start_while_stopping),
		T(test_stop_cancels_pending_restart),
		T(test_restart_for_reason),
		T(test_spawn_failure),
		T(test_spawn_failure_without_cause),
		T(test_spawn_failure_on_auto_restart),
		T(test_spawn_failure_after_delay),
		T(test_spawn_failure_on_user_restart),
		T(test_changed_once_per_event),
		T(test_stray_exit),
		T(test_bad_arguments),
		T(test_created_at),
		T(test_reset),
		cmocka_unit_test(test_status_names),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("supervisor", tests, NULL, NULL);
}
