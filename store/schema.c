/* SPDX-License-Identifier: MIT */
/* The store's schema: migrations applied in order, one per PRAGMA user_version step. */
#include "schema.h"

#include "store.h"

/*
 * Never edit a released migration: add a new one at the end instead, so a
 * database written by any earlier pmc upgrades step by step.
 */
const char *const pmc_store_migrations[] = {
	/* 0 -> 1: apps, their instances, restart history and saved dumps. */
	"CREATE TABLE apps ("
	"  name TEXT NOT NULL PRIMARY KEY,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  definition TEXT NOT NULL,"
	"  desired TEXT NOT NULL CHECK (desired IN ('online', 'stopped')),"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE instances ("
	"  pm_id INTEGER PRIMARY KEY,"
	"  app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  pid_start INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"
	"  restart_time INTEGER NOT NULL,"
	"  unstable_restarts INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  pm_uptime INTEGER NOT NULL,"
	"  exit_code INTEGER NOT NULL,"
	"  exit_signal INTEGER NOT NULL,"
	"  prev_restart_delay INTEGER NOT NULL"
	");"
	"CREATE INDEX instances_app ON instances (app);"
	/* No foreign key: history outlives the app it describes. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  app TEXT,"
	"  pm_id INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  exit_code INTEGER NOT NULL,"
	"  signal INTEGER NOT NULL,"
	"  runtime_ms INTEGER NOT NULL,"
	"  reason TEXT"
	");"
	"CREATE INDEX events_app ON events (app, id);"
	"CREATE INDEX events_pm_id ON events (pm_id, id);"
	"CREATE TABLE dumps ("
	"  name TEXT NOT NULL PRIMARY KEY,"
	"  saved_at INTEGER NOT NULL,"
	"  json TEXT NOT NULL"
	");",
	/* 1 -> 2: a rolling reload's replacement processes, until they take their
	 * instance's place, so a daemon that died mid-reload leaves none behind. */
	"CREATE TABLE replacements ("
	"  pm_id INTEGER PRIMARY KEY,"
	"  app TEXT NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  pid_start INTEGER NOT NULL"
	");",
};

const size_t pmc_store_migrations_n = sizeof(pmc_store_migrations) / sizeof(pmc_store_migrations[0]);

/* The schema version this build writes: one per migration. */
int pmc_store_schema_version(void)
{
	return (int)pmc_store_migrations_n;
}
