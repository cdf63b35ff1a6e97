/* SPDX-License-Identifier: MIT */
/* SQLite store: apps, instances, restart history and saved dumps, with migrations. */
#include "store.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "schema.h"
#include "xmalloc.h"

/* Prune the history when an event id is a multiple of this: bounded work per insert. */
#define EVENTS_PRUNE_EVERY 256

#define EVENT_COLUMNS "id, at, app, pm_id, pid, kind, exit_code, signal, runtime_ms, reason"

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_APP_PUT,
	ST_APP_DELETE,
	ST_APP_LIST,
	ST_INSTANCE_PUT,
	ST_INSTANCE_DELETE,
	ST_INSTANCE_LIST,
	ST_EVENT_ADD,
	ST_EVENT_PRUNE,
	ST_EVENT_LIST_ALL,
	ST_EVENT_LIST_APP,
	ST_EVENT_LIST_PM_ID,
	ST_EVENT_LIST_BOTH,
	ST_DUMP_PUT,
	ST_DUMP_GET,
	ST_DUMP_LIST,
	ST_REPLACEMENT_PUT,
	ST_REPLACEMENT_DELETE,
	ST_REPLACEMENT_LIST,
	ST_COUNT
};

/*
 * Every statement the store runs, prepared once at open. The event lists
 * all take ?1 = app, ?2 = pm_id, ?3 = limit (-1: none; ?3 makes ?1 and ?2
 * bindable even where unused) and pick the newest rows through an index,
 * then return them oldest first.
 */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	/* ON CONFLICT ... DO UPDATE, not REPLACE: keeps seq and created_at, and never cascades. */
	[ST_APP_PUT] = "INSERT INTO apps (name, seq, definition, desired, created_at) "
		       "VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM apps), ?2, ?3, ?4) "
		       "ON CONFLICT (name) DO UPDATE SET "
		       "definition = excluded.definition, desired = excluded.desired",
	[ST_APP_DELETE] = "DELETE FROM apps WHERE name = ?1",
	[ST_APP_LIST] = "SELECT name, definition, desired, created_at FROM apps ORDER BY seq",
	[ST_INSTANCE_PUT] =
		"INSERT INTO instances (pm_id, app, idx, pid, pid_start, status, restart_time, "
		"unstable_restarts, created_at, pm_uptime, exit_code, exit_signal, "
		"prev_restart_delay) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
		"ON CONFLICT (pm_id) DO UPDATE SET app = excluded.app, idx = excluded.idx, "
		"pid = excluded.pid, pid_start = excluded.pid_start, status = excluded.status, "
		"restart_time = excluded.restart_time, "
		"unstable_restarts = excluded.unstable_restarts, created_at = excluded.created_at, "
		"pm_uptime = excluded.pm_uptime, exit_code = excluded.exit_code, "
		"exit_signal = excluded.exit_signal, prev_restart_delay = excluded.prev_restart_delay",
	[ST_INSTANCE_DELETE] = "DELETE FROM instances WHERE pm_id = ?1",
	[ST_INSTANCE_LIST] = "SELECT pm_id, app, idx, pid, pid_start, status, restart_time, "
			     "unstable_restarts, created_at, pm_uptime, exit_code, exit_signal, "
			     "prev_restart_delay FROM instances ORDER BY pm_id",
	[ST_EVENT_ADD] = "INSERT INTO events (at, app, pm_id, pid, kind, exit_code, signal, "
			 "runtime_ms, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_EVENT_PRUNE] = "DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?1",
	[ST_EVENT_LIST_ALL] = "SELECT " EVENT_COLUMNS " FROM (SELECT * FROM events "
			      "ORDER BY id DESC LIMIT ?3) ORDER BY id",
	[ST_EVENT_LIST_APP] = "SELECT " EVENT_COLUMNS " FROM (SELECT * FROM events "
			      "WHERE app = ?1 ORDER BY id DESC LIMIT ?3) ORDER BY id",
	[ST_EVENT_LIST_PM_ID] = "SELECT " EVENT_COLUMNS " FROM (SELECT * FROM events "
				"WHERE pm_id = ?2 ORDER BY id DESC LIMIT ?3) ORDER BY id",
	[ST_EVENT_LIST_BOTH] = "SELECT " EVENT_COLUMNS " FROM (SELECT * FROM events "
			       "WHERE pm_id = ?2 AND app = ?1 ORDER BY id DESC LIMIT ?3) ORDER BY id",
	[ST_DUMP_PUT] = "INSERT INTO dumps (name, saved_at, json) VALUES (?1, ?2, ?3) "
			"ON CONFLICT (name) DO UPDATE SET "
			"saved_at = excluded.saved_at, json = excluded.json",
	[ST_DUMP_GET] = "SELECT json FROM dumps WHERE name = ?1",
	[ST_DUMP_LIST] = "SELECT name, saved_at FROM dumps ORDER BY name",
	[ST_REPLACEMENT_PUT] = "INSERT INTO replacements (pm_id, app, pid, pid_start) "
			       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (pm_id) DO UPDATE SET "
			       "app = excluded.app, pid = excluded.pid, "
			       "pid_start = excluded.pid_start",
	[ST_REPLACEMENT_DELETE] = "DELETE FROM replacements WHERE pm_id = ?1",
	[ST_REPLACEMENT_LIST] = "SELECT pm_id, app, pid, pid_start FROM replacements "
				"ORDER BY pm_id",
};

struct pmc_store {
	sqlite3 *db;
	char *path;
	char *err; /* last SQLite error message */
	sqlite3_stmt *stmt[ST_COUNT];
};

/* SQLite primary result codes that mean something more precise than -EIO. */
static const struct {
	int rc;
	int err;
} rc_errno[] = {
	{SQLITE_FULL, -ENOSPC},
	{SQLITE_BUSY, -EBUSY},
	{SQLITE_LOCKED, -EBUSY},
	{SQLITE_CONSTRAINT, -EINVAL}, /* foreign key (unknown app), NOT NULL, CHECK */
	{SQLITE_READONLY, -EROFS},
	{SQLITE_PERM, -EACCES},
	{SQLITE_NOMEM, -ENOMEM},
	{SQLITE_NOTADB, -EINVAL},
	{SQLITE_TOOBIG, -E2BIG},
};

static int map_rc(int rc)
{
	for (size_t i = 0; i < sizeof(rc_errno) / sizeof(rc_errno[0]); i++)
		if (rc_errno[i].rc == (rc & 0xff))
			return rc_errno[i].err;
	return -EIO;
}

/* Keep the connection's current message and turn the code into a negative errno. */
static int fail(struct pmc_store *s, int rc)
{
	free(s->err);
	s->err = xstrdup(sqlite3_errmsg(s->db));
	return map_rc(rc);
}

/* Ready the statement for its next use, dropping pointers to the caller's strings. */
static void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Binds parameters in sequence and remembers the first failure. */
struct binder {
	sqlite3_stmt *st;
	int rc;
};

static void bind_text(struct binder *b, int i, const char *v)
{
	if (b->rc != SQLITE_OK)
		return;
	/* Static: the statement is stepped and its bindings cleared before we return. */
	b->rc = v ? sqlite3_bind_text(b->st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(b->st, i);
}

static void bind_int64(struct binder *b, int i, int64_t v)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64(b->st, i, v);
}

/* Step a statement that returns no rows we need, then reset it. */
static int run(struct pmc_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int ret = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = fail(s, rc);
	done(st);
	return ret;
}

/* Run a bound write; a bind failure is reported like a step failure. */
static int run_bound(struct pmc_store *s, struct binder *b)
{
	if (b->rc != SQLITE_OK) {
		int ret = fail(s, b->rc);

		done(b->st);
		return ret;
	}
	return run(s, b->st);
}

/* An owned copy of a text column, NULL for SQL NULL. */
static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? xstrdup((const char *)v) : NULL;
}

/* Grow a row array geometrically; returns the (possibly moved) array. */
static void *grow(void *rows, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return rows;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(rows, *cap * size);
}

/* Hand msg to the caller through cause, or drop it when the caller passed none. */
static void set_cause(char **cause, char *msg)
{
	if (cause)
		*cause = msg;
	else
		free(msg);
}

/* Describe an error during open: damaged or foreign files get advice, the rest the message. */
static int open_fail(struct pmc_store *s, int rc, const char *what, char **cause)
{
	int ret = fail(s, rc);

	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
		set_cause(cause, xasprintf("%s is not a pmc database (%s): move it away to start "
					   "fresh",
					   s->path, s->err));
		return -EINVAL;
	}
	set_cause(cause, xasprintf("%s: %s: %s", s->path, what, s->err));
	return ret;
}

/* Run a query returning one integer (PRAGMAs, counts). */
static int query_int(struct pmc_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* WAL for concurrent readers and cheap commits; foreign keys for the instance cascade. */
static int configure(struct pmc_store *s, char **cause)
{
	sqlite3_stmt *st = NULL;
	char *mode = NULL;
	int rc, ret = 0;

	sqlite3_busy_timeout(s->db, 2000);
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ret = open_fail(s, rc, "cannot select WAL journal mode", cause);
		goto out;
	}
	mode = column_dup(st, 0);
	if (!mode || strcmp(mode, "wal") != 0) {
		set_cause(cause, xasprintf("%s: cannot use WAL journal mode (got %s)", s->path,
					   mode ? mode : "nothing"));
		ret = -EIO;
		goto out;
	}
	rc = sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", NULL,
			  NULL, NULL);
	if (rc != SQLITE_OK)
		ret = open_fail(s, rc, "cannot configure the connection", cause);
out:
	free(mode);
	sqlite3_finalize(st);
	return ret;
}

/*
 * PRAGMA quick_check: the first row is "ok" for a sound file, else the first
 * problem found. Cheap at the store's size, and it catches damaged pages that
 * opening alone does not touch.
 */
static int check_integrity(sqlite3 *db, const char *path, char **cause)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	const char *row;
	int ret = 0;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		set_cause(cause, xasprintf("%s is damaged (%s): move it away to start fresh", path,
					   sqlite3_errmsg(db)));
		ret = (rc & 0xff) == SQLITE_NOMEM ? -ENOMEM : -EINVAL;
		goto out;
	}
	row = (const char *)sqlite3_column_text(st, 0);
	if (!row || strcmp(row, "ok") != 0) {
		/* One line: "*** in database main ***\nPage 11: ..." becomes "Page 11: ...". */
		const char *prefix = "*** in database main ***";
		char *msg;

		if (row && strncmp(row, prefix, strlen(prefix)) == 0)
			row += strlen(prefix) + strspn(row + strlen(prefix), "\n ");
		msg = xstrdup(row ? row : "no answer");
		for (char *c = msg; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		set_cause(cause, xasprintf("%s is damaged (integrity check: %s): move it away to "
					   "start fresh",
					   path, msg));
		free(msg);
		ret = -EINVAL;
	}
out:
	sqlite3_finalize(st);
	return ret;
}

/*
 * Apply one migration if one is due. The version is read inside the write
 * transaction, so two processes opening the same file never both migrate.
 * Sets *applied when a migration ran, so the caller loops until none is due.
 */
static int migrate_step(struct pmc_store *s, bool *applied, char **cause)
{
	int latest = pmc_store_schema_version();
	int64_t version = 0, objects = 0;
	char *bump = NULL;
	int rc, ret = 0;

	*applied = false;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return open_fail(s, rc, "cannot start the schema migration", cause);
	rc = query_int(s, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = query_int(s, "SELECT COUNT(*) FROM sqlite_master", &objects);
	if (rc != SQLITE_OK) {
		ret = open_fail(s, rc, "cannot read the schema version", cause);
		goto out;
	}
	if (version > latest) {
		set_cause(cause, xasprintf("%s: database schema version %lld is newer than this "
					   "pmc (%d): upgrade pmc",
					   s->path, (long long)version, latest));
		ret = -ENOTSUP;
		goto out;
	}
	/* pmc never leaves tables at version 0: these belong to another program. */
	if (version == 0 && objects > 0) {
		set_cause(cause, xasprintf("%s is not a pmc database (it holds tables of another "
					   "program): move it away to start fresh",
					   s->path));
		ret = -EINVAL;
		goto out;
	}
	if (version == latest)
		goto out;
	bump = xasprintf("PRAGMA user_version = %lld", (long long)version + 1);
	rc = sqlite3_exec(s->db, pmc_store_migrations[version], NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, bump, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		ret = open_fail(s, rc, "cannot migrate the schema", cause);
		goto out;
	}
	*applied = true;
out:
	free(bump);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, ret < 0 ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	return ret;
}

static int migrate(struct pmc_store *s, char **cause)
{
	bool applied = true;
	int ret = 0;

	while (applied && ret == 0)
		ret = migrate_step(s, &applied, cause);
	return ret;
}

static int prepare_all(struct pmc_store *s, char **cause)
{
	for (int i = 0; i < ST_COUNT; i++) {
		int rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &s->stmt[i], NULL);

		if (rc != SQLITE_OK)
			return open_fail(s, rc, "cannot prepare statements", cause);
	}
	return 0;
}

/* Open, configure, migrate and prepare; see store.h. */
int pmc_store_open(const char *path, struct pmc_store **out, char **cause)
{
	struct pmc_store *s = xcalloc(1, sizeof(*s));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc, ret;

	*out = NULL;
	if (cause)
		*cause = NULL;
	s->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK && !s->db) {
		set_cause(cause, xasprintf("%s: cannot open: out of memory", path));
		ret = -ENOMEM;
		goto out;
	}
	if (rc != SQLITE_OK) {
		/* SQLite's "unable to open database file" says less than errno does. */
		int sys = sqlite3_system_errno(s->db);

		ret = fail(s, rc);
		if (sys > 0)
			ret = -sys;
		set_cause(cause, xasprintf("%s: cannot open: %s", path,
					   sys > 0 ? strerror(sys) : s->err));
		goto out;
	}
	ret = configure(s, cause);
	if (ret == 0)
		ret = check_integrity(s->db, path, cause);
	if (ret == 0)
		ret = migrate(s, cause);
	if (ret == 0)
		ret = prepare_all(s, cause);
out:
	if (ret < 0) {
		pmc_store_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

/* Finalize the statements and close the connection (an open transaction is rolled back). */
void pmc_store_close(struct pmc_store *store)
{
	if (!store)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(store->stmt[i]);
	sqlite3_close_v2(store->db);
	free(store->path);
	free(store->err);
	free(store);
}

/* The message kept from the last failed call (borrowed). */
const char *pmc_store_errmsg(struct pmc_store *store)
{
	return store->err ? store->err : "not an error";
}

/* Start a write transaction (taking the write lock now, so commit cannot deadlock). */
int pmc_store_begin(struct pmc_store *store)
{
	return run(store, store->stmt[ST_BEGIN]);
}

int pmc_store_commit(struct pmc_store *store)
{
	return run(store, store->stmt[ST_COMMIT]);
}

/* Roll back if a transaction is open; SQLite may already have done so after an error. */
void pmc_store_rollback(struct pmc_store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		run(store, store->stmt[ST_ROLLBACK]);
}

/* Insert, or update definition and desired state while keeping order and created_at. */
int pmc_store_app_put(struct pmc_store *store, const struct pmc_store_app *app)
{
	struct binder b = {store->stmt[ST_APP_PUT], SQLITE_OK};

	bind_text(&b, 1, app->name);
	bind_text(&b, 2, app->definition);
	bind_text(&b, 3, app->desired);
	bind_int64(&b, 4, app->created_at);
	return run_bound(store, &b);
}

/* Delete an app; its instances go by ON DELETE CASCADE, events stay. */
int pmc_store_app_delete(struct pmc_store *store, const char *name)
{
	struct binder b = {store->stmt[ST_APP_DELETE], SQLITE_OK};
	int ret;

	bind_text(&b, 1, name);
	ret = run_bound(store, &b);
	if (ret == 0 && sqlite3_changes(store->db) == 0)
		ret = -ENOENT;
	return ret;
}

/* Read every row of a prepared query into a growing array through read_row. */
static int list_rows(struct pmc_store *s, sqlite3_stmt *st, void **rows, size_t *n, size_t size,
		     void (*read_row)(sqlite3_stmt *st, void *row))
{
	size_t cap = 0;
	int rc, ret = 0;

	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = grow(*rows, *n, &cap, size);
		read_row(st, (char *)*rows + *n * size);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		ret = fail(s, rc);
	done(st);
	return ret;
}

static void read_app(sqlite3_stmt *st, void *row)
{
	struct pmc_store_app *a = row;

	a->name = column_dup(st, 0);
	a->definition = column_dup(st, 1);
	a->desired = column_dup(st, 2);
	a->created_at = sqlite3_column_int64(st, 3);
}

/* All apps in insertion order (owned copies). */
int pmc_store_app_list(struct pmc_store *store, struct pmc_store_app **apps, size_t *n)
{
	void *rows;
	int ret = list_rows(store, store->stmt[ST_APP_LIST], &rows, n, sizeof(**apps), read_app);

	if (ret < 0) {
		pmc_store_apps_free(rows, *n);
		rows = NULL;
		*n = 0;
	}
	*apps = rows;
	return ret;
}

/* Free an array from pmc_store_app_list. */
void pmc_store_apps_free(struct pmc_store_app *apps, size_t n)
{
	for (size_t i = 0; apps && i < n; i++) {
		free(apps[i].name);
		free(apps[i].definition);
		free(apps[i].desired);
	}
	free(apps);
}

/* Insert or update an instance; an unknown app fails the foreign key: -EINVAL. */
int pmc_store_instance_put(struct pmc_store *store, const struct pmc_store_instance *inst)
{
	struct binder b = {store->stmt[ST_INSTANCE_PUT], SQLITE_OK};

	bind_int64(&b, 1, inst->pm_id);
	bind_text(&b, 2, inst->app);
	bind_int64(&b, 3, inst->idx);
	bind_int64(&b, 4, inst->pid);
	/* Stored as the same 64 bits; read back as uint64_t. */
	bind_int64(&b, 5, (int64_t)inst->pid_start);
	bind_text(&b, 6, inst->status);
	bind_int64(&b, 7, inst->restart_time);
	bind_int64(&b, 8, inst->unstable_restarts);
	bind_int64(&b, 9, inst->created_at);
	bind_int64(&b, 10, inst->pm_uptime);
	bind_int64(&b, 11, inst->exit_code);
	bind_int64(&b, 12, inst->exit_signal);
	bind_int64(&b, 13, inst->prev_restart_delay);
	return run_bound(store, &b);
}

/* Delete an instance row; 0, -ENOENT when there is none, or an SQLite error. */
int pmc_store_instance_delete(struct pmc_store *store, int pm_id)
{
	struct binder b = {store->stmt[ST_INSTANCE_DELETE], SQLITE_OK};
	int ret;

	bind_int64(&b, 1, pm_id);
	ret = run_bound(store, &b);
	if (ret == 0 && sqlite3_changes(store->db) == 0)
		ret = -ENOENT;
	return ret;
}

static void read_instance(sqlite3_stmt *st, void *row)
{
	struct pmc_store_instance *i = row;

	i->pm_id = sqlite3_column_int(st, 0);
	i->app = column_dup(st, 1);
	i->idx = sqlite3_column_int(st, 2);
	i->pid = sqlite3_column_int(st, 3);
	i->pid_start = (uint64_t)sqlite3_column_int64(st, 4);
	i->status = column_dup(st, 5);
	i->restart_time = sqlite3_column_int(st, 6);
	i->unstable_restarts = sqlite3_column_int(st, 7);
	i->created_at = sqlite3_column_int64(st, 8);
	i->pm_uptime = sqlite3_column_int64(st, 9);
	i->exit_code = sqlite3_column_int(st, 10);
	i->exit_signal = sqlite3_column_int(st, 11);
	i->prev_restart_delay = sqlite3_column_int64(st, 12);
}

/* All instances by pm_id (owned copies). */
int pmc_store_instance_list(struct pmc_store *store, struct pmc_store_instance **insts,
			    size_t *n)
{
	void *rows;
	int ret = list_rows(store, store->stmt[ST_INSTANCE_LIST], &rows, n, sizeof(**insts),
			    read_instance);

	if (ret < 0) {
		pmc_store_instances_free(rows, *n);
		rows = NULL;
		*n = 0;
	}
	*insts = rows;
	return ret;
}

/* Free an array from pmc_store_instance_list. */
void pmc_store_instances_free(struct pmc_store_instance *insts, size_t n)
{
	for (size_t i = 0; insts && i < n; i++) {
		free(insts[i].app);
		free(insts[i].status);
	}
	free(insts);
}

/* Record a reload's replacement process of pm_id; 0 or an SQLite error. */
int pmc_store_replacement_put(struct pmc_store *store, const struct pmc_store_instance *inst)
{
	struct binder b = {store->stmt[ST_REPLACEMENT_PUT], SQLITE_OK};

	bind_int64(&b, 1, inst->pm_id);
	bind_text(&b, 2, inst->app);
	bind_int64(&b, 3, inst->pid);
	bind_int64(&b, 4, (int64_t)inst->pid_start);
	return run_bound(store, &b);
}

/* Forget the replacement of pm_id (none is fine); 0 or an SQLite error. */
int pmc_store_replacement_delete(struct pmc_store *store, int pm_id)
{
	struct binder b = {store->stmt[ST_REPLACEMENT_DELETE], SQLITE_OK};

	bind_int64(&b, 1, pm_id);
	return run_bound(store, &b);
}

static void read_replacement(sqlite3_stmt *st, void *row)
{
	struct pmc_store_instance *i = row;

	memset(i, 0, sizeof *i);
	i->pm_id = sqlite3_column_int(st, 0);
	i->app = column_dup(st, 1);
	i->pid = sqlite3_column_int(st, 2);
	i->pid_start = (uint64_t)sqlite3_column_int64(st, 3);
	i->exit_code = -1;
}

/* Every recorded replacement by pm_id: pm_id, app, pid and pid_start are set. */
int pmc_store_replacement_list(struct pmc_store *store, struct pmc_store_instance **insts,
			       size_t *n)
{
	void *rows;
	int ret = list_rows(store, store->stmt[ST_REPLACEMENT_LIST], &rows, n, sizeof(**insts),
			    read_replacement);

	if (ret < 0) {
		pmc_store_instances_free(rows, *n);
		rows = NULL;
		*n = 0;
	}
	*insts = rows;
	return ret;
}

/*
 * Append an event. Every EVENTS_PRUNE_EVERY ids, drop what lies beyond
 * PMC_STORE_EVENTS_MAX: keyed on the id, the cadence survives restarts, and
 * each prune deletes about EVENTS_PRUNE_EVERY rows.
 */
int pmc_store_event_add(struct pmc_store *store, struct pmc_store_event *ev)
{
	struct binder b = {store->stmt[ST_EVENT_ADD], SQLITE_OK};
	int ret;

	bind_int64(&b, 1, ev->at);
	bind_text(&b, 2, ev->app);
	bind_int64(&b, 3, ev->pm_id);
	bind_int64(&b, 4, ev->pid);
	bind_text(&b, 5, ev->kind);
	bind_int64(&b, 6, ev->exit_code);
	bind_int64(&b, 7, ev->signal);
	bind_int64(&b, 8, ev->runtime_ms);
	bind_text(&b, 9, ev->reason);
	ret = run_bound(store, &b);
	if (ret < 0)
		return ret;
	ev->id = sqlite3_last_insert_rowid(store->db);
	if (ev->id % EVENTS_PRUNE_EVERY == 0) {
		b = (struct binder){store->stmt[ST_EVENT_PRUNE], SQLITE_OK};
		bind_int64(&b, 1, PMC_STORE_EVENTS_MAX);
		/* The event is stored; a failed prune is caught up by the next one. */
		run_bound(store, &b);
	}
	return 0;
}

static void read_event(sqlite3_stmt *st, void *row)
{
	struct pmc_store_event *e = row;

	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->app = column_dup(st, 2);
	e->pm_id = sqlite3_column_int(st, 3);
	e->pid = sqlite3_column_int(st, 4);
	e->kind = column_dup(st, 5);
	e->exit_code = sqlite3_column_int(st, 6);
	e->signal = sqlite3_column_int(st, 7);
	e->runtime_ms = sqlite3_column_int64(st, 8);
	e->reason = column_dup(st, 9);
}

/* The newest matching events, oldest first; see store.h. */
int pmc_store_event_list(struct pmc_store *store, const char *app, int pm_id, int limit,
			 struct pmc_store_event **events, size_t *n)
{
	/* Indexed by [app given][pm_id given]: each query walks the index that fits. */
	static const enum stmt_id pick[2][2] = {
		{ST_EVENT_LIST_ALL, ST_EVENT_LIST_PM_ID},
		{ST_EVENT_LIST_APP, ST_EVENT_LIST_BOTH},
	};
	struct binder b = {store->stmt[pick[app != NULL][pm_id >= 0]], SQLITE_OK};
	void *rows = NULL;
	int ret;

	*events = NULL;
	*n = 0;
	bind_text(&b, 1, app);
	if (pm_id >= 0)
		bind_int64(&b, 2, pm_id);
	bind_int64(&b, 3, limit > 0 ? limit : -1);
	if (b.rc != SQLITE_OK) {
		ret = fail(store, b.rc);
		done(b.st);
		return ret;
	}
	ret = list_rows(store, b.st, &rows, n, sizeof(**events), read_event);
	if (ret < 0) {
		pmc_store_events_free(rows, *n);
		rows = NULL;
		*n = 0;
	}
	*events = rows;
	return ret;
}

/* Free an array from pmc_store_event_list. */
void pmc_store_events_free(struct pmc_store_event *events, size_t n)
{
	for (size_t i = 0; events && i < n; i++) {
		free(events[i].app);
		free(events[i].kind);
		free(events[i].reason);
	}
	free(events);
}

/* Save (or overwrite) a snapshot under name, stamped with the wall clock. */
int pmc_store_dump_put(struct pmc_store *store, const char *name, const char *json)
{
	struct binder b = {store->stmt[ST_DUMP_PUT], SQLITE_OK};

	bind_text(&b, 1, name);
	bind_int64(&b, 2, pmc_clock_wall_ms());
	bind_text(&b, 3, json);
	return run_bound(store, &b);
}

/* Fetch a snapshot; -ENOENT when none has that name. */
int pmc_store_dump_get(struct pmc_store *store, const char *name, char **json)
{
	struct binder b = {store->stmt[ST_DUMP_GET], SQLITE_OK};
	int rc, ret = 0;

	*json = NULL;
	bind_text(&b, 1, name);
	if (b.rc != SQLITE_OK) {
		ret = fail(store, b.rc);
		goto out;
	}
	rc = sqlite3_step(b.st);
	if (rc == SQLITE_ROW)
		*json = column_dup(b.st, 0);
	else if (rc == SQLITE_DONE)
		ret = -ENOENT;
	else
		ret = fail(store, rc);
out:
	done(b.st);
	return ret;
}

static void read_dump(sqlite3_stmt *st, void *row)
{
	struct pmc_store_dump *d = row;

	d->name = column_dup(st, 0);
	d->saved_at = sqlite3_column_int64(st, 1);
}

/* Every snapshot's name and time, by name (owned copies). */
int pmc_store_dump_list(struct pmc_store *store, struct pmc_store_dump **dumps, size_t *n)
{
	void *rows;
	int ret = list_rows(store, store->stmt[ST_DUMP_LIST], &rows, n, sizeof(**dumps),
			    read_dump);

	if (ret < 0) {
		pmc_store_dumps_free(rows, *n);
		rows = NULL;
		*n = 0;
	}
	*dumps = rows;
	return ret;
}

/* Free an array from pmc_store_dump_list. */
void pmc_store_dumps_free(struct pmc_store_dump *dumps, size_t n)
{
	for (size_t i = 0; dumps && i < n; i++)
		free(dumps[i].name);
	free(dumps);
}

/*
 * Copy the main database of src into a new file at dest with the online
 * backup API, leaving dest in rollback-journal mode (a plain single file that
 * opens read-only without -wal or -shm). 0 or a negative errno with *cause.
 */
static int copy_database(sqlite3 *src, const char *dest, char **cause)
{
	sqlite3 *db = NULL;
	sqlite3_backup *b;
	int rc, ret = 0;

	unlink(dest);
	rc = sqlite3_open_v2(dest, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		set_cause(cause, xasprintf("%s: cannot create: %s", dest,
					   db ? sqlite3_errmsg(db) : "out of memory"));
		ret = map_rc(rc);
		goto out;
	}
	sqlite3_busy_timeout(db, 2000);
	b = sqlite3_backup_init(db, "main", src, "main");
	if (!b) {
		rc = sqlite3_errcode(db);
		set_cause(cause, xasprintf("%s: cannot start the backup: %s", dest,
					   sqlite3_errmsg(db)));
		ret = map_rc(rc);
		goto out;
	}
	/* All pages in one step: the store is small, and one step reads one snapshot. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		set_cause(cause, xasprintf("%s: backup failed: %s", dest, sqlite3_errstr(rc)));
		ret = map_rc(rc);
		goto out;
	}
	rc = sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_cause(cause, xasprintf("%s: cannot leave WAL mode: %s", dest,
					   sqlite3_errmsg(db)));
		ret = map_rc(rc);
	}
out:
	if (sqlite3_close(db) != SQLITE_OK && ret == 0) {
		set_cause(cause, xasprintf("%s: cannot close the copy", dest));
		ret = -EIO;
	}
	if (ret == 0 && chmod(dest, 0600) < 0) {
		ret = -errno;
		set_cause(cause, xasprintf("%s: chmod: %s", dest, strerror(errno)));
	}
	if (ret < 0)
		unlink(dest);
	return ret;
}

/* Rename with a cause; 0 or -errno. */
static int rename_to(const char *from, const char *to, char **cause)
{
	if (rename(from, to) == 0)
		return 0;
	set_cause(cause, xasprintf("cannot rename %s to %s: %s", from, to, strerror(errno)));
	return -errno;
}

/* Backup through path.tmp, then an atomic rename; see store.h. */
int pmc_store_backup(struct pmc_store *store, const char *path, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path);
	int ret;

	if (cause)
		*cause = NULL;
	ret = copy_database(store->db, tmp, cause);
	if (ret == 0 && (ret = rename_to(tmp, path, cause)) < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* Read-only checks of a database file; see store.h. */
int pmc_store_verify(const char *path, char **cause)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t version = 0;
	struct stat sb;
	int rc, ret = 0;

	if (cause)
		*cause = NULL;
	if (stat(path, &sb) < 0) {
		ret = -errno;
		set_cause(cause, xasprintf("%s: %s", path, strerror(errno)));
		return ret;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		set_cause(cause, xasprintf("%s: cannot open: %s", path,
					   db ? sqlite3_errmsg(db) : "out of memory"));
		ret = -EINVAL;
		goto out;
	}
	ret = check_integrity(db, path, cause);
	if (ret < 0)
		goto out;
	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	if (version <= 0) {
		set_cause(cause, xasprintf("%s is not a pmc database", path));
		ret = -EINVAL;
	} else if (version > pmc_store_schema_version()) {
		set_cause(cause, xasprintf("%s: database schema version %lld is newer than this "
					   "pmc (%d): upgrade pmc",
					   path, (long long)version, pmc_store_schema_version()));
		ret = -ENOTSUP;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}

/* Verify, copy beside path, keep the old file as path.damaged, rename; see store.h. */
int pmc_store_restore(const char *backup_path, const char *path, char **cause)
{
	char *tmp = xasprintf("%s.restoring", path);
	char *damaged = xasprintf("%s.damaged", path);
	char *wal = xasprintf("%s-wal", path);
	char *shm = xasprintf("%s-shm", path);
	char *damaged_wal = xasprintf("%s.damaged-wal", path);
	sqlite3 *src = NULL;
	int rc, ret;

	if (cause)
		*cause = NULL;
	ret = pmc_store_verify(backup_path, cause);
	if (ret < 0)
		goto out;
	rc = sqlite3_open_v2(backup_path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		set_cause(cause, xasprintf("%s: cannot open: %s", backup_path,
					   src ? sqlite3_errmsg(src) : "out of memory"));
		ret = -EIO;
		goto out;
	}
	ret = copy_database(src, tmp, cause);
	if (ret < 0)
		goto out;
	if (access(path, F_OK) == 0 && (ret = rename_to(path, damaged, cause)) < 0)
		goto out;
	/* A WAL left by the damaged file must never be replayed into the restored one. */
	if (access(wal, F_OK) == 0 && (ret = rename_to(wal, damaged_wal, cause)) < 0)
		goto out;
	unlink(shm);
	ret = rename_to(tmp, path, cause);
out:
	sqlite3_close(src);
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	free(damaged);
	free(wal);
	free(shm);
	free(damaged_wal);
	return ret;
}
