/* SPDX-License-Identifier: MIT */
/* SQLite store: apps, instances, restart history and saved dumps, with migrations. */
#ifndef PMC_STORE_H
#define PMC_STORE_H

#include <stddef.h>
#include <stdint.h>

/* Events kept: older rows are pruned as new ones arrive. */
#define PMC_STORE_EVENTS_MAX 20000

struct pmc_store;

/* An app: its definition as JSON text (the daemon owns the schema of that JSON). */
struct pmc_store_app {
	char *name;
	char *definition; /* JSON object text */
	char *desired;    /* "online" or "stopped" */
	int64_t created_at; /* ms since epoch */
};

/* One instance row: live state and counters. */
struct pmc_store_instance {
	int pm_id;
	char *app;
	int idx;                 /* instance index 0..N-1 */
	int pid;                 /* 0 when not running */
	uint64_t pid_start;      /* /proc/<pid>/stat starttime, to recognise the same process */
	char *status;            /* PM2 status name */
	int restart_time;
	int unstable_restarts;
	int64_t created_at;      /* ms since epoch */
	int64_t pm_uptime;       /* start of current run, ms since epoch */
	int exit_code;           /* last exit code, -1 when none */
	int exit_signal;         /* last terminating signal, 0 when none */
	int64_t prev_restart_delay;
};

/* One history row. */
struct pmc_store_event {
	int64_t id;       /* set by pmc_store_event_add */
	int64_t at;       /* ms since epoch */
	char *app;
	int pm_id;
	int pid;
	char *kind;       /* "start", "exit", "restart", "stop", "errored", "spawn_failed", "delete"… */
	int exit_code;    /* -1 when not an exit */
	int signal;       /* 0 when none */
	int64_t runtime_ms; /* how long the run lasted, -1 when not an exit */
	char *reason;     /* human words: "crash", "stopped by user", … (may be NULL) */
};

/*
 * Open (creating if needed) the database at path: WAL mode, foreign keys on,
 * busy timeout, schema migrated to the current PRAGMA user_version. A file that
 * is not a database, is damaged (PRAGMA quick_check), or has a schema newer than
 * this build, is an error (-EINVAL, -EINVAL, -ENOTSUP).
 * Returns 0, or a negative errno-style code with *cause set (caller frees).
 */
int pmc_store_open(const char *path, struct pmc_store **out, char **cause);
void pmc_store_close(struct pmc_store *store);
/* The schema version this build writes. */
int pmc_store_schema_version(void);

/* The last SQLite error message of this connection (borrowed). */
const char *pmc_store_errmsg(struct pmc_store *store);

/* Group writes: begin/commit/rollback; 0 or -EIO. */
int pmc_store_begin(struct pmc_store *store);
int pmc_store_commit(struct pmc_store *store);
void pmc_store_rollback(struct pmc_store *store);

/* Insert or replace an app by name; 0 or -EIO. */
int pmc_store_app_put(struct pmc_store *store, const struct pmc_store_app *app);
/* Delete an app and its instances (events stay as history); 0, -ENOENT, -EIO. */
int pmc_store_app_delete(struct pmc_store *store, const char *name);
/* All apps in insertion order; the caller frees with pmc_store_apps_free. */
int pmc_store_app_list(struct pmc_store *store, struct pmc_store_app **apps, size_t *n);
void pmc_store_apps_free(struct pmc_store_app *apps, size_t n);

/* Insert or replace an instance by pm_id (its app must exist); 0 or -EIO. */
int pmc_store_instance_put(struct pmc_store *store, const struct pmc_store_instance *inst);
/* Delete an instance row; 0, -ENOENT when there is none, -EIO. */
int pmc_store_instance_delete(struct pmc_store *store, int pm_id);
/* All instances ordered by pm_id; free with pmc_store_instances_free. */
int pmc_store_instance_list(struct pmc_store *store, struct pmc_store_instance **insts,
			    size_t *n);
void pmc_store_instances_free(struct pmc_store_instance *insts, size_t n);

/*
 * A rolling reload's replacement process, recorded until it takes its instance's
 * place (then it is an instance row) or ends: pm_id, app, pid and pid_start are
 * used. Put and delete return 0 or -errno; list is ordered by pm_id (free with
 * pmc_store_instances_free).
 */
int pmc_store_replacement_put(struct pmc_store *store, const struct pmc_store_instance *inst);
int pmc_store_replacement_delete(struct pmc_store *store, int pm_id);
int pmc_store_replacement_list(struct pmc_store *store, struct pmc_store_instance **insts,
			       size_t *n);

/* Append a history row (sets ev->id) and prune beyond PMC_STORE_EVENTS_MAX; 0 or -EIO. */
int pmc_store_event_add(struct pmc_store *store, struct pmc_store_event *ev);
/*
 * The newest `limit` events (limit <= 0: all) matching app (NULL: any) and
 * pm_id (-1: any), returned oldest first; free with pmc_store_events_free.
 */
int pmc_store_event_list(struct pmc_store *store, const char *app, int pm_id, int limit,
			 struct pmc_store_event **events, size_t *n);
void pmc_store_events_free(struct pmc_store_event *events, size_t n);

/* Saved snapshots for save/resurrect: JSON text under a name ("default"). */
int pmc_store_dump_put(struct pmc_store *store, const char *name, const char *json);
/* *json is a new string (caller frees); -ENOENT when no snapshot has that name. */
int pmc_store_dump_get(struct pmc_store *store, const char *name, char **json);
/* One saved snapshot: its name and when it was saved. */
struct pmc_store_dump {
	char *name;
	int64_t saved_at; /* ms since epoch */
};
/* Every snapshot, by name; free with pmc_store_dumps_free. 0 or -EIO. */
int pmc_store_dump_list(struct pmc_store *store, struct pmc_store_dump **dumps, size_t *n);
void pmc_store_dumps_free(struct pmc_store_dump *dumps, size_t n);

/*
 * Copy the whole database to path with SQLite's online backup API: written to
 * path.tmp in rollback-journal mode, mode 0600, then renamed over path, so a
 * failure never leaves a half-written backup. 0, or a negative errno with
 * *cause set (caller frees).
 */
int pmc_store_backup(struct pmc_store *store, const char *path, char **cause);
/*
 * Check that the file at path is a sound pmc database (it opens read-only,
 * PRAGMA quick_check says ok, its schema version is one this build knows)
 * without changing it. 0, or -ENOENT / -EINVAL / -ENOTSUP with *cause set.
 */
int pmc_store_verify(const char *path, char **cause);
/*
 * Put the backup at backup_path in place of the database at path, after
 * verifying it. A file at path is kept as path.damaged (its -wal too, as
 * path.damaged-wal). No connection may hold path open: the daemon restores
 * under its lock. 0, or a negative errno with *cause set; path is untouched
 * unless the copy succeeded.
 */
int pmc_store_restore(const char *backup_path, const char *path, char **cause);

#endif
