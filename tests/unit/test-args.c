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
#include <sys/socket.h>
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

		/* "1" fits every positional: a script, a target, a count. */

		/* One fewer than the minimum. */
		if (c->min_args > 0) {
			for (k = 0; k < c->min_args - 1; k++)
				argv[2 + k] = "1";
			parse(&p, 2 + c->min_args - 1, argv);
			assert_int_equal(p.rc, -EINVAL);
			assert_non_null(strstr(p.cause, "missing argument"));
			assert_ptr_equal(p.cmd, c);
			done(&p);
		}
		/* Exactly the minimum and exactly the maximum are fine. */
		for (k = 0; k < c->min_args; k++)
			argv[2 + k] = "1";
		parse(&p, 2 + c->min_args, argv);
		assert_int_equal(p.rc, 0);
		assert_ptr_equal(p.cmd, c);
		assert_int_equal(p.args.pos.n, (size_t)c->min_args);
		done(&p);
		if (c->max_args < 0) {
			for (k = 0; k < 8; k++)
				argv[2 + k] = "1";
			parse(&p, 10, argv);
			assert_int_equal(p.rc, 0);
			done(&p);
			continue;
		}
		/* One more than the maximum. */
		for (k = 0; k <= c->max_args; k++)
			argv[2 + k] = k == c->max_args ? "extra" : "1";
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
	assert_int_equal(n, 16);
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
	PARSE_FAILS("reload: missing argument (usage: pmc reload TARGET... [--parallel K] [--json])",
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
	assert_non_null(strstr(out, "Usage: pmc reload TARGET... [--parallel K]"));
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
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
