/* SPDX-License-Identifier: MIT */
/* Unit tests of the CLI: flag parsing, the command table's checks, and the text renderers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "render.h"

#define ARGV(...) ((char *[]){ "pmc", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)) - 1)

/* A parse of one command line. */
struct parsed {
	struct pmc_args args;
	const struct pmc_cli_command *cmd;
	char *cause;
	int rc;
};

static void parse(struct parsed *p, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	p->rc = pmc_cli_parse(argc, argv, &p->args, &p->cmd, &p->cause);
}

static void done(struct parsed *p)
{
	pmc_args_free(&p->args);
	free(p->cause);
}

#define PARSE(p, ...) parse(p, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

/* The parse must fail with exactly this message. */
#define PARSE_FAILS(msg, ...)                                                                     \
	do {                                                                                      \
		struct parsed p_;                                                                 \
		PARSE(&p_, __VA_ARGS__);                                                          \
		assert_int_equal(p_.rc, -EINVAL);                                                 \
		assert_non_null(p_.cause);                                                        \
		assert_string_equal(p_.cause, msg);                                               \
		done(&p_);                                                                        \
	} while (0)

static void test_bool_and_short_flags(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "app.js", "--force");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_start);
	assert_true(p.args.force);
	assert_int_equal(p.args.pos.n, 1);
	assert_string_equal(p.args.pos.items[0], "app.js");
	done(&p);

	PARSE(&p, "start", "-f", "app.js");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.force);
	assert_string_equal(p.args.pos.items[0], "app.js");
	done(&p);

	/* A cluster: -f then -k whose value is the next argument. */
	PARSE(&p, "start", "app.js", "-fk", "2s");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.force);
	assert_true(p.args.kill_timeout.set);
	assert_int_equal(p.args.kill_timeout.value, 2000);
	done(&p);

	PARSE_FAILS("--force takes no value", "start", "app.js", "--force=yes");
}

static void test_toggle_flags(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "app.js");
	assert_int_equal(p.rc, 0);
	assert_false(p.args.autorestart.set);
	done(&p);

	PARSE(&p, "start", "app.js", "--no-autorestart");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.autorestart.set);
	assert_false(p.args.autorestart.value);
	done(&p);

	PARSE(&p, "start", "app.js", "--no-autorestart", "--autorestart");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.autorestart.set);
	assert_true(p.args.autorestart.value);
	done(&p);

	/* A global toggle before the command word. */
	PARSE(&p, "--no-color", "ls");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_ls);
	assert_true(p.args.color.set);
	assert_false(p.args.color.value);
	done(&p);

	PARSE_FAILS("--no-autorestart takes no value", "start", "a", "--no-autorestart=1");
	/* Only toggles have a --no- form. */
	PARSE_FAILS("unknown flag '--no-force' (did you mean '--force'?)", "start", "a",
		    "--no-force");
}

static void test_string_flag_forms(void **state)
{
	static const char *const forms[][3] = {
		{ "--name", "api", NULL }, { "--name=api", NULL, NULL }, { "-n", "api", NULL },
		{ "-napi", NULL, NULL },   { "-n=api", NULL, NULL },
	};
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char *argv[] = { "pmc", "start", "app.js", (char *)forms[i][0], (char *)forms[i][1],
				 NULL };
		parse(&p, forms[i][1] ? 5 : 4, argv);
		assert_int_equal(p.rc, 0);
		assert_non_null(p.args.name);
		assert_string_equal(p.args.name, "api");
		assert_int_equal(p.args.pos.n, 1);
		done(&p);
	}
	/* A value may start with a dash when it is no known flag. */
	PARSE(&p, "start", "app.js", "--interpreter-args", "--harmony --trace");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.interpreter_args, "--harmony --trace");
	done(&p);
	/* The alias fills the same field. */
	PARSE(&p, "start", "app.js", "--node-args=--harmony");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.interpreter_args, "--harmony");
	done(&p);

	PARSE_FAILS("--name given more than once", "start", "a", "--name", "x", "-n", "y");
	PARSE_FAILS("--name: the value is empty", "start", "a", "--name=");
}

static void test_missing_value(void **state)
{
	(void)state;
	PARSE_FAILS("--name needs a value (NAME)", "start", "app.js", "--name");
	PARSE_FAILS("--name needs a value (NAME)", "start", "app.js", "--name", "--force");
	PARSE_FAILS("--kill-timeout needs a value (DUR)", "start", "app.js", "-k");
	PARSE_FAILS("--cwd needs a value (DIR)", "start", "app.js", "--cwd", "--");
	PARSE_FAILS("--lines needs a value (N)", "logs", "--lines");
}

static void test_int_flags(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "a", "--max-restarts", "3");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.max_restarts.set);
	assert_int_equal(p.args.max_restarts.value, 3);
	done(&p);

	PARSE(&p, "logs", "api", "--lines=0", "--nostream", "--err", "--raw");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.lines.set);
	assert_int_equal(p.args.lines.value, 0);
	assert_true(p.args.nostream);
	assert_true(p.args.err);
	assert_false(p.args.out);
	assert_true(p.args.raw);
	done(&p);

	PARSE(&p, "history", "--limit", "10000", "--json");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.limit.value, 10000);
	assert_true(p.args.json);
	assert_int_equal(p.args.pos.n, 0);
	done(&p);

	PARSE_FAILS("--max-restarts: invalid number 'x'", "start", "a", "--max-restarts", "x");
	PARSE_FAILS("--max-restarts: invalid number '3x'", "start", "a", "--max-restarts=3x");
	PARSE_FAILS("--limit: 0 is out of range (1 to 10000)", "history", "--limit", "0");
	PARSE_FAILS("--limit: 10001 is out of range (1 to 10000)", "history", "--limit", "10001");
	PARSE_FAILS("--lines: -1 is out of range (0 to 2147483647)", "logs", "--lines", "-1");
}

static void test_durations(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} ok[] = { { "1500", 1500 }, { "1500ms", 1500 }, { "2s", 2000 },
		   { "1.5m", 90000 }, { "1h", 3600000 } };
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char *argv[] = { "pmc", "start", "a", "--kill-timeout", (char *)ok[i].text, NULL };
		parse(&p, 5, argv);
		assert_int_equal(p.rc, 0);
		assert_true(p.args.kill_timeout.set);
		assert_int_equal(p.args.kill_timeout.value, ok[i].ms);
		done(&p);
	}
	PARSE(&p, "start", "a", "--min-uptime=5s", "--restart-delay", "250",
	      "--exp-backoff-restart-delay", "100ms");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.min_uptime.value, 5000);
	assert_int_equal(p.args.restart_delay.value, 250);
	assert_int_equal(p.args.exp_backoff_restart_delay.value, 100);
	done(&p);

	PARSE_FAILS("--kill-timeout: invalid duration 'abc'", "start", "a", "--kill-timeout",
		    "abc");
	PARSE_FAILS("--kill-timeout: invalid duration 'abc'", "start", "a", "-k", "abc");
	PARSE_FAILS("--min-uptime: invalid duration '5 s'", "start", "a", "--min-uptime=5 s");
	PARSE_FAILS("--restart-delay: invalid duration '2w'", "start", "a", "--restart-delay",
		    "2w");
}

static void test_repeated_env(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "a", "--env", "A=1", "--env=B=x=y", "--env", "C=");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.env.n, 3);
	assert_string_equal(p.args.env.items[0], "A=1");
	assert_string_equal(p.args.env.items[1], "B=x=y");
	assert_string_equal(p.args.env.items[2], "C=");
	done(&p);

	PARSE_FAILS("--env: expected KEY=VALUE, got 'NOVALUE'", "start", "a", "--env", "NOVALUE");
	PARSE_FAILS("--env: expected KEY=VALUE, got '=1'", "start", "a", "--env", "=1");
}

static void test_stop_exit_codes(void **state)
{
	struct parsed p;

	(void)state;
	/* Comma lists, repeated flags, and bare codes up to the next non-code word. */
	PARSE(&p, "start", "--stop-exit-codes", "0,3", "4", "app.js", "--stop-exit-codes=7",
	      "--stop-exit-codes", "255", "--force");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.stop_exit_codes.n, 5);
	assert_int_equal(p.args.stop_exit_codes.items[0], 0);
	assert_int_equal(p.args.stop_exit_codes.items[1], 3);
	assert_int_equal(p.args.stop_exit_codes.items[2], 4);
	assert_int_equal(p.args.stop_exit_codes.items[3], 7);
	assert_int_equal(p.args.stop_exit_codes.items[4], 255);
	assert_int_equal(p.args.pos.n, 1);
	assert_string_equal(p.args.pos.items[0], "app.js");
	assert_true(p.args.force);
	done(&p);

	PARSE_FAILS("--stop-exit-codes: invalid exit code list '256'", "start", "a",
		    "--stop-exit-codes", "256");
	PARSE_FAILS("--stop-exit-codes: invalid exit code list '1,,2'", "start", "a",
		    "--stop-exit-codes", "1,,2");
	PARSE_FAILS("--stop-exit-codes: invalid exit code list 'x'", "start", "a",
		    "--stop-exit-codes=x");
}

static void test_dashdash(void **state)
{
	struct parsed p;

	(void)state;
	/* For start, everything after -- goes to the script, flags included. */
	PARSE(&p, "start", "app.js", "--name", "api", "--", "--port", "3000", "-f", "--");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.dashdash);
	assert_false(p.args.force);
	assert_int_equal(p.args.pos.n, 1);
	assert_int_equal(p.args.script_args.n, 4);
	assert_string_equal(p.args.script_args.items[0], "--port");
	assert_string_equal(p.args.script_args.items[1], "3000");
	assert_string_equal(p.args.script_args.items[2], "-f");
	assert_string_equal(p.args.script_args.items[3], "--");
	done(&p);

	/* Elsewhere, -- ends the flags and what follows is positional. */
	PARSE(&p, "stop", "--", "--weird", "api");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.pos.n, 2);
	assert_string_equal(p.args.pos.items[0], "--weird");
	assert_int_equal(p.args.script_args.n, 0);
	done(&p);

	/* ...and still counts against the command's arity. */
	PARSE_FAILS("ls: unexpected argument 'x' (usage: pmc ls [--json])", "ls", "--", "x");
}

static void test_negative_numbers(void **state)
{
	struct parsed p;

	(void)state;
	assert_true(pmc_args_is_negative_number("-1"));
	assert_true(pmc_args_is_negative_number("-25"));
	assert_true(pmc_args_is_negative_number("-.5"));
	assert_false(pmc_args_is_negative_number("-"));
	assert_false(pmc_args_is_negative_number("-f"));
	assert_false(pmc_args_is_negative_number("--1"));
	assert_false(pmc_args_is_negative_number("1"));

	/* Positionals interleaved with flags, and -1 as one of them. */
	PARSE(&p, "stop", "api", "--json", "-1", "3");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.json);
	assert_int_equal(p.args.pos.n, 3);
	assert_string_equal(p.args.pos.items[0], "api");
	assert_string_equal(p.args.pos.items[1], "-1");
	assert_string_equal(p.args.pos.items[2], "3");
	done(&p);

	/* A lone dash is a positional too. */
	PARSE(&p, "describe", "-");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.pos.items[0], "-");
	done(&p);
}

static void test_unknown_flags(void **state)
{
	(void)state;
	PARSE_FAILS("unknown flag '--nme' (did you mean '--name'?)", "start", "a", "--nme", "x");
	PARSE_FAILS("unknown flag '--kill-timout' (did you mean '--kill-timeout'?)", "start", "a",
		    "--kill-timout=2s");
	PARSE_FAILS("unknown flag '--no-autorestat' (did you mean '--no-autorestart'?)", "start",
		    "a", "--no-autorestat");
	PARSE_FAILS("unknown flag '-name' (did you mean '--name'?)", "start", "a", "-name", "x");
	PARSE_FAILS("unknown flag '--zzzzzzzz'", "start", "a", "--zzzzzzzz");
	PARSE_FAILS("unknown flag '-x'", "ls", "-x");
	/* A flag of another command is unknown here. */
	PARSE_FAILS("unknown flag '--lines'", "start", "a", "--lines", "5");
	/* Before the command word only global flags are known. */
	PARSE_FAILS("unknown flag '--force'", "--force", "start", "a");
	PARSE_FAILS("unknown flag '--jsn' (did you mean '--json'?)", "ls", "--jsn");
}

static void test_unknown_command(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "sart", "app.js");
	assert_int_equal(p.rc, -EINVAL);
	assert_null(p.cmd);
	assert_string_equal(p.cause, "unknown command 'sart' (did you mean 'start'?)");
	done(&p);
	PARSE_FAILS("unknown command 'frobnicate'", "frobnicate");

	PARSE(&p, "--json");
	assert_int_equal(p.rc, 0);
	assert_null(p.cmd);
	done(&p);
}

static void test_arity_from_table(void **state)
{
	const struct pmc_cli_command *const *cmds;
	size_t n, i;
	int k;

	(void)state;
	cmds = pmc_cli_commands(&n);
	for (i = 0; i < n; i++) {
		const struct pmc_cli_command *c = cmds[i];
		char *argv[16] = { "pmc", (char *)c->name };
		struct parsed p;

		/* One fewer than the minimum. */
		if (c->min_args > 0) {
			for (k = 0; k < c->min_args - 1; k++)
				argv[2 + k] = "x";
			parse(&p, 2 + c->min_args - 1, argv);
			assert_int_equal(p.rc, -EINVAL);
			assert_non_null(strstr(p.cause, "missing argument"));
			assert_ptr_equal(p.cmd, c);
			done(&p);
		}
		/* Exactly the minimum and exactly the maximum are fine. */
		for (k = 0; k < c->min_args; k++)
			argv[2 + k] = "x";
		parse(&p, 2 + c->min_args, argv);
		assert_int_equal(p.rc, 0);
		assert_ptr_equal(p.cmd, c);
		assert_int_equal(p.args.pos.n, (size_t)c->min_args);
		done(&p);
		if (c->max_args < 0) {
			for (k = 0; k < 8; k++)
				argv[2 + k] = "x";
			parse(&p, 10, argv);
			assert_int_equal(p.rc, 0);
			done(&p);
			continue;
		}
		/* One more than the maximum. */
		for (k = 0; k <= c->max_args; k++)
			argv[2 + k] = k == c->max_args ? "extra" : "x";
		parse(&p, 2 + c->max_args + 1, argv);
		assert_int_equal(p.rc, -EINVAL);
		assert_non_null(strstr(p.cause, "unexpected argument 'extra'"));
		done(&p);
	}
}

static void test_help_skips_arity(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "--help");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_start);
	assert_true(p.args.help);
	done(&p);

	PARSE(&p, "-h", "describe");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_describe);
	assert_true(p.args.help);
	done(&p);

	PARSE(&p, "-V");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.version);
	done(&p);
}

static void test_aliases(void **state)
{
	static const struct {
		const char *alias;
		const struct pmc_cli_command *cmd;
	} table[] = {
		{ "del", &pmc_cmd_delete },    { "delete", &pmc_cmd_delete },
		{ "list", &pmc_cmd_ls },       { "status", &pmc_cmd_ls },
		{ "ps", &pmc_cmd_ls },	       { "l", &pmc_cmd_ls },
		{ "show", &pmc_cmd_describe }, { "info", &pmc_cmd_describe },
		{ "desc", &pmc_cmd_describe }, { "describe", &pmc_cmd_describe },
	};
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		char *argv[] = { "pmc", (char *)table[i].alias, "x", NULL };
		assert_ptr_equal(pmc_cli_command_find(table[i].alias), table[i].cmd);
		parse(&p, table[i].cmd == &pmc_cmd_ls ? 2 : 3, argv);
		assert_int_equal(p.rc, 0);
		assert_ptr_equal(p.cmd, table[i].cmd);
		done(&p);
	}
	assert_null(pmc_cli_command_find("lis"));
}

static void test_table_sorted(void **state)
{
	const struct pmc_cli_command *const *cmds;
	size_t n, i;

	(void)state;
	cmds = pmc_cli_commands(&n);
	assert_int_equal(n, 14);
	for (i = 1; i < n; i++)
		assert_true(strcmp(cmds[i - 1]->name, cmds[i]->name) < 0);
	for (i = 0; i < n; i++) {
		assert_non_null(cmds[i]->run);
		assert_non_null(cmds[i]->usage);
		assert_non_null(cmds[i]->summary);
	}
}

/* Run pmc with argv and return what it printed on stdout (caller frees). */
static char *capture(int argc, char **argv, int *rc)
{
	char path[] = "/tmp/pmc-test-args-XXXXXX";
	int fd = mkstemp(path), saved;
	char *buf = calloc(1, 65536);
	ssize_t n;

	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	*rc = pmc_cli_main(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, buf, 65535, 0);
	assert_true(n >= 0);
	close(fd);
	unlink(path);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return true;
		p += len;
	}
	return false;
}

static void test_help_commands(void **state)
{
	const struct pmc_cli_command *const *cmds;
	const char *const *alias;
	size_t n, i, lines = 0, want = 0;
	char *out, *p;
	int rc;

	(void)state;
	out = capture(3, ARGV("help", "--commands"), &rc);
	assert_int_equal(rc, 0);
	cmds = pmc_cli_commands(&n);
	for (i = 0; i < n; i++) {
		assert_true(has_line(out, cmds[i]->name));
		want++;
		for (alias = cmds[i]->aliases; alias && *alias; alias++, want++)
			assert_true(has_line(out, *alias));
	}
	for (p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, want);
	assert_true(has_line(out, "del"));
	assert_true(has_line(out, "version"));
	free(out);

	out = capture(2, ARGV("--version"), &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "0.1.0\n");
	free(out);

	out = capture(2, ARGV("version"), &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "0.1.0\n");
	free(out);

	out = capture(3, ARGV("stop", "--help"), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Usage: pmc stop TARGET..."));
	free(out);

	out = capture(3, ARGV("start", "--bogus"), &rc);
	assert_int_equal(rc, PMC_EXIT_USAGE);
	assert_string_equal(out, "");
	free(out);
}

/* Renderers. */

static void test_format_helpers(void **state)
{
	char buf[64];

	(void)state;
	pmc_render_cpu(0, buf, sizeof buf);
	assert_string_equal(buf, "0%");
	pmc_render_cpu(2.8, buf, sizeof buf);
	assert_string_equal(buf, "2.8%");
	pmc_render_cpu(100, buf, sizeof buf);
	assert_string_equal(buf, "100%");
	pmc_render_runtime(250, buf, sizeof buf);
	assert_string_equal(buf, "250ms");
	pmc_render_runtime(1500, buf, sizeof buf);
	assert_string_equal(buf, "1.5s");
	pmc_render_runtime(180000, buf, sizeof buf);
	assert_string_equal(buf, "3m");
	assert_int_equal(pmc_render_width("↺"), 1);
	assert_int_equal(pmc_render_width("a↺b"), 3);
	assert_int_equal(pmc_render_width(""), 0);
	assert_string_equal(pmc_render_status_color("online"), PMC_SGR_GREEN);
	assert_string_equal(pmc_render_status_color("stopped"), PMC_SGR_GREY);
	assert_string_equal(pmc_render_status_color("errored"), PMC_SGR_RED);
	assert_string_equal(pmc_render_status_color("waiting restart"), PMC_SGR_YELLOW);
	assert_string_equal(pmc_render_status_color("launching"), PMC_SGR_YELLOW);
	assert_string_equal(pmc_render_status_color("stopping"), PMC_SGR_YELLOW);
	assert_null(pmc_render_status_color("one-launch-status"));
}

static void test_time_formats(void **state)
{
	char buf[64];
	/* 2026-11-25 10:28:58.334 UTC */
	const int64_t t = 1795602538334LL;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	pmc_render_time_iso(t, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-25T10:28:58+00:00");
	pmc_render_time_short(t, t + 3600000, buf, sizeof buf);
	assert_string_equal(buf, "10:28:58");
	pmc_render_time_short(t, t + 86400000, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-25 10:28:58");

	setenv("TZ", "EST5", 1);
	tzset();
	pmc_render_time_iso(t, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-25T05:28:58-05:00");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_table_layout(void **state)
{
	static const char *const headers[] = { "id", "name", "↺" };
	static const char *const row1[] = { "0", "api", "12" };
	static const char *const row2[] = { "10", "w", "0" };
	static const char *const colors[] = { NULL, PMC_SGR_GREEN, NULL };
	struct pmc_table *t = pmc_table_new(3, headers);
	char *out;

	(void)state;
	pmc_table_add(t, row1, colors);
	pmc_table_add(t, row2, NULL);
	out = pmc_table_render(t, false);
	assert_string_equal(out, "┌────┬──────┬────┐\n"
				 "│ id │ name │ ↺  │\n"
				 "├────┼──────┼────┤\n"
				 "│ 0  │ api  │ 12 │\n"
				 "│ 10 │ w    │ 0  │\n"
				 "└────┴──────┴────┘\n");
	free(out);
	out = pmc_table_render(t, true);
	assert_string_equal(out, "┌────┬──────┬────┐\n"
				 "│ \x1b[1;36mid\x1b[0m │ \x1b[1;36mname\x1b[0m │ \x1b[1;36m↺\x1b[0m  │\n"
				 "├────┼──────┼────┤\n"
				 "│ 0  │ \x1b[32mapi\x1b[0m  │ 12 │\n"
				 "│ 10 │ w    │ 0  │\n"
				 "└────┴──────┴────┘\n");
	free(out);
	pmc_table_free(t);

	/* Empty: the header and the borders. Control characters become spaces. */
	t = pmc_table_new(3, headers);
	out = pmc_table_render(t, false);
	assert_string_equal(out, "┌────┬──────┬───┐\n"
				 "│ id │ name │ ↺ │\n"
				 "└────┴──────┴───┘\n");
	free(out);
	pmc_table_free(t);
	{
		static const char *const cells[] = { "a\nb\tc" };
		t = pmc_table_new(1, NULL);
		pmc_table_add(t, cells, NULL);
		out = pmc_table_render(t, false);
		assert_string_equal(out, "┌───────┐\n│ a b c │\n└───────┘\n");
		free(out);
		pmc_table_free(t);
	}
}

static const char list_json[] =
	"[{\"pid\":0,\"name\":\"worker\",\"pm_id\":3,\"monit\":{\"memory\":0,\"cpu\":0},"
	"\"pm2_env\":{\"status\":\"errored\",\"restart_time\":15,\"pm_uptime\":1000,"
	"\"exec_mode\":\"fork_mode\",\"username\":\"root\"}},"
	"{\"pid\":6081,\"name\":\"api\",\"pm_id\":0,\"monit\":{\"memory\":50751488,\"cpu\":2.8},"
	"\"pm2_env\":{\"status\":\"online\",\"restart_time\":0,\"pm_uptime\":1000,"
	"\"exec_mode\":\"fork_mode\",\"username\":\"root\"}}]";

static void test_render_list(void **state)
{
	cJSON *list = cJSON_Parse(list_json);
	char *out;

	(void)state;
	assert_non_null(list);
	out = pmc_render_list(list, false, 12000);
	assert_string_equal(
		out,
		"┌────┬────────┬──────┬──────┬────────┬────┬─────────┬──────┬────────┬──────┐\n"
		"│ id │ name   │ mode │ pid  │ uptime │ ↺  │ status  │ cpu  │ mem    │ user │\n"
		"├────┼────────┼──────┼──────┼────────┼────┼─────────┼──────┼────────┼──────┤\n"
		"│ 0  │ api    │ fork │ 6081 │ 11s    │ 0  │ online  │ 2.8% │ 48.4mb │ root │\n"
		"│ 3  │ worker │ fork │ 0    │ 0      │ 15 │ errored │ 0%   │ 0b     │ root │\n"
		"└────┴────────┴──────┴──────┴────────┴────┴─────────┴──────┴────────┴──────┘\n");
	free(out);
	out = pmc_render_list(list, true, 12000);
	assert_non_null(strstr(out, "│ \x1b[32monline\x1b[0m  │"));
	assert_non_null(strstr(out, "│ \x1b[31merrored\x1b[0m │"));
	free(out);
	cJSON_Delete(list);

	/* No apps: the header and an empty table. */
	list = cJSON_CreateArray();
	out = pmc_render_list(list, false, 0);
	assert_non_null(strstr(out, "│ id │ name │ mode │ pid │ uptime │ ↺ │ status │"));
	assert_null(strstr(out, "├"));
	free(out);
	cJSON_Delete(list);
}

static void test_render_describe_and_history(void **state)
{
	cJSON *result = cJSON_Parse(
		"{\"processes\":[{\"pid\":0,\"name\":\"api\",\"pm_id\":2,\"pm2_env\":{"
		"\"status\":\"stopped\",\"args\":[\"--port\",\"3000\"],\"kill_timeout\":1600,"
		"\"stop_exit_codes\":[0,3],\"exit_code\":null,\"exit_signal\":\"SIGKILL\","
		"\"env_keys\":[\"A\",\"B\"],\"autorestart\":false,\"created_at\":1795602538334}}],"
		"\"events\":[{\"id\":1,\"at\":1795602538334,\"app\":\"api\",\"pm_id\":2,\"pid\":77,"
		"\"kind\":\"exit\",\"exit_code\":1,\"signal\":null,\"runtime_ms\":250,"
		"\"reason\":\"crashed\"}]}");
	char *out;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_non_null(result);
	out = pmc_render_describe(result, false, 1795602538334LL);
	assert_non_null(strstr(out, " Describing process with id 2 - name api\n"));
	assert_non_null(strstr(out, "│ status            │ stopped"));
	assert_non_null(strstr(out, "│ script args       │ --port 3000"));
	assert_non_null(strstr(out, "│ kill timeout      │ 1600ms"));
	assert_non_null(strstr(out, "│ stop exit codes   │ 0, 3"));
	assert_non_null(strstr(out, "│ last exit         │ signal SIGKILL"));
	assert_non_null(strstr(out, "│ env keys          │ A, B"));
	assert_non_null(strstr(out, "│ autorestart       │ false"));
	assert_non_null(strstr(out, "│ created at        │ 2026-11-25T10:28:58+00:00"));
	assert_non_null(strstr(out, "│ last error        │ N/A"));
	assert_non_null(strstr(out, " Last restarts\n"));
	assert_non_null(strstr(out, "│ 10:28:58 │ 2     │ 77  │ exit │ 1    │ 250ms    │ crashed │"));
	free(out);

	out = pmc_render_history(cJSON_GetObjectItem(result, "events"), false, 1795602538334LL);
	assert_string_equal(
		out, "┌──────────┬─────┬────┬─────┬───────┬──────┬────────┬───────┬─────────┐\n"
		     "│ time     │ app │ id │ pid │ event │ exit │ signal │ ran   │ reason  │\n"
		     "├──────────┼─────┼────┼─────┼───────┼──────┼────────┼───────┼─────────┤\n"
		     "│ 10:28:58 │ api │ 2  │ 77  │ exit  │ 1    │        │ 250ms │ crashed │\n"
		     "└──────────┴─────┴────┴─────┴───────┴──────┴────────┴───────┴─────────┘\n");
	free(out);
	cJSON_Delete(result);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool_and_short_flags),
		cmocka_unit_test(test_toggle_flags),
		cmocka_unit_test(test_string_flag_forms),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_int_flags),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_repeated_env),
		cmocka_unit_test(test_stop_exit_codes),
		cmocka_unit_test(test_dashdash),
		cmocka_unit_test(test_negative_numbers),
		cmocka_unit_test(test_unknown_flags),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_arity_from_table),
		cmocka_unit_test(test_help_skips_arity),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_table_sorted),
		cmocka_unit_test(test_help_commands),
		cmocka_unit_test(test_format_helpers),
		cmocka_unit_test(test_time_formats),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_render_list),
		cmocka_unit_test(test_render_describe_and_history),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
