/* SPDX-License-Identifier: MIT */
/* The database backup: written after each good start and on save, restored by pmcd
 * --restore-backup. */
#include "backup.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "paths.h"
#include "store.h"
#include "xmalloc.h"

char *pmc_backup_path(const struct pmc_paths *paths)
{
	return xasprintf("%s.bak", paths->db);
}

/* "2026-12-08 02:00:00 UTC" for the backup's modification time, or NULL without one. */
static char *backup_date(const char *path)
{
	struct stat st;
	struct tm tm;
	char buf[64];

	if (stat(path, &st) < 0 || !gmtime_r(&st.st_mtime, &tm) ||
	    !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm))
		return NULL;
	return xstrdup(buf);
}

/* The command that restores: this pmcd by its own path, with PMC_HOME when it was set. */
static char *restore_command(const struct pmc_paths *paths)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	const char *home = getenv("PMC_HOME");

	if (n <= 0)
		strcpy(self, "pmcd");
	else
		self[n] = '\0';
	if (home && *home)
		return xasprintf("PMC_HOME=%s %s --restore-backup", paths->home, self);
	return xasprintf("%s --restore-backup", self);
}

int pmc_backup_open_store(struct pmc_daemon *d, char **cause)
{
	char *bak, *date, *cmd, *why;
	int err = pmc_store_open(d->paths.db, &d->store, cause);

	/* Only a file that is not (or no longer) a sound pmc database is worth restoring over. */
	if (err != -EINVAL)
		return err;
	bak = pmc_backup_path(&d->paths);
	why = *cause;
	if (pmc_store_verify(bak, NULL) == 0) {
		date = backup_date(bak);
		cmd = restore_command(&d->paths);
		*cause = xasprintf("%s; or restore the backup %s (from %s) with: %s", why, bak,
		                   date ? date : "an unknown date", cmd);
		free(date);
		free(cmd);
	} else {
		*cause = xasprintf("%s (there is no usable backup %s)", why, bak);
	}
	free(why);
	free(bak);
	return err;
}

int pmc_backup_write(struct pmc_daemon *d)
{
	char *bak = pmc_backup_path(&d->paths);
	char *cause = NULL;
	int err = pmc_store_backup(d->store, bak, &cause);

	if (err < 0)
		pmc_log_warn("cannot back up the database: %s", cause);
	else
		pmc_log_debug("database backed up to %s", bak);
	free(cause);
	free(bak);
	return err;
}

int pmc_backup_restore(const struct pmc_paths *paths, char **report, char **cause)
{
	char *bak = pmc_backup_path(paths);
	char *date = backup_date(bak);
	bool had_db = access(paths->db, F_OK) == 0;
	char *why = NULL;
	int err = pmc_store_restore(bak, paths->db, &why);

	*report = NULL;
	if (err == -ENOENT)
		*cause = xasprintf("no backup to restore: %s does not exist (move %s away to start "
		                   "fresh)",
		                   bak, paths->db);
	else if (err < 0)
		*cause = xasprintf("cannot restore the backup: %s", why);
	else
		*report = xasprintf("restored %s from %s (saved %s)%s%s%s", paths->db, bak,
		                    date ? date : "at an unknown date",
		                    had_db ? "; the previous file is kept as " : "",
		                    had_db ? paths->db : "", had_db ? ".damaged" : "");
	free(why);
	free(date);
	free(bak);
	return err;
}
