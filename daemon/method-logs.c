/* SPDX-License-Identifier: MIT */
/*
 * RPC logs {"targets"?: [string], "follow"?: bool, "out"?: bool, "err"?: bool}.
 * Targets are names, pm_ids or "all" (none: every app). out/err pick the
 * streams (default both; "out": true alone means only out, and so on).
 * Answers {"subscribed": [pm_ids], "files": [{"pm_id","name","stream":
 * "out"|"err"|"combined","path","size"}]}: size is what the file held when the
 * answer was made, so a client can print a file's tail up to there and then
 * the notifications, without a gap or a line twice. With follow, notifications
 * follow on the same connection, method "log", params {"pm_id","name",
 * "stream":"out"|"err","data": whole lines as written to the file (with their
 * timestamp prefix or as JSON lines when the app logs so),"at": ms since the
 * epoch when they arrived}, for the same apps (restarted or scaled instances
 * too; with no target, apps started later as well), until the client hangs up.
 * With every app and both streams, pmcd.log is the first file (pm_id -1, name
 * "pmcd") and the daemon's own lines are notified as they are logged.
 * A client that lets more than 8 MiB pile up holds those apps back, and is
 * dropped after 3 s of that.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "logs.h"
#include "methods.h"
#include "xmalloc.h"

static const struct pmc_param params[] = {
	{ "err", PMC_PARAM_BOOL, false },
	{ "follow", PMC_PARAM_BOOL, false },
	{ "out", PMC_PARAM_BOOL, false },
	{ "targets", PMC_PARAM_STRINGS, false },
};

static bool flag(const cJSON *p, const char *name, bool *given)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(p, name);

	*given = item != NULL;
	return cJSON_IsTrue(item);
}

static void add_file(cJSON *files, const struct pmc_instance *inst, const char *stream,
		     char *path)
{
	struct pmc_logfile *f;
	struct pmc_logfile_status st;
	struct stat sb;
	cJSON *item;

	if (!path)
		return;
	item = cJSON_CreateObject();
	cJSON_AddNumberToObject(item, "pm_id", inst->pm_id);
	cJSON_AddStringToObject(item, "name", inst->app->def.name);
	cJSON_AddStringToObject(item, "stream", stream);
	cJSON_AddStringToObject(item, "path", path);
	f = pmc_logfile_find(path);
	if (f)
		pmc_logfile_status(f, &st);
	else
		st.size = stat(path, &sb) == 0 ? sb.st_size : 0;
	cJSON_AddNumberToObject(item, "size", (double)st.size);
	cJSON_AddItemToArray(files, item);
	free(path);
}

/* pmcd.log, as PM2 shows pm2.log with every app's logs. */
static void add_daemon_log(cJSON *files)
{
	const char *path = pmc_logs_daemon_log();
	struct stat sb;
	cJSON *item;

	if (!path)
		return;
	item = cJSON_CreateObject();
	cJSON_AddNumberToObject(item, "pm_id", -1);
	cJSON_AddStringToObject(item, "name", "pmcd");
	cJSON_AddStringToObject(item, "stream", "out");
	cJSON_AddStringToObject(item, "path", path);
	cJSON_AddNumberToObject(item, "size", stat(path, &sb) == 0 ? (double)sb.st_size : 0);
	cJSON_AddItemToArray(files, item);
}

static bool all_given(const cJSON *targets)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, targets)
		if (strcmp(t->valuestring, "all") == 0)
			return true;
	return !targets || cJSON_GetArraySize(targets) == 0;
}

/* The apps' names, each once (NULL-terminated, owned). */
static char **app_names(struct pmc_instance **insts, size_t n)
{
	char **names = xcalloc(n + 1, sizeof *names);
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (i == 0 || insts[i]->app != insts[i - 1]->app)
			names[k++] = xstrdup(insts[i]->app->def.name);
	return names;
}

static void method_logs(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(p, "targets");
	bool out_given, err_given, follow_given;
	bool out = flag(p, "out", &out_given), err = flag(p, "err", &err_given);
	bool follow = flag(p, "follow", &follow_given), every = all_given(targets);
	struct pmc_instance **insts = NULL, *inst;
	cJSON *result, *ids, *files, *data = NULL;
	char *cause = NULL;
	size_t n = 0, i;

	if (!out_given)
		out = !(err_given && err);
	if (!err_given)
		err = !(out_given && out);
	if (!every && pmc_registry_resolve(&d->registry, targets, &insts, &n, &cause, &data) < 0) {
		pmc_call_error(call, PMC_RPC_NOT_FOUND, cause, data);
		free(cause);
		return;
	}
	if (every) {
		for (inst = d->registry.instances; inst; inst = inst->next)
			n++;
		insts = xcalloc(n ? n : 1, sizeof *insts);
		for (i = 0, inst = d->registry.instances; inst; inst = inst->next)
			insts[i++] = inst;
	}
	result = cJSON_CreateObject();
	ids = cJSON_AddArrayToObject(result, "subscribed");
	files = cJSON_AddArrayToObject(result, "files");
	if (every && out && err)
		add_daemon_log(files);
	for (i = 0; i < n; i++) {
		const struct pmc_app_def *def = &insts[i]->app->def;
		const char *dir = d->paths.logs_dir;
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(insts[i]->pm_id));
		if (out)
			add_file(files, insts[i], "out",
				 pmc_app_log_path(def, dir, false, insts[i]->pm_id));
		if (err)
			add_file(files, insts[i], "err",
				 pmc_app_log_path(def, dir, true, insts[i]->pm_id));
		add_file(files, insts[i], "combined",
			 pmc_app_combined_log_path(def, dir, insts[i]->pm_id));
	}
	if (follow) {
		void *f = pmc_logs_follow(d->loop, call, every ? NULL : app_names(insts, n), out,
					  err, every && out && err);
		pmc_call_reply_stream(call, result, pmc_logs_follower_closed, f);
	} else {
		pmc_call_reply(call, result);
	}
	free(insts);
}

const struct pmc_method pmc_method_logs = { "logs", method_logs, params, 4, 0 };
