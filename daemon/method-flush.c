/* SPDX-License-Identifier: MIT */
/*
 * RPC flush {"targets"?: [string]}: empty the log files (out, error, combined)
 * of the target apps; with no targets, of every app and pmcd.log too.
 * Answers {"files": [paths emptied]} once they are empty.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "logs.h"
#include "methods.h"
#include "xmalloc.h"

static const struct pmc_param params[] = {
	{ "targets", PMC_PARAM_STRINGS, false },
};

struct flush {
	struct pmc_call *call;
	cJSON *files; /* emptied */
	cJSON *seen;  /* asked for */
	int left;
};

struct one {
	struct flush *flush;
	char *path;
};

static void flush_unref(struct flush *fl)
{
	cJSON *result;

	if (--fl->left > 0)
		return;
	result = cJSON_CreateObject();
	cJSON_AddItemToObject(result, "files", fl->files);
	pmc_call_reply(fl->call, result);
	cJSON_Delete(fl->seen);
	free(fl);
}

static void one_done(int n, void *data)
{
	struct one *o = data;

	if (n > 0)
		cJSON_AddItemToArray(o->flush->files, cJSON_CreateString(o->path));
	flush_unref(o->flush);
	free(o->path);
	free(o);
}

/* Each path once: merged logs share files between instances. */
static void flush_path(struct flush *fl, char *path)
{
	const cJSON *seen;
	struct one *o;

	if (!path)
		return;
	for (seen = fl->seen->child; seen; seen = seen->next)
		if (strcmp(seen->valuestring, path) == 0)
			break;
	if (seen) {
		free(path);
		return;
	}
	cJSON_AddItemToArray(fl->seen, cJSON_CreateString(path));
	o = xcalloc(1, sizeof *o);
	o->flush = fl;
	o->path = path;
	fl->left++;
	pmc_logs_truncate(path, one_done, o);
}

static void method_flush(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(p, "targets");
	struct pmc_instance **insts = NULL, *inst;
	struct flush *fl;
	cJSON *data = NULL;
	char *cause = NULL;
	size_t n = 0, i;
	bool everything = !targets || cJSON_GetArraySize(targets) == 0;

	if (everything) {
		for (inst = d->registry.instances; inst; inst = inst->next)
			n++;
		insts = xcalloc(n ? n : 1, sizeof *insts);
		for (i = 0, inst = d->registry.instances; inst; inst = inst->next)
			insts[i++] = inst;
	} else if (pmc_registry_resolve(&d->registry, targets, &insts, &n, &cause, &data) < 0) {
		pmc_call_error(call, PMC_RPC_NOT_FOUND, cause, data);
		free(cause);
		return;
	}
	fl = xcalloc(1, sizeof *fl);
	fl->call = call;
	fl->files = cJSON_CreateArray();
	fl->seen = cJSON_CreateArray();
	fl->left = 1;
	for (i = 0; i < n; i++) {
		const struct pmc_app_def *def = &insts[i]->app->def;
		int id = insts[i]->pm_id;
		flush_path(fl, pmc_app_log_path(def, d->paths.logs_dir, false, id));
		flush_path(fl, pmc_app_log_path(def, d->paths.logs_dir, true, id));
		flush_path(fl, pmc_app_combined_log_path(def, d->paths.logs_dir, id));
	}
	if (everything && pmc_logs_truncate_daemon_log() == 0)
		cJSON_AddItemToArray(fl->files, cJSON_CreateString(pmc_logs_daemon_log()));
	free(insts);
	flush_unref(fl);
}

const struct pmc_method pmc_method_flush = { "flush", method_flush, params, 1, 0 };
