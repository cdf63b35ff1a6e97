/* SPDX-License-Identifier: MIT */
/* Ecosystem files: check PM2's apps[] fields and turn each app into a start definition. */
#include "ecosystem.h"
#include "ecosystem-fields.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "name.h"
#include "xmalloc.h"

/* ---- Reporting ---------------------------------------------------------- */

/* Errors and warnings as they pile up. */
struct report {
	char *errors;
	size_t n_errors;
	char **warnings;
	size_t n_warnings;
	const char *file; /* base name, leads every line */
};

static void report_error(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_error(struct report *r, const char *fmt, ...)
{
	va_list ap;
	char *line, *all;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	all = r->errors ? xasprintf("%s\n%s: %s", r->errors, r->file, line)
	                : xasprintf("%s: %s", r->file, line);
	free(r->errors);
	free(line);
	r->errors = all;
	r->n_errors++;
}

static void report_warning(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_warning(struct report *r, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	r->warnings = xrealloc(r->warnings, (r->n_warnings + 1) * sizeof *r->warnings);
	r->warnings[r->n_warnings++] = xasprintf("%s: %s", r->file, line);
	free(line);
}

/* ---- Paths -------------------------------------------------------------- */

/* "/a/./b//../c" → "/a/c", lexically (as node's path.resolve). */
static char *path_normalize(const char *path)
{
	size_t len = strlen(path), n = 0;
	char *out = xmalloc(len + 2);
	const char *p = path;

	while (*p) {
		size_t seg;

		while (*p == '/')
			p++;
		seg = strcspn(p, "/");
		if (seg == 0)
			break;
		if (seg == 1 && p[0] == '.') {
			/* nothing */
		} else if (seg == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			out[n++] = '/';
			memcpy(out + n, p, seg);
			n += seg;
		}
		p += seg;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* path made absolute against dir (itself absolute), normalized. */
static char *path_join(const char *dir, const char *path)
{
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", dir, path);
	char *out = path_normalize(joined);

	free(joined);
	return out;
}

/* "~/x" → $HOME/x, as PM2 does for paths in a file. */
static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && (path[1] == '/' || !path[1]) && home && *home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

static void resolve_path_member(cJSON *def, const char *key, const char *cwd)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(def, key);
	char *home, *abs;

	if (!cJSON_IsString(v))
		return;
	/* No file at all: kept as it is, whatever the folder. */
	if (strcmp(v->valuestring, "NULL") == 0 || strcmp(v->valuestring, "/dev/null") == 0)
		return;
	home = expand_home(v->valuestring);
	abs = path_join(cwd, home);
	cJSON_ReplaceItemInObjectCaseSensitive(def, key, cJSON_CreateString(abs));
	free(abs);
	free(home);
}

/*
 * A script that names a file relative to the app's cwd becomes absolute; a
 * bare program name (looked up in PATH) and a command line stay as they are.
 */
static void resolve_script(cJSON *def, const char *cwd)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(def, "script");
	const char *s = cJSON_GetStringValue(v);
	struct stat st;
	char *home, *abs;

	if (!s || strpbrk(s, " \t"))
		return;
	home = expand_home(s);
	abs = path_join(cwd, home);
	if (home[0] == '/' || strchr(home, '/') || stat(abs, &st) == 0)
		cJSON_ReplaceItemInObjectCaseSensitive(def, "script", cJSON_CreateString(abs));
	free(abs);
	free(home);
}

static void resolve_watch(cJSON *def, const char *cwd)
{
	cJSON *watch = cJSON_GetObjectItemCaseSensitive(def, "watch");
	cJSON *el;

	if (!cJSON_IsArray(watch))
		return;
	cJSON_ArrayForEach(el, watch)
	{
		char *home = expand_home(el->valuestring);
		char *abs = path_join(cwd, home);
		cJSON_SetValuestring(el, abs);
		free(abs);
		free(home);
	}
}

/* ---- Apps --------------------------------------------------------------- */

/* "app 'api'" or "apps[2]" for messages. */
static char *app_label(const cJSON *app, size_t index)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app, "name"));
	const char *script = NULL;
	char *derived, *label;

	if (name && *name)
		return xasprintf("app '%s'", name);
	for (size_t k = 0; !script && k < 4; k++) {
		static const char *const keys[] = {"script", "exec", "cmd", "command"};
		script = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(app, keys[k]));
	}
	if (!script || !*script)
		return xasprintf("apps[%zu]", index);
	derived = pmc_name_from_script(script);
	label = xasprintf("app '%s'", derived);
	free(derived);
	return label;
}

/* What parse_app needs besides the app itself. */
struct context {
	const char *dir;
	const char *profile;
	const cJSON *deploy_env; /* deploy[profile].env, or NULL */
	struct report *report;
};

/* One member of an app: into def, or a warning, or an error. */
static void parse_member(const struct context *c, const char *label, const cJSON *m, cJSON *def,
                         cJSON **profile_env, const char **given_as)
{
	const struct pmc_eco_field *f = pmc_eco_field_find(m->string);
	char *why = NULL;
	cJSON *value;
	bool omit;

	if (strncmp(m->string, "env_", 4) == 0 && m->string[4]) {
		/* env_<profile>: checked whether chosen or not. */
		value = pmc_eco_env_object(m, &why);
		if (!value) {
			report_error(c->report, "%s: %s %s", label, m->string, why);
			free(why);
		} else if (c->profile && strcmp(m->string + 4, c->profile) == 0) {
			cJSON_Delete(*profile_env);
			*profile_env = value;
		} else {
			cJSON_Delete(value);
		}
		return;
	}
	if (!f) {
		report_warning(c->report, "%s: unknown field '%s' (ignored)", label, m->string);
		return;
	}
	if (f->kind == PMC_ECO_F_UNSUPPORTED) {
		report_warning(c->report, "%s: field '%s' is not supported by pmc (ignored)", label,
		               m->string);
		return;
	}
	if (given_as[pmc_eco_field_index(f)]) {
		report_error(c->report, "%s: '%s' and '%s' set the same field", label,
		             given_as[pmc_eco_field_index(f)], m->string);
		return;
	}
	given_as[pmc_eco_field_index(f)] = m->string;
	if (cJSON_IsNull(m))
		return; /* null: unset, as PM2 */
	value = pmc_eco_field_convert(f, m, &omit, &why);
	if (!value) {
		report_error(c->report, "%s: %s %s", label, m->string, why);
		free(why);
		return;
	}
	/* disable_logs: a mark for parse_app, which knows the other log fields. */
	if (f->kind == PMC_ECO_F_DISABLE_LOGS && !omit)
		cJSON_AddTrueToObject(def, "disable_logs");
	else if (!omit && f->kind != PMC_ECO_F_DISABLE_LOGS)
		cJSON_AddItemToObject(def, f->name, value);
	if (omit || f->kind == PMC_ECO_F_DISABLE_LOGS)
		cJSON_Delete(value);
}

/* The definition of one app, or NULL after reporting why. */
static cJSON *parse_app(const struct context *c, const cJSON *app, size_t index, char **name_out)
{
	const char **given_as = xcalloc(pmc_eco_field_count(), sizeof *given_as);
	cJSON *def = cJSON_CreateObject(), *profile_env = NULL, *env;
	char *label = app_label(app, index), *cwd;
	size_t errors_before = c->report->n_errors;
	const cJSON *m;
	const char *script;

	*name_out = NULL;
	if (!cJSON_IsObject(app)) {
		report_error(c->report, "apps[%zu] must be an object", index);
		goto fail;
	}
	cJSON_ArrayForEach(m, app)
	{
		parse_member(c, label, m, def, &profile_env, given_as);
	}
	script = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(def, "script"));
	if (!script && !given_as[pmc_eco_field_index(pmc_eco_field_find("script"))])
		report_error(c->report, "%s: script is required", label);
	if (c->report->n_errors > errors_before)
		goto fail;

	/* env < env_<profile>, with deploy[profile].env below both (as PM2). */
	env = cJSON_CreateObject();
	if (c->deploy_env)
		pmc_eco_env_merge(env, c->deploy_env);
	pmc_eco_env_merge(env, cJSON_GetObjectItemCaseSensitive(def, "env"));
	if (profile_env)
		pmc_eco_env_merge(env, profile_env);
	else if (c->profile && !c->deploy_env)
		report_warning(c->report, "%s: no env_%s (only env is used)", label, c->profile);
	cJSON_DeleteItemFromObjectCaseSensitive(def, "env");
	cJSON_AddItemToObject(def, "env", env);

	/* The app's folder anchors every other relative path. */
	m = cJSON_GetObjectItemCaseSensitive(def, "cwd");
	if (m) {
		char *home = expand_home(m->valuestring);
		cwd = path_join(c->dir, home);
		free(home);
	} else {
		cwd = xstrdup(c->dir);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(def, "cwd");
	cJSON_AddStringToObject(def, "cwd", cwd);
	resolve_script(def, cwd);
	resolve_path_member(def, "out_file", cwd);
	resolve_path_member(def, "error_file", cwd);
	resolve_path_member(def, "log_file", cwd);
	resolve_watch(def, cwd);
	free(cwd);

	/* disable_logs: both streams to /dev/null unless a file is named. */
	if (cJSON_GetObjectItemCaseSensitive(def, "disable_logs")) {
		cJSON_DeleteItemFromObjectCaseSensitive(def, "disable_logs");
		if (!cJSON_GetObjectItemCaseSensitive(def, "out_file"))
			cJSON_AddStringToObject(def, "out_file", "/dev/null");
		if (!cJSON_GetObjectItemCaseSensitive(def, "error_file"))
			cJSON_AddStringToObject(def, "error_file", "/dev/null");
	}
	/* As on the command line: instances or sockets to share mean cluster mode. */
	if (!cJSON_GetObjectItemCaseSensitive(def, "exec_mode") &&
	    (cJSON_GetObjectItemCaseSensitive(def, "instances") ||
	     cJSON_GetObjectItemCaseSensitive(def, "port") ||
	     cJSON_GetObjectItemCaseSensitive(def, "listen")))
		cJSON_AddStringToObject(def, "exec_mode", "cluster");

	m = cJSON_GetObjectItemCaseSensitive(def, "name");
	if (m) {
		*name_out = xstrdup(m->valuestring);
	} else {
		*name_out = pmc_name_from_script(
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(def, "script")));
		cJSON_AddStringToObject(def, "name", *name_out);
	}
	cJSON_Delete(profile_env);
	free(label);
	free(given_as);
	return def;
fail:
	cJSON_Delete(profile_env);
	cJSON_Delete(def);
	free(label);
	free(given_as);
	return NULL;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The apps array of the top-level value, or NULL after reporting why. */
static const cJSON *apps_of(const cJSON *root, cJSON **single, struct report *r,
                            const cJSON **deploy)
{
	const cJSON *apps, *m;

	*single = NULL;
	*deploy = NULL;
	if (cJSON_IsArray(root))
		return root;
	if (!cJSON_IsObject(root)) {
		report_error(r,
		             "the file must hold {\"apps\": [...]}, an array of apps or one app");
		return NULL;
	}
	apps = cJSON_GetObjectItemCaseSensitive(root, "apps");
	if (!apps) {
		/* One app on its own, as PM2 takes it. */
		*single = cJSON_CreateArray();
		cJSON_AddItemReferenceToArray(*single, (cJSON *)root);
		return *single;
	}
	if (!cJSON_IsArray(apps)) {
		report_error(r, "apps must be an array of apps");
		return NULL;
	}
	cJSON_ArrayForEach(m, root)
	{
		if (strcmp(m->string, "apps") == 0)
			continue;
		if (strcmp(m->string, "deploy") == 0)
			*deploy = m; /* only its env profiles matter to pmc */
		else
			report_warning(r, "unknown top-level field '%s' (ignored)", m->string);
	}
	return apps;
}

/* deploy[profile].env as an object of strings, or NULL. */
static cJSON *deploy_env(const cJSON *deploy, const char *profile, struct report *r)
{
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(deploy, profile);
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(target, "env");
	char *why = NULL;
	cJSON *out;

	if (!profile || !env)
		return NULL;
	out = pmc_eco_env_object(env, &why);
	if (!out) {
		report_error(r, "deploy.%s.env %s", profile, why);
		free(why);
	}
	return out;
}

static void check_only(const struct pmc_eco_opts *opts, struct pmc_eco *eco, struct report *r)
{
	size_t i, k, kept = 0;

	for (i = 0; i < opts->n_only; i++)
		if (!pmc_eco_app_find(eco, opts->only[i]))
			report_error(r, "--only: no app named '%s' in the file", opts->only[i]);
	for (k = 0; k < eco->n_apps; k++) {
		bool wanted = false;
		for (i = 0; i < opts->n_only && !wanted; i++)
			wanted = strcmp(opts->only[i], eco->apps[k].name) == 0;
		if (wanted) {
			eco->apps[kept++] = eco->apps[k];
		} else {
			free(eco->apps[k].name);
			cJSON_Delete(eco->apps[k].def);
		}
	}
	eco->n_apps = kept;
}

int pmc_eco_parse(const cJSON *root, const char *path, const struct pmc_eco_opts *opts,
                  struct pmc_eco *eco, char **cause)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct report r = {.file = base};
	const cJSON *apps, *deploy, *app;
	cJSON *single, *denv = NULL;
	struct context c;
	size_t i = 0, k;

	memset(eco, 0, sizeof *eco);
	eco->path = xstrdup(path);
	eco->dir = dir_of(path);
	apps = apps_of(root, &single, &r, &deploy);
	if (apps && cJSON_GetArraySize(apps) == 0)
		report_error(&r, "no apps");
	if (apps && opts->profile)
		denv = deploy_env(deploy, opts->profile, &r);
	c = (struct context){eco->dir, opts->profile, denv, &r};
	cJSON_ArrayForEach(app, apps)
	{
		char *name;
		cJSON *def = parse_app(&c, app, i++, &name);
		if (!def)
			continue;
		for (k = 0; k < eco->n_apps && strcmp(eco->apps[k].name, name) != 0; k++)
			;
		if (k < eco->n_apps) {
			report_error(&r, "two apps are named '%s' (give each its own name)", name);
			free(name);
			cJSON_Delete(def);
			continue;
		}
		eco->apps = xrealloc(eco->apps, (eco->n_apps + 1) * sizeof *eco->apps);
		eco->apps[eco->n_apps++] = (struct pmc_eco_app){name, def};
	}
	if (opts->n_only && r.n_errors == 0)
		check_only(opts, eco, &r);
	cJSON_Delete(single);
	cJSON_Delete(denv);
	eco->warnings = r.warnings;
	eco->n_warnings = r.n_warnings;
	if (r.n_errors) {
		*cause = r.errors;
		pmc_eco_free(eco);
		return -EINVAL;
	}
	return 0;
}

const struct pmc_eco_app *pmc_eco_app_find(const struct pmc_eco *eco, const char *name)
{
	for (size_t i = 0; i < eco->n_apps; i++)
		if (strcmp(eco->apps[i].name, name) == 0)
			return &eco->apps[i];
	return NULL;
}

void pmc_eco_free(struct pmc_eco *eco)
{
	size_t i;

	for (i = 0; i < eco->n_apps; i++) {
		free(eco->apps[i].name);
		cJSON_Delete(eco->apps[i].def);
	}
	for (i = 0; i < eco->n_warnings; i++)
		free(eco->warnings[i]);
	free(eco->warnings);
	free(eco->apps);
	free(eco->path);
	free(eco->dir);
	memset(eco, 0, sizeof *eco);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls > lx && strcmp(s + ls - lx, suffix) == 0 && s[ls - lx - 1] != '/';
}

enum pmc_eco_kind pmc_eco_kind_of(const char *arg)
{
	if (ends_with(arg, ".json"))
		return PMC_ECO_JSON;
	if (ends_with(arg, ".config.js") || ends_with(arg, ".config.cjs") ||
	    ends_with(arg, ".config.mjs"))
		return PMC_ECO_JS;
	if (ends_with(arg, ".yml") || ends_with(arg, ".yaml"))
		return PMC_ECO_YAML;
	return PMC_ECO_NONE;
}
