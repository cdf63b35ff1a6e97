/* SPDX-License-Identifier: MIT */
/* The pmc command table, the central argument checks, and helpers shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "jsonrpc.h"
#include "name.h"
#include "render.h"
#include "spawn-daemon.h"
#include "start.h"
#include "version.h"
#include "xmalloc.h"

/* Sorted by name. */
static const struct pmc_cli_command *const commands[] = {
	&pmc_cmd_delete,  &pmc_cmd_describe,   &pmc_cmd_ecosystem, &pmc_cmd_flush, &pmc_cmd_help,
	&pmc_cmd_history, &pmc_cmd_jlist,      &pmc_cmd_kill,      &pmc_cmd_logs,  &pmc_cmd_ls,
	&pmc_cmd_metrics, &pmc_cmd_monit,      &pmc_cmd_ping,      &pmc_cmd_reload, &pmc_cmd_reloadLogs,
	&pmc_cmd_reset,   &pmc_cmd_restart,    &pmc_cmd_resurrect, &pmc_cmd_runtime, &pmc_cmd_save,
	&pmc_cmd_scale,   &pmc_cmd_start,      &pmc_cmd_startOrReload, &pmc_cmd_startOrRestart,
	&pmc_cmd_startup, &pmc_cmd_stop,       &pmc_cmd_unstartup, &pmc_cmd_update, &pmc_cmd_version,
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const struct pmc_flag pmc_cli_global_flags[] = {
	{ .name = "json",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, json),
	  .help = "print JSON instead of a table" },
	{ .name = "color",
	  .kind = PMC_FLAG_TOGGLE,
	  .offset = offsetof(struct pmc_args, color),
	  .help = "no colours (also when NO_COLOR is set or stdout is not a terminal)" },
	{ .name = "help",
	  .shorts = "h",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, help),
	  .help = "print help and exit" },
	{ .name = "version",
	  .shorts = "vV",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, version),
	  .help = "print the version and exit" },
	{ 0 },
};

const struct pmc_cli_command *const *pmc_cli_commands(size_t *n)
{
	*n = N_COMMANDS;
	return commands;
}

const struct pmc_cli_command *pmc_cli_command_find(const char *name)
{
	const char *const *alias;
	size_t i;

	for (i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
		for (alias = commands[i]->aliases; alias && *alias; alias++)
			if (strcmp(*alias, name) == 0)
				return commands[i];
	}
	return NULL;
}

char *pmc_cli_unknown_command(const char *word)
{
	const char *names[64];
	const char *const *alias;
	const char *best;
	size_t i, n = 0;

	for (i = 0; i < N_COMMANDS; i++) {
		names[n++] = commands[i]->name;
		for (alias = commands[i]->aliases; alias && *alias && n < 64; alias++)
			names[n++] = *alias;
	}
	best = pmc_name_closest(word, names, n);
	if (best)
		return xasprintf("unknown command '%s' (did you mean '%s'?)", word, best);
	return xasprintf("unknown command '%s'", word);
}

static int check_arity(const struct pmc_cli_command *cmd, const struct pmc_args *args,
		       char **cause)
{
	size_t n = args->pos.n;

	if (n < (size_t)cmd->min_args) {
		*cause = xasprintf("%s: missing argument (usage: pmc %s %s)", cmd->name, cmd->name,
				   cmd->usage);
		return -EINVAL;
	}
	if (cmd->max_args >= 0 && n > (size_t)cmd->max_args) {
		*cause = xasprintf("%s: unexpected argument '%s' (usage: pmc %s %s)", cmd->name,
				   args->pos.items[cmd->max_args], cmd->name, cmd->usage);
		return -EINVAL;
	}
	return 0;
}

int pmc_cli_parse(int argc, char **argv, struct pmc_args *args,
		  const struct pmc_cli_command **cmd, char **cause)
{
	struct pmc_args_spec spec = { .tables = { pmc_cli_global_flags },
				      .stop_at_positional = true };
	int n, err;

	*cmd = NULL;
	*cause = NULL;
	if (argc > 0) {
		argc--;
		argv++;
	}
	/* Global flags may come before the command word. */
	n = pmc_args_parse(args, &spec, argc, argv, cause);
	if (n < 0)
		return n;
	if (n == argc)
		return 0;
	*cmd = pmc_cli_command_find(argv[n]);
	if (!*cmd) {
		*cause = pmc_cli_unknown_command(argv[n]);
		return -EINVAL;
	}
	/* A NULL table ends the list: the shared one moves up when there is no own one. */
	spec = (struct pmc_args_spec){ .tables = { pmc_cli_global_flags,
						   (*cmd)->flags ? (*cmd)->flags
								 : (*cmd)->extra_flags,
						   (*cmd)->flags ? (*cmd)->extra_flags : NULL },
				       .script_args = (*cmd)->script_args };
	err = pmc_args_parse(args, &spec, argc - n - 1, argv + n + 1, cause);
	if (err < 0)
		return err;
	if (args->help || args->version)
		return 0;
	err = check_arity(*cmd, args, cause);
	if (err == 0 && (*cmd)->check)
		err = (*cmd)->check(args, cause);
	return err;
}

void pmc_cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("pmc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int pmc_cli_paths(struct pmc_cli *cli)
{
	char *cause = NULL;

	if (cli->paths_ready)
		return 0;
	if (pmc_paths_init(&cli->paths, &cause) < 0) {
		pmc_cli_error("%s", cause);
		free(cause);
		return PMC_EXIT_UNREACHABLE;
	}
	cli->paths_ready = true;
	return 0;
}

/* "no app named 'apii'" + " (did you mean 'api'?)" from the error's data. */
static void print_rpc_error(const struct pmc_rpc_response *resp)
{
	const char *msg = resp->error_message ? resp->error_message : "unknown error";
	const cJSON *hint = cJSON_GetObjectItemCaseSensitive(resp->error_data, "suggestion");

	if (resp->error_code == PMC_RPC_NOT_FOUND && cJSON_IsString(hint) &&
	    !strstr(msg, "did you mean"))
		pmc_cli_error("%s (did you mean '%s'?)", msg, hint->valuestring);
	else
		pmc_cli_error("%s", msg);
}

static void disconnect(struct pmc_cli *cli)
{
	pmc_client_close(&cli->client);
	cli->connected = false;
}

/* What a call hands back besides its result. */
struct call_extra {
	pmc_client_notify_fn notify;
	void *data;
	cJSON **error_data;
	char **message; /* the error the daemon reported, or NULL */
};

/* A call on the open connection; quiet leaves errors unprinted; extra may be NULL. */
static int call_raw(struct pmc_cli *cli, const char *method, const cJSON *params,
		    int64_t timeout_ms, cJSON **result, bool quiet, const struct call_extra *extra)
{
	static const struct call_extra none;
	struct pmc_rpc_response resp;
	int err, rc;

	if (!extra)
		extra = &none;
	if (result)
		*result = NULL;
	if (extra->error_data)
		*extra->error_data = NULL;
	err = pmc_client_call(&cli->client, method, params, timeout_ms, extra->notify,
			      extra->data, &resp);
	if (err < 0) {
		if (quiet)
			;
		else if (err == -ETIMEDOUT)
			pmc_cli_error("lost the connection to the daemon (no answer to %s within "
				      "%llds)",
				      method, (long long)(timeout_ms / 1000));
		else if (err == -EBADMSG || err == -EMSGSIZE)
			pmc_cli_error("lost the connection to the daemon (it sent an invalid "
				      "message)");
		else
			pmc_cli_error("lost the connection to the daemon");
		disconnect(cli);
		return PMC_EXIT_UNREACHABLE;
	}
	if (resp.error_code) {
		if (!quiet)
			print_rpc_error(&resp);
		rc = resp.error_code == PMC_RPC_SHUTTING_DOWN ? PMC_EXIT_UNREACHABLE :
								PMC_EXIT_DAEMON;
		if (extra->error_data && resp.error_data)
			*extra->error_data = cJSON_Duplicate(resp.error_data, true);
		if (extra->message)
			*extra->message = xstrdup(resp.error_message ? resp.error_message
								     : "unknown error");
		pmc_rpc_response_free(&resp);
		return rc;
	}
	if (result)
		*result = cJSON_DetachItemFromObjectCaseSensitive(resp.root, "result");
	pmc_rpc_response_free(&resp);
	return 0;
}

int pmc_cli_connect(struct pmc_cli *cli, bool autostart)
{
	cJSON *ping = NULL;
	const cJSON *proto, *pid;
	char *cause = NULL;
	int rc;

	if (cli->connected)
		return 0;
	rc = pmc_cli_paths(cli);
	if (rc)
		return rc;
	if (pmc_daemon_connect(&cli->paths, autostart, &cli->client, &cause) < 0) {
		pmc_cli_error("%s", cause);
		free(cause);
		return PMC_EXIT_UNREACHABLE;
	}
	cli->connected = true;
	rc = call_raw(cli, "ping", NULL, PMC_CALL_TIMEOUT_MS, &ping, false, NULL);
	if (rc)
		return rc == PMC_EXIT_DAEMON ? PMC_EXIT_UNREACHABLE : rc;
	proto = cJSON_GetObjectItemCaseSensitive(ping, "protocol");
	pid = cJSON_GetObjectItemCaseSensitive(ping, "pid");
	cli->daemon_pid = cJSON_IsNumber(pid) ? (long long)pid->valuedouble : 0;
	if (!cJSON_IsNumber(proto) || proto->valuedouble != PMC_PROTOCOL_VERSION) {
		char *shown = proto ? cJSON_PrintUnformatted(proto) : xstrdup("unknown");
		pmc_cli_error("daemon speaks protocol %s, this pmc speaks %d: run `pmc update` to "
			      "re-execute the installed pmcd with the apps kept running (or `pmc "
			      "kill` and retry)",
			      shown, PMC_PROTOCOL_VERSION);
		free(shown);
		rc = PMC_EXIT_UNREACHABLE;
	}
	cJSON_Delete(ping);
	return rc;
}

int pmc_cli_call_notify(struct pmc_cli *cli, const char *method, const cJSON *params,
			int64_t timeout_ms, pmc_client_notify_fn notify, void *data,
			cJSON **result, cJSON **error_data)
{
	const struct call_extra extra = { notify, data, error_data, NULL };
	int rc;

	if (result)
		*result = NULL;
	if (error_data)
		*error_data = NULL;
	if (!cli->connected) {
		rc = pmc_cli_connect(cli, true);
		if (rc)
			return rc;
	}
	return call_raw(cli, method, params, timeout_ms, result, false, &extra);
}

int pmc_cli_call_quiet(struct pmc_cli *cli, const char *method, const cJSON *params,
		       int64_t timeout_ms, cJSON **result, char **message)
{
	const struct call_extra extra = { NULL, NULL, NULL, message };
	int rc;

	*message = NULL;
	if (!cli->connected) {
		rc = pmc_cli_connect(cli, true);
		if (rc)
			return rc;
	}
	rc = call_raw(cli, method, params, timeout_ms, result, true, &extra);
	/* A lost connection is not the daemon's answer: say it as the others do. */
	if (rc == PMC_EXIT_UNREACHABLE && !*message)
		*message = xstrdup("lost the connection to the daemon");
	return rc;
}

int pmc_cli_call(struct pmc_cli *cli, const char *method, const cJSON *params,
		 int64_t timeout_ms, cJSON **result)
{
	return pmc_cli_call_notify(cli, method, params, timeout_ms, NULL, NULL, result, NULL);
}

/* pm2_env[key] of an entry in ms, or def when absent or absurd. */
static int64_t env_ms(const cJSON *entry, const char *key, int64_t def)
{
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(entry, "pm2_env");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(env, key);

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 86400000.0)
		return (int64_t)v->valuedouble;
	return def;
}

/* PMC_STOP_TIMEOUT_MS plus, per listed instance, its kill_timeout (and listen_timeout). */
static int64_t listed_timeout(struct pmc_cli *cli, bool with_listen)
{
	int64_t total = PMC_STOP_TIMEOUT_MS;
	const cJSON *entry;
	cJSON *list = NULL;

	if (!cli->connected ||
	    call_raw(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list, true, NULL))
		return total;
	/* Instances may be handled one after another: allow each its whole timeouts. */
	cJSON_ArrayForEach(entry, list)
	{
		total += env_ms(entry, "kill_timeout", 1600);
		if (with_listen)
			total += env_ms(entry, "listen_timeout", 3000);
	}
	cJSON_Delete(list);
	return total;
}

int64_t pmc_cli_stop_timeout(struct pmc_cli *cli)
{
	return listed_timeout(cli, false);
}

int64_t pmc_cli_replace_timeout(struct pmc_cli *cli)
{
	return listed_timeout(cli, true);
}

void pmc_cli_print_json(const cJSON *value)
{
	char *text = cJSON_PrintUnformatted(value);

	puts(text);
	free(text);
}

int pmc_cli_print_list(struct pmc_cli *cli, bool json)
{
	cJSON *list;
	char *text;
	int rc;

	rc = pmc_cli_call(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list);
	if (rc)
		return rc;
	if (json) {
		pmc_cli_print_json(list);
	} else {
		text = pmc_render_list(list, cli->color, pmc_clock_wall_ms());
		fputs(text, stdout);
		free(text);
	}
	cJSON_Delete(list);
	return 0;
}

cJSON *pmc_cli_targets_params(const struct pmc_args *args)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *targets = cJSON_AddArrayToObject(params, "targets");
	size_t i;

	for (i = 0; i < args->pos.n; i++)
		cJSON_AddItemToArray(targets, cJSON_CreateString(args->pos.items[i]));
	/* PM2's --update-env: the apps take this shell's environment. */
	if (args->update_env)
		cJSON_AddItemToObject(params, "env_inherit", pmc_cmd_start_environ());
	return params;
}

int pmc_cli_run_targets(struct pmc_cli *cli, const struct pmc_args *args, const char *method,
			const char *verb_ing)
{
	cJSON *params = pmc_cli_targets_params(args);
	int64_t timeout;
	size_t i;
	int rc;

	rc = pmc_cli_connect(cli, true);
	if (rc)
		goto out;
	timeout = strcmp(method, "reset") == 0 ? PMC_CALL_TIMEOUT_MS : pmc_cli_stop_timeout(cli);
	if (!args->json) {
		printf("[pmc] %s", verb_ing);
		for (i = 0; i < args->pos.n; i++)
			printf("%s%s", i ? ", " : " ", args->pos.items[i]);
		putchar('\n');
	}
	rc = pmc_cli_call(cli, method, params, timeout, NULL);
	if (rc == 0)
		rc = pmc_cli_print_list(cli, args->json);
out:
	cJSON_Delete(params);
	return rc;
}

static bool want_color(const struct pmc_args *args)
{
	const char *no_color = getenv("NO_COLOR");

	if (args->color.set)
		return args->color.value;
	return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

int pmc_cli_main(int argc, char **argv)
{
	const struct pmc_cli_command *cmd = NULL;
	struct pmc_args args = { 0 };
	struct pmc_cli cli = { 0 };
	char **runtime_argv = NULL;
	char *cause = NULL;
	int rc;

	/* A daemon that goes away mid-write is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	/* Installed as pmc-runtime (a container's entrypoint): `pmc runtime ARGS`. */
	if (argc > 0 && strcmp(basename(argv[0]), "pmc-runtime") == 0) {
		runtime_argv = xcalloc((size_t)argc + 2, sizeof *runtime_argv);
		runtime_argv[0] = argv[0];
		runtime_argv[1] = (char *)"runtime";
		memcpy(runtime_argv + 2, argv + 1, (size_t)(argc - 1) * sizeof *argv);
		argv = runtime_argv;
		argc++;
	}
	pmc_rpc_init_json();
	pmc_client_init(&cli.client);
	if (pmc_cli_parse(argc, argv, &args, &cmd, &cause) < 0) {
		pmc_cli_error("%s", cause);
		fprintf(stderr, "Try 'pmc help%s%s'.\n", cmd ? " " : "", cmd ? cmd->name : "");
		rc = PMC_EXIT_USAGE;
		goto out;
	}
	rc = PMC_EXIT_OK;
	if (args.version) {
		puts(PMC_VERSION);
	} else if (args.help) {
		if (cmd)
			pmc_cli_help_command(cmd);
		else
			pmc_cli_help_general(false);
	} else if (!cmd) {
		pmc_cli_help_general(true);
		rc = PMC_EXIT_USAGE;
	} else {
		cli.color = want_color(&args);
		rc = cmd->run(&cli, &args);
	}
out:
	if (fflush(stdout) != 0 && errno != EPIPE && rc == PMC_EXIT_OK) {
		fprintf(stderr, "pmc: cannot write the output: %s\n", strerror(errno));
		rc = PMC_EXIT_DAEMON;
	}
	pmc_client_close(&cli.client);
	if (cli.paths_ready)
		pmc_paths_free(&cli.paths);
	pmc_args_free(&args);
	free(runtime_argv);
	free(cause);
	return rc;
}
