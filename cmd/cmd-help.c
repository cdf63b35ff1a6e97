/* SPDX-License-Identifier: MIT */
/* `pmc help [COMMAND]`, `pmc help --commands` and `pmc version`: answered without the daemon. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "version.h"
#include "xmalloc.h"

/* "-n, --name NAME", "    --no-autorestart", "-v, -V, --version". */
static char *flag_label(const struct pmc_flag *f)
{
	char label[128];
	size_t len = 0;
	const char *s;

	label[0] = '\0';
	for (s = f->shorts; s && *s; s++)
		len += (size_t)snprintf(label + len, sizeof label - len, "-%c, ", *s);
	if (len == 0)
		len += (size_t)snprintf(label, sizeof label, "    ");
	len += (size_t)snprintf(label + len, sizeof label - len, "--%s%s",
				f->kind == PMC_FLAG_TOGGLE ? "no-" : "", f->name);
	if (f->alias && len < sizeof label)
		len += (size_t)snprintf(label + len, sizeof label - len, ", --%s", f->alias);
	if (f->kind != PMC_FLAG_BOOL && f->kind != PMC_FLAG_TOGGLE && len < sizeof label)
		snprintf(label + len, sizeof label - len,
			 f->kind == PMC_FLAG_OPTIONAL ? " [%s]" : " %s",
			 f->value_name ? f->value_name : "VALUE");
	return xstrdup(label);
}

/* Width of the label column: the longest label of the tables, at most 32. */
static int label_width(const struct pmc_flag *a, const struct pmc_flag *b,
		       const struct pmc_flag *c)
{
	const struct pmc_flag *tables[] = { a, b, c }, *f;
	size_t width = 0, i;

	for (i = 0; i < 3; i++) {
		for (f = tables[i]; f && f->name; f++) {
			char *label = flag_label(f);
			if (strlen(label) > width && strlen(label) <= 32)
				width = strlen(label);
			free(label);
		}
	}
	return (int)width;
}

static void print_flags(FILE *out, const struct pmc_flag *flags, int width)
{
	const struct pmc_flag *f;

	for (f = flags; f && f->name; f++) {
		char *label = flag_label(f);
		if ((int)strlen(label) > width)
			fprintf(out, "  %s\n  %-*s  %s\n", label, width, "", f->help ? f->help : "");
		else
			fprintf(out, "  %-*s  %s\n", width, label, f->help ? f->help : "");
		free(label);
	}
}

static void print_aliases(FILE *out, const struct pmc_cli_command *cmd, const char *prefix)
{
	const char *const *alias;

	for (alias = cmd->aliases; alias && *alias; alias++)
		fprintf(out, "%s%s", alias == cmd->aliases ? prefix : ", ", *alias);
}

void pmc_cli_help_general(bool to_stderr)
{
	FILE *out = to_stderr ? stderr : stdout;
	const struct pmc_cli_command *const *cmds;
	size_t n, i;

	cmds = pmc_cli_commands(&n);
	fprintf(out, "Usage: pmc [global flags] COMMAND [args] [flags] [-- script args]\n\n"
		     "pmc " PMC_VERSION ": start, stop and watch over long-running programs.\n\n"
		     "Commands:\n");
	for (i = 0; i < n; i++) {
		fprintf(out, "  %-10s %s", cmds[i]->name, cmds[i]->summary);
		print_aliases(out, cmds[i], " (also: ");
		fputs(cmds[i]->aliases ? ")\n" : "\n", out);
	}
	fputs("\nGlobal flags:\n", out);
	print_flags(out, pmc_cli_global_flags, label_width(pmc_cli_global_flags, NULL, NULL));
	fputs("\nRun 'pmc help COMMAND' for the arguments and flags of a command.\n", out);
}

void pmc_cli_help_command(const struct pmc_cli_command *cmd)
{
	int width = label_width(cmd->flags, cmd->extra_flags, pmc_cli_global_flags);

	printf("Usage: pmc %s %s\n\n%s.\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->details)
		printf("\n%s\n", cmd->details);
	if (cmd->aliases) {
		print_aliases(stdout, cmd, "\nAliases: ");
		putchar('\n');
	}
	if ((cmd->flags && cmd->flags->name) || (cmd->extra_flags && cmd->extra_flags->name)) {
		puts("\nFlags:");
		print_flags(stdout, cmd->flags, width);
		print_flags(stdout, cmd->extra_flags, width);
	}
	puts("\nGlobal flags:");
	print_flags(stdout, pmc_cli_global_flags, width);
}

static void list_names(void)
{
	const struct pmc_cli_command *const *cmds;
	const char *const *alias;
	size_t n, i;

	cmds = pmc_cli_commands(&n);
	for (i = 0; i < n; i++) {
		puts(cmds[i]->name);
		for (alias = cmds[i]->aliases; alias && *alias; alias++)
			puts(*alias);
	}
}

static int run_help(struct pmc_cli *cli, const struct pmc_args *args)
{
	const struct pmc_cli_command *cmd;
	char *cause;

	(void)cli;
	if (args->commands) {
		list_names();
		return PMC_EXIT_OK;
	}
	if (args->pos.n == 0) {
		pmc_cli_help_general(false);
		return PMC_EXIT_OK;
	}
	cmd = pmc_cli_command_find(args->pos.items[0]);
	if (!cmd) {
		cause = pmc_cli_unknown_command(args->pos.items[0]);
		pmc_cli_error("%s", cause);
		fputs("Try 'pmc help'.\n", stderr);
		free(cause);
		return PMC_EXIT_USAGE;
	}
	pmc_cli_help_command(cmd);
	return PMC_EXIT_OK;
}

static const struct pmc_flag help_flags[] = {
	{ .name = "commands",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, commands),
	  .help = "print every command and alias name, one per line" },
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_help = {
	.name = "help",
	.min_args = 0,
	.max_args = 1,
	.flags = help_flags,
	.usage = "[COMMAND] [--commands]",
	.summary = "Print general help, or the usage and flags of a command",
	.details = "'pmc COMMAND --help' is the same as 'pmc help COMMAND'.",
	.run = run_help,
};

static int run_version(struct pmc_cli *cli, const struct pmc_args *args)
{
	(void)cli;
	(void)args;
	puts(PMC_VERSION);
	return PMC_EXIT_OK;
}

const struct pmc_cli_command pmc_cmd_version = {
	.name = "version",
	.min_args = 0,
	.max_args = 0,
	.usage = "",
	.summary = "Print the version of pmc (without contacting the daemon)",
	.run = run_version,
};
