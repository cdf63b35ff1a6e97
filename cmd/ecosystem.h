/* SPDX-License-Identifier: MIT */
/* Ecosystem files (PM2's apps[] in JSON or JS): read, check, and turn into start definitions. */
#ifndef PMC_CMD_ECOSYSTEM_H
#define PMC_CMD_ECOSYSTEM_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a file name says it holds. */
enum pmc_eco_kind {
	PMC_ECO_NONE, /* not an ecosystem file: a script */
	PMC_ECO_JSON, /* *.json */
	PMC_ECO_JS,   /* *.config.js, *.config.cjs, *.config.mjs: evaluated by node */
	PMC_ECO_YAML, /* *.yml, *.yaml: recognised, not supported */
};

/* The kind of file arg names, by its name alone (as PM2 decides). */
enum pmc_eco_kind pmc_eco_kind_of(const char *arg);

/* How to read a file. */
struct pmc_eco_opts {
	const char *profile;     /* --env NAME: env < env_NAME, or NULL */
	const char *const *only; /* --only names (n_only of them), or NULL: every app */
	size_t n_only;
	int64_t node_timeout_ms; /* JS evaluation; 0: 10 s */
};

/* One app of the file. */
struct pmc_eco_app {
	char *name; /* given, or derived from the script as the daemon does */
	cJSON *def; /* the start definition: PM2 field names, absolute cwd and paths, merged env */
};

struct pmc_eco {
	char *path;               /* absolute path of the file */
	char *dir;                /* its folder: relative paths resolve against it */
	struct pmc_eco_app *apps; /* in file order, only the --only ones */
	size_t n_apps;
	char **warnings; /* "app 'api': unknown field 'foo' (ignored)" */
	size_t n_warnings;
};

/*
 * Check the top-level value of a file (an object with apps[], an array of apps
 * or one app) at path (absolute; its folder anchors relative paths) and build
 * every app's definition. Every app is checked, also those --only leaves out;
 * an unknown field is a warning, a wrong type or value an error naming the app
 * and the field. Returns 0 with *eco filled (free with pmc_eco_free), or
 * -EINVAL with *cause listing every error, one per line (caller frees).
 */
int pmc_eco_parse(const cJSON *root, const char *path, const struct pmc_eco_opts *opts,
                  struct pmc_eco *eco, char **cause);

/*
 * Read the file at path (relative to the current directory): JSON as is, JS
 * by running `node` (which must be in PATH) to print module.exports as JSON,
 * then pmc_eco_parse(). 0, or a negative errno with *cause set (caller frees):
 * -ENOENT for a missing file or node, -ETIMEDOUT for node taking too long.
 */
int pmc_eco_load(const char *path, const struct pmc_eco_opts *opts, struct pmc_eco *eco,
                 char **cause);

/* The app called name, or NULL. */
const struct pmc_eco_app *pmc_eco_app_find(const struct pmc_eco *eco, const char *name);

void pmc_eco_free(struct pmc_eco *eco);

/*
 * Split a command line the way a POSIX shell splits words: blanks separate,
 * '…' and "…" quote, backslash escapes. Returns an array of strings, or NULL
 * for an unterminated quote.
 */
cJSON *pmc_eco_split_words(const char *text);

/* The starter file `pmc ecosystem` writes: JS (commented) or JSON; simple: one app. */
const char *pmc_eco_template(enum pmc_eco_kind kind, bool simple);

#endif
