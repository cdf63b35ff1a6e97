/* SPDX-License-Identifier: MIT */
/* `pmc logs [TARGET]`: the last lines of the apps' log files, then new lines as they come. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "name.h"
#include "xmalloc.h"

#define DEFAULT_LINES  15
#define BLOCK          65536
/* A line still incomplete after this long is printed as it is. */
#define PARTIAL_WAIT_MS 200
/* Nor is an incomplete line held beyond this size. */
#define PARTIAL_MAX (1024 * 1024)

/* One log file being shown. */
struct log_file {
	char *path;
	char *label; /* "0|api|" */
	long long pm_id;
	bool is_err;
	int fd; /* follow mode; -1 while the file does not exist */
	dev_t dev;
	ino_t ino;
	off_t offset; /* bytes already shown */
	char *partial; /* an incomplete last line */
	size_t partial_len;
};

struct logs {
	struct log_file *files;
	size_t n;
	bool raw;
	bool color;
	bool broken; /* stdout is gone (EPIPE): stop quietly */
};

static const char *const label_colors[] = { "36", "32", "35", "33", "34" };

static void emit_line(struct logs *lg, const struct log_file *f, const char *line, size_t len)
{
	if (lg->broken)
		return;
	if (!lg->raw) {
		if (lg->color)
			printf("\x1b[%sm%s\x1b[0m ",
			       f->is_err ? "31" :
					   label_colors[(size_t)f->pm_id %
							(sizeof label_colors / sizeof label_colors[0])],
			       f->label);
		else
			printf("%s ", f->label);
	}
	fwrite(line, 1, len, stdout);
	putchar('\n');
}

static void flush_out(struct logs *lg)
{
	if (fflush(stdout) != 0 && errno == EPIPE)
		lg->broken = true;
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
			emit_line(lg, f, f->partial, f->partial_len + n);
			f->partial_len = 0;
		} else {
			emit_line(lg, f, data, n);
		}
		data += n + 1;
		len -= n + 1;
	}
	if (len) {
		f->partial = xrealloc(f->partial, f->partial_len + len + 1);
		memcpy(f->partial + f->partial_len, data, len);
		f->partial_len += len;
	}
	if (f->partial_len > PARTIAL_MAX) {
		emit_line(lg, f, f->partial, f->partial_len);
		f->partial_len = 0;
	}
}

static void flush_partial(struct logs *lg, struct log_file *f)
{
	if (f->partial_len)
		emit_line(lg, f, f->partial, f->partial_len);
	f->partial_len = 0;
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

/* Print bytes [from, to) of fd line by line. */
static void emit_range(struct logs *lg, struct log_file *f, int fd, off_t from, off_t to)
{
	char *buf = xmalloc(BLOCK);

	while (from < to && !lg->broken) {
		size_t want = to - from > BLOCK ? BLOCK : (size_t)(to - from);
		ssize_t n = pread(fd, buf, want, from);
		if (n <= 0)
			break;
		emit_chunk(lg, f, buf, (size_t)n);
		from += n;
	}
	free(buf);
}

/* `==> PATH <==` and the last lines of one file; the file stays open for follow. */
static void show_tail(struct logs *lg, struct log_file *f, long long lines, bool follow)
{
	struct stat st;
	int fd;

	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) < 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0 || st.st_size == 0) {
		printf("(no output yet in %s)\n", f->path);
		if (fd >= 0 && follow) {
			f->fd = fd;
			f->dev = st.st_dev;
			f->ino = st.st_ino;
		} else if (fd >= 0) {
			close(fd);
		}
		return;
	}
	printf("==> %s <==\n", f->path);
	emit_range(lg, f, fd, tail_start(fd, st.st_size, lines), st.st_size);
	/* The tail shows the file's last line even when it is not finished yet. */
	flush_partial(lg, f);
	f->offset = st.st_size;
	if (follow) {
		f->fd = fd;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	} else {
		close(fd);
	}
	flush_out(lg);
}

/* Show what was appended to f since last time, following truncation and replacement. */
static void catch_up(struct logs *lg, struct log_file *f)
{
	struct stat st;

	if (stat(f->path, &st) == 0 && (f->fd < 0 || st.st_ino != f->ino || st.st_dev != f->dev)) {
		int fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0) {
			if (f->fd >= 0) {
				/* Rotated: finish the old file first. */
				struct stat old;
				if (fstat(f->fd, &old) == 0 && old.st_size > f->offset)
					emit_range(lg, f, f->fd, f->offset, old.st_size);
				close(f->fd);
			}
			f->fd = fd;
			f->dev = st.st_dev;
			f->ino = st.st_ino;
			f->offset = 0;
		} else if (fd >= 0) {
			close(fd);
		}
	}
	if (f->fd < 0 || fstat(f->fd, &st) < 0)
		return;
	if (st.st_size < f->offset) {
		/* Truncated (flushed): start over. */
		f->offset = 0;
		f->partial_len = 0;
	}
	if (st.st_size > f->offset) {
		emit_range(lg, f, f->fd, f->offset, st.st_size);
		f->offset = st.st_size;
	}
}

static bool any_partial(const struct logs *lg)
{
	size_t i;

	for (i = 0; i < lg->n; i++)
		if (lg->files[i].partial_len)
			return true;
	return false;
}

static void watch_dirs(const struct logs *lg, int ino)
{
	size_t i;

	for (i = 0; i < lg->n; i++) {
		char *dir = xstrdup(lg->files[i].path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		/* Watching the directory also sees files that do not exist yet or get replaced. */
		if (inotify_add_watch(ino, slash ? dir : ".",
				      IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
			fprintf(stderr, "pmc: cannot watch %s: %s\n", dir, strerror(errno));
		free(dir);
	}
}

/* Follow every file until SIGINT/SIGTERM/SIGHUP or until stdout goes away. */
static int follow(struct logs *lg)
{
	char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd[2];
	sigset_t mask;
	int ino, sfd;
	size_t i;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (sfd < 0 || ino < 0) {
		pmc_cli_error("cannot follow the logs: %s", strerror(errno));
		if (sfd >= 0)
			close(sfd);
		return PMC_EXIT_DAEMON;
	}
	watch_dirs(lg, ino);
	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = ino, .events = POLLIN };
	/* Whatever was written between the tails and the watches. */
	for (i = 0; i < lg->n; i++)
		catch_up(lg, &lg->files[i]);
	flush_out(lg);
	while (!lg->broken) {
		int n = poll(pfd, 2, any_partial(lg) ? PARTIAL_WAIT_MS : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || pfd[0].revents)
			break;
		if (n == 0) {
			for (i = 0; i < lg->n; i++)
				flush_partial(lg, &lg->files[i]);
		} else {
			while (read(ino, events, sizeof events) > 0)
				;
			for (i = 0; i < lg->n; i++)
				catch_up(lg, &lg->files[i]);
		}
		flush_out(lg);
	}
	for (i = 0; i < lg->n; i++)
		flush_partial(lg, &lg->files[i]);
	flush_out(lg);
	close(ino);
	close(sfd);
	return PMC_EXIT_OK;
}

static const char *entry_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool matches(const cJSON *entry, const char *target)
{
	const cJSON *pm_id = cJSON_GetObjectItemCaseSensitive(entry, "pm_id");
	const char *name = entry_str(entry, "name");
	char id[32];

	if (!target || strcmp(target, "all") == 0)
		return true;
	if (name && strcmp(name, target) == 0)
		return true;
	snprintf(id, sizeof id, "%lld", cJSON_IsNumber(pm_id) ? (long long)pm_id->valuedouble : -1);
	return strcmp(id, target) == 0;
}

static void add_file(struct logs *lg, const cJSON *entry, const char *path, bool is_err)
{
	const cJSON *pm_id = cJSON_GetObjectItemCaseSensitive(entry, "pm_id");
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
	f->pm_id = cJSON_IsNumber(pm_id) ? (long long)pm_id->valuedouble : 0;
	f->label = xasprintf("%lld|%s|", f->pm_id, entry_str(entry, "name") ?: "");
	f->is_err = is_err;
	f->fd = -1;
}

/* The error for a target that names nothing, with the closest app name. */
static void no_such_target(const cJSON *list, const char *target)
{
	const char **names = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *names);
	const cJSON *entry;
	const char *best;
	size_t n = 0;

	if (!target || strcmp(target, "all") == 0) {
		pmc_cli_error("no apps");
		free(names);
		return;
	}
	cJSON_ArrayForEach(entry, list)
		if (entry_str(entry, "name"))
			names[n++] = entry_str(entry, "name");
	best = pmc_name_closest(target, names, n);
	if (best)
		pmc_cli_error("no app named '%s' (did you mean '%s'?)", target, best);
	else
		pmc_cli_error("no app named '%s'", target);
	free(names);
}

static int run_logs(struct pmc_cli *cli, const struct pmc_args *args)
{
	const char *target = args->pos.n ? args->pos.items[0] : NULL;
	long long lines = args->lines.set ? args->lines.value : DEFAULT_LINES;
	bool out = args->out || !args->err, err = args->err || !args->out;
	struct logs lg = { .raw = args->raw, .color = cli->color };
	const cJSON *entry;
	cJSON *list = NULL;
	size_t i;
	int rc;

	rc = pmc_cli_call(cli, "list", NULL, PMC_CALL_TIMEOUT_MS, &list);
	if (rc)
		goto out;
	cJSON_ArrayForEach(entry, list)
	{
		const cJSON *env = cJSON_GetObjectItemCaseSensitive(entry, "pm2_env");
		if (!matches(entry, target))
			continue;
		if (out)
			add_file(&lg, entry, entry_str(env, "pm_out_log_path"), false);
		if (err)
			add_file(&lg, entry, entry_str(env, "pm_err_log_path"), true);
	}
	if (lg.n == 0) {
		no_such_target(list, target);
		rc = PMC_EXIT_DAEMON;
		goto out;
	}
	/* The daemon is not needed any more: the files are read directly. */
	pmc_client_close(&cli->client);
	cli->connected = false;
	for (i = 0; i < lg.n && !lg.broken; i++)
		show_tail(&lg, &lg.files[i], lines, !args->nostream);
	flush_out(&lg);
	if (!args->nostream && !lg.broken)
		rc = follow(&lg);
out:
	for (i = 0; i < lg.n; i++) {
		if (lg.files[i].fd >= 0)
			close(lg.files[i].fd);
		free(lg.files[i].path);
		free(lg.files[i].label);
		free(lg.files[i].partial);
	}
	free(lg.files);
	cJSON_Delete(list);
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
	{ 0 },
};

const struct pmc_cli_command pmc_cmd_logs = {
	.name = "logs",
	.min_args = 0,
	.max_args = 1,
	.flags = logs_flags,
	.usage = "[TARGET] [--lines N] [--nostream] [--out|--err] [--raw]",
	.summary = "Print the last lines of the apps' logs, then follow them",
	.details = "Reads the log files directly (their paths come from the listing): for each file\n"
		   "'==> PATH <==' and its last lines, each prefixed with 'ID|NAME| '. Then prints new\n"
		   "lines as they are written, until interrupted (Ctrl-C), unless --nostream.",
	.run = run_logs,
};
