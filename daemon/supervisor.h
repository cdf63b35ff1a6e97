/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: one instance's state machine as a state x event table.
 * Pure: time, spawning, killing, timers and persistence are callbacks, so the
 * table is unit-tested with a fake clock and a fake spawner.
 */
#ifndef PMC_DAEMON_SUPERVISOR_H
#define PMC_DAEMON_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PM2's states, same names on the wire (see pmc_status_name). */
enum pmc_status {
	PMC_STATUS_STOPPED,
	PMC_STATUS_LAUNCHING,
	PMC_STATUS_ONLINE,
	PMC_STATUS_STOPPING,
	PMC_STATUS_WAITING_RESTART,
	PMC_STATUS_ERRORED,
	PMC_STATUS_COUNT
};

enum pmc_sup_event {
	PMC_SUP_START,   /* user: start (a no-op when already running) */
	PMC_SUP_STOP,    /* user: stop gracefully */
	PMC_SUP_RESTART, /* user: stop if running, then start; counts as a restart */
	PMC_SUP_EXITED,  /* the process group is gone; exit info passed along */
	PMC_SUP_READY,   /* readiness reached (launching → online) */
	PMC_SUP_TIMER,   /* the instance's one timer fired (restart delay, listen timeout) */
	PMC_SUP_EVENT_COUNT
};

/* Restart policy; PM2's defaults come from pmc_sup_policy_defaults(). */
struct pmc_sup_policy {
	bool autorestart;                  /* true */
	int64_t min_uptime;                /* 1000 ms: a shorter run is unstable */
	int max_restarts;                  /* 16 unstable restarts in a row → errored */
	int64_t restart_delay;             /* 0 ms */
	int64_t exp_backoff_restart_delay; /* 0 = off; first delay, then ×1.5, capped */
	int64_t kill_timeout;              /* 1600 ms: stop signal → SIGKILL */
	const int *stop_exit_codes;        /* exits with these codes are not restarted */
	size_t n_stop_exit_codes;
	bool wait_ready;                   /* stay launching until READY or listen_timeout */
	int64_t listen_timeout;            /* 3000 ms */
};

#define PMC_SUP_BACKOFF_CAP_MS	 15000
#define PMC_SUP_BACKOFF_RESET_MS 30000

void pmc_sup_policy_defaults(struct pmc_sup_policy *policy);

/* How a process ended. */
struct pmc_sup_exit {
	int code;   /* exit status, or -1 when killed by a signal */
	int signal; /* terminating signal, or 0 */
};

/* What the supervisor asks its host to record in the history. */
struct pmc_sup_record {
	const char *kind;   /* "start", "exit", "restart", "stop", "errored", "spawn_failed" */
	const char *reason; /* "crash", "stopped by user", "stop exit code", … or NULL */
	int exit_code;      /* -1 when not an exit */
	int signal;
	int64_t runtime_ms; /* -1 when not an exit */
};

struct pmc_sup_ops {
	int64_t (*now)(void *ctx);                       /* ms since epoch */
	/* Start the process. 0, or -errno with *cause set (freed by the supervisor). */
	int (*spawn)(void *ctx, char **cause);
	/* Begin a graceful stop: stop signal to the group, SIGKILL after kill_timeout.
	 * EXITED follows once the whole group is gone. */
	void (*kill)(void *ctx, int64_t kill_timeout);
	void (*timer_start)(void *ctx, int64_t ms);      /* one timer; TIMER follows */
	void (*timer_stop)(void *ctx);
	void (*changed)(void *ctx);                      /* state or counters changed */
	void (*record)(void *ctx, const struct pmc_sup_record *rec);
};

struct pmc_sup {
	enum pmc_status status;
	const struct pmc_sup_policy *policy; /* borrowed */
	const struct pmc_sup_ops *ops;       /* borrowed */
	void *ctx;
	bool running;            /* a process exists (spawned, EXITED not yet seen) */
	bool start_after_exit;   /* a restart waits for the old process to exit */
	bool stop_requested;     /* the current exit is one we asked for */
	int restart_time;        /* every restart, as PM2's restart_time */
	int unstable_restarts;   /* unstable runs in a row (a stable run resets it) */
	int64_t created_at;      /* ms; set at first start, reset by user restart/reset */
	int64_t started_at;      /* ms; start of the current run (pm_uptime) */
	int64_t prev_restart_delay;
	int exit_code;           /* last exit code, -1 when none */
	int exit_signal;         /* last signal, 0 when none */
	char *last_error;        /* last spawn failure, owned */
	const char *stop_reason; /* why the next stop happens (outlives it); NULL: by user */
	const char *restart_reason; /* why a RESTART was asked, when not by the user */
};

void pmc_sup_init(struct pmc_sup *sup, const struct pmc_sup_policy *policy,
		  const struct pmc_sup_ops *ops, void *ctx);
void pmc_sup_close(struct pmc_sup *sup);

/*
 * Feed one event. exit is required for PMC_SUP_EXITED and ignored otherwise.
 * Returns 0, or -errno when a spawn failed (the instance is then errored and
 * sup->last_error says why), or -EALREADY when the event does not apply in the
 * current state (nothing changed).
 */
int pmc_sup_handle(struct pmc_sup *sup, enum pmc_sup_event ev, const struct pmc_sup_exit *exit);

/*
 * PMC_SUP_RESTART on the daemon's own initiative (watch, cron): the history says
 * reason instead of "restart by user", on the stop's exit row and the restart
 * row, or on the start row when nothing ran. reason must outlive the restart
 * (until the old process has exited). Returns what pmc_sup_handle() returns.
 */
int pmc_sup_restart_for(struct pmc_sup *sup, const char *reason);

/* Zero restart_time and unstable_restarts, created_at = now (PM2's reset). */
void pmc_sup_reset(struct pmc_sup *sup);

/* PM2 names: "stopped", "launching", "online", "stopping", "waiting restart", "errored". */
const char *pmc_status_name(enum pmc_status status);
/* 0 and *status, or -EINVAL. */
int pmc_status_parse(const char *name, enum pmc_status *status);

#endif
