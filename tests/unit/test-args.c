/* SPDX-License-Identifier: MIT */
/* Unit tests of the CLI: flag parsing, the command table's checks, and the text renderers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "logview.h"
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

	PARSE_FAILS("--env: expected KEY=VALUE, got 'NOVALUE' (a profile name needs an ecosystem "
		    "file)",
		    "start", "a", "--env", "NOVALUE");
	/* With an ecosystem file, a word is the profile (one at most). */
	PARSE(&p, "start", "eco.json", "--env", "production", "--env", "A=1");
	assert_int_equal(p.rc, 0);
	done(&p);
	PARSE_FAILS("--env: one profile at most", "start", "eco.json", "--env", "a", "--env", "b");
	PARSE_FAILS("--only: needs an ecosystem file (e.g. ecosystem.config.js)", "stop", "a",
		    "--only", "b");
	PARSE_FAILS("an ecosystem file must be the only target (got 'a' too)", "restart",
		    "eco.config.js", "a");
	PARSE_FAILS("'a' is not an ecosystem file (*.json, *.config.js, *.config.cjs)",
		    "startOrRestart", "a");
	PARSE_FAILS("--cwd: cannot be used with an ecosystem file (set cwd in the file)", "start",
		    "eco.json", "--cwd", "/");
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

		/* "1" fits every positional: a script, a target, a count; a file
		 * name where only a file fits. */
		const char *word = strstr(c->usage, "FILE") && !strstr(c->usage, "TARGET") &&
						   !strstr(c->usage, "SCRIPT")
					   ? "e.json"
					   : "1";

		/* One fewer than the minimum. */
		if (c->min_args > 0) {
			for (k = 0; k < c->min_args - 1; k++)
				argv[2 + k] = (char *)word;
			parse(&p, 2 + c->min_args - 1, argv);
			assert_int_equal(p.rc, -EINVAL);
			assert_non_null(strstr(p.cause, "missing argument"));
			assert_ptr_equal(p.cmd, c);
			done(&p);
		}
		/* Exactly the minimum and exactly the maximum are fine. */
		for (k = 0; k < c->min_args; k++)
			argv[2 + k] = (char *)word;
		parse(&p, 2 + c->min_args, argv);
		assert_int_equal(p.rc, 0);
		assert_ptr_equal(p.cmd, c);
		assert_int_equal(p.args.pos.n, (size_t)c->min_args);
		done(&p);
		if (c->max_args < 0) {
			for (k = 0; k < 8; k++)
				argv[2 + k] = (char *)word;
			parse(&p, 10, argv);
			assert_int_equal(p.rc, 0);
			done(&p);
			continue;
		}
		/* One more than the maximum. */
		for (k = 0; k <= c->max_args; k++)
			argv[2 + k] = k == c->max_args ? "extra" : (char *)word;
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
		{ "dashboard", &pmc_cmd_monit },
	};
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		char *argv[] = { "pmc", (char *)table[i].alias, "x", NULL };
		assert_ptr_equal(pmc_cli_command_find(table[i].alias), table[i].cmd);
		parse(&p, table[i].cmd == &pmc_cmd_ls || table[i].cmd == &pmc_cmd_monit ? 2 : 3,
		      argv);
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
	assert_int_equal(n, 29);
	for (i = 1; i < n; i++)
		assert_true(strcmp(cmds[i - 1]->name, cmds[i]->name) < 0);
	for (i = 0; i < n; i++) {
		assert_non_null(cmds[i]->run);
		assert_non_null(cmds[i]->usage);
		assert_non_null(cmds[i]->summary);
	}
}

static void test_instances_flag(void **state)
{
	static const struct {
		const char *argv[3];
		const char *want;
	} ok[] = {
		{ { "-i", "4" }, "4" },	      { { "-i", "-1" }, "-1" },
		{ { "-i", "max" }, "max" },   { { "-i", "0" }, "0" },
		{ { "-i-2" }, "-2" },	      { { "--instances=-3" }, "-3" },
		{ { "--instances", "8" }, "8" }, { { "-i=max" }, "max" },
	};
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char *argv[] = { "pmc", "start", "app.js", (char *)ok[i].argv[0],
				 (char *)ok[i].argv[1], NULL };
		parse(&p, ok[i].argv[1] ? 5 : 4, argv);
		assert_int_equal(p.rc, 0);
		assert_non_null(p.args.instances);
		assert_string_equal(p.args.instances, ok[i].want);
		/* The value of -i is never taken for a positional. */
		assert_int_equal(p.args.pos.n, 1);
		assert_string_equal(p.args.pos.items[0], "app.js");
		done(&p);
	}
	/* -i -1 before the script. */
	PARSE(&p, "start", "-i", "-1", "app.js");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.instances, "-1");
	assert_string_equal(p.args.pos.items[0], "app.js");
	done(&p);

	PARSE_FAILS("--instances: invalid instance count 'abc' (use N, max, 0 or -N, N at most 4096)",
		    "start", "a", "-i", "abc");
	PARSE_FAILS("--instances: invalid instance count '4097' (use N, max, 0 or -N, N at most "
		    "4096)",
		    "start", "a", "-i", "4097");
	PARSE_FAILS("--instances: invalid instance count '2x' (use N, max, 0 or -N, N at most 4096)",
		    "start", "a", "--instances=2x");
	PARSE_FAILS("--instances: invalid instance count 'MAX' (use N, max, 0 or -N, N at most 4096)",
		    "start", "a", "-i", "MAX");
	PARSE_FAILS("--instances needs a value (N)", "start", "a", "-i");
	PARSE_FAILS("--instances needs a value (N)", "start", "a", "-i", "--force");
	PARSE_FAILS("--instances given more than once", "start", "a", "-i", "2", "-i", "3");
	/* Not a flag of other commands. */
	PARSE_FAILS("unknown flag '-i'", "restart", "a", "-i", "2");
}

static void test_cluster_flags(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "app.js", "--port", "18123", "--exec-mode", "fork", "--instance-var",
	      "WORKER_ID", "--wait-ready", "--listen-timeout", "8s", "--shutdown-with-message");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.port.set);
	assert_int_equal(p.args.port.value, 18123);
	assert_string_equal(p.args.exec_mode, "fork");
	assert_string_equal(p.args.instance_var, "WORKER_ID");
	assert_true(p.args.wait_ready);
	assert_true(p.args.listen_timeout.set);
	assert_int_equal(p.args.listen_timeout.value, 8000);
	assert_true(p.args.shutdown_with_message);
	assert_null(p.args.instances);
	done(&p);

	PARSE(&p, "start", "app.js");
	assert_int_equal(p.rc, 0);
	assert_false(p.args.port.set);
	assert_false(p.args.wait_ready);
	assert_false(p.args.shutdown_with_message);
	assert_false(p.args.listen_timeout.set);
	assert_null(p.args.exec_mode);
	assert_int_equal(p.args.listen.n, 0);
	done(&p);

	PARSE(&p, "start", "app.js", "--exec-mode=cluster", "--listen-timeout=1500");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.exec_mode, "cluster");
	assert_int_equal(p.args.listen_timeout.value, 1500);
	done(&p);

	PARSE_FAILS("--listen-timeout: invalid duration 'soon'", "start", "a", "--listen-timeout",
		    "soon");
	PARSE_FAILS("--listen-timeout: invalid duration '-5s'", "start", "a", "--listen-timeout",
		    "-5s");
	PARSE_FAILS("--listen-timeout needs a value (DUR)", "start", "a", "--listen-timeout");
	PARSE_FAILS("--port: 0 is out of range (1 to 65535)", "start", "a", "--port", "0");
	PARSE_FAILS("--port: 65536 is out of range (1 to 65535)", "start", "a", "--port=65536");
	PARSE_FAILS("--port: invalid number 'http'", "start", "a", "--port", "http");
	PARSE_FAILS("--exec-mode: invalid mode 'thread' (use fork or cluster)", "start", "a",
		    "--exec-mode", "thread");
	PARSE_FAILS("--instance-var: invalid variable name '1ID' (use letters, digits and _, not "
		    "starting with a digit)",
		    "start", "a", "--instance-var", "1ID");
	PARSE_FAILS("--instance-var: invalid variable name 'A-B' (use letters, digits and _, not "
		    "starting with a digit)",
		    "start", "a", "--instance-var=A-B");
	PARSE_FAILS("--wait-ready takes no value", "start", "a", "--wait-ready=1");
	PARSE_FAILS("unknown flag '--wait-redy' (did you mean '--wait-ready'?)", "start", "a",
		    "--wait-redy");
}

static void test_listen_flag(void **state)
{
	static const char *const good[] = {
		"3000",		  ":3000",	     "tcp://3000",	  "tcp://:3000",
		"127.0.0.1:80",	  "localhost:8080",  "tcp://0.0.0.0:1", "tcp://[::1]:8080",
		"tcp://[::]:65535", "unix:/tmp/a.sock", "unix:rel/app.sock",
	};
	static const char *const bad[] = {
		"0",	    "65536",	     "http://1.2.3.4:80", "tcp://example.com:80",
		"1.2.3.4:", "tcp://[zz]:80", "tcp://[::1]80",	  "unix:",
		"1.2.3.4",  "1.2.3.4:x",     "tcp://",		  "[::1]:0",
	};
	struct parsed p;
	size_t i;

	(void)state;
	/* Repeatable, kept in order. */
	PARSE(&p, "start", "app.js", "--listen", "3000", "--listen=unix:/run/a.sock", "--listen",
	      "tcp://[::1]:8080");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.listen.n, 3);
	assert_string_equal(p.args.listen.items[0], "3000");
	assert_string_equal(p.args.listen.items[1], "unix:/run/a.sock");
	assert_string_equal(p.args.listen.items[2], "tcp://[::1]:8080");
	assert_int_equal(p.args.pos.n, 1);
	done(&p);

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *argv[] = { "pmc", "start", "a", "--listen", (char *)good[i], NULL };
		parse(&p, 5, argv);
		if (p.rc != 0)
			fail_msg("--listen %s refused: %s", good[i], p.cause);
		assert_int_equal(p.args.listen.n, 1);
		done(&p);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = { "pmc", "start", "a", "--listen", (char *)bad[i], NULL };
		char want[256];

		snprintf(want, sizeof want,
			 "--listen: invalid address '%s' (use PORT, tcp://HOST:PORT, "
			 "tcp://[V6]:PORT or unix:PATH, HOST a numeric IP address)",
			 bad[i]);
		parse(&p, 5, argv);
		assert_int_equal(p.rc, -EINVAL);
		assert_string_equal(p.cause, want);
		done(&p);
	}
	PARSE_FAILS("--listen: the value is empty", "start", "a", "--listen=");
	PARSE_FAILS("--listen needs a value (ADDR)", "start", "a", "--listen");
}

static void test_scale_args(void **state)
{
	static const char *const counts[] = { "-1", "+3", "5", "-12", "+0", "0" };
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		char *argv[] = { "pmc", "scale", "app", (char *)counts[i], NULL };
		parse(&p, 4, argv);
		assert_int_equal(p.rc, 0);
		assert_ptr_equal(p.cmd, &pmc_cmd_scale);
		assert_int_equal(p.args.pos.n, 2);
		assert_string_equal(p.args.pos.items[0], "app");
		assert_string_equal(p.args.pos.items[1], counts[i]);
		done(&p);
	}
	PARSE(&p, "scale", "app", "-1", "--json");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.json);
	assert_string_equal(p.args.pos.items[1], "-1");
	done(&p);

	PARSE_FAILS("scale: invalid count 'x' (use N, +N or -N)", "scale", "app", "x");
	PARSE_FAILS("scale: invalid count '+' (use N, +N or -N)", "scale", "app", "+");
	PARSE_FAILS("scale: invalid count '-1.5' (use N, +N or -N)", "scale", "app", "-1.5");
	PARSE_FAILS("scale: invalid count '+-2' (use N, +N or -N)", "scale", "app", "+-2");
	PARSE_FAILS("scale: invalid count '1234567' (use N, +N or -N)", "scale", "app", "1234567");
	PARSE_FAILS("scale: missing argument (usage: pmc scale NAME COUNT [--json])", "scale",
		    "app");
	PARSE_FAILS("scale: unexpected argument '2' (usage: pmc scale NAME COUNT [--json])",
		    "scale", "app", "1", "2");
	PARSE_FAILS("unknown flag '-x'", "scale", "app", "-x");
	/* The count is checked after the arity: a help request skips both. */
	PARSE(&p, "scale", "--help");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.help);
	done(&p);
}

static void test_persist_args(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "save", "web-1.0", "-f");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_save);
	assert_true(p.args.force);
	assert_string_equal(p.args.pos.items[0], "web-1.0");
	done(&p);
	PARSE(&p, "dump", "--list", "--json");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_save);
	assert_true(p.args.list);
	assert_true(p.args.json);
	done(&p);
	PARSE_FAILS("save: invalid snapshot name '../x' (use letters, digits, '.', '_' and '-', at "
		    "most 64, not starting with '.')",
		    "save", "../x");
	PARSE_FAILS("save: --list takes no snapshot name", "save", "a", "--list");
	PARSE_FAILS("save: unexpected argument 'b' (usage: pmc save [NAME] [--force] [--list] "
		    "[--json])",
		    "save", "a", "b");
	PARSE(&p, "resurrect");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_resurrect);
	done(&p);
	PARSE_FAILS("resurrect: invalid snapshot name '.x'", "resurrect", ".x");
	PARSE(&p, "startup", "systemd", "--user");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_startup);
	assert_true(p.args.user);
	done(&p);
	PARSE(&p, "unstartup");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_unstartup);
	assert_false(p.args.user);
	done(&p);
	PARSE_FAILS("unsupported init system 'launchd' (pmc writes systemd units only)", "startup",
		    "launchd");
	PARSE_FAILS("unsupported init system 'upstart' (pmc writes systemd units only)",
		    "unstartup", "upstart");
	PARSE_FAILS("unknown flag '--force'", "startup", "--force");
}

static void test_reload_args(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "reload", "a", "b", "--parallel", "2");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_reload);
	assert_int_equal(p.args.pos.n, 2);
	assert_string_equal(p.args.pos.items[0], "a");
	assert_string_equal(p.args.pos.items[1], "b");
	assert_true(p.args.parallel.set);
	assert_int_equal(p.args.parallel.value, 2);
	done(&p);

	PARSE(&p, "reload", "--parallel=1024", "all");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.parallel.value, 1024);
	assert_string_equal(p.args.pos.items[0], "all");
	done(&p);

	PARSE(&p, "reload", "web");
	assert_int_equal(p.rc, 0);
	assert_false(p.args.parallel.set);
	done(&p);

	PARSE_FAILS("--parallel: 0 is out of range (1 to 1024)", "reload", "a", "--parallel", "0");
	PARSE_FAILS("--parallel: 1025 is out of range (1 to 1024)", "reload", "a",
		    "--parallel=1025");
	PARSE_FAILS("--parallel: invalid number 'two'", "reload", "a", "--parallel", "two");
	PARSE_FAILS("--parallel needs a value (K)", "reload", "a", "--parallel");
	PARSE_FAILS("reload: missing argument (usage: pmc reload TARGET...|FILE [--parallel K] "
		    "[--update-env] [--only A,B] [--env PROFILE] [--json])",
		    "reload", "--parallel", "2");
	PARSE_FAILS("unknown flag '--parallel'", "restart", "a", "--parallel", "2");
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
	assert_true(has_line(out, "scale"));
	assert_true(has_line(out, "reload"));
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

	out = capture(3, ARGV("help", "start"), &rc);
	assert_int_equal(rc, 0);
	{
		static const char *const flags[] = { "-i, --instances N", "--exec-mode MODE",
						     "--port PORT",	    "--listen ADDR",
						     "--instance-var NAME", "--wait-ready",
						     "--listen-timeout DUR", "--shutdown-with-message" };
		size_t k;
		for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
			assert_non_null(strstr(out, flags[k]));
	}
	free(out);

	out = capture(3, ARGV("reload", "--help"), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Usage: pmc reload TARGET...|FILE [--parallel K]"));
	assert_non_null(strstr(out, "--parallel K"));
	free(out);

	out = capture(3, ARGV("help", "scale"), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Usage: pmc scale NAME COUNT"));
	free(out);

	out = capture(2, ARGV("help"), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\n  scale "));
	assert_non_null(strstr(out, "\n  reload "));
	free(out);

	out = capture(4, ARGV("scale", "app", "x"), &rc);
	assert_int_equal(rc, PMC_EXIT_USAGE);
	assert_string_equal(out, "");
	free(out);

	out = capture(3, ARGV("start", "--bogus"), &rc);
	assert_int_equal(rc, PMC_EXIT_USAGE);
	assert_string_equal(out, "");
	free(out);
}

/* A daemon that has already answered: the lines of script wait in a socketpair. */
struct fake {
	int peer;
	struct pmc_cli cli;
};

static void fake_daemon(struct fake *f, const char *script)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(write(sv[1], script, strlen(script)), (ssize_t)strlen(script));
	/* The client reads EOF after the script instead of waiting for more. */
	assert_int_equal(shutdown(sv[1], SHUT_WR), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	memset(&f->cli, 0, sizeof f->cli);
	pmc_client_init(&f->cli.client);
	f->cli.client.fd = sv[0];
	pmc_frame_init(&f->cli.client.frame, PMC_CLIENT_READ_MAX);
	f->cli.connected = true;
	f->peer = sv[1];
}

/* The requests the client sent (caller frees); closes the fake. */
static char *fake_requests(struct fake *f)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = calloc(1, cap);
	ssize_t n;

	assert_non_null(buf);
	pmc_client_close(&f->cli.client);
	while ((n = read(f->peer, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(f->peer);
	return buf;
}

/* Run a command's handler against the fake; its stdout and stderr (caller frees). */
static int run_fake(struct fake *f, int argc, char **argv, char **out, char **err)
{
	char opath[] = "/tmp/pmc-test-args-XXXXXX", epath[] = "/tmp/pmc-test-args-XXXXXX";
	int ofd = mkstemp(opath), efd = mkstemp(epath), so, se, rc;
	struct parsed p;
	ssize_t n;

	assert_true(ofd >= 0 && efd >= 0);
	parse(&p, argc, argv);
	assert_int_equal(p.rc, 0);
	fflush(stdout);
	fflush(stderr);
	so = dup(STDOUT_FILENO);
	se = dup(STDERR_FILENO);
	dup2(ofd, STDOUT_FILENO);
	dup2(efd, STDERR_FILENO);
	rc = p.cmd->run(&f->cli, &p.args);
	fflush(stdout);
	fflush(stderr);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	*out = calloc(1, 65536);
	*err = calloc(1, 65536);
	n = pread(ofd, *out, 65535, 0);
	assert_true(n >= 0);
	n = pread(efd, *err, 65535, 0);
	assert_true(n >= 0);
	close(ofd);
	close(efd);
	unlink(opath);
	unlink(epath);
	done(&p);
	return rc;
}

#define RUN_FAKE(f, out, err, ...) run_fake(f, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), out, err)

/* The params of the request for method among the lines sent (caller deletes). */
static cJSON *sent_params(const char *requests, const char *method)
{
	const char *line = requests;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		cJSON *req = cJSON_ParseWithLength(line, len);
		const cJSON *m = cJSON_GetObjectItem(req, "method");

		if (cJSON_IsString(m) && strcmp(m->valuestring, method) == 0) {
			cJSON *params = cJSON_DetachItemFromObject(req, "params");
			cJSON_Delete(req);
			return params;
		}
		cJSON_Delete(req);
		line += len + (end ? 1 : 0);
	}
	fail_msg("no %s request was sent", method);
	return NULL;
}

#define NOTE(params) "{\"jsonrpc\":\"2.0\",\"method\":\"reload.progress\",\"params\":" params "}\n"

static void test_reload_progress(void **state)
{
	static const char script[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}\n"
		NOTE("{\"name\":\"web\",\"pm_id\":0,\"old_pid\":1200,\"new_pid\":1234,"
		     "\"state\":\"launching\"}")
		NOTE("{\"name\":\"web\",\"pm_id\":0,\"old_pid\":1200,\"new_pid\":1234,"
		     "\"state\":\"ready\"}")
		NOTE("{\"name\":\"web\",\"pm_id\":0,\"old_pid\":1200,\"new_pid\":1234,"
		     "\"state\":\"replaced\"}")
		NOTE("{\"name\":\"api\",\"state\":\"restarting\",\"message\":\"fork mode without "
		     "a shared socket: reload is a restart\"}")
		"{\"jsonrpc\":\"2.0\",\"method\":\"log.line\",\"params\":{}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"apps\":["
		"{\"name\":\"web\",\"action\":\"reloaded\",\"ids\":[0]},"
		"{\"name\":\"api\",\"action\":\"restarted\",\"ids\":[1]}]}}\n";
	struct fake f;
	char *out, *err, *sent;
	cJSON *params;
	int rc;

	(void)state;
	fake_daemon(&f, script);
	rc = RUN_FAKE(&f, &out, &err, "reload", "web", "api", "--parallel", "2");
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_string_equal(out, "[pmc] web:0 new pid 1234 launching\n"
				 "[pmc] web:0 ready\n"
				 "[pmc] web:0 replaced (old pid 1200)\n"
				 "[pmc] api: fork mode without a shared socket: reload is a restart\n"
				 "[pmc] web reloaded\n"
				 "[pmc] api restarted (fork mode: reload is a restart)\n");
	params = sent_params(sent, "reload");
	assert_non_null(params);
	{
		char *text = cJSON_PrintUnformatted(params);
		assert_string_equal(text, "{\"targets\":[\"web\",\"api\"],\"parallel\":2}");
		free(text);
	}
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);
}

static void test_reload_failure(void **state)
{
	static const char script[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}\n"
		NOTE("{\"name\":\"web\",\"pm_id\":2,\"old_pid\":1200,\"new_pid\":1300,"
		     "\"state\":\"launching\"}")
		NOTE("{\"name\":\"web\",\"pm_id\":2,\"old_pid\":1200,\"new_pid\":1300,"
		     "\"state\":\"failed\",\"message\":\"reload of web stopped at instance 2: the "
		     "new process exited with code 1 before it was ready; the old processes keep "
		     "running\"}")
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32004,\"message\":\"reload of "
		"web stopped at instance 2: the new process exited with code 1 before it was ready; "
		"the old processes keep running\",\"data\":{\"apps\":[{\"name\":\"db\",\"action\":"
		"\"reloaded\",\"ids\":[0]}]}}}\n";
	struct fake f;
	char *out, *err, *sent;
	cJSON *params;
	int rc;

	(void)state;
	fake_daemon(&f, script);
	rc = RUN_FAKE(&f, &out, &err, "reload", "db", "web");
	sent = fake_requests(&f);
	assert_int_equal(rc, PMC_EXIT_DAEMON);
	assert_string_equal(out, "[pmc] web:2 new pid 1300 launching\n"
				 "[pmc] web:2 failed: reload of web stopped at instance 2: the new "
				 "process exited with code 1 before it was ready; the old processes "
				 "keep running\n"
				 "[pmc] db reloaded\n");
	assert_string_equal(err, "pmc: reload of web stopped at instance 2: the new process exited "
				 "with code 1 before it was ready; the old processes keep running\n");
	/* Without --parallel, none is sent: the daemon's default is one at a time. */
	params = sent_params(sent, "reload");
	assert_null(cJSON_GetObjectItem(params, "parallel"));
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);
}

static void test_reload_deadline(void **state)
{
	/* Two instances: 120 s + 2 x (listen_timeout + kill_timeout); defaults when absent. */
	static const char script[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":["
		"{\"pm_id\":0,\"pm2_env\":{\"kill_timeout\":5000,\"listen_timeout\":20000}},"
		"{\"pm_id\":1,\"pm2_env\":{}}]}\n";
	struct fake f;

	(void)state;
	fake_daemon(&f, script);
	assert_int_equal(pmc_cli_replace_timeout(&f.cli),
			 PMC_STOP_TIMEOUT_MS + 5000 + 20000 + 1600 + 3000);
	free(fake_requests(&f));
}

static void test_scale_sends_count_as_typed(void **state)
{
	static const char script[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"name\":\"web\",\"instances\":1,"
		"\"ids\":[0]}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[{\"pid\":7,\"name\":\"web\",\"pm_id\":0,"
		"\"pm2_env\":{\"status\":\"online\",\"exec_mode\":\"cluster_mode\"}}]}\n";
	struct fake f;
	char *out, *err, *sent, *text;
	cJSON *params;
	int rc;

	(void)state;
	fake_daemon(&f, script);
	rc = RUN_FAKE(&f, &out, &err, "scale", "web", "-1");
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_non_null(strstr(out, "[pmc] web scaled to 1 instance\n┌"));
	assert_non_null(strstr(out, "│ 0  │ web  │ cluster │ 7   │"));
	params = sent_params(sent, "scale");
	text = cJSON_PrintUnformatted(params);
	assert_string_equal(text, "{\"name\":\"web\",\"count\":\"-1\"}");
	free(text);
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);
}

/* The app definition `pmc start` sends for argv. */
static cJSON *start_def(int argc, char **argv)
{
	static const char script[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"action\":\"started\",\"name\":\"a\","
		"\"ids\":[0]}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[]}\n";
	struct fake f;
	char *out, *err, *sent;
	cJSON *params, *def;
	int rc;

	fake_daemon(&f, script);
	rc = run_fake(&f, argc, argv, &out, &err);
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	params = sent_params(sent, "start");
	def = cJSON_DetachItemFromObject(params, "app");
	assert_non_null(def);
	cJSON_DeleteItemFromObject(def, "env_inherit");
	cJSON_DeleteItemFromObject(def, "cwd");
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);
	return def;
}

/* The definition start sends, without env_inherit and cwd, as compact JSON. */
static void assert_start_def(const char *want, int argc, char **argv)
{
	cJSON *def = start_def(argc, argv);
	char *text = cJSON_PrintUnformatted(def);

	assert_string_equal(text, want);
	free(text);
	cJSON_Delete(def);
}

#define ASSERT_START_DEF(want, ...) assert_start_def(want, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_start_cluster_def(void **state)
{
	(void)state;
	/* Any -i means cluster mode, for any program; "max" stays a string. */
	ASSERT_START_DEF("{\"script\":\"a.py\",\"exec_mode\":\"cluster\",\"instances\":-1}",
			 "start", "a.py", "-i", "-1");
	ASSERT_START_DEF("{\"script\":\"a.py\",\"exec_mode\":\"cluster\",\"instances\":\"max\"}",
			 "start", "a.py", "-i", "max");
	ASSERT_START_DEF("{\"script\":\"a.py\",\"exec_mode\":\"cluster\",\"instances\":0}",
			 "start", "a.py", "-i", "0");
	/* A port or a listen address too. */
	ASSERT_START_DEF("{\"script\":\"a\",\"exec_mode\":\"cluster\",\"port\":8080}", "start",
			 "a", "--port", "8080");
	ASSERT_START_DEF("{\"script\":\"a\",\"exec_mode\":\"cluster\",\"listen\":[\"3000\","
			 "\"unix:x.sock\"]}",
			 "start", "a", "--listen", "3000", "--listen", "unix:x.sock");
	/* Unless --exec-mode says otherwise. */
	ASSERT_START_DEF("{\"script\":\"a\",\"exec_mode\":\"fork\",\"instances\":2}", "start",
			 "a", "-i", "2", "--exec-mode", "fork");
	/* Nothing of the kind: no exec_mode, the daemon's fork default. */
	ASSERT_START_DEF("{\"script\":\"a\"}", "start", "a");
	ASSERT_START_DEF("{\"script\":\"a\",\"exec_mode\":\"cluster\",\"instance_var\":\"ID\","
			 "\"wait_ready\":true,\"listen_timeout\":8000,"
			 "\"shutdown_with_message\":true}",
			 "start", "a", "--exec-mode", "cluster", "--instance-var", "ID", "--wait-ready",
			 "--listen-timeout", "8s", "--shutdown-with-message");
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

/* The cell text from p up to the next "│", without the padding around it. */
static char *cell_at(const char *p, const char **next)
{
	const char *bar = strstr(p, "│"), *end;

	if (!bar)
		return NULL;
	while (*p == ' ')
		p++;
	for (end = bar; end > p && end[-1] == ' '; end--)
		;
	*next = bar + strlen("│");
	return strndup(p, (size_t)(end - p));
}

/* A row "│ key   │ value   │" of a key/value box, whatever the padding. */
static bool has_kv(const char *text, const char *key, const char *value)
{
	const char *line = text, *next;
	bool found = false;

	for (; !found && line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char *k, *v;

		if (strncmp(line, "│", strlen("│")) != 0)
			continue;
		k = cell_at(line + strlen("│"), &next);
		v = k ? cell_at(next, &next) : NULL;
		found = v && strcmp(k, key) == 0 && strcmp(v, value) == 0 && *next == '\n';
		free(k);
		free(v);
	}
	return found;
}

/* A row with that key. */
static bool has_key(const char *text, const char *key)
{
	char row[128];

	snprintf(row, sizeof row, "│ %s ", key);
	return strstr(text, row) != NULL;
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
	assert_true(has_kv(out, "status", "stopped"));
	assert_true(has_kv(out, "script args", "--port 3000"));
	assert_true(has_kv(out, "kill timeout", "1600ms"));
	assert_true(has_kv(out, "stop exit codes", "0, 3"));
	assert_true(has_kv(out, "last exit", "signal SIGKILL"));
	assert_true(has_kv(out, "env keys", "A, B"));
	assert_true(has_kv(out, "autorestart", "false"));
	assert_true(has_kv(out, "created at", "2026-11-25T10:28:58+00:00"));
	assert_true(has_kv(out, "last error", "N/A"));
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

static void test_render_cluster(void **state)
{
	cJSON *list = cJSON_Parse(
		"[{\"pid\":41,\"name\":\"web\",\"pm_id\":0,\"monit\":{\"memory\":0,\"cpu\":0},"
		"\"pm2_env\":{\"status\":\"online\",\"pm_uptime\":1000,\"exec_mode\":\"cluster_mode\","
		"\"username\":\"u\",\"instances\":2,\"listen\":[\"tcp://0.0.0.0:18123\","
		"\"unix:/run/web.sock\"],\"port\":18123,\"instance_var\":\"WORKER\","
		"\"wait_ready\":true,\"listen_timeout\":8000,\"shutdown_with_message\":false}},"
		"{\"pid\":0,\"name\":\"job\",\"pm_id\":1,\"monit\":{\"memory\":0,\"cpu\":0},"
		"\"pm2_env\":{\"status\":\"stopped\",\"exec_mode\":\"fork_mode\",\"username\":\"u\"}}]");
	cJSON *result;
	char *out;

	(void)state;
	assert_non_null(list);
	out = pmc_render_list(list, false, 12000);
	assert_non_null(strstr(out, "│ 0  │ web  │ cluster │ 41  │ 11s    │"));
	assert_non_null(strstr(out, "│ 1  │ job  │ fork    │ 0   │ 0      │"));
	free(out);

	result = cJSON_CreateObject();
	cJSON_AddItemToObject(result, "processes", list);
	cJSON_AddItemToObject(result, "events", cJSON_CreateArray());
	out = pmc_render_describe(result, false, 12000);
	assert_true(has_kv(out, "exec mode", "cluster_mode"));
	assert_true(has_kv(out, "listen addresses", "tcp://0.0.0.0:18123, unix:/run/web.sock"));
	assert_true(has_kv(out, "port", "18123"));
	assert_true(has_kv(out, "instance var", "WORKER"));
	assert_true(has_kv(out, "wait ready", "true"));
	assert_true(has_kv(out, "listen timeout", "8000ms"));
	assert_true(has_kv(out, "shutdown with message", "false"));
	/* An older daemon's fork entry: N/A, and no port row at all. */
	assert_true(has_kv(out, "exec mode", "fork_mode"));
	assert_true(has_kv(out, "listen addresses", "N/A"));
	assert_true(has_kv(out, "listen timeout", "N/A"));
	free(out);
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(result, "processes"), 0);
	out = pmc_render_describe(result, false, 12000);
	assert_false(has_key(out, "port"));
	assert_true(has_key(out, "kill timeout"));
	free(out);
	cJSON_Delete(result);
}

/* Logs: the flags of start and logs, flush and reloadLogs, and how lines are printed. */

static void test_start_log_flags(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "start", "app.js", "-o", "out.log", "--error", "/dev/null", "--merge-logs",
	      "--time", "--log-date-format", "YYYY-MM-DD HH:mm Z", "--log-type", "json",
	      "--log-max-size", "10M", "--log-retain", "3", "--log-rotate-names", "date",
	      "--log-compress");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.out_file, "out.log");
	assert_string_equal(p.args.error_file, "/dev/null");
	assert_false(p.args.log_file.set);
	assert_true(p.args.merge_logs);
	assert_true(p.args.time);
	assert_string_equal(p.args.log_date_format, "YYYY-MM-DD HH:mm Z");
	assert_string_equal(p.args.log_type, "json");
	assert_string_equal(p.args.log_max_size, "10M");
	assert_true(p.args.log_retain.set);
	assert_int_equal(p.args.log_retain.value, 3);
	assert_string_equal(p.args.log_rotate_names, "date");
	assert_true(p.args.log_compress);
	done(&p);

	PARSE(&p, "start", "app.js", "--output=o.log", "-eNULL");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.out_file, "o.log");
	assert_string_equal(p.args.error_file, "NULL");
	done(&p);

	PARSE_FAILS("--output needs a value (FILE)", "start", "app.js", "--output");
	PARSE_FAILS("--error needs a value (FILE)", "start", "app.js", "-e", "--time");
	PARSE_FAILS("--log-type: invalid log type 'xml' (use json or raw)", "start", "a",
		    "--log-type", "xml");
	PARSE_FAILS("--log-max-size: invalid size '10Q' (use a number of bytes, or 512K, 10M, 1G)",
		    "start", "a", "--log-max-size", "10Q");
	PARSE_FAILS("--log-retain: -1 is out of range (0 to 100000)", "start", "a", "--log-retain",
		    "-1");
	PARSE_FAILS("--log-retain: invalid number 'all'", "start", "a", "--log-retain", "all");
	PARSE_FAILS("--log-rotate-names: invalid naming 'hourly' (use number or date)", "start", "a",
		    "--log-rotate-names", "hourly");
	PARSE_FAILS("--time takes no value", "start", "a", "--time=yes");
	PARSE_FAILS("--output given more than once", "start", "a", "-o", "x", "-o", "y");
	PARSE_FAILS("unknown flag '--merge-log' (did you mean '--merge-logs'?)", "start", "a",
		    "--merge-log");
	/* These are start's flags, not logs'. */
	PARSE_FAILS("unknown flag '--time'", "logs", "--time");
}

/* -l takes the next word as FILE unless a flag or the end comes first. */
static void test_log_optional_value(void **state)
{
	static const struct {
		const char *argv[6];
		const char *value; /* NULL: -l alone */
		size_t npos;
	} cases[] = {
		{ { "start", "app.js", "-l" }, NULL, 1 },
		{ { "start", "app.js", "--log" }, NULL, 1 },
		{ { "start", "app.js", "-l", "--time" }, NULL, 1 },
		{ { "start", "app.js", "-l", "-f" }, NULL, 1 },
		{ { "start", "app.js", "-l", "--", "x" }, NULL, 1 },
		{ { "start", "-l", "--name", "api", "app.js" }, NULL, 1 },
		{ { "start", "app.js", "-l", "all.log" }, "all.log", 1 },
		{ { "start", "app.js", "--log", "all.log", "--time" }, "all.log", 1 },
		{ { "start", "app.js", "--log=all.log" }, "all.log", 1 },
		{ { "start", "app.js", "-lall.log" }, "all.log", 1 },
		{ { "start", "app.js", "-l=all.log" }, "all.log", 1 },
		{ { "start", "app.js", "-fl", "all.log" }, "all.log", 1 },
		/* As in PM2, a word after -l is its FILE, even the script. */
		{ { "start", "-l", "app.js", "b.js" }, "app.js", 1 },
	};
	struct parsed p;
	size_t i, argc;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[8] = { "pmc" };
		for (argc = 0; cases[i].argv[argc]; argc++)
			argv[argc + 1] = (char *)cases[i].argv[argc];
		parse(&p, (int)argc + 1, argv);
		if (p.rc != 0)
			fail_msg("case %zu: %s", i, p.cause);
		assert_true(p.args.log_file.set);
		if (cases[i].value)
			assert_string_equal(p.args.log_file.value, cases[i].value);
		else
			assert_null(p.args.log_file.value);
		assert_int_equal(p.args.pos.n, cases[i].npos);
		done(&p);
	}
	PARSE(&p, "start", "app.js", "-l", "--", "x");
	assert_int_equal(p.args.script_args.n, 1);
	assert_string_equal(p.args.script_args.items[0], "x");
	done(&p);

	/* -l takes app.js: no script is left, which `pmc start` alone answers at run time. */
	PARSE(&p, "start", "-l", "app.js");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.pos.n, 0);
	assert_string_equal(p.args.log_file.value, "app.js");
	done(&p);
	PARSE_FAILS("--log given more than once", "start", "a", "-l", "-l");
	PARSE_FAILS("--log given more than once", "start", "a", "-l", "x", "--log=y");
	PARSE_FAILS("--log: the value is empty", "start", "a", "--log=");
	PARSE_FAILS("unknown flag '-z'", "start", "a", "-l", "-z");
}

static void test_start_log_def(void **state)
{
	(void)state;
	ASSERT_START_DEF("{\"script\":\"a\",\"log_file\":true}", "start", "a", "-l");
	ASSERT_START_DEF("{\"script\":\"a\",\"log_file\":\"logs/all.log\"}", "start", "a", "-l",
			 "logs/all.log");
	/* Paths go as typed; sizes in bytes; only what was given. */
	ASSERT_START_DEF("{\"script\":\"a\",\"out_file\":\"o.log\",\"error_file\":\"/dev/null\","
			 "\"merge_logs\":true,\"time\":true,\"log_date_format\":\"HH:mm Z\","
			 "\"log_type\":\"json\",\"log_max_size\":10485760,\"log_retain\":0,"
			 "\"log_rotate_names\":\"number\",\"log_compress\":true}",
			 "start", "a", "-o", "o.log", "-e", "/dev/null", "--merge-logs", "--time",
			 "--log-date-format", "HH:mm Z", "--log-type", "json", "--log-max-size",
			 "10M", "--log-retain", "0", "--log-rotate-names", "number",
			 "--log-compress");
	ASSERT_START_DEF("{\"script\":\"a\",\"log_type\":\"raw\",\"log_max_size\":0}", "start", "a",
			 "--log-type=raw", "--log-max-size=0");
}

static void test_logs_args(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "logs", "api", "--timestamp");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.timestamp.set);
	assert_null(p.args.timestamp.value);
	assert_string_equal(p.args.pos.items[0], "api");
	done(&p);

	/* A word that can be a target stays one. */
	PARSE(&p, "logs", "--timestamp", "api", "--lines", "3");
	assert_int_equal(p.rc, 0);
	assert_true(p.args.timestamp.set);
	assert_null(p.args.timestamp.value);
	assert_int_equal(p.args.pos.n, 1);
	assert_string_equal(p.args.pos.items[0], "api");
	done(&p);

	PARSE(&p, "logs", "--timestamp", "0");
	assert_null(p.args.timestamp.value);
	assert_string_equal(p.args.pos.items[0], "0");
	done(&p);

	/* One that cannot, or that holds date tokens, is the format. */
	PARSE(&p, "logs", "--timestamp", "HH:mm:ss", "api");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.timestamp.value, "HH:mm:ss");
	assert_string_equal(p.args.pos.items[0], "api");
	done(&p);

	PARSE(&p, "logs", "--timestamp", "YYYYMMDD");
	assert_string_equal(p.args.timestamp.value, "YYYYMMDD");
	assert_int_equal(p.args.pos.n, 0);
	done(&p);

	PARSE(&p, "logs", "--timestamp=x", "--json", "--raw", "--out", "--nostream");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.args.timestamp.value, "x");
	assert_true(p.args.json && p.args.raw && p.args.out && p.args.nostream);
	done(&p);

	PARSE_FAILS("--timestamp: the value is empty", "logs", "--timestamp=");
	PARSE_FAILS("--timestamp given more than once", "logs", "--timestamp", "--timestamp");
	PARSE_FAILS("logs: unexpected argument 'b' (usage: pmc logs [TARGET] [--lines N] "
		    "[--nostream] [--out|--err] [--raw] [--timestamp [FMT]] [--json])",
		    "logs", "a", "b");

	PARSE(&p, "flush");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_flush);
	assert_int_equal(p.args.pos.n, 0);
	done(&p);
	PARSE(&p, "flush", "api", "3", "--json");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.args.pos.n, 2);
	assert_true(p.args.json);
	done(&p);
	PARSE(&p, "reloadLogs");
	assert_int_equal(p.rc, 0);
	assert_ptr_equal(p.cmd, &pmc_cmd_reloadLogs);
	done(&p);
	PARSE_FAILS("reloadLogs: unexpected argument 'api' (usage: pmc reloadLogs [--json])",
		    "reloadLogs", "api");
	PARSE_FAILS("unknown command 'reloadlogs' (did you mean 'reloadLogs'?)", "reloadlogs");
	PARSE_FAILS("unknown flag '--lines'", "flush", "--lines", "2");
}

static void test_log_help(void **state)
{
	char *out;
	int rc;

	(void)state;
	out = capture(3, ARGV("help", "start"), &rc);
	assert_int_equal(rc, 0);
	{
		static const char *const flags[] = {
			"-o, --output FILE",	    "-e, --error FILE",	    "-l, --log [FILE]",
			"--merge-logs",		    "--time",		    "--log-date-format FMT",
			"--log-type TYPE",	    "--log-max-size SIZE", "--log-retain N",
			"--log-rotate-names HOW", "--log-compress",
		};
		size_t k;
		for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (!strstr(out, flags[k]))
				fail_msg("no %s in help start", flags[k]);
	}
	free(out);
	out = capture(3, ARGV("logs", "--help"), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "--timestamp [FMT]"));
	free(out);
	out = capture(2, ARGV("help"), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\n  flush "));
	assert_non_null(strstr(out, "\n  reloadLogs "));
	free(out);
}

#define RESULT(id, json) "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"result\":" json "}\n"

static void test_flush_and_reload_logs(void **state)
{
	struct fake f;
	char *out, *err, *sent, *text;
	cJSON *params;
	int rc;

	(void)state;
	fake_daemon(&f, RESULT(1, "{\"files\":[\"/h/logs/a-out.log\",\"/h/pmcd.log\"]}"));
	rc = RUN_FAKE(&f, &out, &err, "flush");
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_string_equal(out, "[pmc] Flushing /h/logs/a-out.log\n"
				 "[pmc] Flushing /h/pmcd.log\n"
				 "[pmc] Flushed 2 files\n");
	/* No targets: everything, pmcd.log too. */
	params = sent_params(sent, "flush");
	text = cJSON_PrintUnformatted(params);
	assert_string_equal(text, "{}");
	free(text);
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);

	fake_daemon(&f, RESULT(1, "{\"files\":[\"/h/logs/a-out.log\"]}"));
	rc = RUN_FAKE(&f, &out, &err, "flush", "a", "2");
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "[pmc] Flushing /h/logs/a-out.log\n[pmc] Flushed 1 file\n");
	params = sent_params(sent, "flush");
	text = cJSON_PrintUnformatted(params);
	assert_string_equal(text, "{\"targets\":[\"a\",\"2\"]}");
	free(text);
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);

	fake_daemon(&f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":"
			"\"no app named 'apii'\",\"data\":{\"target\":\"apii\",\"suggestion\":"
			"\"api\"}}}\n");
	rc = RUN_FAKE(&f, &out, &err, "flush", "apii");
	free(fake_requests(&f));
	assert_int_equal(rc, PMC_EXIT_DAEMON);
	assert_string_equal(out, "");
	assert_string_equal(err, "pmc: no app named 'apii' (did you mean 'api'?)\n");
	free(out);
	free(err);

	fake_daemon(&f, RESULT(1, "{\"files\":[]}"));
	rc = RUN_FAKE(&f, &out, &err, "flush", "--json");
	free(fake_requests(&f));
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"files\":[]}\n");
	free(out);
	free(err);

	fake_daemon(&f, RESULT(1, "{\"files\":7}"));
	rc = RUN_FAKE(&f, &out, &err, "reloadLogs");
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "[pmc] Reopened 7 log files\n");
	assert_non_null(strstr(sent, "\"method\":\"reloadLogs\""));
	free(sent);
	free(out);
	free(err);

	fake_daemon(&f, RESULT(1, "{\"files\":1}"));
	rc = RUN_FAKE(&f, &out, &err, "reloadLogs");
	free(fake_requests(&f));
	assert_string_equal(out, "[pmc] Reopened 1 log file\n");
	free(out);
	free(err);
}

/* 2026-11-25 10:28:58.334 UTC, a Wednesday. */
#define T0 1795602538334LL

static int64_t fake_now(void)
{
	return T0;
}

/* What the view printed (the memstream's buffer, caller frees); closes its stream. */
static char *view_text(struct pmc_logview *v, char **buf)
{
	fclose(v->out);
	v->out = NULL;
	return *buf;
}

static void view_open(struct pmc_logview *v, char **buf, size_t *len)
{
	pmc_logview_init(v, open_memstream(buf, len));
	assert_non_null(v->out);
	v->now_ms = fake_now;
}

static void test_logview_lines(void **state)
{
	struct pmc_logview v;
	char *buf;
	size_t len;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();

	/* Labels padded to the widest; the daemon's own lines are PMC. */
	view_open(&v, &buf, &len);
	pmc_logview_fit(&v, 0, "api");
	pmc_logview_fit(&v, 12, "worker");
	pmc_logview_line(&v, 0, "api", false, "hello", 5, 0);
	pmc_logview_line(&v, 12, "worker", true, "oops", 4, 0);
	pmc_logview_line(&v, PMC_LOGVIEW_DAEMON_ID, "pmcd", false, "App [api:0] online", 18, 0);
	pmc_logview_line(&v, 0, "api", false, "", 0, 0);
	/* A line goes as it is, cut at len. */
	pmc_logview_line(&v, 0, "api", false, "ab|cd", 2, 0);
	assert_string_equal(view_text(&v, &buf), "0|api     | hello\n"
						       "12|worker | oops\n"
						       "PMC       | App [api:0] online\n"
						       "0|api     | \n"
						       "0|api     | ab\n");
	free(buf);

	/* A longer name met later widens the column. */
	view_open(&v, &buf, &len);
	pmc_logview_fit(&v, 0, "a");
	pmc_logview_line(&v, 0, "a", false, "x", 1, 0);
	pmc_logview_fit(&v, 1, "bbb");
	pmc_logview_line(&v, 0, "a", false, "y", 1, 0);
	assert_string_equal(view_text(&v, &buf), "0|a | x\n0|a   | y\n");
	free(buf);

	/* Colours: by pm_id, red for errors, bold for the daemon. */
	view_open(&v, &buf, &len);
	v.color = true;
	pmc_logview_fit(&v, 0, "api");
	pmc_logview_line(&v, 0, "api", false, "a", 1, 0);
	pmc_logview_line(&v, 1, "web", false, "b", 1, 0);
	pmc_logview_line(&v, 5, "api", false, "c", 1, 0);
	pmc_logview_line(&v, 0, "api", true, "d", 1, 0);
	pmc_logview_line(&v, -1, "pmcd", false, "e", 1, 0);
	assert_string_equal(view_text(&v, &buf), "\x1b[36m0|api\x1b[0m | a\n"
						       "\x1b[32m1|web\x1b[0m | b\n"
						       "\x1b[36m5|api\x1b[0m | c\n"
						       "\x1b[31m0|api\x1b[0m | d\n"
						       "\x1b[1mPMC\x1b[0m   | e\n");
	free(buf);

	/* --raw: the bare line. */
	view_open(&v, &buf, &len);
	v.raw = true;
	v.color = true;
	pmc_logview_line(&v, 3, "api", true, "bare", 4, 0);
	assert_string_equal(view_text(&v, &buf), "bare\n");
	free(buf);

	/* --timestamp: the time the line is shown, before everything else. */
	view_open(&v, &buf, &len);
	v.timestamp = PMC_LOGVIEW_TIMESTAMP_DEFAULT;
	pmc_logview_line(&v, 0, "api", false, "t", 1, T0 - 86400000);
	v.raw = true;
	pmc_logview_line(&v, 0, "api", false, "r", 1, 0);
	v.raw = false;
	v.color = true;
	v.timestamp = "HH:mm:ss.SSS";
	pmc_logview_line(&v, 0, "api", false, "c", 1, 0);
	assert_string_equal(view_text(&v, &buf),
			    "2026-11-25T10:28:58 0|api | t\n"
			    "2026-11-25T10:28:58 r\n"
			    "\x1b[2;90m10:28:58.334\x1b[0m \x1b[36m0|api\x1b[0m | c\n");
	free(buf);

	/* --json: one object per line, never coloured; the time the daemon got it. */
	view_open(&v, &buf, &len);
	v.json = true;
	v.color = true;
	v.timestamp = "HH";
	pmc_logview_line(&v, 4, "api", true, "say \"hi\"", 8, T0 - 1000);
	pmc_logview_line(&v, 4, "api", false, "now", 3, 0);
	pmc_logview_line(&v, -1, "pmcd", false, "d", 1, 0);
	/* Lines the daemon wrote as JSON objects pass through (compacted); others are text. */
	{
		static const char logged[] = "{\"message\":\"m\", \"timestamp\":\"t\",\"type\":\"out\","
					     "\"process_id\":4,\"app_name\":\"api\"}";
		static const char other[] = "{\"level\":\"info\"}";
		pmc_logview_line(&v, 4, "api", false, logged, strlen(logged), 0);
		pmc_logview_line(&v, 4, "api", false, other, strlen(other), 0);
	}
	assert_string_equal(
		view_text(&v, &buf),
		"{\"message\":\"say \\\"hi\\\"\",\"timestamp\":\"2026-11-25T10:28:57.334Z\","
		"\"type\":\"err\",\"process_id\":4,\"app_name\":\"api\"}\n"
		"{\"message\":\"now\",\"timestamp\":\"2026-11-25T10:28:58.334Z\",\"type\":\"out\","
		"\"process_id\":4,\"app_name\":\"api\"}\n"
		"{\"message\":\"d\",\"timestamp\":\"2026-11-25T10:28:58.334Z\",\"type\":\"out\","
		"\"process_id\":-1,\"app_name\":\"pmcd\"}\n"
		"{\"message\":\"m\",\"timestamp\":\"t\",\"type\":\"out\",\"process_id\":4,"
		"\"app_name\":\"api\"}\n"
		"{\"message\":\"{\\\"level\\\":\\\"info\\\"}\",\"timestamp\":"
		"\"2026-11-25T10:28:58.334Z\",\"type\":\"out\",\"process_id\":4,\"app_name\":\"api\"}\n");
	free(buf);
}

static void test_logview_notes(void **state)
{
	struct pmc_logview v;
	cJSON *note;
	char *buf;
	size_t len;

	(void)state;
	view_open(&v, &buf, &len);
	note = cJSON_Parse("{\"pm_id\":2,\"name\":\"web\",\"stream\":\"err\","
			   "\"data\":\"one\\ntwo\\n\\nfour\\n\",\"at\":1}");
	pmc_logview_note(&v, note);
	cJSON_Delete(note);
	/* A last line without its newline still prints; a note without data prints nothing. */
	note = cJSON_Parse("{\"pm_id\":3,\"name\":\"db\",\"stream\":\"out\",\"data\":\"tail\"}");
	pmc_logview_note(&v, note);
	cJSON_Delete(note);
	note = cJSON_Parse("{\"pm_id\":3,\"name\":\"db\",\"stream\":\"out\"}");
	pmc_logview_note(&v, note);
	cJSON_Delete(note);
	assert_string_equal(view_text(&v, &buf),
			    "2|web | one\n2|web | two\n2|web | \n2|web | four\n3|db  | tail\n");
	free(buf);
}

static void test_time_tokens(void **state)
{
	static const struct {
		const char *fmt, *want;
	} cases[] = {
		{ "YYYY-MM-DD HH:mm:ss Z", "2026-11-25 10:28:58 +00:00" },
		{ "YY/M/D H:m:s.SSS ZZ", "26/11/25 10:28:58.334 +0000" },
		{ "dddd ddd dd d MMMM MMM", "Wednesday Wed We 3 November Nov" },
		{ "hh:mm A a h", "10:28 AM am 10" },
		{ "X x", "1795602538 1795602538334" },
		{ "[YYYY at] HH [o'clock]", "YYYY at 10 o'clock" },
		/* An unclosed bracket is itself, and tokens follow it. */
		{ "[YY", "[26" },
		{ "-:/ ,.T", "-:/ ,.T" },
		{ "", "" },
	};
	char buf[128];
	size_t i;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = pmc_logview_format_time(cases[i].fmt, T0, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
	/* Local time with its offset; 12-hour clock past noon. */
	setenv("TZ", "EST5", 1);
	tzset();
	pmc_logview_format_time("YYYY-MM-DDTHH:mm:ssZ hh A", T0, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-25T05:28:58-05:00 05 AM");
	setenv("TZ", "UTC-14", 1);
	tzset();
	pmc_logview_format_time("HH hh h a ZZ D", T0, buf, sizeof buf);
	assert_string_equal(buf, "00 12 12 am +1400 26");
	setenv("TZ", "UTC", 1);
	tzset();
	pmc_logview_format_time("HH h A", T0 + 3 * 3600000LL, buf, sizeof buf);
	assert_string_equal(buf, "13 1 PM");
	/* The buffer bounds the text, always terminated. */
	assert_int_equal(pmc_logview_format_time("YYYY-MM-DD", T0, buf, 5), 4);
	assert_string_equal(buf, "2026");
	assert_int_equal(pmc_logview_format_time("YYYY", T0, buf, 0), 0);

	assert_true(pmc_logview_is_time_format("HH:mm"));
	assert_true(pmc_logview_is_time_format("YYYY"));
	assert_true(pmc_logview_is_time_format("x-DD"));
	assert_true(pmc_logview_is_time_format("[at] h"));
	assert_false(pmc_logview_is_time_format("api"));
	assert_false(pmc_logview_is_time_format("all"));
	assert_false(pmc_logview_is_time_format("12"));
	assert_false(pmc_logview_is_time_format("comm-ss"));
}

#define LOG_NOTE(params) "{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":" params "}\n"

/* A stream of notifications in a socketpair; the writer end stays with the caller. */
static void stream_client(struct pmc_client *c, int *writer, const char *script)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(write(sv[1], script, strlen(script)), (ssize_t)strlen(script));
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	pmc_client_init(c);
	c->fd = sv[0];
	pmc_frame_init(&c->frame, PMC_CLIENT_READ_MAX);
	*writer = sv[1];
}

static void test_logview_stream(void **state)
{
	static const char script[] =
		LOG_NOTE("{\"pm_id\":0,\"name\":\"api\",\"stream\":\"out\",\"data\":\"a\\nb\\n\"}")
		"{\"jsonrpc\":\"2.0\",\"method\":\"other\",\"params\":{\"data\":\"no\\n\"}}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}\n"
		LOG_NOTE("{\"pm_id\":1,\"name\":\"web\",\"stream\":\"err\",\"data\":\"c\\n\"}");
	struct pmc_client c;
	struct pmc_logview v;
	int writer, stop[2];
	char *buf;
	size_t len;

	(void)state;
	/* The daemon hangs up: everything sent before is printed, then -ECONNRESET. */
	stream_client(&c, &writer, script);
	close(writer);
	view_open(&v, &buf, &len);
	assert_int_equal(pmc_logview_stream(&v, &c, -1), -ECONNRESET);
	assert_string_equal(view_text(&v, &buf), "0|api | a\n0|api | b\n1|web | c\n");
	free(buf);
	pmc_client_close(&c);

	/* Lines already read come first; then the stop fd ends the stream with 0. */
	stream_client(&c, &writer, "");
	assert_int_equal(pmc_frame_feed(&c.frame, script, strlen(script)), 0);
	assert_int_equal(pipe(stop), 0);
	assert_int_equal(write(stop[1], "x", 1), 1);
	view_open(&v, &buf, &len);
	assert_int_equal(pmc_logview_stream(&v, &c, stop[0]), 0);
	assert_string_equal(view_text(&v, &buf), "0|api | a\n0|api | b\n1|web | c\n");
	free(buf);
	pmc_client_close(&c);
	close(writer);
	close(stop[0]);
	close(stop[1]);

	/* Garbage on the stream. */
	stream_client(&c, &writer, LOG_NOTE("{\"pm_id\":0,\"name\":\"a\",\"data\":\"ok\\n\"}")
				   "not json\n");
	view_open(&v, &buf, &len);
	v.raw = true;
	assert_int_equal(pmc_logview_stream(&v, &c, -1), -EBADMSG);
	assert_string_equal(view_text(&v, &buf), "ok\n");
	free(buf);
	pmc_client_close(&c);
	close(writer);
}

/* A private directory with log files for `pmc logs` against a fake daemon. */
struct logdir {
	char dir[64];
	char path[6][128];
};

static void logdir_make(struct logdir *d)
{
	static const char *const names[] = { "pmcd.log",       "api-out.log", "api-error.log",
					     "worker-out.log", "worker.log",  "web-out.log" };
	static const char *const content[] = { "daemon up\n", "a1\na2\na3\nlate\n", NULL,
					       "w1\nw2", "w1\nboom\n", "" };
	size_t i;

	strcpy(d->dir, "/tmp/pmc-test-logs-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	for (i = 0; i < 6; i++) {
		snprintf(d->path[i], sizeof d->path[i], "%s/%s", d->dir, names[i]);
		if (content[i]) {
			FILE *f = fopen(d->path[i], "w");
			assert_non_null(f);
			fputs(content[i], f);
			fclose(f);
		}
	}
}

static void logdir_remove(struct logdir *d)
{
	size_t i;

	for (i = 0; i < 6; i++)
		unlink(d->path[i]);
	assert_int_equal(rmdir(d->dir), 0);
}

/* The logs answer for d, then notes. Caller frees. */
/* The daemon's answer to logs, then notes. With daemon_log, pmcd.log is the first file, as
 * the daemon answers for every app and both streams. */
static char *logs_script(const struct logdir *d, bool daemon_log, const char *notes)
{
	char *s = NULL, *first = NULL;

	if (daemon_log)
		assert_true(asprintf(&first,
				     "{\"pm_id\":-1,\"name\":\"pmcd\",\"stream\":\"out\","
				     "\"path\":\"%s\",\"size\":10},",
				     d->path[0]) > 0);
	assert_true(asprintf(&s,
			     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"subscribed\":[0,1],"
			     "\"files\":[%s"
			     "{\"pm_id\":0,\"name\":\"api\",\"stream\":\"out\",\"path\":\"%s\","
			     "\"size\":9},"
			     "{\"pm_id\":0,\"name\":\"api\",\"stream\":\"err\",\"path\":\"%s\","
			     "\"size\":0},"
			     "{\"pm_id\":1,\"name\":\"worker\",\"stream\":\"out\",\"path\":\"%s\","
			     "\"size\":5},"
			     "{\"pm_id\":1,\"name\":\"worker\",\"stream\":\"combined\","
			     "\"path\":\"%s\",\"size\":8},"
			     "{\"pm_id\":2,\"name\":\"web\",\"stream\":\"combined\",\"path\":\"%s\","
			     "\"size\":0}]}}\n%s",
			     first ? first : "", d->path[1], d->path[2], d->path[3], d->path[4],
			     d->path[5], notes) > 0);
	free(first);
	return s;
}

static void test_logs_command(void **state)
{
	static const char notes[] =
		LOG_NOTE("{\"pm_id\":0,\"name\":\"api\",\"stream\":\"out\",\"data\":\"late\\n\"}")
		LOG_NOTE("{\"pm_id\":1,\"name\":\"worker\",\"stream\":\"err\","
			 "\"data\":\"boom\\n\"}");
	/* For every app and both streams, the daemon's own lines come too. */
	static const char daemon_note[] =
		LOG_NOTE("{\"pm_id\":-1,\"name\":\"pmcd\",\"stream\":\"out\","
			 "\"data\":\"app [api:0] exited\\n\"}");
	char all_notes[sizeof notes + sizeof daemon_note];
	struct logdir d;
	struct fake f;
	char *script, *out, *err, *sent, *text, *want;
	cJSON *params;
	int rc;

	(void)state;
	logdir_make(&d);
	snprintf(all_notes, sizeof all_notes, "%s%s", notes, daemon_note);
	script = logs_script(&d, true, all_notes);

	/*
	 * No target: pmcd.log first, each file up to the size the daemon answered,
	 * a combined file only for an app without others, then the stream until
	 * the daemon hangs up (exit 3).
	 */
	fake_daemon(&f, script);
	f.cli.paths.log = d.path[0];
	rc = RUN_FAKE(&f, &out, &err, "logs", "--lines", "2");
	sent = fake_requests(&f);
	assert_int_equal(rc, PMC_EXIT_UNREACHABLE);
	assert_string_equal(err, "pmc: the daemon ended the log stream (it stopped or was killed)\n");
	assert_true(asprintf(&want,
			     "==> %s <==\n"
			     "PMC      | daemon up\n"
			     "==> %s <==\n"
			     "0|api    | a2\n"
			     "0|api    | a3\n"
			     "(no output yet in %s)\n"
			     "==> %s <==\n"
			     "1|worker | w1\n"
			     "1|worker | w2\n"
			     "(no output yet in %s)\n"
			     "0|api    | late\n"
			     "1|worker | boom\n"
			     "PMC      | app [api:0] exited\n",
			     d.path[0], d.path[1], d.path[2], d.path[3], d.path[5]) > 0);
	assert_string_equal(out, want);
	free(want);
	params = sent_params(sent, "logs");
	text = cJSON_PrintUnformatted(params);
	assert_string_equal(text, "{\"follow\":true}");
	free(text);
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);

	/* A target, one stream, --nostream, --raw: no pmcd.log, no stream. */
	free(script);
	script = logs_script(&d, false, notes);
	fake_daemon(&f, script);
	f.cli.paths.log = d.path[0];
	rc = RUN_FAKE(&f, &out, &err, "logs", "api", "--out", "--nostream", "--raw", "--lines",
		      "1");
	sent = fake_requests(&f);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_true(asprintf(&want, "==> %s <==\na3\n(no output yet in %s)\n==> %s <==\nw2\n"
				    "(no output yet in %s)\n",
			     d.path[1], d.path[2], d.path[3], d.path[5]) > 0);
	assert_string_equal(out, want);
	free(want);
	params = sent_params(sent, "logs");
	text = cJSON_PrintUnformatted(params);
	assert_string_equal(text, "{\"targets\":[\"api\"],\"follow\":false,\"out\":true}");
	free(text);
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);

	/* --json: only JSON lines on stdout; the notes about empty files go to stderr. */
	fake_daemon(&f, script);
	rc = RUN_FAKE(&f, &out, &err, "logs", "all", "--json", "--lines", "1", "--err");
	sent = fake_requests(&f);
	assert_int_equal(rc, PMC_EXIT_UNREACHABLE);
	{
		const char *line = out;
		int n = 0;
		while (*line) {
			const char *end = strchr(line, '\n');
			cJSON *obj = cJSON_ParseWithLength(line, (size_t)(end - line));
			assert_non_null(obj);
			assert_non_null(cJSON_GetObjectItem(obj, "message"));
			assert_non_null(cJSON_GetObjectItem(obj, "timestamp"));
			cJSON_Delete(obj);
			line = end + 1;
			n++;
		}
		assert_int_equal(n, 4);
	}
	assert_non_null(strstr(out, "{\"message\":\"boom\",\"timestamp\":"));
	assert_non_null(strstr(out, "\"type\":\"err\",\"process_id\":1,\"app_name\":\"worker\"}\n"));
	assert_non_null(strstr(err, "(no output yet in "));
	assert_non_null(strstr(err, "pmc: the daemon ended the log stream"));
	params = sent_params(sent, "logs");
	text = cJSON_PrintUnformatted(params);
	assert_string_equal(text, "{\"targets\":[\"all\"],\"follow\":true,\"err\":true}");
	free(text);
	cJSON_Delete(params);
	free(sent);
	free(out);
	free(err);

	free(script);

	/* A daemon whose answer lists no files: the paths come from the listing. */
	assert_true(asprintf(&script,
			     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"subscribed\":[0]}}\n"
			     LOG_NOTE("{\"pm_id\":0,\"name\":\"api\",\"stream\":\"out\","
				      "\"data\":\"x\\n\"}")
			     "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[{\"pm_id\":0,"
			     "\"name\":\"api\",\"pm2_env\":{\"pm_out_log_path\":\"%s\","
			     "\"pm_err_log_path\":\"%s\"}},{\"pm_id\":1,\"name\":\"other\","
			     "\"pm2_env\":{\"pm_out_log_path\":\"%s\"}}]}\n",
			     d.path[1], d.path[2], d.path[3]) > 0);
	fake_daemon(&f, script);
	rc = RUN_FAKE(&f, &out, &err, "logs", "api", "--lines", "2");
	free(fake_requests(&f));
	assert_int_equal(rc, PMC_EXIT_UNREACHABLE);
	assert_true(asprintf(&want, "==> %s <==\n0|api | a3\n0|api | late\n(no output yet in %s)\n"
				    "0|api | x\n",
			     d.path[1], d.path[2]) > 0);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(err);
	free(script);
	logdir_remove(&d);
}

static void test_logs_errors_and_interrupt(void **state)
{
	struct fake f;
	char *out, *err, *script;
	sigset_t mask, pending, old;
	struct logdir d;
	int rc;

	(void)state;
	/* An unknown target: the daemon's error with its suggestion, exit 1. */
	fake_daemon(&f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":"
			"\"no app named 'apii'\",\"data\":{\"target\":\"apii\",\"suggestion\":"
			"\"api\"}}}\n");
	rc = RUN_FAKE(&f, &out, &err, "logs", "apii");
	free(fake_requests(&f));
	assert_int_equal(rc, PMC_EXIT_DAEMON);
	assert_string_equal(out, "");
	assert_string_equal(err, "pmc: no app named 'apii' (did you mean 'api'?)\n");
	free(out);
	free(err);

	/* Ctrl-C while following: exit 0, nothing on stderr, the signal consumed. */
	logdir_make(&d);
	script = logs_script(&d, false, "");
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, &old);
	raise(SIGINT);
	fake_daemon(&f, script);
	rc = RUN_FAKE(&f, &out, &err, "logs", "api");
	free(fake_requests(&f));
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_non_null(strstr(out, "0|api    | a3\n"));
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGINT));
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(out);
	free(err);
	free(script);
	logdir_remove(&d);
}

static void test_render_describe_logs(void **state)
{
	cJSON *result = cJSON_Parse(
		"{\"processes\":[{\"pid\":0,\"name\":\"api\",\"pm_id\":0,\"pm2_env\":{"
		"\"pm_out_log_path\":\"/h/logs/api-out.log\",\"pm_log_path\":\"/h/logs/api.log\","
		"\"merge_logs\":true,\"time\":true,\"log_date_format\":null,\"log_type\":\"json\","
		"\"log_max_size\":10485760,\"log_retain\":5,\"log_rotate_names\":\"date\","
		"\"log_compress\":false,\"log_error\":\"ENOSPC: no space left on device\","
		"\"log_error_at\":1795602538334,\"log_dropped\":2048}}],\"events\":[]}");
	char *out;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	out = pmc_render_describe(result, false, T0);
	assert_true(has_kv(out, "out log path", "/h/logs/api-out.log"));
	assert_true(has_kv(out, "combined log path", "/h/logs/api.log"));
	assert_true(has_kv(out, "merge logs", "true"));
	assert_true(has_kv(out, "log time", "true"));
	assert_true(has_kv(out, "log date format", "N/A"));
	assert_true(has_kv(out, "log type", "json"));
	assert_true(has_kv(out, "log max size", "10.0mb"));
	assert_true(has_kv(out, "log retain", "5"));
	assert_true(has_kv(out, "log rotate names", "date"));
	assert_true(has_kv(out, "log compress", "false"));
	assert_true(has_kv(out, "log error",
			   "ENOSPC: no space left on device (at 2026-11-25T10:28:58+00:00)"));
	assert_true(has_kv(out, "log dropped", "2.0kb"));
	free(out);
	cJSON_Delete(result);

	/* A healthy app without rotation; rows the daemon did not send stay out. */
	result = cJSON_Parse("{\"processes\":[{\"pid\":0,\"name\":\"api\",\"pm_id\":0,\"pm2_env\":{"
			     "\"log_max_size\":0,\"log_error\":null,\"log_dropped\":0}}]}");
	out = pmc_render_describe(result, false, T0);
	assert_true(has_kv(out, "log max size", "none (never rotated)"));
	assert_true(has_kv(out, "log error", "none"));
	assert_false(has_key(out, "log dropped"));
	assert_false(has_key(out, "combined log path"));
	assert_false(has_key(out, "log compress"));
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
		cmocka_unit_test(test_instances_flag),
		cmocka_unit_test(test_cluster_flags),
		cmocka_unit_test(test_listen_flag),
		cmocka_unit_test(test_scale_args),
		cmocka_unit_test(test_reload_args),
		cmocka_unit_test(test_persist_args),
		cmocka_unit_test(test_help_commands),
		cmocka_unit_test(test_reload_progress),
		cmocka_unit_test(test_reload_failure),
		cmocka_unit_test(test_reload_deadline),
		cmocka_unit_test(test_scale_sends_count_as_typed),
		cmocka_unit_test(test_start_cluster_def),
		cmocka_unit_test(test_format_helpers),
		cmocka_unit_test(test_time_formats),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_render_list),
		cmocka_unit_test(test_render_describe_and_history),
		cmocka_unit_test(test_render_cluster),
		cmocka_unit_test(test_start_log_flags),
		cmocka_unit_test(test_log_optional_value),
		cmocka_unit_test(test_start_log_def),
		cmocka_unit_test(test_logs_args),
		cmocka_unit_test(test_log_help),
		cmocka_unit_test(test_flush_and_reload_logs),
		cmocka_unit_test(test_logview_lines),
		cmocka_unit_test(test_logview_notes),
		cmocka_unit_test(test_time_tokens),
		cmocka_unit_test(test_logview_stream),
		cmocka_unit_test(test_logs_command),
		cmocka_unit_test(test_logs_errors_and_interrupt),
		cmocka_unit_test(test_render_describe_logs),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
