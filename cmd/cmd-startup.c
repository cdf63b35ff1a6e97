/* SPDX-License-Identifier: MIT */
/* `pmc startup [systemd] [--user]`: a systemd unit that starts pmcd at boot and resurrects. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"
#include "unit.h"
#include "xmalloc.h"

/* Shared with unstartup (cmd-unstartup.c) through the command table entries. */
const struct pmc_flag pmc_cmd_startup_flags[] = {
    {.name = "user",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, user),
     .help = "a systemd --user unit (~/.config/systemd/user/pmc.service), no root needed"},
    {0},
};

/* Only systemd: say so for upstart, launchd and the other names PM2 knows. */
int pmc_cmd_startup_check(const struct pmc_args *args, char **cause)
{
	if (args->pos.n && strcmp(args->pos.items[0], "systemd") != 0) {
		*cause = xasprintf("unsupported init system '%s' (pmc writes systemd units only)",
		                   args->pos.items[0]);
		return -EINVAL;
	}
	return 0;
}

/* Write text to path (0644, through a temporary file); 0 or -1 with *cause. */
static int write_unit(const char *path, const char *text, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path);
	size_t len = strlen(text);
	int fd, ret = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, 0644) < 0 ||
	    fsync(fd) < 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		*cause = xasprintf("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

/* Not root, system unit: print it and the command that installs it, as PM2 does. */
static void print_instructions(const struct pmc_unit *u, const char *text)
{
	const char *path = getenv("PATH");

	printf("%s\n", text);
	printf("[pmc] Writing %s needs root. To install it, run:\n", u->path);
	printf("sudo env PATH=\"%s\" PMC_HOME=\"%s\" %s startup systemd\n", path ? path : "",
	       u->home, u->pmc);
	printf("[pmc] Or, without root: %s startup --user\n", u->pmc);
}

static int run_startup(struct pmc_cli *cli, const struct pmc_args *args)
{
	struct pmc_unit u;
	char *cause = NULL, *text = NULL;
	int rc = PMC_EXIT_DAEMON;

	(void)cli;
	if (pmc_unit_init(&u, args->user, &cause) < 0) {
		pmc_cli_error("%s", cause);
		free(cause);
		return PMC_EXIT_DAEMON;
	}
	text = pmc_unit_text(&u, &cause);
	if (!text) {
		pmc_cli_error("%s", cause);
		goto out;
	}
	if (!u.user && geteuid() != 0 && !getenv("PMC_SYSTEMD_UNIT_DIR")) {
		print_instructions(&u, text);
		rc = PMC_EXIT_OK;
		goto out;
	}
	if (pmc_mkdir_p(u.dir, 0755) < 0) {
		pmc_cli_error("cannot create %s: %s", u.dir, strerror(errno));
		goto out;
	}
	if (write_unit(u.path, text, &cause) < 0) {
		pmc_cli_error("%s", cause);
		goto out;
	}
	printf("[pmc] Wrote %s: pmcd (%s) for user %s, PMC_HOME %s\n", u.path, u.pmcd, u.username,
	       u.home);
	if (!pmc_unit_systemd_usable()) {
		printf("[pmc] systemd is not running here: enable the unit once it is, with\n"
		       "systemctl%s daemon-reload && systemctl%s enable %s\n",
		       u.user ? " --user" : "", u.user ? " --user" : "", u.name);
		rc = PMC_EXIT_OK;
		goto out;
	}
	if (pmc_unit_systemctl(&u, "daemon-reload", NULL, &cause) < 0 ||
	    pmc_unit_systemctl(&u, "enable", u.name, &cause) < 0) {
		pmc_cli_error("%s: the unit is written but not enabled", cause);
		goto out;
	}
	printf("[pmc] Enabled %s: at boot pmcd starts and resurrects the 'default' snapshot "
	       "(keep it current with pmc save)\n",
	       u.name);
	printf("[pmc] To hand the running daemon over now: pmc save && pmc kill && "
	       "systemctl%s start %s\n",
	       u.user ? " --user" : "", u.name);
	if (u.user)
		printf("[pmc] For a start at boot without logging in: loginctl enable-linger %s\n",
		       u.username);
	rc = PMC_EXIT_OK;
out:
	free(cause);
	free(text);
	pmc_unit_free(&u);
	return rc;
}

const struct pmc_cli_command pmc_cmd_startup = {
    .name = "startup",
    .min_args = 0,
    .max_args = 1,
    .flags = pmc_cmd_startup_flags,
    .usage = "[systemd] [--user]",
    .summary = "Start pmcd at boot with a systemd unit that resurrects the saved apps",
    .details = "As root, writes /etc/systemd/system/pmc-USER.service (USER is SUDO_USER under\n"
               "sudo) and runs systemctl daemon-reload and enable; otherwise prints the unit\n"
               "and the command to install it. --user writes ~/.config/systemd/user/pmc.service\n"
               "and enables it with systemctl --user. The unit runs pmcd in the foreground with\n"
               "this PMC_HOME and PATH, and pmcd resurrects the 'default' snapshot at start.\n"
               "PMC_SYSTEMCTL choose another unit directory and systemctl program.",
    .run = run_startup,
    .check = pmc_cmd_startup_check,
};
