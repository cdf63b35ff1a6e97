/* SPDX-License-Identifier: MIT */
/* `pmc ecosystem [simple] [FILE]` (also `init`): write a starter ecosystem file. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ecosystem.h"
#include "xmalloc.h"

/* The file to write and whether it is the one-app version. */
static const char *target_of(const struct pmc_args *args, bool *simple)
{
	const char *file = "ecosystem.config.js";

	*simple = false;
	for (size_t i = 0; i < args->pos.n; i++) {
		if (strcmp(args->pos.items[i], "simple") == 0)
			*simple = true;
		else
			file = args->pos.items[i];
	}
	return file;
}

static int check_ecosystem(const struct pmc_args *args, char **cause)
{
	bool simple;
	const char *file = target_of(args, &simple);
	enum pmc_eco_kind kind = pmc_eco_kind_of(file);

	if (kind != PMC_ECO_JS && kind != PMC_ECO_JSON) {
		*cause =
		    xasprintf("ecosystem: '%s' is not an ecosystem file name (use NAME.config.js, "
		              "NAME.config.cjs or NAME.json)",
		              file);
		return -EINVAL;
	}
	return 0;
}

static int run_ecosystem(struct pmc_cli *cli, const struct pmc_args *args)
{
	bool simple;
	const char *file = target_of(args, &simple);
	const char *text = pmc_eco_template(pmc_eco_kind_of(file), simple);
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (args->force ? O_TRUNC : O_EXCL);
	size_t len = strlen(text), done = 0;
	int fd;

	(void)cli;
	fd = open(file, flags, 0644);
	if (fd < 0 && errno == EEXIST) {
		pmc_cli_error("%s already exists (add --force to overwrite it)", file);
		return PMC_EXIT_DAEMON;
	}
	if (fd < 0) {
		pmc_cli_error("cannot write %s: %s", file, strerror(errno));
		return PMC_EXIT_DAEMON;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pmc_cli_error("cannot write %s: %s", file, strerror(errno));
			close(fd);
			return PMC_EXIT_DAEMON;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		pmc_cli_error("cannot write %s: %s", file, strerror(errno));
		return PMC_EXIT_DAEMON;
	}
	if (!args->json)
		printf("[pmc] Wrote %s: edit it, then run `pmc start %s`\n", file, file);
	return 0;
}

static const struct pmc_flag ecosystem_flags[] = {
    {.name = "force",
     .shorts = "f",
     .kind = PMC_FLAG_BOOL,
     .offset = offsetof(struct pmc_args, force),
     .help = "overwrite the file if it exists"},
    {0},
};

static const char *const ecosystem_aliases[] = {"init", NULL};

const struct pmc_cli_command pmc_cmd_ecosystem = {
    .name = "ecosystem",
    .aliases = ecosystem_aliases,
    .min_args = 0,
    .max_args = 2,
    .flags = ecosystem_flags,
    .usage = "[simple] [FILE] [--force]",
    .summary = "Write a starter ecosystem file (ecosystem.config.js)",
    .details =
        "FILE defaults to ecosystem.config.js (commented JavaScript, as PM2's); a name ending\n"
        "in .json gets the same apps as JSON. simple: one app only. An existing file is\n"
        "kept unless --force. The fields are in pmc-ecosystem(5).",
    .run = run_ecosystem,
    .check = check_ecosystem,
};
