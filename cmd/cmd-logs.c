/* SPDX-License-Identifier: MIT */
/* `pmc logs [TARGET]`: the last lines of the apps' log files, then their output as it comes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "logview.h"
#include "xmalloc.h"

#define DEFAULT_LINES 15
#define BLOCK	      65536

/* One log file whose tail is shown. */
struct log_file {
	char *path;
	char *name;
	long long pm_id;
	bool is_err;
	off_t size; /* show up to here (what the daemon had written when it answered); -1: all */
	char *partial; /* an incomplete line */
	size_t partial_len;
};

struct logs {
	struct pmc_logview view;
	struct log_file *files;
	size_t n;
	cJSON *early; /* notifications that came with the answer, printed after the tails */
};

static void emit(struct logs *lg, const struct log_file *f, const char *line, size_t len)
{
	pmc_logview_line(&lg->view, f->pm_id, f->name, f->is_err, line, len, 0);
}

/* Print the complete lines of data (after any held partial line); hold the rest. */
static void emit_chunk(struct logs *lg, struct log_file *f, const char *data, size_t len)
{
	const char *nl;

	while (len && (nl = memchr(data, '\n', len))) {
		size_t n = (size_t)(nl - data);
		if (f->partial_len) {
			f->partial = xrealloc(f->partial, f->partial_len + n + 1);
			memcpy(f->partial + f->partial_len, data, n);
			emit(lg, f, f->partial, f->partial_len + n);
			f->partial_len = 0;
		} else {
			emit(lg, f, data, n);
		}
		data += n + 1;
		len -= n + 1;
	}
	if (len) {
		f->partial = xrealloc(f->partial, f->partial_len + len + 1);
		memcpy(f->partial + f->partial_len, data, len);
		f->partial_len += len;
	}
}

/* Offset of the first of the last `lines` lines of fd (size bytes), reading backwards. */
static off_t tail_start(int fd, off_t size, long long lines)
{
	char *buf = xmalloc(BLOCK);
	off_t pos = size, start = 0;
	long long seen = 0;

	if (lines <= 0) {
		start = size;
		goto out;
	}
	while (pos > 0) {
		size_t len = pos > BLOCK ? BLOCK : (size_t)pos;
		ssize_t n, i;

		pos -= (off_t)len;
		n = pread(fd, buf, len, pos);
		if (n <= 0)
			break;
		for (i = n - 1; i >= 0; i--) {
			/* The newline that ends the file closes its last line: not a separator. */
			if (buf[i] != '\n' || pos + i == size - 1)
				continue;
			if (++seen == lines) {
				start = pos + i + 1;
				goto out;
			}
		}
	}
out:
	free(buf);
	return start;
}

/* Print bytes [from, to) of fd line by line, the last one even when unfinished. */
static void emit_range(struct logs *lg, struct log_file *f, int fd, off_t from, off_t to)
{
	char *buf = xmalloc(BLOCK);

	while (from < to && !lg->view.broken) {
		size_t want = to - from > BLOCK ? BLOCK : (size_t)(to - from);
		ssize_t n = pread(fd, buf, want, from);
		if (n <= 0)
			break;
		emit_chunk(lg, f, buf, (size_t)n);
		from += n;
	}
	if (f->partial_len)
		emit(lg, f, f->partial, f->partial_len);
	f->partial_len = 0;
	free(buf);
}

/* `==> PATH <==` and the last lines of one file, or that it holds nothing yet. */
static void show_tail(struct logs *lg, struct log_file *f, long long lines)
{
	struct stat st;
	off_t end = 0;
	int fd;

	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0)
		end = f->size >= 0 && f->size < st.st_size ? f->size : st.st_size;
	if (end == 0) {
		/* With --json, stdout holds only the JSON lines. */
		pmc_logview_flush(&lg->view);
		fprintf(lg->view.json ? stderr : stdout, "(no output yet in %s)\n", f->path);
		goto out;
	}
	if (!lg->view.json)
		printf("==> %s <==\n", f->path);
	emit_range(lg, f, fd, tail_start(fd, end, lines), end);
	pmc_logview_flush(&lg->view);
out:
	if (fd >= 0)
		close(fd);
}

static const char *str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long long num_of(const cJSON *obj, const char *key, long long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

static void add_file(struct logs *lg, const char *path, long long pm_id, const char *name,
		     bool is_err, off_t size)
{
	struct log_file *f;
	size_t i;

	if (!path)
		return;
	/* Instances with merged logs share their files: show each file once. */
	for (i = 0; i < lg->n; i++)
		if (strcmp(lg->files[i].path, path) == 0)
			return;
	lg->files = xrealloc(lg->files, (lg->n + 1) * sizeof *lg->files);
	f = &lg->files[lg->n++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->name = xstrdup(name ? name : "");
	f->pm_id = pm_id;
	f->is_err = is_err;
	f->size = size;
	pmc_logview_fit(&lg->view, pm_id, name);
}

/* True when files lists an out or err file of pm_id. */
static bool has_stream_file(const cJSON *files, long long pm_id)
{
	const cJSON *file;

	cJSON_ArrayForEach(file, files)
	{
		const char *stream = str_of(file, "stream");
		if (num_of(file, "pm_id", -2) == pm_id && stream && strcmp(stream, "combined") != 0)
			return true;
	}
	return false;
}

/*
 * The files of the logs answer; a combined file only for an app that logs to
 * no other (it holds the same lines as the out and error files).
 */
static void add_answer_files(struct logs *lg, const cJSON *files)
{
	const cJSON *file;

	cJSON_ArrayForEach(file, files)
	{
		const char *stream = str_of(file, "stream");
		long long pm_id = num_of(file, "pm_id", 0);
		if (!stream || (strcmp(stream, "combined") == 0 && has_stream_file(files, pm_id)))
			continue;
		add_file(lg, str_of(file, "path"), pm_id, str_of(file, "name"),
			 strcmp(stream, "err") == 0, (off_t)num_of(file, "size", -1));
	}
}

static bool matches(const cJSON *entry, const char *target)
{
	const char *name = str_of(entry, "name");
	char id[32];

	if (!target || strcmp(target, "all") == 0)
		return true;
	if (name && strcmp(name, target) == 0)
		return true;
	snprintf(id, sizeof id, "%lld", num_of(entry, "pm_id", -1));
	return strcmp(id, target) == 0;
}

/* Notifications that arrive before the answer wait for the tails. */
static void keep_early(const struct pmc_rpc_response *note, void *data)
{
	struct logs *lg = data;

	if (note->method && strcmp(note->method, "log") == 0 && note->params)
		cJSON_AddItemToArray(lg->early, cJSON_Duplicate(note->params, true));
}

/* A daemon whose answer names no files: the paths come from the listing. */
static int add_listed_files(struct pmc_cli *cli, struct logs *lg, const char *target, bool out,
			    bool err)
{
	const cJSON *entry;
	cJSON *list;
	int rc;

	/* The stream may have begun: keep its lines for later. */
	rc = pmc_cli_call_notify(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, keep_early, lg, &list,
				 NULL);
	if (rc)
		return rc;
	cJSON_ArrayForEach(entry, list)
	{
		const cJSON *env = cJSON_GetObjectItemCaseSensitive(entry, "pm2_env");
		long long pm_id = num_of(entry, "pm_id", 0);
		if (!matches(entry, target))
			continue;
		if (out)
			add_file(lg, str_of(env, "pm_out_log_path"), pm_id, str_of(entry, "name"),
				 false, -1);
		if (err)
			add_file(lg, str_of(env, "pm_err_log_path"), pm_id, str_of(entry, "name"),
				 true, -1);
	}
	cJSON_Delete(list);
	return 0;
}

static cJSON *logs_params(const struct pmc_args *args, const char *target)
{
	cJSON *params = cJSON_CreateObject();

	if (target)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(params, "targets"),
				     cJSON_CreateString(target));
	cJSON_AddBoolToObject(params, "follow", !args->nostream);
	if (args->out)
		cJSON_AddBoolToObject(params, "out", true);
	if (args->err)
		cJSON_AddBoolToObject(params, "err", true);
	return params;
}

/* Follow the stream until SIGINT/SIGTERM/SIGHUP, the daemon leaves, or stdout does. */
static int follow(struct pmc_cli *cli, struct logs *lg, int sfd)
{
	const cJSON *note;
	int err;

	cJSON_ArrayForEach(note, lg->early)
		pmc_logview_note(&lg->view, note);
	err = pmc_logview_stream(&lg->view, &cli->client, sfd);
	if (err == 0 || err == -EPIPE)
		return PMC_EXIT_OK;
	if (err == -ECONNRESET)
		pmc_cli_error("the daemon ended the log stream (it stopped or was killed)");
	else if (err == -EBADMSG || err == -EMSGSIZE)
		pmc_cli_error("lost the connection to the daemon (it sent an invalid message)");
	else
		pmc_cli_error("lost the connection to the daemon: %s", strerror(-err));
	return PMC_EXIT_UNREACHABLE;
}

/* Ctrl-C, kill and hangup end the follow: read them from a signalfd instead. */
static int block_signals(sigset_t *old)
{
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		sigprocmask(SIG_SETMASK, old, NULL);
	return sfd;
}

/* The signals that ended the follow are handled: take them before unblocking. */
static void unblock_signals(int sfd, const sigset_t *old)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
		;
	close(sfd);
	sigprocmask(SIG_SETMASK, old, NULL);
}

static int run_logs(struct pmc_cli *cli, const struct pmc_args *args)
{
	const char *target = args->pos.n ? args->pos.items[0] : NULL;
	long long lines = args->lines.set ? args->lines.value : DEFAULT_LINES;
	bool every = !target || strcmp(target, "all") == 0;
	cJSON *params = logs_params(args, target), *result = NULL;
	const cJSON *files;
	struct logs lg = { .early = cJSON_CreateArray() };
	int rc, sfd = -1;
	sigset_t old_mask;
	size_t i;

	pmc_logview_init(&lg.view, stdout);
	lg.view.raw = args->raw;
	lg.view.json = args->json;
	lg.view.color = cli->color;
	if (args->timestamp.set)
		lg.view.timestamp = args->timestamp.value ?: PMC_LOGVIEW_TIMESTAMP_DEFAULT;
	rc = pmc_cli_call_notify(cli, "logs", params, PMC_CALL_TIMEOUT_MS, keep_early, &lg,
				 &result, NULL);
	if (rc)
		goto out;
	if (!args->nostream) {
		sfd = block_signals(&old_mask);
		if (sfd < 0) {
			pmc_cli_error("cannot follow the logs: %s", strerror(errno));
			rc = PMC_EXIT_DAEMON;
			goto out;
		}
	}
	files = cJSON_GetObjectItemCaseSensitive(result, "files");
	if (cJSON_IsArray(files)) {
		/* The daemon names pmcd.log first when it belongs (every app, both streams). */
		add_answer_files(&lg, files);
	} else {
		/* The daemon's own log too, as PM2 shows pm2.log, unless one stream was asked for. */
		if (every && !args->out && !args->err)
			add_file(&lg, cli->paths.log, PMC_LOGVIEW_DAEMON_ID, "pmcd", false, -1);
		rc = add_listed_files(cli, &lg, target, args->out || !args->err,
				      args->err || !args->out);
	}
	for (i = 0; rc == 0 && i < lg.n && !lg.view.broken; i++)
		show_tail(&lg, &lg.files[i], lines);
	if (rc == 0 && !args->nostream && !lg.view.broken)
		rc = follow(cli, &lg, sfd);
out:
	if (sfd >= 0)
		unblock_signals(sfd, &old_mask);
	for (i = 0; i < lg.n; i++) {
		free(lg.files[i].path);
		free(lg.files[i].name);
		free(lg.files[i].partial);
	}
	free(lg.files);
	cJSON_Delete(lg.early);
	cJSON_Delete(result);
	cJSON_Delete(params);
	return rc;
}

static const struct pmc_flag logs_flags[] = {
	{ .name = "lines",
	  .kind = PMC_FLAG_INT,
	  .offset = offsetof(struct pmc_args, lines),
	  .min = 0,
	  .max = INT32_MAX,
	  .value_name = "N",
	  .help = "lines shown from the end of each file (default 15)" },
	{ .name = "nostream",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, nostream),
	  .help = "print the last lines and exit; do not follow" },
	{ .name = "out",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, out),
	  .help = "only the standard output logs" },
	{ .name = "err",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, err),
	  .help = "only the standard error logs" },
	{ .name = "raw",
	  .kind = PMC_FLAG_BOOL,
	  .offset = offsetof(struct pmc_args, raw),
	  .help = "do not prefix lines with the pm_id and the app name" },
	{ .name = "timestamp",
	  .kind = PMC_FLAG_OPTIONAL,
	  .offset = offsetof(struct pmc_args, timestamp),
	  .value_name = "FMT",
	  .help = "prefix lines with the time they are shown (default " PMC_LOGVIEW_TIMESTAMP_DEFAULT
		  ")",
	  .takes = pmc_logview_is_time_format },
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_logs = {
	.name = "logs",
	.min_args = 0,
	.max_args = 1,
	.flags = logs_flags,
	.usage = "[TARGET] [--lines N] [--nostream] [--out|--err] [--raw] [--timestamp [FMT]] "
		 "[--json]",
	.summary = "Print the last lines of the apps' logs, then follow them",
	.details =
		"TARGET is an app name, a pm_id or all (the default). For each log file prints\n"
		"'==> PATH <==' and its last lines, each prefixed with 'ID|NAME | '; without a\n"
		"TARGET the daemon's own log (pmcd.log) comes first, as 'PMC | ' lines. Then\n"
		"prints the apps' output as the daemon writes it, across restarts and log\n"
		"rotations, until interrupted (Ctrl-C), unless --nostream.\n"
		"\n"
		"--timestamp prefixes each line with the time pmc shows it, as FMT (dayjs tokens:\n"
		"YYYY MM DD HH mm ss SSS Z, text in [brackets]); a word after --timestamp is\n"
		"taken as FMT only when it cannot be a TARGET (or write --timestamp=FMT). --json\n"
		"prints one object per line: {\"message\",\"timestamp\",\"type\",\"process_id\",\n"
		"\"app_name\"}.",
	.run = run_logs,
};
