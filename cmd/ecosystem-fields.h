/* SPDX-License-Identifier: MIT */
/* The fields of an ecosystem app: names, aliases, and the check and form of each value. */
#ifndef PMC_CMD_ECOSYSTEM_FIELDS_H
#define PMC_CMD_ECOSYSTEM_FIELDS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum pmc_eco_field_kind {
	PMC_ECO_F_STRING,  /* a non-empty string */
	PMC_ECO_F_NAME,    /* an app name */
	PMC_ECO_F_WORDS,   /* an array of strings, or a string split shell-style */
	PMC_ECO_F_STRINGS, /* an array of strings, or one string */
	PMC_ECO_F_BOOL,
	PMC_ECO_F_COUNT,        /* an integer >= 0 */
	PMC_ECO_F_INSTANCES,    /* an integer, or "max" */
	PMC_ECO_F_EXEC_MODE,    /* fork[_mode] or cluster[_mode] */
	PMC_ECO_F_ENV,          /* an object; values become strings */
	PMC_ECO_F_DURATION,     /* ms, or a string with a unit */
	PMC_ECO_F_SIZE,         /* bytes, or a string with a unit */
	PMC_ECO_F_CODES,        /* an integer or an array of integers */
	PMC_ECO_F_PATH,         /* a path, resolved against the app's cwd */
	PMC_ECO_F_LOG_FILE,     /* true, false or a path */
	PMC_ECO_F_WATCH,        /* true, false, a path or an array of paths */
	PMC_ECO_F_PORT,         /* 1..65535, also as a string of digits */
	PMC_ECO_F_CRON,         /* a pattern; false or 0: none */
	PMC_ECO_F_LOG_TYPE,     /* json or raw */
	PMC_ECO_F_ROTATE,       /* number or date */
	PMC_ECO_F_ENV_NAME,     /* an environment variable name */
	PMC_ECO_F_DISABLE_LOGS, /* true: out and error to /dev/null */
	PMC_ECO_F_UNSUPPORTED,  /* a PM2 field pmc has no use for: warned about, ignored */
};

/* Fields of an app, PM2 names first, then aliases. */
struct pmc_eco_field {
	const char *name;
	enum pmc_eco_field_kind kind;
	const char *aliases[4];
};

/* The field called key (a PM2 name, an alias, or either in camelCase), or NULL. */
const struct pmc_eco_field *pmc_eco_field_find(const char *key);
/* How many fields there are, and f's place among them (for "given twice"). */
size_t pmc_eco_field_count(void);
size_t pmc_eco_field_index(const struct pmc_eco_field *f);

/*
 * The value v of field f in the form the daemon takes: numbers for durations
 * and sizes, arrays for lists, absolute nothing (paths are resolved later).
 * NULL with *why ("must be true or false"; caller frees) for a wrong type or
 * value; *omit for a value that means "not set" (cron_restart: false) and for
 * fields without a value of their own (unsupported ones).
 */
cJSON *pmc_eco_field_convert(const struct pmc_eco_field *f, const cJSON *v, bool *omit, char **why);
/* An env object as an object of strings (PM2's conversions), or NULL with *why. */
cJSON *pmc_eco_env_object(const cJSON *v, char **why);
/* later's variables over base's (both objects of strings). */
void pmc_eco_env_merge(cJSON *base, const cJSON *later);

#endif
