/* SPDX-License-Identifier: MIT */
/* App definitions: decode and check them, resolve what to exec, build argv and env. */
#ifndef PMC_DAEMON_APP_H
#define PMC_DAEMON_APP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisor.h"

/*
 * A definition, as `start` sends it and as the store keeps it (JSON object,
 * PM2 ecosystem field names). Fields after `resolved` are filled by
 * pmc_app_resolve() and are stored too, so a daemon restart needs no CLI.
 */
struct pmc_app_def {
	char *name;              /* valid per pmc_name_valid() */
	char *script;            /* as given: a path, a binary name, or a command with spaces */
	char *cwd;               /* absolute */
	char **args;             /* NULL-terminated */
	char *interpreter;       /* NULL = choose; "none" = exec directly */
	char **interpreter_args; /* NULL-terminated */
	cJSON *env;              /* object of strings given by the user (--env) */
	cJSON *env_inherit;      /* object of strings: the CLI's environment at start */
	int instances;           /* >= 1 */
	bool merge_logs;
	char *out_file;          /* NULL = logs/NAME-out[-ID].log */
	char *err_file;          /* NULL = logs/NAME-error[-ID].log */
	char *kill_signal;       /* "SIGINT" */
	struct pmc_sup_policy policy;  /* policy.wait_ready = cluster || ready_message */
	int *stop_exit_codes;    /* storage behind policy.stop_exit_codes */

	/* Cluster mode (exec_mode "cluster"): shared listening sockets, readiness. */
	bool cluster;
	char **listen;           /* canonical addresses bound before spawn (NULL-terminated) */
	int port;                /* --port: PORT in the env and tcp://0.0.0.0:PORT; 0 = none */
	char *instance_var;      /* "NODE_APP_INSTANCE" */
	bool ready_message;      /* PM2's wait_ready: the app says process.send('ready') */
	bool shutdown_with_message; /* "shutdown" over the IPC channel instead of the signal */

	/* Restarts the daemon decides (PM2 names): file changes and cron times. */
	bool watch;              /* restart when a file below watch_paths changes */
	char **watch_paths;      /* absolute; empty: cwd (NULL-terminated) */
	char **ignore_watch;     /* patterns, besides node_modules and .git (NULL-terminated) */
	int64_t watch_delay;     /* ms of quiet before the restart; 0: a short default */
	char *cron_restart;      /* cron expression (see cron.h), or NULL */

	/* Logs (PM2 names). Tri-states are -1 when unset: pmcd.conf decides. */
	char *log_file;          /* combined log (-l FILE), or NULL */
	bool log_file_default;   /* log_file: true → logs/NAME.log */
	bool time;               /* prefix every line with a timestamp */
	char *log_date_format;   /* dayjs-style format of that timestamp */
	char *log_type;          /* "json" or NULL (raw) */
	int64_t log_max_size;    /* rotate at this many bytes; 0: never; -1: unset */
	int log_retain;          /* rotated files kept; -1: unset */
	int log_rotate_names;    /* 0 numbered, 1 dated; -1: unset */
	int log_compress;        /* gzip rotated files: 0, 1; -1: unset */

	/* Metrics: restart gracefully when the tree's RSS stays above this; 0: never. */
	int64_t max_memory_restart;

	/* Resolved. */
	bool resolved;
	char *exec_path;         /* absolute script path, or NULL for a command string */
	char *exec_interpreter;  /* "node", "python3", "bash", "ruby", "sh", "none" */
	char **argv;             /* NULL-terminated: what execvp gets */
};

/*
 * Decode a definition. Accepts durations as integers (ms) or strings with units
 * ("2s"), sizes likewise; rejects unknown types and invalid names with a cause
 * naming the field (e.g. "kill_timeout must be a duration like 1600 or 2s").
 * Unknown fields are ignored here (the CLI and ecosystem loader warn).
 * Returns 0, or -EINVAL with *cause set (caller frees).
 */
int pmc_app_def_from_json(const cJSON *json, struct pmc_app_def *def, char **cause);
/*
 * The members "env" and "env_inherit" of params (an object), checked and
 * converted as in a definition: *env and *env_inherit get new objects of
 * strings (caller deletes), or NULL for a member that is absent. 0, or -EINVAL
 * with *cause set (caller frees) and both NULL.
 */
int pmc_app_env_decode(const cJSON *params, cJSON **env, cJSON **env_inherit, char **cause);
/* The definition as JSON (caller owns), including resolved fields. */
cJSON *pmc_app_def_to_json(const struct pmc_app_def *def);
void pmc_app_def_free(struct pmc_app_def *def);

/*
 * Decide how to run the app and check that it can run, now, synchronously:
 * script path resolved against cwd; interpreter from `interpreter`, else the
 * extension (.js .mjs .cjs → node, .py → python3, .sh → bash, .rb → ruby), else
 * a shebang, else exec directly (must be executable); a script with spaces that
 * is not a file runs under `sh -c`; a bare word is looked up in PATH. Missing
 * files, directories, non-executables and interpreters not in PATH (the PATH
 * of env/env_inherit) are errors: -ENOENT, -EISDIR, -EACCES, -ENOEXEC with
 * *cause set. Fills the resolved fields.
 */
int pmc_app_resolve(struct pmc_app_def *def, char **cause);

/* The name a script gets when none is given: basename without extension,
 * made valid ("my app.js" → "my-app"); caller frees. */
char *pmc_app_default_name(const char *script);

/*
 * The environment for one instance (NULL-terminated, caller frees each string and
 * the array): env_inherit, then env, then PMC_ID, pm_id, PMC_INSTANCE,
 * NODE_APP_INSTANCE (index) and name.
 */
char **pmc_app_envp(const struct pmc_app_def *def, int pm_id, int index);

/* Log file path for an instance (caller frees): out_file/err_file when set, else
 * logs_dir/NAME-out.log or NAME-error.log, with -PMID before .log when the app has
 * several instances and merge_logs is off. "/dev/null" and "NULL" mean no file:
 * returns NULL then. */
char *pmc_app_log_path(const struct pmc_app_def *def, const char *logs_dir, bool err, int pm_id);

/* The combined log (log_file) of an instance, resolved as the out file is; NULL
 * when there is none (unset, "/dev/null" or "NULL"). Caller frees. */
char *pmc_app_combined_log_path(const struct pmc_app_def *def, const char *logs_dir, int pm_id);

/* Free a NULL-terminated string array. */
void pmc_strv_free(char **v);

#endif
