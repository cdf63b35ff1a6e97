/* SPDX-License-Identifier: MIT */
/* save/resurrect: named snapshots of the app set in the store, mirrored to a PM2-style dump file.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apps.h"
#include "backup.h"
#include "clock.h"
#include "daemon.h"
#include "instance.h"
#include "jsonrpc.h"
#include "log.h"
#include "name.h"
#include "xmalloc.h"

/* A dump file larger than this is not one pmc wrote. */
#define DUMP_FILE_MAX (64 * 1024 * 1024)

char *pmc_snapshot_file(struct pmc_daemon *d, const char *name)
{
	if (strcmp(name, PMC_SNAPSHOT_DEFAULT) == 0)
		return xasprintf("%s/dump.pmc.json", d->paths.home);
	return xasprintf("%s/dump-%s.pmc.json", d->paths.home, name);
}

/*
 * One app as a dump entry: the stored definition (PM2 ecosystem names) plus
 * the PM2 dump fields a reader looks for first: status and pm_exec_path.
 */
static cJSON *app_entry(const struct pmc_app *app)
{
	cJSON *entry = pmc_app_def_to_json(&app->def);

	cJSON_AddStringToObject(entry, "status", app->desired_online ? "online" : "stopped");
	if (app->def.exec_path)
		cJSON_AddStringToObject(entry, "pm_exec_path", app->def.exec_path);
	return entry;
}

/* Write text to path through path.tmp (0600) and a rename; 0 or -errno with *cause. */
static int write_file_atomic(const char *path, const char *text, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path);
	size_t len = strlen(text), off = 0;
	int fd, err = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	/* An existing file keeps its mode otherwise: this one may hold secrets. */
	if (fchmod(fd, 0600) < 0)
		err = -errno;
	while (err == 0 && off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = -errno;
		else
			off += (size_t)n;
	}
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) < 0)
		err = -errno;
out:
	if (err < 0) {
		*cause = xasprintf("cannot write %s: %s", path, strerror(-err));
		unlink(tmp);
	}
	free(tmp);
	return err;
}

int pmc_snapshot_save(struct pmc_daemon *d, const char *name, bool force, cJSON **result,
                      char **cause)
{
	cJSON *list = cJSON_CreateArray();
	char *text = NULL, *file = NULL;
	struct pmc_app *app;
	int n = 0, code = 0, err;

	*result = NULL;
	if (!pmc_name_valid(name)) {
		*cause = xasprintf("invalid snapshot name '%s' (use letters, digits, '.', '_' and "
		                   "'-', at most %d, not starting with '.')",
		                   name, PMC_NAME_MAX);
		code = PMC_RPC_BAD_ARGUMENT;
		goto out;
	}
	for (app = d->registry.apps; app; app = app->next) {
		if (app->deleting)
			continue;
		cJSON_AddItemToArray(list, app_entry(app));
		n++;
	}
	if (n == 0 && !force) {
		*cause =
		    xasprintf("no apps to save: snapshot '%s' is kept as it was (save an empty "
		              "list with --force)",
		              name);
		code = PMC_RPC_CONFLICT;
		goto out;
	}
	text = cJSON_Print(list);
	err = pmc_store_dump_put(d->store, name, text);
	if (err < 0) {
		*cause =
		    xasprintf("cannot save snapshot '%s': %s", name, pmc_store_errmsg(d->store));
		code = PMC_RPC_STORE_FAILED;
		goto out;
	}
	file = pmc_snapshot_file(d, name);
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "name", name);
	cJSON_AddNumberToObject(*result, "apps", n);
	cJSON_AddNumberToObject(*result, "saved_at", (double)pmc_clock_wall_ms());
	/* The store holds the snapshot; the file is for people, so its failure is a warning. */
	{
		char *why = NULL;
		if (write_file_atomic(file, text, &why) < 0) {
			pmc_log_warn("%s", why);
			cJSON_AddStringToObject(*result, "file_error", why);
			free(why);
		} else {
			cJSON_AddStringToObject(*result, "file", file);
		}
	}
	pmc_log_info("saved %d app%s as snapshot '%s'", n, n == 1 ? "" : "s", name);
	pmc_backup_write(d);
out:
	free(file);
	free(text);
	cJSON_Delete(list);
	return code;
}

cJSON *pmc_snapshot_list(struct pmc_daemon *d, char **cause)
{
	struct pmc_store_dump *dumps = NULL;
	cJSON *list;
	size_t n = 0, i;

	if (pmc_store_dump_list(d->store, &dumps, &n) < 0) {
		*cause = xasprintf("cannot list snapshots: %s", pmc_store_errmsg(d->store));
		return NULL;
	}
	list = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *entry = cJSON_CreateObject();
		char *json = NULL;
		cJSON *apps = NULL;

		cJSON_AddStringToObject(entry, "name", dumps[i].name);
		cJSON_AddNumberToObject(entry, "saved_at", (double)dumps[i].saved_at);
		if (pmc_store_dump_get(d->store, dumps[i].name, &json) == 0)
			apps = cJSON_Parse(json);
		cJSON_AddNumberToObject(entry, "apps", cJSON_GetArraySize(apps));
		cJSON_Delete(apps);
		free(json);
		cJSON_AddItemToArray(list, entry);
	}
	pmc_store_dumps_free(dumps, n);
	return list;
}

/* The names of the saved snapshots, "a, b", or NULL when there are none (caller frees). */
static char *saved_names(struct pmc_daemon *d)
{
	struct pmc_store_dump *dumps = NULL;
	size_t n = 0, i;
	char *names = NULL;

	if (pmc_store_dump_list(d->store, &dumps, &n) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		char *more =
		    xasprintf("%s%s%s", names ? names : "", names ? ", " : "", dumps[i].name);
		free(names);
		names = more;
	}
	pmc_store_dumps_free(dumps, n);
	return names;
}

/* The dump file's text; -ENOENT when there is none, else -errno / -EFBIG with *cause. */
static int read_dump_file(const char *path, char **text, char **cause)
{
	struct stat st;
	size_t off = 0;
	int fd, err = 0;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > DUMP_FILE_MAX) {
		*cause = xasprintf("%s is not a dump file (not a regular file, or over %d MiB)",
		                   path, DUMP_FILE_MAX >> 20);
		err = -EFBIG;
		goto out;
	}
	*text = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, *text + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	(*text)[off] = '\0';
out:
	close(fd);
	if (err < 0) {
		free(*text);
		*text = NULL;
	}
	return err;
}

/*
 * PM2's dump.pm2 names the script pm_exec_path, the folder pm_cwd and the mode
 * fork_mode/cluster_mode; a hand-written entry may give only an absolute script.
 */
static void accept_pm2_fields(cJSON *entry)
{
	const cJSON *exec = cJSON_GetObjectItemCaseSensitive(entry, "pm_exec_path");
	cJSON *mode = cJSON_GetObjectItemCaseSensitive(entry, "exec_mode");
	const cJSON *pm_cwd = cJSON_GetObjectItemCaseSensitive(entry, "pm_cwd");
	const char *script;
	char *suffix;

	if (!cJSON_GetObjectItemCaseSensitive(entry, "script") && cJSON_IsString(exec))
		cJSON_AddStringToObject(entry, "script", exec->valuestring);
	/* No cwd: PM2's pm_cwd, else the folder of an absolute script. */
	script = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "script"));
	if (!cJSON_GetObjectItemCaseSensitive(entry, "cwd")) {
		if (cJSON_IsString(pm_cwd)) {
			cJSON_AddStringToObject(entry, "cwd", pm_cwd->valuestring);
		} else if (script && script[0] == '/') {
			size_t len = (size_t)(strrchr(script, '/') - script);
			char *dir = len ? xstrndup(script, len) : xstrdup("/");

			cJSON_AddStringToObject(entry, "cwd", dir);
			free(dir);
		}
	}
	if (cJSON_IsString(mode) && (suffix = strstr(mode->valuestring, "_mode")) &&
	    suffix[5] == '\0') {
		char *plain = xstrndup(mode->valuestring, (size_t)(suffix - mode->valuestring));
		cJSON_ReplaceItemInObjectCaseSensitive(entry, "exec_mode",
		                                       cJSON_CreateString(plain));
		free(plain);
	}
}

static void add_failed(cJSON *failed, const char *name, const char *error)
{
	cJSON *entry = cJSON_CreateObject();

	cJSON_AddStringToObject(entry, "name", name ? name : "?");
	cJSON_AddStringToObject(entry, "error", error);
	cJSON_AddItemToArray(failed, entry);
}

/* Create one app from its entry and start it (or keep it stopped); 0 or -1 with *cause. */
static int bring_back(struct pmc_daemon *d, cJSON *entry, struct pmc_app **out, char **cause)
{
	const char *status =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "status"));
	struct pmc_app_def def = {0};
	struct pmc_app *app;
	size_t i;
	int err;

	*out = NULL;
	accept_pm2_fields(entry);
	if (pmc_app_def_from_json(entry, &def, cause) < 0 || pmc_app_resolve(&def, cause) < 0) {
		pmc_app_def_free(&def);
		return -1;
	}
	err = pmc_apps_create(d, &def, &app, cause);
	pmc_app_def_free(&def);
	if (err < 0)
		return -1;
	if (status && strcmp(status, "online") != 0) {
		app->desired_online = false;
		pmc_apps_save(d, app);
		return 0;
	}
	for (i = 0; i < app->n_instances; i++) {
		err = pmc_instance_handle(app->instances[i], PMC_SUP_START);
		if (err < 0 && err != -EALREADY)
			break;
	}
	if (err < 0 && err != -EALREADY) {
		/* As start does: a spawn that cannot happen keeps nothing. */
		*cause =
		    xstrdup(app->instances[i]->sup.last_error ? app->instances[i]->sup.last_error
		                                              : "spawn failed");
		app->deleting = true;
		for (i = 0; i < app->n_instances; i++)
			pmc_instance_handle(app->instances[i], PMC_SUP_STOP);
		pmc_daemon_delete_when_stopped(d, app);
		return -1;
	}
	*out = app;
	return 0;
}

static bool app_running(const struct pmc_app *app)
{
	for (size_t i = 0; i < app->n_instances; i++)
		if (!pmc_instance_stopped(app->instances[i]))
			return true;
	return false;
}

/*
 * An app that exists (say, stopped by `pmc kill`, which keeps the store) but
 * was saved online and runs no process: start it again, as `pmc start NAME`
 * would. Running apps, apps saved stopped and apps being deleted are left
 * alone. True when it was started.
 */
static bool wake_existing(struct pmc_daemon *d, struct pmc_app *app, const cJSON *entry)
{
	const char *status =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "status"));

	if (app->deleting || app->reloading || app_running(app) ||
	    (status && strcmp(status, "online") != 0))
		return false;
	app->desired_online = true;
	pmc_apps_save(d, app);
	for (size_t i = 0; i < app->n_instances; i++)
		pmc_instance_handle(app->instances[i], PMC_SUP_START);
	return true;
}

/* The snapshot's JSON text: the store first, then the dump file. */
static int load_snapshot(struct pmc_daemon *d, const char *name, char **text, const char **source,
                         char **cause)
{
	char *file, *names;
	int err;

	err = pmc_store_dump_get(d->store, name, text);
	if (err == 0) {
		*source = "store";
		return 0;
	}
	if (err != -ENOENT) {
		*cause =
		    xasprintf("cannot read snapshot '%s': %s", name, pmc_store_errmsg(d->store));
		return PMC_RPC_STORE_FAILED;
	}
	file = pmc_snapshot_file(d, name);
	err = read_dump_file(file, text, cause);
	free(file);
	if (err == 0) {
		*source = "file";
		return 0;
	}
	if (err != -ENOENT)
		return PMC_RPC_BAD_ARGUMENT;
	names = saved_names(d);
	if (names)
		*cause = xasprintf("no snapshot named '%s' (saved: %s)", name, names);
	else
		*cause = xasprintf("no snapshot named '%s': nothing was saved yet (run 'pmc save')",
		                   name);
	free(names);
	return PMC_RPC_NOT_FOUND;
}

int pmc_snapshot_resurrect(struct pmc_daemon *d, const char *name, cJSON **result,
                           struct pmc_instance ***insts, size_t *n_insts, char **cause)
{
	cJSON *list = NULL, *entry, *done, *present, *failed;
	struct pmc_instance **started = NULL;
	size_t n_started = 0, i;
	const char *source = NULL;
	char *text = NULL;
	int code;

	*result = NULL;
	if (insts) {
		*insts = NULL;
		*n_insts = 0;
	}
	if (!pmc_name_valid(name)) {
		*cause = xasprintf("invalid snapshot name '%s'", name);
		return PMC_RPC_BAD_ARGUMENT;
	}
	code = load_snapshot(d, name, &text, &source, cause);
	if (code)
		return code;
	list = cJSON_Parse(text);
	if (!cJSON_IsArray(list)) {
		char *file = pmc_snapshot_file(d, name);
		*cause =
		    strcmp(source, "file") == 0
		        ? xasprintf("%s is not a dump file (expected a JSON array of apps)", file)
		        : xasprintf("snapshot '%s' in the store is not a JSON array", name);
		free(file);
		code = PMC_RPC_BAD_ARGUMENT;
		goto out;
	}
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "name", name);
	cJSON_AddStringToObject(*result, "source", source);
	done = cJSON_AddArrayToObject(*result, "resurrected");
	present = cJSON_AddArrayToObject(*result, "present");
	failed = cJSON_AddArrayToObject(*result, "failed");
	cJSON_ArrayForEach(entry, list) {
		const char *app_name =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "name"));
		struct pmc_app *app;
		char *why = NULL;

		if (!cJSON_IsObject(entry) || !app_name || !pmc_name_valid(app_name)) {
			add_failed(failed, app_name, "not an app definition with a valid name");
			continue;
		}
		app = pmc_registry_app_find(&d->registry, app_name);
		if (app) {
			if (!wake_existing(d, app, entry)) {
				cJSON_AddItemToArray(present, cJSON_CreateString(app_name));
				continue;
			}
		} else if (bring_back(d, entry, &app, &why) < 0) {
			pmc_log_warn("resurrect: app %s: %s", app_name, why ? why : "failed");
			add_failed(failed, app_name, why ? why : "failed");
			free(why);
			continue;
		}
		cJSON_AddItemToArray(done, cJSON_CreateString(app_name));
		for (i = 0; app && i < app->n_instances; i++) {
			started = xrealloc(started, (n_started + 1) * sizeof *started);
			started[n_started++] = app->instances[i];
		}
	}
	pmc_log_info("resurrect '%s' (from the %s): %d app%s back, %d present, %d failed", name,
	             source, cJSON_GetArraySize(done), cJSON_GetArraySize(done) == 1 ? "" : "s",
	             cJSON_GetArraySize(present), cJSON_GetArraySize(failed));
	if (insts) {
		*insts = started;
		*n_insts = n_started;
		started = NULL;
	}
out:
	free(started);
	free(text);
	cJSON_Delete(list);
	return code;
}
