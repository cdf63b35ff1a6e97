/* SPDX-License-Identifier: MIT */
/* A table-driven command-line flag parser whose result is one plain struct. */
#ifndef PMC_CMD_ARGS_H
#define PMC_CMD_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a flag takes and which field of struct pmc_args it fills. */
enum pmc_flag_kind {
	PMC_FLAG_BOOL,     /* bool: --force */
	PMC_FLAG_TOGGLE,   /* struct pmc_opt_bool: --autorestart / --no-autorestart */
	PMC_FLAG_STRING,   /* const char *: --name NAME */
	PMC_FLAG_INT,      /* struct pmc_opt_int within [min, max]: --lines 20 */
	PMC_FLAG_DURATION, /* struct pmc_opt_int in ms: --kill-timeout 2s */
	PMC_FLAG_KEYVAL,   /* struct pmc_strv of "K=V", repeatable: --env A=1 --env B=2 */
	PMC_FLAG_STRINGS,  /* struct pmc_strv, repeatable: --listen 3000 --listen unix:/s */
	PMC_FLAG_CODES,    /* struct pmc_intv of exit codes, repeatable, comma lists, variadic */
	PMC_FLAG_OPTIONAL, /* struct pmc_opt_str: --log, --log FILE, --log=FILE */
};

struct pmc_flag {
	const char *name;  /* long name without "--"; NULL ends a table */
	const char *alias; /* another long name, or NULL */
	const char *shorts; /* one-letter names ("vV"), or NULL */
	enum pmc_flag_kind kind;
	size_t offset; /* of the field in struct pmc_args */
	int64_t min, max; /* PMC_FLAG_INT only */
	const char *value_name; /* shown in help: "NAME", "DUR" */
	const char *help;
	/*
	 * PMC_FLAG_STRING, PMC_FLAG_STRINGS and PMC_FLAG_OPTIONAL: NULL, or a check
	 * of each value that returns 0, or -EINVAL with *why set (caller frees), e.g.
	 * "invalid count 'x'"; the parser shows it as "--FLAG: <why>".
	 */
	int (*check)(const char *value, char **why);
	/*
	 * PMC_FLAG_OPTIONAL: NULL, or whether the next argument (when it does not
	 * start with '-') is the flag's value rather than a word of its own. NULL
	 * takes any such argument. A value written as --flag=VALUE is always taken.
	 */
	bool (*takes)(const char *next);
};

struct pmc_opt_bool {
	bool set;
	bool value;
};

/* A flag whose value may be left out: set, and value NULL when it was. */
struct pmc_opt_str {
	bool set;
	const char *value;
};

struct pmc_opt_int {
	bool set;
	int64_t value;
};

/* Strings borrowed from argv; the items array is owned by the args. */
struct pmc_strv {
	const char **items;
	size_t n;
};

struct pmc_intv {
	int64_t *items;
	size_t n;
};

/* Everything any command can be given. Strings point into argv. */
struct pmc_args {
	struct pmc_strv pos;         /* positional arguments, in order */
	struct pmc_strv script_args; /* after a bare "--", for commands that take them */
	bool dashdash;               /* a bare "--" was seen */

	/* global */
	bool help;
	bool version;
	bool json;
	struct pmc_opt_bool color;

	/* start */
	const char *name;
	const char *cwd;
	const char *interpreter;
	const char *interpreter_args;
	struct pmc_strv env;
	struct pmc_opt_bool autorestart;
	struct pmc_opt_int min_uptime;
	struct pmc_opt_int max_restarts;
	struct pmc_opt_int restart_delay;
	struct pmc_opt_int exp_backoff_restart_delay;
	struct pmc_opt_int kill_timeout;
	struct pmc_intv stop_exit_codes;
	bool force;
	const char *instances;  /* "4", "max", "0", "-1": checked, sent as a number or "max" */
	const char *exec_mode;  /* "fork" or "cluster" */
	struct pmc_strv listen; /* addresses, checked */
	struct pmc_opt_int port;
	const char *instance_var;
	bool wait_ready;
	struct pmc_opt_int listen_timeout;
	bool shutdown_with_message;
	const char *out_file;         /* -o FILE */
	const char *error_file;       /* -e FILE */
	struct pmc_opt_str log_file;  /* -l [FILE]: combined log */
	bool merge_logs;
	bool time;
	const char *log_date_format;
	const char *log_type;         /* "json" or "raw" */
	const char *log_max_size;     /* "10M": checked */
	struct pmc_opt_int log_retain;
	const char *log_rotate_names; /* "number" or "date" */
	bool log_compress;
	const char *max_memory_restart; /* "200M": checked */
	struct pmc_opt_str watch;       /* --watch [PATH[,PATH...]] */
	struct pmc_strv ignore_watch;   /* patterns, repeatable, comma lists */
	struct pmc_opt_int watch_delay;
	const char *cron_restart;       /* checked */

	/* reload */
	struct pmc_opt_int parallel;

	/* ecosystem files (start, stop, restart, reload, delete, startOr*) */
	struct pmc_strv only; /* --only a,b (repeatable) */
	bool update_env;      /* restart/reload --update-env */

	/* logs */
	struct pmc_opt_int lines;
	bool nostream;
	bool out;
	bool err;
	bool raw;
	struct pmc_opt_str timestamp; /* --timestamp [FMT] */

	/* runtime (and raw above) */
	struct pmc_opt_bool auto_exit;

	/* history */
	struct pmc_opt_int limit;

	/* metrics */
	const char *metrics_listen; /* --listen HOST:PORT */
	bool stop;

	/* help */
	bool commands;

	/* save */
	bool list;

	/* startup, unstartup */
	bool user;
};

/* How to read one stretch of argv. */
struct pmc_args_spec {
	const struct pmc_flag *tables[4]; /* flag tables to accept; NULL ends the list */
	bool script_args;       /* after "--": script args (else positionals) */
	bool stop_at_positional; /* stop before the first positional (the command word) */
};

/*
 * Parse argv[0..argc) into args (which the caller zeroes before the first call;
 * several calls accumulate). Returns how many entries were consumed (argc unless
 * stop_at_positional stopped early), or -EINVAL with *cause set (caller frees),
 * e.g. "unknown flag '--nme' (did you mean '--name'?)".
 */
int pmc_args_parse(struct pmc_args *args, const struct pmc_args_spec *spec, int argc,
		   char **argv, char **cause);
/* Free the arrays held by args (not the borrowed strings). */
void pmc_args_free(struct pmc_args *args);

/* True for "-1", "-2.5": a negative number, which is a positional, not a flag. */
bool pmc_args_is_negative_number(const char *arg);

#endif
