/* SPDX-License-Identifier: MIT */
/* The pmc command table, the central argument checks, and helpers shared by the commands. */
#ifndef PMC_CMD_CLI_H
#define PMC_CMD_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "client.h"
#include "paths.h"

/* Exit statuses. */
#define PMC_EXIT_OK          0
#define PMC_EXIT_DAEMON      1 /* the daemon reported an error */
#define PMC_EXIT_USAGE       2 /* unknown command or flag, bad arity or value */
#define PMC_EXIT_UNREACHABLE 3 /* daemon unreachable, not started, or another protocol */

/* Deadlines of calls: most answer at once; stops wait for apps to exit. */
#define PMC_CALL_TIMEOUT_MS 30000
#define PMC_STOP_TIMEOUT_MS 120000

/* State of one pmc invocation, handed to the command handlers. */
struct pmc_cli {
	bool color; /* escape codes on stdout */
	bool paths_ready;
	struct pmc_paths paths;
	struct pmc_client client;
	bool connected;
	long long daemon_pid; /* from ping */
};

struct pmc_cli_command;
typedef int (*pmc_cli_run_fn)(struct pmc_cli *cli, const struct pmc_args *args);

/* One entry of the command table. */
struct pmc_cli_command {
	const char *name;
	const char *const *aliases; /* NULL-terminated, or NULL */
	int min_args;               /* positionals */
	int max_args;               /* -1: no limit */
	const struct pmc_flag *flags; /* the command's own flags (NULL-name terminated), or NULL */
	const struct pmc_flag *extra_flags; /* a table shared with other commands, or NULL */
	bool script_args;           /* arguments after "--" go to the script */
	const char *usage;          /* after "pmc NAME " */
	const char *summary;        /* one line */
	const char *details;        /* paragraph for `pmc help NAME`, or NULL */
	pmc_cli_run_fn run;
	/*
	 * NULL, or a check of the positionals once their count is right: 0, or
	 * -EINVAL with *cause set (caller frees), a usage error like a bad flag value.
	 */
	int (*check)(const struct pmc_args *args, char **cause);
};

/* The commands, one per cmd-<verb>.c. */
extern const struct pmc_cli_command pmc_cmd_ecosystem, pmc_cmd_startOrReload,
	pmc_cmd_startOrRestart;
extern const struct pmc_cli_command pmc_cmd_delete, pmc_cmd_describe, pmc_cmd_flush,
	pmc_cmd_help, pmc_cmd_history, pmc_cmd_jlist, pmc_cmd_kill, pmc_cmd_logs, pmc_cmd_ls,
	pmc_cmd_metrics, pmc_cmd_monit,	pmc_cmd_ping, pmc_cmd_reload, pmc_cmd_reloadLogs, pmc_cmd_reset, pmc_cmd_restart,
	pmc_cmd_scale, pmc_cmd_start, pmc_cmd_stop, pmc_cmd_update, pmc_cmd_version;
extern const struct pmc_cli_command pmc_cmd_resurrect, pmc_cmd_save, pmc_cmd_startup,
	pmc_cmd_unstartup;
extern const struct pmc_cli_command pmc_cmd_runtime;
/* The flags of start, which runtime takes too. */
extern const struct pmc_flag pmc_cmd_start_flags[];

/* Flags every command accepts: --json, --no-color, -h/--help, -v/-V/--version. */
extern const struct pmc_flag pmc_cli_global_flags[];

/* Entry point of the pmc program; returns the exit status. */
int pmc_cli_main(int argc, char **argv);

/* The command table, sorted by name; *n gets its length. */
const struct pmc_cli_command *const *pmc_cli_commands(size_t *n);
/* The command called name (or one of its aliases), or NULL. */
const struct pmc_cli_command *pmc_cli_command_find(const char *name);

/* "unknown command 'x'" with the closest command or alias suggested; caller frees. */
char *pmc_cli_unknown_command(const char *word);

/*
 * Parse a whole command line (argv[0] is the program) into args and *cmd
 * (NULL when no command was given). Unknown commands and flags, bad values
 * and wrong positional counts are refused here, once for all commands: the
 * return value is 0, or -EINVAL with *cause set (caller frees); *cmd is then
 * the command when it was recognised. A help request skips the count check.
 * The caller zeroes args first and frees it with pmc_args_free().
 */
int pmc_cli_parse(int argc, char **argv, struct pmc_args *args,
		  const struct pmc_cli_command **cmd, char **cause);

/* Print "pmc: <message>" on stderr. */
void pmc_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Find PMC_HOME; prints the error and returns PMC_EXIT_UNREACHABLE on failure. */
int pmc_cli_paths(struct pmc_cli *cli);
/*
 * Connect to the daemon (starting it when autostart) and ping it, checking its
 * protocol number. Returns 0 or an exit status with the error printed.
 */
int pmc_cli_connect(struct pmc_cli *cli, bool autostart);
/*
 * Call method on the daemon (connecting first when needed). Returns 0 with
 * *result (caller deletes; may be NULL when not wanted), or an exit status with
 * the error printed: PMC_EXIT_DAEMON for errors the daemon reported,
 * PMC_EXIT_UNREACHABLE for a lost connection.
 */
int pmc_cli_call(struct pmc_cli *cli, const char *method, const cJSON *params,
		 int64_t timeout_ms, cJSON **result);
/*
 * pmc_cli_call() that also hands the notifications which arrive before the
 * response to notify (may be NULL), and on an error the daemon reported gives
 * its data in *error_data (may be NULL; caller deletes; NULL when it sent none).
 */
int pmc_cli_call_notify(struct pmc_cli *cli, const char *method, const cJSON *params,
			int64_t timeout_ms, pmc_client_notify_fn notify, void *data,
			cJSON **result, cJSON **error_data);
/*
 * pmc_cli_call() that prints nothing: on an error, *message gets what the
 * daemon (or the lost connection) said (caller frees), to print with context.
 */
int pmc_cli_call_quiet(struct pmc_cli *cli, const char *method, const cJSON *params,
		       int64_t timeout_ms, cJSON **result, char **message);
/* A deadline for calls that wait for stops: PMC_STOP_TIMEOUT_MS plus every kill_timeout. */
int64_t pmc_cli_stop_timeout(struct pmc_cli *cli);
/*
 * A deadline for calls that replace instances one by one (reload, scale):
 * PMC_STOP_TIMEOUT_MS plus every instance's listen_timeout and kill_timeout.
 */
int64_t pmc_cli_replace_timeout(struct pmc_cli *cli);
/* Print the ls table (or with json the listing as one JSON line); 0 or an exit status. */
int pmc_cli_print_list(struct pmc_cli *cli, bool json);
/* Print a JSON value on one line. */
void pmc_cli_print_json(const cJSON *value);
/* {"targets": [args->pos...]} for stop/restart/delete/reset (with --update-env,
 * also "env_inherit": this process's environment). */
cJSON *pmc_cli_targets_params(const struct pmc_args *args);
/* stop/restart/delete/reset: call method on the targets, then print the list. */
int pmc_cli_run_targets(struct pmc_cli *cli, const struct pmc_args *args, const char *method,
			const char *verb_ing);

/* Print the general help (to err when to_stderr) / one command's help. */
void pmc_cli_help_general(bool to_stderr);
void pmc_cli_help_command(const struct pmc_cli_command *cmd);

#endif
