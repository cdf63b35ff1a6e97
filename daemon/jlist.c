/* SPDX-License-Identifier: MIT */
/* List entries in PM2's jlist shape, so tools written for `pm2 jlist` read them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "instance.h"
#include "logs.h"
#include "metrics.h"
#include "proc.h"
#include "registry.h"
#include "triggers.h"

static cJSON *strv_to_json(char **v)
{
	cJSON *arr = cJSON_CreateArray();

	for (; v && *v; v++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(*v));
	return arr;
}

static void add_string_or_null(cJSON *obj, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(obj, key, value);
	else
		cJSON_AddNullToObject(obj, key);
}

static void add_log_path(cJSON *env, const char *key, struct pmc_instance *inst, bool err)
{
	char *path = pmc_app_log_path(&inst->app->def, inst->daemon->paths.logs_dir, err,
				      inst->pm_id);

	add_string_or_null(env, key, path ? path : "/dev/null");
	free(path);
}

/* Where the logs go, how they look and rotate, and whether writing them fails. */
static void add_logs(cJSON *env, struct pmc_instance *inst)
{
	const struct pmc_app_def *def = &inst->app->def;
	const char *logs_dir = inst->daemon->paths.logs_dir;
	char *paths[3] = {
		pmc_app_log_path(def, logs_dir, false, inst->pm_id),
		pmc_app_log_path(def, logs_dir, true, inst->pm_id),
		pmc_app_combined_log_path(def, logs_dir, inst->pm_id),
	};
	const struct pmc_logfile_opts *conf = pmc_logs_defaults();

	if (paths[2])
		cJSON_AddStringToObject(env, "pm_log_path", paths[2]);
	cJSON_AddBoolToObject(env, "time", def->time);
	add_string_or_null(env, "log_date_format", def->log_date_format);
	cJSON_AddStringToObject(env, "log_type", def->log_type ? def->log_type : "raw");
	cJSON_AddNumberToObject(env, "log_max_size",
				(double)(def->log_max_size >= 0 ? def->log_max_size : conf->max_size));
	cJSON_AddNumberToObject(env, "log_retain",
				def->log_retain >= 0 ? def->log_retain : conf->retain);
	cJSON_AddStringToObject(env, "log_rotate_names",
				(def->log_rotate_names >= 0 ? def->log_rotate_names == 1
							    : conf->date_names)
					? "date"
					: "number");
	cJSON_AddBoolToObject(env, "log_compress",
			      def->log_compress >= 0 ? def->log_compress == 1 : conf->compress);
	pmc_logs_status_json(env, (const char *const *)paths, 3);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
}

/* Names of the user's env, never the values: listings must not leak secrets. */
static cJSON *env_keys(const struct pmc_app_def *def)
{
	cJSON *keys = cJSON_CreateArray();
	const cJSON *item;

	cJSON_ArrayForEach(item, def->env)
		cJSON_AddItemToArray(keys, cJSON_CreateString(item->string));
	return keys;
}

static void add_policy(cJSON *env, const struct pmc_app_def *def)
{
	const struct pmc_sup_policy *p = &def->policy;
	cJSON *codes = cJSON_CreateArray();
	size_t i;

	cJSON_AddBoolToObject(env, "autorestart", p->autorestart);
	cJSON_AddNumberToObject(env, "min_uptime", (double)p->min_uptime);
	cJSON_AddNumberToObject(env, "max_restarts", p->max_restarts);
	cJSON_AddNumberToObject(env, "restart_delay", (double)p->restart_delay);
	cJSON_AddNumberToObject(env, "exp_backoff_restart_delay",
				(double)p->exp_backoff_restart_delay);
	cJSON_AddNumberToObject(env, "kill_timeout", (double)p->kill_timeout);
	cJSON_AddStringToObject(env, "kill_signal", def->kill_signal ? def->kill_signal : "SIGINT");
	for (i = 0; i < p->n_stop_exit_codes; i++)
		cJSON_AddItemToArray(codes, cJSON_CreateNumber(p->stop_exit_codes[i]));
	cJSON_AddItemToObject(env, "stop_exit_codes", codes);
	cJSON_AddBoolToObject(env, "wait_ready", def->ready_message);
	cJSON_AddNumberToObject(env, "listen_timeout", (double)p->listen_timeout);
}

cJSON *pmc_instance_to_json(struct pmc_instance *inst)
{
	const struct pmc_app_def *def = &inst->app->def;
	const struct pmc_sup *sup = &inst->sup;
	cJSON *entry = cJSON_CreateObject();
	cJSON *env = cJSON_CreateObject();

	cJSON_AddNumberToObject(entry, "pid", sup->running ? inst->pid : 0);
	cJSON_AddStringToObject(entry, "name", def->name);
	cJSON_AddNumberToObject(entry, "pm_id", inst->pm_id);
	cJSON_AddItemToObject(entry, "monit", pmc_metrics_monit_to_json(inst, false));

	cJSON_AddStringToObject(env, "name", def->name);
	cJSON_AddStringToObject(env, "namespace", "default");
	cJSON_AddStringToObject(env, "status", pmc_status_name(sup->status));
	cJSON_AddNumberToObject(env, "restart_time", sup->restart_time);
	cJSON_AddNumberToObject(env, "unstable_restarts", sup->unstable_restarts);
	cJSON_AddNumberToObject(env, "pm_uptime", (double)sup->started_at);
	cJSON_AddNumberToObject(env, "created_at", (double)sup->created_at);
	cJSON_AddStringToObject(env, "exec_mode", def->cluster ? "cluster_mode" : "fork_mode");
	if (def->listen && def->listen[0])
		cJSON_AddItemToObject(env, "listen", strv_to_json(def->listen));
	cJSON_AddStringToObject(env, "instance_var", def->instance_var ? def->instance_var : "NODE_APP_INSTANCE");
	cJSON_AddBoolToObject(env, "shutdown_with_message", def->shutdown_with_message);
	if (def->port)
		cJSON_AddNumberToObject(env, "port", def->port);
	cJSON_AddNumberToObject(env, "instances", def->instances);
	add_string_or_null(env, "pm_exec_path", def->exec_path ? def->exec_path : def->script);
	cJSON_AddStringToObject(env, "pm_cwd", def->cwd);
	add_string_or_null(env, "exec_interpreter", def->exec_interpreter);
	cJSON_AddItemToObject(env, "args", strv_to_json(def->args));
	cJSON_AddItemToObject(env, "interpreter_args", strv_to_json(def->interpreter_args));
	if (sup->exit_code >= 0)
		cJSON_AddNumberToObject(env, "exit_code", sup->exit_code);
	else
		cJSON_AddNullToObject(env, "exit_code");
	add_string_or_null(env, "exit_signal",
			   sup->exit_signal ? pmc_signal_name(sup->exit_signal) : NULL);
	add_log_path(env, "pm_out_log_path", inst, false);
	add_log_path(env, "pm_err_log_path", inst, true);
	cJSON_AddNumberToObject(env, "pm_id", inst->pm_id);
	cJSON_AddNumberToObject(env, "NODE_APP_INSTANCE", inst->index);
	cJSON_AddNumberToObject(env, "prev_restart_delay", (double)sup->prev_restart_delay);
	add_policy(env, def);
	if (def->max_memory_restart > 0)
		cJSON_AddNumberToObject(env, "max_memory_restart", (double)def->max_memory_restart);
	cJSON_AddBoolToObject(env, "merge_logs", def->merge_logs);
	add_logs(env, inst);
	add_string_or_null(env, "username", inst->daemon->username);
	cJSON_AddItemToObject(env, "env_keys", env_keys(def));
	add_string_or_null(env, "last_error", sup->last_error);
	pmc_triggers_to_json(inst->app, env);
	cJSON_AddItemToObject(entry, "pm2_env", env);
	return entry;
}

cJSON *pmc_event_to_json(const struct pmc_store_event *ev)
{
	cJSON *obj = cJSON_CreateObject();

	cJSON_AddNumberToObject(obj, "id", (double)ev->id);
	cJSON_AddNumberToObject(obj, "at", (double)ev->at);
	add_string_or_null(obj, "app", ev->app);
	cJSON_AddNumberToObject(obj, "pm_id", ev->pm_id);
	cJSON_AddNumberToObject(obj, "pid", ev->pid);
	add_string_or_null(obj, "kind", ev->kind);
	if (ev->exit_code >= 0)
		cJSON_AddNumberToObject(obj, "exit_code", ev->exit_code);
	else
		cJSON_AddNullToObject(obj, "exit_code");
	add_string_or_null(obj, "signal", ev->signal ? pmc_signal_name(ev->signal) : NULL);
	if (ev->runtime_ms >= 0)
		cJSON_AddNumberToObject(obj, "runtime_ms", (double)ev->runtime_ms);
	else
		cJSON_AddNullToObject(obj, "runtime_ms");
	add_string_or_null(obj, "reason", ev->reason);
	return obj;
}
