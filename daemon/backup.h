/* SPDX-License-Identifier: MIT */
/* The database backup: written after each good start and on save, restored by pmcd
 * --restore-backup. */
#ifndef PMC_DAEMON_BACKUP_H
#define PMC_DAEMON_BACKUP_H

struct pmc_daemon;
struct pmc_paths;

/* PMC_HOME/pmc.db.bak (caller frees). */
char *pmc_backup_path(const struct pmc_paths *paths);

/*
 * Open the store, checking its integrity. When the file is damaged or not a
 * pmc database, *cause says so and how to recover: restore the backup (with
 * its date and the exact command) or move the file away. 0 or -errno.
 */
int pmc_backup_open_store(struct pmc_daemon *d, char **cause);

/* Copy the open store to the backup file; failures are logged. 0 or -errno. */
int pmc_backup_write(struct pmc_daemon *d);

/*
 * pmcd --restore-backup: with the daemon lock held (no daemon runs), put the
 * backup in place of pmc.db, keeping the old file as pmc.db.damaged.
 * Returns 0 with *report (what was done; caller frees), or -errno with *cause.
 */
int pmc_backup_restore(const struct pmc_paths *paths, char **report, char **cause);

#endif
