/* SPDX-License-Identifier: MIT */
/* The systemd unit of `pmc startup`: where it goes, what it says, and systemctl. */
#ifndef PMC_CMD_UNIT_H
#define PMC_CMD_UNIT_H

#include <stdbool.h>

/* The first line of every unit pmc writes: unstartup removes only such files. */
#define PMC_UNIT_MARK "# Written by pmc startup"

struct pmc_unit {
	bool user;      /* a systemd --user unit instead of a system one */
	char *username; /* the user pmcd runs as */
	char *home;     /* PMC_HOME of that user, absolute */
	char *dir;      /* unit directory: PMC_SYSTEMD_UNIT_DIR, else the systemd default */
	char *name;     /* pmc-USER.service, or pmc.service for --user */
	char *path;     /* dir/name */
	char *pmcd;     /* absolute path of pmcd */
	char *pmc;      /* absolute path of this pmc */
};

/*
 * Work out the unit for this invocation. As root (system unit) under sudo,
 * the user is SUDO_USER. PMC_HOME, when set, is kept; else ~USER/.pmc.
 * 0, or -1 with *cause set (caller frees).
 */
int pmc_unit_init(struct pmc_unit *u, bool user, char **cause);
void pmc_unit_free(struct pmc_unit *u);

/* The unit file's text (caller frees); NULL with *cause for paths systemd cannot hold. */
char *pmc_unit_text(const struct pmc_unit *u, char **cause);

/*
 * Whether systemctl can be run: PMC_SYSTEMCTL is set (tests), or systemd is
 * the running init (/run/systemd/system exists).
 */
bool pmc_unit_systemd_usable(void);
/*
 * Run systemctl [--user] VERB [NAME] (PMC_SYSTEMCTL, else systemctl from PATH),
 * its output going to ours. 0, or -1 with *cause saying how it failed.
 */
int pmc_unit_systemctl(const struct pmc_unit *u, const char *verb, const char *name, char **cause);

#endif
