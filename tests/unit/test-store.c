/* SPDX-License-Identifier: MIT */
/* Unit tests for the SQLite store: schema, migrations, apps, instances, events, dumps. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store.h"

/* Each test gets a private directory holding its database. */
struct fixture {
	char dir[64];
	char path[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/pmc-test-store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/pmc.db", f->dir);
	*state = f;
	return 0;
}

/* The directory is flat: remove its files, then itself. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct pmc_store *open_ok(const char *path)
{
	struct pmc_store *s = NULL;
	char *cause = NULL;
	int ret = pmc_store_open(path, &s, &cause);

	if (ret != 0)
		fail_msg("open %s: %d %s", path, ret, cause ? cause : "(no cause)");
	assert_null(cause);
	assert_non_null(s);
	return s;
}

/* Run SQL on a separate raw connection (to inspect or to forge files). */
static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static char *raw_text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put_app(struct pmc_store *s, const char *name, const char *def, const char *desired,
		    int64_t created_at)
{
	struct pmc_store_app a = {(char *)name, (char *)def, (char *)desired, created_at};

	assert_int_equal(pmc_store_app_put(s, &a), 0);
}

static struct pmc_store_instance mk_inst(int pm_id, const char *app, int idx)
{
	struct pmc_store_instance i = {
		.pm_id = pm_id,
		.app = (char *)app,
		.idx = idx,
		.pid = 1000 + pm_id,
		.pid_start = 123456789ULL + (uint64_t)pm_id,
		.status = "online",
		.restart_time = 2,
		.unstable_restarts = 1,
		.created_at = 1700000000000LL,
		.pm_uptime = 1700000001000LL,
		.exit_code = -1,
		.exit_signal = 0,
		.prev_restart_delay = 150,
	};
	return i;
}

static void add_event(struct pmc_store *s, const char *app, int pm_id, const char *kind,
		      const char *reason, int64_t *id)
{
	struct pmc_store_event e = {
		.at = 1700000000000LL,
		.app = (char *)app,
		.pm_id = pm_id,
		.pid = 4242,
		.kind = (char *)kind,
		.exit_code = 1,
		.signal = 15,
		.runtime_ms = 5000,
		.reason = (char *)reason,
	};

	assert_int_equal(pmc_store_event_add(s, &e), 0);
	assert_true(e.id > 0);
	if (id)
		*id = e.id;
}

static void test_open_creates_file(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s;
	struct stat st;
	char *mode;

	assert_int_equal(stat(f->path, &st), -1);
	s = open_ok(f->path);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	mode = raw_text(f->path, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_true(pmc_store_schema_version() >= 1);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), pmc_store_schema_version());
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
					  "AND name IN ('apps', 'instances', 'events', 'dumps')"),
			 4);
	assert_string_equal(pmc_store_errmsg(s), "not an error");
	pmc_store_close(s);
	/* A second open of a current file migrates nothing and changes nothing. */
	s = open_ok(f->path);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), pmc_store_schema_version());
	pmc_store_close(s);
	pmc_store_close(NULL);
}

static void test_reopen_keeps_data(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_instance in = mk_inst(3, "api", 0);
	struct pmc_store_app *apps;
	struct pmc_store_instance *insts;
	struct pmc_store_event *evs;
	size_t n;
	char *json;

	put_app(s, "api", "{\"script\":\"a.js\"}", "online", 11);
	assert_int_equal(pmc_store_instance_put(s, &in), 0);
	add_event(s, "api", 3, "start", NULL, NULL);
	assert_int_equal(pmc_store_dump_put(s, "default", "[1,2]"), 0);
	pmc_store_close(s);

	s = open_ok(f->path);
	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(apps[0].name, "api");
	assert_string_equal(apps[0].definition, "{\"script\":\"a.js\"}");
	assert_string_equal(apps[0].desired, "online");
	assert_int_equal(apps[0].created_at, 11);
	pmc_store_apps_free(apps, n);
	assert_int_equal(pmc_store_instance_list(s, &insts, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(insts[0].pm_id, 3);
	assert_int_equal(insts[0].pid_start, 123456792ULL);
	pmc_store_instances_free(insts, n);
	assert_int_equal(pmc_store_event_list(s, NULL, -1, 0, &evs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(evs[0].kind, "start");
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_dump_get(s, "default", &json), 0);
	assert_string_equal(json, "[1,2]");
	free(json);
	pmc_store_close(s);
}

static void test_apps(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_app *apps;
	struct pmc_store_app bad = {"x", "{}", "running", 1};
	struct pmc_store_app noname = {NULL, "{}", "online", 1};
	struct pmc_store_instance i0 = mk_inst(0, "web", 0), i1 = mk_inst(1, "web", 1);
	struct pmc_store_instance i2 = mk_inst(2, "api", 0);
	struct pmc_store_instance *insts;
	struct pmc_store_event *evs;
	size_t n;

	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_apps_free(apps, n);

	/* Names sort the other way round: the order must be insertion order. */
	put_app(s, "web", "{\"v\":1}", "online", 100);
	put_app(s, "api", "{}", "stopped", 200);
	put_app(s, "cron", "{}", "online", 300);
	/* Replace keeps position and created_at, updates definition and desired. */
	put_app(s, "web", "{\"v\":2}", "stopped", 999);
	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(apps[0].name, "web");
	assert_string_equal(apps[0].definition, "{\"v\":2}");
	assert_string_equal(apps[0].desired, "stopped");
	assert_int_equal(apps[0].created_at, 100);
	assert_string_equal(apps[1].name, "api");
	assert_string_equal(apps[1].desired, "stopped");
	assert_int_equal(apps[1].created_at, 200);
	assert_string_equal(apps[2].name, "cron");
	pmc_store_apps_free(apps, n);

	/* Desired state is checked by the schema; a name is required. */
	assert_int_equal(pmc_store_app_put(s, &bad), -EINVAL);
	assert_non_null(strstr(pmc_store_errmsg(s), "CHECK"));
	assert_int_equal(pmc_store_app_put(s, &noname), -EINVAL);

	assert_int_equal(pmc_store_instance_put(s, &i0), 0);
	assert_int_equal(pmc_store_instance_put(s, &i1), 0);
	assert_int_equal(pmc_store_instance_put(s, &i2), 0);
	add_event(s, "web", 0, "start", NULL, NULL);
	add_event(s, "web", 1, "exit", "crash", NULL);

	/* Deleting cascades to the app's instances only; history stays. */
	assert_int_equal(pmc_store_app_delete(s, "web"), 0);
	assert_int_equal(pmc_store_app_delete(s, "web"), -ENOENT);
	assert_int_equal(pmc_store_app_delete(s, "nope"), -ENOENT);
	assert_int_equal(pmc_store_instance_list(s, &insts, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(insts[0].pm_id, 2);
	assert_string_equal(insts[0].app, "api");
	pmc_store_instances_free(insts, n);
	assert_int_equal(pmc_store_event_list(s, "web", -1, 0, &evs, &n), 0);
	assert_int_equal(n, 2);
	pmc_store_events_free(evs, n);

	/* A new app after a delete goes last, and a re-added name goes last too. */
	put_app(s, "web", "{}", "online", 400);
	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(apps[0].name, "api");
	assert_string_equal(apps[1].name, "cron");
	assert_string_equal(apps[2].name, "web");
	assert_int_equal(apps[2].created_at, 400);
	pmc_store_apps_free(apps, n);
	pmc_store_close(s);
}

static void test_instances(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_instance a = mk_inst(7, "api", 1), b = mk_inst(2, "api", 0);
	struct pmc_store_instance *insts;
	size_t n;

	put_app(s, "api", "{}", "online", 1);
	put_app(s, "web", "{}", "online", 1);
	assert_int_equal(pmc_store_instance_put(s, &a), 0);
	assert_int_equal(pmc_store_instance_put(s, &b), 0);

	/* Replace every field of pm_id 7, including a pid_start above INT64_MAX. */
	a.app = "web";
	a.idx = 3;
	a.pid = 0;
	a.pid_start = UINT64_MAX - 5;
	a.status = "errored";
	a.restart_time = 17;
	a.unstable_restarts = 16;
	a.created_at = 5;
	a.pm_uptime = 6;
	a.exit_code = 139;
	a.exit_signal = 11;
	a.prev_restart_delay = 15000;
	assert_int_equal(pmc_store_instance_put(s, &a), 0);

	assert_int_equal(pmc_store_instance_list(s, &insts, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(insts[0].pm_id, 2);
	assert_string_equal(insts[0].app, "api");
	assert_int_equal(insts[0].idx, 0);
	assert_int_equal(insts[0].pid, 1002);
	assert_int_equal(insts[0].pid_start, 123456791ULL);
	assert_string_equal(insts[0].status, "online");
	assert_int_equal(insts[0].restart_time, 2);
	assert_int_equal(insts[0].unstable_restarts, 1);
	assert_int_equal(insts[0].created_at, 1700000000000LL);
	assert_int_equal(insts[0].pm_uptime, 1700000001000LL);
	assert_int_equal(insts[0].exit_code, -1);
	assert_int_equal(insts[0].exit_signal, 0);
	assert_int_equal(insts[0].prev_restart_delay, 150);
	assert_int_equal(insts[1].pm_id, 7);
	assert_string_equal(insts[1].app, "web");
	assert_int_equal(insts[1].idx, 3);
	assert_int_equal(insts[1].pid, 0);
	assert_true(insts[1].pid_start == UINT64_MAX - 5);
	assert_string_equal(insts[1].status, "errored");
	assert_int_equal(insts[1].restart_time, 17);
	assert_int_equal(insts[1].unstable_restarts, 16);
	assert_int_equal(insts[1].created_at, 5);
	assert_int_equal(insts[1].pm_uptime, 6);
	assert_int_equal(insts[1].exit_code, 139);
	assert_int_equal(insts[1].exit_signal, 11);
	assert_int_equal(insts[1].prev_restart_delay, 15000);
	pmc_store_instances_free(insts, n);

	assert_int_equal(pmc_store_instance_delete(s, 2), 0);
	assert_int_equal(pmc_store_instance_delete(s, 2), -ENOENT);
	assert_int_equal(pmc_store_instance_list(s, &insts, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(insts[0].pm_id, 7);
	pmc_store_instances_free(insts, n);
	pmc_store_close(s);
}

/* A reload's replacements: kept apart from the instance rows, until deleted. */
static void test_replacements(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_instance a = mk_inst(4, "web", 0), b = mk_inst(1, "web", 1);
	struct pmc_store_instance *rows;
	size_t n;

	a.pid = 4242;
	a.pid_start = UINT64_MAX - 1;
	b.pid = 77;
	b.pid_start = 9;
	assert_int_equal(pmc_store_replacement_put(s, &a), 0);
	assert_int_equal(pmc_store_replacement_put(s, &b), 0);
	a.pid = 4343; /* a second attempt for the same pm_id replaces the first */
	assert_int_equal(pmc_store_replacement_put(s, &a), 0);
	assert_int_equal(pmc_store_replacement_list(s, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].pm_id, 1);
	assert_int_equal(rows[0].pid, 77);
	assert_int_equal(rows[1].pm_id, 4);
	assert_int_equal(rows[1].pid, 4343);
	assert_true(rows[1].pid_start == UINT64_MAX - 1);
	assert_string_equal(rows[1].app, "web");
	assert_null(rows[1].status);
	pmc_store_instances_free(rows, n);
	/* No instance row came of it. */
	assert_int_equal(pmc_store_instance_list(s, &rows, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_instances_free(rows, n);
	assert_int_equal(pmc_store_replacement_delete(s, 4), 0);
	assert_int_equal(pmc_store_replacement_delete(s, 99), 0);
	assert_int_equal(pmc_store_replacement_list(s, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].pm_id, 1);
	pmc_store_instances_free(rows, n);
	pmc_store_close(s);
}

static void test_instance_unknown_app(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_instance in = mk_inst(0, "ghost", 0);
	struct pmc_store_instance *insts;
	size_t n;

	assert_int_equal(pmc_store_instance_put(s, &in), -EINVAL);
	assert_non_null(strstr(pmc_store_errmsg(s), "FOREIGN KEY"));
	/* A missing status is refused as well. */
	put_app(s, "ghost", "{}", "online", 1);
	in.status = NULL;
	assert_int_equal(pmc_store_instance_put(s, &in), -EINVAL);
	assert_int_equal(pmc_store_instance_list(s, &insts, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_instances_free(insts, n);
	/* The cached statement is usable again after the failures. */
	in.status = "online";
	assert_int_equal(pmc_store_instance_put(s, &in), 0);
	pmc_store_close(s);
}

static void assert_ids(struct pmc_store_event *evs, size_t n, const int64_t *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(evs[i].id, want[i]);
}

static void test_events(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_event *evs;
	struct pmc_store_event full = {
		.at = 1700000012345LL,
		.app = "api",
		.pm_id = 4,
		.pid = 999,
		.kind = "exit",
		.exit_code = -1,
		.signal = 9,
		.runtime_ms = -1,
		.reason = "killed by SIGKILL",
	};
	int64_t id[7];
	size_t n;

	/* No app needed: history outlives apps. */
	add_event(s, "api", 0, "start", NULL, &id[0]);
	add_event(s, "web", 1, "start", NULL, &id[1]);
	add_event(s, "api", 2, "start", NULL, &id[2]);
	add_event(s, "api", 0, "exit", "crash", &id[3]);
	add_event(s, "web", 1, "exit", "crash", &id[4]);
	add_event(s, "api", 0, "restart", "crash", &id[5]);
	assert_int_equal(pmc_store_event_add(s, &full), 0);
	id[6] = full.id;
	for (int i = 1; i < 7; i++)
		assert_true(id[i] > id[i - 1]);

	assert_int_equal(pmc_store_event_list(s, NULL, -1, 0, &evs, &n), 0);
	assert_ids(evs, n, id, 7);
	/* Every field comes back, with NULL reason as NULL. */
	assert_int_equal(evs[0].at, 1700000000000LL);
	assert_string_equal(evs[0].app, "api");
	assert_int_equal(evs[0].pm_id, 0);
	assert_int_equal(evs[0].pid, 4242);
	assert_string_equal(evs[0].kind, "start");
	assert_int_equal(evs[0].exit_code, 1);
	assert_int_equal(evs[0].signal, 15);
	assert_int_equal(evs[0].runtime_ms, 5000);
	assert_null(evs[0].reason);
	assert_int_equal(evs[6].at, 1700000012345LL);
	assert_int_equal(evs[6].pm_id, 4);
	assert_int_equal(evs[6].pid, 999);
	assert_string_equal(evs[6].kind, "exit");
	assert_int_equal(evs[6].exit_code, -1);
	assert_int_equal(evs[6].signal, 9);
	assert_int_equal(evs[6].runtime_ms, -1);
	assert_string_equal(evs[6].reason, "killed by SIGKILL");
	pmc_store_events_free(evs, n);

	/* Limit: the newest N, oldest first. */
	assert_int_equal(pmc_store_event_list(s, NULL, -1, 3, &evs, &n), 0);
	assert_ids(evs, n, (int64_t[]){id[4], id[5], id[6]}, 3);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, NULL, -1, 100, &evs, &n), 0);
	assert_int_equal(n, 7);
	pmc_store_events_free(evs, n);

	assert_int_equal(pmc_store_event_list(s, "api", -1, 0, &evs, &n), 0);
	assert_ids(evs, n, (int64_t[]){id[0], id[2], id[3], id[5], id[6]}, 5);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, "api", -1, 2, &evs, &n), 0);
	assert_ids(evs, n, (int64_t[]){id[5], id[6]}, 2);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, NULL, 1, 0, &evs, &n), 0);
	assert_ids(evs, n, (int64_t[]){id[1], id[4]}, 2);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, NULL, 0, 2, &evs, &n), 0);
	assert_ids(evs, n, (int64_t[]){id[3], id[5]}, 2);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, "api", 0, 0, &evs, &n), 0);
	assert_ids(evs, n, (int64_t[]){id[0], id[3], id[5]}, 3);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, "web", 0, 0, &evs, &n), 0);
	assert_int_equal(n, 0);
	assert_null(evs);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_event_list(s, "nope", -1, 0, &evs, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_events_free(evs, n);

	/* A kind is required. */
	full.kind = NULL;
	assert_int_equal(pmc_store_event_add(s, &full), -EINVAL);
	pmc_store_close(s);
}

static void test_events_retention(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_event *evs;
	const int64_t total = PMC_STORE_EVENTS_MAX + 600;
	/* Pruning runs when an id is a multiple of 256 and keeps the last MAX ids. */
	const int64_t last_prune = total / 256 * 256;
	const int64_t first_kept = last_prune - PMC_STORE_EVENTS_MAX + 1;
	int64_t id = 0;
	size_t n;

	assert_int_equal(pmc_store_begin(s), 0);
	for (int64_t i = 0; i < total; i++)
		add_event(s, "api", (int)(i % 4), "exit", "crash", &id);
	assert_int_equal(pmc_store_commit(s), 0);
	assert_int_equal(id, total);

	assert_int_equal(pmc_store_event_list(s, NULL, -1, 0, &evs, &n), 0);
	assert_true(n >= PMC_STORE_EVENTS_MAX);
	assert_true(n < PMC_STORE_EVENTS_MAX + 256);
	assert_int_equal(evs[0].id, first_kept);
	assert_true(evs[0].id > 600 - 256);
	assert_int_equal(evs[n - 1].id, total);
	assert_int_equal(n, total - first_kept + 1);
	pmc_store_events_free(evs, n);

	/* The cadence follows the ids, so it continues after a reopen. */
	pmc_store_close(s);
	s = open_ok(f->path);
	do
		add_event(s, "api", 0, "exit", NULL, &id);
	while (id % 256 != 0);
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM events"), PMC_STORE_EVENTS_MAX);
	assert_int_equal(raw_int(f->path, "SELECT MIN(id) FROM events"),
			 id - PMC_STORE_EVENTS_MAX + 1);
	pmc_store_close(s);
}

static void test_dumps(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	char *json = (char *)"untouched";

	assert_int_equal(pmc_store_dump_get(s, "default", &json), -ENOENT);
	assert_null(json);
	assert_int_equal(pmc_store_dump_put(s, "default", "[{\"name\":\"api\"}]"), 0);
	assert_int_equal(pmc_store_dump_get(s, "default", &json), 0);
	assert_string_equal(json, "[{\"name\":\"api\"}]");
	free(json);
	assert_int_equal(pmc_store_dump_put(s, "default", "[]"), 0);
	assert_int_equal(pmc_store_dump_put(s, "other", "{}"), 0);
	assert_int_equal(pmc_store_dump_get(s, "default", &json), 0);
	assert_string_equal(json, "[]");
	free(json);
	assert_int_equal(pmc_store_dump_get(s, "other", &json), 0);
	assert_string_equal(json, "{}");
	free(json);
	assert_int_equal(pmc_store_dump_get(s, "Default", &json), -ENOENT);
	assert_true(raw_int(f->path, "SELECT MIN(saved_at) FROM dumps") > 0);
	pmc_store_close(s);
}

static void assert_open_fails(const char *path, int want, const char *fragment)
{
	struct pmc_store *s = (struct pmc_store *)&s;
	char *cause = NULL;

	assert_int_equal(pmc_store_open(path, &s, &cause), want);
	assert_null(s);
	assert_non_null(cause);
	if (!strstr(cause, fragment))
		fail_msg("cause \"%s\" lacks \"%s\"", cause, fragment);
	if (!strstr(cause, path))
		fail_msg("cause \"%s\" lacks the path", cause);
	free(cause);
	/* The cause is optional. */
	assert_int_equal(pmc_store_open(path, &s, NULL), want);
	assert_null(s);
}

static void test_garbage_file(void **state)
{
	struct fixture *f = *state;
	unsigned char junk[8192];
	unsigned char back[sizeof(junk)];
	char want[PATH_MAX + 64];
	int fd;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	write_file(f->path, junk, sizeof(junk));
	snprintf(want, sizeof(want), "%s is not a pmc database (", f->path);
	assert_open_fails(f->path, -EINVAL, want);
	assert_open_fails(f->path, -EINVAL, "): move it away to start fresh");

	/* The file is left exactly as it was. */
	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
	close(fd);
	assert_memory_equal(junk, back, sizeof(junk));

	/* A short text file too. */
	write_file(f->path, "hello, world\n", 13);
	assert_open_fails(f->path, -EINVAL, "is not a pmc database (");
}

static void test_foreign_database(void **state)
{
	struct fixture *f = *state;

	raw_exec(f->path, "CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');");
	assert_open_fails(f->path, -EINVAL, "is not a pmc database (it holds tables");
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM songs"), 1);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 0);
}

static void test_future_version(void **state)
{
	struct fixture *f = *state;
	char sql[64], want[128];
	int future = pmc_store_schema_version() + 1;

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", future);
	raw_exec(f->path, sql);
	snprintf(want, sizeof(want),
		 "database schema version %d is newer than this pmc (%d): upgrade pmc", future,
		 pmc_store_schema_version());
	assert_open_fails(f->path, -ENOTSUP, want);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), future);
}

static void test_migrate_empty_v0(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s;

	/* An empty file is a valid SQLite database at version 0. */
	write_file(f->path, "", 0);
	s = open_ok(f->path);
	put_app(s, "api", "{}", "online", 1);
	pmc_store_close(s);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), pmc_store_schema_version());
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM apps"), 1);

	/* So is a database file with a header and no tables. */
	unlink(f->path);
	raw_exec(f->path, "PRAGMA page_size = 4096; VACUUM;");
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 0);
	s = open_ok(f->path);
	pmc_store_close(s);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), pmc_store_schema_version());
}

static void test_unopenable_path(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX];
	struct pmc_store *s = NULL;
	char *cause = NULL;

	snprintf(path, sizeof(path), "%s/missing/pmc.db", f->dir);
	assert_int_equal(pmc_store_open(path, &s, &cause), -ENOENT);
	assert_null(s);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, strerror(ENOENT)));
	free(cause);
	/* A directory is not a database file either. */
	assert_int_equal(pmc_store_open(f->dir, &s, &cause), -EISDIR);
	assert_null(s);
	free(cause);
}

static void test_strings_round_trip(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	char binaryish[256];
	struct pmc_store_app *apps;
	struct pmc_store_event *evs;
	struct pmc_store_instance in;
	const char *quoted = "it's \"quoted\"; DROP TABLE apps; -- \\ %s %n";
	const char *unicode = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80";
	char *json;
	size_t n;

	/* Every byte but NUL, including invalid UTF-8. */
	for (int i = 0; i < 255; i++)
		binaryish[i] = (char)(i + 1);
	binaryish[255] = '\0';

	put_app(s, quoted, binaryish, "online", 1);
	put_app(s, unicode, quoted, "online", 2);
	in = mk_inst(0, unicode, 0);
	in.status = (char *)binaryish;
	assert_int_equal(pmc_store_instance_put(s, &in), 0);
	add_event(s, binaryish, 0, unicode, quoted, NULL);
	assert_int_equal(pmc_store_dump_put(s, unicode, binaryish), 0);
	pmc_store_close(s);

	s = open_ok(f->path);
	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(apps[0].name, quoted);
	assert_string_equal(apps[0].definition, binaryish);
	assert_string_equal(apps[1].name, unicode);
	assert_string_equal(apps[1].definition, quoted);
	pmc_store_apps_free(apps, n);
	assert_int_equal(pmc_store_event_list(s, binaryish, -1, 0, &evs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(evs[0].app, binaryish);
	assert_string_equal(evs[0].kind, unicode);
	assert_string_equal(evs[0].reason, quoted);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_dump_get(s, unicode, &json), 0);
	assert_string_equal(json, binaryish);
	free(json);
	/* Deleting the unicode-named app cascades to its instance. */
	assert_int_equal(pmc_store_app_delete(s, unicode), 0);
	assert_int_equal(pmc_store_instance_delete(s, 0), -ENOENT);
	pmc_store_close(s);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_instance in = mk_inst(0, "api", 0);
	struct pmc_store_app *apps;
	struct pmc_store_instance *insts;
	struct pmc_store_event *evs;
	char *json;
	size_t n;

	/* Rolling back outside a transaction is harmless. */
	pmc_store_rollback(s);

	assert_int_equal(pmc_store_begin(s), 0);
	/* No nesting: a second begin fails and leaves the first open. */
	assert_int_equal(pmc_store_begin(s), -EIO);
	assert_non_null(strstr(pmc_store_errmsg(s), "within a transaction"));
	put_app(s, "api", "{}", "online", 1);
	assert_int_equal(pmc_store_instance_put(s, &in), 0);
	add_event(s, "api", 0, "start", NULL, NULL);
	assert_int_equal(pmc_store_dump_put(s, "default", "[]"), 0);
	/* Uncommitted writes are visible to this connection only. */
	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 1);
	pmc_store_apps_free(apps, n);
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM apps"), 0);
	pmc_store_rollback(s);

	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_apps_free(apps, n);
	assert_int_equal(pmc_store_instance_list(s, &insts, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_instances_free(insts, n);
	assert_int_equal(pmc_store_event_list(s, NULL, -1, 0, &evs, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_events_free(evs, n);
	assert_int_equal(pmc_store_dump_get(s, "default", &json), -ENOENT);

	/* Commit keeps. */
	assert_int_equal(pmc_store_begin(s), 0);
	put_app(s, "api", "{}", "online", 1);
	assert_int_equal(pmc_store_commit(s), 0);
	assert_int_equal(pmc_store_commit(s), -EIO);
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM apps"), 1);
	pmc_store_close(s);
}

static void test_two_connections(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *a = open_ok(f->path);
	struct pmc_store *b = open_ok(f->path);
	struct pmc_store_app *apps;
	size_t n;

	put_app(a, "api", "{}", "online", 1);
	assert_int_equal(pmc_store_app_list(b, &apps, &n), 0);
	assert_int_equal(n, 1);
	pmc_store_apps_free(apps, n);

	/* While one connection writes, the other is told the store is busy. */
	assert_int_equal(pmc_store_begin(a), 0);
	assert_int_equal(pmc_store_begin(b), -EBUSY);
	assert_non_null(strstr(pmc_store_errmsg(b), "locked"));
	pmc_store_rollback(a);
	assert_int_equal(pmc_store_begin(b), 0);
	assert_int_equal(pmc_store_commit(b), 0);
	pmc_store_close(b);
	pmc_store_close(a);
}

static void test_dump_list(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	struct pmc_store_dump *dumps = (struct pmc_store_dump *)&dumps;
	size_t n = 99;

	assert_int_equal(pmc_store_dump_list(s, &dumps, &n), 0);
	assert_int_equal(n, 0);
	pmc_store_dumps_free(dumps, n);
	assert_int_equal(pmc_store_dump_put(s, "zeta", "[]"), 0);
	assert_int_equal(pmc_store_dump_put(s, "alpha", "[1]"), 0);
	assert_int_equal(pmc_store_dump_put(s, "zeta", "[2]"), 0); /* overwrite: still one row */
	assert_int_equal(pmc_store_dump_list(s, &dumps, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(dumps[0].name, "alpha");
	assert_string_equal(dumps[1].name, "zeta");
	assert_true(dumps[0].saved_at > 1700000000000LL);
	assert_true(dumps[1].saved_at >= dumps[0].saved_at);
	pmc_store_dumps_free(dumps, n);
	pmc_store_close(s);
}

/* Byte 18 of the header: 1 for a rollback journal, 2 for WAL. */
static int header_write_version(const char *path)
{
	unsigned char h[100];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(read(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	close(fd);
	return h[18];
}

static void test_backup(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	char bak[PATH_MAX + 8], tmp[PATH_MAX + 16], missing[PATH_MAX + 16];
	char *cause = NULL;
	struct stat st;

	snprintf(bak, sizeof(bak), "%s.bak", f->path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", bak);
	put_app(s, "api", "{}", "online", 1);
	assert_int_equal(pmc_store_dump_put(s, "default", "[{\"name\":\"api\"}]"), 0);
	assert_int_equal(pmc_store_backup(s, bak, &cause), 0);
	assert_null(cause);
	assert_int_equal(stat(bak, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	/* A plain file: it opens read-only without -wal and -shm. */
	assert_int_equal(header_write_version(bak), 1);
	assert_int_equal(pmc_store_verify(bak, &cause), 0);
	assert_null(cause);
	assert_int_equal(raw_int(bak, "SELECT COUNT(*) FROM apps"), 1);
	assert_int_equal(raw_int(bak, "SELECT COUNT(*) FROM dumps"), 1);
	assert_int_equal(raw_int(bak, "PRAGMA user_version"), pmc_store_schema_version());

	/* The next backup replaces it with what the store holds now. */
	put_app(s, "web", "{}", "stopped", 2);
	assert_int_equal(pmc_store_backup(s, bak, NULL), 0);
	assert_int_equal(raw_int(bak, "SELECT COUNT(*) FROM apps"), 2);
	/* The live database is still in WAL mode and usable. */
	put_app(s, "jobs", "{}", "online", 3);

	/* A directory that does not exist: an error naming it, nothing left behind. */
	snprintf(missing, sizeof(missing), "%s/no/such.bak", f->dir);
	assert_true(pmc_store_backup(s, missing, &cause) < 0);
	assert_non_null(cause);
	assert_non_null(strstr(cause, missing));
	free(cause);
	pmc_store_close(s);
}

static void test_verify(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	char sql[64];

	assert_int_equal(pmc_store_verify(f->path, &cause), -ENOENT);
	assert_non_null(strstr(cause, f->path));
	free(cause);
	write_file(f->path, "not a database at all, not even close to one......", 50);
	assert_int_equal(pmc_store_verify(f->path, &cause), -EINVAL);
	assert_non_null(strstr(cause, f->path));
	free(cause);
	unlink(f->path);
	raw_exec(f->path, "CREATE TABLE songs (title TEXT);");
	assert_int_equal(pmc_store_verify(f->path, &cause), -EINVAL);
	assert_non_null(strstr(cause, "is not a pmc database"));
	free(cause);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", pmc_store_schema_version() + 1);
	raw_exec(f->path, sql);
	assert_int_equal(pmc_store_verify(f->path, &cause), -ENOTSUP);
	assert_non_null(strstr(cause, "newer than this pmc"));
	free(cause);
	/* Verifying changes nothing. */
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM songs"), 0);
}

/* A database whose header is sound but whose history pages are overwritten. */
static void make_damaged(const char *path)
{
	struct pmc_store *s = open_ok(path);
	unsigned char junk[4096];
	struct stat st;
	int fd;

	for (int i = 0; i < 400; i++)
		add_event(s, "api", i, "exit", "a reason long enough to fill pages quickly", NULL);
	pmc_store_close(s); /* the last connection checkpoints the WAL into the file */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size >= 8 * 4096);
	memset(junk, 0xa5, sizeof(junk));
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	/* Pages 6 and 7 (of the events table or its indexes), never page 1. */
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 5 * 4096), (ssize_t)sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 6 * 4096), (ssize_t)sizeof(junk));
	close(fd);
}

static void test_damaged_pages(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	make_damaged(f->path);
	assert_open_fails(f->path, -EINVAL, "is damaged (");
	assert_open_fails(f->path, -EINVAL, "move it away to start fresh");
	assert_int_equal(pmc_store_verify(f->path, &cause), -EINVAL);
	assert_non_null(strstr(cause, "is damaged (integrity check: "));
	/* One line: the daemon reports it on its one-line readiness pipe. */
	assert_null(strchr(cause, '\n'));
	free(cause);
}

static void test_restore(void **state)
{
	struct fixture *f = *state;
	struct pmc_store *s = open_ok(f->path);
	char bak[PATH_MAX + 8], damaged[PATH_MAX + 16], wal[PATH_MAX + 8];
	char damaged_wal[PATH_MAX + 16], *cause = NULL, *json = NULL;
	struct pmc_store_app *apps;
	size_t n;

	snprintf(bak, sizeof(bak), "%s.bak", f->path);
	snprintf(damaged, sizeof(damaged), "%s.damaged", f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	snprintf(damaged_wal, sizeof(damaged_wal), "%s.damaged-wal", f->path);
	put_app(s, "api", "{\"x\":1}", "online", 1);
	assert_int_equal(pmc_store_dump_put(s, "default", "[{\"name\":\"api\"}]"), 0);
	assert_int_equal(pmc_store_backup(s, bak, NULL), 0);
	pmc_store_close(s);

	/* No backup: nothing happens. */
	assert_int_equal(pmc_store_restore("/nonexistent/pmc.db.bak", f->path, &cause), -ENOENT);
	free(cause);
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM apps"), 1);

	/* The database goes bad, with a stale WAL beside it. */
	write_file(f->path, "garbage garbage garbage garbage garbage garbage garbage", 55);
	write_file(wal, "stale wal", 9);
	assert_int_equal(pmc_store_restore(bak, f->path, &cause), 0);
	assert_null(cause);
	assert_int_equal(access(damaged, F_OK), 0);
	assert_int_equal(access(damaged_wal, F_OK), 0);
	assert_int_equal(access(wal, F_OK), -1);
	s = open_ok(f->path);
	assert_int_equal(pmc_store_app_list(s, &apps, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(apps[0].name, "api");
	assert_string_equal(apps[0].definition, "{\"x\":1}");
	pmc_store_apps_free(apps, n);
	assert_int_equal(pmc_store_dump_get(s, "default", &json), 0);
	assert_string_equal(json, "[{\"name\":\"api\"}]");
	free(json);
	pmc_store_close(s);

	/* A damaged backup is refused and the database is left as it is. */
	make_damaged(bak);
	assert_int_equal(pmc_store_restore(bak, f->path, &cause), -EINVAL);
	assert_non_null(strstr(cause, bak));
	free(cause);
	assert_int_equal(raw_int(f->path, "SELECT COUNT(*) FROM apps"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instance_unknown_app, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replacements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dumps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_empty_v0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unopenable_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strings_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
