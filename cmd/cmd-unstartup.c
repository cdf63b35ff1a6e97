/* SPDX-License-Identifier: MIT */
/* `pmc unstartup [systemd] [--user]`: disable and remove the unit of `pmc startup`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "unit.h"
#include "xmalloc.h"

extern const struct pmc_flag pmc_cmd_startup_flags[];
int pmc_cmd_startup_check(const struct pmc_args *args, char **cause);

/* True when the file starts with the mark pmc writes. */
static int written_by_pmc(const char *path)
{
	char line[sizeof PMC_UNIT_MARK];
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fread(line, 1, sizeof line - 1, f) == sizeof line - 1;
	line[sizeof line - 1] = '\0';
	fclose(f);
	return ok && strcmp(line, PMC_UNIT_MARK) == 0;
}

static int run_unstartup(struct pmc_cli *cli, const struct pmc_args *args)
{
	struct pmc_unit u;
	char *cause = NULL;
	int rc = PMC_EXIT_DAEMON, mine;

	(void)cli;
	if (pmc_unit_init(&u, args->user, &cause) < 0) {
		pmc_cli_error("%s", cause);
		free(cause);
		return PMC_EXIT_DAEMON;
	}
	mine = written_by_pmc(u.path);
	if (mine == -ENOENT) {
		printf("[pmc] No startup unit at %s: nothing to remove\n", u.path);
		rc = PMC_EXIT_OK;
		goto out;
	}
	if (mine < 0) {
		pmc_cli_error("cannot read %s: %s", u.path, strerror(-mine));
		goto out;
	}
	if (!mine) {
		pmc_cli_error("%s was not written by pmc startup: not removing it", u.path);
		goto out;
	}
	if (!u.user && geteuid() != 0 && !getenv("PMC_SYSTEMD_UNIT_DIR")) {
		pmc_cli_error("removing %s needs root: sudo %s unstartup systemd", u.path, u.pmc);
		goto out;
	}
	if (pmc_unit_systemd_usable() && pmc_unit_systemctl(&u, "disable", u.name, &cause) < 0) {
		pmc_cli_error("%s: the unit is left in place", cause);
		goto out;
	}
	if (unlink(u.path) < 0) {
		pmc_cli_error("cannot remove %s: %s", u.path, strerror(errno));
		goto out;
	}
	printf("[pmc] Removed %s\n", u.path);
	if (pmc_unit_systemd_usable() &&
	    pmc_unit_systemctl(&u, "daemon-reload", NULL, &cause) < 0) {
		pmc_cli_error("%s", cause);
		goto out;
	}
	printf("[pmc] pmcd no longer starts at boot (a running daemon keeps running)\n");
	rc = PMC_EXIT_OK;
out:
	free(cause);
	pmc_unit_free(&u);
	return rc;
}

const struct pmc_cli_command pmc_cmd_unstartup = {
    .name = "unstartup",
    .min_args = 0,
    .max_args = 1,
    .flags = pmc_cmd_startup_flags,
    .usage = "[systemd] [--user]",
    .summary = "Disable and remove the unit written by pmc startup",
    .details = "Runs systemctl disable, removes the unit file (only one that pmc startup\n"
               "wrote) and reloads systemd. The running daemon is left alone.",
    .run = run_unstartup,
    .check = pmc_cmd_startup_check,
};
